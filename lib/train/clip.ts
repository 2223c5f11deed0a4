/**
 * Gradient clipping in place, with PyTorch's semantics (`torch.nn.utils.clip_grad_value_`,
 * `clip_grad_norm_`). Norms are accumulated in double precision, so they neither overflow nor
 * lose small contributions on large arrays.
 * @packageDocumentation
 */
import { checkBoolean, checkNumber, describe } from '../optimizers/validate';
import { gradientArrays, optionsRecord, type GradientList } from './check';

/** Added to the norm before dividing, as PyTorch does, so a zero gradient never divides by zero. */
const NORM_EPS = 1e-6;

/**
 * Clamps every element to [−clipValue, clipValue] in place (NaN stays NaN). Returns `grads`.
 * @param clipValue - a finite number ≥ 0 (gradient units)
 */
export function clipGradValue<T extends GradientList>(grads: T, clipValue: number): T {
  const list = gradientArrays('clipGradValue', 'grads', grads);
  const c = checkNumber('clipGradValue', 'clipValue', clipValue, { min: 0 });
  for (const g of list) {
    if (g === null) continue;
    for (let i = 0; i < g.length; i++) {
      const v = g[i]!;
      if (v > c) g[i] = c;
      else if (v < -c) g[i] = -c;
    }
  }
  return grads;
}

function checkNormType(where: string, normType: unknown): number {
  if (typeof normType !== 'number') throw new TypeError(`${where}: normType must be a number, got ${describe(normType)}`);
  if (!(normType > 0)) throw new RangeError(`${where}: normType must be > 0 (2, 1, Infinity...), got ${normType}`);
  return normType;
}

/** The sum of |g|^p (or, for p = ∞, the largest |g|) in double. */
function accumulate(g: Float32Array, p: number, into: number): number {
  let acc = into;
  if (p === 2) for (let i = 0; i < g.length; i++) acc += g[i]! * g[i]!;
  else if (p === 1) for (let i = 0; i < g.length; i++) acc += Math.abs(g[i]!);
  else if (p === Infinity) {
    for (let i = 0; i < g.length; i++) {
      const a = Math.abs(g[i]!);
      // `!(a <= acc)` lets a NaN through, so a NaN gradient gives a NaN norm as in PyTorch.
      if (!(a <= acc)) acc = a;
    }
  } else for (let i = 0; i < g.length; i++) acc += Math.pow(Math.abs(g[i]!), p);
  return acc;
}

function finish(acc: number, p: number): number {
  if (p === Infinity || p === 1) return acc;
  if (p === 2) return Math.sqrt(acc);
  return Math.pow(acc, 1 / p);
}

/**
 * Scales g by maxNorm / (norm + 1e-6) when that is below 1. The factor is rounded to float32 first,
 * as PyTorch holds it, so each element gets exactly one float32 multiplication. A NaN factor (from
 * a NaN or infinite norm) is applied too, as PyTorch applies it.
 */
function scaleIfAbove(list: ReadonlyArray<Float32Array | null>, norm: number, maxNorm: number): void {
  const coef = Math.fround(maxNorm / (norm + NORM_EPS));
  if (coef >= 1) return;
  for (const g of list) {
    if (g === null) continue;
    for (let i = 0; i < g.length; i++) g[i] = g[i]! * coef;
  }
}

export interface ClipGradNormOptions {
  /** Throw a RangeError when the total norm is NaN or ±Infinity, before changing anything. Default false. */
  errorIfNonfinite?: boolean;
}

function errorIfNonfinite(where: string, options: ClipGradNormOptions | undefined): boolean {
  const o = optionsRecord<ClipGradNormOptions>(where, options, ['errorIfNonfinite']);
  return checkBoolean(where, 'errorIfNonfinite', o.errorIfNonfinite ?? false);
}

function throwNonfinite(where: string, norm: number, index?: number): never {
  const which = index === undefined ? 'the total gradient norm' : `the norm of grads[${index}]`;
  throw new RangeError(`${where}: ${which} is ${norm}; the gradients hold NaN or Infinity (nothing was changed)`);
}

/**
 * Clips the global norm of all gradients together to `maxNorm`, in place, like PyTorch's
 * `clip_grad_norm_`: `total = ‖(‖g₁‖_p, ‖g₂‖_p, …)‖_p` and, when `maxNorm / (total + 1e-6) < 1`,
 * every gradient is multiplied by that factor. `null` entries are ignored.
 * @param maxNorm - a finite number ≥ 0
 * @param normType - p > 0; default 2; `Infinity` for the largest absolute element
 * @returns the total norm before clipping, in double precision
 */
export function clipGradNorm(grads: GradientList, maxNorm: number, normType = 2, options?: ClipGradNormOptions): number {
  const where = 'clipGradNorm';
  const list = gradientArrays(where, 'grads', grads);
  checkNumber(where, 'maxNorm', maxNorm, { min: 0 });
  const p = checkNormType(where, normType);
  const strict = errorIfNonfinite(where, options);
  let acc = 0;
  for (const g of list) if (g !== null) acc = accumulate(g, p, acc);
  const total = finish(acc, p);
  if (strict && !Number.isFinite(total)) throwNonfinite(where, total);
  scaleIfAbove(list, total, maxNorm);
  return total;
}

/**
 * Clips each gradient's own norm to `maxNorm`, in place: {@link clipGradNorm} applied to every
 * array on its own (Keras's per-variable `clipnorm` does the same without the 1e-6).
 * @returns each gradient's norm before clipping (0 for a `null` entry)
 */
export function clipGradNormEach(grads: GradientList, maxNorm: number, normType = 2, options?: ClipGradNormOptions): Float64Array {
  const where = 'clipGradNormEach';
  const list = gradientArrays(where, 'grads', grads);
  checkNumber(where, 'maxNorm', maxNorm, { min: 0 });
  const p = checkNormType(where, normType);
  const strict = errorIfNonfinite(where, options);
  const norms = new Float64Array(list.length);
  list.forEach((g, i) => {
    if (g !== null) norms[i] = finish(accumulate(g, p, 0), p);
  });
  if (strict) norms.forEach((norm, i) => Number.isFinite(norm) || throwNonfinite(where, norm, i));
  list.forEach((g, i) => scaleIfAbove([g], norms[i]!, maxNorm));
  return norms;
}
