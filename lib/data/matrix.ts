/**
 * The data formats every training helper takes (see DESIGN.md, "Data formats"): dense row-major
 * matrices, CSR matrices in SciPy's layout, and labels.
 * @packageDocumentation
 */

/** A dense matrix: `data[r * cols + c]` is row r, column c. */
export interface DenseMatrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

/**
 * A compressed sparse row matrix, as SciPy's `csr_matrix`: row r holds the columns
 * `indices[indptr[r] .. indptr[r + 1])` with the values at the same positions. The row count is
 * `indptr.length - 1`.
 */
export interface CsrMatrix {
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
  cols: number;
}

/** Features of a model: dense or sparse rows. */
export type Matrix = DenseMatrix | CsrMatrix;

/** Labels: `Float32Array` for regression and ±1 or 0/1 classes, `Int32Array` for class ids. */
export type Labels = Float32Array | Int32Array;

/** True for a CSR matrix, false for a dense one. */
export function isCsr(X: Matrix): X is CsrMatrix {
  return (X as CsrMatrix).indptr !== undefined;
}

/** The number of rows of either kind of matrix. */
export function rowCount(X: Matrix): number {
  return isCsr(X) ? X.indptr.length - 1 : X.rows;
}

function requireNonNegativeInteger(value: unknown, name: string): void {
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number, got ${typeof value}`);
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
}

/**
 * Throws TypeError or RangeError (naming `name.field`) unless X has the shape of a dense or CSR
 * matrix: array types, lengths that agree, a CSR indptr that starts at 0 and ends at
 * indices.length. O(1), so per-mini-batch calls can afford it; the native functions check the CSR
 * rows they use.
 */
export function checkMatrixShape(X: unknown, name = 'X'): asserts X is Matrix {
  if (typeof X !== 'object' || X === null || ArrayBuffer.isView(X))
    throw new TypeError(`${name} must be a dense { data, rows, cols } or CSR { indptr, indices, values, cols } matrix`);
  if ((X as Partial<CsrMatrix>).indptr !== undefined) checkCsrShape(X as CsrMatrix, name);
  else checkDense(X as DenseMatrix, name);
}

/**
 * Like `checkMatrixShape`, plus the CSR structure of every row: indptr never decreases and
 * every column index lies in [0, cols). O(rows + nnz).
 */
export function checkMatrix(X: unknown, name = 'X'): asserts X is Matrix {
  checkMatrixShape(X, name);
  if (!isCsr(X)) return;
  for (let r = 0; r + 1 < X.indptr.length; r++)
    if (X.indptr[r + 1]! < X.indptr[r]!) throw new RangeError(`${name}.indptr decreases at row ${r}`);
  for (let p = 0; p < X.indices.length; p++) {
    const j = X.indices[p]!;
    if (j < 0 || j >= X.cols) throw new RangeError(`${name}.indices[${p}] = ${j} is outside [0, ${X.cols})`);
  }
}

function checkDense(X: DenseMatrix, name: string): void {
  if (!(X.data instanceof Float32Array)) throw new TypeError(`${name}.data must be a Float32Array`);
  requireNonNegativeInteger(X.rows, `${name}.rows`);
  requireNonNegativeInteger(X.cols, `${name}.cols`);
  if (X.data.length !== X.rows * X.cols)
    throw new RangeError(`${name}.data has ${X.data.length} elements, expected ${name}.rows * ${name}.cols = ${X.rows * X.cols}`);
}

function checkCsrShape(X: CsrMatrix, name: string): void {
  if (!(X.indptr instanceof Int32Array)) throw new TypeError(`${name}.indptr must be an Int32Array`);
  if (!(X.indices instanceof Int32Array)) throw new TypeError(`${name}.indices must be an Int32Array`);
  if (!(X.values instanceof Float32Array)) throw new TypeError(`${name}.values must be a Float32Array`);
  requireNonNegativeInteger(X.cols, `${name}.cols`);
  if (X.indptr.length < 1) throw new RangeError(`${name}.indptr must have rows + 1 >= 1 elements`);
  if (X.values.length !== X.indices.length)
    throw new RangeError(`${name}.values has ${X.values.length} elements, ${name}.indices ${X.indices.length}`);
  const last = X.indptr.length - 1;
  if (X.indptr[0] !== 0 || X.indptr[last] !== X.indices.length)
    throw new RangeError(`${name}.indptr must start at 0 and end at indices.length (${X.indices.length})`);
}

/** Throws unless y is a label array with one label per row. */
export function checkLabels(y: unknown, rows: number, name = 'y'): asserts y is Labels {
  if (!(y instanceof Float32Array) && !(y instanceof Int32Array))
    throw new TypeError(`${name} must be a Float32Array or an Int32Array`);
  if (y.length !== rows) throw new RangeError(`${name} has ${y.length} labels, X has ${rows} rows`);
}

/** Throws unless rows is a Uint32Array of row indices below `limit`. */
export function checkRows(rows: unknown, limit: number, name = 'rows'): asserts rows is Uint32Array {
  if (!(rows instanceof Uint32Array)) throw new TypeError(`${name} must be a Uint32Array of row indices`);
  for (let i = 0; i < rows.length; i++)
    if (rows[i]! >= limit) throw new RangeError(`${name}[${i}] = ${rows[i]} is outside [0, ${limit})`);
}

/** A new matrix holding the listed rows of X, in the order listed (copies). */
export function selectRows<M extends Matrix>(X: M, rows: Uint32Array): M;
export function selectRows(X: Matrix, rows: Uint32Array): Matrix {
  checkMatrix(X);
  checkRows(rows, rowCount(X));
  return isCsr(X) ? selectCsrRows(X, rows) : selectDenseRows(X, rows);
}

function selectDenseRows(X: DenseMatrix, rows: Uint32Array): DenseMatrix {
  const data = new Float32Array(rows.length * X.cols);
  rows.forEach((r, i) => data.set(X.data.subarray(r * X.cols, (r + 1) * X.cols), i * X.cols));
  return { data, rows: rows.length, cols: X.cols };
}

function selectCsrRows(X: CsrMatrix, rows: Uint32Array): CsrMatrix {
  const indptr = new Int32Array(rows.length + 1);
  rows.forEach((r, i) => { indptr[i + 1] = indptr[i]! + X.indptr[r + 1]! - X.indptr[r]!; });
  const indices = new Int32Array(indptr[rows.length]!);
  const values = new Float32Array(indices.length);
  rows.forEach((r, i) => {
    const begin = X.indptr[r]!, end = X.indptr[r + 1]!;
    indices.set(X.indices.subarray(begin, end), indptr[i]!);
    values.set(X.values.subarray(begin, end), indptr[i]!);
  });
  return { indptr, indices, values, cols: X.cols };
}

/** The listed labels, in the order listed (a copy of the same array type). */
export function selectLabels<L extends Labels>(y: L, rows: Uint32Array): L {
  const out = new (y.constructor as { new (n: number): L })(rows.length);
  rows.forEach((r, i) => { out[i] = y[r]!; });
  return out;
}
