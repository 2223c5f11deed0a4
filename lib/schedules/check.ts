/**
 * Option checks shared by the schedules. Like the optimizers' checks, each throws a TypeError
 * (wrong kind of value) or a RangeError (right kind, bad value) whose message names the option.
 * @internal
 * @packageDocumentation
 */
import { checkKnownKeys, checkNumber, describe, type NumberRange } from '../optimizers/validate';

export { checkBoolean, checkNumber, describe } from '../optimizers/validate';

/** The options argument: undefined (all defaults) or a plain object with known keys only. */
export function checkOptionsObject<T extends object>(where: string, options: T | undefined, known: readonly string[]): Partial<T> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    throw new TypeError(`${where}: options must be an object, got ${describe(options)}`);
  checkKnownKeys(where, options, known);
  return options;
}

/** A number for every group: one number (shared) or an array with one entry per group. */
export function checkPerGroup(
  where: string, name: string, v: unknown, groups: number, range: NumberRange = {},
): number[] {
  if (Array.isArray(v)) {
    if (v.length !== groups)
      throw new RangeError(`${where}: ${name} has ${v.length} values, expected one per parameter group (${groups})`);
    return v.map((x, i) => checkNumber(where, `${name}[${i}]`, x, range));
  }
  if (typeof v !== 'number')
    throw new TypeError(`${where}: ${name} must be a number or an array of numbers (one per group), got ${describe(v)}`);
  return new Array<number>(groups).fill(checkNumber(where, name, v, range));
}

/** One of a fixed set of strings. */
export function checkChoice<T extends string>(where: string, name: string, v: unknown, choices: readonly T[]): T {
  if (typeof v !== 'string') throw new TypeError(`${where}: ${name} must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${describe(v)}`);
  if (!(choices as readonly string[]).includes(v))
    throw new RangeError(`${where}: ${name} must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got '${v}'`);
  return v as T;
}

/** A function (user callback such as a learning-rate lambda). */
export function checkFunction<F extends (...args: never[]) => unknown>(where: string, name: string, v: unknown): F {
  if (typeof v !== 'function') throw new TypeError(`${where}: ${name} must be a function, got ${describe(v)}`);
  return v as F;
}

/** `t` of `lrAt(t)`: a whole number of steps taken. */
export function checkSteps(where: string, t: unknown): number {
  return checkNumber(where, 't', t, { min: 0, integer: true });
}

/** A parameter-group index. */
export function checkGroup(where: string, group: unknown, groups: number): number {
  return checkNumber(where, 'group', group, { min: 0, max: groups - 1, integer: true });
}

/** Learning rates a schedule is about to apply: checked before any is written, so a bad one changes nothing. */
export function checkComputedLrs(where: string, lrs: readonly number[], t: number): void {
  for (const [g, lr] of lrs.entries()) {
    if (typeof lr !== 'number')
      throw new TypeError(`${where}: the learning rate computed for group ${g} at step ${t} is a ${describe(lr)}, not a number (check lrLambda)`);
    if (!Number.isFinite(lr) || lr < 0)
      throw new RangeError(`${where}: the learning rate computed for group ${g} at step ${t} is ${lr}; it must be a finite number >= 0`);
  }
}
