/**
 * The boundary between asynchronous-SGD workers and the parameter server (seed §5.2–5.5).
 *
 * Workers (Downpour replicas, EASGD workers) never touch the server's memory directly: they call a
 * {@link ParameterTransport}. Two transports implement it — in-process (shards in
 * SharedArrayBuffers, updates by native kernels) and Redis (shards as Float32 blobs with versions,
 * pushes through Redis Streams) — so an algorithm written against this file runs on either.
 *
 * What crosses the boundary, and why it is shaped so:
 * - A worker reads a whole shard at once and gets the shard's version with it, so staleness
 *   (server version − version read) is measurable per push.
 * - A push names the shard, carries one vector, and has an id unique across workers and retries:
 *   a server applies a given id at most once, so redelivery after a crash is safe.
 * - Adaptive revision (delay-tolerant AdaGrad) needs the server's running gradient sum ḡ as it was
 *   when the worker read the parameters (g_bck); the worker fetches it with the parameters and sends
 *   it back with its gradient, so the server stays free of per-worker state.
 * @packageDocumentation
 */

/** One shard: the contiguous slice [offset, offset + length) of the flat parameter vector. */
export interface ShardRange {
  /** First coordinate of the shard in the flat vector. */
  readonly offset: number;
  /** Coordinates in the shard (≥ 1). */
  readonly length: number;
}

/** How the flat parameter vector is cut into shards: contiguous, in order, covering [0, size). */
export interface ShardLayout {
  /** Total coordinates. */
  readonly size: number;
  /** The shards, in order of offset. */
  readonly shards: readonly ShardRange[];
}

/**
 * What a push carries.
 * - `'gradient'`: a gradient (for Downpour, the sum of the replica's gradients since its last push);
 *   the server applies its update rule to it.
 * - `'elastic'`: an EASGD elastic difference d = α(x_i − x̃); the server adds it to the center.
 */
export type PushKind = 'gradient' | 'elastic';

/** One message from a worker to a shard. */
export interface Push {
  /** Unique across all workers, shards and retries; a server applies an id at most once. */
  readonly id: string;
  /** The worker (replica) that sent it, 0-based. */
  readonly worker: number;
  /** Which shard of the layout it is for. */
  readonly shard: number;
  readonly kind: PushKind;
  /** Length = the shard's length. Not modified by the transport. */
  readonly values: Float32Array;
  /** The shard version the worker had read when it computed `values`. */
  readonly readVersion: number;
  /** Adaptive revision only: the shard's ḡ fetched together with the parameters (g_bck). */
  readonly gradSumAtRead?: Float32Array;
}

/** Counters a transport keeps, for benchmarks and progress lines. */
export interface TransportStats {
  /** Completed fetch calls. */
  fetches: number;
  /** Completed push calls. */
  pushes: number;
  /** Payload bytes sent by this endpoint (pushes; requests), excluding protocol framing. */
  bytesSent: number;
  /** Payload bytes received by this endpoint (fetched shards). */
  bytesReceived: number;
}

/**
 * The worker's view of the parameter server. Implementations may be used from any thread or process
 * that opened them; one instance is used by one worker at a time (calls of one instance may be
 * awaited one after another; concurrent calls on one instance are not required to be supported).
 */
export interface ParameterTransport {
  /** The shard layout of the server this transport talks to. */
  readonly layout: ShardLayout;
  /**
   * Copies shard `shard`'s current parameters into `into` (length = the shard's length) and, when
   * `gradSumInto` is given, the shard's running gradient sum ḡ (servers running adaptive revision;
   * others throw a TypeError). Resolves with the version read: the count of pushes the shard had
   * applied.
   */
  fetch(shard: number, into: Float32Array, gradSumInto?: Float32Array): Promise<number>;
  /**
   * Hands a push to the server. Resolves once the server has accepted it (it will be applied even if
   * this worker dies now), not necessarily after it is applied.
   */
  push(push: Push): Promise<void>;
  /** This endpoint's counters since it was opened. */
  stats(): TransportStats;
  /**
   * Releases the endpoint (connections, handles); the server and its state are unaffected. A fetch
   * or push on a closed endpoint rejects with an Error whose `code` is `'ERR_TRANSPORT_CLOSED'`.
   */
  close(): Promise<void>;
}

/** The `code` of the Error a closed {@link ParameterTransport} rejects fetches and pushes with. */
export const TRANSPORT_CLOSED = 'ERR_TRANSPORT_CLOSED';

/** The Error of a call on a closed transport (code {@link TRANSPORT_CLOSED}). @internal */
export function transportClosedError(where: string): Error & { code: string } {
  return Object.assign(new Error(`${where}: the transport is closed [${TRANSPORT_CLOSED}]`), { code: TRANSPORT_CLOSED });
}

/**
 * The server-side update rule of every shard. Rules keep their per-coordinate state on the server
 * (in-process: SharedArrayBuffers; Redis: blobs beside the parameters). Every gradient rule is a
 * step of the core optimizer of the same name (compat 'torch') taken once per push, with the
 * push's values as the gradient; d = g + weightDecay·x below.
 * - `'sgd'`: x ← x − lr·d.
 * - `'adagrad'`: Downpour's default (Dean et al. 2012): h ← h + d², x ← x − lr·d/(√h + eps).
 * - `'adaptive-revision'`: McMahan & Streeter 2014, see docs/async-sgd.md; needs `gradSumAtRead`.
 * - `'elastic'`: EASGD's center, x̃ ← x̃ + d for an elastic push `d`.
 * - `'momentum'`, `'nesterov'`: SGD with (Nesterov) momentum as the Momentum/Nesterov classes:
 *   b ← γb + d, x ← x − lr·b (Nesterov: x ← x − lr·(d + γb)).
 * - `'rmsprop'`: as the RMSprop class (eps outside the root; optional momentum).
 * - `'adadelta'`: as the Adadelta class.
 * - `'adam'`, `'adamw'`, `'amsgrad'`, `'adamax'`: as the Adam, AdamW, AMSGrad and AdaMax
 *   classes; the bias corrections use t = the pushes the shard has applied (kept in the state
 *   vector `step`), so each push is one step.
 */
export type ServerRuleName =
  | 'sgd' | 'adagrad' | 'adaptive-revision' | 'elastic'
  | 'momentum' | 'nesterov' | 'rmsprop' | 'adadelta' | 'adam' | 'adamw' | 'amsgrad' | 'adamax';

/**
 * A server rule and its hyperparameters (serialisable, so it can travel to threads, processes and
 * Redis). A hyperparameter a rule does not read must be left out (or at its default): a RangeError
 * names it otherwise.
 *
 * Defaults per rule:
 *
 * | rule | lr | eps | other |
 * | --- | ---: | ---: | --- |
 * | sgd | 0.1 | – | – |
 * | adagrad | 0.1 | 1e-10 | initialAccumulatorValue 0 (torch's) |
 * | adaptive-revision | 0.1 | – | initialAccumulatorValue z₀ 0.1 (must be > 0) |
 * | momentum, nesterov | 1e-3 | – | momentum 0.9 |
 * | rmsprop | 0.01 | 1e-8 | alpha 0.99, momentum 0 |
 * | adadelta | 1.0 | 1e-6 | rho 0.9 |
 * | adam, amsgrad | 1e-3 | 1e-8 | betas [0.9, 0.999] |
 * | adamw | 1e-3 | 1e-8 | betas [0.9, 0.999], weightDecay 1e-2 |
 * | adamax | 2e-3 | 1e-8 | betas [0.9, 0.999] |
 *
 * weightDecay is 0 except for adamw. The new rules' defaults are those of the optimizer classes
 * (compat 'torch'), so `{ name: 'adam' }` steps exactly as `new Adam(params)`.
 */
export interface ServerRule {
  readonly name: ServerRuleName;
  /** Step size (α for adaptive revision). Default: see the table above. Ignored by `'elastic'`. */
  readonly lr?: number;
  /** Denominator guard of AdaGrad, RMSprop, Adadelta (inside both roots) and the Adam family (AdaMax: inside the max). Default: see the table. */
  readonly eps?: number;
  /** AdaGrad's and adaptive revision's initial accumulator. Default 0 for AdaGrad (torch's; a larger start makes small pushes crawl), 0.1 for adaptive revision (z₀ must be > 0). */
  readonly initialAccumulatorValue?: number;
  /** Momentum factor γ ≥ 0 of `'momentum'` (default 0.9), `'nesterov'` (default 0.9, must be > 0) and `'rmsprop'` (default 0). */
  readonly momentum?: number;
  /** The Adam family (`'adam'`, `'adamw'`, `'amsgrad'`, `'adamax'`): decay rates [β1, β2] of the moment estimates, each in [0, 1). Default [0.9, 0.999]. */
  readonly betas?: readonly [number, number];
  /** `'adadelta'`: decay ρ ∈ [0, 1] of both running averages. Default 0.9. */
  readonly rho?: number;
  /** `'rmsprop'`: decay α ∈ [0, 1] of the mean square. Default 0.99. */
  readonly alpha?: number;
  /**
   * L2 penalty ≥ 0 added to the gradient (`'sgd'`, `'adagrad'`, `'momentum'`, `'nesterov'`,
   * `'rmsprop'`, `'adadelta'`, `'adam'`, `'amsgrad'`, `'adamax'`; default 0) or AdamW's decoupled decay x ← x·(1 − lr·weightDecay)
   * (`'adamw'`; default 1e-2). Not available for `'adaptive-revision'` and `'elastic'`.
   */
  readonly weightDecay?: number;
}

/**
 * How a worker thread or another process reaches a server: the path of a module that exports
 * `openTransport(config): Promise<ParameterTransport>`, and that function's argument. Both are
 * structured-cloneable, so an endpoint travels to `worker_threads` and child processes as it is;
 * every transport (in-process, Redis) provides its own module and config shape.
 */
export interface TransportEndpoint {
  /** Absolute path (or file URL) of a module exporting `openTransport(config)`. */
  readonly module: string;
  /** Handed to `openTransport`; must be structured-cloneable (SharedArrayBuffers are shared). */
  readonly config: unknown;
}
