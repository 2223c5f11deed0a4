/**
 * The raw native surface for data loading and shuffling (native/binding/data_bindings.cc). Only the
 * wrappers in lib/data/ call it; they validate first.
 * @internal
 * @packageDocumentation
 */

/** @internal What the native svmlight readers return. */
export interface RawSvmlight {
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
  labels: Float32Array;
  cols: number;
}

/** @internal */
export interface DataAddon {
  /** zeroBased: null = auto-detect; nFeatures: null = max index + 1. */
  readSvmlightSync(source: string | Uint8Array, zeroBased: boolean | null, nFeatures: number | null): RawSvmlight;
  readSvmlightAsync(source: string | Uint8Array, zeroBased: boolean | null, nFeatures: number | null,
    onProgress: ((bytesRead: number, totalBytes: number) => void) | null): { promise: Promise<RawSvmlight>; cancel(): void };
  rngSeed(seed: number, state: Uint32Array): void;
  rngFill(state: Uint32Array, out: Uint32Array): void;
  shuffle(indices: Uint32Array, state: Uint32Array): void;
}
