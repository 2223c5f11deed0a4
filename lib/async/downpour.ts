/**
 * Downpour SGD (Dean et al. 2012) on one machine: `replicas` worker threads, each on its own shard
 * of the data, fetch parameters every `nFetch` steps and push accumulated gradients every `nPush`
 * steps to a parameter server split into `shards` shards, each of which applies its own update rule
 * (AdaGrad by default, as in the paper; `'adaptive-revision'` for delay-tolerant AdaGrad). The server
 * is in-process (SharedArrayBuffers) unless a `transport` endpoint names another one (Redis).
 *
 * The model is a module exporting `createModel(data)` (see {@link AsyncModel}):
 * ```js
 * // least-squares.cjs
 * exports.createModel = ({ X, y, cols }) => ({
 *   size: cols, examples: y.length,
 *   gradient(w, batch, grad) {           // adds the batch's mean gradient, returns its mean loss
 *     let loss = 0;
 *     for (const r of batch) {
 *       let e = -y[r];
 *       for (let j = 0; j < cols; j++) e += X[r * cols + j] * w[j];
 *       for (let j = 0; j < cols; j++) grad[j] += (e * X[r * cols + j]) / batch.length;
 *       loss += (e * e) / 2 / batch.length;
 *     }
 *     return loss;
 *   },
 * });
 * ```
 * @packageDocumentation
 */
import { Worker } from 'node:worker_threads';
import { checkNumber, describe } from '../optimizers/validate';
import { checkCallback, checkSignal } from '../parallel/hogwild-check';
import { compiledModule } from './compiled';
import { type DownpourReplicaOptions, type DownpourReplicaReport, type DownpourReplicaResult, replicaExamples } from './downpour-replica';
import { createInProcessServer, type InProcessServer } from './in-process/server';
import type { InProcessMode } from './in-process/transport';
import { moduleUrl, openEndpoint } from './load-module';
import { resolveServerRule } from './server-rule';
import type { ServerRule, ServerRuleName, TransportEndpoint, TransportStats } from './transport';
import { startWorker } from '../parallel/start-worker';

const WHERE = 'downpour';

/** Options of {@link downpour}. */
export interface DownpourOptions {
  /** The model module (path or file URL) exporting `createModel(data)`. */
  model: string | URL;
  /** Handed to `createModel(data)` in every thread (structured clone; SharedArrayBuffers are shared). */
  data?: unknown;
  /** Model replicas (worker threads). Default 2. */
  replicas?: number;
  /** Parameter-server shards (in-process server only). Default 1. */
  shards?: number;
  /** Fetch the parameters every this many steps. Default 1. */
  nFetch?: number;
  /** Push the accumulated gradient every this many steps. Default 1. */
  nPush?: number;
  /** Examples per mini-batch. Default 32. */
  batchSize?: number;
  /** Passes over each replica's data shard (sets the steps). Default 1 unless `steps` is given. */
  epochs?: number;
  /** Mini-batch steps per replica (overrides `epochs`). */
  steps?: number;
  /** The server's shard rule. Default `{ name: 'adagrad', lr: 0.1 }`. With `transport`, must match that server's rule. */
  rule?: ServerRule | ServerRuleName;
  /** Steps replica 0 runs alone before the others start (Dean et al.'s warm start). Default 0. */
  warmStart?: number;
  /** Initial parameters of the in-process server (copied). Default zeros. */
  init?: Float32Array;
  /** Another server to train on (e.g. Redis). Default: a new in-process server. */
  transport?: TransportEndpoint;
  /** In-process server: who applies pushes. Default `'lock'`. */
  mode?: InProcessMode;
  /** Seeds the replicas' shuffling. Default 0. */
  seed?: number;
  /** Seconds between history entries (and full-loss evaluations when the model has `loss`). Default 0.5. */
  progressInterval?: number;
  signal?: AbortSignal;
  /**
   * Called with each history entry, in order. An entry whose loss is being evaluated is delivered
   * when the evaluation returns (entries after it wait for it).
   */
  onProgress?: (entry: DownpourProgress) => void;
}

/** One history entry. */
export interface DownpourProgress {
  /** Wall-clock seconds since the replicas started (warm start included). */
  seconds: number;
  /** Examples processed by all replicas so far. */
  examples: number;
  /** Examples per second over the run so far. */
  examplesPerSecond: number;
  /** Pushes (one per shard per push step) so far. */
  pushes: number;
  /**
   * model.loss at the server's parameters as they were at `seconds`. NaN without `loss`, and for
   * entries made while the previous entry's evaluation was still running (evaluations do not
   * overlap; a slow `loss` gets evaluated every few entries rather than reported late).
   */
  loss: number;
  /** Mean mini-batch loss of the replicas' steps since the previous entry (NaN if none). */
  batchLoss: number;
  /** Mean staleness (server version at apply − version read) of the pushes applied so far; NaN for other transports. */
  meanStaleness: number;
  /** Largest staleness so far; NaN for other transports. */
  maxStaleness: number;
}

/** What {@link downpour} resolves with. */
export interface DownpourResult {
  /** The server's final parameters. */
  params: Float32Array;
  history: DownpourProgress[];
  /** model.loss at the final parameters (NaN without `loss`). */
  loss: number;
  seconds: number;
  examples: number;
  examplesPerSecond: number;
  pushes: number;
  meanStaleness: number;
  maxStaleness: number;
  /** Per-replica results. */
  replicas: DownpourReplicaResult[];
}

/** @internal */
export interface DownpourWorkerInit {
  role: 'replica' | 'evaluator';
  model: string;
  data: unknown;
  endpoint: TransportEndpoint;
  options: Omit<DownpourReplicaOptions, 'steps' | 'shouldStop' | 'onReport'> & { idPrefix: string };
  /** control[0] ≠ 0: stop at the next step. */
  control: Int32Array;
}
/** @internal */
export type DownpourWorkerRequest = { phase: 'warm' | 'main'; steps: number };
/** @internal */
export type DownpourWorkerReply =
  | { type: 'ready'; size: number; examples: number; hasLoss: boolean }
  | ({ type: 'report' } & DownpourReplicaReport)
  | { type: 'done'; result: DownpourReplicaResult; stats: TransportStats }
  | { type: 'loss'; value: number }
  | { type: 'error'; message: string };

/** Messages of one worker, one awaited reply at a time; failures become rejections naming the worker. */
class Link {
  private waiting: { type: string; resolve(r: DownpourWorkerReply): void; reject(e: Error): void } | null = null;
  failure: Error | null = null;
  private exited = false;
  readonly exit: Promise<void>;

  constructor(readonly worker: Worker, readonly name: string, onReport: (r: DownpourReplicaReport) => void, onFail: (e: Error) => void) {
    const fail = (err: Error): void => {
      if (this.failure) return;
      this.failure = err;
      this.waiting?.reject(err);
      this.waiting = null;
      onFail(err);
    };
    worker.on('message', (m: DownpourWorkerReply) => {
      if (m.type === 'report') return onReport(m);
      if (m.type === 'error') return fail(new Error(`${WHERE}: ${name} failed: ${m.message}`));
      if (this.waiting?.type === m.type) {
        const w = this.waiting;
        this.waiting = null;
        w.resolve(m);
      }
    });
    worker.on('error', (err) => fail(new Error(`${WHERE}: ${name} failed: ${err.message}`)));
    this.exit = new Promise((resolve) => worker.once('exit', (code) => {
      this.exited = true;
      fail(new Error(`${WHERE}: ${name} exited unexpectedly (code ${code})`));
      resolve();
    }));
  }

  /** The next reply of `type` (after posting `request`, if given). */
  next<T extends DownpourWorkerReply['type']>(type: T, request?: unknown): Promise<Extract<DownpourWorkerReply, { type: T }>> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = { type, resolve: resolve as (r: DownpourWorkerReply) => void, reject };
      if (request !== undefined) this.worker.postMessage(request);
    });
  }

  async terminate(): Promise<void> {
    if (!this.exited) {
      this.failure ??= new Error('terminated');
      await this.worker.terminate();
    }
  }
}

let runCounter = 0;

/**
 * Trains with Downpour SGD (see the module docs). Resolves with the final parameters and the
 * history; rejects with the signal's reason when aborted (replicas stop within one step), with
 * an Error naming the replica that failed (the others are stopped), or with the error of an
 * `onProgress` that throws (which stops the run the same way).
 */
export async function downpour(options: DownpourOptions): Promise<DownpourResult> {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${WHERE}: options must be an object, got ${describe(options)}`);
  const model = moduleUrl(WHERE, 'model', options.model);
  const replicas = checkNumber(WHERE, 'replicas', options.replicas ?? 2, { min: 1, max: 256, integer: true });
  const shards = checkNumber(WHERE, 'shards', options.shards ?? 1, { min: 1, integer: true });
  const nFetch = checkNumber(WHERE, 'nFetch', options.nFetch ?? 1, { min: 1, integer: true });
  const nPush = checkNumber(WHERE, 'nPush', options.nPush ?? 1, { min: 1, integer: true });
  const batchSize = checkNumber(WHERE, 'batchSize', options.batchSize ?? 32, { min: 1, integer: true });
  const epochs = checkNumber(WHERE, 'epochs', options.epochs ?? 1, { min: 0 });
  const stepsOption = options.steps === undefined ? undefined : checkNumber(WHERE, 'steps', options.steps, { min: 0, integer: true });
  const rule = resolveServerRule(options.rule ?? { name: 'adagrad' });
  const warmStart = checkNumber(WHERE, 'warmStart', options.warmStart ?? 0, { min: 0, integer: true });
  const seed = checkNumber(WHERE, 'seed', options.seed ?? 0, { min: 0, integer: true });
  const interval = checkNumber(WHERE, 'progressInterval', options.progressInterval ?? 0.5, { min: 0, minExclusive: true });
  const signal = checkSignal(WHERE, options.signal);
  const onProgress = checkCallback<NonNullable<DownpourOptions['onProgress']>>(WHERE, 'onProgress', options.onProgress);
  if (options.transport !== undefined && (typeof options.transport !== 'object' || options.transport === null || typeof options.transport.module !== 'string'))
    throw new TypeError(`${WHERE}: transport must be a TransportEndpoint { module, config }, got ${describe(options.transport)}`);
  signal?.throwIfAborted();

  const control = new Int32Array(new SharedArrayBuffer(4));
  const script = compiledModule('async/downpour-worker');
  const links: Link[] = [];
  let server: InProcessServer | null = null;
  let firstFailure: Error | null = null;
  const stopAll = (): void => { Atomics.store(control, 0, 1); };
  let rejectFailure: (e: Error) => void = () => undefined;
  const failure = new Promise<never>((_, reject) => { rejectFailure = reject; });
  failure.catch(() => undefined);
  const onFail = (e: Error): void => {
    if (firstFailure) return;
    firstFailure = e;
    stopAll();
    rejectFailure(e);
  };
  // Abort stops replicas before their next step, and also ends any wait (workers still loading).
  const onAbort = (): void => {
    stopAll();
    rejectFailure(signal?.reason instanceof Error ? signal.reason : new Error(String(signal?.reason)));
  };
  signal?.addEventListener('abort', onAbort, { once: true });

  // Progress bookkeeping, fed by the replicas' reports.
  let examples = 0, pushes = 0, lossSum = 0, lossSteps = 0;
  const onReport = (r: DownpourReplicaReport): void => {
    examples += r.examples;
    pushes += r.pushes;
    lossSum += r.lossSum;
    lossSteps += r.steps;
  };

  let timer: NodeJS.Timeout | undefined;
  try {
    const base = { model, data: options.data, control };
    let endpoint: TransportEndpoint;
    let evaluator: Link | null = null;
    const spawn = (init: DownpourWorkerInit, name: string): Link => {
      const link = new Link(startWorker(WHERE, script, init), name, onReport, onFail);
      links.push(link);
      return link;
    };
    // The evaluator learns the model's size first, so an in-process server can be sized from it.
    evaluator = spawn({ ...base, role: 'evaluator', endpoint: { module: '', config: null }, options: { replica: 0, replicas, idPrefix: '' } }, 'the loss evaluator');
    const info = await Promise.race([evaluator.next('ready'), failure]);
    if (options.transport) {
      endpoint = options.transport;
    } else {
      server = createInProcessServer({ size: info.size, shards, rule, init: options.init, mode: options.mode });
      endpoint = server.endpoint();
    }
    const idPrefix = `downpour-${process.pid}-${Date.now().toString(36)}-${runCounter++}`;
    const replicaLinks: Link[] = [];
    for (let r = 0; r < replicas; r++) {
      replicaLinks.push(spawn({
        ...base, role: 'replica', endpoint,
        options: { replica: r, replicas, batchSize, nFetch, nPush, gradSum: rule.name === 'adaptive-revision', seed, idPrefix },
      }, `replica ${r}`));
    }
    await Promise.race([Promise.all(replicaLinks.map((l) => l.next('ready'))), failure]);
    const [b0, e0] = replicaExamples(info.examples, replicas - 1, replicas);
    const steps = stepsOption ?? Math.ceil((epochs * (e0 - b0)) / batchSize);

    // The server's parameters as another endpoint sees them (for history snapshots and the result).
    const reader = server ? null : await openEndpoint(endpoint);
    const snapshot = async (): Promise<Float32Array> => {
      if (server) return server.snapshot();
      const out = new Float32Array(info.size);
      for (let s = 0; s < reader!.layout.shards.length; s++) {
        const sh = reader!.layout.shards[s]!;
        await reader!.fetch(s, out.subarray(sh.offset, sh.offset + sh.length));
      }
      return out;
    };
    const history: DownpourProgress[] = [];
    const started = performance.now();
    // Entries wait here, in order, until their loss is known: an entry carries the loss of the
    // parameters snapshotted when it was made, not whatever evaluation finished last.
    const outbox: { entry: DownpourProgress; ready: boolean }[] = [];
    const flush = (): void => {
      while (outbox.length > 0 && outbox[0]!.ready) {
        const { entry } = outbox.shift()!;
        history.push(entry);
        // flush runs from a timer or a settled evaluation: a throw here would be uncaught and end
        // the process, so a throwing onProgress stops the run like a failing replica and
        // downpour() rejects with its error.
        try {
          onProgress?.(entry);
        } catch (err) {
          onFail(err instanceof Error ? err : new Error(String(err)));
          outbox.length = 0;
          return;
        }
      }
    };
    let evaluation: Promise<void> | null = null;
    const tick = (): void => {
      const seconds = (performance.now() - started) / 1000;
      const st = server?.stats();
      const entry: DownpourProgress = {
        seconds, examples, examplesPerSecond: seconds > 0 ? examples / seconds : 0, pushes, loss: NaN,
        batchLoss: lossSteps ? lossSum / lossSteps : NaN,
        meanStaleness: st ? st.meanStaleness : NaN, maxStaleness: st ? st.maxStaleness : NaN,
      };
      lossSum = lossSteps = 0;
      const item = { entry, ready: true };
      outbox.push(item);
      if (info.hasLoss && !evaluation && evaluator && !evaluator.failure) {
        item.ready = false;
        // snapshot() of an in-process server copies the shards synchronously, i.e. now.
        evaluation = snapshot().then((p) => evaluator!.next('loss', p)).then((r) => { entry.loss = r.value; }, () => undefined)
          .finally(() => { evaluation = null; item.ready = true; flush(); });
      }
      flush();
    };
    timer = setInterval(tick, interval * 1000);

    const results: DownpourReplicaResult[] = new Array<DownpourReplicaResult>(replicas);
    const race = <T>(p: Promise<T>): Promise<T> => Promise.race([p, failure]);
    if (warmStart > 0) {
      const warm = await race(replicaLinks[0]!.next('done', { phase: 'warm', steps: warmStart } satisfies DownpourWorkerRequest));
      results[0] = warm.result;
    }
    const done = await race(Promise.all(replicaLinks.map((l) => l.next('done', { phase: 'main', steps } satisfies DownpourWorkerRequest))));
    if (firstFailure) throw firstFailure;
    signal?.throwIfAborted();
    await server?.drain();
    done.forEach((d, r) => {
      const w = results[r];
      results[r] = w ? {
        steps: w.steps + d.result.steps, examples: w.examples + d.result.examples, pushes: w.pushes + d.result.pushes,
        fetches: w.fetches + d.result.fetches, stopped: d.result.stopped,
        meanBatchLoss: (w.meanBatchLoss * w.steps + d.result.meanBatchLoss * d.result.steps) / Math.max(1, w.steps + d.result.steps),
      } : d.result;
    });
    clearInterval(timer);
    await evaluation;
    const params = await snapshot();
    await reader?.close();
    const loss = info.hasLoss ? (await evaluator.next('loss', params)).value : NaN;
    const seconds = (performance.now() - started) / 1000;
    const st = server?.stats();
    const last: DownpourProgress = {
      seconds, examples, examplesPerSecond: seconds > 0 ? examples / seconds : 0, pushes, loss,
      batchLoss: lossSteps ? lossSum / lossSteps : NaN, meanStaleness: st ? st.meanStaleness : NaN, maxStaleness: st ? st.maxStaleness : NaN,
    };
    history.push(last);
    onProgress?.(last);
    return {
      params, history, loss, seconds, examples, examplesPerSecond: last.examplesPerSecond, pushes,
      meanStaleness: last.meanStaleness, maxStaleness: last.maxStaleness, replicas: results,
    };
  } catch (err) {
    stopAll();
    if (signal?.aborted) throw signal.reason;
    throw firstFailure ?? err;
  } finally {
    if (timer) clearInterval(timer);
    signal?.removeEventListener('abort', onAbort);
    stopAll();
    await Promise.all(links.map((l) => l.terminate()));
    await server?.close();
  }
}
