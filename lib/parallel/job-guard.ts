/**
 * Memory safety of the asynchronous jobs (fit's native epochs, hogwild(), hogwildWorkers()): a
 * native worker thread reads and writes the caller's typed arrays while the event loop runs on, so
 * nothing the caller does in the meantime may take that memory away or race on it.
 *
 * **Pinning.** Every non-shared `ArrayBuffer` a job touches is marked with
 * `worker_threads.markAsUntransferable()` when the job starts. Transferring it afterwards
 * (`postMessage(x, [buf])`, `structuredClone(x, { transfer: [buf] })`) then no longer detaches it:
 * Node 18–20 silently copy the bytes instead, Node ≥ 21 throw a `DataCloneError`. Without the mark a
 * transfer moves the memory to its new owner and frees it when that owner is collected, while the
 * native thread still writes to it (a use-after-free; a segfault in practice). The mark is
 * permanent: Node has no way to undo it, so such a buffer can never be transferred again (it can
 * still be copied, and it is collected as usual). SharedArrayBuffers cannot be detached and are not
 * marked. Views of a resizable `ArrayBuffer` are refused with a TypeError, since shrinking one
 * releases memory a job may be using.
 *
 * **One writer.** Two jobs that would write the same memory are refused: the second throws an
 * {@link ArraysInUseError} (a RangeError with code `'ERR_DESCENT_ARRAYS_IN_USE'`) naming both
 * arrays and the running job, and changes nothing. Jobs may share arrays they only read (the same
 * training set for several models). Claims are released when the job settles: resolved, rejected,
 * aborted or failed. The registry sees the jobs of this thread only; jobs started from other worker
 * threads on the same SharedArrayBuffer are not detected (they race, as Hogwild! does on purpose,
 * but cannot free the memory).
 * @packageDocumentation
 */
import { markAsUntransferable } from 'node:worker_threads';

/** The code of {@link ArraysInUseError}. */
export const ARRAYS_IN_USE = 'ERR_DESCENT_ARRAYS_IN_USE';

/** Thrown when a job is started on arrays that a running job writes, or would write arrays a running job uses. */
export class ArraysInUseError extends RangeError {
  /** Always `'ERR_DESCENT_ARRAYS_IN_USE'`: stable, for programs to branch on. */
  readonly code = ARRAYS_IN_USE;
  /** The refused job's argument, e.g. `'params'`. */
  readonly argument: string;
  /** The running job (e.g. `'fit'`) and its argument that holds the memory. */
  readonly heldBy: { job: string; argument: string };

  constructor(job: string, argument: string, heldBy: { job: string; argument: string }) {
    super(`${job}: ${argument} shares memory with ${heldBy.argument} of a running ${heldBy.job}(); ` +
      `wait for that job to settle, or pass a copy [${ARRAYS_IN_USE}]`);
    this.name = 'ArraysInUseError';
    this.argument = argument;
    this.heldBy = heldBy;
  }
}

/**
 * Arrays by argument name. Values may be typed arrays, `null`/`undefined` (skipped) or plain
 * objects holding more of them (`{ X: { indptr, indices, values } }` names `X.indptr`, ...).
 */
export type ArrayTree = { readonly [name: string]: unknown };

/** What one job touches. */
export interface JobArrays {
  /** Arrays the job writes: no other running job may use their memory. */
  writes?: ArrayTree;
  /** Arrays it only reads: other jobs may read them too, but none may write them. */
  reads?: ArrayTree;
}

interface Held {
  guard: JobGuard;
  argument: string;
  begin: number;
  end: number;
  write: boolean;
}

/** Claimed byte ranges per buffer (this thread's running jobs). */
const registry = new Map<ArrayBufferLike, Held[]>();

interface Entry {
  argument: string;
  view: ArrayBufferView;
  write: boolean;
}

function collect(tree: ArrayTree | undefined, write: boolean, prefix: string, out: Entry[], depth = 0): void {
  if (!tree || depth > 4) return;
  for (const [key, value] of Object.entries(tree)) {
    const argument = prefix ? `${prefix}.${key}` : key;
    if (ArrayBuffer.isView(value)) out.push({ argument, view: value, write });
    else if (typeof value === 'object' && value !== null && !Array.isArray(value))
      collect(value as ArrayTree, write, argument, out, depth + 1);
  }
}

function isResizable(buffer: ArrayBufferLike): boolean {
  return (buffer as { resizable?: boolean }).resizable === true;
}

/** Whether the buffer lost its memory (a transfer); `detached` exists from Node 22, byteLength 0 is the sign before. */
function isDetached(buffer: ArrayBufferLike, byteLength: number): boolean {
  return (buffer as { detached?: boolean }).detached === true || (byteLength > 0 && buffer.byteLength === 0);
}

/**
 * The arrays one job holds, claimed in one or more steps and released together. A job creates one,
 * claims what it touches before its first native call and releases it when it settles
 * ({@link guardedJob} does the releasing).
 */
export class JobGuard {
  private readonly held: Array<{ buffer: ArrayBufferLike; entry: Held; byteLength: number }> = [];
  private released = false;

  /** @param job The public function's name, used in messages (`'fit'`, `'hogwild'`). */
  constructor(readonly job: string) {}

  /**
   * Pins and registers `arrays` for this job. Throws {@link ArraysInUseError} on a conflict with
   * another running job, or TypeError for a view of a resizable ArrayBuffer; a throw pins and
   * registers nothing.
   */
  claim(arrays: JobArrays): void {
    if (this.released) throw new Error(`${this.job}: internal error: claim after release`);
    const entries: Entry[] = [];
    collect(arrays.writes, true, '', entries);
    collect(arrays.reads, false, '', entries);
    for (const { argument, view, write } of entries) {
      if (isResizable(view.buffer))
        throw new TypeError(`${this.job}: ${argument} is a view of a resizable ArrayBuffer, which could shrink under the running job; pass a fixed-length array`);
      if (view.byteLength === 0) continue;
      const begin = view.byteOffset, end = begin + view.byteLength;
      for (const other of registry.get(view.buffer) ?? []) {
        if (other.guard === this || !(write || other.write) || other.end <= begin || end <= other.begin) continue;
        throw new ArraysInUseError(this.job, argument, { job: other.guard.job, argument: other.argument });
      }
    }
    for (const { argument, view, write } of entries) {
      if (view.byteLength === 0) continue;
      const buffer = view.buffer;
      if (!(buffer instanceof SharedArrayBuffer)) markAsUntransferable(buffer);
      const entry: Held = { guard: this, argument, begin: view.byteOffset, end: view.byteOffset + view.byteLength, write };
      const list = registry.get(buffer);
      if (list) list.push(entry);
      else registry.set(buffer, [entry]);
      this.held.push({ buffer, entry, byteLength: buffer.byteLength });
    }
  }

  /**
   * The first claimed argument whose buffer was detached after it was claimed (possible only where
   * the runtime lets `ArrayBuffer.prototype.transfer()` detach a marked buffer), or null.
   */
  detachedArgument(): string | null {
    for (const h of this.held) if (isDetached(h.buffer, h.byteLength)) return h.entry.argument;
    return null;
  }

  /** Unregisters every claim of this job (the pins stay: they cannot be undone). Idempotent. */
  release(): void {
    if (this.released) return;
    this.released = true;
    for (const { buffer, entry } of this.held) {
      const list = registry.get(buffer);
      if (!list) continue;
      const at = list.indexOf(entry);
      if (at >= 0) list.splice(at, 1);
      if (list.length === 0) registry.delete(buffer);
    }
    this.held.length = 0;
  }
}

/** The code of the error a job rejects with when memory it used was detached under it. */
export const ARRAY_DETACHED = 'ERR_DESCENT_ARRAY_DETACHED';

/**
 * Runs `body` with a fresh {@link JobGuard} and releases the guard when the job settles, however it
 * settles. If a claimed buffer was detached meanwhile (see {@link JobGuard.detachedArgument}), the
 * job rejects with an Error of code `'ERR_DESCENT_ARRAY_DETACHED'` instead of resolving.
 */
export async function guardedJob<T>(job: string, body: (guard: JobGuard) => Promise<T>): Promise<T> {
  const guard = new JobGuard(job);
  try {
    const result = await body(guard);
    const lost = guard.detachedArgument();
    if (lost !== null)
      throw Object.assign(new Error(`${job}: the buffer of ${lost} was detached while the job ran; its result is void [${ARRAY_DETACHED}]`), { code: ARRAY_DETACHED });
    return result;
  } finally {
    guard.release();
  }
}

/** @internal For tests: claimed ranges on this thread, by buffer. */
export function heldArrayCount(): number {
  let n = 0;
  for (const list of registry.values()) n += list.length;
  return n;
}
