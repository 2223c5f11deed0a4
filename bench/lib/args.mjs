// Command-line flags of bench/optimizers.mjs.

export const USAGE = `usage: node --expose-gc bench/optimizers.mjs [--quick] [--only adam,sgd] [--sizes 1e4,1e6] [--no-peers] [--out DIR]
                                          [--many-tensors | --threads-sweep]
  --quick          tiny sizes (1e3, 1e4; 20 tensors x 50) and few repetitions: finishes in seconds (smoke test, CI)
  --only LIST      optimizers to run, by name, case-insensitive (default: all)
  --sizes LIST     element counts (default: 1e3,1e4,1e5,1e6,1e7; threads sweep: 1e4,3e4,...,1e7)
  --no-peers       skip TensorFlow.js and PyTorch
  --out DIR        where the results go (default: bench/results)
  --many-tensors   only the many-small-tensors comparison (200 x 500 elements; Adam, or the first of --only):
                   many-tensors.{md,json,svg}. The default run does it after the main table.
  --threads-sweep  only the thread cut-over measurement (1 thread vs all, per optimizer and size):
                   threads.{md,json}`;

/**
 * Parses argv (without node and the script path). Throws an Error with a message meant for the
 * user on an unknown flag or a bad value.
 * @param {string[]} argv
 * @param {string[]} knownOptimizers canonical names, used to resolve --only
 */
export function parseArgs(argv, knownOptimizers) {
  const opts = { quick: false, only: null, sizes: null, peers: true, out: null, help: false, mode: 'all' };
  const setMode = (mode) => {
    if (opts.mode !== 'all' && opts.mode !== mode) throw new Error('--many-tensors and --threads-sweep exclude each other');
    opts.mode = mode;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--quick': opts.quick = true; break;
      case '--no-peers': opts.peers = false; break;
      case '--help': case '-h': opts.help = true; break;
      case '--many-tensors': setMode('many'); break;
      case '--threads-sweep': setMode('threads'); break;
      case '--only': opts.only = resolveNames(value(), knownOptimizers); break;
      case '--sizes': opts.sizes = parseSizes(value()); break;
      case '--out': opts.out = value(); break;
      default: throw new Error(`unknown argument ${arg}`);
    }
  }
  return opts;
}

function resolveNames(list, known) {
  const byLower = new Map(known.map((k) => [k.toLowerCase(), k]));
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new Error('--only needs at least one optimizer name');
  return names.map((name) => {
    const hit = byLower.get(name.toLowerCase());
    if (!hit) throw new Error(`--only: unknown optimizer '${name}' (known: ${known.join(', ')})`);
    return hit;
  });
}

function parseSizes(list) {
  const sizes = list.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 30) throw new Error(`--sizes: '${s}' is not an element count in [1, 2^30]`);
    return n;
  });
  if (sizes.length === 0) throw new Error('--sizes needs at least one size');
  return [...new Set(sizes)].sort((a, b) => a - b);
}
