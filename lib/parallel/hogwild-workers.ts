/**
 * Hogwild! with the gradient in JS: N `worker_threads` share the parameters through a
 * SharedArrayBuffer; each computes sparse gradients of a user-defined model on its share of the
 * shuffled examples and applies them in place with the native sparse SGD kernel, with no lock.
 * For models that have no native objective ({@link hogwild} covers the built-in ones).
 *
 * The model is a module (path or file URL; CommonJS or ESM) exporting `createModel(data)`, which
 * every worker calls once with a structured clone of `data` (typed arrays on SharedArrayBuffers are
 * shared, not copied):
 * ```js
 * // model.cjs: least squares on dense rows
 * exports.createModel = ({ X, y, cols }) => ({
 *   examples: y.length,
 *   maxNonzeros: cols,
 *   gradient(w, r, indices, values) {      // writes ∇ℓ_r at w, returns the nonzero count
 *     let m = 0;
 *     for (let j = 0; j < cols; j++) m += X[r * cols + j] * w[j];
 *     for (let j = 0; j < cols; j++) { indices[j] = j; values[j] = (m - y[r]) * X[r * cols + j]; }
 *     return cols;
 *   },
 * });
 * ```
 * The worker script is dist/cjs/parallel/hogwild-worker.js (`npm run build:ts` makes it).
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { shuffle as shuffleOrder, Xoshiro128 } from '../data/shuffle';
import { nativeInfo } from '../native';
import { checkBoolean, checkNumber, describe } from '../optimizers/validate';
import { checkCallback, checkSignal, checkThreads } from './hogwild-check';
import { JobGuard } from './job-guard';
import { startWorker } from './start-worker';

/** What a model module's `createModel(data)` returns. */
export interface HogwildWorkerModel {
  /** Training examples; the workers split [0, examples) between them. */
  examples: number;
  /** The most nonzeros one example's gradient can have (sizes the buffers). */
  maxNonzeros: number;
  /**
   * Writes the gradient of example `example`'s loss at `params` as sparse entries (indices strictly
   * increasing) into indices/values and returns how many it wrote.
   */
  gradient(params: Float32Array, example: number, indices: Int32Array, values: Float32Array): number;
  /** Optional: the full training objective, reported in the history after every epoch. */
  loss?(params: Float32Array): number;
}

/** Options of {@link hogwildWorkers}. */
export interface HogwildWorkersOptions {
  /** Worker threads. Default: every core. */
  workers?: number;
  /** The model module: a path or a file URL. */
  model: string | URL;
  /** Handed to `createModel(data)` in every worker (structured clone). */
  data?: unknown;
  /** The parameters: a Float32Array over a SharedArrayBuffer, updated in place. */
  params: Float32Array;
  /** Default 20. */
  epochs?: number;
  /** Step size of the first epoch. Default 0.1. */
  lr?: number;
  /** lr is multiplied by this after every epoch. Default 0.9. */
  decay?: number;
  /** Default 0. */
  seed?: number;
  /** Reshuffle every epoch. Default true. */
  shuffle?: boolean;
  /** Examples between two checks of the abort flag. Default 1000. */
  chunk?: number;
  signal?: AbortSignal;
  onEpoch?: (entry: HogwildWorkersEpoch) => void | Promise<void>;
}

/** One finished epoch of {@link hogwildWorkers}. */
export interface HogwildWorkersEpoch {
  epoch: number;
  /** model.loss(params) after the epoch; NaN when the model has no loss(). */
  loss: number;
  lr: number;
  /** Wall-clock seconds from the first worker's start to the last one's end. */
  seconds: number;
  updatesPerSecond: number;
  updates: number;
}

/** @internal What every worker receives as workerData. */
export interface WorkerInit {
  model: string;
  data: unknown;
  params: Float32Array;
  /** Path of the native addon the main thread loaded. */
  addon: string;
  /** control[0] != 0: stop at the next chunk boundary. */
  control: Int32Array;
  chunk: number;
}

/** @internal */
export type WorkerRequest = { type: 'epoch'; order: Uint32Array; lr: number; begin: number; end: number } | { type: 'loss' };

/** @internal */
export type WorkerReply =
  | { type: 'ready'; examples: number; hasLoss: boolean }
  | { type: 'done'; updates: number; seconds: number }
  | { type: 'loss'; value: number }
  | { type: 'error'; message: string };

const WHERE = 'hogwildWorkers';

/**
 * The compiled worker: next to this file in dist/cjs/parallel/ (the package). When this file runs
 * from its TypeScript source (tests, ts-node), the worker source next to it is transpiled on its own
 * into the temp directory instead (it imports only Node built-ins, so one file is enough), so a
 * development run never picks up a stale dist/ build.
 */
function workerScript(): string {
  const beside = path.join(__dirname, 'hogwild-worker.js');
  if (fs.existsSync(beside)) return beside;
  const source = path.join(__dirname, 'hogwild-worker.ts');
  if (!fs.existsSync(source)) throw new Error(`${WHERE}: the worker script ${beside} is missing; build it with \`npm run build:ts\``);
  const text = fs.readFileSync(source, 'utf8');
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const ts = require('typescript') as typeof import('typescript');
  const compiled = ts.transpileModule(text, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const file = path.join(os.tmpdir(), `descent-hogwild-worker-${createHash('sha256').update(compiled).digest('hex').slice(0, 16)}.cjs`);
  if (!fs.existsSync(file)) {
    // Write then rename, so a concurrent test process never loads a half-written file.
    const partial = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(partial, compiled);
    fs.renameSync(partial, file);
  }
  return file;
}

function moduleUrl(model: unknown): string {
  if (model instanceof URL) return model.href;
  if (typeof model !== 'string') throw new TypeError(`${WHERE}: model must be a module path or a file URL, got ${describe(model)}`);
  if (model.startsWith('file:')) return model;
  const file = path.resolve(model);
  if (!fs.existsSync(file)) throw new RangeError(`${WHERE}: model module ${file} does not exist`);
  return pathToFileURL(file).href;
}

/** Replies of one worker, one at a time, with its failures turned into rejections. */
class WorkerLink {
  private pending: { resolve(r: WorkerReply): void; reject(e: Error): void } | null = null;
  private failure: Error | null = null;

  constructor(readonly worker: Worker, index: number) {
    const fail = (err: Error): void => {
      this.failure ??= err;
      this.pending?.reject(err);
      this.pending = null;
    };
    worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'error') return fail(new Error(`${WHERE}: worker ${index}: ${reply.message}`));
      const p = this.pending;
      this.pending = null;
      p?.resolve(reply);
    });
    worker.on('error', (err) => fail(new Error(`${WHERE}: worker ${index} failed: ${err.message}`)));
    worker.on('exit', (code) => fail(new Error(`${WHERE}: worker ${index} exited (code ${code})`)));
  }

  /** The next reply (after posting `request`, if given). */
  next(request?: WorkerRequest): Promise<WorkerReply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      if (request) this.worker.postMessage(request);
    });
  }
}

/**
 * Runs Hogwild! SGD with the gradient computed in JS on `workers` threads (see the module docs).
 * Resolves with the per-epoch history and the parameters; rejects with the signal's reason when
 * aborted (workers stop within one chunk), or with an Error naming the worker that failed.
 */
export async function hogwildWorkers(options: HogwildWorkersOptions): Promise<{ history: HogwildWorkersEpoch[]; params: Float32Array }> {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${WHERE}: options must be an object, got ${describe(options)}`);
  const workers = checkThreads(WHERE, 'workers', options.workers);
  const model = moduleUrl(options.model);
  const params = options.params;
  if (!(params instanceof Float32Array)) throw new TypeError(`${WHERE}: params must be a Float32Array, got ${describe(params)}`);
  if (!(params.buffer instanceof SharedArrayBuffer))
    throw new TypeError(`${WHERE}: params must be a Float32Array over a SharedArrayBuffer (the workers share it)`);
  const epochs = checkNumber(WHERE, 'epochs', options.epochs ?? 20, { min: 0, integer: true });
  const lr = checkNumber(WHERE, 'lr', options.lr ?? 0.1, { min: 0, minExclusive: true });
  const decay = checkNumber(WHERE, 'decay', options.decay ?? 0.9, { min: 0, max: 1, minExclusive: true });
  const seed = checkNumber(WHERE, 'seed', options.seed ?? 0, { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true });
  const shuffle = checkBoolean(WHERE, 'shuffle', options.shuffle ?? true);
  const chunk = checkNumber(WHERE, 'chunk', options.chunk ?? 1000, { min: 1, integer: true });
  const signal = checkSignal(WHERE, options.signal);
  const onEpoch = checkCallback<NonNullable<HogwildWorkersOptions['onEpoch']>>(WHERE, 'onEpoch', options.onEpoch);
  signal?.throwIfAborted();

  const script = workerScript();
  const addonPath = nativeInfo().binary;
  const control = new Int32Array(new SharedArrayBuffer(4));
  const guard = new JobGuard(WHERE);
  guard.claim({ writes: { params } }); // refuses a second job on params until this one settles (docs/async-safety.md)
  const links: WorkerLink[] = [];
  const stop = (): void => { Atomics.store(control, 0, 1); };
  signal?.addEventListener('abort', stop, { once: true });
  try {
    for (let i = 0; i < workers; i++) {
      const init: WorkerInit = { model, data: options.data, params, addon: addonPath, control, chunk };
      links.push(new WorkerLink(startWorker(WHERE, script, init), i));
    }
    const ready = await Promise.all(links.map((link) => link.next()));
    const first = ready[0]!;
    if (first.type !== 'ready' || ready.some((r) => r.type !== 'ready' || r.examples !== first.examples))
      throw new Error(`${WHERE}: the workers disagree on model.examples`);
    // Shared with every worker: posting a view of a SharedArrayBuffer shares it, it is not copied.
    const order = new Uint32Array(new SharedArrayBuffer(first.examples * 4));
    for (let i = 0; i < order.length; i++) order[i] = i;

    const rng = new Xoshiro128(seed);
    const history: HogwildWorkersEpoch[] = [];
    for (let epoch = 0; epoch < epochs; epoch++) {
      signal?.throwIfAborted();
      if (shuffle) shuffleOrder(order, rng);
      const epochLr = lr * decay ** epoch;
      const n = order.length;
      const started = performance.now();
      const done = await Promise.all(links.map((link, w) =>
        link.next({ type: 'epoch', order, lr: epochLr, begin: Math.floor((n * w) / workers), end: Math.floor((n * (w + 1)) / workers) })));
      const seconds = (performance.now() - started) / 1000;
      signal?.throwIfAborted();
      const updates = done.reduce((sum, r) => sum + (r.type === 'done' ? r.updates : 0), 0);
      const loss = first.hasLoss ? await links[0]!.next({ type: 'loss' }) : null;
      const entry: HogwildWorkersEpoch = {
        epoch, loss: loss?.type === 'loss' ? loss.value : NaN, lr: epochLr, seconds,
        updatesPerSecond: seconds > 0 ? updates / seconds : 0, updates,
      };
      history.push(entry);
      await onEpoch?.(entry);
    }
    return { history, params };
  } finally {
    signal?.removeEventListener('abort', stop);
    await Promise.allSettled(links.map((l) => l.worker.terminate()));
    guard.release();
  }
}
