/**
 * Fuzzes the addon's data functions and controls: firstNonFinite, readSvmlightSync on generated svmlight-like text
 * (valid lines, garbage tokens, huge ids, odd whitespace) and on odd paths; readSvmlightAsync with
 * cancellation and throwing progress callbacks; rngSeed / rngFill / shuffle with odd states and
 * overlapping arrays; info, setIsa, setThreads, setParallelMinElements (settings restored after).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { addon } from '../../lib/native';
import { anyF32, anyNumber, lit, mostly, numDesc, specialNumber, u32, weird, weirdDeep } from './arbitraries';
import { checkAsyncCall, checkCall } from './check';
import type { Allow } from './check';
import { suite } from './suite';
import { materialize, Tracker } from './values';
import type { Desc } from './values';

/** Native parse and I/O errors are plain Errors (documented: lib/data/svmlight.ts wraps them). */
export const allowParseError: Allow = (e) => (e instanceof Error && e.constructor === Error ? 'Error(svmlight)' : null);

const goodToken = fc.tuple(fc.integer({ min: 0, max: 40 }), fc.double({ min: -10, max: 10, noNaN: true })).map(([i, v]) => `${i}:${v}`);
const oddToken = fc.constantFrom('qid:3', '1:nan', '2:inf', '3:-inf', '0:0', '2147483647:1', '2147483648:1', '99999999999999999999:1',
  '-1:2', '5:', ':5', '5:1e39', '3:0x10', '#comment', '1:1:1', '\t', '\r', '\0', '\u00e9:1', '7:1e-50');
const goodLine = fc.tuple(fc.constantFrom('1', '-1', '0', '+1', '2.5', '3'), fc.uniqueArray(fc.integer({ min: 1, max: 40 }), { maxLength: 6 }),
  fc.double({ min: -10, max: 10, noNaN: true })).map(([label, ids, v]) => [label, ...ids.sort((a, b) => a - b).map((i) => `${i}:${v}`)].join(' '));
const oddLine = fc.tuple(fc.oneof(fc.constantFrom('1', '-1', 'nan', 'x', ''), fc.integer().map(String)),
  fc.array(fc.oneof(goodToken, oddToken), { maxLength: 6 })).map(([label, toks]) => [label, ...toks].join(' '));
const line = fc.oneof({ arbitrary: goodLine, weight: 12 }, { arbitrary: oddLine, weight: 1 });
/** svmlight-like text as bytes; sometimes raw random bytes. */
export const svmlightBytes: fc.Arbitrary<number[]> = fc.oneof(
  { arbitrary: fc.array(line, { maxLength: 8 }).map((ls) => [...Buffer.from(ls.join('\n'), 'latin1')]), weight: 6 },
  { arbitrary: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 64 }), weight: 1 },
);

let scratchDir: string | undefined;
/** A directory with one small valid svmlight file, for path arguments. */
export function fixtureDir(): string {
  if (!scratchDir) {
    scratchDir = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-fuzz-'));
    fs.writeFileSync(path.join(scratchDir, 'ok.svm'), '1 1:0.5 3:2\n-1 2:1\n');
    fs.writeFileSync(path.join(scratchDir, 'empty.svm'), '');
    process.once('exit', () => fs.rmSync(scratchDir!, { recursive: true, force: true }));
  }
  return scratchDir;
}

const pathDesc: fc.Arbitrary<Desc> = fc.constantFrom('ok.svm', 'empty.svm', 'missing.svm', '.', '', '/dev/null', '/proc/self/status', 'a\0b')
  .map((p) => lit(p === '' || p.startsWith('/') || p.includes('\0') ? p : `@fixture/${p}`));

const sourceDesc: fc.Arbitrary<Desc> = fc.oneof(
  { arbitrary: svmlightBytes.map((bytes) => ({ t: 'u8', bytes }) as Desc), weight: 12 },
  { arbitrary: pathDesc, weight: 3 },
  { arbitrary: weirdDeep, weight: 1 },
);
const zeroBasedDesc = mostly(fc.constantFrom(lit(true), lit(false), lit(null), lit(undefined)), 20);
const nFeaturesDesc = mostly(fc.oneof({ arbitrary: fc.constant(lit(null)), weight: 6 }, { arbitrary: fc.integer({ min: 0, max: 50 }).map(lit), weight: 2 },
  { arbitrary: numDesc(specialNumber), weight: 1 }), 20);

function resolvePaths(v: unknown): unknown {
  return typeof v === 'string' && v.startsWith('@fixture/') ? path.join(fixtureDir(), v.slice('@fixture/'.length)) : v;
}

type DataCall =
  | { f: 'readSvmlightSync'; args: Desc[] }
  | { f: 'rngSeed' | 'rngFill' | 'shuffle'; args: Desc[] }
  | { f: 'info' | 'setIsa' | 'setThreads' | 'setParallelMinElements'; args: Desc[] }
  | { f: 'firstNonFinite'; args: Desc[] };

const stateDesc: fc.Arbitrary<Desc> = fc.oneof(
  { arbitrary: u32(fc.array(fc.nat(), { minLength: 4, maxLength: 4 })), weight: 6 },
  { arbitrary: u32(fc.constant([0, 0, 0, 0])), weight: 1 },
  { arbitrary: u32(fc.array(fc.nat(), { maxLength: 6 })), weight: 1 },
  { arbitrary: weirdDeep, weight: 1 },
);

export const dataCallArb: fc.Arbitrary<DataCall> = fc.oneof(
  { arbitrary: fc.tuple(sourceDesc, zeroBasedDesc, nFeaturesDesc).map((args) => ({ f: 'readSvmlightSync' as const, args })), weight: 4 },
  { arbitrary: fc.tuple(mostly(numDesc(fc.oneof(fc.nat(), anyNumber))), stateDesc).map((args) => ({ f: 'rngSeed' as const, args })), weight: 1 },
  { arbitrary: fc.tuple(stateDesc, mostly(u32(fc.array(fc.constant(0), { maxLength: 40 }))))
    .map((args) => ({ f: 'rngFill' as const, args })), weight: 1 },
  { arbitrary: fc.tuple(mostly(u32(fc.array(fc.nat(50), { maxLength: 40 }))), stateDesc).map((args) => ({ f: 'shuffle' as const, args })), weight: 1 },
  { arbitrary: fc.tuple(fc.oneof(fc.constantFrom('scalar', 'avx2', 'avx512', 'neon', 'AVX2', '').map(lit), weird))
    .map((args) => ({ f: 'setIsa' as const, args })), weight: 1 },
  { arbitrary: fc.tuple(mostly(numDesc(fc.oneof(fc.integer({ min: 1, max: 4 }), anyNumber)), 3))
    .map((args) => ({ f: 'setThreads' as const, args })), weight: 1 },
  { arbitrary: fc.tuple(mostly(numDesc(fc.oneof(fc.integer({ min: 0, max: 100 }), anyNumber)), 3))
    .map((args) => ({ f: 'setParallelMinElements' as const, args })), weight: 1 },
  { arbitrary: fc.array(weird, { maxLength: 2 }).map((args) => ({ f: 'info' as const, args })), weight: 1 },
  { arbitrary: fc.tuple(fc.oneof({ arbitrary: anyF32, weight: 6 }, { arbitrary: weirdDeep, weight: 1 })).map((args) => ({ f: 'firstNonFinite' as const, args })), weight: 1 },
);

/** Puts the addon's global settings back after a call that may have changed them. */
function restoring<T>(fn: () => T): T {
  const a = addon();
  const before = a.info();
  try {
    return fn();
  } finally {
    a.setIsa(before.isa);
    a.setThreads(before.threads);
    a.setParallelMinElements(before.parallelMinElements);
  }
}

export const addonData = suite<DataCall>({
  name: 'addon data and controls',
  weight: 2,
  arbitrary: dataCallArb,
  run(stats, c) {
    const tr = new Tracker();
    const values = c.args.map((d) => resolvePaths(materialize(d, tr)));
    const fn = addon()[c.f] as (...a: unknown[]) => unknown;
    checkCall(stats, 'addon data', c.f, tr, () => restoring(() => fn(...values)),
      { allow: c.f === 'readSvmlightSync' ? allowParseError : undefined });
  },
});

interface AsyncReadCase {
  reads: Array<{ args: Desc[]; cancel: 'never' | 'now' | 'tick' | 'progress'; progress: 'none' | 'count' | 'throw' | 'weird' }>;
}

export const asyncReadArb: fc.Arbitrary<AsyncReadCase> = fc.record({
  reads: fc.array(fc.record({
    args: fc.tuple(sourceDesc, zeroBasedDesc, nFeaturesDesc),
    cancel: fc.constantFrom('never', 'never', 'never', 'never', 'now', 'tick', 'progress'),
    progress: fc.constantFrom('none', 'none', 'count', 'count', 'throw', 'weird'),
  }), { minLength: 1, maxLength: 4 }),
});

/** readSvmlightAsync, several at once: each either resolves or rejects with an allowed error; none hangs. */
export const addonAsyncReads = suite<AsyncReadCase>({
  name: 'addon async svmlight',
  weight: 1,
  async: true,
  arbitrary: asyncReadArb,
  async run(stats, c) {
    await Promise.all(c.reads.map(async (r) => {
      const tr = new Tracker();
      const values = r.args.map((d) => resolvePaths(materialize(d, tr)));
      let job: { promise: Promise<unknown>; cancel(): void } | undefined;
      const onProgress = r.progress === 'none' ? null : r.progress === 'weird' ? 42
        : () => {
          if (r.cancel === 'progress') job?.cancel();
          if (r.progress === 'throw') throw new Error('progress callback throws');
        };
      const allow: Allow = (e) => allowParseError(e) ?? (e instanceof Error && e.message === 'progress callback throws' ? 'Error(callback)' : null);
      await checkAsyncCall(stats, 'addon async', 'readSvmlightAsync', tr, async () => {
        job = addon().readSvmlightAsync(values[0] as string, values[1] as boolean, values[2] as number, onProgress as null);
        if (r.cancel === 'now') job.cancel();
        if (r.cancel === 'tick') setImmediate(() => job!.cancel());
        return job.promise;
      }, { allow });
    }));
  },
});
