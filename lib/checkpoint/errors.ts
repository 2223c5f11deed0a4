/**
 * The error a checkpoint file that cannot be trusted raises.
 * @packageDocumentation
 */

/**
 * Why a checkpoint file was rejected:
 * - `'EFORMAT'`: not a descent checkpoint (wrong magic), or its contents are malformed.
 * - `'EVERSION'`: a format version this build does not read.
 * - `'ETRUNCATED'`: the file is shorter than its header says (an interrupted copy, a full disk).
 * - `'ECHECKSUM'`: the payload does not match its SHA-256 (the bytes were changed after writing).
 */
export type CheckpointErrorCode = 'EFORMAT' | 'EVERSION' | 'ETRUNCATED' | 'ECHECKSUM';

/** Thrown by the checkpoint loaders for a file that is not an intact checkpoint. I/O errors (ENOENT...) pass through unchanged. */
export class CheckpointError extends Error {
  /** What is wrong; stable, for programs to branch on. */
  readonly code: CheckpointErrorCode;
  /** The file (or `'<bytes>'` for {@link decodeCheckpoint}). */
  readonly path: string;

  constructor(code: CheckpointErrorCode, path: string, message: string) {
    super(`checkpoint ${path}: ${message} [${code}]`);
    this.name = 'CheckpointError';
    this.code = code;
    this.path = path;
  }
}
