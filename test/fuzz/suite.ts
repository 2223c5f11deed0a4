/**
 * A fuzz suite: an arbitrary of inputs and a function that makes the checked calls for one input.
 * The quick run (test/fuzz.test.ts) and the full run (scripts/fuzz.mjs -> worker.ts) run the same
 * suites, through {@link suiteProperty}.
 */
import fc from 'fast-check';
import type { FuzzStats } from './check';

export interface Suite<T = unknown> {
  name: string;
  /** Share of the full run's calls this suite gets, relative to the others. */
  weight: number;
  arbitrary: fc.Arbitrary<T>;
  /** Makes the checked calls for one input; throws ContractViolation on a new violation. */
  run(stats: FuzzStats, input: T): void | Promise<void>;
  async?: boolean;
}

/** Defines a suite with its input type inferred. */
export function suite<T>(s: Suite<T>): Suite<unknown> {
  return s as unknown as Suite<unknown>;
}

export function suiteProperty(s: Suite, stats: FuzzStats): fc.IRawProperty<[unknown]> {
  return s.async
    ? fc.asyncProperty(s.arbitrary, async (x) => { await s.run(stats, x); })
    : fc.property(s.arbitrary, (x) => { s.run(stats, x) as void; });
}
