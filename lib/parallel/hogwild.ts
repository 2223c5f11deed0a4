/**
 * Hogwild! (Niu, Recht, Ré, Wright 2011; seed paper §5.1): lock-free parallel SGD. Native threads
 * each take a share of the shuffled examples and update the shared parameter memory with no lock;
 * with sparse data two updates rarely touch the same coordinate, so little is lost and the speed-up
 * is close to linear.
 *
 * ```ts
 * const { X, y } = await generateSparse({ rows: 100_000 });
 * const { params, history } = await hogwild({ objective: 'hinge', data: { X, y }, lr: 0.5, l2: 1e-4, epochs: 20 });
 * ```
 *
 * The epochs run as native jobs on a worker thread (the event loop stays free): all of them in one
 * job, or one job per epoch when `onEpoch` is given; the learning rate
 * is `lr·decay^epoch` (the paper multiplies it by β = 0.9 after every pass), the order is reshuffled
 * with the seeded xoshiro128** generator, and after the pass the loss is computed natively over the
 * whole training set (and the validation set, when given). Put `params` on a SharedArrayBuffer to
 * read the model from other threads while it trains; any thread, the main one included, may read
 * it during training and sees the updates as they land.
 * @packageDocumentation
 */
import { rowCount } from '../data/matrix';
import { seedState, Xoshiro128 } from '../data/shuffle';
import { addon } from '../native';
import { checkBoolean, checkNumber, describe } from '../optimizers/validate';
import type { HogwildEpochJob, HogwildEpochResult } from './addon-types';
import {
  checkCallback, checkChoice, checkHeldOutContents, checkHeldOutRatings, checkParams, checkRatings, checkSignal, checkSparseExamples,
  checkThreads, type HeldOutRatings, type RatingTriples, type SparseExamples,
} from './hogwild-check';
import { guardedJob, type JobGuard } from './job-guard';

export type { HeldOutRatings, RatingTriples, SparseExamples } from './hogwild-check';

/** The built-in objectives: sparse linear models and matrix factorisation. */
export type HogwildObjective = 'logistic' | 'hinge' | 'squared' | 'mf';
/**
 * 'hogwild': no locks; 'locked': one mutex around each example's update (the paper's baseline);
 * 'sequential': one thread, bit-reproducible; 'private': the no-sharing ceiling, each thread trains
 * its own copy of the parameters (started from `params` every epoch) and `params` becomes their mean
 * at the end of the epoch: the same work with no memory shared, i.e. the most that threads can give
 * on the machine (and a one-shot parameter-averaging method in its own right).
 */
export type HogwildMode = 'hogwild' | 'locked' | 'sequential' | 'private';
/** Plain SGD, or per-coordinate AdaGrad (accumulators shared and updated without locks, as GloVe does). */
export type HogwildRule = 'sgd' | 'adagrad';

/** One finished epoch. */
export interface HogwildEpoch {
  /** 0 for the first pass. */
  epoch: number;
  /** Training objective after the epoch, per example: mean loss + the L2 penalty ÷ n (NaN when `evaluate` is off). */
  loss: number;
  /** Training accuracy ('logistic', 'hinge') or RMSE ('squared', 'mf') after the epoch. */
  metric: number;
  /** Mean loss on the validation set (no penalty); NaN without one. */
  valLoss: number;
  /** Accuracy or RMSE on the validation set; NaN without one. */
  valMetric: number;
  /** Learning rate of the epoch: lr·decay^epoch. */
  lr: number;
  /** Wall-clock seconds of the updates (the loss evaluation is not included). */
  seconds: number;
  /**
   * CPU seconds the training threads got, summed (NaN where the platform has no per-thread clock).
   * Near seconds × threads when each thread had a core to itself; less when other work shared them.
   */
  cpuSeconds: number;
  /** Example updates (ratings for 'mf') per second over the epoch. */
  updatesPerSecond: number;
  /** Examples processed. */
  updates: number;
  /** With the `trace` option: one record per chunk of examples of each thread; else null. */
  chunks: HogwildChunk[] | null;
}

/**
 * One chunk (`chunk` examples) of one thread's epoch. On a machine shared with other work it tells
 * which stretches a thread ran without losing its core (cpu ≈ end − start) and whether the other
 * threads ran at the same time, so the speed of threads running together can be measured even
 * when whole epochs are disturbed.
 */
export interface HogwildChunk {
  /** 0 for the calling thread. */
  thread: number;
  /** Wall-clock seconds since the epoch started, at the chunk's start and end. */
  start: number;
  end: number;
  /** CPU seconds the thread got during the chunk (NaN where the platform has no per-thread clock). */
  cpu: number;
  /** Examples processed. */
  examples: number;
}

/** Options of {@link hogwild}. */
export interface HogwildOptions {
  objective: HogwildObjective;
  /** CSR rows and labels, or rating triples for 'mf'. */
  data: SparseExamples | RatingTriples;
  /**
   * The model, updated in place. Linear: cols weights (then a bias when `bias` is on). 'mf':
   * (userCount + itemCount)·rank factors, user rows first. Default: zeros (linear) or small seeded
   * random factors (mf), over a SharedArrayBuffer.
   */
  params?: Float32Array;
  /** Native threads. Default: every core. Must be 1 (or left out) in 'sequential' mode. */
  threads?: number;
  /** Passes over the data. Default 20 (the paper's). */
  epochs?: number;
  /** Step size γ of the first epoch. Default 0.1 (linear) or 0.01 ('mf'). */
  lr?: number;
  /** γ is multiplied by this after every epoch. Default 0.9 (the paper's β). */
  decay?: number;
  /** Default 'hogwild'. */
  mode?: HogwildMode;
  /** Default 'sgd'. */
  rule?: HogwildRule;
  /**
   * L2 strength μ (λ for 'mf'), spread over the examples by degree as in the paper: each update
   * shrinks a touched coordinate j by γμ/d_j, d_j = training examples that touch j. Default 0.
   */
  l2?: number;
  /** Factor rank for 'mf'. Default 10. */
  rank?: number;
  /** Linear objectives: learn a bias (touched by every example, so fully contended). Default false. */
  bias?: boolean;
  /** Seed of the shuffles and of the default 'mf' initialisation. Default 0. */
  seed?: number;
  /** Reshuffle the examples every epoch. Default true. */
  shuffle?: boolean;
  /** Default 'mf' factors are uniform in [−initScale, initScale]. Default 0.1. */
  initScale?: number;
  /** AdaGrad: the accumulators' starting value (PyTorch's default 0; GloVe uses 1). */
  initialAccumulatorValue?: number;
  /** AdaGrad: added to sqrt(accumulator). Default 1e-10. */
  eps?: number;
  /** AdaGrad state to continue from (same length as params); updated in place. */
  accumulators?: Float32Array;
  /** Held-out rows (linear) or ratings ('mf', same users and items) evaluated after every epoch. */
  validation?: SparseExamples | HeldOutRatings;
  /** Compute the loss after every epoch. Default true. */
  evaluate?: boolean;
  /**
   * Sparse linear objectives, rule 'sgd', any mode but 'sequential': apply the degree-scaled L2
   * shrink lazily. A row whose loss derivative is 0 (a hinge row outside the margin) then writes
   * nothing to the shared weights: each thread keeps a private per-feature factor, reads w_j·f_j,
   * and folds it into w_j at its next real update of j and at the end of the epoch. Other threads
   * see a thread's pending shrinks of j only then (the staleness this adds). Default false.
   */
  lazyL2?: boolean;
  /**
   * Sparse linear objectives, rule 'sgd', any mode but 'sequential': the number H of most frequent
   * features (by training rows) each thread keeps in a private buffer, adding its change to the
   * shared weights every `flushEvery` examples (and at the end of the epoch). Other threads see its
   * updates of those features up to `flushEvery` examples late: the staleness this adds. With H at
   * least the number of features (e.g. `X.cols`) each thread works on a whole private copy merged
   * every `flushEvery` examples: on the RCV1-like set this is what makes 2 threads ~1.8× faster
   * than 1, where plain Hogwild! is slower than 1 thread (every row's weights are cache lines the
   * other core keeps taking; see bench/results/hogwild.md). Default 0 (off).
   */
  hotFeatures?: number;
  /**
   * Examples a thread processes between two merges of its buffer. Each merge reads every buffered
   * weight (the other thread's lines), so small values cost time: with every RCV1-like feature
   * buffered, 1024 gives ~1.3×, 4096 ~1.8× on 2 threads. Default 4096.
   */
  flushEvery?: number;
  /** Record each chunk's wall and CPU time in the epoch's `chunks`. Default false. */
  trace?: boolean;
  /** Examples between two checks of the abort flag (and per traced chunk). Default 1000. */
  chunk?: number;
  /** Stops within one chunk of examples; hogwild() then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called after every epoch; may be async (the next epoch waits for it). */
  onEpoch?: (entry: HogwildEpoch) => void | Promise<void>;
}

/** What {@link hogwild} resolves with. */
export interface HogwildResult {
  history: HogwildEpoch[];
  /** The trained model (the same array when `params` was given). */
  params: Float32Array;
  /** AdaGrad's accumulators (null for 'sgd'). */
  accumulators: Float32Array | null;
}

const WHERE = 'hogwild';
const OBJECTIVES: readonly HogwildObjective[] = ['logistic', 'hinge', 'squared', 'mf'];
const MODES: readonly HogwildMode[] = ['hogwild', 'locked', 'sequential', 'private'];
const RULES: readonly HogwildRule[] = ['sgd', 'adagrad'];

/** The chunk records of a traced epoch: 5 numbers each (thread, start, end, cpu, examples). */
function chunksOf(trace: Float64Array | undefined): HogwildChunk[] | null {
  if (!trace) return null;
  const out: HogwildChunk[] = [];
  for (let k = 0; k + 4 < trace.length; k += 5) {
    out.push({ thread: trace[k]!, start: trace[k + 1]!, end: trace[k + 2]!, cpu: trace[k + 3]!, examples: trace[k + 4]! });
  }
  return out;
}

/** The problem-specific half of a job, plus what the generic loop needs to know about it. */
interface Problem {
  examples: number;
  parameters: number;
  inverseDegrees: number;
  fields: Pick<HogwildEpochJob, 'objective' | 'X' | 'y' | 'bias' | 'users' | 'items' | 'ratings' | 'userCount' | 'itemCount' | 'rank'>;
  validation: HogwildEpochJob['validation'];
  initial(seed: number, scale: number): Float32Array;
}

/** 0, 1, …, n − 1 (a plain loop: Uint32Array.from with a map function is several times slower). */
function identityOrder(n: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

function sharedFloats(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(length * Float32Array.BYTES_PER_ELEMENT));
}

function linearProblem(objective: Exclude<HogwildObjective, 'mf'>, options: HogwildOptions): Problem {
  const binary = objective !== 'squared';
  const { X, y } = checkSparseExamples(WHERE, 'data', options.data, binary);
  const bias = checkBoolean(WHERE, 'bias', options.bias ?? false);
  let validation: HogwildEpochJob['validation'] = null;
  if (options.validation !== undefined) {
    validation = checkSparseExamples(WHERE, 'validation', options.validation, binary);
    checkHeldOutContents(WHERE, 'validation', validation);
    if (validation.X.cols !== X.cols)
      throw new RangeError(`${WHERE}: validation.X has ${validation.X.cols} columns, data.X has ${X.cols}`);
  }
  const parameters = X.cols + (bias ? 1 : 0);
  return {
    examples: rowCount(X),
    parameters,
    inverseDegrees: X.cols,
    fields: { objective, X, y, bias },
    validation,
    initial: () => sharedFloats(parameters),
  };
}

function mfProblem(options: HogwildOptions): Problem {
  const data = checkRatings(WHERE, 'data', options.data);
  const rank = checkNumber(WHERE, 'rank', options.rank ?? 10, { min: 1, max: 65536, integer: true });
  const rows = data.userCount + data.itemCount;
  const validation = options.validation === undefined ? null : checkHeldOutRatings(WHERE, 'validation', options.validation);
  if (validation) checkHeldOutContents(WHERE, 'validation', validation, data.userCount, data.itemCount);
  return {
    examples: data.ratings.length,
    parameters: rows * rank,
    inverseDegrees: rows,
    fields: {
      objective: 'mf', users: data.users, items: data.items, ratings: data.ratings,
      userCount: data.userCount, itemCount: data.itemCount, rank,
    },
    validation,
    initial(seed, scale) {
      const p = sharedFloats(rows * rank);
      const rng = new Xoshiro128(seed);
      for (let i = 0; i < p.length; i++) p[i] = (2 * rng.nextFloat() - 1) * scale;
      return p;
    },
  };
}

/**
 * Trains a sparse linear model ('logistic', 'hinge', 'squared' on CSR rows) or a matrix
 * factorisation ('mf' on rating triples) with Hogwild! threads. Resolves with the per-epoch history
 * and the model; rejects with the signal's reason when aborted, and with a RangeError naming the
 * value when the data holds an out-of-range index.
 */
export function hogwild(options: HogwildOptions): Promise<HogwildResult> {
  return guardedJob(WHERE, (guard) => runHogwild(options, guard)); // pins the arrays, refuses a second job on them (docs/async-safety.md)
}

async function runHogwild(options: HogwildOptions, guard: JobGuard): Promise<HogwildResult> {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${WHERE}: options must be an object, got ${describe(options)}`);
  const objective = checkChoice(WHERE, 'objective', options.objective, OBJECTIVES);
  const problem = objective === 'mf' ? mfProblem(options) : linearProblem(objective, options);
  const mode = checkChoice(WHERE, 'mode', options.mode ?? 'hogwild', MODES);
  const rule = checkChoice(WHERE, 'rule', options.rule ?? 'sgd', RULES);
  const threads = checkThreads(WHERE, 'threads', options.threads ?? (mode === 'sequential' ? 1 : undefined));
  if (mode === 'sequential' && threads !== 1)
    throw new RangeError(`${WHERE}: threads must be 1 (or left out) in 'sequential' mode, got ${threads}`);
  const epochs = checkNumber(WHERE, 'epochs', options.epochs ?? 20, { min: 0, integer: true });
  const lr = checkNumber(WHERE, 'lr', options.lr ?? (objective === 'mf' ? 0.01 : 0.1), { min: 0, minExclusive: true });
  const decay = checkNumber(WHERE, 'decay', options.decay ?? 0.9, { min: 0, max: 1, minExclusive: true });
  const l2 = checkNumber(WHERE, 'l2', options.l2 ?? 0, { min: 0 });
  const seed = checkNumber(WHERE, 'seed', options.seed ?? 0, { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true });
  const shuffle = checkBoolean(WHERE, 'shuffle', options.shuffle ?? true);
  const initScale = checkNumber(WHERE, 'initScale', options.initScale ?? 0.1, { min: 0 });
  const eps = checkNumber(WHERE, 'eps', options.eps ?? 1e-10, { min: 0 });
  const evaluate = checkBoolean(WHERE, 'evaluate', options.evaluate ?? true);
  const chunk = checkNumber(WHERE, 'chunk', options.chunk ?? 1000, { min: 1, max: 1e9, integer: true });
  const trace = checkBoolean(WHERE, 'trace', options.trace ?? false);
  const lazyL2 = checkBoolean(WHERE, 'lazyL2', options.lazyL2 ?? false);
  const hotFeatures = checkNumber(WHERE, 'hotFeatures', options.hotFeatures ?? 0, { min: 0, max: 2 ** 24, integer: true });
  const flushEvery = checkNumber(WHERE, 'flushEvery', options.flushEvery ?? 4096, { min: 1, max: 1e9, integer: true });
  if ((lazyL2 || hotFeatures > 0) && (objective === 'mf' || rule !== 'sgd'))
    throw new RangeError(`${WHERE}: lazyL2 and hotFeatures apply to the sparse linear objectives with rule 'sgd' only`);
  const signal = checkSignal(WHERE, options.signal);
  const onEpoch = checkCallback<NonNullable<HogwildOptions['onEpoch']>>(WHERE, 'onEpoch', options.onEpoch);
  const what = objective === 'mf' ? '(userCount + itemCount)·rank factors' : 'cols weights (+1 bias)';
  const params = options.params === undefined ? problem.initial(seed + 1, initScale)
    : checkParams(WHERE, 'params', options.params, problem.parameters, what);
  let accumulators: Float32Array | null = null;
  if (rule === 'adagrad') {
    if (options.accumulators !== undefined) {
      accumulators = checkParams(WHERE, 'accumulators', options.accumulators, problem.parameters, 'one per parameter');
    } else {
      const start = checkNumber(WHERE, 'initialAccumulatorValue', options.initialAccumulatorValue ?? 0, { min: 0 });
      accumulators = sharedFloats(problem.parameters).fill(start);
    }
  }
  signal?.throwIfAborted();
  guard.claim({ writes: { params, accumulators }, reads: { data: problem.fields, validation: problem.validation } });

  const job: HogwildEpochJob = {
    ...problem.fields,
    params, rule, accumulators, lr, eps, l2,
    // The degrees only where the epochs read them: 'mf', the L2 shrink, the hot-feature ranking
    // (a cols-long zeroed buffer is a fixed cost of every call that the training never uses).
    inverseDegree: objective === 'mf' || l2 > 0 || hotFeatures > 0 ? new Float32Array(problem.inverseDegrees) : null,
    degreesReady: false,
    order: identityOrder(problem.examples),
    rngState: shuffle ? seedState(seed) : null,
    mode, threads, chunk, evaluate, lazyL2, hotFeatures, flushEvery, trace,
    validation: problem.validation,
  };
  const history: HogwildEpoch[] = [];
  const entryOf = (epoch: number, epochLr: number, r: HogwildEpochResult): HogwildEpoch => ({
    epoch, loss: r.loss, metric: r.metric, valLoss: r.validationLoss, valMetric: r.validationMetric, lr: epochLr,
    seconds: r.seconds, cpuSeconds: r.cpuSeconds, updatesPerSecond: r.seconds > 0 ? r.examplesDone / r.seconds : 0, updates: r.examplesDone,
    chunks: chunksOf(r.trace),
  });
  /** Runs the job natively; cancelled when the signal aborts. */
  const run = async <R>(): Promise<R> => {
    const running = addon().hogwildEpochAsync(job);
    const stop = (): void => running.cancel();
    signal?.addEventListener('abort', stop, { once: true });
    try {
      return (await running.promise) as R;
    } finally {
      signal?.removeEventListener('abort', stop);
    }
  };
  if (!onEpoch && epochs > 0) {
    // Nothing to call between epochs: all of them in one native job, so no epoch waits for a trip
    // through the event loop and the thread pool (on a busy machine that wait is a scheduler slice).
    job.lrs = Float64Array.from({ length: epochs }, (_, epoch) => lr * decay ** epoch);
    job.lr = job.lrs[0]!;
    const r = await run<{ epochs: HogwildEpochResult[] }>();
    signal?.throwIfAborted();
    r.epochs.forEach((e, epoch) => history.push(entryOf(epoch, job.lrs![epoch]!, e)));
    return { history, params, accumulators };
  }
  for (let epoch = 0; epoch < epochs; epoch++) {
    job.lr = lr * decay ** epoch;
    const r = await run<HogwildEpochResult>();
    job.degreesReady = true;
    signal?.throwIfAborted();
    const entry = entryOf(epoch, job.lr, r);
    history.push(entry);
    await onEpoch?.(entry);
  }
  return { history, params, accumulators };
}
