// The command line every small example shares: --quick for a tiny run (what the tests use),
// --out DIR for files, --help. DESCENT_EXAMPLE_QUICK=1 in the environment means --quick too.

import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** examples/output/, where examples write files unless --out says otherwise. */
export const DEFAULT_OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'output');

/**
 * Parses the arguments, or prints the usage and exits (code 0 for --help, 2 for a bad argument).
 * @param {string} usage - the usage text, printed for --help and after an error
 * @param {string[]} [argv] - default: process.argv.slice(2)
 * @returns {{ quick: boolean, out: string }}
 */
export function exampleArgs(usage, argv = process.argv.slice(2)) {
  const opts = { quick: process.env.DESCENT_EXAMPLE_QUICK === '1', out: DEFAULT_OUT };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') opts.quick = true;
    else if (arg === '--out' && argv[i + 1] !== undefined) opts.out = argv[++i];
    else if (arg === '--help' || arg === '-h') {
      console.log(usage);
      process.exit(0);
    } else {
      console.error(`${arg === '--out' ? '--out needs a directory' : `unknown argument ${arg}`}\n${usage}`);
      process.exit(2);
    }
  }
  return opts;
}
