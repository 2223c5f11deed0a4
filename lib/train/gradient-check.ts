/**
 * Gradient checking (seed paper §2.1, footnote 6): compare a hand-written gradient with central
 * differences of the loss, coordinate by coordinate.
 * @packageDocumentation
 */
import { checkFloat32Array, checkNumber, describe } from '../optimizers/validate';
import { optionsRecord } from './check';
import { SeededRandom, uniformInt } from './random';

export interface GradientCheckOptions {
  /**
   * Step, relative to max(1, |p_i|): coordinate i moves by `eps·max(1, |p_i|)` each way. Default
   * 1e-3, large enough that float32 rounding of the moved coordinate (relative 6e-8) stays small.
   */
  eps?: number;
  /** The coordinates to check. Default: all of them when there are at most `maxCoords`, else a seeded sample. */
  indices?: ArrayLike<number>;
  /** How many coordinates a default sample checks (integer ≥ 1). Default 200. */
  maxCoords?: number;
  /** Seed of the default sample. Default 0. */
  seed?: number;
  /** Smallest denominator of the relative error, so two near-zero gradients do not count as far apart. Default 1e-8. */
  floor?: number;
}

export interface GradientCheckResult {
  /** The largest relative error over the checked coordinates (0 when none were checked). */
  maxRelError: number;
  /** The coordinate of that error (−1 when none were checked). */
  worstIndex: number;
  /** The coordinates checked, ascending unless given. */
  indices: Uint32Array;
  /** Central-difference derivative at each checked coordinate. */
  numeric: Float64Array;
  /** The analytic gradient at each checked coordinate. */
  analytic: Float64Array;
  /** `|analytic − numeric| / max(|analytic|, |numeric|, floor)` at each checked coordinate. */
  relErrors: Float64Array;
}

/** k distinct coordinates of [0, n), ascending (Floyd's sampling: k draws, no n-sized array). */
function sampleCoords(n: number, k: number, seed: number): Uint32Array {
  const rng = new SeededRandom(seed);
  const chosen = new Set<number>();
  for (let j = n - k; j < n; j++) {
    const t = uniformInt(rng, j + 1);
    chosen.add(chosen.has(t) ? j : t);
  }
  return Uint32Array.from(chosen).sort();
}

function pickCoords(n: number, o: GradientCheckOptions): Uint32Array {
  const where = 'gradientCheck';
  if (o.indices !== undefined) {
    const given = o.indices;
    if (given === null || typeof given !== 'object' || typeof given.length !== 'number')
      throw new TypeError(`${where}: indices must be an array of coordinates, got ${describe(given)}`);
    const out = new Uint32Array(given.length);
    for (let k = 0; k < given.length; k++)
      out[k] = checkNumber(where, `indices[${k}]`, given[k], { min: 0, max: n - 1, integer: true });
    return out;
  }
  const maxCoords = checkNumber(where, 'maxCoords', o.maxCoords ?? 200, { min: 1, integer: true });
  const seed = checkNumber(where, 'seed', o.seed ?? 0, { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true });
  if (n <= maxCoords) return Uint32Array.from({ length: n }, (_, i) => i);
  return sampleCoords(n, maxCoords, seed);
}

/**
 * Compares `grad(p)` with central differences `(f(p + h·e_i) − f(p − h·e_i)) / (x₊ − x₋)` in double
 * precision, where x₊ and x₋ are the moved coordinate's float32 values (dividing by them, not by
 * 2h, removes the error of rounding the step). `f` and `grad` get a float32 copy of `p`; `p` itself
 * is never changed. As a guide for float32 losses: relative errors near 1e-3 or below are
 * rounding; 1e-2 and above mean a wrong gradient (or a kink of f, e.g. ReLU or hinge, at that point).
 * A loss summed in float32 has rounding noise of about 6e-8·|f|, which shows up as a numeric error
 * of about that divided by the step: raise `floor` when gradients near zero look wrong.
 */
export function gradientCheck(
  f: (p: Float32Array) => number,
  grad: (p: Float32Array) => Float32Array,
  p: Float32Array,
  options: GradientCheckOptions = {},
): GradientCheckResult {
  const where = 'gradientCheck';
  if (typeof f !== 'function') throw new TypeError(`${where}: f must be a function (p) => number, got ${describe(f)}`);
  if (typeof grad !== 'function') throw new TypeError(`${where}: grad must be a function (p) => Float32Array, got ${describe(grad)}`);
  checkFloat32Array(where, 'p', p);
  const o = optionsRecord<GradientCheckOptions>(where, options, ['eps', 'indices', 'maxCoords', 'seed', 'floor']);
  const eps = checkNumber(where, 'eps', o.eps ?? 1e-3, { min: 0, minExclusive: true });
  const floor = checkNumber(where, 'floor', o.floor ?? 1e-8, { min: 0, minExclusive: true });
  const coords = pickCoords(p.length, o);

  const work = p.slice();
  // Copied: grad may hand back a buffer that f later reuses.
  const g = checkFloat32Array(where, 'grad(p)', grad(work), p.length).slice();
  work.set(p);
  const loss = (i: number, x: number): number => {
    work[i] = x;
    const value = f(work);
    work[i] = p[i]!;
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new RangeError(`${where}: f returned ${String(value)} with coordinate ${i} moved to ${x}; it must be a finite number`);
    return value;
  };

  const m = coords.length;
  const numeric = new Float64Array(m), analytic = new Float64Array(m), relErrors = new Float64Array(m);
  let maxRelError = 0, worstIndex = -1;
  for (let k = 0; k < m; k++) {
    const i = coords[k]!, x = p[i]!;
    const h = eps * Math.max(1, Math.abs(x));
    const up = Math.fround(x + h), down = Math.fround(x - h);
    if (up === down) throw new RangeError(`${where}: eps ${eps} is below float32 resolution at coordinate ${i} (value ${x})`);
    const n = (loss(i, up) - loss(i, down)) / (up - down);
    const a = g[i]!;
    const e = Math.abs(a - n) / Math.max(Math.abs(a), Math.abs(n), floor);
    numeric[k] = n;
    analytic[k] = a;
    relErrors[k] = e;
    // A NaN analytic gradient is as wrong as it gets.
    const rank = Number.isNaN(e) ? Infinity : e;
    if (worstIndex < 0 || rank > maxRelError) {
      maxRelError = rank;
      worstIndex = i;
    }
  }
  return { maxRelError, worstIndex, indices: coords, numeric, analytic, relErrors };
}
