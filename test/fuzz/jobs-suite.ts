/**
 * Fuzzes the exports that run jobs or touch files: hogwild() (near-valid and broken CSR or rating
 * data, every option, aborts, a second job on the same params), hogwildWorkers() (argument
 * validation, models that throw or return bad gradients), the data generators, fit() with the
 * options the api suite leaves out (schedules, early stopping, gradient noise, curricula,
 * validation data, JS objectives), and saveCheckpoint/loadCheckpoint on hostile paths and objects.
 * Only TypeError, RangeError and documented errors may come out, and a call that throws leaves its
 * arrays as they were (training stopped by an abort or a throwing callback keeps its progress, as
 * documented).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { types } from 'node:util';
import fc from 'fast-check';
import * as lib from '../../lib/index';
import { anyF32, f32, i32, lit, liveLayout, mostly, optionsObject, u32, weird, weirdDeep } from './arbitraries';
import { checkAsyncCall, checkCall, checkInvariant, describeError, sameBits } from './check';
import type { Allow, FuzzStats } from './check';
import { allowCheckpointError, dropUndefined, plainValue } from './checkpoint-suite';
import { suite } from './suite';
import { FuzzCallbackError, materialize, Tracker } from './values';
import type { Desc } from './values';

const SUITE = 'jobs';

const n = (...values: number[]): fc.Arbitrary<Desc> => fc.constantFrom(...values).map(lit);
const s = (...values: string[]): fc.Arbitrary<Desc> => fc.constantFrom(...values).map(lit);
const b = fc.boolean().map(lit);
const fnDesc = fc.constantFrom('zero', 'nan', 'one', 'rand', 'throw').map((mode) => ({ t: 'fn', mode }) as Desc);
const obj = (props: Array<[string, Desc]>): Desc => ({ t: 'obj', props });
const optional = (a: fc.Arbitrary<Desc>): fc.Arbitrary<Desc> => fc.oneof({ arbitrary: fc.constant(lit(undefined)), weight: 1 }, { arbitrary: a, weight: 3 });

// ---- data: near-valid, and broken in the ways a caller can break it ----

/** 6 rows × 5 columns of CSR, usually well formed; sometimes an index or a row pointer is off. */
const csrDesc: fc.Arbitrary<Desc> = fc.record({
  indptr: fc.oneof({ arbitrary: fc.constant<number[]>([0, 2, 3, 5, 5, 7, 9]), weight: 6 },
    { arbitrary: fc.array(fc.integer({ min: -2, max: 11 }), { minLength: 0, maxLength: 8 }), weight: 1 }),
  indices: fc.oneof({ arbitrary: fc.constant<number[]>([0, 3, 1, 2, 4, 0, 4, 1, 3]), weight: 6 },
    { arbitrary: fc.array(fc.integer({ min: -1, max: 6 }), { minLength: 9, maxLength: 9 }), weight: 1 },
    { arbitrary: fc.array(fc.nat(4), { maxLength: 12 }), weight: 1 }),
  values: fc.constantFrom(9, 9, 9, 8, 10),
  // (Not 2^31: a valid size, but 8 GB of parameters: the call would be slow, not wrong.)
  cols: fc.oneof({ arbitrary: fc.constant(lit(5)), weight: 8 }, { arbitrary: n(0, 4, 6, -1, 1.5, 1e15), weight: 1 }),
}).chain(({ indptr, indices, values, cols }) =>
  fc.tuple(i32(fc.constant(indptr), liveLayout), i32(fc.constant(indices)), f32(values)).map(([p, q, v]) =>
    obj([['indptr', p], ['indices', q], ['values', v], ['cols', cols]])));

/** Labels for 6 rows: ±1 usually, sometimes 0/1, NaN or the wrong length. */
const labels6: fc.Arbitrary<Desc> = fc.oneof(
  { arbitrary: f32(6, liveLayout, fc.constant('sign' as const)), weight: 6 },
  { arbitrary: f32(6, liveLayout, fc.constantFrom('classes' as const, 'nan' as const, 'rand' as const)), weight: 1 },
  { arbitrary: fc.oneof(f32(5), f32(7), weird), weight: 1 },
);
const sparseData = mostly(fc.tuple(csrDesc, labels6).map(([X, y]) => obj([['X', X], ['y', y]])), 8);

/** 8 ratings by 3 users of 4 items; sometimes an id out of range or mismatched lengths. */
const ratingsData: fc.Arbitrary<Desc> = fc.record({
  users: fc.oneof({ arbitrary: fc.constant<number[]>([0, 1, 2, 0, 1, 2, 0, 1]), weight: 6 }, { arbitrary: fc.array(fc.integer({ min: -1, max: 3 }), { maxLength: 9 }), weight: 1 }),
  items: fc.oneof({ arbitrary: fc.constant<number[]>([0, 1, 2, 3, 3, 2, 1, 0]), weight: 6 }, { arbitrary: fc.array(fc.integer({ min: -1, max: 4 }), { maxLength: 9 }), weight: 1 }),
  ratings: fc.constantFrom(8, 8, 8, 7),
  userCount: fc.oneof({ arbitrary: fc.constant(lit(3)), weight: 8 }, { arbitrary: n(0, 2, -1, 1.5, 2 ** 32), weight: 1 }),
  itemCount: fc.oneof({ arbitrary: fc.constant(lit(4)), weight: 8 }, { arbitrary: n(0, 3, NaN), weight: 1 }),
}).chain(({ users, items, ratings, userCount, itemCount }) =>
  fc.tuple(i32(fc.constant(users)), i32(fc.constant(items)), f32(ratings, liveLayout)).map(([u, i, r]) =>
    obj([['users', u], ['items', i], ['ratings', r], ['userCount', userCount], ['itemCount', itemCount]])));

// ---- the cases ----

type Abort = 'never' | 'before' | 'soon';

type JobCase =
  | { kind: 'hogwild'; options: Desc; abort: Abort; second: boolean }
  | { kind: 'hogwildWorkers'; options: Desc; abort: Abort }
  | { kind: 'generateSparse' | 'generateRatings'; options: Desc; abort: Abort }
  | { kind: 'splitRatings'; data: Desc; options: Desc }
  | { kind: 'fit'; options: Desc; abort: Abort; second: boolean };

const abortArb = fc.constantFrom<Abort>('never', 'never', 'never', 'before', 'soon');

/** One option: values that should work, and values that should be refused (default: any weird value). */
interface Key {
  ok: fc.Arbitrary<Desc>;
  bad?: fc.Arbitrary<Desc>;
  required?: boolean;
}

/**
 * An options object that usually reaches the code behind the checks: required keys always there,
 * the others present one time in three, all with working values; then, one time in three, one key
 * gets a value that must be refused (or an unknown key appears).
 */
function jobOptions(keys: Record<string, Key>): fc.Arbitrary<Desc> {
  const names = Object.keys(keys);
  const base = fc.tuple(...names.map((k) => {
    const key = keys[k]!;
    const present = key.ok.map((d) => [k, d] as [string, Desc]);
    return key.required ? present : fc.oneof({ arbitrary: fc.constant(undefined), weight: 2 }, { arbitrary: present, weight: 1 });
  }));
  const spoil = fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 4 },
    { arbitrary: fc.constantFrom(...names).chain((k) => (keys[k]!.bad ?? weirdDeep).map((d) => [k, d] as [string, Desc])), weight: 2 },
    { arbitrary: fc.tuple(fc.constantFrom('learningRate', 'foo', '__proto__'), weird), weight: 1 },
  );
  return fc.tuple(base, spoil).map(([props, bad]) => {
    const list = props.filter((p): p is [string, Desc] => p !== undefined);
    if (bad) {
      const at = list.findIndex(([k]) => k === bad[0]);
      if (at >= 0) list[at] = bad;
      else list.push(bad);
    }
    return obj(list);
  });
}

/**
 * Whole-options values that are no options object, but never an object without sizes ({}, [], a
 * Date, a typed array: the generators would take them as "all defaults", i.e. paper-sized data).
 */
const notOptions = weird.filter((d) => ['num', 'str', 'bool', 'null', 'bigint', 'symbol', 'fn', 'trap'].includes(d.t));

const hogwildOptions: fc.Arbitrary<Desc> = fc.constantFrom('logistic', 'hinge', 'squared', 'mf').chain((objective) => {
  const mf = objective === 'mf';
  const sizes = mf ? [28, 28, 27] : [5, 5, 6, 4];
  const sized = fc.constantFrom(...sizes).chain((k) => f32(k, liveLayout));
  return jobOptions({
    objective: { ok: fc.constant(lit(objective)), bad: s('x', 'mf', 'logistic', ''), required: true },
    data: { ok: mf ? ratingsData : sparseData, bad: mf ? sparseData : ratingsData, required: true },
    params: { ok: sized, bad: anyF32 },
    threads: { ok: n(1, 2), bad: n(0, 1.5, 1025) },
    epochs: { ok: n(0, 1, 2, 3), bad: n(-1, NaN, 1.5) },
    lr: { ok: n(0.1, 0.5, 1e30), bad: n(0, -1, NaN, Infinity) },
    decay: { ok: n(0.9, 1), bad: n(0, 2) },
    mode: { ok: s('hogwild', 'locked', 'sequential'), bad: s('x') },
    rule: { ok: s('sgd', 'adagrad'), bad: s('x') },
    l2: { ok: n(0, 1e-3, 1e30), bad: n(-1, NaN) },
    rank: { ok: n(4, 1), bad: n(0, 65537, 1.5) },
    bias: { ok: b },
    seed: { ok: n(0, 1, 2 ** 53 - 1), bad: n(-1, 2 ** 53, 1.5) },
    shuffle: { ok: b },
    initScale: { ok: n(0.1, 0, 1e30), bad: n(-1, NaN) },
    initialAccumulatorValue: { ok: n(0, 1), bad: n(-1, NaN) },
    eps: { ok: n(1e-10, 0), bad: n(-1, NaN) },
    accumulators: { ok: sized, bad: anyF32 },
    validation: { ok: mf ? ratingsData : sparseData },
    evaluate: { ok: b },
    chunk: { ok: n(1, 3, 1000), bad: n(0, 1e10, 1.5) },
    signal: { ok: s('@signal') },
    onEpoch: { ok: fnDesc },
  });
});

const workerOptions: fc.Arbitrary<Desc> = jobOptions({
  model: { ok: s('@model', '@model', '@modelUrl', '@throwingModel', '@badGradientModel'), bad: fc.oneof(s('@missingModel'), weird), required: true },
  data: { ok: s('@modelData'), bad: fc.oneof(weirdDeep, fc.constantFrom<Desc>({ t: 'fn', mode: 'one' }, { t: 'symbol' }, { t: 'trap' })) },
  params: { ok: s('@shared1', '@shared3'), bad: fc.oneof(f32(1), weird), required: true },
  workers: { ok: n(1, 2), bad: n(0, 1.5, 1025), required: true },
  epochs: { ok: n(0, 1, 2), bad: n(-1, NaN), required: true }, // the default, 20, costs a second a call
  lr: { ok: n(0.1), bad: n(0, -1, NaN) },
  decay: { ok: n(0.9), bad: n(0, 2) },
  seed: { ok: n(0, 1), bad: n(-1) },
  shuffle: { ok: b },
  chunk: { ok: n(1, 1000), bad: n(0, 1.5) },
  signal: { ok: s('@signal') },
  onEpoch: { ok: fnDesc },
});

/** Generator options with the sizes always given and small (the defaults are paper-sized). */
const sparseGenOptions: fc.Arbitrary<Desc> = jobOptions({
  rows: { ok: n(0, 1, 5, 40), bad: n(-1, 1.5, NaN, 2 ** 31, 1e300), required: true },
  cols: { ok: n(0, 1, 3, 50), bad: n(-1, 1.5, NaN, 2 ** 31), required: true },
  meanNonzeros: { ok: n(1, 5, 75), bad: n(0, -1, NaN) },
  lengthSpread: { ok: n(0, 0.5, 4), bad: n(5, -1) },
  // A steep Zipf law (exponent 8) with rows nearly as long as cols once hung the generator (KB9, fixed).
  exponent: { ok: n(0, 1, 1.5, 8), bad: n(9, -1) },
  truthDensity: { ok: n(0, 0.2, 1), bad: n(2) },
  task: { ok: s('classification', 'regression'), bad: s('x') },
  labelNoise: { ok: n(0, 0.05, 1), bad: n(2) },
  noiseStd: { ok: n(0, 0.1, 1e6), bad: n(1e7) },
  seed: { ok: n(0, 1, 2 ** 53 - 1), bad: n(-1, 2 ** 53) },
  threads: { ok: n(1, 2), bad: n(0, 1025) },
  signal: { ok: s('@signal') },
});

const ratingsGenOptions: fc.Arbitrary<Desc> = jobOptions({
  users: { ok: n(1, 3, 20), bad: n(0, -1, 1.5, 2 ** 31), required: true },
  items: { ok: n(1, 4, 30), bad: n(0, NaN, 2 ** 31), required: true },
  ratings: { ok: n(0, 1, 50, 200), bad: n(-1, 1.5, 2 ** 32), required: true },
  rank: { ok: n(0, 1, 5), bad: n(4097, -1) },
  userExponent: { ok: n(0, 0.6, 8), bad: n(9) },
  itemExponent: { ok: n(0, 0.9), bad: n(-1) },
  mean: { ok: n(3.6), bad: n(NaN, Infinity) },
  noise: { ok: n(0, 0.5), bad: n(-1) },
  seed: { ok: n(0, 7), bad: n(-1) },
  threads: { ok: n(1, 2), bad: n(0) },
  signal: { ok: s('@signal') },
});

/** fit() with the options apiAsyncCalls leaves out. */
const fitOptions: fc.Arbitrary<Desc> = jobOptions({
  objective: { ok: s('logistic', 'hinge', 'squared', '@jsObjective'), bad: fc.oneof(s('softmax', 'x'), weird), required: true },
  X: { ok: csrDesc, required: true },
  y: { ok: labels6, required: true },
  params: { ok: f32(6, liveLayout), bad: anyF32, required: true },
  optimizer: { ok: s('@sgd', '@adam') },
  schedule: { ok: s('@step', '@cosine', '@plateau', '@onecycle'), bad: s('@foreignSchedule') },
  scheduleEvery: { ok: s('epoch', 'step'), bad: s('x') },
  earlyStopping: { ok: s('@early') },
  gradientNoise: { ok: s('@noise') },
  curriculum: { ok: s('@curriculum') },
  validation: { ok: fc.tuple(csrDesc, labels6).map(([X, y]) => obj([['X', X], ['y', y]])) },
  validationSplit: { ok: n(0.25, 0.5), bad: n(0, 1, -1) },
  variant: { ok: s('batch', 'stochastic', 'minibatch'), bad: s('x') },
  batchSize: { ok: n(1, 2, 4), bad: n(0, -1) },
  epochs: { ok: n(0, 1, 2), bad: n(-1, NaN) },
  evaluateTrain: { ok: b },
  nonFinite: { ok: s('stop', 'continue'), bad: s('x') },
  onEpochEnd: { ok: fnDesc },
  signal: { ok: s('@signal') },
});

export const jobCaseArb: fc.Arbitrary<JobCase> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('hogwild' as const), options: fc.oneof({ arbitrary: hogwildOptions, weight: 20 }, { arbitrary: weirdDeep, weight: 1 }), abort: abortArb, second: fc.boolean() }), weight: 6 },
  { arbitrary: fc.record({ kind: fc.constant('hogwildWorkers' as const), options: fc.oneof({ arbitrary: workerOptions, weight: 20 }, { arbitrary: weirdDeep, weight: 1 }), abort: abortArb }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('generateSparse' as const), options: fc.oneof({ arbitrary: sparseGenOptions, weight: 20 }, { arbitrary: notOptions, weight: 1 }), abort: abortArb }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('generateRatings' as const), options: fc.oneof({ arbitrary: ratingsGenOptions, weight: 20 }, { arbitrary: notOptions, weight: 1 }), abort: abortArb }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('splitRatings' as const), data: mostly(ratingsData, 8),
    options: optional(optionsObject({ validationFraction: n(0, 0.25, 0.5, 1, -1, NaN), seed: n(0, 3, -1) })) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('fit' as const), options: fc.oneof({ arbitrary: fitOptions, weight: 20 }, { arbitrary: weirdDeep, weight: 1 }), abort: abortArb, second: fc.boolean() }), weight: 4 },
);

// ---- library objects behind '@' names ----

let sandbox: string | undefined;
/** A directory of this process for model modules and checkpoint files, removed at exit. */
function sandboxDir(): string {
  if (!sandbox) {
    sandbox = fs.mkdtempSync(path.join(os.tmpdir(), `descent-fuzz-jobs-${process.pid}-`));
    const dir = sandbox;
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    const write = (name: string, text: string): void => fs.writeFileSync(path.join(dir, name), text);
    // 16 examples; the gradient pulls w[j] towards j + 1.
    write('model.cjs', `exports.createModel = (data) => ({ examples: 16, maxNonzeros: 1,
      gradient(w, r, indices, values) { const j = r % w.length; indices[0] = j; values[0] = w[j] - (j + 1); return 1; },
      loss(w) { return w.reduce((s, v, j) => s + (v - j - 1) ** 2, 0); } });`);
    write('throwing.cjs', `exports.createModel = () => { throw new Error('fuzz: createModel throws'); };`);
    // Indices out of range, not increasing, or more of them than maxNonzeros: the native kernel must refuse them.
    write('bad-gradient.cjs', `exports.createModel = () => ({ examples: 8, maxNonzeros: 2,
      gradient(w, r, indices, values) { indices[0] = [5, -1, 0, 1e9][r % 4]; indices[1] = 0; values[0] = NaN; return r % 3 === 0 ? 2 : 3; } });`);
  }
  return sandbox;
}

function special(name: unknown, controller: AbortController, params: unknown): unknown {
  if (typeof name !== 'string' || !name.startsWith('@')) return name;
  const dir = (): string => sandboxDir();
  const p = params instanceof Float32Array && params.length > 0 ? params : new Float32Array(6);
  switch (name) {
    case '@signal': return controller.signal;
    case '@model': return path.join(dir(), 'model.cjs');
    case '@modelUrl': return new URL(`file://${path.join(dir(), 'model.cjs')}`);
    case '@throwingModel': return path.join(dir(), 'throwing.cjs');
    case '@badGradientModel': return path.join(dir(), 'bad-gradient.cjs');
    case '@missingModel': return path.join(dir(), 'no-such-model.cjs');
    case '@modelData': return { scale: 1 };
    case '@shared1': return new Float32Array(new SharedArrayBuffer(4));
    case '@shared3': return new Float32Array(new SharedArrayBuffer(12));
    case '@sgd': return (w: Float32Array) => new lib.SGD([w], { lr: 0.1 });
    case '@adam': return (w: Float32Array) => new lib.Adam([w], { lr: 0.01 });
    case '@early': return new lib.EarlyStopping({ monitor: 'loss', patience: 1 });
    case '@noise': return new lib.GradientNoise({ eta: 0.01, seed: 1 });
    case '@curriculum': return new lib.Curriculum(Float32Array.from({ length: 6 }, (_, i) => i), { strategy: 'naive', batchSize: 2 });
    case '@jsObjective': return {
      examples: 6, parameters: p.length,
      lossAndGrad(w: Float32Array, rows: Uint32Array, g: Float32Array) { for (let j = 0; j < g.length; j++) g[j] = w[j]! - 1; return rows.length; },
    };
    default: return name; // schedules are built in fill(), over the optimizer
  }
}

/** Replaces '@' names in an options object (one level deep, plus data.X) by fresh objects. */
function fill(o: unknown, controller: AbortController): unknown {
  if (o === null || typeof o !== 'object' || types.isProxy(o) || Array.isArray(o) || ArrayBuffer.isView(o)) return o;
  const r = o as Record<string, unknown>;
  for (const k of Object.keys(r)) r[k] = special(r[k], controller, r.params);
  const schedule = r.schedule;
  if (typeof schedule === 'string' && schedule.startsWith('@')) {
    // A schedule must drive the optimizer fit uses: build both over the params (when they can be).
    const p = r.params;
    if (p instanceof Float32Array && p.length > 0 && (p.buffer.byteLength > 0)) {
      const opt = new lib.SGD([p], { lr: 0.1 });
      r.optimizer = opt;
      const target = schedule === '@foreignSchedule' ? new lib.LearningRates(0.1) : opt;
      r.schedule = schedule === '@step' ? new lib.StepLR(target, { stepSize: 1, gamma: 0.5 })
        : schedule === '@cosine' ? new lib.CosineAnnealingLR(target, { TMax: 3 })
          : schedule === '@plateau' ? new lib.ReduceLROnPlateau(target, { patience: 0 })
            : schedule === '@onecycle' ? new lib.OneCycleLR(target, { maxLr: 0.1, totalSteps: 100 })
              : new lib.StepLR(target, { stepSize: 1 });
    }
  }
  return o;
}

/** Errors the job exports document besides TypeError and RangeError. */
const allowJobs: Allow = (e) => {
  if (e instanceof FuzzCallbackError) return 'FuzzCallbackError';
  if (e instanceof Error && e.name === 'AbortError') return 'AbortError';
  // hogwildWorkers: "rejects with an Error naming the worker that failed" (a model that throws or misbehaves).
  if (e instanceof Error && /^hogwildWorkers: worker \d+/.test(e.message)) return 'Error(worker)';
  return null;
};

/** Training stopped by an abort or a throwing callback keeps what it learned so far (documented). */
const keepsProgress = (e: unknown): boolean =>
  e instanceof Error && (e.name === 'AbortError' || e.name === 'FuzzCallbackError' || /^hogwildWorkers: worker \d+/.test(e.message));

function start(c: JobCase, values: Record<string, unknown> | unknown): Promise<unknown> {
  switch (c.kind) {
    case 'hogwild': return lib.hogwild(values as never);
    case 'hogwildWorkers': return lib.hogwildWorkers(values as never);
    case 'generateSparse': return lib.generateSparse(values as never);
    case 'generateRatings': return lib.generateRatings(values as never);
    case 'fit': return lib.fit(values as never);
    case 'splitRatings': throw new Error('not a job');
  }
}

export const jobCalls = suite<JobCase>({
  name: 'api jobs (hogwild, hogwildWorkers, generators, fit options)',
  weight: 2,
  async: true,
  arbitrary: jobCaseArb,
  async run(stats: FuzzStats, c) {
    const tr = new Tracker();
    if (c.kind === 'splitRatings') {
      const data = materialize(c.data, tr), options = materialize(c.options, tr);
      checkCall(stats, SUITE, 'splitRatings', tr, () => lib.splitRatings(data as never, options as never));
      return;
    }
    const controller = new AbortController();
    if (c.abort === 'before') controller.abort();
    const options = fill(materialize(c.options, tr), controller);
    const params = typeof options === 'object' && options !== null && !types.isProxy(options) ? (options as { params?: unknown }).params : undefined;
    let second: { threw: boolean; error?: unknown } | undefined;
    const first = await checkAsyncCall(stats, SUITE, c.kind, tr, async () => {
      const p = start(c, options);
      p.catch(() => undefined);
      if ((c.kind === 'hogwild' || c.kind === 'fit') && c.second) {
        // The same job again, at once, on the same arrays; with no epochs, so it can never change them itself.
        const again = typeof options === 'object' && options !== null && !types.isProxy(options) ? { ...options, epochs: 0 } : options;
        second = await start(c, again).then(() => ({ threw: false }), (error: unknown) => ({ threw: true, error }));
      }
      if (c.abort === 'soon') setImmediate(() => controller.abort());
      return p;
    }, { allow: allowJobs, keepsChangesOn: keepsProgress });
    if (second && !first.threw && params instanceof Float32Array && params.length > 0) {
      const err = second.error;
      checkInvariant(stats, SUITE, `${c.kind} (second job on the same params)`,
        second.threw && err instanceof RangeError && (err as { code?: unknown }).code === 'ERR_DESCENT_ARRAYS_IN_USE',
        `a second ${c.kind} on params a running one writes ${second.threw ? `threw ${describeError(err)}` : 'ran'}`, err);
    }
    if (!first.threw && (c.kind === 'hogwild' || c.kind === 'fit') && params instanceof Float32Array) {
      const r = first.value as { params: Float32Array };
      checkInvariant(stats, SUITE, `${c.kind} (result)`, r.params === params, 'resolved with another params array than the one given');
    }
  },
});

// ---- checkpoint files: hostile paths and objects ----

type PathKind = 'fresh' | 'existing' | 'dir' | 'missingDir' | 'nul' | 'long' | 'dotdot' | 'trailingSlash' | 'garbage' | 'fileAsDir' | 'buffer' | 'url';

interface FileCase {
  op: 'save' | 'saveSync' | 'load' | 'loadSync' | 'saveThenLoad';
  where: PathKind;
  data: Desc;
  hostile: 'none' | 'cyclic' | 'getterThrows' | 'proxy' | 'hugeMeta' | 'classInstance';
}

const pathKinds: PathKind[] = ['fresh', 'existing', 'dir', 'missingDir', 'nul', 'long', 'dotdot', 'trailingSlash', 'garbage', 'fileAsDir', 'buffer', 'url'];

export const fileCaseArb: fc.Arbitrary<FileCase> = fc.record({
  op: fc.constantFrom('save' as const, 'saveSync' as const, 'load' as const, 'loadSync' as const, 'saveThenLoad' as const),
  where: fc.oneof({ arbitrary: fc.constantFrom<PathKind>('fresh', 'existing', 'dotdot'), weight: 3 }, { arbitrary: fc.constantFrom(...pathKinds), weight: 2 }),
  data: fc.oneof(
    { arbitrary: fc.record({
      meta: fc.option(fc.array(fc.tuple(fc.constantFrom('a', 'epoch', '$t', '__proto__', ''), plainValue), { maxLength: 3 }).map(obj), { nil: undefined }),
      params: fc.option(fc.oneof(fc.tuple(anyF32, anyF32).map(([w, b0]) => obj([['w', w], ['b', b0]])),
        fc.array(anyF32, { maxLength: 2 }).map((items) => ({ t: 'arr', items }) as Desc)), { nil: undefined }),
      rngState: fc.option(u32(fc.array(fc.nat(), { minLength: 4, maxLength: 4 })), { nil: undefined }),
    }).map((r) => obj(Object.entries(r).filter((e): e is [string, Desc] => e[1] !== undefined))), weight: 6 },
    { arbitrary: fc.array(fc.tuple(fc.constantFrom('params', 'meta', 'rngState', 'schedule', 'optimizer', 'extra'), fc.oneof(plainValue, weirdDeep)), { maxLength: 3 })
      .map(obj), weight: 2 },
    { arbitrary: weirdDeep, weight: 1 }),
  hostile: fc.constantFrom('none' as const, 'none' as const, 'none' as const, 'cyclic' as const, 'getterThrows' as const, 'proxy' as const,
    'hugeMeta' as const, 'classInstance' as const),
});

let fileCounter = 0;

/** A fresh sub-directory per input, with a valid checkpoint at 'existing' and a bad one at 'garbage'. */
function caseDir(): string {
  const dir = path.join(sandboxDir(), `c${fileCounter++}`);
  fs.mkdirSync(dir);
  lib.saveCheckpointSync(path.join(dir, 'existing.ckpt'), { meta: { v: 'previous' }, params: { w: Float32Array.from([1, 2]) } });
  fs.writeFileSync(path.join(dir, 'garbage.ckpt'), 'not a checkpoint at all');
  fs.writeFileSync(path.join(dir, 'plain-file'), 'x');
  return dir;
}

function pathFor(dir: string, kind: PathKind): unknown {
  switch (kind) {
    case 'fresh': return path.join(dir, 'fresh.ckpt');
    case 'existing': return path.join(dir, 'existing.ckpt');
    case 'dir': return dir;
    case 'missingDir': return path.join(dir, 'no', 'such', 'dir.ckpt');
    case 'nul': return path.join(dir, 'a\0b.ckpt');
    case 'long': return path.join(dir, `${'x'.repeat(300)}.ckpt`);
    case 'dotdot': return path.join(dir, 'sub', '..', 'dotdot.ckpt'); // 'sub' does not exist
    case 'trailingSlash': return `${path.join(dir, 'fresh.ckpt')}/`;
    case 'garbage': return path.join(dir, 'garbage.ckpt');
    case 'fileAsDir': return path.join(dir, 'plain-file', 'x.ckpt');
    case 'buffer': return Buffer.from(path.join(dir, 'fresh.ckpt'));
    case 'url': return new URL(`file://${path.join(dir, 'fresh.ckpt')}`);
  }
}

function hostileData(kind: FileCase['hostile'], data: unknown): unknown {
  const base = data !== null && typeof data === 'object' && !types.isProxy(data) ? data as Record<string, unknown> : {};
  switch (kind) {
    case 'none': return data;
    case 'cyclic': { const meta: Record<string, unknown> = { a: 1 }; meta.self = meta; return { ...base, meta }; }
    case 'getterThrows': return { ...base, meta: Object.defineProperty({}, 'x', { enumerable: true, get() { throw new FuzzCallbackError('getter'); } }) };
    case 'proxy': return new Proxy(base, { ownKeys() { throw new FuzzCallbackError('ownKeys'); }, get() { throw new FuzzCallbackError('get'); } });
    case 'hugeMeta': return { ...base, meta: { s: 'x'.repeat(1 << 16), list: Array.from({ length: 2000 }, (_, i) => i) } };
    case 'classInstance': return { ...base, meta: { when: new Date(0), re: /x/, map: new Map([[1, 2]]) } };
  }
}

/** Node's file-system errors pass through the checkpoint functions unchanged (documented). */
const allowFiles: Allow = (e) => {
  const code = (e as { code?: unknown } | null)?.code;
  return allowCheckpointError(e) ?? (e instanceof FuzzCallbackError ? 'FuzzCallbackError'
    : e instanceof Error && typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? `SystemError(${code})` : null);
};

const temps = (dir: string): string[] => fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'));

export const checkpointFileCalls = suite<FileCase>({
  name: 'checkpoint files (hostile paths and objects)',
  weight: 1,
  async: true,
  arbitrary: fileCaseArb,
  async run(stats, c) {
    const dir = caseDir();
    try {
      const tr = new Tracker();
      const target = pathFor(dir, c.where);
      const data = hostileData(c.hostile, materialize(c.data, tr));
      const existing = path.join(dir, 'existing.ckpt');
      const before = fs.readFileSync(existing);
      const label = `${c.op} (${c.where}, ${c.hostile})`;
      let saved = false;
      if (c.op === 'save' || c.op === 'saveThenLoad')
        saved = !(await checkAsyncCall(stats, SUITE, label, tr, () => lib.saveCheckpoint(target as never, data as never), { allow: allowFiles })).threw;
      else if (c.op === 'saveSync')
        saved = !checkCall(stats, SUITE, label, tr, () => lib.saveCheckpointSync(target as never, data as never), { allow: allowFiles }).threw;
      if (c.op === 'load') await checkAsyncCall(stats, SUITE, label, tr, () => lib.loadCheckpoint(target as never), { allow: allowFiles });
      if (c.op === 'loadSync') checkCall(stats, SUITE, label, tr, () => lib.loadCheckpointSync(target as never), { allow: allowFiles });
      // A failed save, or a save elsewhere, leaves the previous checkpoint as it was; no save leaves temp files.
      if (!(saved && c.where === 'existing'))
        checkInvariant(stats, SUITE, `${label}: previous checkpoint`, fs.readFileSync(existing).equals(before), 'the previous checkpoint changed');
      checkInvariant(stats, SUITE, `${label}: temp files`, temps(dir).length === 0, `left ${temps(dir).join(', ')}`);
      if (saved && c.op === 'saveThenLoad') {
        const back = await lib.loadCheckpoint(target as never).then((v) => ({ v }), (e: unknown) => ({ e }));
        checkInvariant(stats, SUITE, `${label}: round trip`, 'v' in back && sameBits(dropUndefined(data), dropUndefined(back.v)),
          'e' in back ? `a saved checkpoint failed to load: ${describeError(back.e)}` : 'load(save(x)) differs from x');
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
});
