/**
 * Activation buffers of the hand-written layers. Parameters are always float32 (they live in a
 * {@link ParamArena}); activations and their gradients are float32 by default, or float64 when a
 * model is built for gradient checking, where float32 rounding of the activations would swamp the
 * tiny loss differences that central differences measure.
 * @internal
 * @packageDocumentation
 */

/** Storage of activations and their gradients. */
export type ActivationArray = Float32Array | Float64Array;

/** The element type of activation buffers. */
export type ActivationPrecision = 'float32' | 'float64';

/** A zeroed buffer of n elements of the given precision. */
export function allocate(precision: ActivationPrecision, n: number): ActivationArray {
  return precision === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

/** `current` when it has exactly n elements, else a new buffer (batches change size rarely: the last one of an epoch). */
export function sized(current: ActivationArray, precision: ActivationPrecision, n: number): ActivationArray {
  return current.length === n ? current : allocate(precision, n);
}
