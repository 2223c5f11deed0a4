/**
 * One call of every kernel form with realistic scalars, described once so the native-vs-reference
 * tests can run each on every ISA, length and memory layout.
 */
import type { KernelSet } from '../../lib/kernels';

type F32 = Float32Array;

export interface KernelCase {
  name: string;
  /** State arrays and their value ranges (accumulators of squares must stay non-negative). */
  state: Array<[lo: number, hi: number]>;
  /** Whether state slot k may be null in this form. */
  call(k: KernelSet, p: F32, g: F32, s: F32[]): void;
}

export const kernelCases: KernelCase[] = [
  { name: 'sgd plain', state: [], call: (k, p, g) => k.sgd(p, g, null, 1, 0.01, 0, 0, 0, 0, 0.05, false) },
  { name: 'sgd momentum', state: [[-1, 1]], call: (k, p, g, s) => k.sgd(p, g, s[0]!, 1, 0.01, 0.9, 0.9, 1, 0.9, 0.05, false) },
  { name: 'sgd nesterov maximize', state: [[-1, 1]], call: (k, p, g, s) => k.sgd(p, g, s[0]!, -1, 0, 0.9, 1, 1, 0.9, 0.05, true) },
  { name: 'sgd lr inside velocity', state: [[-1, 1]], call: (k, p, g, s) => k.sgd(p, g, s[0]!, 1, 0, 0.9, 0.05, 0.05, 0.9, 1, true) },
  { name: 'adagrad eps outside', state: [[0, 2]], call: (k, p, g, s) => k.adagrad(p, g, s[0]!, 1, 0.01, 0.1, 0, 1e-10) },
  { name: 'adagrad eps inside', state: [[0.1, 2]], call: (k, p, g, s) => k.adagrad(p, g, s[0]!, 1, 0, 0.1, 1e-7, 0) },
  { name: 'adadelta', state: [[0, 1], [0, 1]], call: (k, p, g, s) => k.adadelta(p, g, s[0]!, s[1]!, 1, 0.01, 0.9, 0.1, 1e-6, 1, false) },
  { name: 'adadelta old accumulator', state: [[0, 1], [0, 1]], call: (k, p, g, s) => k.adadelta(p, g, s[0]!, s[1]!, -1, 0, 0.95, 0.05, 1e-7, 0.001, true) },
  { name: 'rmsprop plain', state: [[0, 1]], call: (k, p, g, s) => k.rmsprop(p, g, s[0]!, null, null, 1, 0.01, 0.99, 0.01, 0, 1e-8, 0, 1, 0.01) },
  // centered: E[g²] ≥ E[g]² must hold for the root to be real, so the mean starts small.
  { name: 'rmsprop centered', state: [[0.5, 1], [-0.1, 0.1]], call: (k, p, g, s) => k.rmsprop(p, g, s[0]!, s[1]!, null, 1, 0, 0.9, 0.1, 1e-7, 0, 0, 1, 0.01) },
  { name: 'rmsprop momentum', state: [[0, 1], [-1, 1]], call: (k, p, g, s) => k.rmsprop(p, g, s[0]!, null, s[1]!, 1, 0, 0.99, 0.01, 0, 1e-8, 0.9, 1, 0.01) },
  { name: 'rmsprop centered momentum lr inside', state: [[0.5, 1], [-0.1, 0.1], [-1, 1]],
    call: (k, p, g, s) => k.rmsprop(p, g, s[0]!, s[1]!, s[2]!, -1, 0, 0.9, 0.1, 1e-7, 0, 0.9, 0.01, 1) },
  { name: 'adam', state: [[-1, 1], [0, 1]], call: (k, p, g, s) => k.adam(p, g, s[0]!, s[1]!, null, 1, 0.01, 1, 0.9, 0.1, 0.999, 0.001, 1 / Math.sqrt(1 - 0.999 ** 3), 1e-8, 0.001 / (1 - 0.9 ** 3)) },
  { name: 'adam amsgrad decoupled', state: [[-1, 1], [0, 1], [0, 1]], call: (k, p, g, s) => k.adam(p, g, s[0]!, s[1]!, s[2]!, -1, 0, 1 - 1e-5, 0.9, 0.1, 0.999, 0.001, 1, 1e-7, 0.01) },
  { name: 'adamax eps in max', state: [[-1, 1], [0, 1]], call: (k, p, g, s) => k.adamax(p, g, s[0]!, s[1]!, 1, 0.01, 0.9, 0.1, 0.999, 1e-8, 0, 0.002 / (1 - 0.9 ** 2)) },
  { name: 'adamax eps in denominator', state: [[-1, 1], [0, 1]], call: (k, p, g, s) => k.adamax(p, g, s[0]!, s[1]!, -1, 0, 0.9, 0.1, 0.999, 0, 1e-7, 0.002) },
  { name: 'nadam', state: [[-1, 1], [0, 1]], call: (k, p, g, s) => k.nadam(p, g, s[0]!, s[1]!, 1, 0.01, 0.9, 0.1, 0.999, 0.001, 1 / Math.sqrt(1 - 0.999 ** 4), 1e-8, 0.0002, 0.0019) },
  { name: 'memory floor', state: [[-1, 1], [0, 1]], call: (k, p, g, s) => k.memoryFloor(p, g, s[0]!, s[1]!) },
];

/** Sparse kernel forms: same rules with gradients given as rows. */
export interface SparseCase {
  name: string;
  state: Array<[lo: number, hi: number]>;
  call(k: KernelSet, p: F32, idx: Int32Array, vals: F32, rowLen: number, s: F32[]): void;
  /** The dense form of the same call, for checking touched rows against the dense kernel. */
  dense(k: KernelSet, p: F32, g: F32, s: F32[]): void;
}

export const sparseCases: SparseCase[] = [
  {
    name: 'sgd momentum', state: [[-1, 1]],
    call: (k, p, i, v, r, s) => k.sgdSparse(p, i, v, r, s[0]!, 1, 0.01, 0.9, 0.9, 1, 0.9, 0.05, true),
    dense: (k, p, g, s) => k.sgd(p, g, s[0]!, 1, 0.01, 0.9, 0.9, 1, 0.9, 0.05, true),
  },
  {
    name: 'adagrad', state: [[0, 2]],
    call: (k, p, i, v, r, s) => k.adagradSparse(p, i, v, r, s[0]!, 1, 0, 0.1, 0, 1e-10),
    dense: (k, p, g, s) => k.adagrad(p, g, s[0]!, 1, 0, 0.1, 0, 1e-10),
  },
  {
    name: 'rmsprop centered momentum', state: [[0.5, 1], [-0.1, 0.1], [-1, 1]],
    call: (k, p, i, v, r, s) => k.rmspropSparse(p, i, v, r, s[0]!, s[1]!, s[2]!, 1, 0, 0.99, 0.01, 0, 1e-8, 0.9, 1, 0.01),
    dense: (k, p, g, s) => k.rmsprop(p, g, s[0]!, s[1]!, s[2]!, 1, 0, 0.99, 0.01, 0, 1e-8, 0.9, 1, 0.01),
  },
  {
    name: 'adam', state: [[-1, 1], [0, 1]],
    call: (k, p, i, v, r, s) => k.adamSparse(p, i, v, r, s[0]!, s[1]!, null, 1, 0, 1, 0.9, 0.1, 0.999, 0.001, 1.2, 1e-8, 0.002),
    dense: (k, p, g, s) => k.adam(p, g, s[0]!, s[1]!, null, 1, 0, 1, 0.9, 0.1, 0.999, 0.001, 1.2, 1e-8, 0.002),
  },
];
