// Training runs of the comparison: the learning-rate search on a validation split carved from the
// training set, and the final run of each optimizer on the whole training set.

/**
 * The objective every run minimises: logistic loss on ±1 labels, a bias, and a small ridge. l2 was
 * chosen on the lr-search split from {0, 1e-7, 1e-6, 1e-5, 1e-4}: 1e-7 gave Adam its lowest
 * validation loss and SGD and Momentum within 0.003 of theirs (at l2 = 0); 1e-5 and up underfit.
 */
export const OBJECTIVE = Object.freeze({ loss: 'logistic', l2: 1e-7 });

/** Examples per optimizer step. */
export const BATCH_SIZE = 32;

/**
 * One fit() run.
 * @param {Record<string, any>} descent - the package's exports
 * @param {{ create: (params: Float32Array, lr: number) => object }} optimizer
 * @param {{ X: object, y: Float32Array, validation?: { X: object, y: Float32Array }, lr: number,
 *   epochs: number, seed: number, onEpoch?: (epoch: number) => void }} run
 */
export function train(descent, optimizer, run) {
  return descent.fit({
    objective: OBJECTIVE,
    X: run.X,
    y: run.y,
    validation: run.validation,
    optimizer: (params) => optimizer.create(params, run.lr),
    variant: 'minibatch',
    batchSize: BATCH_SIZE,
    epochs: run.epochs,
    seed: run.seed,
    evaluateTrain: false, // final losses are measured once, after training, so the timings are of training alone
    nonFinite: 'stop', // a diverging lr stops early and loses the search
    onEpochEnd: (epoch) => run.onEpoch?.(epoch),
  });
}

/**
 * Tries every lr of the optimizer's grid for `epochs` epochs on `tune.train` and keeps the one with
 * the lowest final log-loss on `tune.validation` (ties: the smaller lr). Loss rather than accuracy:
 * on ~970 validation mails accuracy moves in steps of 0.1% and ties often; the loss does not.
 * @returns {Promise<{ lr: number, grid: { lr: number, valLoss: number, valAccuracy: number, stopReason: string }[] }>}
 */
export async function tuneLearningRate(descent, optimizer, tune, { epochs, seed, onRun }) {
  const grid = [];
  for (const [i, lr] of optimizer.grid.entries()) {
    const r = await train(descent, optimizer, {
      X: tune.train.X, y: tune.train.y, validation: tune.validation, lr, epochs, seed,
      onEpoch: (epoch) => onRun?.(i, lr, epoch),
    });
    const valLoss = r.history.valLoss.at(-1);
    grid.push({
      lr,
      valLoss: r.stopReason === 'nonFinite' || !Number.isFinite(valLoss) ? null : valLoss,
      valAccuracy: r.history.valMetric.at(-1) ?? null,
      stopReason: r.stopReason,
    });
  }
  const finite = grid.filter((g) => g.valLoss !== null);
  if (finite.length === 0) throw new Error(`${optimizer.name}: every learning rate of [${optimizer.grid.join(', ')}] diverged`);
  const best = finite.reduce((a, b) => (b.valLoss < a.valLoss ? b : a));
  return { lr: best.lr, grid };
}
