/**
 * Fuzzes every other export of lib/index.ts: free functions (data, objectives, training helpers,
 * native controls) with near-valid or weird arguments, and each helper class and schedule built
 * with random options and then driven through a random sequence of method calls. Strings starting
 * with '@' in a description stand for library objects (an optimizer, a random source, a matrix...),
 * made fresh for each run by {@link resolveSpecials}.
 */
import { types } from 'node:util';
import fc from 'fast-check';
import * as lib from '../../lib/index';
import { anyF32, boundedSpecialNumber, f32, lit, mostly, numDesc, optionsObject, specialNumber, u32, weird, weirdDeep } from './arbitraries';
import { checkAsyncCall, checkCall, checkInvariant, describeError, sameBits } from './check';
import type { Allow, FuzzStats } from './check';
import { allowParseError, fixtureDir, svmlightBytes } from './addon-data';
import { includeKnownHazards } from './known-bugs';
import { withNativeSettings } from './addon-kernels';
import { suite } from './suite';
import { materialize, Tracker } from './values';
import type { Desc } from './values';

const SUITE = 'api';

// ---- library objects behind '@' names ----

const SPECIALS = ['@seeded', '@xoshiro', '@sgd', '@adam2', '@lrs', '@lrobj', '@dense', '@csr', '@y4', '@y3', '@ids3', '@beale',
  '@rosenbrock', '@scaler', '@svm', '@grid', '@mlp', '@arena', '@x8', '@c4'] as const;

function makeSpecial(name: string): unknown {
  switch (name) {
    case '@seeded': return new lib.SeededRandom(7);
    case '@xoshiro': return new lib.Xoshiro128(7);
    case '@sgd': return new lib.SGD([new Float32Array(4).fill(1)], { lr: 0.1 });
    case '@adam2': return new lib.Adam([new Float32Array(3).fill(1), new Float32Array(5).fill(1)]);
    case '@lrs': return new lib.LearningRates([0.1, 0.2]);
    case '@lrobj': return { lr: 0.1 };
    case '@dense': return { data: Float32Array.from({ length: 12 }, (_, i) => Math.sin(i)), rows: 4, cols: 3 };
    case '@csr': return { indptr: Int32Array.from([0, 2, 2, 3]), indices: Int32Array.from([0, 3, 1]), values: Float32Array.from([1, 2, 3]), cols: 4 };
    case '@y4': return Float32Array.from([1, -1, 1, -1]);
    case '@y3': return Float32Array.from([1, 0, 1]);
    case '@ids3': return Int32Array.from([0, 2, 1]);
    case '@beale': return lib.beale;
    case '@rosenbrock': return lib.rosenbrock;
    case '@scaler': return lib.fitStandardScaler(makeSpecial('@dense') as lib.DenseMatrix);
    case '@svm': return `${fixtureDir()}/ok.svm`;
    case '@grid': return lib.sampleGrid((x, y) => x * x + y, [-1, 1, -1, 1], 5, 4);
    case '@mlp': return new lib.MLP({ sizes: [2, 4, 2], seed: 1 });
    case '@arena': return new lib.ParamArena({ w: 8, b: 4 });
    case '@x8': return Float32Array.from([0.1, 0.2, -0.3, 0.4, 0.5, -0.6, 0.7, 0.8]);
    case '@c4': return Int32Array.from([0, 1, 1, 0]);
    default: return name;
  }
}

/** Replaces '@' names (at any depth of plain arrays and objects) by fresh library objects. */
export function resolveSpecials(v: unknown): unknown {
  if (typeof v === 'string' && v.startsWith('@')) return makeSpecial(v);
  if (Array.isArray(v)) return v.map(resolveSpecials);
  if (v !== null && typeof v === 'object' && !types.isProxy(v) && Object.getPrototypeOf(v) === Object.prototype) {
    for (const k of Object.keys(v)) (v as Record<string, unknown>)[k] = resolveSpecials((v as Record<string, unknown>)[k]);
  }
  return v;
}

const sp = (...names: Array<(typeof SPECIALS)[number]>): fc.Arbitrary<Desc> => fc.constantFrom(...names).map(lit);
const n = (...values: number[]): fc.Arbitrary<Desc> => fc.constantFrom(...values).map(lit);
const s = (...values: string[]): fc.Arbitrary<Desc> => fc.constantFrom(...values).map(lit);
const b = fc.boolean().map(lit);
const count = mostly(fc.oneof(fc.integer({ min: 0, max: 20 }).map(lit), numDesc(boundedSpecialNumber)), 4);
/** Sizes that stay small even when valid (grid resolutions, feature counts, points). */
const small = fc.oneof(fc.integer({ min: 0, max: 12 }).map(lit), fc.constantFrom(-1, 1.5, NaN, Infinity, 1e300).map(lit), weird);
const grads: fc.Arbitrary<Desc> = fc.oneof(
  { arbitrary: anyF32, weight: 2 },
  { arbitrary: fc.array(fc.oneof({ arbitrary: anyF32, weight: 8 }, { arbitrary: fc.constant(lit(null)), weight: 1 }), { maxLength: 3 })
    .map((items) => ({ t: 'arr', items }) as Desc), weight: 4 },
  { arbitrary: weirdDeep, weight: 1 },
);
const arrays34: fc.Arbitrary<Desc> = fc.oneof(
  { arbitrary: fc.tuple(f32(3), f32(5)).map((items) => ({ t: 'arr', items }) as Desc), weight: 4 },
  { arbitrary: grads, weight: 1 },
);
const matrix = mostly(sp('@dense', '@csr'), 5);
const rowsArg = fc.oneof(fc.constant(lit(undefined)), u32(fc.array(fc.nat(5), { maxLength: 4 })), weird);
const objective = mostly(fc.record({
  loss: mostly(s('squared', 'logistic', 'hinge', 'softmax'), 8),
  classes: fc.option(n(1, 2, 3, 0, 2 ** 24), { nil: undefined }).map((v) => v ?? lit(undefined)),
  bias: fc.option(b, { nil: undefined }).map((v) => v ?? lit(undefined)),
  l2: fc.option(n(0, 0.1, -1, NaN), { nil: undefined }).map((v) => v ?? lit(undefined)),
}).map((o) => ({ t: 'obj', props: Object.entries(o) }) as Desc), 6);
const fnDesc = fc.constantFrom('zero', 'nan', 'one', 'rand', 'throw').map((mode) => ({ t: 'fn', mode }) as Desc);

interface FunctionSpec {
  args: fc.Arbitrary<Desc[]>;
  call(...a: unknown[]): unknown;
  allow?: Allow;
}

const FUNCTIONS: Record<string, FunctionSpec> = {
  uniformInt: { args: fc.tuple(mostly(sp('@seeded', '@xoshiro')), count), call: (r, k) => lib.uniformInt(r as never, k as number) },
  identityIndices: { args: fc.tuple(count), call: (k) => lib.identityIndices(k as number) },
  shuffleIndices: { args: fc.tuple(fc.oneof(count, u32(fc.array(fc.nat(9), { maxLength: 8 }))), mostly(sp('@seeded', '@xoshiro'))),
    call: (i, r) => lib.shuffleIndices(i as number, r as never) },
  permutation: { args: fc.tuple(count, mostly(sp('@seeded', '@xoshiro'))), call: (k, r) => lib.permutation(k as number, r as never) },
  seedState: { args: fc.tuple(count), call: (k) => lib.seedState(k as number) },
  shuffle: { args: fc.tuple(mostly(u32(fc.array(fc.nat(9), { maxLength: 8 }))), mostly(sp('@xoshiro', '@seeded')), mostly(s('native', 'js'))),
    call: (i, r, k) => lib.shuffle(i as Uint32Array, r as never, k as 'js') },
  trainValidationSplit: { args: fc.tuple(count, optionsObject({ validationFraction: n(0, 0.2, 0.5, 1, -0.1), seed: fc.oneof(n(1, 2.5, -1), sp('@xoshiro')), stratify: sp('@y4', '@ids3', '@y3') })),
    call: (k, o) => lib.trainValidationSplit(k as number, o as never) },
  splitData: { args: fc.tuple(matrix, mostly(sp('@y4', '@y3', '@ids3')), optionsObject({ validationFraction: n(0, 0.25, 0.5, 1), seed: n(1, 3), stratify: b })),
    call: (x, y, o) => lib.splitData(x as never, y as never, o as never) },
  fitStandardScaler: { args: fc.tuple(matrix, rowsArg), call: (x, r) => lib.fitStandardScaler(x as never, r as never) },
  applyStandardScaler: { args: fc.tuple(matrix, mostly(sp('@scaler')), fc.oneof(fc.constant(lit(undefined)), optionsObject({ inPlace: b }))),
    call: (x, sc, o) => lib.applyStandardScaler(x as never, sc as never, o as never) },
  standardize: { args: fc.tuple(matrix, rowsArg), call: (x, r) => lib.standardize(x as never, r as never) },
  selectRows: { args: fc.tuple(matrix, mostly(u32(fc.array(fc.nat(4), { maxLength: 5 })))), call: (x, r) => lib.selectRows(x as never, r as never) },
  selectLabels: { args: fc.tuple(mostly(sp('@y4', '@ids3')), mostly(u32(fc.array(fc.nat(4), { maxLength: 5 })))), call: (y, r) => lib.selectLabels(y as never, r as never) },
  checkMatrix: { args: fc.tuple(weirdDeep), call: (x) => lib.checkMatrix(x) },
  isCsr: { args: fc.tuple(matrix), call: (x) => lib.isCsr(x as never) },
  rowCount: { args: fc.tuple(matrix), call: (x) => lib.rowCount(x as never) },
  lossAndGrad: { args: fc.tuple(objective, matrix, mostly(sp('@y4', '@y3', '@ids3')), mostly(f32(4)), fc.oneof(fc.constant(lit(undefined)), f32(4), weird), rowsArg),
    call: (o, x, y, w, g, r) => lib.lossAndGrad(o as never, x as never, y as never, w as never, g as never, r as never) },
  predictScores: { args: fc.tuple(objective, matrix, mostly(f32(4)), rowsArg), call: (o, x, w, r) => lib.predictScores(o as never, x as never, w as never, r as never) },
  predictClasses: { args: fc.tuple(objective, matrix, mostly(f32(4)), rowsArg), call: (o, x, w, r) => lib.predictClasses(o as never, x as never, w as never, r as never) },
  evaluate: { args: fc.tuple(objective, matrix, mostly(sp('@y4', '@y3')), mostly(f32(4)), rowsArg), call: (o, x, y, w, r) => lib.evaluate(o as never, x as never, y as never, w as never, r as never) },
  parameterCount: { args: fc.tuple(objective, count), call: (o, c) => lib.parameterCount(o as never, c as number) },
  isClassification: { args: fc.tuple(objective), call: (o) => lib.isClassification(o as never) },
  valueAndGrad: { args: fc.tuple(mostly(sp('@beale', '@rosenbrock')), mostly(f32(2)), mostly(f32(2))), call: (f, p, g) => lib.valueAndGrad(f as never, p as never, g as never) },
  testFunction: { args: fc.tuple(fc.constantFrom(0, 1, 2, 3, 4).map(lit), numDesc(specialNumber), numDesc(specialNumber)),
    call: (i, x, y) => { const f = lib.testFunctions[i as number]!; return [f.value(x as number, y as number), f.gradient(x as number, y as number)]; } },
  clipGradValue: { args: fc.tuple(grads, count), call: (g, v) => lib.clipGradValue(g as never, v as number) },
  clipGradNorm: { args: fc.tuple(grads, count, fc.oneof(n(1, 2, Infinity, 0, -1, 0.5), weird), fc.oneof(fc.constant(lit(undefined)), optionsObject({ errorIfNonfinite: b }))),
    call: (g, m, p, o) => lib.clipGradNorm(g as never, m as number, p as number, o as never) },
  clipGradNormEach: { args: fc.tuple(grads, count, fc.oneof(n(1, 2, Infinity, 0), weird), fc.oneof(fc.constant(lit(undefined)), optionsObject({ errorIfNonfinite: b }))),
    call: (g, m, p, o) => lib.clipGradNormEach(g as never, m as number, p as number, o as never) },
  hasNonFinite: { args: fc.tuple(grads), call: (g) => lib.hasNonFinite(g as never) },
  findNonFinite: { args: fc.tuple(grads), call: (g) => lib.findNonFinite(g as never) },
  guardStep: { args: fc.tuple(mostly(sp('@sgd', '@adam2')), fc.oneof(f32(4), arrays34, grads), mostly(s('propagate', 'skip', 'throw')), fc.oneof(fc.constant(lit(undefined)), weird)),
    call: (o, g, p, st) => lib.guardStep(o as never, g as never, p as never, st as never) },
  createGuardStats: { args: fc.constant([]), call: () => lib.createGuardStats() },
  gradientCheck: { args: fc.tuple(mostly(fnDesc), mostly(fnDesc), mostly(f32(3)), fc.oneof(fc.constant(lit(undefined)),
    optionsObject({ eps: n(1e-3, 0, -1), maxCoords: n(1, 2, 0), seed: n(1), floor: n(1e-6, 0), indices: fc.constant<Desc>({ t: 'arr', items: [lit(0), lit(2)] }) }))),
  call: (f, g, p, o) => lib.gradientCheck(f as never, wrapGrad(g) as never, p as never, o as never) },
  nativeInfo: { args: fc.constant([]), call: () => lib.nativeInfo() },
  setIsa: { args: fc.tuple(fc.oneof(s('scalar', 'avx2', 'avx512', 'neon', ''), weird)), call: (x) => restoringNative(() => lib.setIsa(x as string)) },
  setThreads: { args: fc.tuple(fc.oneof(n(1, 2, 0, 1024, 1025, 1.5), weird)), call: (x) => restoringNative(() => lib.setThreads(x as number)) },
  setParallelMinElements: { args: fc.tuple(fc.oneof(n(0, 1, 100, -1, 0.5), weird)), call: (x) => restoringNative(() => lib.setParallelMinElements(x as number)) },
  tokenize: { args: fc.tuple(mostly(fc.string({ maxLength: 30 }).map(lit)), fc.oneof(fc.constant(lit(undefined)), optionsObject({ lowercase: b, minLength: small, maxLength: small }))),
    call: (t, o) => lib.tokenize(t as string, o as never) },
  murmurHash3: { args: fc.tuple(mostly(fc.string({ maxLength: 20 }).map(lit)), fc.oneof(fc.constant(lit(undefined)), count)), call: (t, sd) => lib.murmurHash3(t as string, sd as number) },
  fnv1a: { args: fc.tuple(mostly(fc.string({ maxLength: 20 }).map(lit))), call: (t) => lib.fnv1a(t as string) },
  murmurHash3Bytes: { args: fc.tuple(mostly(fc.array(fc.nat(255), { maxLength: 20 }).map((bytes) => ({ t: 'u8', bytes }) as Desc)), fc.oneof(fc.constant(lit(undefined)), count), fc.oneof(fc.constant(lit(undefined)), count)),
    call: (x, sd, len) => lib.murmurHash3Bytes(x as Uint8Array, sd as number, len as number) },
  fnv1aBytes: { args: fc.tuple(mostly(fc.array(fc.nat(255), { maxLength: 20 }).map((bytes) => ({ t: 'u8', bytes }) as Desc)),
    fc.oneof(fc.constant(lit(undefined)), includeKnownHazards ? count : fc.integer({ min: 0, max: 30 }).map(lit))),
    call: (x, len) => lib.fnv1aBytes(x as Uint8Array, len as number) },
  hashedBagOfWords: { args: fc.tuple(mostly(fc.array(fc.string({ maxLength: 20 }).map(lit), { maxLength: 4 }).map((items) => ({ t: 'arr', items }) as Desc)),
    fc.oneof(fc.constant(lit(undefined)), optionsObject({ nFeatures: small, seed: count, normalize: b, ngrams: n(1, 2, 3, 0, -1),
      weighting: s('binary', 'count', 'tf', 'tfidf', 'x'), hash: s('murmur3', 'fnv1a', 'x'), tokenizer: fnDesc }))),
  call: (t, o) => lib.hashedBagOfWords(t as string[], o as never) },
  makeSpirals: { args: fc.tuple(fc.oneof(fc.constant(lit(undefined)), optionsObject({ points: small, classes: n(2, 3, 1, 0, -1), turns: n(1, 0.5, -1, NaN), noise: n(0, 0.1, -1),
    seed: count, scales: fc.constant<Desc>({ t: 'arr', items: [lit(1), lit(2)] }), offsets: weird }))), call: (o) => lib.makeSpirals(o as never) },
  seriesColor: { args: fc.tuple(count), call: (i) => lib.seriesColor(i as number) },
  escapeXml: { args: fc.tuple(fc.oneof(fc.string({ maxLength: 12 }).map(lit), weird)), call: (t) => lib.escapeXml(t as string) },
  logLevels: { args: fc.tuple(numDesc(boundedSpecialNumber), numDesc(boundedSpecialNumber), small), call: (lo, hi, k) => lib.logLevels(lo as number, hi as number, k as number) },
  linearLevels: { args: fc.tuple(numDesc(boundedSpecialNumber), numDesc(boundedSpecialNumber), small), call: (lo, hi, k) => lib.linearLevels(lo as number, hi as number, k as number) },
  sampleGrid: { args: fc.tuple(mostly(fnDesc), mostly(fc.array(n(-1, 1, 0, 2, NaN), { minLength: 4, maxLength: 4 }).map((items) => ({ t: 'arr', items }) as Desc)), small, small),
    call: (f, bounds, nx, ny) => lib.sampleGrid(f as never, bounds as never, nx as number, ny as number) },
  contourLines: { args: fc.tuple(mostly(sp('@grid')), numDesc(boundedSpecialNumber)), call: (g, level) => lib.contourLines(g as never, level as number) },
  contourPlot: { args: fc.tuple(mostly(optionsObject({ f: fnDesc, bounds: fc.constant<Desc>({ t: 'arr', items: [lit(-1), lit(1), lit(-1), lit(1)] }),
    paths: fc.constant<Desc>({ t: 'arr', items: [{ t: 'obj', props: [['name', lit('p')], ['points', { t: 'arr', items: [{ t: 'obj', props: [['x', lit(0)], ['y', lit(0.5)]] }] }]] }] }),
    title: s('t', '<&>'), levels: fc.oneof(small, fc.constant<Desc>({ t: 'arr', items: [lit(0.1), lit(1)] })), levelScale: s('log', 'linear', 'x'), resolution: n(8, 2, 0, -1, 1.5),
    width: n(200, 0, -1), height: n(150, 0, NaN) }))), call: (o) => lib.contourPlot(o as never) },
  lineChart: { args: fc.tuple(mostly(optionsObject({ series: fc.constant<Desc>({ t: 'arr', items: [{ t: 'obj', props: [['name', lit('a')], ['x', { t: 'arr', items: [lit(1), lit(2), lit(3)] }],
    ['y', { t: 'arr', items: [lit(1), lit(NaN), lit(0)] }]] }] }), title: s('t'), xLabel: s('x'), yLabel: s('y'), logX: b, logY: b,
  xDomain: fc.constant<Desc>({ t: 'arr', items: [lit(1), lit(0)] }), width: n(300, 0, -1), height: n(200, 1) }))), call: (o) => lib.lineChart(o as never) },
  trainClassifier: { args: fc.tuple(mostly(sp('@mlp')), fc.oneof(fc.constant(lit('@mlpopt')), weird), mostly(sp('@x8')), mostly(sp('@c4')),
    mostly(optionsObject({ epochs: n(0, 1, 2, -1, 1.5), batchSize: n(2, 4, 1, 0), seed: count, onEpoch: fnDesc, onStep: fnDesc }))),
  call: (m, o, x, y, opts) => lib.trainClassifier(m as never, (o === '@mlpopt' && m instanceof lib.MLP ? new lib.Adam(m.arena.params(), { lr: 0.01 }) : o) as never, x as never, y as never, opts as never) },
  constructLayer: { args: fc.tuple(fc.constantFrom('Dense', 'ReLU', 'SoftmaxCrossEntropy', 'BatchNorm1d').map(lit), mostly(sp('@arena')), fc.oneof(s('w', 'b', 'x'), small), small, small,
    fc.oneof(b, s('f32', 'f64', 'x'))),
  call: (k, ...a) => new (lib as unknown as Record<string, new (...x: unknown[]) => object>)[k as string]!(...a) },
  readSvmlightSync: { args: fc.tuple(fc.oneof(svmlightBytes.map((bytes) => ({ t: 'u8', bytes }) as Desc), sp('@svm'), weird),
    fc.oneof(fc.constant(lit(undefined)), optionsObject({ zeroBased: fc.oneof(b, s('auto', 'yes')), nFeatures: count }))),
  call: (src, o) => lib.readSvmlightSync(src as never, o as never), allow: allowParseError },
};

/** gradientCheck's grad callback must return an array: wrap our number-returning callbacks. */
function wrapGrad(g: unknown): unknown {
  return typeof g === 'function' ? (p: Float32Array) => { const v = (g as (x: unknown) => number)(p); return new Float32Array(p.length).fill(v); } : g;
}

function restoringNative<T>(fn: () => T): T {
  const info = lib.nativeInfo();
  try {
    return fn();
  } finally {
    lib.setThreads(info.threads);
    withNativeSettings(info.isa, info.parallelMinElements, () => undefined);
  }
}

// ---- classes and their methods ----

type Methods = Record<string, fc.Arbitrary<Desc[]>>;
interface ClassSpec {
  ctor: fc.Arbitrary<Desc[]>;
  make(...a: unknown[]): object;
  methods: Methods;
}

const scheduleTarget = fc.oneof({ arbitrary: sp('@sgd', '@adam2', '@lrs', '@lrobj'), weight: 8 }, { arbitrary: weirdDeep, weight: 1 });
const lrLike = fc.oneof(n(0.1, 0.01, 1, 0, -1), fc.constant<Desc>({ t: 'arr', items: [lit(0.1), lit(0.2)] }), numDesc(specialNumber));
const stepsLike = fc.oneof(n(1, 2, 3, 10, 0, -1, 1.5), numDesc(boundedSpecialNumber));
const factorLike = fc.oneof(n(0.1, 0.5, 0.9, 1, 0, 2, -1), numDesc(specialNumber));
const SCHEDULE_OPTIONS: Record<string, Record<string, fc.Arbitrary<Desc>>> = {
  FixedLR: {},
  ConstantLR: { factor: factorLike, totalIters: stepsLike },
  StepLR: { stepSize: stepsLike, gamma: factorLike },
  MultiStepLR: { milestones: fc.array(stepsLike, { maxLength: 3 }).map((items) => ({ t: 'arr', items }) as Desc), gamma: factorLike },
  ExponentialLR: { gamma: factorLike },
  InverseTimeLR: { decayRate: factorLike, decaySteps: stepsLike, power: factorLike, staircase: b },
  PolynomialLR: { totalIters: stepsLike, power: factorLike },
  LinearLR: { startFactor: factorLike, endFactor: factorLike, totalIters: stepsLike },
  CosineAnnealingLR: { TMax: stepsLike, etaMin: factorLike },
  CosineAnnealingWarmRestarts: { T0: stepsLike, TMult: stepsLike, etaMin: factorLike },
  CyclicLR: { baseLr: lrLike, maxLr: lrLike, stepSizeUp: stepsLike, stepSizeDown: stepsLike, mode: s('triangular', 'triangular2', 'exp_range', 'x'),
    gamma: factorLike, scaleFn: fnDesc, scaleMode: s('cycle', 'iterations'), cycleMomentum: b, baseMomentum: factorLike, maxMomentum: factorLike },
  OneCycleLR: { maxLr: lrLike, totalSteps: stepsLike, epochs: stepsLike, stepsPerEpoch: stepsLike, pctStart: factorLike, annealStrategy: s('cos', 'linear'),
    cycleMomentum: b, baseMomentum: factorLike, maxMomentum: factorLike, divFactor: factorLike, finalDivFactor: factorLike, threePhase: b },
  LambdaLR: { lrLambda: fnDesc },
  MultiplicativeLR: { lrLambda: fnDesc },
  ReduceLROnPlateau: { mode: s('min', 'max'), factor: factorLike, patience: stepsLike, threshold: factorLike, thresholdMode: s('rel', 'abs'),
    cooldown: stepsLike, minLr: lrLike, eps: factorLike },
  SequentialLR: { schedulers: fc.array(s('@child', '@child', '@foreign'), { maxLength: 3 }).map((items) => ({ t: 'arr', items }) as Desc),
    milestones: fc.array(stepsLike, { maxLength: 2 }).map((items) => ({ t: 'arr', items }) as Desc) },
  ChainedScheduler: {},
};

const scheduleMethods: Methods = {
  step: fc.tuple(fc.oneof(fc.constant(lit(undefined)), numDesc(specialNumber))),
  lrAt: fc.tuple(stepsLike, fc.oneof(fc.constant(lit(undefined)), n(0, 1, 2, -1))),
  stateDict: fc.constant([]),
  loadStateDict: fc.tuple(fc.oneof(s('@self'), weirdDeep)),
  loadStateDictMangled: fc.tuple(fc.constantFrom('epoch', 'lastLrs', 'format', 'version', 'schedule', 'groups', 'state').map(lit), weirdDeep),
};

const CLASSES: Record<string, ClassSpec> = {
  ParamArena: {
    ctor: fc.tuple(mostly(fc.oneof(
      fc.constant<Desc>({ t: 'obj', props: [['w', lit(3)], ['b', lit(2)]] }),
      fc.array(fc.tuple(s('a', 'b', 'a'), count).map((e) => ({ t: 'arr', items: e }) as Desc), { maxLength: 3 }).map((items) => ({ t: 'arr', items }) as Desc),
    )), fc.oneof(fc.constant(lit(undefined)), optionsObject({ shared: b }))),
    make: (l, o) => new lib.ParamArena(l as never, o as never),
    methods: { param: fc.tuple(fc.oneof(s('w', 'b', 'a', 'x'), weird)), grad: fc.tuple(fc.oneof(s('w', 'b'), weird)), params: fc.constant([]),
      gradList: fc.constant([]), zeroGrads: fc.constant([]) },
  },
  LearningRates: { ctor: fc.tuple(lrLike), make: (lr) => new lib.LearningRates(lr as never),
    methods: { setLr: fc.tuple(lrLike, fc.oneof(fc.constant(lit(undefined)), n(0, 1, 2, -1))) } },
  SeededRandom: { ctor: fc.tuple(fc.oneof(fc.constant(lit(undefined)), count), fc.oneof(fc.constant(lit(undefined)), count)),
    make: (a, c) => new lib.SeededRandom(a as number, c as number),
    methods: { nextFloat: fc.constant([]), normal: fc.constant([]), state: fc.constant([]), setState: fc.tuple(fc.oneof(s('@state'), weirdDeep)) } },
  Xoshiro128: { ctor: fc.tuple(fc.oneof(count, u32(fc.array(fc.nat(), { maxLength: 5 })), u32(fc.constant([0, 0, 0, 0])))),
    make: (a) => new lib.Xoshiro128(a as number),
    methods: { nextFloat: fc.constant([]), below: fc.tuple(includeKnownHazards ? count : fc.oneof(n(1, 2, 7, 2 ** 32, 2 ** 32 - 1, -1, 1.5), fc.integer({ min: 1, max: 100 }).map(lit))) } },
  GradientNoise: { ctor: fc.tuple(fc.oneof(fc.constant(lit(undefined)), optionsObject({ eta: factorLike, gamma: factorLike, seed: count }))),
    make: (o) => new lib.GradientNoise(o as never),
    methods: { variance: fc.tuple(stepsLike), apply: fc.tuple(grads, stepsLike), state: fc.constant([]), setState: fc.tuple(fc.oneof(s('@state'), weirdDeep)) } },
  WeightEMA: { ctor: fc.tuple(arrays34, fc.oneof(fc.constant(lit(undefined)), optionsObject({ decay: factorLike, warmup: b }))),
    make: (p, o) => new lib.WeightEMA(p as never, o as never),
    methods: { update: fc.tuple(arrays34), copyTo: fc.tuple(arrays34), decayAt: fc.tuple(stepsLike), stateDict: fc.constant([]),
      loadStateDict: fc.tuple(fc.oneof(s('@self'), weirdDeep)), loadStateDictMangled: fc.tuple(s('decay', 'updates', 'shadow', 'format'), weirdDeep) } },
  GradientAccumulator: { ctor: fc.tuple(arrays34, mostly(optionsObject({ steps: stepsLike, average: b }))),
    make: (p, o) => new lib.GradientAccumulator(p as never, o as never),
    methods: { add: fc.tuple(fc.oneof(arrays34, grads)), take: fc.constant([]), reset: fc.constant([]) } },
  EarlyStopping: { ctor: fc.tuple(fc.oneof(fc.constant(lit(undefined)), optionsObject({ monitor: s('loss', 'val_loss', 'acc'), minDelta: factorLike, patience: stepsLike,
    mode: s('min', 'max', 'auto', 'x'), baseline: factorLike, restoreBest: b, startFromEpoch: stepsLike }))),
  make: (o) => new lib.EarlyStopping(o as never),
  methods: { onEpochEnd: fc.tuple(stepsLike, fc.oneof(fc.record({ loss: numDesc(fc.double()), val_loss: numDesc(specialNumber) })
    .map((o) => ({ t: 'obj', props: Object.entries(o) }) as Desc), weirdDeep), fc.oneof(fc.constant(lit(undefined)), arrays34)),
  restore: fc.tuple(arrays34), reset: fc.constant([]) } },
  Curriculum: { ctor: fc.tuple(fc.oneof(f32(6), fnDesc, weirdDeep), fc.oneof(fc.constant(lit(undefined)), optionsObject({ strategy: s('naive', 'combined', 'x'),
    start: factorLike, step: factorLike, uniformRatio: factorLike, batchSize: stepsLike, seed: count, size: stepsLike }))),
  make: (d, o) => new lib.Curriculum(d as never, o as never),
  methods: { poolFraction: fc.tuple(stepsLike), poolSize: fc.tuple(stepsLike), epochOrder: fc.tuple(stepsLike) } },
  MLP: { ctor: fc.tuple(mostly(optionsObject({ sizes: fc.array(fc.oneof(fc.integer({ min: 0, max: 5 }).map(lit), weird), { maxLength: 4 }).map((items) => ({ t: 'arr', items }) as Desc),
    batchNorm: b, seed: count, init: s('he', 'x'), precision: s('f32', 'f64', 'x') }))), make: (o) => new lib.MLP(o as never),
  methods: { forward: fc.tuple(mostly(sp('@x8')), n(4, 2, 0, 3, -1), fc.oneof(b, fc.constant(lit(undefined)))),
    lossAndGrad: fc.tuple(mostly(sp('@x8')), mostly(sp('@c4')), fc.oneof(fc.constant(lit(undefined)), u32(fc.array(fc.nat(5), { maxLength: 4 })))),
    loss: fc.tuple(mostly(sp('@x8')), mostly(sp('@c4'))), predict: fc.tuple(mostly(sp('@x8'))), accuracy: fc.tuple(mostly(sp('@x8')), mostly(sp('@c4'))) } },
  NonFiniteGuard: { ctor: fc.tuple(mostly(sp('@sgd', '@adam2')), fc.oneof(fc.constant(lit(undefined)), s('skip', 'throw', 'propagate', 'x'))),
    make: (o, p) => new lib.NonFiniteGuard(o as never, p as never), methods: { step: fc.tuple(fc.oneof(f32(4), arrays34, grads)) } },
  ...Object.fromEntries(Object.entries(SCHEDULE_OPTIONS).map(([name, keys]) => [name, {
    ctor: name === 'ChainedScheduler'
      ? fc.tuple(fc.array(s('@child', '@child', '@foreign'), { maxLength: 3 }).map((items) => ({ t: 'arr', items }) as Desc))
      : fc.tuple(scheduleTarget, fc.oneof({ arbitrary: optionsObject(keys), weight: 8 }, { arbitrary: fc.constant(lit(undefined)), weight: 1 })),
    make: (...a: unknown[]) => new (lib as unknown as Record<string, new (...x: unknown[]) => object>)[name]!(...a),
    methods: scheduleMethods,
  } satisfies ClassSpec])),
};

interface FunctionCall { kind: 'function'; name: string; args: Desc[] }
interface ClassScenario { kind: 'class'; name: string; ctor: Desc[]; calls: Array<{ method: string; args: Desc[] }> }
export type ApiCase = FunctionCall | ClassScenario;

export const apiCaseArb: fc.Arbitrary<ApiCase> = fc.oneof(
  fc.constantFrom(...Object.keys(FUNCTIONS)).chain((name) => FUNCTIONS[name]!.args.map((args) => ({ kind: 'function' as const, name, args }))),
  fc.constantFrom(...Object.keys(CLASSES)).chain((name) => {
    const spec = CLASSES[name]!;
    const methodNames = Object.keys(spec.methods);
    const call = fc.constantFrom(...methodNames).chain((method) => spec.methods[method]!.map((args) => ({ method, args })));
    return fc.record({ kind: fc.constant('class' as const), name: fc.constant(name), ctor: spec.ctor, calls: fc.array(call, { maxLength: 6 }) });
  }),
);

/** Builds the '@child' schedules of SequentialLR / ChainedScheduler on one shared target ('@foreign' on another). */
function scheduleChildren(values: unknown[]): unknown[] {
  const target = values[0] !== undefined && typeof values[0] === 'object' && !Array.isArray(values[0]) ? values[0] : new lib.SGD([new Float32Array(2)], { lr: 0.1 });
  const child = (token: unknown): unknown => {
    try {
      if (token === '@child') return new lib.StepLR(target as never, { stepSize: 2, gamma: 0.5 });
      if (token === '@foreign') return new lib.ExponentialLR(new lib.LearningRates(0.1), { gamma: 0.9 });
    } catch {
      // the fuzzed target is no valid target: the composite gets the token and must reject it
    }
    return token;
  };
  return values.map((v) => {
    if (Array.isArray(v)) return v.map(child); // ChainedScheduler([...])
    if (v !== null && typeof v === 'object' && !types.isProxy(v) && Array.isArray((v as { schedulers?: unknown }).schedulers))
      return { ...(v as object), schedulers: (v as { schedulers: unknown[] }).schedulers.map(child) };
    return v;
  });
}

/** An instance's own state, if it exposes one, for the "unchanged after a throw" comparison. */
function instanceState(obj: object): unknown {
  const o = obj as { stateDict?: () => unknown; state?: () => unknown; lastLrs?: unknown; count?: unknown; wait?: unknown };
  try {
    return { sd: o.stateDict?.(), st: typeof o.state === 'function' ? o.state() : undefined, lrs: o.lastLrs, count: o.count, wait: o.wait };
  } catch (error) {
    return { threw: String(error) };
  }
}

function methodArgs(obj: object, values: unknown[]): unknown[] {
  const own = (key: 'stateDict' | 'state'): unknown[] => {
    try {
      return [(obj as Record<string, () => unknown>)[key]!()];
    } catch {
      return [undefined];
    }
  };
  if (values[0] === '@self') return own('stateDict');
  if (values[0] === '@state') return own('state');
  return values;
}

export const apiCalls = suite<ApiCase>({
  name: 'api functions and classes',
  weight: 5,
  arbitrary: apiCaseArb,
  run(stats: FuzzStats, c) {
    const tr = new Tracker();
    if (c.kind === 'function') {
      const spec = FUNCTIONS[c.name]!;
      const values = c.args.map((d) => resolveSpecials(materialize(d, tr)));
      checkCall(stats, SUITE, c.name, tr, () => spec.call(...values), { allow: spec.allow });
      return;
    }
    const spec = CLASSES[c.name]!;
    let values = c.ctor.map((d) => resolveSpecials(materialize(d, tr)));
    if (c.name === 'SequentialLR' || c.name === 'ChainedScheduler') values = scheduleChildren(values);
    const made = checkCall(stats, SUITE, `new ${c.name}`, tr, () => spec.make(...values));
    if (made.threw) return;
    const obj = made.value as Record<string, (...a: unknown[]) => unknown>;
    for (const { method, args } of c.calls) {
      const mtr = new Tracker();
      let a = args.map((d) => resolveSpecials(materialize(d, mtr)));
      let name = method;
      if (method === 'loadStateDictMangled') {
        // A real state dict with one field replaced.
        name = 'loadStateDict';
        let sd: unknown;
        try {
          sd = structuredClone((obj as unknown as { stateDict(): unknown }).stateDict());
        } catch {
          continue;
        }
        if (sd && typeof sd === 'object') (sd as Record<string, unknown>)[a[0] as string] = a[1];
        a = [sd];
      } else a = methodArgs(obj, a);
      const before = instanceState(obj);
      const r = checkCall(stats, SUITE, `${c.name}.${name}`, mtr, () => obj[name]!(...a));
      if (r.threw && !(r.error instanceof Error && r.error.name === 'FuzzCallbackError'))
        checkInvariant(stats, SUITE, `${c.name}.${name}`, sameBits(before, instanceState(obj)),
          `threw ${describeError(r.error)} but the instance's state changed`, r.error);
    }
  },
});

// ---- the async exports: readSvmlight and fit ----

interface AsyncApiCase {
  name: 'readSvmlight' | 'fit';
  args: Desc[];
  abort: 'never' | 'before' | 'soon';
}

const svmSource = fc.oneof(svmlightBytes.map((bytes) => ({ t: 'u8', bytes }) as Desc), sp('@svm'), weird);
/** readSvmlight's options; a signal that is no AbortSignal only with FUZZ_KNOWN=1 (it leaves an unobserved native job). */
const svmOptions = fc.tuple(
  optionsObject({ zeroBased: fc.oneof(b, s('auto', 'no')), nFeatures: count, onProgress: fnDesc }),
  fc.option(includeKnownHazards ? mostly(s('@signal'), 6) : s('@signal'), { nil: undefined }),
).map(([o, signal]) => (signal && o.t === 'obj' ? { t: 'obj', props: [...o.props, ['signal', signal]] } as Desc : o));
export const asyncApiArb: fc.Arbitrary<AsyncApiCase> = fc.record({
  name: fc.constantFrom('readSvmlight' as const, 'fit' as const),
  abort: fc.constantFrom('never' as const, 'never' as const, 'before' as const, 'soon' as const),
}).chain(({ name, abort }) => (name === 'readSvmlight'
  ? fc.tuple(svmSource, fc.oneof(fc.constant(lit(undefined)), svmOptions))
  : fc.tuple(mostly(optionsObject({
    objective: fc.oneof(s('squared', 'logistic', 'hinge', 'x'), objective), X: matrix, y: mostly(sp('@y4', '@y3')), params: fc.oneof(f32(4), weird),
    optimizer: fc.oneof(s('@fitopt'), weird), batchSize: n(1, 2, 4, 0, -1, 1.5), epochs: n(0, 1, 2, -1, NaN), shuffle: b, seed: count,
    scheduleEvery: s('epoch', 'step', 'x'), validationSplit: n(0, 0.25, 0.5, 1, -1), evaluateTrain: b, nonFinite: s('stop', 'continue', 'x'),
    onEpochEnd: fnDesc, signal: s('@signal'),
  })))).map((args) => ({ name, abort, args })));

const allowAsync: Allow = (e) => allowParseError(e) ?? (e instanceof Error && e.name === 'AbortError' ? 'AbortError' : null);

export const apiAsyncCalls = suite<AsyncApiCase>({
  name: 'api async (readSvmlight, fit)',
  weight: 1,
  async: true,
  arbitrary: asyncApiArb,
  async run(stats, c) {
    const tr = new Tracker();
    const controller = new AbortController();
    if (c.abort === 'before') controller.abort();
    const values = c.args.map((d) => resolveSpecials(materialize(d, tr)));
    const fill = (o: unknown): unknown => {
      if (o === null || typeof o !== 'object' || types.isProxy(o) || Array.isArray(o) || ArrayBuffer.isView(o)) return o;
      const r = o as Record<string, unknown>;
      if (r.signal === '@signal') r.signal = controller.signal;
      if (r.optimizer === '@fitopt') r.optimizer = (p: Float32Array) => new lib.SGD([p], { lr: 0.1 });
      return o;
    };
    const call = c.name === 'readSvmlight'
      ? () => lib.readSvmlight(values[0] as never, fill(values[1]) as never)
      : () => lib.fit(fill(values[0]) as never);
    await checkAsyncCall(stats, SUITE, c.name, tr, async () => {
      const p = call();
      if (c.abort === 'soon') setImmediate(() => controller.abort());
      return p;
    }, {
      allow: allowAsync,
      // fit trains in place: an abort or a throwing callback stops it with the progress made so far (documented).
      keepsChangesOn: (e) => c.name === 'fit' && e instanceof Error && (e.name === 'AbortError' || e.name === 'FuzzCallbackError'),
    });
  },
});
