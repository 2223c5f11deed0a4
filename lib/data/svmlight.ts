/**
 * Reading svmlight / LIBSVM text (`label [qid:n] idx:val idx:val ... [# comment]`), the format of
 * RCV1 and most public sparse data sets, into a CSR matrix and Float32 labels. The native parser
 * streams the file in 1 MiB chunks; {@link readSvmlight} runs it on a worker thread.
 * @packageDocumentation
 */
import { addon } from '../native';
import type { RawSvmlight } from './addon-types';
import type { CsrMatrix } from './matrix';

/** Options of {@link readSvmlight} and {@link readSvmlightSync}. */
export interface SvmlightOptions {
  /**
   * Whether feature ids start at 0 or 1. `'auto'` (default) reads them as one-based unless some id
   * is 0, like scikit-learn's `load_svmlight_file(zero_based='auto')`.
   */
  zeroBased?: boolean | 'auto';
  /** The column count; every id must fit. Default: the largest id + 1 (after the base shift). */
  nFeatures?: number;
}

/** Options of {@link readSvmlight}: plus cancellation and progress. */
export interface SvmlightAsyncOptions extends SvmlightOptions {
  /** Aborting stops the reader at its next chunk; the promise rejects with `signal.reason` (also when the abort comes after the last chunk but before the promise settles). */
  signal?: AbortSignal;
  /** Called on the main thread as chunks are parsed (only the latest report when JS is busy). */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/** A parsed svmlight file: features as CSR and one label per row. */
export interface SvmlightData {
  X: CsrMatrix;
  y: Float32Array;
}

type Source = string | Uint8Array;

function checkSource(source: unknown): asserts source is Source {
  if (typeof source !== 'string' && !(source instanceof Uint8Array))
    throw new TypeError('source must be a file path (string) or a Buffer / Uint8Array of svmlight text');
}

function nativeOptions(options: SvmlightOptions): [boolean | null, number | null] {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const { zeroBased = 'auto', nFeatures } = options;
  if (zeroBased !== 'auto' && typeof zeroBased !== 'boolean')
    throw new TypeError(`options.zeroBased must be true, false or 'auto', got ${String(zeroBased)}`);
  if (nFeatures !== undefined) {
    if (typeof nFeatures !== 'number') throw new TypeError(`options.nFeatures must be a number, got ${typeof nFeatures}`);
    if (!Number.isInteger(nFeatures) || nFeatures < 0 || nFeatures > 2 ** 31)
      throw new RangeError(`options.nFeatures must be an integer in [0, 2^31], got ${nFeatures}`);
  }
  return [zeroBased === 'auto' ? null : zeroBased, nFeatures ?? null];
}

function describe(source: Source): string {
  return typeof source === 'string' ? `'${source}'` : `a ${source.constructor.name} of ${source.length} bytes`;
}

/** Native messages say "line N: ..."; say which input too. */
function sourceError(source: Source, err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  return new Error(`svmlight ${describe(source)}: ${message}`);
}

function toData(raw: RawSvmlight): SvmlightData {
  return { X: { indptr: raw.indptr, indices: raw.indices, values: raw.values, cols: raw.cols }, y: raw.labels };
}

/**
 * Reads svmlight text from a file path or a Buffer on the calling thread. Throws an Error whose
 * message names the source and the 1-based line of the first malformed line.
 */
export function readSvmlightSync(source: string | Uint8Array, options: SvmlightOptions = {}): SvmlightData {
  checkSource(source);
  const [zeroBased, nFeatures] = nativeOptions(options);
  try {
    return toData(addon().readSvmlightSync(source, zeroBased, nFeatures));
  } catch (err) {
    throw sourceError(source, err);
  }
}

/**
 * Reads svmlight text from a file path or a Buffer on a native worker thread, so the event loop
 * stays free. A Buffer is copied first, so the caller may reuse it at once. Rejects with an Error
 * naming the source and line, or with `signal.reason` when aborted.
 */
export async function readSvmlight(source: string | Uint8Array, options: SvmlightAsyncOptions = {}): Promise<SvmlightData> {
  checkSource(source);
  const [zeroBased, nFeatures] = nativeOptions(options);
  const { signal, onProgress } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal))
    throw new TypeError('signal must be an AbortSignal (e.g. from new AbortController())');
  if (onProgress !== undefined && typeof onProgress !== 'function') throw new TypeError('options.onProgress must be a function');
  if (signal?.aborted) throw signal.reason;
  // A throwing progress callback cancels the read and its exception becomes the rejection, as if
  // it had been thrown by the caller's own loop.
  let callbackError: { error: unknown } | undefined;
  const progress = onProgress && ((done: number, total: number): void => {
    if (callbackError) return;
    try {
      onProgress(done, total);
    } catch (error) {
      callbackError = { error };
      job.cancel();
    }
  });
  const job = addon().readSvmlightAsync(source, zeroBased, nFeatures, progress ?? null);
  const stop = (): void => job.cancel();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    const raw = await job.promise;
    // The worker may finish before it sees a late abort; the caller asked to stop, so it still stops.
    if (callbackError) throw callbackError.error;
    if (signal?.aborted) throw signal.reason;
    return toData(raw);
  } catch (err) {
    if (callbackError) throw callbackError.error;
    if (signal?.aborted) throw signal.reason;
    throw sourceError(source, err);
  } finally {
    signal?.removeEventListener('abort', stop);
  }
}
