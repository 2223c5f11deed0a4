/**
 * The configuration file of `descent-ps run`: where Redis is, how the parameters are sharded,
 * how many shard-server and worker processes to start, and what they train.
 * @packageDocumentation
 */
import * as path from 'node:path';
import { checkKnownKeys, checkNumber, describe } from '../../optimizers/validate';
import type { ServerRule } from '../transport';
import { resolveServerRule } from '../server-rule';
import { checkLocation, type RedisLocation } from './connection';
import { checkJobName } from './keys';
import type { RedisAlgorithm } from './worker';

/** The JSON file `descent-ps run --config` reads. Paths are relative to the file. */
export interface RedisRunConfig {
  /** Where Redis is: `{ url }` or `{ cluster: [{ host, port }] }`, optional `prefix`. */
  readonly redis: RedisLocation;
  /** The job's name (its keys in Redis). */
  readonly job: string;
  readonly algorithm: RedisAlgorithm;
  /** Model module exporting `createModel(data)`. */
  readonly model: string;
  /** Handed to `createModel(data)` in every process. */
  readonly data?: unknown;
  /** Parameter shards. Default 1. */
  readonly shards?: number;
  /** Shard-server processes; shards are dealt to them round-robin. Default: one per shard. */
  readonly servers?: number;
  /** Worker processes (Downpour replicas or EASGD workers). Default 1. */
  readonly replicas?: number;
  /** The shards' rule. Default `{ name: 'adagrad' }` for Downpour, `{ name: 'elastic' }` for EASGD. */
  readonly rule?: ServerRule;
  /** Initial parameters: zeros (default) or uniform in [−scale, scale) from a seed. */
  readonly init?: 'zeros' | { readonly uniform: number; readonly seed?: number };
  /** `'overwrite'` (default) starts the job afresh; `'resume'` continues a job already in Redis. */
  readonly ifExists?: 'overwrite' | 'resume';
  /** Options of the algorithm's worker loop (steps, lr, batchSize, nFetch, nPush, tau, alpha, seed...). */
  readonly options?: Readonly<Record<string, unknown>>;
  /** Shard-server options: batch, claimIdleMs, dedupWindow. */
  readonly server?: { readonly batch?: number; readonly claimIdleMs?: number; readonly dedupWindow?: number };
  /** Heartbeat lifetime of every process (ms). Default 3 000. */
  readonly heartbeatTtlMs?: number;
}

const KEYS = ['redis', 'job', 'algorithm', 'model', 'data', 'shards', 'servers', 'replicas', 'rule', 'init', 'ifExists', 'options', 'server', 'heartbeatTtlMs'];

/**
 * Checks a run configuration and resolves its paths against `baseDir`; fills in defaults. Throws a
 * TypeError/RangeError naming the bad field.
 */
export function checkRunConfig(raw: unknown, baseDir: string): Required<Omit<RedisRunConfig, 'data' | 'rule'>> & Pick<RedisRunConfig, 'data'> & { rule: ServerRule } {
  const where = 'descent-ps config';
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new TypeError(`${where}: must be a JSON object, got ${describe(raw)}`);
  checkKnownKeys(where, raw, KEYS);
  const c = raw as RedisRunConfig;
  const redis = checkLocation(c.redis, `${where}: redis`);
  const job = checkJobName(c.job, `${where}: job`);
  if (c.algorithm !== 'downpour' && c.algorithm !== 'easgd') throw new TypeError(`${where}: algorithm must be 'downpour' or 'easgd', got ${JSON.stringify(c.algorithm)}`);
  if (typeof c.model !== 'string' || c.model.length === 0) throw new TypeError(`${where}: model must be the path of a module exporting createModel(data)`);
  const shards = checkNumber(where, 'shards', c.shards ?? 1, { min: 1, max: 4096, integer: true });
  const servers = checkNumber(where, 'servers', c.servers ?? shards, { min: 1, max: shards, integer: true });
  const replicas = checkNumber(where, 'replicas', c.replicas ?? 1, { min: 1, max: 1024, integer: true });
  const init = c.init ?? 'zeros';
  if (init !== 'zeros' && (typeof init !== 'object' || init === null || typeof init.uniform !== 'number'))
    throw new TypeError(`${where}: init must be 'zeros' or { uniform: scale, seed? }`);
  if (init !== 'zeros') {
    checkNumber(where, 'init.uniform', init.uniform, { min: 0 });
    if (init.seed !== undefined) checkNumber(where, 'init.seed', init.seed, { min: 0, integer: true });
  }
  // Checked here, where the config is read, rather than in every shard server that would fail on it later.
  if (c.rule !== undefined) resolveServerRule(c.rule);
  const ifExists = c.ifExists ?? 'overwrite';
  if (ifExists !== 'overwrite' && ifExists !== 'resume') throw new TypeError(`${where}: ifExists must be 'overwrite' or 'resume'`);
  const model = /^[a-z]+:/i.test(c.model) ? c.model : path.resolve(baseDir, c.model);
  return {
    redis, job, algorithm: c.algorithm, model, data: c.data, shards, servers, replicas,
    rule: c.rule ?? { name: c.algorithm === 'easgd' ? 'elastic' : 'adagrad' },
    init, ifExists, options: c.options ?? {}, server: c.server ?? {},
    heartbeatTtlMs: checkNumber(where, 'heartbeatTtlMs', c.heartbeatTtlMs ?? 3_000, { min: 30, integer: true }),
  };
}

/** The shards server process `index` of `servers` serves: round-robin. */
export function shardsOfServer(index: number, servers: number, shards: number): number[] {
  const out: number[] = [];
  for (let s = index; s < shards; s += servers) out.push(s);
  return out;
}

/** Initial parameters of a run: zeros, or uniform in [−scale, scale) from a 32-bit xorshift seeded by `seed`. */
export function initialParameters(size: number, init: RedisRunConfig['init']): Float32Array {
  const out = new Float32Array(size);
  if (!init || init === 'zeros') return out;
  let x = (init.seed ?? 1) >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = (x / 2 ** 32 * 2 - 1) * init.uniform;
  }
  return out;
}
