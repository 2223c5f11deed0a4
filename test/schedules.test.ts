import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Adagrad, Adam, SGD } from '../lib/index';
import {
  ChainedScheduler, ConstantLR, CosineAnnealingLR, CosineAnnealingWarmRestarts, CyclicLR, ExponentialLR, FixedLR,
  InverseTimeLR, LambdaLR, LearningRates, LinearLR, MultiStepLR, MultiplicativeLR, OneCycleLR, PolynomialLR,
  ReduceLROnPlateau, SequentialLR, StepLR,
  type BaseSchedule, type LrScheduler, type Schedule, type ScheduleStateDict, type ScheduleTarget,
} from '../lib/schedules/index';

// ---- fixtures (test/fixtures/make_schedule_fixtures.py) ----

interface Spec {
  schedule: string;
  options: Record<string, unknown>;
  children?: Spec[];
}
interface Config extends Spec {
  name: string;
  steps?: number;
  optimizer?: 'SGD' | 'Adam';
  lrs: number[][];
  momenta?: number[][];
  metrics?: number[];
}
interface Fixtures {
  torch: string;
  groupLrs: number[];
  momentum: number;
  configs: Config[];
}

const fixtures = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'schedules.json'), 'utf8')) as Fixtures;
const configs = fixtures.configs;
const fixed = configs.filter((c) => c.schedule !== 'ReduceLROnPlateau');

/** The fixture script's LAMBDAS, operation for operation. */
const LAMBDAS: Record<string, (t: number) => number> = {
  exp95: (t) => 0.95 ** t,
  halfEvery10: (t) => 0.5 ** Math.floor(t / 10),
  warmupInvSqrt: (t) => Math.min((t + 1) / 5, (5 / (t + 1)) ** 0.5),
  mul95: () => 0.95,
  mulEvery3: (t) => (t % 3 === 0 ? 0.8 : 1.0),
  mulWiggle: (t) => 1.0 + 0.1 * Math.sin(t),
  invCycle: (x) => 1.0 / x,
};

type Ctor = new (target: ScheduleTarget, options: Record<string, unknown>) => LrScheduler;
const CLASSES: Record<string, Ctor> = {
  FixedLR, ConstantLR, StepLR, MultiStepLR, ExponentialLR, InverseTimeLR, PolynomialLR, LinearLR, CosineAnnealingLR,
  CosineAnnealingWarmRestarts, LambdaLR, MultiplicativeLR, CyclicLR, OneCycleLR, ReduceLROnPlateau,
} as unknown as Record<string, Ctor>;

function withFunctions(options: Record<string, unknown>): Record<string, unknown> {
  const out = { ...options };
  for (const key of ['lrLambda', 'scaleFn']) {
    const v = out[key];
    if (typeof v === 'string') out[key] = LAMBDAS[v];
    if (Array.isArray(v)) out[key] = v.map((name: string) => LAMBDAS[name]);
  }
  return out;
}

function build(target: ScheduleTarget, spec: Spec): LrScheduler {
  if (spec.schedule === 'SequentialLR') {
    const children = spec.children!.map((c) => build(target, c) as BaseSchedule);
    return new SequentialLR(target, { schedulers: children, milestones: spec.options.milestones as number[] });
  }
  if (spec.schedule === 'ChainedScheduler') return new ChainedScheduler(spec.children!.map((c) => build(target, c) as BaseSchedule));
  return new CLASSES[spec.schedule]!(target, withFunctions(spec.options));
}

// Schedules are pure TypeScript: only the test of the optimizer's next step needs the native kernels.
const js = { backend: 'js' } as const;

function makeOptimizer(cfg: Config): SGD | Adam {
  const groups = fixtures.groupLrs.map((lr) => ({ params: [new Float32Array(1)], lr }));
  return cfg.optimizer === 'Adam' ? new Adam(groups, js) : new SGD(groups, { momentum: fixtures.momentum, ...js });
}

const groupLrs = (opt: SGD | Adam) => opt.paramGroups.map((g) => g.options.lr);
const groupMomenta = (opt: SGD | Adam) =>
  opt.paramGroups.map((g) => ('betas' in g.options ? g.options.betas[0] : g.options.momentum));

/**
 * PyTorch's rate, except where our documented deviation applies: OneCycleLR's extrapolated last
 * step stops at 0 instead of going negative.
 */
const expectedLr = (cfg: Config, v: number) => (cfg.schedule === 'OneCycleLR' ? Math.max(0, v) : v);

/** First mismatch beyond `rel` relative error between two tables, or undefined. */
function firstMismatch(actual: number[][], expected: number[][], rel = 1e-12): string | undefined {
  if (actual.length !== expected.length) return `lengths ${actual.length} vs ${expected.length}`;
  for (let t = 0; t < expected.length; t++)
    for (let g = 0; g < expected[t]!.length; g++) {
      const a = actual[t]![g]!, e = expected[t]![g]!;
      if (!(Math.abs(a - e) <= rel * Math.max(Math.abs(a), Math.abs(e))))
        return `t=${t} group ${g}: got ${a}, torch ${e} (relative error ${Math.abs(a - e) / Math.abs(e)})`;
    }
  return undefined;
}

function runSteps(cfg: Config, schedule: LrScheduler, opt: SGD | Adam, from: number, to: number) {
  const lrs: number[][] = [], momenta: number[][] = [], returned: number[] = [], last: number[][] = [];
  for (let t = from; t < to; t++) {
    returned.push(schedule.step(cfg.metrics?.[t]));
    lrs.push(groupLrs(opt));
    last.push([...schedule.lastLrs]);
    momenta.push(groupMomenta(opt));
  }
  return { lrs, momenta, returned, last };
}

// ---- equality with PyTorch ----

describe(`schedules against torch.optim.lr_scheduler ${fixtures.torch}`, () => {
  it('has fixtures for every schedule class', () => {
    const used = new Set(configs.flatMap((c) => [c.schedule, ...(c.children ?? []).map((k) => k.schedule)]));
    for (const name of [...Object.keys(CLASSES), 'SequentialLR', 'ChainedScheduler']) expect(used).toContain(name);
  });

  it.each(configs.map((c) => [c.name, c] as const))('%s: step() sets torch\'s rate on every group within 1e-12', (_n, cfg) => {
    const opt = makeOptimizer(cfg);
    const schedule = build(opt, cfg);
    const atStart = { lrs: groupLrs(opt), last: [...schedule.lastLrs], momenta: groupMomenta(opt) };
    const steps = cfg.lrs.length - 1;
    const run = runSteps(cfg, schedule, opt, 0, steps);
    const expected = cfg.lrs.map((row) => row.map((v) => expectedLr(cfg, v)));
    expect(firstMismatch([atStart.lrs, ...run.lrs], expected)).toBeUndefined();
    expect(firstMismatch([atStart.last, ...run.last], expected)).toBeUndefined();
    expect(run.returned).toEqual(run.lrs.map((row) => row[0]));
    expect(schedule.stepCount).toBe(steps);
    if (cfg.momenta) expect(firstMismatch([atStart.momenta, ...run.momenta], cfg.momenta)).toBeUndefined();
  });

  it.each(fixed.map((c) => [c.name, c] as const))('%s: lrAt(t) gives the same rates without stepping', (_n, cfg) => {
    const opt = makeOptimizer(cfg);
    const schedule = build(opt, cfg) as Schedule;
    const before = groupLrs(opt);
    const table = cfg.lrs.map((row, t) => row.map((_, g) => schedule.lrAt(t, g)));
    expect(firstMismatch(table, cfg.lrs.map((row) => row.map((v) => expectedLr(cfg, v))))).toBeUndefined();
    expect(groupLrs(opt)).toEqual(before);
    expect(schedule.stepCount).toBe(0);
  });

  it('follows PyTorch\'s recursive cosine when chained, which is not the product of the closed forms', () => {
    const cfg = configs.find((c) => c.name.startsWith('ChainedScheduler linear warmup interleaved'))!;
    const opt = makeOptimizer(cfg);
    const linear = new LinearLR(opt, cfg.children![0]!.options);
    const cosine = new CosineAnnealingLR(opt, cfg.children![1]!.options as { TMax: number });
    new ChainedScheduler([linear, cosine]);
    const product = cfg.lrs.map((_, t) => (linear.lrAt(t) * cosine.lrAt(t)) / fixtures.groupLrs[0]!);
    const worst = Math.max(...cfg.lrs.map((row, t) => Math.abs(product[t]! - row[0]!) / row[0]!));
    expect(worst).toBeGreaterThan(0.1);
  });

  it('stops OneCycleLR at 0 on the extrapolated last step where PyTorch goes negative', () => {
    const cfg = configs.find((c) => c.name === 'OneCycleLR linear three-phase per-group maxLr')!;
    const torchLast = cfg.lrs[cfg.lrs.length - 1]!;
    expect(Math.min(...torchLast)).toBeLessThan(0);
    const opt = makeOptimizer(cfg);
    const schedule = build(opt, cfg) as OneCycleLR;
    for (let t = 0; t < schedule.totalSteps; t++) schedule.step();
    torchLast.forEach((v, g) => expect(schedule.lastLrs[g]).toBe(v < 0 ? 0 : v));
  });
});

// ---- state dicts ----

describe('state dicts', () => {
  it.each(configs.map((c) => [c.name, c] as const))('%s: a schedule restored mid-run (through JSON) continues exactly', (_n, cfg) => {
    const steps = cfg.lrs.length - 1, half = Math.floor(steps / 2);
    const optA = makeOptimizer(cfg);
    const a = build(optA, cfg);
    runSteps(cfg, a, optA, 0, half);
    const sd = JSON.parse(JSON.stringify(a.stateDict())) as ScheduleStateDict;
    const rest = runSteps(cfg, a, optA, half, steps);

    const optB = makeOptimizer(cfg);
    const b = build(optB, cfg);
    b.loadStateDict(sd);
    expect(b.stepCount).toBe(half);
    expect(b.lastLrs).toEqual(sd.lastLrs);
    expect(groupLrs(optB)).toEqual(sd.lastLrs);
    const resumed = runSteps(cfg, b, optB, half, steps);
    expect(resumed.lrs).toEqual(rest.lrs);
    expect(resumed.momenta).toEqual(rest.momenta);
  });

  it('drives a bare LearningRates exactly after a restore, without restoring the rates separately', () => {
    const a = new CosineAnnealingLR({ lr: [0.1, 0.05] }, { TMax: 10 });
    for (let t = 0; t < 4; t++) a.step();
    const b = new CosineAnnealingLR({ lr: [0.1, 0.05] }, { TMax: 10 });
    b.loadStateDict(a.stateDict());
    for (let t = 0; t < 6; t++) expect(b.step()).toBe(a.step());
    expect((b.target as LearningRates).lrs).toEqual((a.target as LearningRates).lrs);
  });

  it('refuses a state dict of another class or group count and leaves the schedule as it was', () => {
    const opt = new SGD([{ params: [new Float32Array(1)], lr: 0.1 }, { params: [new Float32Array(1)], lr: 0.05 }], js);
    const s = new StepLR(opt, { stepSize: 2 });
    s.step();
    const before = s.stateDict();
    const other = new ExponentialLR({ lr: [0.1, 0.05] }, { gamma: 0.5 }).stateDict();
    expect(() => s.loadStateDict(other)).toThrow(TypeError);
    expect(() => s.loadStateDict(other)).toThrow(/ExponentialLR/);
    const oneGroup = new StepLR({ lr: 0.3 }, { stepSize: 2 }).stateDict();
    expect(() => s.loadStateDict(oneGroup)).toThrow(RangeError);
    expect(() => s.loadStateDict({ ...before, lastLrs: [0.1, -1] })).toThrow(/lastLrs\[1\]/);
    expect(() => s.loadStateDict({ ...before, format: 'x' } as unknown as ScheduleStateDict)).toThrow(TypeError);
    expect(s.stateDict()).toEqual(before);
    expect(groupLrs(opt)).toEqual(before.lastLrs);
  });

  it('refuses a SequentialLR state dict whose child states do not fit, before changing anything', () => {
    const lrs = new LearningRates(0.1);
    const seq = new SequentialLR(lrs, {
      schedulers: [new LinearLR(lrs, { startFactor: 0.5, totalIters: 2 }), new ExponentialLR(lrs, { gamma: 0.9 })],
      milestones: [3],
    });
    seq.step();
    const sd = seq.stateDict();
    const broken = { ...sd, children: [sd.children![0]!, { ...sd.children![1]!, schedule: 'StepLR' }] };
    const before = seq.stateDict();
    expect(() => seq.loadStateDict(broken)).toThrow(/StepLR/);
    expect(() => seq.loadStateDict({ ...sd, children: [sd.children![0]!] })).toThrow(RangeError);
    expect(seq.stateDict()).toEqual(before);
  });
});

// ---- driving optimizers and bare rates ----

describe('driving an optimizer', () => {
  it('changes the learning rate the optimizer\'s next step uses', () => {
    const p = new Float32Array(2);
    const opt = new SGD(p, { lr: 0.1 });
    const schedule = new StepLR(opt, { stepSize: 1, gamma: 0.5 });
    const grad = new Float32Array([1, 1]);
    opt.step(grad);
    expect(Array.from(p)).toEqual([Math.fround(-0.1), Math.fround(-0.1)]);
    expect(schedule.step()).toBe(0.05);
    expect(opt.lr).toBe(0.05);
    opt.step(grad);
    expect(Array.from(p)).toEqual([Math.fround(Math.fround(-0.1) - 0.05), Math.fround(Math.fround(-0.1) - 0.05)]);
  });

  it('scales each parameter group from its own base rate', () => {
    const opt = new SGD([{ params: [new Float32Array(1)], lr: 0.1 }, { params: [new Float32Array(1)], lr: 0.02 }], js);
    const schedule = new ExponentialLR(opt, { gamma: 0.5 });
    schedule.step();
    schedule.step();
    expect(groupLrs(opt)).toEqual([0.025, 0.005]);
    expect(schedule.lrAt(2, 1)).toBe(0.005);
  });

  it('cycles SGD momentum and Adam beta1 but leaves an optimizer without momentum alone', () => {
    const sgd = new SGD(new Float32Array(1), { lr: 0.1, momentum: 0.5, ...js });
    new CyclicLR(sgd, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 4 });
    expect(sgd.paramGroups[0]!.options.momentum).toBe(0.9);
    const adam = new Adam(new Float32Array(1), { betas: [0.5, 0.99], ...js });
    new OneCycleLR(adam, { maxLr: 0.01, totalSteps: 10 });
    expect(adam.paramGroups[0]!.options.betas).toEqual([0.95, 0.99]);
    const adagrad = new Adagrad(new Float32Array(1), { lr: 0.1, ...js });
    const cyclic = new CyclicLR(adagrad, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 4 });
    expect(cyclic.cycleMomentum).toBe(false);
    expect(cyclic.step()).toBeCloseTo(0.0325, 15);
    expect(() => new CyclicLR(adagrad, { baseLr: 0.01, maxLr: 0.1, cycleMomentum: true })).toThrow(/cycleMomentum/);
  });

  it('works without an optimizer through { lr } or a shared LearningRates', () => {
    const alone = new StepLR({ lr: 0.1 }, { stepSize: 2, gamma: 0.5 });
    expect(alone.target).toBeInstanceOf(LearningRates);
    expect([alone.step(), alone.step(), alone.step()]).toEqual([0.1, 0.05, 0.05]);
    expect((alone.target as LearningRates).lr).toBe(0.05);

    const lrs = new LearningRates([0.1, 0.05]);
    const warmup = new LinearLR(lrs, { startFactor: 0.5, totalIters: 2 });
    const decay = new ExponentialLR(warmup.target, { gamma: 0.5 });
    const seq = new SequentialLR(lrs, { schedulers: [warmup, decay], milestones: [2] });
    expect(lrs.lrs).toEqual([0.05, 0.025]);
    seq.step();
    seq.step();
    expect(lrs.lrs).toEqual([0.1, 0.05]);
    seq.step();
    expect(lrs.lrs).toEqual([0.05, 0.025]);

    const shared = { lr: 0.2 };
    expect(new FixedLR(shared).target).toBe(new ExponentialLR(shared, { gamma: 0.5 }).target);
  });

  it('computes inverse-time decay lr0 / (1 + d·s)^p, with s floored in staircase mode', () => {
    expect(new InverseTimeLR({ lr: 0.3 }, { decayRate: 0.5 }).lrAt(2)).toBe(0.15);
    const stairs = new InverseTimeLR({ lr: 0.3 }, { decayRate: 0.5, decaySteps: 4, staircase: true });
    expect([stairs.lrAt(3), stairs.lrAt(4), stairs.lrAt(8)]).toEqual([0.3, 0.3 / 1.5, 0.15]);
    expect(new InverseTimeLR({ lr: 0.3 }, { decayRate: 0.5, power: 0.5 }).lrAt(6)).toBe(0.15);
  });

  it('lowers the rate after patience steps without improvement, then waits out the cooldown', () => {
    const opt = new SGD(new Float32Array(1), { lr: 1, ...js });
    const plateau = new ReduceLROnPlateau(opt, { patience: 2, factor: 0.5, cooldown: 2 });
    const lrs = [5, 4, 4, 4, 4, 4, 4, 4, 4, 4].map((loss) => plateau.step(loss));
    expect(lrs).toEqual([1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25]);
    expect(plateau.best).toBe(4);
  });

  it('keeps lrAt pure for composites by replaying a copy', () => {
    const opt = new SGD(new Float32Array(1), { lr: 0.1, ...js });
    const chained = new ChainedScheduler([new ConstantLR(opt, { factor: 0.5, totalIters: 3 }), new ExponentialLR(opt, { gamma: 0.9 })]);
    const expected = [0, 1, 2, 3, 4].map((t) => chained.lrAt(t));
    expect(opt.lr).toBe(0.05);
    const stepped = [chained.lastLr, ...[1, 2, 3, 4].map(() => chained.step())];
    expect(stepped).toEqual(expected);
  });
});

// ---- argument checks ----

describe('argument checks', () => {
  const sgd = () => new SGD(new Float32Array(1), { lr: 0.1, ...js });
  const two = () => new SGD([{ params: [new Float32Array(1)], lr: 0.1 }, { params: [new Float32Array(1)], lr: 0.05 }], js);
  const cases: Array<[string, () => unknown, ErrorConstructor, RegExp]> = [
    ['a target that is not an optimizer', () => new StepLR(42 as unknown as ScheduleTarget, { stepSize: 1 }), TypeError, /first argument/],
    ['a negative { lr }', () => new StepLR({ lr: -1 }, { stepSize: 1 }), RangeError, /lr/],
    ['an object with other keys', () => new StepLR({ learningRate: 1 } as unknown as ScheduleTarget, { stepSize: 1 }), TypeError, /learningRate/],
    ['StepLR without stepSize', () => new StepLR(sgd(), {} as { stepSize: number }), TypeError, /stepSize/],
    ['StepLR stepSize 0', () => new StepLR(sgd(), { stepSize: 0 }), RangeError, /stepSize/],
    ['StepLR negative gamma', () => new StepLR(sgd(), { stepSize: 1, gamma: -0.1 }), RangeError, /gamma/],
    ['a snake_case option', () => new StepLR(sgd(), { step_size: 3 } as unknown as { stepSize: number }), TypeError, /unknown option 'step_size'/],
    ['MultiStepLR milestones not an array', () => new MultiStepLR(sgd(), { milestones: 5 as unknown as number[] }), TypeError, /milestones/],
    ['MultiStepLR fractional milestone', () => new MultiStepLR(sgd(), { milestones: [3, 1.5] }), RangeError, /milestones\[1\]/],
    ['ConstantLR factor 0', () => new ConstantLR(sgd(), { factor: 0 }), RangeError, /factor/],
    ['ConstantLR totalIters 0', () => new ConstantLR(sgd(), { totalIters: 0 }), RangeError, /totalIters/],
    ['LinearLR startFactor 0', () => new LinearLR(sgd(), { startFactor: 0 }), RangeError, /startFactor/],
    ['LinearLR endFactor above 1', () => new LinearLR(sgd(), { endFactor: 1.5 }), RangeError, /endFactor/],
    ['ExponentialLR without gamma', () => new ExponentialLR(sgd(), {} as { gamma: number }), TypeError, /gamma/],
    ['PolynomialLR negative power', () => new PolynomialLR(sgd(), { power: -1 }), RangeError, /power/],
    ['InverseTimeLR decaySteps 0', () => new InverseTimeLR(sgd(), { decayRate: 1, decaySteps: 0 }), RangeError, /decaySteps/],
    ['InverseTimeLR staircase not boolean', () => new InverseTimeLR(sgd(), { decayRate: 1, staircase: 1 as unknown as boolean }), TypeError, /staircase/],
    ['CosineAnnealingLR TMax 0', () => new CosineAnnealingLR(sgd(), { TMax: 0 }), RangeError, /TMax/],
    ['CosineAnnealingLR negative etaMin', () => new CosineAnnealingLR(sgd(), { TMax: 5, etaMin: -1 }), RangeError, /etaMin/],
    ['CosineAnnealingWarmRestarts TMult 1.5', () => new CosineAnnealingWarmRestarts(sgd(), { T0: 5, TMult: 1.5 }), RangeError, /TMult/],
    ['CosineAnnealingWarmRestarts without T0', () => new CosineAnnealingWarmRestarts(sgd(), {} as { T0: number }), TypeError, /T0/],
    ['LambdaLR lrLambda not a function', () => new LambdaLR(sgd(), { lrLambda: 0.5 as unknown as () => number }), TypeError, /lrLambda/],
    ['LambdaLR one function for two groups given as an array of one', () => new LambdaLR(two(), { lrLambda: [() => 1] }), RangeError, /lrLambda/],
    ['CyclicLR baseLr with the wrong group count', () => new CyclicLR(two(), { baseLr: [0.1], maxLr: 1 }), RangeError, /baseLr/],
    ['CyclicLR unknown mode', () => new CyclicLR(sgd(), { baseLr: 0.1, maxLr: 1, mode: 'square' as 'triangular' }), RangeError, /mode/],
    ['CyclicLR cycleMomentum on bare rates', () => new CyclicLR({ lr: 0.1 }, { baseLr: 0.1, maxLr: 1, cycleMomentum: true }), TypeError, /cycleMomentum/],
    ['CyclicLR maxMomentum 1', () => new CyclicLR(sgd(), { baseLr: 0.1, maxLr: 1, maxMomentum: 1 }), RangeError, /maxMomentum/],
    ['OneCycleLR without a length', () => new OneCycleLR(sgd(), { maxLr: 0.1 }), TypeError, /totalSteps/],
    ['OneCycleLR epochs without stepsPerEpoch', () => new OneCycleLR(sgd(), { maxLr: 0.1, epochs: 3 }), TypeError, /stepsPerEpoch/],
    ['OneCycleLR pctStart above 1', () => new OneCycleLR(sgd(), { maxLr: 0.1, totalSteps: 10, pctStart: 1.2 }), RangeError, /pctStart/],
    ['OneCycleLR a warmup of zero steps', () => new OneCycleLR(sgd(), { maxLr: 0.1, totalSteps: 10, pctStart: 0.1 }), RangeError, /zero steps/],
    ['OneCycleLR unknown annealStrategy', () => new OneCycleLR(sgd(), { maxLr: 0.1, totalSteps: 10, annealStrategy: 'exp' as 'cos' }), RangeError, /annealStrategy/],
    ['ReduceLROnPlateau factor 1', () => new ReduceLROnPlateau(sgd(), { factor: 1 }), RangeError, /factor/],
    ['ReduceLROnPlateau unknown mode', () => new ReduceLROnPlateau(sgd(), { mode: 'up' as 'min' }), RangeError, /mode/],
    ['ReduceLROnPlateau thresholdMode', () => new ReduceLROnPlateau(sgd(), { thresholdMode: 'pct' as 'rel' }), RangeError, /thresholdMode/],
    ['ReduceLROnPlateau minLr per group of the wrong length', () => new ReduceLROnPlateau(two(), { minLr: [0, 0, 0] }), RangeError, /minLr/],
    ['ReduceLROnPlateau fractional patience', () => new ReduceLROnPlateau(sgd(), { patience: 1.5 }), RangeError, /patience/],
    ['ReduceLROnPlateau.step without a metric', () => new ReduceLROnPlateau(sgd()).step(), TypeError, /metric/],
    ['SequentialLR milestones of the wrong length', () => {
      const o = sgd();
      return new SequentialLR(o, { schedulers: [new StepLR(o, { stepSize: 1 }), new FixedLR(o)], milestones: [] });
    }, RangeError, /milestones/],
    ['SequentialLR decreasing milestones', () => {
      const o = sgd();
      return new SequentialLR(o, { schedulers: [new FixedLR(o), new FixedLR(o), new FixedLR(o)], milestones: [5, 3] });
    }, RangeError, /milestones\[1\]/],
    ['SequentialLR over another optimizer', () => {
      const o = sgd();
      return new SequentialLR(o, { schedulers: [new FixedLR(o), new FixedLR(sgd())], milestones: [2] });
    }, RangeError, /schedulers\[1\]/],
    ['SequentialLR wrapping ReduceLROnPlateau', () => {
      const o = sgd();
      return new SequentialLR(o, { schedulers: [new FixedLR(o), new ReduceLROnPlateau(o) as unknown as BaseSchedule], milestones: [2] });
    }, TypeError, /schedulers\[1\]/],
    ['ChainedScheduler of nothing', () => new ChainedScheduler([]), TypeError, /schedulers/],
    ['ChainedScheduler over two optimizers', () => new ChainedScheduler([new FixedLR(sgd()), new FixedLR(sgd())]), RangeError, /schedulers\[1\]/],
    ['lrAt of a negative step', () => new StepLR(sgd(), { stepSize: 1 }).lrAt(-1), RangeError, /\bt\b/],
    ['lrAt of a fractional step', () => new StepLR(sgd(), { stepSize: 1 }).lrAt(1.5), RangeError, /\bt\b/],
    ['lrAt of a missing group', () => new StepLR(sgd(), { stepSize: 1 }).lrAt(0, 1), RangeError, /group/],
    ['lrAt past the end of a OneCycleLR', () => new OneCycleLR(sgd(), { maxLr: 0.1, totalSteps: 10 }).lrAt(11), RangeError, /totalSteps/],
  ];

  it.each(cases)('rejects %s', (_what, make, ErrorClass, message) => {
    expect(make).toThrow(ErrorClass);
    expect(make).toThrow(message);
  });

  it('rejects a learning-rate lambda that returns NaN without touching the optimizer', () => {
    const opt = sgd();
    const schedule = new LambdaLR(opt, { lrLambda: (t) => (t === 2 ? NaN : 1 / (t + 1)) });
    schedule.step();
    expect(() => schedule.step()).toThrow(RangeError);
    expect(opt.lr).toBe(0.05);
    expect(schedule.stepCount).toBe(1);
  });

  it('refuses to step a OneCycleLR past totalSteps and keeps its state', () => {
    const schedule = new OneCycleLR(sgd(), { maxLr: 0.1, totalSteps: 10 });
    for (let t = 0; t < 10; t++) schedule.step();
    const last = schedule.lastLr;
    expect(() => schedule.step()).toThrow(/past the end/);
    expect(schedule.stepCount).toBe(10);
    expect(schedule.lastLr).toBe(last);
  });
});
