// The command-line entry shared by the bench scripts: parse argv, or print why not and exit.

/**
 * Runs `parse(argv)`. A thrown Error is a bad command line: its message and the usage go to stderr
 * and the process exits 2. `--help` (parsed as `help: true`) prints the usage and exits 0.
 * @param {string} name the script's name in messages, e.g. 'bench:async'
 * @param {string} usage
 * @param {(argv: string[]) => object} parse
 */
export function parseCommandLine(name, usage, parse) {
  let args;
  try {
    args = parse(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${name}: ${err.message}\n${usage}\n`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  return args;
}
