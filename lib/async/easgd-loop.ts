/**
 * One EASGD worker (Zhang, Choromanska, LeCun 2015), written against the transport boundary only,
 * so the same loop runs in a worker thread of {@link easgd} (in-process transport) or in another
 * process (Redis transport).
 *
 * Every `tau` local steps the worker reads the center x̃ from the server, computes the elastic
 * difference d = α(x_i − x̃), moves itself to x_i − d and pushes d (kind `'elastic'`); the server
 * adds it to the center. Between exchanges it runs plain local SGD, or with `momentum` δ > 0 the
 * EAMSGD Nesterov step v ← δv − η∇f(x + δv), x ← x + v. The local steps go through the native SGD
 * kernel (handed in as `kernels`, so this file imports nothing but types and can be compiled on its
 * own for a worker thread).
 *
 * EAMSGD is stored in the "look-ahead" form that PyTorch's Nesterov uses: the worker keeps
 * y = x + δv and b = −v/η, so one kernel call `b ← δb + g; y ← y − η(g + δb)` is exactly the step
 * above with g = ∇f(y). The elastic exchange needs x itself: x = y + ηδb.
 * @internal
 * @packageDocumentation
 */
import type { AsyncModel } from './model';
import type { ParameterTransport } from './transport';

/** The native kernel the loop steps with (the addon's `sgd`, see lib/kernels.ts). */
export interface EasgdKernels {
  sgd(p: Float32Array, g: Float32Array, buf: Float32Array | null, sign: number, wd: number, decay: number, c1: number,
    c2: number, nmom: number, c3: number, nesterov: boolean): void;
}

/** A barrier that all `workers` workers of a synchronous run reach once per exchange. */
export interface EasgdBarrier {
  /** Resolves (or returns) when every worker has arrived; throws when the run is stopping. */
  wait(): void | Promise<void>;
}

/** What one exchange looked like, for progress reports. */
export interface EasgdExchangeInfo {
  /** Local steps taken so far by this worker. */
  steps: number;
  /** Exchanges so far by this worker (this one included). */
  exchanges: number;
  /** Server pushes applied to shard 0 by others between this worker's two latest reads (async staleness). */
  staleness: number;
  /** Mean loss of the latest mini-batch. */
  batchLoss: number;
  /** Version of shard 0 that this exchange read (pushes the shard had applied). */
  version: number;
}

/** Options of one worker's loop. */
export interface EasgdWorkerLoopOptions {
  /** This worker's index, 0-based. */
  worker: number;
  /** Workers in the run (p). */
  workers: number;
  /** Local learning rate η. */
  lr: number;
  /** Moving rate α = ηρ. */
  alpha: number;
  /** Communication period τ (local steps between exchanges). */
  tau: number;
  /** 'async': exchange whenever this worker is due; 'sync': all workers exchange together (needs `barrier`). */
  mode: 'sync' | 'async';
  /** Nesterov momentum δ of EAMSGD; 0 = plain EASGD. */
  momentum: number;
  /** Examples per local step. */
  batchSize: number;
  /** Local steps to take. */
  steps: number;
  /** The examples this worker samples from: [begin, end) of the model's examples. */
  begin: number;
  end: number;
  /** Seeds this worker's sampling. */
  seed: number;
  /** Makes push ids unique across runs that share a server. */
  runId: string;
  /** Called before every local step; true stops the loop at once (abort, another worker failed). */
  shouldStop(): boolean;
  /** Synchronous mode only. */
  barrier?: EasgdBarrier;
  /** Called after every exchange. */
  onExchange?(info: EasgdExchangeInfo): void;
}

/** What a worker did. */
export interface EasgdWorkerLoopResult {
  steps: number;
  exchanges: number;
  /** Examples whose gradients were computed. */
  examples: number;
  /** True when `shouldStop()` ended the loop early. */
  stopped: boolean;
  /** The worker's final local variable x_i. */
  local: Float32Array;
}

/** Thrown inside the loop when `shouldStop()` turns true during a barrier wait. */
export class EasgdStopped extends Error {
  constructor() {
    super('stopped');
    this.name = 'EasgdStopped';
  }
}

/** xorshift32: enough for sampling mini-batches, and free of imports. */
function nextRandom(state: Uint32Array): number {
  let x = state[0]!;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  state[0] = x >>> 0;
  return state[0]!;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs one worker to completion (see the module docs). Initialises x_i to the current center, takes
 * `steps` local steps and exchanges after every `tau`-th one.
 */
export async function easgdWorkerLoop(
  transport: ParameterTransport, model: AsyncModel, kernels: EasgdKernels, o: EasgdWorkerLoopOptions,
): Promise<EasgdWorkerLoopResult> {
  const { layout } = transport;
  const n = layout.size;
  if (model.size !== n) throw new RangeError(`model.size is ${model.size} but the server holds ${n} parameters`);
  const x = new Float32Array(n); // y = x + δv under momentum (see the module docs)
  const center = new Float32Array(n);
  const diff = new Float32Array(n);
  const grad = new Float32Array(n);
  const buf = o.momentum > 0 ? new Float32Array(n) : null;
  const shardViews = layout.shards.map((s) => ({
    center: center.subarray(s.offset, s.offset + s.length),
    diff: diff.subarray(s.offset, s.offset + s.length),
  }));
  const versions = new Float64Array(layout.shards.length);
  const span = o.end - o.begin;
  if (span < 1) throw new RangeError(`worker ${o.worker} has no examples (begin ${o.begin}, end ${o.end})`);
  const batch = new Int32Array(o.batchSize);
  const rng = new Uint32Array([(o.seed * 2654435761 + o.worker * 40503 + 1) >>> 0 || 1]);
  const sync = o.mode === 'sync';
  if (sync && !o.barrier) throw new TypeError('sync mode needs a barrier');

  /** Reads every shard of the center; returns the pushes others applied to shard 0 since the last read. */
  const fetchAll = async (): Promise<number> => {
    let staleness = 0;
    for (let s = 0; s < shardViews.length; s++) {
      const version = await transport.fetch(s, shardViews[s]!.center);
      if (s === 0) staleness = Math.max(0, version - versions[0]! - 1);
      versions[s] = version;
    }
    return staleness;
  };

  // Start from the center, as the paper does (x_i = x̃ at t = 0); in sync mode nobody pushes
  // before everyone has read it.
  await fetchAll();
  x.set(center);
  const base = versions.slice();
  if (sync) await o.barrier!.wait();

  let steps = 0;
  let exchanges = 0;
  let examples = 0;
  let batchLoss = NaN;

  const sample = (): void => {
    for (let k = 0; k < batch.length; k++) batch[k] = o.begin + (nextRandom(rng) % span);
  };
  const gradient = (): void => {
    grad.fill(0);
    batchLoss = model.gradient(x, batch, grad);
    examples += batch.length;
  };
  const localStep = (): void => {
    if (buf) kernels.sgd(x, grad, buf, 1, 0, o.momentum, 1, 1, o.momentum, o.lr, true);
    else kernels.sgd(x, grad, null, 1, 0, 0, 1, 1, 0, o.lr, false);
  };

  const exchange = async (): Promise<void> => {
    let staleness = 0;
    if (sync) {
      // Everyone's previous pushes are applied before anyone reads (a transport may accept a push
      // before applying it, so wait for the versions too), and everyone has read before anyone pushes.
      await o.barrier!.wait();
      await fetchAll();
      for (let s = 0; s < versions.length; s++) {
        while (versions[s]! < base[s]! + exchanges * o.workers) {
          if (o.shouldStop()) throw new EasgdStopped();
          await sleep(1);
          versions[s] = await transport.fetch(s, shardViews[s]!.center);
        }
      }
      await o.barrier!.wait();
    } else {
      staleness = await fetchAll();
    }
    // d = α(x − x̃), with x = y + ηδb under momentum; the worker moves by −d, the center by +d.
    // Three native passes: (momentum only) x̃ ← x̃ − ηδb, so that y − x̃ = x − x̃; y ← y − α(y − x̃);
    // d = y_before − y_after (the worker's move as float32 computed it, which the center then gets).
    if (buf) kernels.sgd(center, buf, null, 1, 0, 0, 1, 1, 0, o.lr * o.momentum, false);
    diff.set(x);
    kernels.sgd(x, center, null, -1, 1, 0, 1, 1, 0, o.alpha, false);
    kernels.sgd(diff, x, null, 1, 0, 0, 1, 1, 0, 1, false);
    exchanges++;
    for (let s = 0; s < shardViews.length; s++) {
      await transport.push({
        id: `easgd-${o.runId}-w${o.worker}-e${exchanges}-s${s}`, worker: o.worker, shard: s, kind: 'elastic',
        values: shardViews[s]!.diff, readVersion: versions[s]!,
      });
    }
    o.onExchange?.({ steps, exchanges, staleness, batchLoss, version: versions[0]! });
  };

  let stopped = false;
  try {
    for (let t = 0; t < o.steps; t++) {
      if (o.shouldStop()) {
        stopped = true;
        break;
      }
      // The exchange is due every τ steps (t = 0 is skipped: x_i = x̃ there, so d = 0).
      const due = t > 0 && t % o.tau === 0;
      sample();
      if (sync) {
        // Sync EASGD (eq. 5–6 of the paper) takes the gradient and the elastic force at the same x_i^t.
        gradient();
        if (due) await exchange();
      } else {
        // Async EASGD (Algorithm 1) moves x_i first and takes the gradient where it landed.
        if (due) await exchange();
        gradient();
      }
      localStep();
      steps = t + 1;
    }
  } catch (err) {
    if (!(err instanceof EasgdStopped)) throw err;
    stopped = true;
  }
  if (buf) for (let k = 0; k < n; k++) x[k] = x[k]! + o.lr * o.momentum * buf[k]!; // back from y to x
  return { steps, exchanges, examples, stopped, local: x };
}
