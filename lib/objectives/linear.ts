/**
 * Loss, gradient, predictions and metrics of linear models on dense or CSR rows, computed natively
 * (SIMD dot/axpy on dense rows, gathers on CSR rows, sums in double). The TypeScript reference of
 * the same math is lib/reference/objectives.ts.
 *
 * ```ts
 * const objective = { loss: 'logistic', l2: 1e-4 } as const;
 * const w = new Float32Array(parameterCount(objective, X.cols));
 * const grad = new Float32Array(w.length);
 * const loss = lossAndGrad(objective, X, y, w, grad, batchRows); // grad += ∇ mean loss
 * ```
 * @packageDocumentation
 */
import { checkLabels, checkMatrixShape, rowCount } from '../data/matrix';
import type { Labels, Matrix } from '../data/matrix';
import { addon } from '../native';
import type { RawObjective } from './addon-types';
import { isClassification, normalizeObjective, outputCount, parameterCount } from './objective';
import type { LinearObjective } from './objective';

/** Accuracy for classification losses, mean squared error for `'squared'`; loss as {@link lossAndGrad} returns it. */
export type LinearMetrics = { loss: number; accuracy: number } | { loss: number; mse: number };

interface Checked {
  o: RawObjective;
  rows: Uint32Array | null;
  count: number;
}

/** The checks every entry point shares; returns the normalized objective and the row list. */
function checkCall(objective: LinearObjective, X: Matrix, w: Float32Array, rows: Uint32Array | undefined): Checked {
  const o = normalizeObjective(objective);
  checkMatrixShape(X);
  if (!(w instanceof Float32Array)) throw new TypeError('w must be a Float32Array');
  const P = parameterCount(o, X.cols);
  if (w.length !== P)
    throw new RangeError(`w has ${w.length} elements, expected ${P} (${outputCount(o)}×${X.cols} weights${o.bias ? ' + biases' : ''})`);
  if (rows !== undefined && !(rows instanceof Uint32Array)) throw new TypeError('rows must be a Uint32Array of row indices');
  return { o, rows: rows ?? null, count: rows ? rows.length : rowCount(X) };
}

/**
 * The mean loss over the listed rows (all rows when `rows` is left out) plus ½·l2·‖W‖², and, when
 * `grad` is given, ADDS its gradient into `grad` (zero it first for a plain gradient). Row indices,
 * CSR column indices and labels are checked for the rows used; nothing is written on error.
 * @param w - parameters, length {@link parameterCount}: K×cols weights row-major, then K biases
 * @param grad - same length as w; left unchanged when omitted (loss only)
 * @param rows - the mini-batch: indices into X's rows
 */
export function lossAndGrad(objective: LinearObjective, X: Matrix, y: Labels, w: Float32Array, grad?: Float32Array,
  rows?: Uint32Array): number {
  const { o, rows: r } = checkCall(objective, X, w, rows);
  checkLabels(y, rowCount(X));
  if (grad !== undefined) {
    if (!(grad instanceof Float32Array)) throw new TypeError('grad must be a Float32Array');
    if (grad.length !== w.length) throw new RangeError(`grad has ${grad.length} elements, w ${w.length}`);
  }
  return addon().linearLossGrad(o, X, y, w, grad ?? null, r);
}

/** Scores of the listed rows: `out[i*K + k]` (K = classes for softmax, else 1: the margin x·w + b). */
export function predictScores(objective: LinearObjective, X: Matrix, w: Float32Array, rows?: Uint32Array): Float32Array {
  const { o, rows: r, count } = checkCall(objective, X, w, rows);
  const out = new Float32Array(count * outputCount(o));
  addon().linearPredictScores(o, X, w, r, out);
  return out;
}

/**
 * Predicted classes of the listed rows: the arg-max class id for softmax; for logistic and hinge,
 * 1 where the margin is positive and 0 elsewhere (compare with `y > 0` for ±1 labels).
 */
export function predictClasses(objective: LinearObjective, X: Matrix, w: Float32Array, rows?: Uint32Array): Int32Array {
  const { o, rows: r, count } = checkCall(objective, X, w, rows);
  if (!isClassification(o)) throw new RangeError("predictClasses needs a classification loss, not 'squared'");
  const out = new Int32Array(count);
  addon().linearPredictClasses(o, X, w, r, out);
  return out;
}

/** Loss and the usual metric over the listed rows: accuracy (classification) or MSE (regression). */
export function evaluate(objective: LinearObjective, X: Matrix, y: Labels, w: Float32Array, rows?: Uint32Array): LinearMetrics {
  const { o, rows: r } = checkCall(objective, X, w, rows);
  checkLabels(y, rowCount(X));
  const { loss, metric } = addon().linearEvaluate(o, X, y, w, r);
  return isClassification(o) ? { loss, accuracy: metric } : { loss, mse: metric };
}
