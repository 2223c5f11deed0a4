/**
 * One worker (Downpour replica or EASGD worker) in a process of its own, talking to the parameter
 * server through Redis: loads the user's model module, registers a heartbeat so that a launcher
 * or `descent-ps status` notices if this process dies, and runs the algorithm's transport-agnostic
 * loop (lib/async/downpour.ts or lib/async/easgd.ts) on a {@link RedisTransport}.
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { describe } from '../../optimizers/validate';
import { loadAsyncModel as loadModelFrom, moduleUrl } from '../load-module';
import type { AsyncModel } from '../model';
import type { ParameterTransport } from '../transport';
import { closeQuietly, connect, prefixOf } from './connection';
import { startHeartbeat } from './job';
import { jobKeys } from './keys';
import { checkRedisTransportConfig, openTransport, type RedisTransportConfig } from './transport';

/** The asynchronous algorithms a Redis worker can run. */
export type RedisAlgorithm = 'downpour' | 'easgd';

/** Options of {@link runRedisWorker}. */
export interface RunRedisWorkerOptions {
  /** The job's Redis and name (the transport's config). */
  readonly transport: RedisTransportConfig;
  readonly algorithm: RedisAlgorithm;
  /** The model module: path or file URL of a module exporting `createModel(data)` ({@link AsyncModel}). */
  readonly model: string;
  /** Handed to `createModel(data)`: JSON-serialisable, as it crosses processes. */
  readonly data?: unknown;
  /** This worker's index, 0-based. */
  readonly worker: number;
  /** Workers in the job; worker i trains on examples [i·E/R, (i+1)·E/R). */
  readonly workers: number;
  /**
   * The algorithm loop's own options, passed through (Downpour: steps, batchSize, nFetch, nPush,
   * seed; EASGD: steps, lr, alpha, tau, momentum, batchSize, seed). The worker's place in the job,
   * its stop signal and its push-id prefix are set here.
   */
  readonly options?: Readonly<Record<string, unknown>>;
  /** Heartbeat lifetime (ms). Default 3 000. */
  readonly heartbeatTtlMs?: number;
  readonly signal?: AbortSignal;
}

type Loop = (transport: ParameterTransport, model: AsyncModel, options: Record<string, unknown>) => Promise<unknown>;

/** Where this worker sits in the job, and how to stop it. */
interface Place {
  readonly worker: number;
  readonly workers: number;
  readonly begin: number;
  readonly end: number;
  readonly signal: AbortSignal | undefined;
  /** Whether the shards run adaptive revision (the loop must fetch ḡ and send it back). */
  readonly gradSum: boolean;
}

/**
 * The options each algorithm's loop takes for a worker's place. Push ids get a prefix fresh for
 * every process start: a restarted worker's pushes must not look like repeats of its
 * predecessor's (shard servers drop repeated ids).
 */
const LOOPS: Readonly<Record<RedisAlgorithm, { file: string; name: string; place(p: Place): Record<string, unknown> }>> = {
  downpour: {
    file: '../downpour-replica', name: 'runDownpourReplica',
    place: (p) => ({
      replica: p.worker, replicas: p.workers, gradSum: p.gradSum,
      idPrefix: `downpour-${randomBytes(6).toString('hex')}`, shouldStop: () => p.signal?.aborted === true,
    }),
  },
  easgd: {
    file: '../easgd', name: 'runEasgdWorker',
    place: (p) => ({
      worker: p.worker, workers: p.workers, begin: p.begin, end: p.end, runId: randomBytes(6).toString('hex'),
      ...(p.signal ? { signal: p.signal } : {}),
    }),
  },
};

function exported<T>(mod: unknown, name: string): T | undefined {
  const m = mod as Record<string, unknown> & { default?: Record<string, unknown> };
  return [m[name], m.default?.[name]].find((c) => typeof c === 'function') as T | undefined;
}

/** The algorithm's loop, required lazily so that this file builds whichever algorithms are present. */
function loopOf(algorithm: RedisAlgorithm): Loop {
  const { file, name } = LOOPS[algorithm];
  let mod: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    mod = require(file);
  } catch (err) {
    throw new Error(`this build of descent has no ${algorithm} loop (${file}: ${(err as Error).message})`);
  }
  const loop = exported<Loop>(mod, name);
  if (!loop) throw new Error(`lib/async/${file.slice(3)} does not export ${name}`);
  return loop;
}

/** Loads a model module (path or file URL, CommonJS or ESM) and calls its `createModel(data)`. */
export async function loadAsyncModel(modulePath: string, data: unknown): Promise<AsyncModel> {
  return loadModelFrom(moduleUrl('loadAsyncModel', 'model', modulePath), data);
}

/**
 * Runs one worker against a Redis job until its loop finishes or `signal` aborts; resolves with
 * the loop's result. The worker is registered in the job (`descent-ps status` lists it) and
 * recorded as done or failed when it ends; a process killed outright stays registered as running
 * with an expired heartbeat, which is how it is noticed.
 */
export async function runRedisWorker(options: RunRedisWorkerOptions): Promise<unknown> {
  const where = 'runRedisWorker';
  if (typeof options !== 'object' || options === null) throw new TypeError(`${where}: options must be an object, got ${describe(options)}`);
  const config = checkRedisTransportConfig(options.transport, where);
  if (options.algorithm !== 'downpour' && options.algorithm !== 'easgd')
    throw new TypeError(`${where}: options.algorithm must be 'downpour' or 'easgd', got ${String(options.algorithm)}`);
  if (!Number.isInteger(options.workers) || options.workers < 1) throw new RangeError(`${where}: options.workers must be a positive integer`);
  if (!Number.isInteger(options.worker) || options.worker < 0 || options.worker >= options.workers)
    throw new RangeError(`${where}: options.worker must be an integer in [0, ${options.workers - 1}], got ${options.worker}`);
  if (typeof options.model !== 'string') throw new TypeError(`${where}: options.model must be a module path or file URL`);
  const loop = loopOf(options.algorithm);
  const model = await loadAsyncModel(options.model, options.data);
  const begin = Math.floor((options.worker * model.examples) / options.workers);
  const end = Math.floor(((options.worker + 1) * model.examples) / options.workers);

  const beats = connect(config, null);
  const keys = jobKeys(prefixOf(config), config.job);
  const heartbeat = await startHeartbeat(beats, keys.workers, String(options.worker), keys.workerBeat(options.worker), options.heartbeatTtlMs ?? 3_000);
  const transport = await openTransport(config);
  try {
    if (transport.layout.size !== model.size)
      throw new RangeError(`${where}: the job holds ${transport.layout.size} parameters but model.size is ${model.size}`);
    const place = LOOPS[options.algorithm].place({
      worker: options.worker, workers: options.workers, begin, end, signal: options.signal,
      gradSum: transport.meta.rule.name === 'adaptive-revision',
    });
    const result = await loop(transport, model, { ...options.options, ...place });
    await heartbeat.stop('done');
    return result;
  } catch (err) {
    await heartbeat.stop('failed', (err as Error).message).catch(() => undefined);
    throw err;
  } finally {
    await transport.close();
    await closeQuietly(beats);
  }
}
