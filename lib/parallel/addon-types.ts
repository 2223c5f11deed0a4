/**
 * The raw native surface for Hogwild! training and the synthetic data generators
 * (native/binding/hogwild_bindings.cc). Only lib/parallel/hogwild.ts and lib/data/generate.ts call
 * it; they validate first.
 * @internal
 * @packageDocumentation
 */
import type { CsrMatrix } from '../data/matrix';

/** @internal One epoch's job. Linear objectives fill X, y and bias; 'mf' fills the rating fields. */
export interface HogwildEpochJob {
  objective: 'logistic' | 'hinge' | 'squared' | 'mf';
  X?: CsrMatrix;
  y?: Float32Array;
  bias?: boolean;
  users?: Int32Array;
  items?: Int32Array;
  ratings?: Float32Array;
  userCount?: number;
  itemCount?: number;
  rank?: number;
  params: Float32Array;
  rule: 'sgd' | 'adagrad';
  accumulators: Float32Array | null;
  lr: number;
  eps: number;
  l2: number;
  /**
   * 1/degree per feature (or per user, then per item); filled by the first job. null for a linear
   * job with no L2 and no hot-feature buffer, which never reads the degrees.
   */
  inverseDegree: Float32Array | null;
  degreesReady: boolean;
  /** Example order, shuffled in place with rngState before the epoch (kept as is when rngState is null). */
  order: Uint32Array;
  rngState: Uint32Array | null;
  mode: 'hogwild' | 'locked' | 'sequential' | 'private';
  /** Defer the degree-scaled L2 shrink in rows whose loss derivative is 0. */
  lazyL2: boolean;
  /** Features buffered per thread (0: none), merged into the shared weights every flushEvery examples. */
  hotFeatures: number;
  flushEvery: number;
  /** Record per-chunk wall/CPU times (the result then carries `trace`). */
  trace: boolean;
  /** Several epochs in one job, one step size each: the result is then `{ epochs: [...] }`. */
  lrs?: Float64Array;
  threads: number;
  chunk: number;
  evaluate: boolean;
  validation: { X: CsrMatrix; y: Float32Array } | { users: Int32Array; items: Int32Array; ratings: Float32Array } | null;
}

/** @internal */
export interface HogwildEpochResult {
  examplesDone: number;
  seconds: number;
  cpuSeconds: number;
  cancelled: boolean;
  evaluated: boolean;
  loss: number;
  metric: number;
  validationLoss: number;
  validationMetric: number;
  evaluationSeconds: number;
  /** Per-chunk records (thread, start, end, cpu, examples) when the job asked for a trace. */
  trace?: Float64Array;
}

/** @internal The sparse generator's settings, every field filled in. */
export interface RawSparseSpec {
  rows: number;
  cols: number;
  meanNonzeros: number;
  lengthSpread: number;
  exponent: number;
  truthDensity: number;
  regression: boolean;
  labelNoise: number;
  noiseStd: number;
  seed: number;
  threads: number;
}

/** @internal The ratings generator's settings, every field filled in. */
export interface RawRatingsSpec {
  users: number;
  items: number;
  count: number;
  rank: number;
  userExponent: number;
  itemExponent: number;
  mean: number;
  noise: number;
  seed: number;
  threads: number;
}

/** @internal A cancellable native job. */
export interface NativeJob<T> {
  promise: Promise<T>;
  cancel(): void;
}

/** @internal */
export interface HogwildAddon {
  hogwildEpochAsync(job: HogwildEpochJob): NativeJob<HogwildEpochResult | { epochs: HogwildEpochResult[] }>;
  sparseRowLengths(spec: RawSparseSpec, indptr: Int32Array): number;
  generateSparseAsync(spec: RawSparseSpec, arrays: {
    indptr: Int32Array; indices: Int32Array; values: Float32Array; labels: Float32Array; truth: Float32Array;
  }): NativeJob<{ bias: number }>;
  generateRatingsAsync(spec: RawRatingsSpec, arrays: { users: Int32Array; items: Int32Array; ratings: Float32Array }):
    NativeJob<void>;
}
