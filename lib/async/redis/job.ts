/**
 * A parameter-server job in Redis: creating its shards, reading its metadata, heartbeats of its
 * processes and a status snapshot (versions, queued pushes, live and dead processes).
 * @packageDocumentation
 */
import * as os from 'node:os';
import { checkFloat32Array, checkNumber } from '../../optimizers/validate';
import { checkShardLayout } from '../layout';
import { initShardState, resolveServerRule, serverRuleStateNames, type ResolvedServerRule } from '../server-rule';
import type { ServerRule, ServerRuleName, ShardLayout } from '../transport';
import { bytesOf } from './codec';
import { checkLocation, closeQuietly, connect, prefixOf, type RedisClient, type RedisLocation } from './connection';
import { checkJobName, jobKeys, SERVER_GROUP, shardKeys } from './keys';

/** What Redis keeps about a job besides its shards (JSON under the job's `meta` key). */
export interface RedisJobMeta {
  /** Format version of the Redis layout of a job; 1. */
  readonly format: 1;
  readonly layout: ShardLayout;
  /** The shards' update rule with every default filled in. */
  readonly rule: ResolvedServerRule;
  /** When the job was created (ms since the epoch). */
  readonly createdAt: number;
}

/** Options of {@link initRedisJob}. */
export interface InitRedisJobOptions {
  /** Where Redis is. */
  readonly redis: RedisLocation;
  /** The job's name: every key of the job is under it. */
  readonly job: string;
  readonly layout: ShardLayout;
  /** The shards' update rule (default AdaGrad, as in Downpour). */
  readonly rule?: ServerRule | ServerRuleName;
  /** Initial parameters, `layout.size` long. Default zeros. */
  readonly initialParams?: Float32Array;
  /**
   * What to do when the job already exists: `'resume'` (default) keeps its state and checks that
   * layout and rule match; `'overwrite'` deletes it and starts over.
   */
  readonly ifExists?: 'resume' | 'overwrite';
}

const WHERE = 'initRedisJob';

/** Field of the shard hash that holds state vector `name` of the rule. */
export function stateField(name: string): string {
  return `state:${name}`;
}

/** Parses a job's metadata, or null when the job does not exist. */
export async function readJobMeta(client: RedisClient, prefix: string, job: string): Promise<RedisJobMeta | null> {
  const raw = await client.get(jobKeys(prefix, job).meta);
  return raw === null ? null : (JSON.parse(raw) as RedisJobMeta);
}

/** Creates the consumer group of the shard servers on a shard's stream (and the stream), unless it exists. */
export async function ensureServerGroup(client: RedisClient, stream: string): Promise<void> {
  try {
    await client.call('XGROUP', 'CREATE', stream, SERVER_GROUP, '0', 'MKSTREAM');
  } catch (err) {
    if (!String((err as Error).message).startsWith('BUSYGROUP')) throw err;
  }
}

/** Deletes every key of a job: shards, streams, idempotence indexes, metadata, registrations. */
export async function deleteRedisJob(client: RedisClient, prefix: string, job: string): Promise<void> {
  const meta = await readJobMeta(client, prefix, job);
  const keys = jobKeys(prefix, job);
  const workers = await client.hkeys(keys.workers);
  const servers = await client.hkeys(keys.servers);
  // One DEL per key: in a Redis Cluster the keys sit on different slots.
  const doomed = [keys.meta, keys.workers, keys.servers, ...workers.map((w) => keys.workerBeat(Number(w))), ...servers.map((s) => keys.serverBeat(s))];
  for (let s = 0; s < (meta?.layout.shards.length ?? 0); s++) {
    const k = shardKeys(prefix, job, s);
    doomed.push(k.shard, k.stream, k.applied);
  }
  for (const key of doomed) await client.del(key);
}

function sameLayout(a: ShardLayout, b: ShardLayout): boolean {
  return a.size === b.size && a.shards.length === b.shards.length &&
    a.shards.every((s, i) => s.offset === b.shards[i]!.offset && s.length === b.shards[i]!.length);
}

/**
 * Creates a job's shards in Redis (parameters, rule state at its initial values, version 0, the
 * push streams with the shard servers' consumer group), or checks an existing job when
 * `ifExists` is `'resume'`. Resolves with whether it created the job.
 */
export async function initRedisJob(options: InitRedisJobOptions): Promise<{ created: boolean; meta: RedisJobMeta }> {
  const location = checkLocation(options?.redis, `${WHERE}: options.redis`);
  const job = checkJobName(options.job, `${WHERE}: options.job`);
  const layout = checkShardLayout(WHERE, options.layout);
  const rule = resolveServerRule(options.rule ?? 'adagrad');
  const ifExists = options.ifExists ?? 'resume';
  if (ifExists !== 'resume' && ifExists !== 'overwrite')
    throw new TypeError(`${WHERE}: options.ifExists must be 'resume' or 'overwrite', got ${String(ifExists)}`);
  const initial = options.initialParams === undefined ? new Float32Array(layout.size)
    : checkFloat32Array(WHERE, 'options.initialParams', options.initialParams, layout.size);
  const prefix = prefixOf(location);
  const client = connect(location, 20);
  try {
    const existing = await readJobMeta(client, prefix, job);
    if (existing && ifExists === 'resume') {
      if (!sameLayout(existing.layout, layout))
        throw new RangeError(`${WHERE}: job '${job}' exists with another layout (${existing.layout.shards.length} shards, ${existing.layout.size} coordinates); pass ifExists: 'overwrite' to replace it`);
      if (JSON.stringify(existing.rule) !== JSON.stringify(rule))
        throw new RangeError(`${WHERE}: job '${job}' exists with rule ${JSON.stringify(existing.rule)}, not ${JSON.stringify(rule)}; pass ifExists: 'overwrite' to replace it`);
      return { created: false, meta: existing };
    }
    if (existing) await deleteRedisJob(client, prefix, job);
    const names = serverRuleStateNames(rule);
    for (let s = 0; s < layout.shards.length; s++) {
      const { offset, length } = layout.shards[s]!;
      const keys = shardKeys(prefix, job, s);
      const state = initShardState(rule, length);
      const fields: (string | Buffer)[] = ['params', Buffer.from(bytesOf(initial.subarray(offset, offset + length))), 'version', '0', 'rejected', '0'];
      for (const name of names) fields.push(stateField(name), Buffer.from(bytesOf(state[name]!)));
      await client.del(keys.shard, keys.stream, keys.applied);
      await client.hset(keys.shard, ...fields);
      await ensureServerGroup(client, keys.stream);
    }
    // Metadata last: a job whose metadata exists is complete.
    const meta: RedisJobMeta = { format: 1, layout: { size: layout.size, shards: layout.shards.map((s) => ({ ...s })) }, rule, createdAt: Date.now() };
    await client.set(jobKeys(prefix, job).meta, JSON.stringify(meta));
    return { created: true, meta };
  } finally {
    await closeQuietly(client);
  }
}

/** How a process of a job registers itself (JSON in the job's `workers` / `servers` hash). */
export interface ProcessRecord {
  /** `'running'` until the process says otherwise; a running process without a heartbeat is dead. */
  readonly state: 'running' | 'done' | 'failed';
  readonly host: string;
  readonly pid: number;
  readonly startedAt: number;
  readonly updatedAt: number;
  /** Why it failed, for `'failed'`. */
  readonly error?: string;
}

/** A running heartbeat; {@link Heartbeat.stop} records the process's final state. */
export interface Heartbeat {
  stop(state: 'done' | 'failed', error?: string): Promise<void>;
}

/**
 * Registers a process under `field` of the registry hash and refreshes its heartbeat key (which
 * expires after `ttlMs`) every `ttlMs / 3`. A process killed without {@link Heartbeat.stop} stays
 * `'running'` in the registry with no heartbeat: {@link redisJobStatus} reports it dead.
 */
export async function startHeartbeat(client: RedisClient, registry: string, field: string, beatKey: string, ttlMs: number): Promise<Heartbeat> {
  checkNumber('startHeartbeat', 'ttlMs', ttlMs, { min: 30, integer: true });
  const startedAt = Date.now();
  const record = (state: ProcessRecord['state'], error?: string): string =>
    JSON.stringify({ state, host: os.hostname(), pid: process.pid, startedAt, updatedAt: Date.now(), ...(error ? { error } : {}) } satisfies ProcessRecord);
  await client.hset(registry, field, record('running'));
  await client.set(beatKey, String(Date.now()), 'PX', ttlMs);
  const timer = setInterval(() => {
    client.set(beatKey, String(Date.now()), 'PX', ttlMs).catch(() => { /* Redis away: the beat resumes with it */ });
  }, Math.max(10, Math.floor(ttlMs / 3)));
  timer.unref();
  return {
    async stop(state, error) {
      clearInterval(timer);
      // The beat is left to expire rather than deleted: a status reader that saw 'running' just
      // before this write then still finds the beat, and never mistakes a clean exit for a death.
      await client.set(beatKey, String(Date.now()), 'PX', ttlMs);
      await client.hset(registry, field, record(state, error));
    },
  };
}

/** One shard in a {@link RedisJobStatus}. */
export interface RedisShardStatus {
  readonly shard: number;
  /** Pushes applied. */
  readonly version: number;
  /** Pushes in the stream not yet applied (delivered to a server and pending, or not yet delivered). */
  readonly queued: number;
  /** Of those, delivered to a server that has not acknowledged them. */
  readonly pending: number;
  /** Pushes acknowledged without being applied because they did not fit the shard or the rule. */
  readonly rejected: number;
}

/** One registered process in a {@link RedisJobStatus}. */
export interface RedisProcessStatus extends ProcessRecord {
  /** Worker id or server consumer name. */
  readonly name: string;
  /** `'running'` in the registry and its heartbeat has expired: it died without saying so. */
  readonly dead: boolean;
}

/** A snapshot of a job. */
export interface RedisJobStatus {
  readonly meta: RedisJobMeta;
  readonly shards: readonly RedisShardStatus[];
  readonly workers: readonly RedisProcessStatus[];
  readonly servers: readonly RedisProcessStatus[];
}

async function processes(client: RedisClient, registry: string, beat: (name: string) => string): Promise<RedisProcessStatus[]> {
  const all = await client.hgetall(registry);
  const out: RedisProcessStatus[] = [];
  for (const [name, json] of Object.entries(all)) {
    const record = JSON.parse(json) as ProcessRecord;
    const alive = (await client.exists(beat(name))) === 1;
    out.push({ ...record, name, dead: record.state === 'running' && !alive });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
}

/**
 * Reads a job's state: per-shard versions and queues, and which workers and servers are alive.
 * @internal
 */
export async function jobStatusWith(client: RedisClient, prefix: string, job: string): Promise<RedisJobStatus> {
  const meta = await readJobMeta(client, prefix, job);
  if (!meta) throw new RangeError(`redisJobStatus: no job '${job}' under prefix '${prefix}' in this Redis`);
  const shards: RedisShardStatus[] = [];
  for (let s = 0; s < meta.layout.shards.length; s++) {
    const k = shardKeys(prefix, job, s);
    const [version, rejected] = await client.hmget(k.shard, 'version', 'rejected');
    const groups = (await client.call('XINFO', 'GROUPS', k.stream)) as unknown[][];
    let pending = 0, lag = 0;
    for (const g of groups) {
      const info: Record<string, unknown> = {};
      for (let i = 0; i + 1 < g.length; i += 2) info[String(g[i])] = g[i + 1];
      if (info.name !== SERVER_GROUP) continue;
      pending = Number(info.pending ?? 0);
      lag = Number(info.lag ?? 0);
    }
    shards.push({ shard: s, version: Number(version ?? 0), queued: pending + lag, pending, rejected: Number(rejected ?? 0) });
  }
  const keys = jobKeys(prefix, job);
  return {
    meta, shards,
    workers: await processes(client, keys.workers, (n) => keys.workerBeat(Number(n))),
    servers: await processes(client, keys.servers, (n) => keys.serverBeat(n)),
  };
}

/** Deletes every key of a job in the Redis at `redis` (a no-op for a job that does not exist). */
export async function deleteRedisJobKeys(redis: RedisLocation, job: string): Promise<void> {
  const location = checkLocation(redis, 'deleteRedisJobKeys: redis');
  checkJobName(job, 'deleteRedisJobKeys: job');
  const client = connect(location, 20);
  try {
    await deleteRedisJob(client, prefixOf(location), job);
  } finally {
    await closeQuietly(client);
  }
}

/** Reads a job's state (per-shard versions and queues, live and dead workers and servers) on a connection of its own. */
export async function redisJobStatus(redis: RedisLocation, job: string): Promise<RedisJobStatus> {
  const location = checkLocation(redis, 'redisJobStatus: redis');
  checkJobName(job, 'redisJobStatus: job');
  const client = connect(location, 20);
  try {
    return await jobStatusWith(client, prefixOf(location), job);
  } finally {
    await closeQuietly(client);
  }
}
