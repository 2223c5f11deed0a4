/**
 * Argument checks for {@link hogwild} and {@link hogwildWorkers}: each throws a TypeError (wrong
 * kind of value) or RangeError (right kind, bad value) naming the argument.
 * @internal
 * @packageDocumentation
 */
import * as os from 'node:os';
import { checkMatrix, checkMatrixShape, isCsr, rowCount, type CsrMatrix } from '../data/matrix';
import { checkNumber, describe } from '../optimizers/validate';

/** Training examples of a sparse linear model: CSR rows and one Float32 label per row. */
export interface SparseExamples {
  X: CsrMatrix;
  /** ±1 or 0/1 for 'logistic' and 'hinge' (any positive label is the positive class), real targets for 'squared'. */
  y: Float32Array;
}

/** Ratings for matrix factorisation: rating i is `ratings[i]` by user `users[i]` of item `items[i]`. */
export interface RatingTriples {
  users: Int32Array;
  items: Int32Array;
  ratings: Float32Array;
  /** Number of users: ids lie in [0, userCount). */
  userCount: number;
  /** Number of items: ids lie in [0, itemCount). */
  itemCount: number;
}

/** Held-out ratings (same users and items as the training data). */
export type HeldOutRatings = Pick<RatingTriples, 'users' | 'items' | 'ratings'>;

/** One of a fixed set of strings. */
export function checkChoice<T extends string>(where: string, name: string, v: unknown, choices: readonly T[]): T {
  if (typeof v !== 'string') throw new TypeError(`${where}: ${name} must be a string, got ${describe(v)}`);
  if (!choices.includes(v as T))
    throw new RangeError(`${where}: ${name} must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got '${v}'`);
  return v as T;
}

/** Cores the machine offers (the default thread and worker count). */
export function defaultThreads(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : Math.max(1, os.cpus().length);
}

export function checkThreads(where: string, name: string, v: unknown): number {
  return checkNumber(where, name, v ?? defaultThreads(), { min: 1, max: 1024, integer: true });
}

/** CSR features and Float32 labels; binary losses also get their label values checked (O(rows)). */
export function checkSparseExamples(where: string, name: string, v: unknown, binary: boolean): SparseExamples {
  if (typeof v !== 'object' || v === null) throw new TypeError(`${where}: ${name} must be an object { X, y }, got ${describe(v)}`);
  const { X, y } = v as Partial<SparseExamples>;
  checkMatrixShape(X, `${name}.X`);
  if (!isCsr(X)) throw new TypeError(`${where}: ${name}.X must be a CSR matrix { indptr, indices, values, cols } (Hogwild! is for sparse rows)`);
  if (!(y instanceof Float32Array)) throw new TypeError(`${where}: ${name}.y must be a Float32Array, got ${describe(y)}`);
  const rows = rowCount(X);
  if (y.length !== rows) throw new RangeError(`${where}: ${name}.y has ${y.length} labels, ${name}.X has ${rows} rows`);
  for (let r = 0; r < y.length; r++) {
    const label = y[r]!;
    if (binary ? label !== 1 && label !== 0 && label !== -1 : !Number.isFinite(label))
      throw new RangeError(`${where}: ${name}.y[${r}] = ${label} is not ${binary ? 'a binary label (-1, 0 or 1)' : 'finite'}`);
  }
  return { X, y };
}

function checkTriples(where: string, name: string, v: unknown): HeldOutRatings {
  if (typeof v !== 'object' || v === null)
    throw new TypeError(`${where}: ${name} must be an object { users, items, ratings, ... }, got ${describe(v)}`);
  const { users, items, ratings } = v as Partial<RatingTriples>;
  if (!(users instanceof Int32Array)) throw new TypeError(`${where}: ${name}.users must be an Int32Array, got ${describe(users)}`);
  if (!(items instanceof Int32Array)) throw new TypeError(`${where}: ${name}.items must be an Int32Array, got ${describe(items)}`);
  if (!(ratings instanceof Float32Array)) throw new TypeError(`${where}: ${name}.ratings must be a Float32Array, got ${describe(ratings)}`);
  if (items.length !== users.length || ratings.length !== users.length)
    throw new RangeError(`${where}: ${name}.users, .items and .ratings must have the same length (got ${users.length}, ${items.length}, ${ratings.length})`);
  return { users, items, ratings };
}

/** Rating triples with their id ranges; ids themselves are checked natively as they are read. */
export function checkRatings(where: string, name: string, v: unknown): RatingTriples {
  const triples = checkTriples(where, name, v);
  const { userCount, itemCount } = v as Partial<RatingTriples>;
  return {
    ...triples,
    userCount: checkNumber(where, `${name}.userCount`, userCount, { min: 0, max: 2 ** 31 - 1, integer: true }),
    itemCount: checkNumber(where, `${name}.itemCount`, itemCount, { min: 0, max: 2 ** 31 - 1, integer: true }),
  };
}

export function checkHeldOutRatings(where: string, name: string, v: unknown): HeldOutRatings {
  return checkTriples(where, name, v);
}

/**
 * Held-out data checked in full before training starts (the native loop checks it only when it
 * evaluates, after the first epoch has already changed the parameters): CSR structure and column
 * indices, or user and item ids in range.
 */
export function checkHeldOutContents(where: string, name: string, v: SparseExamples | HeldOutRatings, userCount = 0, itemCount = 0): void {
  if ('X' in v) {
    checkMatrix(v.X, `${where}: ${name}.X`);
    return;
  }
  for (let i = 0; i < v.users.length; i++) {
    const u = v.users[i]!, t = v.items[i]!;
    if (u < 0 || u >= userCount) throw new RangeError(`${where}: ${name}.users[${i}] = ${u} is outside [0, ${userCount})`);
    if (t < 0 || t >= itemCount) throw new RangeError(`${where}: ${name}.items[${i}] = ${t} is outside [0, ${itemCount})`);
  }
}

/** A Float32Array of exactly `length` elements. */
export function checkParams(where: string, name: string, v: unknown, length: number, what: string): Float32Array {
  if (!(v instanceof Float32Array)) throw new TypeError(`${where}: ${name} must be a Float32Array, got ${describe(v)}`);
  if (v.length !== length) throw new RangeError(`${where}: ${name} has length ${v.length}, expected ${length} (${what})`);
  return v;
}

export function checkCallback<F>(where: string, name: string, v: unknown): F | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'function') throw new TypeError(`${where}: ${name} must be a function, got ${describe(v)}`);
  return v as F;
}

export function checkSignal(where: string, v: unknown): AbortSignal | undefined {
  if (v === undefined) return undefined;
  if (!(v instanceof AbortSignal)) throw new TypeError(`${where}: signal must be an AbortSignal, got ${describe(v)}`);
  return v;
}
