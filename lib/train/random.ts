/**
 * A seeded, reproducible random generator (xoshiro128**, Blackman & Vigna 2018) in uint32
 * arithmetic, and index shuffles built on it. The same seed gives the same stream on every
 * machine; the whole state can be saved and restored, so a resumed run draws what the original
 * run would have drawn.
 * @packageDocumentation
 */
import { checkNumber, describe } from '../optimizers/validate';

/** Anything that yields uniform 32-bit unsigned integers; what the shuffles need. */
export interface UniformSource {
  /** A uniform integer in [0, 2^32). */
  nextUint32(): number;
}

/** The complete state of a {@link SeededRandom}: plain numbers, so it survives JSON. */
export interface RandomState {
  /** The four xoshiro128** state words, each an integer in [0, 2^32), not all zero. */
  readonly words: readonly [number, number, number, number];
  /** The second normal of the last polar pair, not yet returned (null when none is pending). */
  readonly spareNormal: number | null;
}

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/** The murmur3 finaliser: a bijection on uint32 that spreads every input bit over the output. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The low and high 32-bit halves of a non-negative safe integer. */
function halves(v: number): [number, number] {
  return [v >>> 0, Math.floor(v / TWO_POW_32) >>> 0];
}

/**
 * xoshiro128**: a small, fast generator with a period of 2^128 − 1 that passes BigCrush. Its
 * output for a given state matches the authors' reference C code.
 */
export class SeededRandom implements UniformSource {
  // In an Int32Array, not four fields: V8 stores only 31-bit integers untagged in object fields,
  // while a typed array holds the words as raw int32 (measurably faster draws).
  private readonly s = new Int32Array(4);
  // A flag beside a plain number, not `number | null`, keeps the field's representation stable in V8.
  private hasSpare = false;
  private spare = 0;

  /**
   * @param seed - any safe integer ≥ 0 (default 0); equal seeds give equal streams
   * @param stream - selects an independent-looking stream for the same seed (default 0), e.g. an
   *   epoch or worker number, so each can be drawn from without advancing the others
   */
  constructor(seed = 0, stream = 0) {
    checkNumber('SeededRandom', 'seed', seed, { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true });
    checkNumber('SeededRandom', 'stream', stream, { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true });
    const [seedLo, seedHi] = halves(seed);
    const [streamLo, streamHi] = halves(stream);
    // A splitmix-style walk from a hash of (seed, stream). mix32 is a bijection and the four
    // inputs differ, so at most one word can be zero: the all-zero state cannot occur.
    let h = mix32(seedLo ^ mix32(seedHi ^ mix32(streamLo ^ mix32(streamHi ^ 0x6a09e667))));
    const word = () => {
      h = (h + 0x9e3779b9) >>> 0;
      return mix32(h) | 0;
    };
    for (let k = 0; k < 4; k++) this.s[k] = word();
  }

  /** A uniform integer in [0, 2^32). */
  nextUint32(): number {
    const s = this.s;
    const s0 = s[0]!, s1 = s[1]!, s2 = s[2]! ^ s0, s3 = s[3]! ^ s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    s[0] = s0 ^ s3;
    s[1] = s1 ^ s2;
    s[2] = s2 ^ (s1 << 9);
    s[3] = rotl(s3, 11);
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits (two draws). */
  nextFloat(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / TWO_POW_53;
  }

  /**
   * A standard normal deviate (mean 0, variance 1) by Marsaglia's polar method. Values come in
   * pairs; the second is kept (and is part of {@link SeededRandom.state | state()}) for the next call. The uniforms are
   * 32-bit (one draw each), which resolves tails beyond 9 standard deviations.
   */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u: number, v: number, s: number;
    do {
      // (int32) / 2^31 is uniform on [-1, 1).
      u = (this.nextUint32() | 0) / 2147483648;
      v = (this.nextUint32() | 0) / 2147483648;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const scale = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * scale;
    this.hasSpare = true;
    return u * scale;
  }

  /** A copy of the complete state, for checkpoints. */
  state(): RandomState {
    return { words: [this.s[0]! >>> 0, this.s[1]! >>> 0, this.s[2]! >>> 0, this.s[3]! >>> 0], spareNormal: this.hasSpare ? this.spare : null };
  }

  /** Restores a state from {@link SeededRandom.state | state()}; the stream continues exactly from there. */
  setState(state: RandomState): void {
    const where = 'SeededRandom.setState';
    if (state === null || typeof state !== 'object' || !Array.isArray(state.words) || state.words.length !== 4)
      throw new TypeError(`${where}: state must be { words: [4 uint32], spareNormal }, got ${describe(state)}`);
    const w = state.words.map((x, i) => checkNumber(where, `words[${i}]`, x, { min: 0, max: TWO_POW_32 - 1, integer: true }));
    if (w.every((x) => x === 0)) throw new RangeError(`${where}: words are all zero, which xoshiro128** never reaches`);
    const spare = state.spareNormal;
    if (spare !== null) checkNumber(where, 'spareNormal', spare);
    this.s.set(w);
    this.hasSpare = spare !== null;
    this.spare = spare ?? 0;
  }
}

function checkSource(where: string, rng: unknown): UniformSource {
  if (rng === null || typeof rng !== 'object' || typeof (rng as UniformSource).nextUint32 !== 'function')
    throw new TypeError(`${where}: rng must have a nextUint32() method (e.g. a SeededRandom), got ${describe(rng)}`);
  return rng as UniformSource;
}

/**
 * A uniform integer in [0, n) without modulo bias: draws that fall in the incomplete last block of
 * 2^32 are rejected (fewer than half the draws even in the worst case).
 * @param n - an integer in [1, 2^32]
 */
export function uniformInt(rng: UniformSource, n: number): number {
  checkSource('uniformInt', rng);
  checkNumber('uniformInt', 'n', n, { min: 1, max: TWO_POW_32, integer: true });
  return below(rng, n);
}

function below(rng: UniformSource, n: number): number {
  const limit = TWO_POW_32 - (TWO_POW_32 % n);
  let x = rng.nextUint32();
  while (x >= limit) x = rng.nextUint32();
  return x % n;
}

/** Fisher–Yates in place; every permutation equally likely. */
function fisherYates(a: Uint32Array, rng: UniformSource): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = below(rng, i + 1);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}

function arange(where: string, n: number): Uint32Array {
  checkNumber(where, 'n', n, { min: 0, max: TWO_POW_32 - 1, integer: true });
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

/** 0, 1, ..., n−1 as a new Uint32Array (n an integer in [0, 2^32)). */
export function identityIndices(n: number): Uint32Array {
  return arange('identityIndices', n);
}

/**
 * Shuffles an index array in place (Fisher–Yates) and returns it; given a count `n`, shuffles
 * 0..n−1 in a new array. Only indices move, never the data they point to.
 */
export function shuffleIndices(indices: number | Uint32Array, rng: UniformSource): Uint32Array {
  checkSource('shuffleIndices', rng);
  let a: Uint32Array;
  if (typeof indices === 'number') a = arange('shuffleIndices', indices);
  else if (indices instanceof Uint32Array) a = indices;
  else throw new TypeError(`shuffleIndices: indices must be a count or a Uint32Array, got ${describe(indices)}`);
  fisherYates(a, rng);
  return a;
}

/** A uniformly random permutation of 0..n−1, as a new Uint32Array. */
export function permutation(n: number, rng: UniformSource): Uint32Array {
  checkSource('permutation', rng);
  const a = arange('permutation', n);
  fisherYates(a, rng);
  return a;
}
