/**
 * Argument checks shared by every public entry point. Each throws a TypeError (wrong kind of value)
 * or RangeError (right kind, bad value) whose message names the argument, what was expected and
 * what to do about it.
 * @internal
 * @packageDocumentation
 */

/** Names a value's type for error messages: `Float64Array`, `number`, `null`, `Array`... */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'Array';
  if (ArrayBuffer.isView(v)) return v.constructor.name;
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}

export interface NumberRange {
  min?: number;
  max?: number;
  /** min itself is not allowed */
  minExclusive?: boolean;
  /** max itself is not allowed */
  maxExclusive?: boolean;
  integer?: boolean;
}

/** A finite number inside the range; the range is spelled out in the error. */
export function checkNumber(where: string, name: string, v: unknown, range: NumberRange = {}): number {
  if (typeof v !== 'number') throw new TypeError(`${where}: ${name} must be a number, got ${describe(v)}`);
  const { min, max, minExclusive = false, maxExclusive = false, integer = false } = range;
  const lo = min === undefined ? '(-inf' : `${minExclusive ? '(' : '['}${min}`;
  const hi = max === undefined ? 'inf)' : `${max}${maxExclusive ? ')' : ']'}`;
  const bad =
    !Number.isFinite(v) ||
    (min !== undefined && (minExclusive ? v <= min : v < min)) ||
    (max !== undefined && (maxExclusive ? v >= max : v > max)) ||
    (integer && !Number.isInteger(v));
  if (bad) throw new RangeError(`${where}: ${name} must be a finite ${integer ? 'integer' : 'number'} in ${lo}, ${hi}, got ${v}`);
  return v;
}

export function checkBoolean(where: string, name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new TypeError(`${where}: ${name} must be a boolean, got ${describe(v)}`);
  return v;
}

/** `[beta1, beta2]`, each in [0, 1). */
export function checkBetas(where: string, v: unknown): [number, number] {
  if (!Array.isArray(v) || v.length !== 2)
    throw new TypeError(`${where}: betas must be an array [beta1, beta2], got ${describe(v)}`);
  return [
    checkNumber(where, 'betas[0]', v[0], { min: 0, max: 1, maxExclusive: true }),
    checkNumber(where, 'betas[1]', v[1], { min: 0, max: 1, maxExclusive: true }),
  ];
}

/** A Float32Array; a detached buffer is reported as such when `expectedLength` > 0. */
export function checkFloat32Array(where: string, name: string, v: unknown, expectedLength?: number): Float32Array {
  if (!(v instanceof Float32Array)) {
    const hint = ArrayBuffer.isView(v) || Array.isArray(v) ? ' (convert it with Float32Array.from(x))' : '';
    throw new TypeError(`${where}: ${name} must be a Float32Array, got ${describe(v)}${hint}`);
  }
  if (expectedLength !== undefined && v.length !== expectedLength) {
    const detached = v.byteLength === 0 && expectedLength > 0 && v.buffer.byteLength === 0;
    throw new RangeError(
      detached
        ? `${where}: ${name} is a view of a detached ArrayBuffer (it was transferred); pass a live array`
        : `${where}: ${name} has length ${v.length}, expected ${expectedLength}`,
    );
  }
  return v;
}

/** True when two typed arrays share any byte of memory. */
export function overlaps(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.buffer !== b.buffer) return false;
  return a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

/** Throws TypeError for keys that are not options of this optimizer (catches typos like `learningRate`). */
export function checkKnownKeys(where: string, obj: object, known: readonly string[]): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key))
      throw new TypeError(`${where}: unknown option '${key}'; expected one of ${known.join(', ')}`);
  }
}
