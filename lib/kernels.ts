/**
 * The kernel surface shared by the native addon and the TypeScript reference
 * (`lib/reference/`): same names, same positional arguments, same math. Each update rule's
 * formula is documented once, in `native/kernels/params.h`; the argument names below follow it.
 *
 * Dense form: `(params, grads, ...state, ...scalars)`.
 * Sparse form: `(params, indices, values, rowLength, ...state, ...scalars)`: entry k updates rows
 * `indices[k]` of `rowLength` elements with gradient `values[k*rowLength ...]`; indices must be
 * strictly increasing.
 * @internal
 * @packageDocumentation
 */

type F32 = Float32Array;
type OptF32 = Float32Array | null;

/** @internal */
export interface KernelSet {
  sgd(p: F32, g: F32, buf: OptF32, sign: number, wd: number, decay: number, c1: number, c2: number,
    nmom: number, c3: number, nesterov: boolean): void;
  sgdSparse(p: F32, idx: Int32Array, vals: F32, rowLen: number, buf: OptF32, sign: number, wd: number,
    decay: number, c1: number, c2: number, nmom: number, c3: number, nesterov: boolean): void;
  adagrad(p: F32, g: F32, sum: F32, sign: number, wd: number, clr: number, epsIn: number, epsOut: number): void;
  adagradSparse(p: F32, idx: Int32Array, vals: F32, rowLen: number, sum: F32, sign: number, wd: number,
    clr: number, epsIn: number, epsOut: number): void;
  adadelta(p: F32, g: F32, sq: F32, acc: F32, sign: number, wd: number, rho: number, oneMinusRho: number,
    eps: number, lr: number, useOld: boolean): void;
  rmsprop(p: F32, g: F32, sq: F32, gavg: OptF32, buf: OptF32, sign: number, wd: number, alpha: number,
    oneMinusAlpha: number, epsIn: number, epsOut: number, mom: number, c1: number, c3: number): void;
  rmspropSparse(p: F32, idx: Int32Array, vals: F32, rowLen: number, sq: F32, gavg: OptF32, buf: OptF32,
    sign: number, wd: number, alpha: number, oneMinusAlpha: number, epsIn: number, epsOut: number, mom: number,
    c1: number, c3: number): void;
  adam(p: F32, g: F32, m: F32, v: F32, vmax: OptF32, sign: number, wd: number, decayMul: number, b1: number,
    oneMinusB1: number, b2: number, oneMinusB2: number, invSqrtBc2: number, eps: number, stepSize: number): void;
  adamSparse(p: F32, idx: Int32Array, vals: F32, rowLen: number, m: F32, v: F32, vmax: OptF32, sign: number,
    wd: number, decayMul: number, b1: number, oneMinusB1: number, b2: number, oneMinusB2: number,
    invSqrtBc2: number, eps: number, stepSize: number): void;
  adamax(p: F32, g: F32, m: F32, u: F32, sign: number, wd: number, b1: number, oneMinusB1: number, b2: number,
    epsA: number, epsB: number, clr: number): void;
  nadam(p: F32, g: F32, m: F32, v: F32, sign: number, wd: number, b1: number, oneMinusB1: number, b2: number,
    oneMinusB2: number, invSqrtBc2: number, eps: number, cg: number, cm: number): void;
  memoryFloor(p: F32, g: F32, m: F32, v: F32): void;
  /**
   * AdaptiveRevision (delay-tolerant AdaGrad) at a parameter-server shard: `gBck` is the gradient
   * sum the worker read with the parameters (only read); `gSum`, `z`, `zMax` are the shard's state.
   */
  adaptiveRevision(p: F32, g: F32, gBck: F32, gSum: F32, z: F32, zMax: F32, alpha: number): void;
  /** Index of the first NaN or ±Inf, or -1. */
  firstNonFinite(a: F32): number;
}

/** Which implementation an optimizer calls: the native SIMD kernels or the TypeScript reference. */
export type Backend = 'native' | 'js';
