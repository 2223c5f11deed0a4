/**
 * Seeded train / validation splits of row indices, optionally stratified by class so both sides
 * keep the label proportions.
 * @packageDocumentation
 */
import { checkLabels, checkMatrixShape, rowCount, selectLabels, selectRows } from './matrix';
import type { Labels, Matrix } from './matrix';
import { range, shuffle, Xoshiro128 } from './shuffle';

/** Options of {@link trainValidationSplit}. */
export interface SplitOptions {
  /** Share of the rows (of each class, when stratified) that go to validation, in (0, 1). Default 0.2. */
  validationFraction?: number;
  /** An integer seed or a generator (advanced by the split). Default seed 0. */
  seed?: number | Xoshiro128;
  /** Labels to stratify by: each distinct value is split on its own. */
  stratify?: Labels;
}

/** Row indices of the two sides, each sorted ascending. */
export interface Split {
  train: Uint32Array;
  validation: Uint32Array;
}

function checkFraction(f: unknown): asserts f is number {
  if (typeof f !== 'number') throw new TypeError(`validationFraction must be a number, got ${typeof f}`);
  if (!(f > 0 && f < 1)) throw new RangeError(`validationFraction must be in (0, 1), got ${f}`);
}

/** Row indices grouped by label value, groups in ascending label order (so the split is reproducible). */
function groupsByLabel(labels: Labels): Uint32Array[] {
  const groups = new Map<number, number[]>();
  labels.forEach((label, i) => {
    const g = groups.get(label);
    if (g) g.push(i);
    else groups.set(label, [i]);
  });
  return [...groups.keys()].sort((a, b) => a - b).map((k) => Uint32Array.from(groups.get(k)!));
}

/**
 * Splits the row indices 0..rows-1 at random (seeded). Each group (all rows, or each class when
 * stratified) sends round(fraction × size) rows to validation. Throws RangeError when either side
 * would be empty.
 */
export function trainValidationSplit(rows: number, options: SplitOptions = {}): Split {
  if (!Number.isInteger(rows) || rows < 0 || rows >= 2 ** 32) throw new RangeError(`rows must be an integer in [0, 2^32), got ${rows}`);
  const { validationFraction = 0.2, seed = 0, stratify } = options;
  checkFraction(validationFraction);
  if (stratify !== undefined) checkLabels(stratify, rows, 'stratify');
  const rng = seed instanceof Xoshiro128 ? seed : new Xoshiro128(seed);
  const groups = stratify ? groupsByLabel(stratify) : [range(rows)];
  const train: number[] = [], validation: number[] = [];
  for (const group of groups) {
    shuffle(group, rng);
    const cut = Math.round(validationFraction * group.length);
    group.forEach((r, i) => (i < cut ? validation : train).push(r));
  }
  if (train.length === 0 || validation.length === 0)
    throw new RangeError(`a validationFraction of ${validationFraction} leaves one side of ${rows} rows empty`);
  return { train: Uint32Array.from(train).sort(), validation: Uint32Array.from(validation).sort() };
}

/** The two sides of a split as copies of the data. */
export interface SplitData<M extends Matrix, L extends Labels> {
  train: { X: M; y: L; rows: Uint32Array };
  validation: { X: M; y: L; rows: Uint32Array };
}

/**
 * Splits a data set (features and labels) with {@link trainValidationSplit}; `stratify: true`
 * stratifies by y. The copies keep the row order of the sorted index lists.
 */
export function splitData<M extends Matrix, L extends Labels>(X: M, y: L,
  options: Omit<SplitOptions, 'stratify'> & { stratify?: boolean } = {}): SplitData<M, L> {
  checkMatrixShape(X);
  checkLabels(y, rowCount(X));
  const { stratify = false, ...rest } = options;
  const split = trainValidationSplit(rowCount(X), { ...rest, stratify: stratify ? y : undefined });
  const side = (rows: Uint32Array): { X: M; y: L; rows: Uint32Array } => ({ X: selectRows(X, rows), y: selectLabels(y, rows), rows });
  return { train: side(split.train), validation: side(split.validation) };
}
