/**
 * Connections to Redis through `ioredis`, an optional peer dependency loaded on first use, so that
 * users who never touch the Redis parameter server need not install it.
 * @internal
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import type { Redis as IoRedis, RedisOptions } from 'ioredis';

/** Where a job's Redis is: one server (`url`) or a Redis Cluster (`cluster` seed nodes). */
export interface RedisLocation {
  /** `redis://[user:password@]host:port[/db]` of a single Redis. Default `redis://127.0.0.1:6379` when `cluster` is absent. */
  readonly url?: string;
  /** Seed nodes of a Redis Cluster (any subset of its masters); takes precedence over `url`. */
  readonly cluster?: readonly { readonly host: string; readonly port: number }[];
  /** Prepended to every key of the job. Default `'descent:'`. */
  readonly prefix?: string;
}

/** The client surface this package uses: ioredis's `Redis` (a `Cluster` offers the same commands). */
export type RedisClient = IoRedis;

type IoredisModule = typeof import('ioredis');

let loaded: IoredisModule | undefined;

/** `require('ioredis')`, or an Error that says how to install it. */
export function loadIoredis(): IoredisModule {
  if (loaded) return loaded;
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    loaded = require('ioredis') as IoredisModule;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'MODULE_NOT_FOUND' && String(e.message).includes('ioredis'))
      throw new Error("descent's Redis parameter server needs the 'ioredis' package (an optional peer dependency): run `npm install ioredis`");
    throw err;
  }
  return loaded;
}

/** Checks a {@link RedisLocation}; throws a TypeError naming `name` when it is malformed. */
export function checkLocation(location: unknown, name: string): RedisLocation {
  // A Float32Array, an array or a Date has neither url nor cluster: taking it for "the default
  // local Redis" would connect (and retry) somewhere the caller never named.
  const proto = typeof location === 'object' && location !== null ? Object.getPrototypeOf(location) : undefined;
  if (proto !== Object.prototype && proto !== null) throw new TypeError(`${name} must be a plain object with url or cluster`);
  const l = location as RedisLocation;
  if (l.url !== undefined && (typeof l.url !== 'string' || !/^rediss?:\/\//.test(l.url)))
    throw new TypeError(`${name}.url must be a redis:// or rediss:// URL; got ${JSON.stringify(l.url)}`);
  if (l.cluster !== undefined) {
    if (!Array.isArray(l.cluster) || l.cluster.length === 0)
      throw new TypeError(`${name}.cluster must be a non-empty array of { host, port }`);
    for (const node of l.cluster)
      if (typeof node?.host !== 'string' || !Number.isInteger(node?.port) || node.port < 1 || node.port > 65535)
        throw new TypeError(`${name}.cluster entries must be { host: string, port: 1..65535 }; got ${JSON.stringify(node)}`);
  }
  if (l.prefix !== undefined && (typeof l.prefix !== 'string' || /[{}]/.test(l.prefix)))
    throw new TypeError(`${name}.prefix must be a string without '{' or '}'`);
  return l;
}

/** The key prefix of a location (default `'descent:'`). */
export function prefixOf(location: RedisLocation): string {
  return location.prefix ?? 'descent:';
}

/**
 * Opens a connection. `retriesPerRequest` bounds how many reconnection attempts a command waits
 * through (null: forever, what a shard server wants across a Redis restart).
 */
export function connect(location: RedisLocation, retriesPerRequest: number | null): RedisClient {
  const { Redis, Cluster } = loadIoredis();
  const options: RedisOptions = {
    maxRetriesPerRequest: retriesPerRequest,
    // Reconnect quickly at first, then every second: a restarted Redis is back within seconds.
    retryStrategy: (times: number) => Math.min(50 * times, 1000),
    enableReadyCheck: true,
  };
  if (location.cluster) {
    const cluster = new Cluster(location.cluster.map((n) => ({ host: n.host, port: n.port })), { redisOptions: options });
    return cluster as unknown as RedisClient;
  }
  return new Redis(location.url ?? 'redis://127.0.0.1:6379', options);
}

/** A Lua script run by EVALSHA, falling back to EVAL when Redis has not cached it (e.g. after a restart). */
export class LuaScript {
  readonly sha: string;
  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** Runs the script; replies come back with bulk strings as Buffers. */
  async run(client: RedisClient, keys: readonly string[], args: readonly (string | Buffer | number)[]): Promise<unknown> {
    try {
      return await client.callBuffer('EVALSHA', this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!String((err as Error).message).startsWith('NOSCRIPT')) throw err;
      return client.callBuffer('EVAL', this.source, keys.length, ...keys, ...args);
    }
  }
}

/** Closes a client, waiting for replies in flight; never throws (the connection may already be gone). */
export async function closeQuietly(client: RedisClient): Promise<void> {
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}
