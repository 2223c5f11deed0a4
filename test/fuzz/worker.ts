/**
 * One fuzz worker process of the full run (started by scripts/fuzz.mjs): runs the suites in
 * weighted turns, in chunks of runs with their own seeds, until it has made its share of calls.
 * Before each input it writes the input (and the calls made so far) to `lastInputFile`, so the
 * parent can name the input if this process crashes or hangs. Prints one `FUZZ-REPORT {json}` line.
 */
import * as fs from 'node:fs';
import fc from 'fast-check';
import { ContractViolation, FuzzStats } from './check';
import type { Suite } from './suite';
import { suiteProperty } from './suite';
import { SUITES } from './suites';

export interface WorkerOptions {
  seed: number;
  calls: number;
  lastInputFile: string;
  /** Only suites whose name contains one of these (all when empty). */
  only: string[];
  /** 'crash' or 'hang': a self-test input that aborts the process or never returns. */
  selfTest?: 'crash' | 'hang';
}

export interface Failure {
  suite: string;
  seed: number;
  counterexample: string;
  error: string;
}

export interface WorkerReport {
  stats: FuzzStats;
  failures: Failure[];
}

/** Wraps a suite so that every input is written down before it runs. */
function recording(s: Suite, stats: FuzzStats, fd: number): Suite {
  return {
    ...s,
    run: (st, input) => {
      const text = `${s.name}: ${fc.stringify(input)}`;
      const body = Buffer.from(`${stats.calls} ${Buffer.byteLength(text)}\n${text}`);
      fs.writeSync(fd, body, 0, body.length, 0);
      return s.run(st, input);
    },
  };
}

export async function runWorker(o: WorkerOptions): Promise<WorkerReport> {
  const stats = new FuzzStats();
  const failures: Failure[] = [];
  const fd = fs.openSync(o.lastInputFile, 'w');
  if (o.selfTest === 'crash') process.abort();
  if (o.selfTest === 'hang') for (;;);
  const suites = SUITES.filter((s) => o.only.length === 0 || o.only.some((x) => s.name.includes(x)));
  let chunk = 0;
  while (stats.calls < o.calls) {
    for (const s of suites) {
      if (stats.calls >= o.calls) break;
      const seed = (o.seed + chunk++ * 7919) | 0;
      const numRuns = Math.max(5, Math.round(s.weight * 25));
      const details = await fc.check(suiteProperty(recording(s, stats, fd), stats), { numRuns, seed });
      if (details.failed) {
        const err = details.errorInstance;
        failures.push({
          suite: s.name, seed,
          counterexample: details.counterexample ? fc.stringify(details.counterexample) : '(none)',
          error: err instanceof ContractViolation ? err.message : err instanceof Error ? `harness error: ${err.stack}` : String(err),
        });
      }
    }
  }
  fs.closeSync(fd);
  return { stats, failures };
}
