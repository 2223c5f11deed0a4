/**
 * The deterministic problem of test/fixtures/make_torch_fixtures.py, reproduced bit for bit: the same
 * integer hash, the same doubles rounded to float32 the same way, the same float32 operations in the
 * same order (Math.fround after each, as torch rounds each tensor op). Change both files together.
 */

/** Lengths of the two tensors: one shorter than any SIMD vector, one spanning a vector and a tail. */
export const LENGTHS = [5, 19] as const;

const STREAM_H = 1, STREAM_C = 2, STREAM_P0 = 3, STREAM_NOISE = 4;

/** A 32-bit integer mixer (xor-shift / multiply rounds); the script's hash32. */
export function hash32(x: number): number {
  x >>>= 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  x ^= x >>> 16;
  return x >>> 0;
}

/** An integer in [0, 2^24) for (stream, step t, flat element index i). */
function draw24(stream: number, t: number, i: number): number {
  return hash32(((stream << 24) | (t << 8) | i) >>> 0) >>> 8;
}

function uniform(stream: number, i: number): number {
  return draw24(stream, 0, i) / 16777216;
}

/** Noise of element i (flat index over both tensors) at step t: an exact float32 in [-1/8, 1/8). */
export function noiseValue(t: number, i: number): number {
  return (draw24(STREAM_NOISE, t, i) - 8388608) * 2 ** -26;
}

/**
 * Gradient scale of flat element i: 2^-20 or 2^-27 on every third element, so that there the
 * gradient is as small as the optimizers' eps and the trajectories depend on eps; 1 elsewhere.
 */
function scaleValue(i: number): number {
  return i % 6 === 2 ? 2 ** -20 : i % 6 === 5 ? 2 ** -27 : 1;
}

/** Curvatures h, targets c, starting point p0 and gradient scales s, split into the two tensors. */
export interface Problem {
  h: Float32Array[];
  c: Float32Array[];
  p0: Float32Array[];
  s: Float32Array[];
}

function split(flat: number[]): Float32Array[] {
  const out: Float32Array[] = [];
  let start = 0;
  for (const n of LENGTHS) {
    out.push(Float32Array.from(flat.slice(start, start + n)));
    start += n;
  }
  return out;
}

export function makeProblem(): Problem {
  const n = LENGTHS[0] + LENGTHS[1];
  const f = Math.fround;
  const h: number[] = [], c: number[] = [], p0: number[] = [], s: number[] = [];
  for (let i = 0; i < n; i++) {
    h.push(f(0.5 + 1.5 * uniform(STREAM_H, i)));
    c.push(f(1 + 2 * uniform(STREAM_C, i)));
    s.push(scaleValue(i));
    p0.push(f(c[i]! + (s[i] === 1 ? 0.5 : 3) + uniform(STREAM_P0, i)));
  }
  return { h: split(h), c: split(c), p0: split(p0), s: split(s) };
}

/**
 * Writes the gradient at step t into `out`: g = (h * (p - c) + noise(t)) * s, one float32 rounding
 * per operation, or -g when `negate` (maximize configs ascend the negated objective).
 */
export function writeGradients(problem: Problem, params: readonly Float32Array[], t: number, negate: boolean,
  out: readonly Float32Array[]): void {
  const f = Math.fround;
  let flat = 0;
  for (let k = 0; k < params.length; k++) {
    const p = params[k]!, h = problem.h[k]!, c = problem.c[k]!, s = problem.s[k]!, g = out[k]!;
    for (let i = 0; i < p.length; i++, flat++) {
      const value = f(f(f(h[i]! * f(p[i]! - c[i]!)) + noiseValue(t, flat)) * s[i]!);
      g[i] = negate ? -value : value;
    }
  }
}
