/**
 * Bugs the fuzzer found in lib/ or native/ that are reported but not fixed yet. A violation that
 * matches one is counted under its id instead of failing the run, so that the fuzz tests keep
 * guarding everything else; give each a reproduction in test/fuzz.test.ts marked `it.fails`.
 *
 * Every bug found so far (KB1-KB14, the K×cols overflow abort, the Xoshiro128.below(0) and
 * fnv1aBytes hangs, the svmlight unobserved job, the async-SGD findings) is fixed, with its
 * reproduction kept as a normal test. Inputs that once crashed or hung the process are generated
 * only with FUZZ_KNOWN=1 (see {@link includeKnownHazards}).
 */
import type { Violation } from './check';

export interface KnownBug {
  id: string;
  summary: string;
  matches(v: Violation, error: unknown): boolean;
}

// Bugs found and not fixed yet: none. KB9 (generateSparse hanging on a steep Zipf law) is fixed in
// native/parallel/hogwild_generate.cc and its inputs are back in jobs-suite.ts; KB14 (a process
// abort when a worker thread is terminated while an addon call throws) is gone with the
// NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS build, and failing models run on 2+ workers again.
export const KNOWN_BUGS: readonly KnownBug[] = [];

/** The id of the known bug a violation matches, if any. */
export function classifyKnown(v: Violation, error: unknown): string | undefined {
  return KNOWN_BUGS.find((b) => b.matches(v, error))?.id;
}

/** Whether generators may produce inputs known to crash or hang the process (FUZZ_KNOWN=1; off by default). */
export const includeKnownHazards = process.env.FUZZ_KNOWN === '1';
