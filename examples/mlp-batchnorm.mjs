// Batch normalisation (Ioffe & Szegedy 2015; seed paper §6.2) lets a network train at a learning
// rate where the same network without it diverges. Three interleaved spirals (2000 points, the y
// coordinate on 10× the scale of x), an MLP with five hidden layers of 32 ReLUs, SGD with momentum
// 0.9 and a cosine-annealed learning rate (one step per epoch). Three runs from the same initial
// weights and the same batch order: with batch norm at lr 0.3, without it at lr 0.3, and without
// it at lr 0.03 (to show the plain network can learn the problem, just not at that rate).
// Prints a per-epoch table (mean training loss of the epoch, accuracy in eval mode after it).
// Seeded: the same numbers on every run (test/mlp.test.ts asserts the --quick runs' outcome).
//
//   node examples/mlp-batchnorm.mjs [--quick] [--epochs N] [--seed N]

import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPackage as loadBuiltPackage, readCommandLine } from './lib/package.mjs';

const USAGE = `usage: node examples/mlp-batchnorm.mjs [--quick] [--epochs N] [--seed N]
  --quick     12 epochs instead of 20 (what test/mlp.test.ts checks)
  --epochs N  number of epochs (the cosine schedule anneals over them)
  --seed N    seed of the data, the initial weights and the batch order (default 0)`;

const DEFAULT_EPOCHS = 20;
const QUICK_EPOCHS = 12;
const SIZES = [2, 32, 32, 32, 32, 32, 3];
const SPIRALS = { points: 2000, classes: 3, scales: [1, 10] };
const BATCH_SIZE = 64;
const MOMENTUM = 0.9;
const HIGH_LR = 0.3;
const RUNS = [
  { name: `batch norm, lr ${HIGH_LR}`, batchNorm: true, lr: HIGH_LR },
  { name: `plain, lr ${HIGH_LR}`, batchNorm: false, lr: HIGH_LR },
  { name: `plain, lr ${HIGH_LR / 10}`, batchNorm: false, lr: HIGH_LR / 10 },
];

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const opts = { epochs: DEFAULT_EPOCHS, seed: 0, help: false };
  let quick = false, epochsGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const integer = (min) => {
      const v = argv[++i];
      const n = Number(v);
      if (v === undefined || !Number.isSafeInteger(n) || n < min) throw new Error(`${arg} needs an integer ≥ ${min} (got ${v})`);
      return n;
    };
    if (arg === '--quick') quick = true;
    else if (arg === '--help' || arg === '-h') opts.help = true;
    else if (arg === '--epochs') (opts.epochs = integer(1)), (epochsGiven = true);
    else if (arg === '--seed') opts.seed = integer(0);
    else throw new Error(`unknown argument ${arg}`);
  }
  if (quick && !epochsGiven) opts.epochs = QUICK_EPOCHS;
  return opts;
}

async function loadPackage() {
  const descent = await loadBuiltPackage(root);
  if (typeof descent.MLP !== 'function')
    throw new Error('the built package has no MLP: lib/index.ts must re-export lib/models (then npm run build:ts).');
  return descent;
}

/** One training run; records every batch loss and every epoch. */
function train(descent, data, run, epochs, seed) {
  const mlp = new descent.MLP({ sizes: SIZES, batchNorm: run.batchNorm, seed });
  const opt = new descent.SGD(mlp.arena.params(), { lr: run.lr, momentum: MOMENTUM });
  const schedule = new descent.CosineAnnealingLR(opt, { TMax: epochs });
  const stepLosses = [];
  const result = descent.trainClassifier(mlp, opt, data.X, data.y, {
    epochs, batchSize: BATCH_SIZE, seed, onEpoch: () => schedule.step(), onStep: (_, loss) => stepLosses.push(loss),
  });
  return { ...run, ...result, stepLosses };
}

function fmt(x, digits = 4) {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Inf' : '-Inf';
  return Math.abs(x) >= 1e4 ? x.toExponential(2) : x.toFixed(digits);
}

function table(runs, epochs) {
  const width = 22;
  const head = ['epoch'.padStart(5), ...runs.map((r) => r.name.padStart(width))].join('  ');
  const sub = [' '.repeat(5), ...runs.map(() => 'loss'.padStart(12) + 'accuracy'.padStart(10))].join('  ');
  const lines = [head, sub, '-'.repeat(head.length)];
  for (let e = 0; e < epochs; e++) {
    const cells = runs.map((r) => {
      const rec = r.history[e];
      if (rec === undefined) return 'stopped'.padStart(width);
      const accuracy = Number.isNaN(rec.accuracy) ? '-' : `${(100 * rec.accuracy).toFixed(1)}%`;
      return fmt(rec.loss).padStart(12) + accuracy.padStart(10);
    });
    lines.push([String(e + 1).padStart(5), ...cells].join('  '));
  }
  return lines.join('\n');
}

function outcome(r) {
  if (r.diverged) {
    const finite = r.stepLosses.filter(Number.isFinite);
    return `diverged: batch loss ${fmt(r.stepLosses[0])} at step 1, up to ${fmt(Math.max(...finite))}, then ${fmt(r.stepLosses.at(-1))} at step ${r.stepLosses.length}`;
  }
  const last = r.history.at(-1);
  const peak = Math.max(...r.stepLosses);
  const blewUp = peak > 100 * r.stepLosses[0] ? ` (a batch loss reached ${fmt(peak)} on the way)` : '';
  return `final loss ${fmt(last.loss)}, accuracy ${(100 * last.accuracy).toFixed(1)}%${blewUp}`;
}

async function main() {
  const { opts, exitCode } = readCommandLine(() => parseArgs(process.argv.slice(2)), USAGE);
  if (!opts) return exitCode;
  const descent = await loadPackage();
  const data = descent.makeSpirals({ ...SPIRALS, seed: opts.seed });
  console.log(
    `${SPIRALS.classes} spirals, ${SPIRALS.points} points, coordinate scales ${SPIRALS.scales.join(' : ')}; ` +
      `MLP ${SIZES.join('-')}, SGD momentum ${MOMENTUM}, batch ${BATCH_SIZE}, cosine lr over ${opts.epochs} epochs, seed ${opts.seed}\n`,
  );
  const runs = RUNS.map((run) => train(descent, data, run, opts.epochs, opts.seed));
  console.log(table(runs, opts.epochs));
  console.log('');
  for (const r of runs) console.log(`${r.name.padEnd(20)} ${outcome(r)}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
