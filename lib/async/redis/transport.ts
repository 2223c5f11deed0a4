/**
 * The Redis implementation of {@link ParameterTransport}: a worker in any process on any machine
 * reads shards (parameters and version in one HMGET, so the pair is consistent) and appends pushes
 * to the shard's stream (one XADD, binary values), from which the stateless shard servers
 * ({@link runShardServer}) apply them.
 *
 * A {@link TransportEndpoint} for it is `{ module: redisTransportModule(), config }` with a
 * {@link RedisTransportConfig}; `openTransport(config)` below is what worker threads and processes call.
 * @packageDocumentation
 */
import { checkNumber, checkFloat32Array, describe } from '../../optimizers/validate';
import { compiledModule } from '../compiled';
import { checkShardLayout } from '../layout';
import type { ParameterTransport, Push, ShardLayout, TransportEndpoint, TransportStats } from '../transport';
import { transportClosedError } from '../transport';
import { bytesOf, copyBlob } from './codec';
import { checkLocation, closeQuietly, connect, prefixOf, type RedisClient, type RedisLocation } from './connection';
import { readJobMeta, stateField, type RedisJobMeta } from './job';
import { checkJobName, shardKeys, type ShardKeys } from './keys';

/** The `config` of a Redis {@link TransportEndpoint}: structured-cloneable and JSON-serialisable. */
export interface RedisTransportConfig extends RedisLocation {
  /** The job (created by {@link initRedisJob}). */
  readonly job: string;
  /** Expected layout; when given, opening fails unless the job in Redis has exactly this one. */
  readonly layout?: ShardLayout;
  /**
   * Reconnection attempts a fetch or push waits through before it rejects (each ≤ 1 s apart).
   * Default 60; null waits forever (a Redis restart then only pauses the worker).
   */
  readonly retriesPerRequest?: number | null;
}

const WHERE = 'RedisTransport';

/** A {@link ParameterTransport} over Redis. Open it with {@link openTransport}. */
export class RedisTransport implements ParameterTransport {
  readonly layout: ShardLayout;
  private readonly keys: readonly ShardKeys[];
  private readonly counters: TransportStats = { fetches: 0, pushes: 0, bytesSent: 0, bytesReceived: 0 };
  private closed = false;

  /** @internal Use {@link openTransport}. */
  constructor(private readonly client: RedisClient, prefix: string, job: string, readonly meta: RedisJobMeta) {
    this.layout = meta.layout;
    this.keys = meta.layout.shards.map((_, s) => shardKeys(prefix, job, s));
  }

  private shardLength(shard: number, method: string): number {
    if (this.closed) throw transportClosedError(`${WHERE}.${method}`);
    checkNumber(`${WHERE}.${method}`, 'shard', shard, { min: 0, max: this.layout.shards.length - 1, integer: true });
    return this.layout.shards[shard]!.length;
  }

  async fetch(shard: number, into: Float32Array, gradSumInto?: Float32Array): Promise<number> {
    const n = this.shardLength(shard, 'fetch');
    checkFloat32Array(`${WHERE}.fetch`, 'into', into, n);
    if (gradSumInto !== undefined) {
      checkFloat32Array(`${WHERE}.fetch`, 'gradSumInto', gradSumInto, n);
      if (this.meta.rule.name !== 'adaptive-revision')
        throw new TypeError(`${WHERE}.fetch: gradSumInto is only for servers running 'adaptive-revision'; this job runs '${this.meta.rule.name}'`);
    }
    const fields = gradSumInto ? ['params', 'version', stateField('gradSum')] : ['params', 'version'];
    // One HMGET: Redis runs it atomically, so parameters, version and ḡ are from the same commit.
    const blobs = (await this.client.hmgetBuffer(this.keys[shard]!.shard, ...fields)) as (Buffer | null)[];
    const version = Number(blobs[1]?.toString());
    if (!Number.isInteger(version)) throw new RangeError(`${WHERE}.fetch: shard ${shard} has no version in Redis (was the job deleted?)`);
    // Check both blobs before writing either, so a failed call leaves the caller's arrays as they were.
    if (gradSumInto && blobs[2]?.length !== gradSumInto.byteLength) copyBlob(blobs[2], gradSumInto, `shard ${shard}'s gradient sum`);
    copyBlob(blobs[0], into, `shard ${shard}'s parameters`);
    if (gradSumInto) copyBlob(blobs[2], gradSumInto, `shard ${shard}'s gradient sum`);
    this.counters.fetches++;
    this.counters.bytesReceived += into.byteLength + (gradSumInto?.byteLength ?? 0);
    return version;
  }

  async push(push: Push): Promise<void> {
    if (typeof push !== 'object' || push === null) throw new TypeError(`${WHERE}.push: push must be a Push object, got ${describe(push)}`);
    const n = this.shardLength(push.shard, 'push');
    if (typeof push.id !== 'string' || push.id.length === 0) throw new TypeError(`${WHERE}.push: push.id must be a non-empty string`);
    checkNumber(`${WHERE}.push`, 'push.worker', push.worker, { min: 0, integer: true });
    checkNumber(`${WHERE}.push`, 'push.readVersion', push.readVersion, { min: 0, integer: true });
    if (push.kind !== 'gradient' && push.kind !== 'elastic')
      throw new TypeError(`${WHERE}.push: push.kind must be 'gradient' or 'elastic', got ${String(push.kind)}`);
    checkFloat32Array(`${WHERE}.push`, 'push.values', push.values, n);
    if (push.gradSumAtRead !== undefined) checkFloat32Array(`${WHERE}.push`, 'push.gradSumAtRead', push.gradSumAtRead, n);
    const args: (string | Buffer)[] = ['id', push.id, 'worker', String(push.worker), 'kind', push.kind,
      'readVersion', String(push.readVersion), 'values', bytesOf(push.values)];
    if (push.gradSumAtRead) args.push('gradSumAtRead', bytesOf(push.gradSumAtRead));
    await this.client.xadd(this.keys[push.shard]!.stream, '*', ...args);
    this.counters.pushes++;
    this.counters.bytesSent += push.values.byteLength + (push.gradSumAtRead?.byteLength ?? 0);
  }

  stats(): TransportStats {
    return { ...this.counters };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await closeQuietly(this.client);
  }
}

/** Checks a {@link RedisTransportConfig}; throws a TypeError naming the bad field. */
export function checkRedisTransportConfig(config: unknown, where = 'openTransport'): RedisTransportConfig {
  const c = checkLocation(config, `${where}: config`) as RedisTransportConfig;
  checkJobName(c.job, `${where}: config.job`);
  if (c.layout !== undefined) checkShardLayout(where, c.layout);
  if (c.retriesPerRequest !== undefined && c.retriesPerRequest !== null)
    checkNumber(where, 'config.retriesPerRequest', c.retriesPerRequest, { min: 0, integer: true });
  return c;
}

/**
 * Connects to a job's shards in Redis. Rejects with a RangeError when the job does not exist or
 * its layout differs from `config.layout`. This is the function a {@link TransportEndpoint}'s
 * module exports.
 */
export async function openTransport(config: RedisTransportConfig): Promise<RedisTransport> {
  const c = checkRedisTransportConfig(config);
  const prefix = prefixOf(c);
  const client = connect(c, c.retriesPerRequest === undefined ? 60 : c.retriesPerRequest);
  try {
    const meta = await readJobMeta(client, prefix, c.job);
    if (!meta) throw new RangeError(`openTransport: no job '${c.job}' under prefix '${prefix}' in this Redis (create it with initRedisJob or descent-ps run)`);
    if (c.layout && JSON.stringify(c.layout.shards.map((s) => [s.offset, s.length])) !== JSON.stringify(meta.layout.shards.map((s) => [s.offset, s.length])))
      throw new RangeError(`openTransport: job '${c.job}' has a different shard layout than config.layout`);
    return new RedisTransport(client, prefix, c.job, meta);
  } catch (err) {
    await closeQuietly(client);
    throw err;
  }
}

/**
 * Path of the module exporting {@link openTransport}: this file compiled (dist/cjs, or a
 * development build when the library runs from its TypeScript source), for threads and processes.
 */
export function redisTransportModule(): string {
  return compiledModule('async/redis/transport');
}

/** The {@link TransportEndpoint} of a Redis job, for algorithms that open a transport per worker. */
export function redisEndpoint(config: RedisTransportConfig): TransportEndpoint {
  return { module: redisTransportModule(), config: checkRedisTransportConfig(config, 'redisEndpoint') };
}
