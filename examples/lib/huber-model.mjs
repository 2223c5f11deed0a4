// A model whose gradient is written in JS: robust linear regression with the Huber loss
// ℓ(r) = ½r² for |r| ≤ δ, δ(|r| − ½δ) beyond, of the residual r = x·w + b − y. Outliers pull on
// it with a bounded force (|dℓ/dr| ≤ δ), where the squared loss lets them pull in proportion.
// Parameters: `cols` weights, then the bias. Used by examples/custom-gradient.mjs, directly (with
// fit()) and as the model module of hogwildWorkers() (createModel, loaded in every worker).

/** δ: residuals beyond it count linearly. */
export const DELTA = 1;

function residual(X, y, cols, w, r) {
  let m = w[cols];
  const base = r * cols;
  for (let j = 0; j < cols; j++) m += X[base + j] * w[j];
  return m - y[r];
}

const huber = (res) => (Math.abs(res) <= DELTA ? 0.5 * res * res : DELTA * (Math.abs(res) - 0.5 * DELTA));
const huberSlope = (res) => Math.max(-DELTA, Math.min(DELTA, res));

/**
 * Mean Huber loss over `rows` (all rows when omitted); when `grad` is given, writes the gradient of
 * that mean into it (overwriting).
 * @param {Float32Array} X - row-major, rows × cols
 * @param {Float32Array} y
 * @param {number} cols
 * @param {Float32Array} w - cols weights, then the bias
 * @param {ArrayLike<number>} [rows]
 * @param {Float32Array} [grad]
 */
export function huberLossAndGrad(X, y, cols, w, rows, grad) {
  const n = rows ? rows.length : y.length;
  if (grad) grad.fill(0);
  let sum = 0;
  for (let k = 0; k < n; k++) {
    const r = rows ? rows[k] : k;
    const res = residual(X, y, cols, w, r);
    sum += huber(res);
    if (!grad) continue;
    const s = huberSlope(res) / n;
    const base = r * cols;
    for (let j = 0; j < cols; j++) grad[j] += s * X[base + j];
    grad[cols] += s;
  }
  return sum / n;
}

/**
 * For hogwildWorkers(): every worker calls this once with the shared data. One example's gradient
 * touches every weight and the bias, so it is written as cols + 1 sparse entries.
 * @param {{ X: Float32Array, y: Float32Array, cols: number }} data
 */
export function createModel({ X, y, cols }) {
  return {
    examples: y.length,
    maxNonzeros: cols + 1,
    gradient(w, r, indices, values) {
      const s = huberSlope(residual(X, y, cols, w, r));
      const base = r * cols;
      for (let j = 0; j < cols; j++) {
        indices[j] = j;
        values[j] = s * X[base + j];
      }
      indices[cols] = cols;
      values[cols] = s;
      return cols + 1;
    },
    loss: (w) => huberLossAndGrad(X, y, cols, w),
  };
}
