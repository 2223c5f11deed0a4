// Command-line options of the demo.

export const USAGE = `usage: node examples/demo.mjs [--steps N] [--quick] [--out DIR]
  --steps N   step budget of every run (default 20000)
  --quick     tiny budget (2000 steps), 2 spam-filter epochs instead of 5, PNGs at 1x, for tests and smoke runs
  --out DIR   where the JSON, Markdown, SVG and PNG results go (default examples/output/)`;

export const DEFAULT_STEPS = 20_000;
export const QUICK_STEPS = 2_000;

/**
 * @param {string[]} argv - the arguments after the script name
 * @param {string} defaultOut
 * @returns {{ steps: number, quick: boolean, out: string, help: boolean }}
 */
export function parseArgs(argv, defaultOut) {
  const opts = { steps: DEFAULT_STEPS, quick: false, out: defaultOut, help: false };
  let stepsGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--quick') opts.quick = true;
    else if (arg === '--help' || arg === '-h') opts.help = true;
    else if (arg === '--out') opts.out = value();
    else if (arg === '--steps') {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`--steps needs a positive integer (got ${v})`);
      opts.steps = n;
      stepsGiven = true;
    } else throw new Error(`unknown argument ${arg}`);
  }
  if (opts.quick && !stepsGiven) opts.steps = QUICK_STEPS;
  return opts;
}
