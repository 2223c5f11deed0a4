/**
 * Types shared by every optimizer.
 * @packageDocumentation
 */
import type { Backend } from '../kernels';

/**
 * Whose formulas and defaults an optimizer follows:
 * - `'torch'` (default): PyTorch's `torch.optim` (v1.13+; NAdam as fixed in 2.0).
 * - `'tfjs'`: TensorFlow.js 4.x `tf.train.*` (epsilon 1e-7, tfjs's epsilon placement and accumulators).
 * - `'keras'`: Keras 3 optimizers (epsilon-hat Adam, lr inside the velocity, decoupled weight decay).
 * - `'paper'`: the original papers as summarised in Ruder's overview (lr inside the momentum
 *   velocity, epsilon inside square roots, Adadelta without a learning rate).
 * The README's compat table lists every difference.
 */
export type Compat = 'torch' | 'tfjs' | 'keras' | 'paper';

/** Options every optimizer takes besides its hyperparameters. */
export interface CommonOptions {
  /** Whose formulas and defaults to follow. Default `'torch'`. */
  compat?: Compat;
  /** `'native'` (default): the SIMD kernels. `'js'`: the TypeScript reference, for comparison. */
  backend?: Backend;
  /**
   * What a step does with a NaN or ±Inf in a gradient (like Optax's `apply_if_finite`):
   * `'propagate'` (default, as PyTorch: no check, it reaches the parameters), `'skip'` (the whole
   * step is skipped, nothing changes, {@link OptimizerStats.skipped} counts it) or `'throw'`
   * (RangeError naming the gradient and index, nothing changes). The check costs one extra read of
   * each gradient.
   */
  nonFinite?: NonFiniteMode;
}

/** See {@link CommonOptions.nonFinite}. */
export type NonFiniteMode = 'propagate' | 'skip' | 'throw';

/** Counters an optimizer keeps. */
export interface OptimizerStats {
  /** Steps applied. */
  steps: number;
  /** Steps skipped because a gradient held NaN or ±Inf (with `nonFinite: 'skip'`). */
  skipped: number;
}

/** A group of parameters with its own hyperparameters (any option left out takes the optimizer's). */
export type ParamGroup<G> = { params: Float32Array | Float32Array[] } & Partial<G>;

/** What an optimizer's constructor takes as parameters. */
export type Params<G> = Float32Array | Float32Array[] | ParamGroup<G>[];

/**
 * A sparse gradient for {@link Optimizer.stepSparse}: `indices[k]` names a coordinate (or, with
 * `rowLength` > 1, a row of a row-major matrix) and `values` holds its gradient (`rowLength` values
 * per index). Indices may come in any order and repeat; repeats are summed, as PyTorch's
 * `coalesce()` does.
 */
export interface SparseGradient {
  indices: Int32Array | readonly number[];
  values: Float32Array;
  /** Elements per index (a matrix row). Default 1. */
  rowLength?: number;
}

/** A group as an optimizer holds it. */
export interface ParamGroupState<G> {
  readonly params: readonly Float32Array[];
  /** The group's hyperparameters; change them through the optimizer (e.g. `opt.lr = x`). */
  readonly options: Readonly<G>;
}

/** Everything needed to continue an optimizer exactly where it was. */
export interface OptimizerStateDict {
  format: 'descent.optimizer';
  version: 1;
  /** The optimizer class, e.g. `'Adam'`. */
  optimizer: string;
  compat: Compat;
  /** Completed steps. */
  stepCount: number;
  /** Per group: hyperparameters and parameter lengths. */
  groups: Array<{ options: Record<string, unknown>; paramLengths: number[] }>;
  /** Per parameter (all groups in order): named state arrays, copied. */
  state: Array<Record<string, Float32Array>>;
  /** Per parameter: its step count (`step`) and scalar state of the rule (e.g. NAdam's `muProduct`). */
  scalars: Array<Record<string, number>>;
}
