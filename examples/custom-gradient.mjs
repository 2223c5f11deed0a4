// A model whose gradient you write yourself, stepped by the package's optimizers. The model is
// robust regression with the Huber loss (examples/lib/huber-model.mjs), which the built-in
// objectives do not have, on data where 10% of the targets are wild outliers.
//
// 1. gradientCheck() compares the hand-written gradient with finite differences.
// 2. fit() trains it as a JS objective ({ examples, parameters, lossAndGrad }) with SGD, Momentum
//    and Adam (the loop runs in JS, each step is one native kernel call), next to the built-in
//    squared loss, which the outliers drag away from the true weights.
// 3. hogwildWorkers() trains the same model on worker threads that share the parameters through a
//    SharedArrayBuffer and apply their sparse gradients with no lock (Hogwild!).
//
//   node examples/custom-gradient.mjs [--quick]

import * as os from 'node:os';
import { Adam, Momentum, SGD, SeededRandom, fit, gradientCheck, hogwildWorkers } from 'descent';
import { exampleArgs } from './lib/example-args.mjs';
import { DELTA, huberLossAndGrad } from './lib/huber-model.mjs';
import { fmt, textTable } from './lib/table.mjs';

const USAGE = `usage: node examples/custom-gradient.mjs [--quick]
  --quick   2 000 rows × 10 features, 6 epochs (default 20 000 × 50, 10 epochs)`;

const OUTLIER_SHARE = 0.1;
const SEED = 5;
const OPTIMIZERS = [
  { name: 'SGD', lr: 0.05, make: (w, lr) => new SGD(w, { lr }) },
  { name: 'Momentum', lr: 0.005, make: (w, lr) => new Momentum(w, { lr }) },   // momentum 0.9
  { name: 'Adam', lr: 0.01, make: (w, lr) => new Adam(w, { lr }) },
];

/** y = X·w* + 1 + N(0, 0.1²), and a tenth of the targets replaced by outliers around +20. X and y on SharedArrayBuffers. */
function generate(rows, cols) {
  const rng = new SeededRandom(SEED);
  const shared = (n) => new Float32Array(new SharedArrayBuffer(4 * n));
  const X = shared(rows * cols), y = shared(rows);
  const truth = Float32Array.from({ length: cols }, () => rng.normal());
  for (let r = 0; r < rows; r++) {
    let m = 1;
    for (let j = 0; j < cols; j++) m += (X[r * cols + j] = rng.normal()) * truth[j];
    y[r] = rng.nextFloat() < OUTLIER_SHARE ? 20 + 5 * rng.normal() : m + 0.1 * rng.normal();
  }
  return { X, y, cols, truth };
}

/** ‖w − w*‖ / ‖w*‖ over the weights (the bias, last, left out). */
function weightError(w, truth) {
  let num = 0, den = 0;
  for (let j = 0; j < truth.length; j++) {
    num += (w[j] - truth[j]) ** 2;
    den += truth[j] ** 2;
  }
  return Math.sqrt(num / den);
}

async function main() {
  const opts = exampleArgs(USAGE);
  const [rows, cols, epochs] = opts.quick ? [2_000, 10, 6] : [20_000, 50, 10];
  const data = generate(rows, cols);
  const { X, y } = data;
  console.log(`Huber regression (δ = ${DELTA}), ${rows} rows × ${cols} features, ${100 * OUTLIER_SHARE}% of the targets outliers; ` +
    `${epochs} epochs of mini-batches of 32.`);

  // 1. The hand-written gradient against finite differences, at a random point.
  const rng = new SeededRandom(SEED + 1);
  const probe = Float32Array.from({ length: cols + 1 }, () => rng.normal());
  const sample = Uint32Array.from({ length: 64 }, (_, k) => k);
  const check = gradientCheck(
    (w) => huberLossAndGrad(X, y, cols, w, sample),
    (w) => { const g = new Float32Array(w.length); huberLossAndGrad(X, y, cols, w, sample, g); return g; },
    probe,
  );
  console.log(`gradient check: largest relative error ${check.maxRelError.toExponential(2)} over ${check.indices.length} coordinates ` +
    `(${check.maxRelError < 1e-2 ? 'the gradient is right' : 'WRONG GRADIENT'})\n`);

  // 2. fit() with the JS objective, and the built-in squared loss for contrast.
  const huberObjective = {
    examples: rows,
    parameters: cols + 1,
    lossAndGrad: (w, batch, grad) => huberLossAndGrad(X, y, cols, w, batch, grad),
  };
  const runs = [];
  for (const o of OPTIMIZERS) {
    console.error(`fit(): ${o.name} on the Huber loss`);
    const started = performance.now();
    const r = await fit({ objective: huberObjective, optimizer: (w) => o.make(w, o.lr), epochs, batchSize: 32, seed: SEED });
    runs.push({ name: o.name, loss: 'Huber (JS)', lr: o.lr, params: r.params, seconds: (performance.now() - started) / 1000 });
  }
  console.error('fit(): Adam on the built-in squared loss');
  const started = performance.now();
  const sq = await fit({
    objective: 'squared', X: { data: X, rows, cols }, y, optimizer: (w) => new Adam(w, { lr: 0.01 }), epochs, batchSize: 32, seed: SEED,
  });
  runs.push({ name: 'Adam', loss: 'squared (built-in)', lr: 0.01, params: sq.params, seconds: (performance.now() - started) / 1000 });
  console.log(textTable([
    { title: 'optimizer', cell: (r) => r.name },
    { title: 'loss', cell: (r) => r.loss },
    { title: 'lr', cell: (r) => String(r.lr), right: true },
    { title: 'Huber loss', cell: (r) => fmt(huberLossAndGrad(X, y, cols, r.params)), right: true },
    { title: 'bias', cell: (r) => fmt(r.params[cols], 3), right: true },
    { title: '‖w − w*‖/‖w*‖', cell: (r) => fmt(weightError(r.params, data.truth)), right: true },
    { title: 'seconds', cell: (r) => r.seconds.toFixed(2), right: true },
  ], runs));
  console.log('\n(true bias 1: the squared loss lets the outliers around +20 drag the bias and the weights away)\n');

  // 3. The same model on worker threads, Hogwild! style: examples/lib/huber-model.mjs exports createModel().
  const workers = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const params = new Float32Array(new SharedArrayBuffer(4 * (cols + 1)));
  const hw = await hogwildWorkers({
    model: new URL('./lib/huber-model.mjs', import.meta.url),
    data: { X, y, cols },      // SharedArrayBuffer views: shared with the workers, not copied
    params, workers, epochs, lr: 0.02, decay: 0.9, seed: SEED,
    onEpoch: (e) => console.error(`hogwildWorkers: epoch ${e.epoch + 1}/${epochs}, loss ${fmt(e.loss)}`),
  });
  console.log(`hogwildWorkers(): ${workers} worker thread${workers > 1 ? 's' : ''}, plain SGD per example, lr 0.02·0.9^epoch`);
  console.log(textTable([
    { title: 'epoch', cell: (e) => String(e.epoch + 1), right: true },
    { title: 'lr', cell: (e) => fmt(e.lr, 5), right: true },
    { title: 'Huber loss', cell: (e) => fmt(e.loss), right: true },
    { title: 'updates/s', cell: (e) => Math.round(e.updatesPerSecond).toLocaleString('en-US'), right: true },
  ], hw.history));
  console.log(`\nfinal ‖w − w*‖/‖w*‖ ${fmt(weightError(params, data.truth))}, bias ${fmt(params[cols], 3)}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
