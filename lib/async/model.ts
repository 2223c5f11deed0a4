/**
 * The model contract of the asynchronous-SGD algorithms (Downpour, EASGD): the user's model lives in
 * a module (path or file URL; CommonJS or ESM) that exports `createModel(data)`. Every replica calls
 * it once in its own thread or process with a structured clone of `data` (typed arrays on
 * SharedArrayBuffers are shared, not copied), so gradients are computed in parallel.
 * @packageDocumentation
 */

/** What a model module's `createModel(data)` returns. */
export interface AsyncModel {
  /** Parameters (length of the flat vector the server holds). */
  readonly size: number;
  /** Training examples; replicas split [0, examples) into shards of their own. */
  readonly examples: number;
  /**
   * Adds the mean gradient of the loss over the examples in `batch` at `params` into `grad`
   * (length `size`; the caller zeroes it when it wants a fresh gradient) and returns the batch's
   * mean loss.
   */
  gradient(params: Float32Array, batch: Int32Array, grad: Float32Array): number;
  /** Optional: the full training objective at `params`, reported in the history. */
  loss?(params: Float32Array): number;
}
