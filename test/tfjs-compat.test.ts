/**
 * compat 'tfjs' against TensorFlow.js itself: tfjs-core 4.22 on its cpu backend and our optimizers
 * run the same 100 steps from the same start with the same float32 gradients, and the parameters
 * must agree to 1e-5 relative after every step, on our native kernels and on the TS reference.
 *
 * A second group shows the comparison is sharp: every formula difference compat 'tfjs' claims
 * (accumulator start, epsilon placement and value, which accumulator Adadelta divides by, where the
 * learning rate sits) fails the same comparison when it is left out. A third checks that what
 * tfjs lacks (AdamW, Nadam, weight decay) is refused.
 */
import type { Optimizer as TfjsOptimizer, SGDOptimizer } from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Adadelta, Adagrad, Adam, AdaMax, AdamW, AMSGrad, Momentum, Nadam, Nesterov, RMSprop, SGD,
} from '../lib/index';
import type { Backend, OptimizerStateDict } from '../lib/index';
import { maxRelErr, rng, uniform } from './helpers/random';
import { TfjsDriver, tfjsOnCpu, type Tfjs } from './helpers/tfjs';

const STEPS = 100;
const TOLERANCE = 1e-5;
/** Relative errors are taken against max(|tfjs|, FLOOR); the objective keeps params far above it. */
const FLOOR = 1e-3;
const LENGTHS = [7, 33] as const;
const f = Math.fround;
/** Set TFJS_COMPAT_REPORT=1 to print each run's worst relative error (for reports, not asserted). */
const REPORT = process.env.TFJS_COMPAT_REPORT !== undefined;

// ---------------------------------------------------------------------------------------------
// The objective

/**
 * A separable quadratic plus noise, g = c·(p − t) + s·z(step), with curvatures c log-spaced over
 * [minCurvature, maxCurvature] (some gradients small enough that epsilon matters) and noise
 * s = noiseRel·c + noiseAbs, |z| in [0.5, 1) with a random sign (so gradients keep changing).
 */
interface ObjectiveShape {
  minCurvature: number;
  maxCurvature: number;
  noiseRel: number;
  noiseAbs: number;
}

const QUADRATIC: ObjectiveShape = { minCurvature: 1e-4, maxCurvature: 2, noiseRel: 0.3, noiseAbs: 0 };
/**
 * Noise-dominated gradients, |g| ≥ 0.05 always, for tfjs's centered RMSprop: it takes
 * √(E[g²] − (E[g]² + ε)), which is NaN (on both sides) once the variance estimate falls below ε,
 * e.g. on the first step when |g| < √(ε / (α(1−α))).
 */
const NOISY: ObjectiveShape = { minCurvature: 1e-3, maxCurvature: 0.05, noiseRel: 0, noiseAbs: 0.2 };

interface Objective {
  start: Float32Array[];
  target: Float32Array[];
  curvature: Float32Array[];
  /** noise[step][variable]: s·z for that step, float32. */
  noise: Float32Array[][];
}

function makeObjective(shape: ObjectiveShape): Objective {
  const next = rng(20240601);
  const total = LENGTHS[0] + LENGTHS[1];
  const span = Math.log(shape.maxCurvature / shape.minCurvature);
  const o: Objective = { start: [], target: [], curvature: [], noise: [] };
  const scale: Float32Array[] = [];
  let j = 0;
  for (const n of LENGTHS) {
    const t = new Float32Array(n), p = new Float32Array(n), c = new Float32Array(n), s = new Float32Array(n);
    for (let i = 0; i < n; i++, j++) {
      const rank = (j * 17) % total;  // interleaves the curvatures so each variable sees the whole range
      c[i] = shape.minCurvature * Math.exp((span * rank) / (total - 1));
      t[i] = 1.5 + 2 * next();
      p[i] = t[i]! + (next() < 0.5 ? -1 : 1) * (0.3 + 0.7 * next());
      s[i] = shape.noiseRel * c[i]! + shape.noiseAbs;
    }
    o.target.push(t); o.start.push(p); o.curvature.push(c); scale.push(s);
  }
  for (let step = 0; step < STEPS; step++)
    o.noise.push(scale.map((s) => s.map((si) => si * (next() < 0.5 ? -1 : 1) * (0.5 + 0.5 * next()))));
  return o;
}

/** The gradient at `params` for a step, every operation rounded to float32. */
function gradients(o: Objective, params: readonly Float32Array[], step: number): Float32Array[] {
  return params.map((p, k) => {
    const t = o.target[k]!, c = o.curvature[k]!, z = o.noise[step]![k]!;
    return p.map((pi, i) => f(f(c[i]! * f(pi - t[i]!)) + z[i]!));
  });
}

// ---------------------------------------------------------------------------------------------
// Running both sides

/** What the comparison needs of our optimizers. */
interface Stepper {
  step(grads: Float32Array[]): void;
  lr: number;
  stateDict(): OptimizerStateDict;
  loadStateDict(sd: OptimizerStateDict): void;
}

/** Adadelta accumulators to start from: E[g²] and E[Δ²] per variable. */
interface AdadeltaStart {
  squareAvg: Float32Array[];
  accDelta: Float32Array[];
}

interface Run {
  tfjs: (tf: Tfjs) => TfjsOptimizer;
  ours: (params: Float32Array[]) => Stepper;
  shape?: ObjectiveShape;
  /** Adadelta only: both sides start from these accumulators instead of zeros. */
  adadeltaStart?: AdadeltaStart;
  /** Both sides switch to learning rate `lr` before step `atStep` (1-based). */
  lrChange?: { atStep: number; lr: number; tfjs: (o: TfjsOptimizer, lr: number) => void };
}

interface Divergence {
  /** Largest relative error over all steps and coordinates. */
  worst: number;
  /** First step (1-based) with an error above the tolerance, 0 if none. */
  firstBadStep: number;
  /** The first coordinate over the tolerance, for the failure message. */
  detail: string;
  /** Smallest |param| tfjs reached: the relative measure only means something well away from 0. */
  smallestParam: number;
}

let tf: Tfjs;

/** Runs tfjs and ours side by side for STEPS steps and reports how far apart they got. */
async function compare(run: Run): Promise<Divergence> {
  const objective = makeObjective(run.shape ?? QUADRATIC);
  const tensorsBefore = tf.memory().numTensors;
  const tfOpt = run.tfjs(tf);
  const driver = new TfjsDriver(tfOpt, objective.start);
  const ours = objective.start.map((p) => p.slice());
  const opt = run.ours(ours);
  const out: Divergence = { worst: 0, firstBadStep: 0, detail: '', smallestParam: Infinity };
  try {
    if (run.adadeltaStart) {
      const { squareAvg, accDelta } = run.adadeltaStart;
      await driver.setState([squareAvg, accDelta]);
      const sd = opt.stateDict();
      sd.state.forEach((st, k) => {
        st.squareAvg!.set(squareAvg[k]!);
        st.accDelta!.set(accDelta[k]!);
      });
      opt.loadStateDict(sd);
    }
    for (let step = 1; step <= STEPS; step++) {
      if (run.lrChange?.atStep === step) {
        run.lrChange.tfjs(tfOpt, run.lrChange.lr);
        opt.lr = run.lrChange.lr;
      }
      driver.apply(gradients(objective, driver.values(), step - 1));
      opt.step(gradients(objective, ours, step - 1));
      driver.values().forEach((theirs, k) => {
        const mine = ours[k]!;
        const err = maxRelErr(mine, theirs, FLOOR);
        out.worst = Math.max(out.worst, err);
        for (const x of theirs) out.smallestParam = Math.min(out.smallestParam, Math.abs(x));
        if (!(err <= TOLERANCE) && out.firstBadStep === 0) {
          const i = theirs.findIndex((x, n) => !(Math.abs(mine[n]! - x) / Math.max(Math.abs(x), FLOOR) <= TOLERANCE));
          out.firstBadStep = step;
          out.detail = `step ${step}, variable ${k}[${i}]: ours ${mine[i]}, tfjs ${theirs[i]} (relative error ${err})`;
        }
      });
    }
  } finally {
    driver.dispose();
  }
  const leaked = tf.memory().numTensors - tensorsBefore;
  if (leaked !== 0) throw new Error(`the tfjs side leaked ${leaked} tensors`);
  return out;
}

/**
 * Adadelta accumulators from which ρ and ε change the trajectory (see the Adadelta cases): E[Δ²]
 * well above E[g²], so the first steps are 3–100 times −lr·g and then settle as the two mix.
 */
function adadeltaStart(): AdadeltaStart {
  const next = rng(7);
  return {
    squareAvg: LENGTHS.map((n) => uniform(n, 1e-6, 1e-4, next)),
    accDelta: LENGTHS.map((n) => uniform(n, 1e-3, 1e-2, next)),
  };
}

/** tfjs's RMSprop has no setter; it reads this field on every step. */
function setRmspropLr(o: TfjsOptimizer, lr: number): void {
  (o as unknown as { learningRate: number }).learningRate = lr;
}

function setMomentumLr(o: TfjsOptimizer, lr: number): void {
  (o as SGDOptimizer).setLearningRate(lr);
}

beforeAll(async () => {
  tf = await tfjsOnCpu();
});

afterAll(() => {
  tf.disposeVariables();
});

// ---------------------------------------------------------------------------------------------
// compat 'tfjs' equals tfjs

interface CompatCase extends Omit<Run, 'ours'> {
  /** Completes "compat 'tfjs' <title> within 1e-5 over 100 steps". */
  title: string;
  ours: (params: Float32Array[], backend: Backend) => Stepper;
}

const compat = 'tfjs' as const;

const cases: CompatCase[] = [
  // SGD and momentum: tfjs requires the learning rate (and momentum) and has nothing else.
  {
    title: 'SGD with only a learning rate equals tf.train.sgd',
    tfjs: (tf) => tf.train.sgd(0.3),
    ours: (p, backend) => new SGD(p, { lr: 0.3, compat, backend }),
  },
  {
    title: 'Momentum with only a learning rate equals tf.train.momentum with momentum 0.9',
    tfjs: (tf) => tf.train.momentum(0.05, 0.9),
    ours: (p, backend) => new Momentum(p, { lr: 0.05, compat, backend }),
  },
  {
    title: 'SGD with momentum 0.7 equals tf.train.momentum',
    tfjs: (tf) => tf.train.momentum(0.1, 0.7),
    ours: (p, backend) => new SGD(p, { lr: 0.1, momentum: 0.7, compat, backend }),
  },
  {
    title: 'SGD with momentum equals tf.train.momentum when the learning rate changes halfway',
    tfjs: (tf) => tf.train.momentum(0.1, 0.8),
    ours: (p, backend) => new SGD(p, { lr: 0.1, momentum: 0.8, compat, backend }),
    lrChange: { atStep: 51, lr: 0.02, tfjs: setMomentumLr },
  },
  {
    title: 'Nesterov with only a learning rate equals tf.train.momentum with momentum 0.9 and useNesterov',
    tfjs: (tf) => tf.train.momentum(0.05, 0.9, true),
    ours: (p, backend) => new Nesterov(p, { lr: 0.05, compat, backend }),
  },
  {
    title: 'SGD with momentum 0.6 and nesterov equals tf.train.momentum with useNesterov',
    tfjs: (tf) => tf.train.momentum(0.1, 0.6, true),
    ours: (p, backend) => new SGD(p, { lr: 0.1, momentum: 0.6, nesterov: true, compat, backend }),
  },
  // Adagrad: the accumulator starts at 0.1 and ε = 1e-7 sits inside the root.
  {
    title: 'Adagrad with only a learning rate equals tf.train.adagrad',
    tfjs: (tf) => tf.train.adagrad(0.1),
    ours: (p, backend) => new Adagrad(p, { lr: 0.1, compat, backend }),
  },
  {
    // A small start makes ε's value and place visible (ε is fixed at 1e-7 in tfjs).
    title: 'Adagrad with initialAccumulatorValue 1e-6 equals tf.train.adagrad',
    tfjs: (tf) => tf.train.adagrad(0.05, 1e-6),
    ours: (p, backend) => new Adagrad(p, { lr: 0.05, initialAccumulatorValue: 1e-6, compat, backend }),
  },
  // Adadelta: tfjs divides by the previous E[g²]. From zero accumulators that makes E[Δ²] equal
  // E[g²] bit for bit, so every step is exactly −lr·g and ρ, ε drop out; the runs started from
  // non-zero accumulators are the ones where they count.
  {
    title: 'Adadelta with no options equals tf.train.adadelta',
    tfjs: (tf) => tf.train.adadelta(),
    ours: (p, backend) => new Adadelta(p, { compat, backend }),
  },
  {
    title: 'Adadelta with no options, started from non-zero accumulators, equals tf.train.adadelta',
    tfjs: (tf) => tf.train.adadelta(),
    ours: (p, backend) => new Adadelta(p, { compat, backend }),
    adadeltaStart: adadeltaStart(),
  },
  {
    title: 'Adadelta with lr 0.05, rho 0.8 and eps 1e-4, started from non-zero accumulators, equals tf.train.adadelta',
    tfjs: (tf) => tf.train.adadelta(0.05, 0.8, 1e-4),
    ours: (p, backend) => new Adadelta(p, { lr: 0.05, rho: 0.8, eps: 1e-4, compat, backend }),
    adadeltaStart: adadeltaStart(),
  },
  // RMSprop: ε inside the root, lr inside the momentum buffer, centered √(E[g²] − (E[g]² + ε)).
  {
    title: 'RMSprop with only a learning rate equals tf.train.rmsprop',
    tfjs: (tf) => tf.train.rmsprop(0.01),
    ours: (p, backend) => new RMSprop(p, { lr: 0.01, compat, backend }),
  },
  {
    title: 'RMSprop with alpha 0.8 and eps 1e-3 equals tf.train.rmsprop with decay 0.8',
    tfjs: (tf) => tf.train.rmsprop(0.02, 0.8, 0, 1e-3),
    ours: (p, backend) => new RMSprop(p, { lr: 0.02, alpha: 0.8, eps: 1e-3, compat, backend }),
  },
  {
    title: 'RMSprop with momentum equals tf.train.rmsprop',
    tfjs: (tf) => tf.train.rmsprop(0.005, 0.85, 0.7, 1e-3),
    ours: (p, backend) => new RMSprop(p, { lr: 0.005, alpha: 0.85, momentum: 0.7, eps: 1e-3, compat, backend }),
  },
  {
    title: 'RMSprop with momentum equals tf.train.rmsprop when the learning rate changes halfway',
    tfjs: (tf) => tf.train.rmsprop(0.01, 0.9, 0.8, 0),
    ours: (p, backend) => new RMSprop(p, { lr: 0.01, momentum: 0.8, eps: 0, compat, backend }),
    shape: NOISY,
    lrChange: { atStep: 51, lr: 0.002, tfjs: setRmspropLr },
  },
  {
    title: 'RMSprop with centered and only a learning rate equals tf.train.rmsprop',
    tfjs: (tf) => tf.train.rmsprop(0.01, undefined, undefined, undefined, true),
    ours: (p, backend) => new RMSprop(p, { lr: 0.01, centered: true, compat, backend }),
    shape: NOISY,
  },
  {
    title: 'RMSprop with centered equals tf.train.rmsprop',
    tfjs: (tf) => tf.train.rmsprop(0.01, 0.9, 0, 1e-4, true),
    ours: (p, backend) => new RMSprop(p, { lr: 0.01, alpha: 0.9, eps: 1e-4, centered: true, compat, backend }),
    shape: NOISY,
  },
  {
    title: 'RMSprop with centered and momentum equals tf.train.rmsprop',
    tfjs: (tf) => tf.train.rmsprop(0.005, 0.8, 0.6, 1e-4, true),
    ours: (p, backend) => new RMSprop(p, { lr: 0.005, alpha: 0.8, momentum: 0.6, eps: 1e-4, centered: true, compat, backend }),
    shape: NOISY,
  },
  // Adam: ε = 1e-7.
  {
    title: 'Adam with no options equals tf.train.adam',
    tfjs: (tf) => tf.train.adam(),
    ours: (p, backend) => new Adam(p, { compat, backend }),
  },
  {
    title: 'Adam with lr 0.02, betas [0.8, 0.99] and eps 1e-4 equals tf.train.adam',
    tfjs: (tf) => tf.train.adam(0.02, 0.8, 0.99, 1e-4),
    ours: (p, backend) => new Adam(p, { lr: 0.02, betas: [0.8, 0.99], eps: 1e-4, compat, backend }),
  },
  // AdaMax: ε added to u, outside the max.
  {
    title: 'AdaMax with no options equals tf.train.adamax',
    tfjs: (tf) => tf.train.adamax(),
    ours: (p, backend) => new AdaMax(p, { compat, backend }),
  },
  {
    title: 'AdaMax with lr 0.01, betas [0.85, 0.95] and eps 1e-4 equals tf.train.adamax',
    tfjs: (tf) => tf.train.adamax(0.01, 0.85, 0.95, 1e-4),
    ours: (p, backend) => new AdaMax(p, { lr: 0.01, betas: [0.85, 0.95], eps: 1e-4, compat, backend }),
  },
];

describe.each(['native', 'js'] as const)('on the %s backend', (backend) => {
  for (const c of cases) {
    it(`compat 'tfjs' ${c.title} within 1e-5 over 100 steps`, async () => {
      const d = await compare({ ...c, ours: (p) => c.ours(p, backend) });
      expect(d.smallestParam, 'the objective keeps every parameter well away from 0').toBeGreaterThan(0.5);
      expect(d.firstBadStep, d.detail).toBe(0);
      expect(d.worst).toBeLessThanOrEqual(TOLERANCE);
      if (REPORT) console.log(`REPORT ${backend}\t${d.worst.toExponential(2)}\t${c.title}`);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// The comparison sees each difference

interface ControlCase extends Run {
  /** Completes "<title> fails the 1e-5 comparison". */
  title: string;
}

const controls: ControlCase[] = [
  {
    title: "Adagrad starting its accumulator at 0 (torch's start) instead of tfjs's 0.1",
    tfjs: (tf) => tf.train.adagrad(0.1),
    ours: (p) => new Adagrad(p, { lr: 0.1, initialAccumulatorValue: 0, compat }),
  },
  {
    title: 'Adagrad with ε outside the root (compat torch, same accumulator start and ε)',
    tfjs: (tf) => tf.train.adagrad(0.05, 1e-6),
    ours: (p) => new Adagrad(p, { lr: 0.05, initialAccumulatorValue: 1e-6, eps: 1e-7, compat: 'torch' }),
  },
  {
    title: "Adagrad with ε 1e-8 instead of tfjs's 1e-7",
    tfjs: (tf) => tf.train.adagrad(0.05, 1e-6),
    ours: (p) => new Adagrad(p, { lr: 0.05, initialAccumulatorValue: 1e-6, eps: 1e-8, compat }),
  },
  {
    title: 'Adadelta dividing by the new E[g²] (compat torch, same lr, rho and eps)',
    tfjs: (tf) => tf.train.adadelta(),
    ours: (p) => new Adadelta(p, { lr: 1e-3, rho: 0.95, eps: 1e-7, compat: 'torch' }),
  },
  {
    title: "Adadelta from non-zero accumulators with rho 0.9 instead of tfjs's 0.95",
    tfjs: (tf) => tf.train.adadelta(),
    ours: (p) => new Adadelta(p, { rho: 0.9, compat }),
    adadeltaStart: adadeltaStart(),
  },
  {
    title: "Adadelta from non-zero accumulators with eps 1e-6 instead of tfjs's 1e-7",
    tfjs: (tf) => tf.train.adadelta(),
    ours: (p) => new Adadelta(p, { eps: 1e-6, compat }),
    adadeltaStart: adadeltaStart(),
  },
  {
    title: 'RMSprop with ε outside the root (compat torch, same lr, alpha and eps)',
    tfjs: (tf) => tf.train.rmsprop(0.02, 0.8, 0, 1e-3),
    ours: (p) => new RMSprop(p, { lr: 0.02, alpha: 0.8, eps: 1e-3, compat: 'torch' }),
  },
  {
    title: "RMSprop with ε 1e-8 instead of tfjs's 1e-7",
    tfjs: (tf) => tf.train.rmsprop(0.01),
    ours: (p) => new RMSprop(p, { lr: 0.01, eps: 1e-8, compat }),
  },
  {
    title: 'RMSprop with the learning rate outside the momentum buffer (compat torch, ε 0) once the learning rate changes',
    tfjs: (tf) => tf.train.rmsprop(0.01, 0.9, 0.8, 0),
    ours: (p) => new RMSprop(p, { lr: 0.01, alpha: 0.9, momentum: 0.8, eps: 0, compat: 'torch' }),
    shape: NOISY,
    lrChange: { atStep: 51, lr: 0.002, tfjs: setRmspropLr },
  },
  {
    title: 'centered RMSprop adding ε inside the root (compat keras) instead of subtracting it',
    tfjs: (tf) => tf.train.rmsprop(0.01, 0.9, 0, 1e-4, true),
    ours: (p) => new RMSprop(p, { lr: 0.01, alpha: 0.9, eps: 1e-4, centered: true, compat: 'keras' }),
    shape: NOISY,
  },
  {
    title: 'SGD with momentum keeping the learning rate inside the velocity (compat keras) once the learning rate changes',
    tfjs: (tf) => tf.train.momentum(0.1, 0.8),
    ours: (p) => new SGD(p, { lr: 0.1, momentum: 0.8, compat: 'keras' }),
    lrChange: { atStep: 51, lr: 0.02, tfjs: setMomentumLr },
  },
  {
    title: "Adam with ε 1e-8 (torch's default) instead of tfjs's 1e-7",
    tfjs: (tf) => tf.train.adam(),
    ours: (p) => new Adam(p, { eps: 1e-8, compat }),
  },
  {
    title: 'AdaMax with ε inside the max (compat torch, same lr, betas and eps)',
    tfjs: (tf) => tf.train.adamax(0.01, 0.85, 0.95, 1e-4),
    ours: (p) => new AdaMax(p, { lr: 0.01, betas: [0.85, 0.95], eps: 1e-4, compat: 'torch' }),
  },
  {
    title: "AdaMax with ε 1e-8 (torch's default) instead of tfjs's 1e-7",
    tfjs: (tf) => tf.train.adamax(),
    ours: (p) => new AdaMax(p, { eps: 1e-8, compat }),
  },
];

describe('the comparison is sharp enough to see each tfjs difference', () => {
  for (const c of controls) {
    it(`${c.title} fails the 1e-5 comparison`, async () => {
      const d = await compare(c);
      expect(d.worst).toBeGreaterThan(TOLERANCE);
      if (REPORT) console.log(`REPORT control\t${d.worst.toExponential(2)}\tstep ${d.firstBadStep}\t${c.title}`);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// What tfjs lacks is refused

describe("what TensorFlow.js lacks is refused under compat 'tfjs'", () => {
  const p = (): Float32Array[] => [new Float32Array(3).fill(1)];

  it("AdamW with compat 'tfjs' throws a RangeError: tfjs has no AdamW", () => {
    expect(() => new AdamW(p(), { compat })).toThrow(RangeError);
    expect(() => new AdamW(p(), { compat, weightDecay: 0 })).toThrow(RangeError);
  });

  it("Nadam with compat 'tfjs' throws a RangeError: tfjs has no Nadam", () => {
    expect(() => new Nadam(p(), { compat })).toThrow(RangeError);
  });

  const withDecay: Array<[string, () => unknown]> = [
    ['SGD', () => new SGD(p(), { compat, weightDecay: 0.01 })],
    ['Momentum', () => new Momentum(p(), { compat, weightDecay: 0.01 })],
    ['Nesterov', () => new Nesterov(p(), { compat, weightDecay: 0.01 })],
    ['Adagrad', () => new Adagrad(p(), { compat, weightDecay: 0.01 })],
    ['Adadelta', () => new Adadelta(p(), { compat, weightDecay: 0.01 })],
    ['RMSprop', () => new RMSprop(p(), { compat, weightDecay: 0.01 })],
    ['Adam', () => new Adam(p(), { compat, weightDecay: 0.01 })],
    ['AMSGrad', () => new AMSGrad(p(), { compat, weightDecay: 0.01 })],
    ['AdaMax', () => new AdaMax(p(), { compat, weightDecay: 0.01 })],
  ];
  for (const [name, make] of withDecay) {
    it(`${name} with weightDecay under compat 'tfjs' throws a RangeError naming weightDecay`, () => {
      expect(make).toThrow(RangeError);
      expect(make).toThrow(/weightDecay|weight decay/);
    });
  }

  it("an optimizer whose weightDecay is set later under compat 'tfjs' throws and keeps its options", () => {
    const opt = new Adam(p(), { compat });
    expect(() => opt.setOption('weightDecay', 0.01)).toThrow(RangeError);
    expect(opt.paramGroups[0]!.options.weightDecay).toBe(0);
  });

  it("the same optimizers without weight decay construct under compat 'tfjs'", () => {
    for (const make of [
      () => new SGD(p(), { compat }), () => new Adagrad(p(), { compat }), () => new Adadelta(p(), { compat }),
      () => new RMSprop(p(), { compat }), () => new Adam(p(), { compat }), () => new AdaMax(p(), { compat }),
    ]) expect(make).not.toThrow();
  });
});
