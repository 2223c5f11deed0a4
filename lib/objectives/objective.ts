/**
 * Linear-model objectives: which loss, how many outputs, whether there is a bias, how much L2.
 * The parameter layout (shared by the native code, the TS reference and every optimizer step) is
 * one flat Float32Array: the K×cols weight matrix row-major (K = classes for softmax, else 1),
 * then K biases when `bias` is on.
 * @packageDocumentation
 */
import type { RawObjective } from './addon-types';

/** The per-row losses; formulas in native/objectives/linear.h and lib/reference/objectives.ts. */
export type LinearLoss = 'squared' | 'logistic' | 'hinge' | 'softmax';

const LOSSES: readonly LinearLoss[] = ['squared', 'logistic', 'hinge', 'softmax'];

/** A linear model's objective. */
export interface LinearObjective {
  /** `'squared'` (regression), `'logistic'` / `'hinge'` (labels ±1 or 0/1), `'softmax'` (class ids). */
  loss: LinearLoss;
  /** Number of classes K for `'softmax'` (≥ 2); leave out (or 1) for the other losses. */
  classes?: number;
  /** Learn a bias per output (default true). Biases are never L2-penalised. */
  bias?: boolean;
  /** Adds ½·l2·‖W‖² to the mean loss (default 0). */
  l2?: number;
}

/**
 * Checks an objective and fills in its defaults. Throws TypeError or RangeError naming the field.
 * @internal
 */
export function normalizeObjective(objective: LinearObjective): RawObjective {
  if (typeof objective !== 'object' || objective === null) throw new TypeError('objective must be an object');
  const { loss, classes = 1, bias = true, l2 = 0 } = objective;
  if (typeof loss !== 'string') throw new TypeError(`objective.loss must be a string, got ${typeof loss}`);
  if (!LOSSES.includes(loss)) throw new RangeError(`objective.loss must be one of ${LOSSES.join(', ')}, got '${loss}'`);
  if (typeof classes !== 'number') throw new TypeError(`objective.classes must be a number, got ${typeof classes}`);
  if (loss === 'softmax' && (!Number.isInteger(classes) || classes < 2 || classes > 2 ** 24))
    throw new RangeError(`objective.classes must be an integer in [2, 2^24] for the softmax loss, got ${classes}`);
  if (loss !== 'softmax' && classes !== 1)
    throw new RangeError(`objective.classes must be 1 (or left out) for the ${loss} loss, got ${classes}`);
  if (typeof bias !== 'boolean') throw new TypeError(`objective.bias must be a boolean, got ${typeof bias}`);
  if (typeof l2 !== 'number') throw new TypeError(`objective.l2 must be a number, got ${typeof l2}`);
  if (!Number.isFinite(l2) || l2 < 0) throw new RangeError(`objective.l2 must be a finite number >= 0, got ${l2}`);
  return { loss, classes, bias, l2 };
}

/** Outputs per row: K for softmax, else 1. */
export function outputCount(objective: LinearObjective): number {
  return objective.loss === 'softmax' ? (objective.classes ?? 1) : 1;
}

/** Length of the flat parameter vector: K·cols weights plus K biases when `bias` is on. */
export function parameterCount(objective: LinearObjective, cols: number): number {
  const o = normalizeObjective(objective);
  if (!Number.isInteger(cols) || cols < 0) throw new RangeError(`cols must be a non-negative integer, got ${cols}`);
  const K = outputCount(o);
  return K * cols + (o.bias ? K : 0);
}

/** True for the losses that predict classes (everything but `'squared'`). */
export function isClassification(objective: LinearObjective): boolean {
  return objective.loss !== 'squared';
}
