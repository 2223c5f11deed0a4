/**
 * Seeded shuffling with xoshiro128** (Blackman & Vigna): 128 bits of state in a `Uint32Array(4)`,
 * 32-bit integer arithmetic only, so this TypeScript generator and the native one
 * (native/data/xoshiro.h) produce the same numbers bit for bit, and the state can be saved with a
 * checkpoint and restored to continue the same sequence.
 * @packageDocumentation
 */
import { addon } from '../native';

const MASK64 = (1n << 64n) - 1n;

/** One SplitMix64 output; `x` is the running state (returned with the output). */
function splitMix64(x: bigint): [bigint, bigint] {
  const next = (x + 0x9e3779b97f4a7c15n) & MASK64;
  let z = next;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return [z ^ (z >> 31n), next];
}

function checkSeed(seed: unknown): asserts seed is number {
  if (typeof seed !== 'number') throw new TypeError(`seed must be a number, got ${typeof seed}`);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be an integer in [0, 2^53), got ${seed}`);
}

/**
 * The generator state for a seed: two SplitMix64 outputs (the seeding the xoshiro authors
 * recommend), low 32-bit word first. Equal to the native `seedXoshiro128`.
 * @param seed - an integer in [0, 2^53)
 */
export function seedState(seed: number): Uint32Array {
  checkSeed(seed);
  const [a, x] = splitMix64(BigInt(seed));
  const [b] = splitMix64(x);
  const state = Uint32Array.of(Number(a & 0xffffffffn), Number(a >> 32n), Number(b & 0xffffffffn), Number(b >> 32n));
  if ((state[0]! | state[1]! | state[2]! | state[3]!) === 0) state[0] = 1; // unreachable in practice
  return state;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

function checkState(state: unknown): asserts state is Uint32Array {
  if (!(state instanceof Uint32Array)) throw new TypeError('state must be a Uint32Array of 4 words');
  if (state.length !== 4) throw new RangeError(`state must hold 4 words, got ${state.length}`);
  if ((state[0]! | state[1]! | state[2]! | state[3]!) === 0)
    throw new RangeError('state must not be all zeros (xoshiro128** would only ever return 0)');
}

/** The xoshiro128** generator over a caller-visible state. */
export class Xoshiro128 {
  /** The 4-word state; read it to checkpoint, or construct from a saved copy to resume. */
  readonly state: Uint32Array;

  /** From a seed (an integer in [0, 2^53)) or from a saved state (copied). */
  constructor(seedOrState: number | Uint32Array) {
    if (typeof seedOrState === 'number') {
      this.state = seedState(seedOrState);
    } else {
      checkState(seedOrState);
      this.state = seedOrState.slice();
    }
  }

  /** The next 32-bit output, as an unsigned integer. */
  nextUint32(): number {
    const s = this.state;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1]! << 9) >>> 0;
    s[2] = s[2]! ^ s[0]!;
    s[3] = s[3]! ^ s[1]!;
    s[1] = s[1]! ^ s[2]!;
    s[0] = s[0]! ^ s[3]!;
    s[2] = s[2]! ^ t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** A float in [0, 1) from the top 24 bits, exact in float32. */
  nextFloat(): number {
    return (this.nextUint32() >>> 8) / 16777216;
  }

  /**
   * An integer uniform in [0, n) without modulo bias: outputs in the incomplete last block of 2^32
   * (the top 2^32 mod n values) are drawn again, leaving a whole number of copies of [0, n). The
   * native generator uses the same rule.
   * @param n - an integer in [1, 2^32]
   */
  below(n: number): number {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 4294967296)
      throw new RangeError(`n must be an integer in [1, 2^32], got ${String(n)}`);
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }
}

/**
 * Shuffles `indices` in place with Fisher–Yates (i from n−1 down to 1 swaps a[i] and
 * a[below(i + 1)]), advancing `rng.state`. The native and the TS backends give the same order.
 * @param backend - `'native'` (default) runs the C++ loop on the state memory; `'js'` runs this file's twin
 */
export function shuffle(indices: Uint32Array, rng: Xoshiro128, backend: 'native' | 'js' = 'native'): Uint32Array {
  if (!(indices instanceof Uint32Array)) throw new TypeError('indices must be a Uint32Array');
  if (!(rng instanceof Xoshiro128)) throw new TypeError('rng must be a Xoshiro128');
  if (backend === 'native') {
    addon().shuffle(indices, rng.state);
    return indices;
  }
  if (backend !== 'js') throw new RangeError(`backend must be 'native' or 'js', got ${String(backend)}`);
  for (let i = indices.length; i > 1; i--) {
    const j = rng.below(i);
    const tmp = indices[i - 1]!;
    indices[i - 1] = indices[j]!;
    indices[j] = tmp;
  }
  return indices;
}

/** The identity permutation 0..n-1. */
export function range(n: number): Uint32Array {
  if (!Number.isInteger(n) || n < 0 || n >= 2 ** 32) throw new RangeError(`n must be an integer in [0, 2^32), got ${n}`);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/** A seeded random permutation of 0..n-1. */
export function permutation(n: number, rng: Xoshiro128, backend: 'native' | 'js' = 'native'): Uint32Array {
  return shuffle(range(n), rng, backend);
}
