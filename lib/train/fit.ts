/**
 * fit(): the seed paper's gradient-descent variants (§2: batch, stochastic, mini-batch) as one
 * training loop, with shuffling or a curriculum (§6.1), schedules (§3), early stopping (§6.3) and
 * gradient noise (§6.4). For the built-in linear objectives every epoch runs natively on a worker
 * thread (the event loop stays free) and reports back between epochs; a JS objective runs the
 * same loop in JS and steps with the native kernels.
 * @packageDocumentation
 */
import { addon } from '../native';
import { isCsr, rowCount, type Labels, type Matrix } from '../data/matrix';
import { seedState, Xoshiro128, shuffle as shuffleIndices } from '../data/shuffle';
import { splitData } from '../data/split';
import { normalizeObjective, parameterCount, type LinearObjective, type LinearLoss } from '../objectives/objective';
import type { Optimizer } from '../optimizers/optimizer';
import { SGD } from '../optimizers/sgd';
import { checkBoolean, checkNumber, describe } from '../optimizers/validate';
import { guardedJob, type JobGuard } from '../parallel/job-guard';
import type { LrScheduler, Schedule } from '../schedules/types';
import type { Curriculum } from './curriculum';
import type { EarlyStopping } from './early-stopping';
import type { GradientNoise } from './gradient-noise';

/** §2's variants: one step per epoch on all data, one per example, or one per mini-batch. */
export type Variant = 'batch' | 'stochastic' | 'minibatch';

/**
 * A model whose gradient is computed in JS. `lossAndGrad` writes the gradient of the mean loss over
 * the listed examples into `grad` (overwriting it) and returns that mean loss.
 */
export interface JsObjective {
  /** Number of training examples. */
  examples: number;
  /** Number of parameters. */
  parameters: number;
  lossAndGrad(params: Float32Array, rows: Uint32Array, grad: Float32Array): number;
  /** Optional: loss and metric on held-out data, reported as valLoss and valMetric. */
  evaluate?(params: Float32Array): { loss: number; metric?: number };
}

/** Per-epoch numbers; each array has one entry per finished epoch (NaN where not measured). */
export interface FitHistory {
  /** Mean mini-batch loss over the epoch. */
  loss: number[];
  /** Loss and metric (accuracy, or MSE for squared loss) on the whole training set after the epoch. */
  trainLoss: number[];
  metric: number[];
  /** The same on the validation set. */
  valLoss: number[];
  valMetric: number[];
  /** Learning rate (group 0) at the end of the epoch. */
  lr: number[];
  /** Optimizer steps in the epoch. */
  steps: number[];
  /** Wall-clock seconds of the epoch. */
  seconds: number[];
}

/** The numbers handed to `onEpochEnd` (and to early stopping as its logs). */
export interface EpochLogs {
  loss: number;
  trainLoss?: number;
  metric?: number;
  valLoss?: number;
  valMetric?: number;
  lr: number;
  steps: number;
  seconds: number;
  [key: string]: number | undefined;
}

/** Options of {@link fit}. */
export interface FitOptions {
  /** A built-in linear loss (or a full {@link LinearObjective}), or a {@link JsObjective}. */
  objective: LinearLoss | LinearObjective | JsObjective;
  /** Training features (built-in objectives). */
  X?: Matrix;
  /** Training labels (built-in objectives). */
  y?: Labels;
  /** The weights, updated in place; default: zeros of the right size. */
  params?: Float32Array;
  /** An optimizer over `params`, or a factory. Default: `new SGD(params, { lr: 0.01 })`. */
  optimizer?: Optimizer<{ lr: number }> | ((params: Float32Array) => Optimizer<{ lr: number }>);
  /** Default 'minibatch'. */
  variant?: Variant;
  /** Examples per step for 'minibatch'. Default 32. */
  batchSize?: number;
  /** Passes over the data. Default 10. */
  epochs?: number;
  /** Reshuffle the examples every epoch (seeded Fisher–Yates over an index array). Default true. */
  shuffle?: boolean;
  /** Seed of the shuffling, the validation split and the gradient noise. Default 0. */
  seed?: number;
  /** Example order per epoch from a curriculum (replaces shuffling). */
  curriculum?: Curriculum;
  /** A learning-rate schedule driving the optimizer. */
  schedule?: LrScheduler;
  /** When the schedule steps: after every epoch (default) or after every optimizer step (needs `lrAt`). */
  scheduleEvery?: 'epoch' | 'step';
  /** Stops training when a logged quantity stops improving. */
  earlyStopping?: EarlyStopping;
  /** Gaussian gradient noise with variance η/(1+t)^γ at step t (seed eq. 22–23). */
  gradientNoise?: GradientNoise;
  /** Held-out data (built-in objectives). */
  validation?: { X: Matrix; y: Labels };
  /** Hold out this fraction of the training data instead (stratified for classification). */
  validationSplit?: number;
  /** Measure loss and metric on the whole training set after each epoch. Default true. */
  evaluateTrain?: boolean;
  /** Stop the epoch before a step whose loss or gradient is NaN/Inf and end training (default), or apply it anyway. */
  nonFinite?: 'stop' | 'continue';
  /** Aborts training within one mini-batch; fit() then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called after every epoch, after early stopping has seen the logs. May be async. */
  onEpochEnd?: (epoch: number, logs: EpochLogs) => void | Promise<void>;
}

/** What {@link fit} returns. */
export interface FitResult {
  params: Float32Array;
  optimizer: Optimizer<{ lr: number }>;
  history: FitHistory;
  /** Epochs that ran. */
  epochs: number;
  /** Why training ended. */
  stopReason: 'completed' | 'earlyStopping' | 'nonFinite';
}

const VARIANTS: readonly Variant[] = ['batch', 'stochastic', 'minibatch'];

function isJsObjective(o: FitOptions['objective']): o is JsObjective {
  return typeof o === 'object' && o !== null && typeof (o as JsObjective).lossAndGrad === 'function';
}

/** Throws TypeError unless `v` is left out or an object with the method fit calls on it (checked before any training). */
function checkHook(where: string, name: string, v: unknown, method: string): void {
  if (v === undefined) return;
  if (typeof v !== 'object' || v === null || typeof (v as Record<string, unknown>)[method] !== 'function')
    throw new TypeError(`${where}: ${name} must be an object with a ${method}() method, got ${describe(v)}`);
}

/** Which schedule can give a learning rate per step. */
function hasLrAt(s: LrScheduler): s is Schedule {
  return typeof (s as Schedule).lrAt === 'function';
}

/**
 * Trains a model with gradient descent. Resolves with the trained parameters (the same array when
 * `params` was given), the optimizer and the per-epoch history.
 */
export function fit(options: FitOptions): Promise<FitResult> {
  return guardedJob('fit', (guard) => runFit(options, guard)); // pins the arrays, refuses a second job on them (docs/async-safety.md)
}

async function runFit(options: FitOptions, guard: JobGuard): Promise<FitResult> {
  const where = 'fit';
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object, got ${describe(options)}`);
  const variant = options.variant ?? 'minibatch';
  if (!VARIANTS.includes(variant)) throw new RangeError(`${where}: variant must be one of ${VARIANTS.join(', ')}, got ${String(variant)}`);
  const epochs = checkNumber(where, 'epochs', options.epochs ?? 10, { min: 0, integer: true });
  const seed = checkNumber(where, 'seed', options.seed ?? 0, { min: 0, integer: true });
  const shuffle = checkBoolean(where, 'shuffle', options.shuffle ?? true);
  const evaluateTrain = checkBoolean(where, 'evaluateTrain', options.evaluateTrain ?? true);
  const scheduleEvery = options.scheduleEvery ?? 'epoch';
  if (scheduleEvery !== 'epoch' && scheduleEvery !== 'step')
    throw new RangeError(`${where}: scheduleEvery must be 'epoch' or 'step', got ${String(scheduleEvery)}`);
  if (scheduleEvery === 'step' && options.schedule && !hasLrAt(options.schedule))
    throw new TypeError(`${where}: scheduleEvery 'step' needs a schedule with lrAt(); ReduceLROnPlateau steps per epoch`);
  const nonFinite = options.nonFinite ?? 'stop';
  if (nonFinite !== 'stop' && nonFinite !== 'continue') throw new RangeError(`${where}: nonFinite must be 'stop' or 'continue'`);
  if (options.onEpochEnd !== undefined && typeof options.onEpochEnd !== 'function')
    throw new TypeError(`${where}: onEpochEnd must be a function, got ${describe(options.onEpochEnd)}`);
  checkHook(where, 'schedule', options.schedule, 'step');
  checkHook(where, 'earlyStopping', options.earlyStopping, 'onEpochEnd');
  checkHook(where, 'gradientNoise', options.gradientNoise, 'variance');
  checkHook(where, 'curriculum', options.curriculum, 'epochOrder');
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal))
    throw new TypeError(`${where}: signal must be an AbortSignal (e.g. from new AbortController())`);
  options.signal?.throwIfAborted();

  const problem = isJsObjective(options.objective) ? jsProblem(options.objective) : await nativeProblem(options, seed, guard);
  const batchSize = variant === 'batch' ? Math.max(1, problem.examples) : variant === 'stochastic' ? 1
    : checkNumber(where, 'batchSize', options.batchSize ?? 32, { min: 1, integer: true });
  const params = options.params ?? new Float32Array(problem.parameters);
  if (!(params instanceof Float32Array)) throw new TypeError(`${where}: params must be a Float32Array, got ${describe(params)}`);
  if (params.length !== problem.parameters)
    throw new RangeError(`${where}: params has length ${params.length}, the model needs ${problem.parameters}`);
  const optimizer = typeof options.optimizer === 'function' ? options.optimizer(params)
    : options.optimizer ?? new SGD(params, { lr: 0.01 });
  if (optimizer.params.length !== 1 || optimizer.params[0] !== params)
    throw new RangeError(`${where}: the optimizer must be built over exactly the params array`);
  guard.claim({ writes: { params } });

  const history: FitHistory = { loss: [], trainLoss: [], metric: [], valLoss: [], valMetric: [], lr: [], steps: [], seconds: [] };
  const rng = new Xoshiro128(seed);
  const noiseRng = seedState(seed + 1);
  let order: Uint32Array = new Uint32Array(problem.examples).map((_, i) => i);
  let stopReason: FitResult['stopReason'] = 'completed';
  let ran = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    if (options.curriculum) order = options.curriculum.epochOrder(epoch);
    else if (shuffle) shuffleIndices(order, rng);
    const steps = Math.ceil(order.length / batchSize);
    const schedule = options.schedule;
    const lrs = schedule && scheduleEvery === 'step' && hasLrAt(schedule)
      ? Float64Array.from({ length: steps }, (_, k) => schedule.lrAt(schedule.stepCount + k)) : undefined;
    const noiseStd = options.gradientNoise
      ? Float64Array.from({ length: steps }, (_, k) => Math.sqrt(options.gradientNoise!.variance(optimizer.stepCount + k))) : null;
    const started = performance.now();
    const r = await problem.epoch({ params, optimizer, order, batchSize, steps, lrs, noiseStd, noiseRng, nonFinite, evaluateTrain, signal: options.signal });
    const seconds = (performance.now() - started) / 1000;
    if (schedule && scheduleEvery === 'step') for (let k = 0; k < r.stepsDone; k++) schedule.step();
    options.signal?.throwIfAborted();
    ran++;
    const logs: EpochLogs = { loss: r.meanLoss, lr: optimizer.lr, steps: r.stepsDone, seconds };
    if (r.train) { logs.trainLoss = r.train.loss; logs.metric = r.train.metric; }
    if (r.validation) { logs.valLoss = r.validation.loss; logs.valMetric = r.validation.metric; }
    history.loss.push(logs.loss);
    history.trainLoss.push(logs.trainLoss ?? NaN);
    history.metric.push(logs.metric ?? NaN);
    history.valLoss.push(logs.valLoss ?? NaN);
    history.valMetric.push(logs.valMetric ?? NaN);
    history.steps.push(r.stepsDone);
    history.seconds.push(seconds);
    if (r.nonFinite) {
      history.lr.push(optimizer.lr);
      stopReason = 'nonFinite';
      await options.onEpochEnd?.(epoch, logs);
      break;
    }
    if (schedule && scheduleEvery === 'epoch') schedule.step(logs.valLoss ?? logs.trainLoss ?? logs.loss);
    logs.lr = optimizer.lr;
    history.lr.push(logs.lr);
    const stop = options.earlyStopping?.onEpochEnd(epoch, logs as Record<string, number>, [params]).stop ?? false;
    await options.onEpochEnd?.(epoch, logs);
    if (stop) {
      stopReason = 'earlyStopping';
      break;
    }
  }
  return { params, optimizer, history, epochs: ran, stopReason };
}

interface EpochArgs {
  params: Float32Array;
  optimizer: Optimizer<{ lr: number }>;
  order: Uint32Array;
  batchSize: number;
  steps: number;
  lrs: Float64Array | undefined;
  noiseStd: Float64Array | null;
  noiseRng: Uint32Array;
  nonFinite: 'stop' | 'continue';
  evaluateTrain: boolean;
  signal: AbortSignal | undefined;
}

interface EpochOutcome {
  stepsDone: number;
  meanLoss: number;
  nonFinite: boolean;
  train: { loss: number; metric: number } | null;
  validation: { loss: number; metric: number } | null;
}

interface Problem {
  examples: number;
  parameters: number;
  epoch(a: EpochArgs): Promise<EpochOutcome>;
}

/** A built-in objective: each epoch is one native job on a worker thread. */
async function nativeProblem(options: FitOptions, seed: number, guard: JobGuard): Promise<Problem> {
  const where = 'fit';
  const objective = normalizeObjective(typeof options.objective === 'string' ? { loss: options.objective } : options.objective as LinearObjective);
  let X = options.X, y = options.y;
  if (X === undefined || y === undefined) throw new TypeError(`${where}: a built-in objective needs X and y`);
  let validation = options.validation;
  if (options.validationSplit !== undefined) {
    if (validation) throw new TypeError(`${where}: give validation or validationSplit, not both`);
    const fraction = checkNumber(where, 'validationSplit', options.validationSplit, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
    const split = splitData(X, y, { validationFraction: fraction, seed, stratify: objective.loss !== 'squared' });
    ({ X, y } = split.train);
    validation = { X: split.validation.X, y: split.validation.y };
  }
  const examples = rowCount(X);
  const parameters = parameterCount(objective, isCsr(X) ? X.cols : X.cols);
  let grad: Float32Array | null = null;
  const trainX = X, trainY = y;
  guard.claim({ reads: { X, y, validation } });
  return {
    examples,
    parameters,
    async epoch(a) {
      grad ??= new Float32Array(parameters);
      const plan = a.optimizer.planSteps(a.steps, a.lrs);
      const job = addon().fitEpochAsync({
        objective, X: trainX, y: trainY, w: a.params, grad, order: a.order, batchSize: a.batchSize, steps: a.steps,
        kernel: plan.kernel, state: plan.state, scalars: plan.scalars, width: plan.width,
        noiseStd: a.noiseStd, rngState: a.noiseStd ? a.noiseRng : null, stopOnNonFinite: a.nonFinite === 'stop',
        evaluateTrain: a.evaluateTrain, validation: validation ?? null,
      });
      const stop = (): void => job.cancel();
      a.signal?.addEventListener('abort', stop, { once: true });
      try {
        const r = await job.promise;
        plan.commit(r.stepsDone);
        return r;
      } finally {
        a.signal?.removeEventListener('abort', stop);
      }
    },
  };
}

/** A JS objective: the loop runs in JS, one optimizer step per mini-batch, yielding between epochs. */
function jsProblem(objective: JsObjective): Problem {
  const where = 'fit';
  const examples = checkNumber(where, 'objective.examples', objective.examples, { min: 1, integer: true });
  const parameters = checkNumber(where, 'objective.parameters', objective.parameters, { min: 1, integer: true });
  const grad = new Float32Array(parameters);
  return {
    examples,
    parameters,
    async epoch(a) {
      const rng = new Xoshiro128(a.noiseRng);
      let lossSum = 0, stepsDone = 0, nonFinite = false;
      for (let k = 0; k < a.steps; k++) {
        if (a.signal?.aborted) break;
        const rows = a.order.subarray(k * a.batchSize, Math.min(a.order.length, (k + 1) * a.batchSize));
        grad.fill(0);
        const loss = objective.lossAndGrad(a.params, rows, grad);
        if (a.noiseStd) addNoise(grad, a.noiseStd[k]!, rng);
        if (a.nonFinite === 'stop' && (!Number.isFinite(loss) || grad.some((g) => !Number.isFinite(g)))) {
          nonFinite = true;
          break;
        }
        if (a.lrs) a.optimizer.lr = a.lrs[k]!;
        a.optimizer.step(grad);
        lossSum += loss;
        stepsDone++;
      }
      a.noiseRng.set(rng.state);
      await new Promise<void>((resolve) => setImmediate(resolve)); // let timers and I/O run between epochs
      const val = objective.evaluate?.(a.params);
      return {
        stepsDone, meanLoss: stepsDone ? lossSum / stepsDone : 0, nonFinite, train: null,
        validation: val ? { loss: val.loss, metric: val.metric ?? NaN } : null,
      };
    },
  };
}

/** Adds N(0, sd²) to every element (Marsaglia's polar method on the seeded generator). */
function addNoise(g: Float32Array, sd: number, rng: Xoshiro128): void {
  for (let i = 0; i < g.length; i += 2) {
    let u: number, v: number, s: number;
    do {
      u = 2 * rng.nextFloat() - 1;
      v = 2 * rng.nextFloat() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    g[i] = g[i]! + sd * u * m;
    if (i + 1 < g.length) g[i + 1] = g[i + 1]! + sd * v * m;
  }
}
