/**
 * The shared memory of one in-process server shard and the operations on it that every thread may
 * run: a mutex (Atomics on an Int32Array), the version counter, the push-id window that makes
 * pushes idempotent, and staleness counters. Everything lives in SharedArrayBuffers so a shard
 * travels to worker threads inside a structured clone and is shared, not copied.
 * @internal
 * @packageDocumentation
 */
import type { ShardState } from '../server-rule';

/** Slots of {@link SharedShard.header}. */
export const Slot = {
  /** 0 free, 1 held, 2 held with waiters (Drepper's futex mutex). */
  Lock: 0,
  /** Pushes applied so far. */
  Version: 1,
  /** Pushes dropped because their id was already applied. */
  Duplicates: 2,
  /** Next slot of the id ring to overwrite. */
  RingNext: 3,
  /** Filled slots of the id ring (≤ window). */
  RingFilled: 4,
  /** Largest staleness (version at apply − readVersion) seen. */
  MaxStaleness: 5,
  /** Owner mode: pushes accepted into the queue. */
  Accepted: 6,
  Count: 8,
} as const;

/** One shard's shared memory. */
export interface SharedShard extends ShardState {
  /** Lock, version, duplicate count, id-ring cursor, max staleness, accepted pushes (see `Slot` in shared-shard.ts). */
  readonly header: Int32Array;
  /** [Σ staleness over applied pushes]. */
  readonly sums: Float64Array;
  /** The last `window` applied push ids as 64-bit hashes (two int32 each). */
  readonly ids: Int32Array;
}

function sab(bytes: number): SharedArrayBuffer {
  return new SharedArrayBuffer(Math.max(bytes, 8));
}

/** Allocates a shard of `length` coordinates with the given state names and an id window of `window` pushes. */
export function allocateShard(length: number, stateNames: readonly string[], window: number): SharedShard {
  const state: Record<string, Float32Array> = {};
  for (const name of stateNames) state[name] = new Float32Array(sab(length * 4), 0, length);
  return {
    params: new Float32Array(sab(length * 4), 0, length),
    state,
    header: new Int32Array(sab(Slot.Count * 4)),
    sums: new Float64Array(sab(8)),
    ids: new Int32Array(sab(window * 8), 0, window * 2),
  };
}

/** Takes the shard's mutex, blocking the thread (Atomics.wait) while another holds it. */
export function lockShard(h: Int32Array): void {
  let c = Atomics.compareExchange(h, Slot.Lock, 0, 1);
  if (c === 0) return;
  do {
    if (c === 2 || Atomics.compareExchange(h, Slot.Lock, 1, 2) !== 0) Atomics.wait(h, Slot.Lock, 2);
  } while ((c = Atomics.compareExchange(h, Slot.Lock, 0, 2)) !== 0);
}

/** Releases the mutex and wakes one waiter if there is one. */
export function unlockShard(h: Int32Array): void {
  if (Atomics.sub(h, Slot.Lock, 1) !== 1) {
    Atomics.store(h, Slot.Lock, 0);
    Atomics.notify(h, Slot.Lock, 1);
  }
}

/**
 * A 64-bit hash of a push id as two int32 (FNV-1a over UTF-16 code units with two bases). Two
 * distinct ids collide with probability ~2⁻⁶⁴ per pair; within one window of a few thousand ids
 * that is never in practice.
 */
export function hashId(id: string): [number, number] {
  let a = 0x811c9dc5 | 0, b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return [a | 0, b | 0];
}

/** Whether the id ring holds this hash (call under the lock). */
export function seenId(s: SharedShard, hash: readonly [number, number]): boolean {
  const filled = s.header[Slot.RingFilled]!;
  const ids = s.ids;
  for (let k = 0; k < filled; k++) if (ids[2 * k] === hash[0] && ids[2 * k + 1] === hash[1]) return true;
  return false;
}

/** Records an applied id, overwriting the oldest once the ring is full (call under the lock). */
export function rememberId(s: SharedShard, hash: readonly [number, number]): void {
  const window = s.ids.length / 2;
  if (window === 0) return;
  const h = s.header;
  const k = h[Slot.RingNext]!;
  s.ids[2 * k] = hash[0];
  s.ids[2 * k + 1] = hash[1];
  h[Slot.RingNext] = (k + 1) % window;
  if (h[Slot.RingFilled]! < window) h[Slot.RingFilled] = h[Slot.RingFilled]! + 1;
}
