/**
 * Argument checks shared by the training helpers: lists of parameter or gradient arrays and
 * option records. Messages name the function and the argument, like lib/optimizers/validate.ts.
 * @internal
 * @packageDocumentation
 */
import { checkFloat32Array, checkKnownKeys, describe } from '../optimizers/validate';

/**
 * Gradients as `Optimizer.step` takes them: one Float32Array, or one per parameter where `null`
 * means "no gradient for this parameter".
 */
export type GradientList = Float32Array | ReadonlyArray<Float32Array | null>;

/** Parameters (or same-shaped buffers): one Float32Array or a list of them. */
export type ArrayList = Float32Array | readonly Float32Array[];

/** The gradients as a list, each entry checked to be a Float32Array or null. */
export function gradientArrays(where: string, name: string, grads: unknown): Array<Float32Array | null> {
  if (grads instanceof Float32Array) return [grads];
  if (!Array.isArray(grads))
    throw new TypeError(`${where}: ${name} must be a Float32Array or an array of them, got ${describe(grads)}`);
  return grads.map((g: unknown, i) => (g === null ? null : checkFloat32Array(where, `${name}[${i}]`, g)));
}

/** The arrays as a list, each checked to be a Float32Array (no nulls). */
export function arrayList(where: string, name: string, arrays: unknown): Float32Array[] {
  if (arrays instanceof Float32Array) return [arrays];
  if (!Array.isArray(arrays))
    throw new TypeError(`${where}: ${name} must be a Float32Array or an array of them, got ${describe(arrays)}`);
  return arrays.map((a: unknown, i) => checkFloat32Array(where, `${name}[${i}]`, a));
}

/** Checks that `arrays` has exactly the given lengths, one array per entry. */
export function checkLengths(where: string, name: string, arrays: readonly Float32Array[], lengths: readonly number[]): void {
  if (arrays.length !== lengths.length)
    throw new RangeError(`${where}: ${name} has ${arrays.length} arrays, expected ${lengths.length}`);
  arrays.forEach((a, i) => checkFloat32Array(where, `${name}[${i}]`, a, lengths[i]));
}

/** An options record (undefined counts as `{}`) whose keys are all known. */
export function optionsRecord<T extends object>(where: string, options: unknown, known: readonly string[]): Partial<T> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    throw new TypeError(`${where}: options must be an object, got ${describe(options)}`);
  checkKnownKeys(where, options, known);
  return options as Partial<T>;
}
