/**
 * Feature standardisation: per-column mean and standard deviation. Dense columns are centred and
 * scaled; CSR columns are only scaled, because centring would fill in every zero. Like
 * scikit-learn's StandardScaler (population standard deviation; a constant column keeps scale 1).
 * @packageDocumentation
 */
import { checkMatrix, checkRows, isCsr, rowCount } from './matrix';
import type { CsrMatrix, DenseMatrix, Matrix } from './matrix';

/** Fitted statistics: x' = (x − mean) / scale, or x / scale for CSR (mean null). */
export interface StandardScaler {
  mean: Float64Array | null;
  scale: Float64Array;
}

/** The population standard deviations, with 1 where a column is constant (so it is left as is). */
function scalesFrom(sumSq: Float64Array, n: number): Float64Array {
  return sumSq.map((s) => {
    const std = n > 0 ? Math.sqrt(s / n) : 0;
    return std > 0 ? std : 1;
  });
}

function fitDense(X: DenseMatrix, rows: Uint32Array | null): StandardScaler {
  const n = rows ? rows.length : X.rows, cols = X.cols;
  const at = (i: number): number => (rows ? rows[i]! : i) * cols;
  const mean = new Float64Array(cols), sumSq = new Float64Array(cols);
  for (let i = 0; i < n; i++) for (let j = 0; j < cols; j++) mean[j] += X.data[at(i) + j]!;
  if (n > 0) for (let j = 0; j < cols; j++) mean[j] /= n;
  // Second pass around the mean: no cancellation between large sums of squares.
  for (let i = 0; i < n; i++) for (let j = 0; j < cols; j++) sumSq[j] += (X.data[at(i) + j]! - mean[j]!) ** 2;
  return { mean, scale: scalesFrom(sumSq, n) };
}

function fitCsr(X: CsrMatrix, rows: Uint32Array | null): StandardScaler {
  const n = rows ? rows.length : X.indptr.length - 1, cols = X.cols;
  const mean = new Float64Array(cols), sumSq = new Float64Array(cols), stored = new Float64Array(cols);
  const eachEntry = (fn: (j: number, v: number) => void): void => {
    for (let i = 0; i < n; i++) {
      const r = rows ? rows[i]! : i;
      for (let p = X.indptr[r]!; p < X.indptr[r + 1]!; p++) fn(X.indices[p]!, X.values[p]!);
    }
  };
  eachEntry((j, v) => { mean[j] += v; stored[j] += 1; });
  if (n > 0) for (let j = 0; j < cols; j++) mean[j] /= n;
  // The implicit zeros of a column each contribute mean² to the sum of squared deviations.
  eachEntry((j, v) => { sumSq[j] += (v - mean[j]!) ** 2; });
  for (let j = 0; j < cols; j++) sumSq[j] += (n - stored[j]!) * mean[j]! ** 2;
  return { mean: null, scale: scalesFrom(sumSq, n) };
}

/**
 * Fits column statistics on X, or on the listed rows only (the training rows, so validation data
 * does not leak into the scaling).
 */
export function fitStandardScaler(X: Matrix, rows?: Uint32Array): StandardScaler {
  checkMatrix(X);
  if (rows !== undefined) checkRows(rows, rowCount(X));
  return isCsr(X) ? fitCsr(X, rows ?? null) : fitDense(X, rows ?? null);
}

/**
 * Applies fitted statistics: a new matrix (or X itself, changed, with `inPlace: true`). A CSR matrix
 * keeps its structure; only its values change.
 */
export function applyStandardScaler<M extends Matrix>(X: M, scaler: StandardScaler, options?: { inPlace?: boolean }): M;
export function applyStandardScaler(X: Matrix, scaler: StandardScaler, options: { inPlace?: boolean } = {}): Matrix {
  checkMatrix(X);
  if (!(scaler.scale instanceof Float64Array) || scaler.scale.length !== X.cols)
    throw new RangeError(`scaler.scale must be a Float64Array of X.cols = ${X.cols} elements`);
  const inPlace = options.inPlace ?? false;
  if (isCsr(X)) {
    const values = inPlace ? X.values : X.values.slice();
    for (let p = 0; p < values.length; p++) values[p] = values[p]! / scaler.scale[X.indices[p]!]!;
    return inPlace ? X : { indptr: X.indptr.slice(), indices: X.indices.slice(), values, cols: X.cols };
  }
  const mean = scaler.mean;
  if (!(mean instanceof Float64Array) || mean.length !== X.cols)
    throw new RangeError(`scaler.mean must be a Float64Array of X.cols = ${X.cols} elements for a dense matrix`);
  const data = inPlace ? X.data : X.data.slice();
  for (let i = 0; i < data.length; i++) {
    const j = i % X.cols;
    data[i] = (data[i]! - mean[j]!) / scaler.scale[j]!;
  }
  return inPlace ? X : { data, rows: X.rows, cols: X.cols };
}

/** Fits on X (or its listed rows) and returns the standardised copy with the statistics. */
export function standardize<M extends Matrix>(X: M, rows?: Uint32Array): { X: M; scaler: StandardScaler } {
  const scaler = fitStandardScaler(X, rows);
  return { X: applyStandardScaler(X, scaler), scaler };
}
