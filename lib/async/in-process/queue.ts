/**
 * Owner mode's push queue: a bounded multi-producer, single-consumer ring in SharedArrayBuffers
 * (Vyukov's sequence-numbered slots, waiting with Atomics.wait). A pushing worker copies its push
 * into a slot and returns ("accepted": the shard's owner thread applies it even if the worker dies
 * now); the owner takes slots in ticket order.
 * @internal
 * @packageDocumentation
 */
import type { Push } from '../transport';
import { hashId } from './shared-shard';

/** Control slots of {@link PushQueue.ctrl}. */
export const QueueSlot = { Tail: 0, Head: 1, Closed: 2, Count: 4 } as const;

/** One shard's queue. Slot k holds seq[k], meta[4k..4k+3] = (readVersion, worker, hash0, hash1), values, gradSums. */
export interface PushQueue {
  readonly ctrl: Int32Array;
  readonly seq: Int32Array;
  readonly meta: Int32Array;
  readonly values: Float32Array;
  /** Empty unless the rule needs ḡ at read. */
  readonly gradSums: Float32Array;
  readonly capacity: number;
  readonly length: number;
}

/** A queue of `capacity` pushes of `length` values (and as many ḡ values when `withGradSums`). */
export function allocateQueue(capacity: number, length: number, withGradSums: boolean): PushQueue {
  const seq = new Int32Array(new SharedArrayBuffer(capacity * 4));
  for (let k = 0; k < capacity; k++) seq[k] = k;
  return {
    ctrl: new Int32Array(new SharedArrayBuffer(QueueSlot.Count * 4)),
    seq,
    meta: new Int32Array(new SharedArrayBuffer(capacity * 16)),
    values: new Float32Array(new SharedArrayBuffer(capacity * length * 4)),
    gradSums: new Float32Array(new SharedArrayBuffer(Math.max(1, withGradSums ? capacity * length * 4 : 4)), 0, withGradSums ? capacity * length : 0),
    capacity,
    length,
  };
}

/** Copies a push into the next slot, blocking while the queue is full. */
export function enqueue(q: PushQueue, push: Push): void {
  const ticket = Atomics.add(q.ctrl, QueueSlot.Tail, 1);
  const k = ticket % q.capacity;
  for (let s = Atomics.load(q.seq, k); s !== ticket; s = Atomics.load(q.seq, k)) Atomics.wait(q.seq, k, s, 1000);
  const [h0, h1] = hashId(push.id);
  q.meta[4 * k] = push.readVersion;
  q.meta[4 * k + 1] = push.worker;
  q.meta[4 * k + 2] = h0;
  q.meta[4 * k + 3] = h1;
  q.values.set(push.values, k * q.length);
  if (q.gradSums.length && push.gradSumAtRead) q.gradSums.set(push.gradSumAtRead, k * q.length);
  Atomics.store(q.seq, k, ticket + 1);
  Atomics.notify(q.seq, k, 1);
}

/** A push taken from the queue: views into the slot, valid until {@link release}. */
export interface QueuedPush {
  readonly ticket: number;
  readonly readVersion: number;
  readonly worker: number;
  readonly hash: [number, number];
  readonly values: Float32Array;
  readonly gradSumAtRead: Float32Array | undefined;
}

/**
 * The next push in ticket order, waiting up to `timeoutMs`; null on timeout. Single consumer only.
 */
export function peek(q: PushQueue, timeoutMs: number): QueuedPush | null {
  const ticket = Atomics.load(q.ctrl, QueueSlot.Head);
  const k = ticket % q.capacity;
  let s = Atomics.load(q.seq, k);
  if (s !== ticket + 1) {
    Atomics.wait(q.seq, k, s, timeoutMs);
    s = Atomics.load(q.seq, k);
    if (s !== ticket + 1) return null;
  }
  const at = k * q.length;
  return {
    ticket,
    readVersion: q.meta[4 * k]!,
    worker: q.meta[4 * k + 1]!,
    hash: [q.meta[4 * k + 2]!, q.meta[4 * k + 3]!],
    values: q.values.subarray(at, at + q.length),
    gradSumAtRead: q.gradSums.length ? q.gradSums.subarray(at, at + q.length) : undefined,
  };
}

/** Frees the slot of the push {@link peek} returned and advances the head. */
export function release(q: PushQueue, item: QueuedPush): void {
  const k = item.ticket % q.capacity;
  Atomics.store(q.seq, k, item.ticket + q.capacity);
  Atomics.notify(q.seq, k);
  Atomics.store(q.ctrl, QueueSlot.Head, item.ticket + 1);
  Atomics.notify(q.ctrl, QueueSlot.Head);
}

/** Pushes accepted but not yet applied. */
export function pending(q: PushQueue): number {
  return Atomics.load(q.ctrl, QueueSlot.Tail) - Atomics.load(q.ctrl, QueueSlot.Head);
}
