/**
 * The TypeScript reference of the linear objectives (native/objectives/): the oracle in tests and
 * the JS baseline in benchmarks. Same parameter layout, same formulas, same rounding points: sums
 * and dot products in double, the gradient rounded to float32 once per element per call.
 *
 * Per-row losses with margin m = x·w + b (K = 1) or scores s_k = x·W_k + b_k (softmax):
 * - squared:  ½(m − y)²,               dℓ/dm = m − y
 * - logistic: log(1 + exp(−t·m)), t = +1 if y > 0 else −1; dℓ/dm = −t·σ(−t·m)
 * - hinge:    max(0, 1 − t·m);          dℓ/dm = −t where t·m < 1, else 0
 * - softmax:  logΣexp(s) − s_y;          dℓ/ds_k = p_k − [k = y]
 * The result is the mean over the rows plus ½·l2·‖W‖² (biases not penalised).
 * @packageDocumentation
 */
import { isCsr, rowCount } from '../data/matrix';
import type { Labels, Matrix } from '../data/matrix';
import { normalizeObjective, outputCount } from '../objectives/objective';
import type { LinearObjective } from '../objectives/objective';
import type { RawObjective } from '../objectives/addon-types';

/** Row i of the batch: rows[i], or i itself when no list is given. */
function rowAt(rows: Uint32Array | undefined, i: number): number {
  return rows ? rows[i]! : i;
}

/** s_k = x_r·W_k + b_k for every output k. */
function rowScores(o: RawObjective, X: Matrix, w: Float32Array, r: number, s: Float64Array): void {
  const K = outputCount(o), cols = X.cols;
  for (let k = 0; k < K; k++) {
    let sum = 0;
    if (isCsr(X)) {
      for (let p = X.indptr[r]!; p < X.indptr[r + 1]!; p++) sum += X.values[p]! * w[k * cols + X.indices[p]!]!;
    } else {
      for (let j = 0; j < cols; j++) sum += X.data[r * cols + j]! * w[k * cols + j]!;
    }
    s[k] = sum + (o.bias ? w[K * cols + k]! : 0);
  }
}

/** The row's loss; overwrites s with dℓ/ds. */
function rowLoss(o: RawObjective, s: Float64Array, y: number): number {
  const t = y > 0 ? 1 : -1;
  switch (o.loss) {
    case 'squared': {
      const r = s[0]! - y;
      s[0] = r;
      return 0.5 * r * r;
    }
    case 'logistic': {
      const z = -t * s[0]!;
      const e = Math.exp(-Math.abs(z));
      s[0] = -t * (z >= 0 ? 1 / (1 + e) : e / (1 + e));
      return (z > 0 ? z : 0) + Math.log1p(e);
    }
    case 'hinge': {
      const slack = 1 - t * s[0]!;
      s[0] = slack > 0 ? -t : 0;
      return slack > 0 ? slack : 0;
    }
    case 'softmax':
      return softmaxRow(s, o.classes, y);
  }
}

function softmaxRow(s: Float64Array, K: number, label: number): number {
  let top = s[0]!;
  for (let k = 1; k < K; k++) top = s[k]! > top ? s[k]! : top;
  let total = 0;
  for (let k = 0; k < K; k++) total += Math.exp(s[k]! - top);
  const loss = top + Math.log(total) - s[label]!;
  for (let k = 0; k < K; k++) s[k] = Math.exp(s[k]! - top) / total - (k === label ? 1 : 0);
  return loss;
}

/** g += d_k·x_r for every output k, and d_k into the biases. */
function rowGradient(o: RawObjective, X: Matrix, r: number, d: Float64Array, g: Float64Array): void {
  const K = outputCount(o), cols = X.cols;
  for (let k = 0; k < K; k++) {
    if (o.bias) g[K * cols + k] = g[K * cols + k]! + d[k]!;
    if (isCsr(X)) {
      for (let p = X.indptr[r]!; p < X.indptr[r + 1]!; p++) g[k * cols + X.indices[p]!] += d[k]! * X.values[p]!;
    } else {
      for (let j = 0; j < cols; j++) g[k * cols + j] += d[k]! * X.data[r * cols + j]!;
    }
  }
}

function l2Term(o: RawObjective, w: Float32Array, weights: number): number {
  if (o.l2 === 0) return 0;
  let sq = 0;
  for (let i = 0; i < weights; i++) sq += w[i]! * w[i]!;
  return 0.5 * o.l2 * sq;
}

/** Reference of `lossAndGrad` (lib/objectives/linear.ts): no argument checks beyond the objective's. */
export function referenceLossAndGrad(objective: LinearObjective, X: Matrix, y: Labels, w: Float32Array,
  grad?: Float32Array, rows?: Uint32Array): number {
  const o = normalizeObjective(objective);
  const K = outputCount(o), weights = K * X.cols;
  const count = rows ? rows.length : rowCount(X);
  const s = new Float64Array(K);
  const g = new Float64Array(w.length);
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const r = rowAt(rows, i);
    rowScores(o, X, w, r, s);
    sum += rowLoss(o, s, y[r]!);
    if (grad) rowGradient(o, X, r, s, g);
  }
  const inv = count ? 1 / count : 0;
  if (grad) {
    for (let i = 0; i < weights; i++) grad[i] = grad[i]! + (g[i]! * inv + o.l2 * w[i]!);
    for (let i = weights; i < w.length; i++) grad[i] = grad[i]! + g[i]! * inv;
  }
  return sum * inv + l2Term(o, w, weights);
}

/** Reference of `predictScores`. */
export function referencePredictScores(objective: LinearObjective, X: Matrix, w: Float32Array, rows?: Uint32Array): Float32Array {
  const o = normalizeObjective(objective);
  const K = outputCount(o), count = rows ? rows.length : rowCount(X);
  const out = new Float32Array(count * K);
  const s = new Float64Array(K);
  for (let i = 0; i < count; i++) {
    rowScores(o, X, w, rowAt(rows, i), s);
    out.set(s, i * K);
  }
  return out;
}

function classOf(o: RawObjective, s: Float64Array): number {
  if (o.loss !== 'softmax') return s[0]! > 0 ? 1 : 0;
  let best = 0;
  for (let k = 1; k < o.classes; k++) if (s[k]! > s[best]!) best = k;
  return best;
}

/** Reference of `predictClasses`. */
export function referencePredictClasses(objective: LinearObjective, X: Matrix, w: Float32Array, rows?: Uint32Array): Int32Array {
  const o = normalizeObjective(objective);
  const count = rows ? rows.length : rowCount(X);
  const out = new Int32Array(count);
  const s = new Float64Array(outputCount(o));
  for (let i = 0; i < count; i++) {
    rowScores(o, X, w, rowAt(rows, i), s);
    out[i] = classOf(o, s);
  }
  return out;
}

/** Reference of `evaluate`: `metric` is accuracy (classification) or MSE (squared). */
export function referenceEvaluate(objective: LinearObjective, X: Matrix, y: Labels, w: Float32Array,
  rows?: Uint32Array): { loss: number; metric: number } {
  const o = normalizeObjective(objective);
  const count = rows ? rows.length : rowCount(X);
  const s = new Float64Array(outputCount(o));
  let lossSum = 0, metricSum = 0;
  for (let i = 0; i < count; i++) {
    const r = rowAt(rows, i);
    rowScores(o, X, w, r, s);
    const label = y[r]!;
    if (o.loss === 'squared') metricSum += (s[0]! - label) ** 2;
    else if (o.loss === 'softmax') metricSum += classOf(o, s) === label ? 1 : 0;
    else metricSum += (classOf(o, s) === 1) === (label > 0) ? 1 : 0;
    lossSum += rowLoss(o, s, label);
  }
  const inv = count ? 1 / count : 0;
  return { loss: lossSum * inv + l2Term(o, w, outputCount(o) * X.cols), metric: metricSum / count };
}
