/**
 * Options, results and argument checks of {@link easgd}. Each check throws a TypeError (wrong kind
 * of value) or RangeError (right kind, bad value) naming the argument.
 * @packageDocumentation
 */
import { checkNumber, describe } from '../optimizers/validate';
import { checkCallback, checkChoice, checkSignal, defaultThreads } from '../parallel/hogwild-check';
import { moduleUrl } from './load-module';
import type { TransportEndpoint } from './transport';

/** Synchronous EASGD (all workers exchange together, once per round) or asynchronous (each on its own clock). */
export type EasgdMode = 'sync' | 'async';

/** Options of {@link easgd}. */
export interface EasgdOptions {
  /** The model module (path or file URL) exporting `createModel(data)`; see {@link AsyncModel}. */
  model: string | URL;
  /** Handed to `createModel(data)` in every worker and in the calling thread (structured clone). */
  data?: unknown;
  /** Workers p (worker threads). Default: every core. */
  workers?: number;
  /** Local learning rate η. Default 0.01. */
  lr?: number;
  /** Elastic strength ρ; α = ηρ. Give `rho` or `alpha`, not both. */
  rho?: number;
  /** Moving rate α = ηρ, in (0, 1). Default 0.9 / p (β = pα = 0.9, the paper's choice). */
  alpha?: number;
  /** Communication period τ: local steps between two exchanges with the center. Default 10. */
  tau?: number;
  /** Default 'async'. */
  mode?: EasgdMode;
  /** Nesterov momentum δ of the local steps (EAMSGD when > 0), in [0, 1). Default 0 (EASGD). */
  momentum?: number;
  /** Examples per local step. Default 32. */
  batchSize?: number;
  /**
   * Passes over the data, all workers together: each worker takes
   * round(epochs · examples / (p · batchSize)) local steps. Default 1. Give `epochs` or `steps`.
   */
  epochs?: number;
  /** Local steps per worker (instead of `epochs`). */
  steps?: number;
  /**
   * The initial center (length model.size), when easgd creates the server (no `transport`). Not
   * modified. Default: zeros. With a `transport` the server already holds the center.
   */
  params?: Float32Array;
  /** Shards of the in-process server easgd creates (no `transport`). Default 1. */
  shards?: number;
  /** A running server to use instead of a new in-process one; its shards are the center. */
  transport?: TransportEndpoint;
  /** Seeds the workers' mini-batch sampling. Default 0. */
  seed?: number;
  /**
   * Seconds between two evaluations of the center's loss (model.loss, in the calling thread) for
   * the history. Default 0.5; 0 evaluates only at the start and the end.
   */
  evalEvery?: number;
  /** Stops the workers within one local step; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called with every history entry as it is recorded. */
  onProgress?: (entry: EasgdHistoryEntry) => void;
}

/** One point of the history: the center's loss at a wall-clock time. */
export interface EasgdHistoryEntry {
  /** Seconds since the workers started. */
  seconds: number;
  /** model.loss(center); NaN when the model has no loss(). */
  loss: number;
  /** Examples whose gradients the workers have computed, all together (as last reported). */
  examples: number;
  /** Examples per second so far (all workers). */
  examplesPerSecond: number;
  /** Elastic exchanges so far, all workers together. */
  exchanges: number;
  /** Local steps so far, all workers together. */
  steps: number;
}

/** What {@link easgd} resolves with. */
export interface EasgdResult {
  /** The center variable x̃ at the end (a copy read through the transport). */
  center: Float32Array;
  /** Center loss vs wall time, from the start to the end. */
  history: EasgdHistoryEntry[];
  /** Seconds from the start signal to the last worker's end. */
  seconds: number;
  /** Examples processed by all workers. */
  examples: number;
  /** examples / seconds. */
  examplesPerSecond: number;
  /** Elastic exchanges (pushes of the whole vector) by all workers. */
  exchanges: number;
  /** Local steps per worker. */
  steps: number;
  /** The resolved hyperparameters. */
  settings: { workers: number; lr: number; alpha: number; beta: number; tau: number; mode: EasgdMode; momentum: number; batchSize: number };
}

/** @internal Options after checking, with defaults filled in. */
export interface CheckedEasgdOptions {
  model: string;
  workers: number;
  lr: number;
  alpha: number;
  tau: number;
  mode: EasgdMode;
  momentum: number;
  batchSize: number;
  epochs: number | null;
  steps: number | null;
  params: Float32Array | null;
  shards: number;
  transport: TransportEndpoint | null;
  seed: number;
  evalEvery: number;
  signal: AbortSignal | undefined;
  onProgress: ((entry: EasgdHistoryEntry) => void) | undefined;
}

const WHERE = 'easgd';
const KNOWN = ['model', 'data', 'workers', 'lr', 'rho', 'alpha', 'tau', 'mode', 'momentum', 'batchSize', 'epochs', 'steps',
  'params', 'shards', 'transport', 'seed', 'evalEvery', 'signal', 'onProgress'];

function checkEndpoint(v: unknown): TransportEndpoint | null {
  if (v === undefined) return null;
  if (typeof v !== 'object' || v === null) throw new TypeError(`${WHERE}: transport must be an endpoint { module, config }, got ${describe(v)}`);
  const { module, config } = v as Partial<TransportEndpoint>;
  return { module: moduleUrl(WHERE, 'transport.module', module), config };
}

/** @internal Checks every option (see {@link EasgdOptions} for the rules) and fills in defaults. */
export function checkEasgdOptions(options: unknown): CheckedEasgdOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${WHERE}: options must be an object, got ${describe(options)}`);
  const o = options as EasgdOptions;
  for (const key of Object.keys(o)) {
    if (!KNOWN.includes(key)) throw new TypeError(`${WHERE}: unknown option '${key}'; expected one of ${KNOWN.join(', ')}`);
  }
  const model = moduleUrl(WHERE, 'model', o.model);
  const workers = checkNumber(WHERE, 'workers', o.workers ?? defaultThreads(), { min: 1, max: 1024, integer: true });
  const lr = checkNumber(WHERE, 'lr', o.lr ?? 0.01, { min: 0, minExclusive: true });
  if (o.rho !== undefined && o.alpha !== undefined)
    throw new TypeError(`${WHERE}: give rho or alpha, not both (alpha = lr · rho)`);
  const alpha = o.rho !== undefined
    ? lr * checkNumber(WHERE, 'rho', o.rho, { min: 0, minExclusive: true })
    : checkNumber(WHERE, 'alpha', o.alpha ?? 0.9 / workers, { min: 0, minExclusive: true });
  const what = o.rho !== undefined ? `alpha = lr · rho = ${alpha}` : `alpha = ${alpha}`;
  // Each exchange moves the worker and the center by α of the gap between them: α ≥ 1 overshoots.
  if (alpha >= 1) throw new RangeError(`${WHERE}: ${what} must be < 1 (each exchange moves both sides by α of the gap between them)`);
  // The center of synchronous EASGD becomes (1 − β)x̃ + β·mean(x_i) with β = pα, a convex
  // combination only for β ≤ 1 (the paper's experiments use β = 0.9). Asynchronous exchanges add
  // up the same way over one round of p pushes.
  if (workers * alpha > 1)
    throw new RangeError(`${WHERE}: beta = workers · alpha = ${workers} · ${alpha} = ${workers * alpha} must be ≤ 1 for stability: ` +
      `the synchronous center update x̃ ← (1 − β)·x̃ + β·mean(x_i) overshoots the workers' mean for β > 1 ` +
      `(Zhang et al. 2015 take β = pα = 0.9); lower ${o.rho !== undefined ? 'rho' : 'alpha'}`);
  const tau = checkNumber(WHERE, 'tau', o.tau ?? 10, { min: 1, max: 2 ** 31 - 1, integer: true });
  const mode = checkChoice(WHERE, 'mode', o.mode ?? 'async', ['sync', 'async'] as const);
  const momentum = checkNumber(WHERE, 'momentum', o.momentum ?? 0, { min: 0, max: 1, maxExclusive: true });
  const batchSize = checkNumber(WHERE, 'batchSize', o.batchSize ?? 32, { min: 1, max: 2 ** 24, integer: true });
  if (o.epochs !== undefined && o.steps !== undefined) throw new TypeError(`${WHERE}: give epochs or steps, not both`);
  const steps = o.steps === undefined ? null : checkNumber(WHERE, 'steps', o.steps, { min: 1, max: 2 ** 40, integer: true });
  const epochs = steps !== null ? null : checkNumber(WHERE, 'epochs', o.epochs ?? 1, { min: 0, minExclusive: true, max: 1e6 });
  const transport = checkEndpoint(o.transport);
  let params: Float32Array | null = null;
  if (o.params !== undefined) {
    if (transport) throw new TypeError(`${WHERE}: params sets the initial center of the server easgd creates; with a transport, initialise that server instead`);
    if (!(o.params instanceof Float32Array)) throw new TypeError(`${WHERE}: params must be a Float32Array, got ${describe(o.params)}`);
    params = o.params;
  }
  if (o.shards !== undefined && transport) throw new TypeError(`${WHERE}: shards applies to the server easgd creates; with a transport the server's layout is used`);
  const shards = checkNumber(WHERE, 'shards', o.shards ?? 1, { min: 1, max: 2 ** 20, integer: true });
  const seed = checkNumber(WHERE, 'seed', o.seed ?? 0, { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true });
  const evalEvery = checkNumber(WHERE, 'evalEvery', o.evalEvery ?? 0.5, { min: 0, max: 86_400 });
  const signal = checkSignal(WHERE, o.signal);
  const onProgress = checkCallback<(entry: EasgdHistoryEntry) => void>(WHERE, 'onProgress', o.onProgress);
  return { model, workers, lr, alpha, tau, mode, momentum, batchSize, epochs, steps, params, shards, transport, seed, evalEvery, signal, onProgress };
}
