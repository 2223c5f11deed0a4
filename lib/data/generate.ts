/**
 * Seeded synthetic data at the scale of the Hogwild! paper's experiments, generated natively on
 * all cores (the same output for a seed whatever the thread count):
 *
 * - {@link generateSparse}: an RCV1-like sparse set (default 800 000 rows × 47 236 features, ~75
 *   nonzeros a row, Zipf feature frequencies, unit-norm TF-IDF-like rows) labelled by a hidden
 *   sparse linear model plus noise.
 * - {@link generateRatings}: a Netflix-like ratings set (Zipf users and items, ratings from a
 *   low-rank truth plus Gaussian noise).
 *
 * Formulas: native/parallel/hogwild_generate.h. Memory: the arrays returned and nothing more that
 * scales with the data (row lengths are drawn first, so every array is allocated once at its exact
 * size); a few per-feature tables besides.
 * @packageDocumentation
 */
import { addon } from '../native';
import { checkNumber, describe } from '../optimizers/validate';
import type { RatingTriples } from '../parallel/hogwild-check';
import { defaultThreads } from '../parallel/hogwild-check';
import type { NativeJob } from '../parallel/addon-types';
import type { CsrMatrix } from './matrix';
import { trainValidationSplit } from './split';

/** Options of {@link generateSparse}. */
export interface SparseSetOptions {
  /** Default 800 000 (RCV1 has 804 414). */
  rows?: number;
  /** Default 47 236 (RCV1's feature count). */
  cols?: number;
  /** Mean nonzeros per row; when given, at most `cols` (RangeError otherwise). Row lengths are log-normal around it, capped to [1, cols]. Default 75 (capped rows when cols < 75). */
  meanNonzeros?: number;
  /** σ of the log-normal row lengths. Default 0.5. */
  lengthSpread?: number;
  /** Zipf exponent of feature popularity: p(rank) ∝ (rank + 1)^−exponent. Default 1. */
  exponent?: number;
  /** Share of features with a nonzero weight in the hidden model. Default 0.2. */
  truthDensity?: number;
  /** 'classification' (±1 labels, default) or 'regression' (real targets). */
  task?: 'classification' | 'regression';
  /** Classification: probability of flipping a label. Default 0.05. */
  labelNoise?: number;
  /** Regression: Gaussian noise as a fraction of the margin's standard deviation. Default 0.1. */
  noiseStd?: number;
  /** Default 0. */
  seed?: number;
  /** Threads to generate with. Default: every core. */
  threads?: number;
  signal?: AbortSignal;
}

/** An RCV1-like set: CSR rows, labels, and the hidden model that made them. */
export interface SparseSet {
  X: CsrMatrix;
  y: Float32Array;
  /** The hidden weights w*: y = sign(x·w* + bias) before label noise. */
  truth: Float32Array;
  /** The hidden intercept (−median of x·w*, which balances the classes). */
  bias: number;
}

/** Options of {@link generateRatings}. */
export interface RatingsOptions {
  /** Default 480 189 (Netflix's). */
  users?: number;
  /** Default 17 770 (Netflix's). */
  items?: number;
  /** Number of ratings. Default 10 000 000 (a tenth of Netflix's). */
  ratings?: number;
  /** Rank of the hidden factors. Default 5. */
  rank?: number;
  /** Zipf exponent of user activity. Default 0.6. */
  userExponent?: number;
  /** Zipf exponent of item popularity. Default 0.9. */
  itemExponent?: number;
  /** Mean rating. Default 3.6. */
  mean?: number;
  /** Standard deviation of the Gaussian noise: the best RMSE a model can reach. Default 0.5. */
  noise?: number;
  /** Default 0. */
  seed?: number;
  /** Threads to generate with. Default: every core. */
  threads?: number;
  signal?: AbortSignal;
}

const SEED = { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true } as const;

async function settle<T>(job: NativeJob<T>, signal: AbortSignal | undefined): Promise<T> {
  const stop = (): void => job.cancel();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    return await job.promise;
  } catch (err) {
    signal?.throwIfAborted();
    throw err;
  } finally {
    signal?.removeEventListener('abort', stop);
  }
}

function checkOptions(where: string, options: unknown): Record<string, unknown> {
  if (options === undefined) return {};
  // A Date, an array or a class instance has none of our keys: taking it for "all defaults" would
  // silently start the full-size generation, so only plain objects pass.
  const proto = typeof options === 'object' && options !== null ? Object.getPrototypeOf(options) : undefined;
  if (proto !== Object.prototype && proto !== null) throw new TypeError(`${where}: options must be a plain object, got ${describe(options)}`);
  const signal = (options as { signal?: unknown }).signal;
  if (signal !== undefined && !(signal instanceof AbortSignal))
    throw new TypeError(`${where}: signal must be an AbortSignal, got ${describe(signal)}`);
  return options as Record<string, unknown>;
}

/** Generates an RCV1-like sparse set (see the module docs); deterministic for a seed and sizes. */
export async function generateSparse(options: SparseSetOptions = {}): Promise<SparseSet> {
  const where = 'generateSparse';
  const o = checkOptions(where, options) as SparseSetOptions;
  const task = o.task ?? 'classification';
  if (task !== 'classification' && task !== 'regression')
    throw new RangeError(`${where}: task must be 'classification' or 'regression', got ${String(task)}`);
  const spec = {
    rows: checkNumber(where, 'rows', o.rows ?? 800_000, { min: 0, max: 2 ** 31 - 2, integer: true }),
    cols: checkNumber(where, 'cols', o.cols ?? 47_236, { min: 0, max: 2 ** 31 - 1, integer: true }),
    meanNonzeros: checkNumber(where, 'meanNonzeros', o.meanNonzeros ?? 75, { min: 1, max: 2 ** 31 - 1 }),
    lengthSpread: checkNumber(where, 'lengthSpread', o.lengthSpread ?? 0.5, { min: 0, max: 4 }),
    exponent: checkNumber(where, 'exponent', o.exponent ?? 1, { min: 0, max: 8 }),
    truthDensity: checkNumber(where, 'truthDensity', o.truthDensity ?? 0.2, { min: 0, max: 1 }),
    regression: task === 'regression',
    labelNoise: checkNumber(where, 'labelNoise', o.labelNoise ?? 0.05, { min: 0, max: 1 }),
    noiseStd: checkNumber(where, 'noiseStd', o.noiseStd ?? 0.1, { min: 0, max: 1e6 }),
    seed: checkNumber(where, 'seed', o.seed ?? 0, SEED),
    threads: checkNumber(where, 'threads', o.threads ?? defaultThreads(), { min: 1, max: 1024, integer: true }),
  };
  // Only a mean the caller chose is refused: the default (75) with fewer cols keeps its old meaning,
  // rows capped at cols, so existing small sets come out as before.
  if (o.meanNonzeros !== undefined && spec.cols > 0 && spec.meanNonzeros > spec.cols)
    throw new RangeError(`${where}: meanNonzeros must be at most cols (${spec.cols}), got ${spec.meanNonzeros}`);
  o.signal?.throwIfAborted();
  const indptr = new Int32Array(spec.rows + 1);
  const nnz = addon().sparseRowLengths(spec, indptr);
  const arrays = {
    indptr,
    indices: new Int32Array(nnz),
    values: new Float32Array(nnz),
    labels: new Float32Array(spec.rows),
    truth: new Float32Array(spec.cols),
  };
  const { bias } = await settle(addon().generateSparseAsync(spec, arrays), o.signal);
  return { X: { indptr, indices: arrays.indices, values: arrays.values, cols: spec.cols }, y: arrays.labels, truth: arrays.truth, bias };
}

/** Generates a Netflix-like ratings set (see the module docs); deterministic for a seed and sizes. */
export async function generateRatings(options: RatingsOptions = {}): Promise<RatingTriples> {
  const where = 'generateRatings';
  const o = checkOptions(where, options) as RatingsOptions;
  const spec = {
    users: checkNumber(where, 'users', o.users ?? 480_189, { min: 1, max: 2 ** 31 - 1, integer: true }),
    items: checkNumber(where, 'items', o.items ?? 17_770, { min: 1, max: 2 ** 31 - 1, integer: true }),
    count: checkNumber(where, 'ratings', o.ratings ?? 10_000_000, { min: 0, max: 2 ** 32 - 1, integer: true }),
    rank: checkNumber(where, 'rank', o.rank ?? 5, { min: 0, max: 4096, integer: true }),
    userExponent: checkNumber(where, 'userExponent', o.userExponent ?? 0.6, { min: 0, max: 8 }),
    itemExponent: checkNumber(where, 'itemExponent', o.itemExponent ?? 0.9, { min: 0, max: 8 }),
    mean: checkNumber(where, 'mean', o.mean ?? 3.6),
    noise: checkNumber(where, 'noise', o.noise ?? 0.5, { min: 0 }),
    seed: checkNumber(where, 'seed', o.seed ?? 0, SEED),
    threads: checkNumber(where, 'threads', o.threads ?? defaultThreads(), { min: 1, max: 1024, integer: true }),
  };
  o.signal?.throwIfAborted();
  const arrays = { users: new Int32Array(spec.count), items: new Int32Array(spec.count), ratings: new Float32Array(spec.count) };
  await settle(addon().generateRatingsAsync(spec, arrays), o.signal);
  return { ...arrays, userCount: spec.users, itemCount: spec.items };
}

/** Splits rating triples at random (seeded) into training and held-out sets; ids keep their meaning. */
export function splitRatings(data: RatingTriples, options: { validationFraction?: number; seed?: number } = {}):
  { train: RatingTriples; validation: RatingTriples } {
  if (typeof data !== 'object' || data === null || !(data.ratings instanceof Float32Array))
    throw new TypeError(`splitRatings: data must be rating triples { users, items, ratings, userCount, itemCount }`);
  const split = trainValidationSplit(data.ratings.length, options);
  const pick = (rows: Uint32Array): RatingTriples => ({
    users: Int32Array.from(rows, (r) => data.users[r]!),
    items: Int32Array.from(rows, (r) => data.items[r]!),
    ratings: Float32Array.from(rows, (r) => data.ratings[r]!),
    userCount: data.userCount,
    itemCount: data.itemCount,
  });
  return { train: pick(split.train), validation: pick(split.validation) };
}
