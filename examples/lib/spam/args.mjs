// Command-line options of the spam filter example.

export const USAGE = `usage: node examples/spam-filter.mjs [--quick] [--epochs N] [--seed N] [--out DIR] [--svmlight]
  --quick     SGD and Adam only, a 3-point lr grid, 4 epochs (for tests and smoke runs; < 20 s)
  --epochs N  passes over the training data, the same for every optimizer (default 10; --quick 4)
  --seed N    seed of the splits and the shuffling (default 1)
  --out DIR   where spam-filter.json goes (default examples/output/)
  --svmlight  also write the hashed train/test features as svmlight (for bench/spam-sklearn.py)`;

export const DEFAULT_EPOCHS = 10;
export const QUICK_EPOCHS = 4;

function integerArg(arg, v, min) {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`${arg} needs an integer ≥ ${min} (got ${v})`);
  return n;
}

/**
 * @param {string[]} argv - the arguments after the script name
 * @param {string} defaultOut
 * @returns {{ quick: boolean, epochs: number, seed: number, out: string, svmlight: boolean, help: boolean }}
 */
export function parseArgs(argv, defaultOut) {
  const opts = { quick: false, epochs: undefined, seed: 1, out: defaultOut, svmlight: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--quick') opts.quick = true;
    else if (arg === '--svmlight') opts.svmlight = true;
    else if (arg === '--help' || arg === '-h') opts.help = true;
    else if (arg === '--out') opts.out = value();
    else if (arg === '--epochs') opts.epochs = integerArg(arg, value(), 1);
    else if (arg === '--seed') opts.seed = integerArg(arg, value(), 0);
    else throw new Error(`unknown argument ${arg}`);
  }
  opts.epochs ??= opts.quick ? QUICK_EPOCHS : DEFAULT_EPOCHS;
  return opts;
}
