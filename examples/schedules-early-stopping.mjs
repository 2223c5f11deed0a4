// A learning-rate schedule and early stopping on a validation split (seed paper §3 and §6.3):
// logistic regression on a generated sparse set with more features than the data can pin down, so
// the validation loss bottoms out and then creeps up while the training loss keeps falling. Adam
// with ReduceLROnPlateau (cut the rate by 0.3 after 1 epoch without improvement: the paper's
// threshold annealing) and EarlyStopping (stop after 4 epochs without improvement, then restore the
// best epoch's weights). Then the same run with no early stopping, for comparison.
//
//   node examples/schedules-early-stopping.mjs [--quick]

import { Adam, EarlyStopping, ReduceLROnPlateau, evaluate, fit, generateSparse, splitData } from 'descent';
import { exampleArgs } from './lib/example-args.mjs';
import { fmt, textTable } from './lib/table.mjs';

const USAGE = `usage: node examples/schedules-early-stopping.mjs [--quick]
  --quick   4 000 rows × 2 000 features (default 16 000 × 8 000)`;

const OBJECTIVE = { loss: 'logistic' };
const LR = 0.01;
const MAX_EPOCHS = 40;
const SEED = 1;

/** Trains from zeros; with `stopEarly` under EarlyStopping, else for all MAX_EPOCHS epochs. */
async function train(split, stopEarly, onEpoch) {
  const params = new Float32Array(split.train.X.cols + 1);   // weights, then the bias
  const optimizer = new Adam(params, { lr: LR });
  const schedule = new ReduceLROnPlateau(optimizer, { factor: 0.3, patience: 1 });   // steps on valLoss
  const earlyStopping = stopEarly ? new EarlyStopping({ monitor: 'valLoss', patience: 4, restoreBest: true }) : undefined;
  const result = await fit({
    objective: OBJECTIVE, X: split.train.X, y: split.train.y, params, optimizer, schedule, earlyStopping,
    validation: { X: split.validation.X, y: split.validation.y },
    epochs: MAX_EPOCHS, batchSize: 32, seed: SEED, onEpochEnd: onEpoch,
  });
  return { result, earlyStopping, final: evaluate(OBJECTIVE, split.validation.X, split.validation.y, params) };
}

async function main() {
  const opts = exampleArgs(USAGE);
  const [rows, cols] = opts.quick ? [4_000, 2_000] : [16_000, 8_000];
  const { X, y } = await generateSparse({ rows, cols, meanNonzeros: 30, labelNoise: 0.1, seed: SEED });
  const split = splitData(X, y, { validationFraction: 0.25, seed: SEED, stratify: true });
  console.log(`Logistic regression, ${rows} rows × ${cols} sparse features (10% label noise), 25% held out for validation; ` +
    `Adam lr ${LR}, ReduceLROnPlateau(factor 0.3, patience 1), EarlyStopping(valLoss, patience 4, restoreBest), at most ${MAX_EPOCHS} epochs.`);

  const epochs = [];
  const stopped = await train(split, true, (epoch, logs) => {
    epochs.push({ epoch, ...logs });
    console.error(`epoch ${epoch + 1}/${MAX_EPOCHS}: lr ${logs.lr.toExponential(1)}, val loss ${fmt(logs.valLoss)}`);
  });
  const es = stopped.earlyStopping;
  const note = (e, k) => [
    e.epoch === es.bestEpoch ? 'best (restored)' : '',
    k > 0 && e.lr < epochs[k - 1].lr ? 'lr cut' : '',
    e.epoch === es.stoppedEpoch ? 'stop' : '',
  ].filter(Boolean).join(', ');
  console.log(`\n${textTable([
    { title: 'epoch', cell: (e) => String(e.epoch + 1), right: true },
    { title: 'lr after', cell: (e) => e.lr.toExponential(1), right: true },
    { title: 'train loss', cell: (e) => fmt(e.trainLoss), right: true },
    { title: 'val loss', cell: (e) => fmt(e.valLoss), right: true },
    { title: 'val acc', cell: (e) => fmt(e.valMetric), right: true },
    { title: 'note', cell: (e) => note(e, epochs.indexOf(e)) },
  ], epochs)}`);

  console.error('the same run without early stopping');
  const full = await train(split, false, undefined);
  console.log(`\n${textTable([
    { title: 'run', cell: (r) => r.name },
    { title: 'epochs', cell: (r) => String(r.result.epochs), right: true },
    { title: 'weights from epoch', cell: (r) => String(r.from), right: true },
    { title: 'val loss of the weights', cell: (r) => fmt(r.final.loss), right: true },
    { title: 'val acc', cell: (r) => fmt(r.final.accuracy), right: true },
  ], [
    { name: 'early stopping, best restored', from: es.bestEpoch + 1, ...stopped },
    { name: 'no early stopping', from: full.result.epochs, ...full },
  ])}`);
  console.log(`\nstopped: ${stopped.result.stopReason} after epoch ${es.stoppedEpoch === null ? '—' : es.stoppedEpoch + 1}; ` +
    `the params now hold epoch ${es.bestEpoch + 1}'s weights (val loss ${fmt(es.best)}).`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
