/**
 * The fuzz property for one call: it returns, or throws an error of an allowed class; after a throw
 * every buffer made for the call is bit-identical to its snapshot; after a return no byte outside
 * the views the call was given has changed. Outcomes are counted in {@link FuzzStats}.
 */
import { classifyKnown } from './known-bugs';
import { FuzzCallbackError, Tracker } from './values';

export type ViolationKind =
  | 'error-class' // threw something other than TypeError / RangeError / an allowed class
  | 'modified-on-throw' // threw, and some array it was given (or the optimizer's state) changed
  | 'out-of-bounds-write' // returned, and bytes outside every view it was given changed
  | 'invariant'; // a suite-specific promise broke (e.g. a state dict that loads cannot be stepped)

export interface Violation {
  suite: string;
  label: string;
  kind: ViolationKind;
  detail: string;
  /** Id of the known bug this matches (see known-bugs.ts), if any. */
  known?: string;
}

/** Counts over many calls; merged across workers by the full run. */
export class FuzzStats {
  calls = 0;
  /** Calls per suite. */
  readonly suites: Record<string, number> = {};
  /** 'returned', or the class of the thrown error ('TypeError', 'RangeError', 'Error(svmlight)'...). */
  readonly outcomes: Record<string, number> = {};
  /** Violations matching a known bug, by bug id. */
  readonly known: Record<string, number> = {};
  /** New violations (each is a bug to report), first few kept in full. */
  readonly violations: Violation[] = [];
  newViolations = 0;

  count(outcome: string): void {
    this.outcomes[outcome] = (this.outcomes[outcome] ?? 0) + 1;
  }

  /** Records a violation; returns true when it is new (not a known bug). */
  violation(v: Violation, error?: unknown): boolean {
    const known = classifyKnown(v, error);
    if (known) {
      this.known[known] = (this.known[known] ?? 0) + 1;
      return false;
    }
    this.newViolations++;
    if (this.violations.length < 20) this.violations.push(v);
    return true;
  }

  merge(other: { calls: number; suites: Record<string, number>; outcomes: Record<string, number>; known: Record<string, number>; violations: Violation[]; newViolations: number }): void {
    this.calls += other.calls;
    for (const [k, n] of Object.entries(other.suites)) this.suites[k] = (this.suites[k] ?? 0) + n;
    for (const [k, n] of Object.entries(other.outcomes)) this.outcomes[k] = (this.outcomes[k] ?? 0) + n;
    for (const [k, n] of Object.entries(other.known)) this.known[k] = (this.known[k] ?? 0) + n;
    for (const v of other.violations) if (this.violations.length < 50) this.violations.push(v);
    this.newViolations += other.newViolations;
  }
}

/** Thrown from a property when a call broke the contract; fast-check then shrinks the input. */
export class ContractViolation extends Error {
  constructor(readonly violation: Violation) {
    super(`${violation.kind} in ${violation.suite} / ${violation.label}: ${violation.detail}`);
    this.name = 'ContractViolation';
  }
}

/** Which non-TypeError/RangeError errors a call may throw, and how to name them in the counts. */
export type Allow = (error: unknown) => string | null;

export interface CallOptions {
  allow?: Allow;
  /** Skip the before/after byte comparison (for calls whose arguments are not ours to snapshot). */
  noSnapshot?: boolean;
  /** Errors after which changed arrays are documented (e.g. training interrupted by an abort keeps its progress). */
  keepsChangesOn?: (error: unknown) => boolean;
}

export interface CallResult {
  threw: boolean;
  value?: unknown;
  error?: unknown;
}

/** The class name a thrown value is counted under, or null when throwing it breaks the contract. */
export function errorClass(e: unknown, allow?: Allow): string | null {
  if (e instanceof FuzzCallbackError) return 'FuzzCallbackError';
  if (e instanceof TypeError) return 'TypeError';
  if (e instanceof RangeError) return 'RangeError';
  return allow?.(e) ?? null;
}

export function describeError(e: unknown): string {
  if (e instanceof Error) return `${e.constructor.name}${(e as { code?: unknown }).code ? `[${String((e as { code?: unknown }).code)}]` : ''}: ${e.message}`;
  return `non-Error ${typeof e}: ${String(e)}`;
}

/** Runs one synchronous call and checks it (see the file comment). Throws ContractViolation on a new violation. */
export function checkCall(stats: FuzzStats, suite: string, label: string, tr: Tracker, call: () => unknown,
  options: CallOptions = {}): CallResult {
  if (!options.noSnapshot) tr.snapshot();
  stats.calls++;
  stats.suites[suite] = (stats.suites[suite] ?? 0) + 1;
  let result: CallResult;
  try {
    result = { threw: false, value: call() };
  } catch (error) {
    result = { threw: true, error };
  }
  judge(stats, suite, label, tr, result, options);
  return result;
}

/** The same for a call that returns a promise: the checks run once it settles. */
export async function checkAsyncCall(stats: FuzzStats, suite: string, label: string, tr: Tracker,
  call: () => Promise<unknown>, options: CallOptions = {}): Promise<CallResult> {
  if (!options.noSnapshot) tr.snapshot();
  stats.calls++;
  stats.suites[suite] = (stats.suites[suite] ?? 0) + 1;
  let result: CallResult;
  try {
    result = { threw: false, value: await call() };
  } catch (error) {
    result = { threw: true, error };
  }
  judge(stats, suite, label, tr, result, options);
  return result;
}

function judge(stats: FuzzStats, suite: string, label: string, tr: Tracker, r: CallResult, options: CallOptions): void {
  const report = (kind: ViolationKind, detail: string): void => {
    const v: Violation = { suite, label, kind, detail };
    if (stats.violation(v, r.error)) throw new ContractViolation(v);
  };
  if (!r.threw) {
    stats.count('returned');
    if (options.noSnapshot) return;
    const outside = tr.changedOutsideViews();
    if (outside) report('out-of-bounds-write', outside);
    return;
  }
  const cls = errorClass(r.error, options.allow);
  stats.count(cls ?? `not allowed: ${r.error instanceof Error ? r.error.constructor.name : typeof r.error}`);
  if (cls === null) report('error-class', describeError(r.error));
  if (options.noSnapshot || options.keepsChangesOn?.(r.error)) return;
  const changed = tr.changedAnywhere();
  if (changed) report('modified-on-throw', `${changed}; the call threw ${describeError(r.error)}`);
}

/** Records a suite-specific broken promise (counted, and thrown as ContractViolation when new). */
export function checkInvariant(stats: FuzzStats, suite: string, label: string, holds: boolean, detail: string, error?: unknown): void {
  if (holds) return;
  const v: Violation = { suite, label, kind: 'invariant', detail };
  if (stats.violation(v, error)) throw new ContractViolation(v);
}

/** Deep equality where numbers compare with Object.is and typed arrays byte for byte (NaN payloads included). */
export function sameBits(a: unknown, b: unknown): boolean {
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    if (a.byteLength !== b.byteLength || a.constructor !== b.constructor) return false;
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength), y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    return x.every((v, i) => v === y[i]);
  }
  if (typeof a === 'number' || typeof b === 'number') return Object.is(a, b);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  const ka = Object.keys(a), kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => sameBits((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
