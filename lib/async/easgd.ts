/**
 * Elastic Averaging SGD (Zhang, Choromanska, LeCun 2015; seed paper §5.5) on one machine: p
 * workers in `worker_threads`, each running SGD on its own copy x_i of the parameters, tied to a
 * center variable x̃ on a parameter server by an elastic force. Every τ local steps a worker reads
 * x̃, computes d = α(x_i − x̃), moves to x_i − d and pushes d; the server adds it to x̃. With
 * `momentum` δ > 0 the local steps are Nesterov's (EAMSGD).
 *
 * ```ts
 * const { center, history } = await easgd({
 *   model: require.resolve('./my-model.cjs'), data: { X, y },
 *   workers: 4, lr: 0.05, alpha: 0.9 / 4, tau: 10, epochs: 5,
 * });
 * ```
 * Workers reach the server only through a {@link ParameterTransport}: by default an in-process
 * server easgd creates (shards in SharedArrayBuffers), or any running server named by
 * `transport` (for example a Redis one). {@link runEasgdWorker} is the worker loop on its own, for
 * workers in other processes.
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { addon, nativeInfo } from '../native';
import { checkNumber, describe } from '../optimizers/validate';
import { checkChoice } from '../parallel/hogwild-check';
import { easgdWorkerLoop, type EasgdBarrier, type EasgdExchangeInfo, type EasgdWorkerLoopResult } from './easgd-loop';
import { checkEasgdOptions, type EasgdHistoryEntry, type EasgdOptions, type EasgdResult } from './easgd-options';
import { compiledModule } from './compiled';
import { loadAsyncModel, moduleUrl, openEndpoint } from './load-module';
import { createEasgdServer } from './easgd-server';
import type { EasgdWorkerInit, EasgdWorkerReply } from './easgd-worker';
import type { AsyncModel } from './model';
import type { ParameterTransport, TransportEndpoint } from './transport';
import { startWorker } from '../parallel/start-worker';

export type { EasgdMode, EasgdOptions, EasgdHistoryEntry, EasgdResult } from './easgd-options';
export type { EasgdBarrier, EasgdExchangeInfo } from './easgd-loop';

const WHERE = 'easgd';

/** Replies of one worker, with its failures turned into one error naming it. */
class WorkerLink {
  private waiters: Array<{ type: EasgdWorkerReply['type']; resolve(r: EasgdWorkerReply): void }> = [];
  failure: Error | null = null;
  private onFailure: (err: Error) => void = () => undefined;
  progress = { steps: 0, exchanges: 0, examples: 0 };
  finished = false;

  constructor(readonly worker: Worker, readonly index: number) {
    const fail = (err: Error): void => {
      if (this.failure || this.finished) return;
      this.failure = err;
      this.onFailure(err);
    };
    worker.on('message', (reply: EasgdWorkerReply) => {
      if (reply.type === 'error') return fail(new Error(`${WHERE}: worker ${index}: ${reply.message}`));
      if (reply.type === 'progress' || reply.type === 'done') {
        this.progress = { steps: reply.steps, exchanges: reply.exchanges, examples: reply.examples };
      }
      if (reply.type === 'done') this.finished = true;
      const due = this.waiters.filter((w) => w.type === reply.type);
      this.waiters = this.waiters.filter((w) => w.type !== reply.type);
      for (const w of due) w.resolve(reply);
    });
    worker.on('error', (err) => fail(new Error(`${WHERE}: worker ${index} failed: ${err.message}`)));
    worker.on('exit', (code) => fail(new Error(`${WHERE}: worker ${index} exited (code ${code}) before finishing`)));
  }

  /** Resolves with the next reply of this type; rejects when the worker fails first. */
  next(type: EasgdWorkerReply['type']): Promise<EasgdWorkerReply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiters.push({ type, resolve });
      const previous = this.onFailure;
      this.onFailure = (err) => { previous(err); reject(err); };
    });
  }
}

/** Reads every shard of the center into `into`. */
async function readCenter(transport: ParameterTransport, into: Float32Array): Promise<void> {
  for (const [s, shard] of transport.layout.shards.entries()) {
    await transport.fetch(s, into.subarray(shard.offset, shard.offset + shard.length));
  }
}

/**
 * Runs EASGD or EAMSGD (see the module docs and {@link EasgdOptions}). Resolves with the center
 * variable and its loss vs wall time; rejects with an Error naming the worker when one throws (the
 * others stop within one local step), or with the signal's reason when aborted.
 */
export async function easgd(options: EasgdOptions): Promise<EasgdResult> {
  const o = checkEasgdOptions(options);
  o.signal?.throwIfAborted();
  const data = (options as { data?: unknown }).data;
  const model = await loadAsyncModel(o.model, data).catch((err: Error) => {
    throw new (err instanceof RangeError ? RangeError : TypeError)(`${WHERE}: ${err.message}`);
  });
  if (model.examples < o.workers)
    throw new RangeError(`${WHERE}: workers (${o.workers}) must not exceed model.examples (${model.examples}): each worker needs examples of its own`);
  if (o.params && o.params.length !== model.size)
    throw new RangeError(`${WHERE}: params has length ${o.params.length}, expected model.size = ${model.size}`);
  const steps = o.steps ?? Math.max(1, Math.round((o.epochs! * model.examples) / (o.workers * o.batchSize)));

  const server = o.transport ? null : await createEasgdServer(model.size, o.shards, o.params);
  const endpoint: TransportEndpoint = o.transport ?? { ...server!.endpoint, module: moduleUrl(WHERE, 'transport.module', server!.endpoint.module) };
  const control = new Int32Array(new SharedArrayBuffer(4));
  const stop = (): void => { Atomics.store(control, 0, 1); };
  o.signal?.addEventListener('abort', stop, { once: true });
  const links: WorkerLink[] = [];
  let reader: ParameterTransport | null = null;
  try {
    reader = await openEndpoint(endpoint);
    if (reader.layout.size !== model.size)
      throw new RangeError(`${WHERE}: the server holds ${reader.layout.size} parameters but model.size is ${model.size}`);
    const center = new Float32Array(model.size);
    const evaluate = (): number => {
      const value = model.loss ? model.loss(center) : NaN;
      return typeof value === 'number' ? value : NaN;
    };
    const barrier = new Int32Array(new SharedArrayBuffer(8));
    const runId = randomBytes(6).toString('hex');
    const script = compiledModule('async/easgd-worker');
    for (let w = 0; w < o.workers; w++) {
      const init: EasgdWorkerInit = {
        model: o.model, data, endpoint, addon: nativeInfo().binary, control, barrier, reportEveryMs: 50,
        loop: {
          worker: w, workers: o.workers, lr: o.lr, alpha: o.alpha, tau: o.tau, mode: o.mode, momentum: o.momentum,
          batchSize: o.batchSize, steps, seed: o.seed, runId,
          begin: Math.floor((model.examples * w) / o.workers), end: Math.floor((model.examples * (w + 1)) / o.workers),
        },
      };
      links.push(new WorkerLink(startWorker(WHERE, script, init), w));
    }
    // A failure anywhere stops everyone; the abort signal does the same.
    const failed = new Promise<never>((_, reject) => {
      for (const link of links) link.next('done').catch((err: Error) => { stop(); reject(err); });
    });
    failed.catch(() => undefined);
    const aborted = new Promise<never>((_, reject) => {
      o.signal?.addEventListener('abort', () => reject(o.signal!.reason), { once: true });
    });
    aborted.catch(() => undefined);
    await Promise.race([Promise.all(links.map((l) => l.next('ready'))), failed, aborted]);

    const history: EasgdHistoryEntry[] = [];
    const record = (seconds: number): void => {
      const total = links.reduce((acc, l) => ({
        steps: acc.steps + l.progress.steps, exchanges: acc.exchanges + l.progress.exchanges, examples: acc.examples + l.progress.examples,
      }), { steps: 0, exchanges: 0, examples: 0 });
      const entry: EasgdHistoryEntry = {
        seconds, loss: evaluate(), examples: total.examples, steps: total.steps, exchanges: total.exchanges,
        examplesPerSecond: seconds > 0 ? total.examples / seconds : 0,
      };
      history.push(entry);
      o.onProgress?.(entry);
    };
    await readCenter(reader, center);
    record(0);
    const started = performance.now();
    const elapsed = (): number => (performance.now() - started) / 1000;
    for (const link of links) link.worker.postMessage({ type: 'start' });
    const done = Promise.all(links.map((l) => l.next('done')));
    done.catch(() => undefined);
    let finished = false;
    void done.then(() => { finished = true; }, () => undefined);
    while (!finished) {
      const tick = o.evalEvery > 0 ? new Promise((resolve) => setTimeout(resolve, o.evalEvery * 1000)) : new Promise(() => undefined);
      await Promise.race([done, failed, aborted, tick]);
      if (finished) break;
      await readCenter(reader, center);
      record(elapsed());
    }
    const replies = await done;
    const seconds = elapsed();
    await readCenter(reader, center);
    record(seconds);
    const examples = replies.reduce((sum, r) => sum + (r.type === 'done' ? r.examples : 0), 0);
    const exchanges = replies.reduce((sum, r) => sum + (r.type === 'done' ? r.exchanges : 0), 0);
    return {
      center: center.slice(), history, seconds, examples, exchanges, steps,
      examplesPerSecond: seconds > 0 ? examples / seconds : 0,
      settings: { workers: o.workers, lr: o.lr, alpha: o.alpha, beta: o.workers * o.alpha, tau: o.tau, mode: o.mode, momentum: o.momentum, batchSize: o.batchSize },
    };
  } finally {
    stop();
    o.signal?.removeEventListener('abort', stop);
    await Promise.all(links.map((l) => l.worker.terminate()));
    await reader?.close().catch(() => undefined);
    await server?.close();
  }
}

/** Options of {@link runEasgdWorker}. */
export interface RunEasgdWorkerOptions {
  /** This worker's index, 0-based (part of its push ids). */
  worker: number;
  /** Workers in the run (p); sync mode waits for all of them at every exchange. */
  workers: number;
  /** Local learning rate η. Default 0.01. */
  lr?: number;
  /** Moving rate α = ηρ, in (0, 1). Default 0.9 / workers. */
  alpha?: number;
  /** Communication period τ. Default 10. */
  tau?: number;
  /** Default 'async'. 'sync' needs `barrier`. */
  mode?: 'sync' | 'async';
  /** Nesterov momentum δ (EAMSGD). Default 0. */
  momentum?: number;
  /** Default 32. */
  batchSize?: number;
  /** Local steps to take. */
  steps: number;
  /** The examples this worker samples from: [begin, end). Default: the whole set. */
  begin?: number;
  end?: number;
  /** Default 0. */
  seed?: number;
  /** Unique per run (part of push ids, so servers can drop duplicates). Default: random. */
  runId?: string;
  /** A barrier shared by all workers of a synchronous run. */
  barrier?: EasgdBarrier;
  /** Stops the loop before its next local step. */
  signal?: AbortSignal;
  /** Called after every exchange. */
  onExchange?: (info: EasgdExchangeInfo) => void;
}

/** What {@link runEasgdWorker} resolves with. */
export interface RunEasgdWorkerResult {
  /** Local steps taken. */
  steps: number;
  /** Exchanges with the center. */
  exchanges: number;
  /** Examples whose gradients were computed. */
  examples: number;
  /** True when the signal stopped the loop early. */
  stopped: boolean;
  /** The worker's final local variable x_i. */
  local: Float32Array;
}

/**
 * One EASGD worker on any transport, in the calling thread: takes `steps` local steps of SGD (or
 * EAMSGD) on `model` with the native kernels, exchanging with the center every `tau` steps. For
 * workers that live in other processes (a Redis server); {@link easgd} runs these in threads.
 */
export async function runEasgdWorker(transport: ParameterTransport, model: AsyncModel, options: RunEasgdWorkerOptions): Promise<RunEasgdWorkerResult> {
  const where = 'runEasgdWorker';
  if (typeof transport !== 'object' || transport === null || typeof transport.fetch !== 'function' || typeof transport.push !== 'function')
    throw new TypeError(`${where}: transport must be a ParameterTransport, got ${describe(transport)}`);
  if (typeof model !== 'object' || model === null || typeof model.gradient !== 'function')
    throw new TypeError(`${where}: model must be an AsyncModel { size, examples, gradient }, got ${describe(model)}`);
  if (typeof options !== 'object' || options === null) throw new TypeError(`${where}: options must be an object, got ${describe(options)}`);
  const workers = checkNumber(where, 'workers', options.workers, { min: 1, max: 1024, integer: true });
  const worker = checkNumber(where, 'worker', options.worker, { min: 0, max: workers - 1, integer: true });
  const lr = checkNumber(where, 'lr', options.lr ?? 0.01, { min: 0, minExclusive: true });
  const alpha = checkNumber(where, 'alpha', options.alpha ?? 0.9 / workers, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  if (workers * alpha > 1) throw new RangeError(`${where}: beta = workers · alpha = ${workers * alpha} must be ≤ 1 for stability: the synchronous center update (1 − β)·x̃ + β·mean(x_i) overshoots for β > 1 (Zhang et al. 2015 take β = 0.9)`);
  const mode = checkChoice(where, 'mode', options.mode ?? 'async', ['sync', 'async'] as const);
  if (mode === 'sync' && (typeof options.barrier !== 'object' || options.barrier === null || typeof options.barrier.wait !== 'function'))
    throw new TypeError(`${where}: mode 'sync' needs a barrier { wait() } shared by all workers`);
  const begin = checkNumber(where, 'begin', options.begin ?? 0, { min: 0, max: model.examples - 1, integer: true });
  const end = checkNumber(where, 'end', options.end ?? model.examples, { min: begin + 1, max: model.examples, integer: true });
  const signal = options.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError(`${where}: signal must be an AbortSignal, got ${describe(signal)}`);
  const result: EasgdWorkerLoopResult = await easgdWorkerLoop(transport, model, addon(), {
    worker, workers, lr, alpha, mode, begin, end,
    tau: checkNumber(where, 'tau', options.tau ?? 10, { min: 1, max: 2 ** 31 - 1, integer: true }),
    momentum: checkNumber(where, 'momentum', options.momentum ?? 0, { min: 0, max: 1, maxExclusive: true }),
    batchSize: checkNumber(where, 'batchSize', options.batchSize ?? 32, { min: 1, max: 2 ** 24, integer: true }),
    steps: checkNumber(where, 'steps', options.steps, { min: 0, max: 2 ** 40, integer: true }),
    seed: checkNumber(where, 'seed', options.seed ?? 0, { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true }),
    runId: options.runId ?? randomBytes(6).toString('hex'),
    shouldStop: () => signal?.aborted === true,
    ...(options.barrier ? { barrier: options.barrier } : {}),
    ...(options.onExchange ? { onExchange: options.onExchange } : {}),
  });
  return result;
}
