/**
 * Training checkpoints on disk: the optimizer's state dict, the parameters, a schedule's state,
 * the random generator's state and free-form metadata in one file, written atomically (a crash at
 * any moment leaves the previous checkpoint or the new one, never a torn file) and verified when
 * read (magic, format version, SHA-256 of the payload). Float arrays are stored as their raw
 * little-endian bytes, so a round trip is bit-exact. The format is described in
 * lib/checkpoint/format.ts.
 *
 * ```ts
 * await saveCheckpoint('run/ckpt.bin', { optimizer: opt.stateDict(), params: arena.params(), schedule: sched.stateDict(), meta: { epoch } });
 * const ckpt = await loadCheckpoint('run/ckpt.bin');   // throws CheckpointError (code ECHECKSUM...) if damaged
 * opt.loadStateDict(ckpt.optimizer!);
 * ```
 * @packageDocumentation
 */
import * as fs from 'node:fs';
import { writeFileAtomic, writeFileAtomicSync } from './checkpoint/atomic-write';
import { CheckpointError } from './checkpoint/errors';
import { decodeImage, encodeImage } from './checkpoint/format';
import type { OptimizerStateDict } from './optimizers/types';
import { describe } from './optimizers/validate';

export { CheckpointError } from './checkpoint/errors';
export type { CheckpointErrorCode } from './checkpoint/errors';

/** Parameters as a list (e.g. `opt.params`, `arena.params()`) or by name. */
export type CheckpointParams = Float32Array[] | Record<string, Float32Array>;

/** What a checkpoint holds; every field is optional. */
export interface Checkpoint {
  /** An optimizer's `stateDict()`. */
  optimizer?: OptimizerStateDict;
  /** The parameters (copied into the file; loaded as fresh Float32Arrays). */
  params?: CheckpointParams;
  /** A schedule's `stateDict()`. */
  schedule?: object;
  /** A random generator's state, e.g. `SeededRandom.state()` or an `Xoshiro128` state array. */
  rngState?: object;
  /** Anything else worth keeping: plain objects, arrays, numbers (NaN and ±Infinity too), strings, booleans, null, typed arrays. */
  meta?: object;
}

const FIELDS = ['optimizer', 'params', 'schedule', 'rngState', 'meta'] as const;

/** Throws TypeError naming the field unless `data` has the shape of a {@link Checkpoint}. */
function checkData(where: string, data: unknown): asserts data is Checkpoint {
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new TypeError(`${where}: data must be an object { optimizer?, params?, schedule?, rngState?, meta? }, got ${describe(data)}`);
  for (const key of Object.keys(data))
    if (!(FIELDS as readonly string[]).includes(key))
      throw new TypeError(`${where}: unknown field '${key}'; a checkpoint holds ${FIELDS.join(', ')}`);
  const d = data as Record<string, unknown>;
  const isObject = (v: unknown): boolean => v !== null && typeof v === 'object' && !ArrayBuffer.isView(v);
  if (d.optimizer !== undefined && (!isObject(d.optimizer) || (d.optimizer as { format?: unknown }).format !== 'descent.optimizer'))
    throw new TypeError(`${where}: optimizer must be an optimizer's stateDict(), got ${describe(d.optimizer)}`);
  if (d.params !== undefined) {
    const list = Array.isArray(d.params) ? d.params : isObject(d.params) ? Object.values(d.params as object) : null;
    if (!list) throw new TypeError(`${where}: params must be an array of Float32Arrays or an object of them by name, got ${describe(d.params)}`);
    list.forEach((p, i) => {
      if (!(p instanceof Float32Array)) throw new TypeError(`${where}: params entry ${i} must be a Float32Array, got ${describe(p)}`);
    });
  }
  for (const key of ['schedule', 'rngState', 'meta'] as const)
    if (d[key] !== undefined && !isObject(d[key]) && !(key === 'rngState' && ArrayBuffer.isView(d[key])))
      throw new TypeError(`${where}: ${key} must be an object, got ${describe(d[key])}`);
}

function checkPath(where: string, path: unknown): asserts path is string {
  if (typeof path !== 'string' || path.length === 0) throw new TypeError(`${where}: path must be a non-empty string, got ${describe(path)}`);
}

/** The fields of a decoded tree, checked to be a checkpoint's (EFORMAT otherwise). */
function toCheckpoint(tree: unknown, where: string): Checkpoint {
  try {
    checkData('loadCheckpoint', tree);
  } catch (err) {
    throw new CheckpointError('EFORMAT', where, `the contents are not a checkpoint (${(err as Error).message})`);
  }
  return tree;
}

/**
 * Encodes a checkpoint into the bytes a file would hold (for storage other than a local file).
 * Throws TypeError for data a checkpoint cannot hold.
 */
export function encodeCheckpoint(data: Checkpoint): Uint8Array {
  checkData('encodeCheckpoint', data);
  return Buffer.concat(encodeImage(data));
}

/** Decodes bytes from {@link encodeCheckpoint}; throws {@link CheckpointError} like {@link loadCheckpoint}. */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`decodeCheckpoint: bytes must be a Uint8Array, got ${describe(bytes)}`);
  return toCheckpoint(decodeImage(bytes, '<bytes>'), '<bytes>');
}

/**
 * Writes a checkpoint atomically: a temporary file in the same directory, fsync, rename over `path`,
 * fsync of the directory. A crash at any point leaves the old file or the new one. The data is
 * copied when the call starts, so training may go on changing the arrays while the write is in
 * flight. Throws TypeError for data a checkpoint cannot hold; file-system errors pass through (the
 * temporary file is removed).
 */
export async function saveCheckpoint(path: string, data: Checkpoint): Promise<void> {
  checkPath('saveCheckpoint', path);
  checkData('saveCheckpoint', data);
  // The pieces are views of the caller's arrays; the checksum covers their bytes as of now.
  const image = Buffer.concat(encodeImage(data));
  await writeFileAtomic(path, { pieces: [image] });
}

/** {@link saveCheckpoint} on the calling thread. */
export function saveCheckpointSync(path: string, data: Checkpoint): void {
  checkPath('saveCheckpointSync', path);
  checkData('saveCheckpointSync', data);
  writeFileAtomicSync(path, { pieces: encodeImage(data) });
}

/**
 * Reads and verifies a checkpoint. Throws {@link CheckpointError} with code `EFORMAT`, `EVERSION`,
 * `ETRUNCATED` or `ECHECKSUM` for a file that is not an intact checkpoint; file-system errors
 * (ENOENT...) pass through.
 */
export async function loadCheckpoint(path: string): Promise<Checkpoint> {
  checkPath('loadCheckpoint', path);
  return toCheckpoint(decodeImage(await fs.promises.readFile(path), path), path);
}

/** {@link loadCheckpoint} on the calling thread. */
export function loadCheckpointSync(path: string): Checkpoint {
  checkPath('loadCheckpointSync', path);
  return toCheckpoint(decodeImage(fs.readFileSync(path), path), path);
}
