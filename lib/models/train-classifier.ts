/**
 * A minibatch training loop for {@link MLP}: seeded shuffles, one optimizer step per batch, a
 * record per epoch, and a stop as soon as the loss stops being a finite number.
 * @packageDocumentation
 */
import { checkFloat32Array, checkNumber, describe } from '../optimizers/validate';
import { optionsRecord } from '../train/check';
import { SeededRandom, shuffleIndices, identityIndices } from '../train/random';
import type { MLP } from './mlp';

/** What the loop needs of an optimizer: a step over the model's gradient views. */
export interface ArenaStepper {
  step(grads: Float32Array[]): void;
}

/** Options of {@link trainClassifier}. */
export interface TrainClassifierOptions {
  /** Passes over the data (integer ≥ 1). */
  epochs: number;
  /** Rows per step (integer ≥ 2: batch norm needs two rows to estimate a variance). Default 64. */
  batchSize?: number;
  /** Seed of the row order, reshuffled every epoch. Default 0. */
  seed?: number;
  /** Called after each epoch (including the one that diverged). */
  onEpoch?: (record: EpochRecord) => void;
  /** Called with each batch's training loss (1-based step count; the diverging batch too, before stopping). */
  onStep?: (step: number, loss: number) => void;
}

/** One epoch of training. */
export interface EpochRecord {
  /** 1 for the first pass. */
  epoch: number;
  /** Mean training loss of the epoch's batches (weighted by rows); NaN or ±Infinity once diverged. */
  loss: number;
  /** Fraction of all rows classified correctly in eval mode after the epoch (NaN once diverged). */
  accuracy: number;
}

/** The outcome of {@link trainClassifier}. */
export interface TrainClassifierResult {
  history: EpochRecord[];
  /** True when a batch loss was NaN or infinite; training stopped in that epoch. */
  diverged: boolean;
  /** Optimizer steps taken (a diverging step is not taken). */
  steps: number;
}

/**
 * Trains `model` on (X, y) for `epochs` passes of shuffled minibatches. A final batch of a single
 * row is skipped (batch norm cannot train on it). Each step overwrites the model's gradients and
 * calls `optimizer.step(model.arena.gradList())`.
 */
export function trainClassifier(
  model: MLP,
  optimizer: ArenaStepper,
  X: Float32Array,
  y: Int32Array,
  options: TrainClassifierOptions,
): TrainClassifierResult {
  const where = 'trainClassifier';
  const o = optionsRecord<TrainClassifierOptions>(where, options, ['epochs', 'batchSize', 'seed', 'onEpoch', 'onStep']);
  const epochs = checkNumber(where, 'epochs', o.epochs, { min: 1, integer: true });
  const batchSize = checkNumber(where, 'batchSize', o.batchSize ?? 64, { min: 2, integer: true });
  const seed = checkNumber(where, 'seed', o.seed ?? 0, { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true });
  for (const name of ['onEpoch', 'onStep'] as const) {
    if (o[name] !== undefined && typeof o[name] !== 'function')
      throw new TypeError(`${where}: ${name} must be a function, got ${describe(o[name])}`);
  }
  if (optimizer === null || typeof optimizer !== 'object' || typeof optimizer.step !== 'function')
    throw new TypeError(`${where}: optimizer must have a step(grads) method, got ${describe(optimizer)}`);
  if (!(y instanceof Int32Array)) throw new TypeError(`${where}: y must be an Int32Array of class ids, got ${describe(y)}`);
  checkFloat32Array(where, 'X', X, y.length * model.inputs);
  if (y.length < 2) throw new RangeError(`${where}: needs at least 2 rows of data, got ${y.length}`);

  const rng = new SeededRandom(seed);
  const order = identityIndices(y.length);
  const grads = model.arena.gradList();
  const history: EpochRecord[] = [];
  let steps = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    shuffleIndices(order, rng);
    let total = 0, seen = 0, finite = true;
    for (let start = 0; start + 1 < order.length; start += batchSize) {
      const batch = order.subarray(start, Math.min(start + batchSize, order.length));
      const loss = model.lossAndGrad(X, y, batch);
      total += loss * batch.length;
      seen += batch.length;
      o.onStep?.(steps + 1, loss);
      if (!Number.isFinite(loss)) {
        finite = false;
        break;
      }
      optimizer.step(grads);
      steps++;
    }
    const record: EpochRecord = { epoch, loss: total / seen, accuracy: finite ? model.accuracy(X, y) : NaN };
    history.push(record);
    o.onEpoch?.(record);
    if (!finite) return { history, diverged: true, steps };
  }
  return { history, diverged: false, steps };
}
