// The demo's spam-filter run: each optimizer trains once, at the rate its full search picked
// (TUNED_LR), on the whole training set, with the test set scored after every epoch for the chart.
// examples/spam-filter.mjs is the full study (its own lr search, more epochs, more columns).

import { classificationMetrics } from './metrics.mjs';
import { ALL, spamOptimizers, TUNED_LR } from './optimizers.mjs';
import { OBJECTIVE, train } from './train.mjs';

/** The optimizers of the demo's table: the spam filter's ten (AMSGrad has no searched rate to use). */
export const DEMO_SPAM_OPTIMIZERS = ALL;

/** Epochs of every run in the demo: enough for the table to match the full study's (±0.005 accuracy), and with --quick. */
export const DEMO_SPAM_EPOCHS = 5;
export const QUICK_DEMO_SPAM_EPOCHS = 2;

/**
 * @param {Record<string, any>} descent - the package's exports
 * @param {{ train: { X: object, y: Float32Array }, test: { X: object, y: Float32Array } }} data - from loadSpamData
 * @param {{ names: string[], epochs: number, seed: number,
 *   onProgress?: (at: { optimizer: string, index: number, count: number, lr: number, epochsDone: number }) => void }} options
 *   onProgress is called before each run (epochsDone 0) and after each of its epochs
 * @returns {Promise<{ optimizer: string, lr: number, epochs: number, stopReason: string, seconds: number,
 *   testLoss: number, test: ReturnType<typeof classificationMetrics>, testLossPerEpoch: number[] }[]>}
 *   testLossPerEpoch[0] is the loss of the all-zero start (ln 2), then one value per epoch
 */
export async function runTunedComparison(descent, data, { names, epochs, seed, onProgress }) {
  const optimizers = spamOptimizers(descent, names, false);
  const results = [];
  let startLoss = null;
  for (const [index, optimizer] of optimizers.entries()) {
    const lr = TUNED_LR[optimizer.name];
    const at = { optimizer: optimizer.name, index, count: optimizers.length, lr };
    onProgress?.({ ...at, epochsDone: 0 });
    const t0 = performance.now();
    const run = await train(descent, optimizer, {
      ...data.train, validation: data.test, lr, epochs, seed, onEpoch: (epoch) => onProgress?.({ ...at, epochsDone: epoch + 1 }),
    });
    const seconds = (performance.now() - t0) / 1000;
    startLoss ??= descent.evaluate(OBJECTIVE, data.test.X, data.test.y, new Float32Array(run.params.length)).loss;
    results.push({
      optimizer: optimizer.name,
      lr,
      epochs: run.epochs,
      stopReason: run.stopReason,
      seconds,
      testLoss: descent.evaluate(OBJECTIVE, data.test.X, data.test.y, run.params).loss,
      test: classificationMetrics(descent.predictClasses(OBJECTIVE, data.test.X, run.params), data.test.y),
      testLossPerEpoch: [startLoss, ...run.history.valLoss],
    });
  }
  return results;
}
