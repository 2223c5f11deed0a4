/**
 * Stateless shard servers of the Redis parameter server. A server owns nothing: each shard's
 * parameters, rule state, version and applied-push index live in Redis. For each shard it serves,
 * it reads pushes from the shard's stream in the consumer group of the servers (XREADGROUP),
 * applies them with the shared server rule ({@link applyPush}, the native kernels), and commits the
 * new blobs, the new version, the applied push ids and the acknowledgements in one Lua script
 * ({@link COMMIT_SCRIPT}) guarded by a compare-and-set on the version.
 *
 * Why nothing is lost or applied twice:
 * - A push is acknowledged only in the same atomic step that applies it. A server killed before
 *   that step leaves the push pending in the group; any server (a restarted one, or another one
 *   serving the shard) claims pending pushes idle for `claimIdleMs` (XAUTOCLAIM) and applies them.
 * - A push id already in the shard's applied index (a worker's retried XADD, or a push another
 *   server applied first) is acknowledged without being applied.
 * - Two servers on one shard cannot interleave: the commit writes only if the version is still the
 *   one the server read; otherwise the server reloads the shard and redoes the batch.
 * The server keeps a copy of its shards between batches only as a cache: the version check makes
 * it safe, and the server reloads whenever a commit fails.
 * @packageDocumentation
 */
import * as os from 'node:os';
import { randomBytes } from 'node:crypto';
import { checkNumber } from '../../optimizers/validate';
import { applyPush, serverRuleStateNames, type ResolvedServerRule } from '../server-rule';
import type { Push, PushKind } from '../transport';
import { bytesOf, copyBlob, floatsOf } from './codec';
import { checkLocation, closeQuietly, connect, prefixOf, type RedisClient, type RedisLocation } from './connection';
import { ensureServerGroup, readJobMeta, startHeartbeat, stateField, type Heartbeat, type RedisJobMeta } from './job';
import { checkJobName, jobKeys, SERVER_GROUP, shardKeys, type ShardKeys } from './keys';
import { COMMIT_SCRIPT } from './scripts';

/** Options of {@link runShardServer}. */
export interface ShardServerOptions {
  /** Where Redis is. */
  readonly redis: RedisLocation;
  /** The job (created by {@link initRedisJob}). */
  readonly job: string;
  /** Shards this process serves. Default: all of the job's shards. */
  readonly shards?: readonly number[];
  /** Consumer name in the servers' group; unique per process. Default `<host>-<pid>-<random>`. */
  readonly consumer?: string;
  /** Pushes applied per commit at most. Default 32. */
  readonly batch?: number;
  /** How long one XREADGROUP waits for pushes (ms); also the latency of stopping. Default 500. */
  readonly blockMs?: number;
  /** A pending push idle this long (ms) is taken over from the server it was delivered to. Default 10 000. */
  readonly claimIdleMs?: number;
  /** Push ids remembered for deduplication: those applied in the last `dedupWindow` versions. Default 100 000. */
  readonly dedupWindow?: number;
  /** Heartbeat lifetime (ms); refreshed every third of it. Default 3 000. */
  readonly heartbeatTtlMs?: number;
  /** Testing aid: wait this long (ms) between reading a batch and committing it. Default 0. */
  readonly commitDelayMs?: number;
  /** Stops the server (within `blockMs`). */
  readonly signal?: AbortSignal;
  /** Called after every commit and every `progressEveryMs`. */
  readonly onProgress?: (progress: ShardServerProgress) => void;
  /** Default 1 000. */
  readonly progressEveryMs?: number;
}

/** Counters of one shard served by this process. */
export interface ShardServerShardProgress {
  readonly shard: number;
  /** The shard's version after this server's last commit. */
  version: number;
  /** Pushes this server applied. */
  applied: number;
  /** Pushes acknowledged as already applied (redelivered or retried). */
  duplicates: number;
  /** Pushes that did not fit the shard or rule, acknowledged without applying. */
  rejected: number;
  /** Pending pushes taken over from other servers. */
  claimed: number;
  /** Commits that found the shard changed by another server and were redone. */
  conflicts: number;
}

/** What {@link ShardServerOptions.onProgress} receives and {@link runShardServer} resolves with. */
export interface ShardServerProgress {
  readonly consumer: string;
  readonly shards: readonly ShardServerShardProgress[];
}

interface Entry {
  readonly streamId: string;
  /** Null when the entry cannot be read as a push (it is then rejected). */
  readonly push: Push | null;
  readonly problem?: string;
}

interface Cache {
  version: number;
  readonly params: Float32Array;
  readonly state: Record<string, Float32Array>;
}

const WHERE = 'runShardServer';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function fieldsOf(raw: unknown): Map<string, Buffer> {
  const list = raw as Buffer[];
  const out = new Map<string, Buffer>();
  for (let i = 0; i + 1 < list.length; i += 2) out.set(list[i]!.toString(), list[i + 1]!);
  return out;
}

/** Reads a stream entry as a push; a malformed one becomes a rejected entry, never an exception. */
function parseEntry(shard: number, streamId: string, raw: unknown): Entry {
  const f = fieldsOf(raw);
  const id = f.get('id')?.toString();
  const values = f.get('values');
  const kind = f.get('kind')?.toString();
  const worker = Number(f.get('worker')?.toString());
  const readVersion = Number(f.get('readVersion')?.toString());
  if (!id || !values || values.length % 4 !== 0 || (kind !== 'gradient' && kind !== 'elastic') || !Number.isInteger(worker) || !Number.isFinite(readVersion))
    return { streamId, push: null, problem: `stream entry ${streamId} is not a well-formed push` };
  const sum = f.get('gradSumAtRead');
  const push: Push = {
    id, worker, shard, kind: kind as PushKind, readVersion, values: floatsOf(values),
    ...(sum ? { gradSumAtRead: floatsOf(sum) } : {}),
  };
  return { streamId, push };
}

function compareIds(a: string, b: string): number {
  const [a1, a2] = a.split('-').map(Number) as [number, number];
  const [b1, b2] = b.split('-').map(Number) as [number, number];
  return a1 - b1 || a2 - b2;
}

/** One shard's loop: its own connection (XREADGROUP blocks it) and its own cache. */
class ShardLoop {
  private cache: Cache | null = null;
  private nextClaimAt = 0;
  readonly progress: ShardServerShardProgress;
  private readonly keys: ShardKeys;
  private readonly stateNames: readonly string[];

  constructor(
    private readonly client: RedisClient,
    prefix: string,
    job: string,
    private readonly shard: number,
    private readonly length: number,
    private readonly rule: ResolvedServerRule,
    private readonly consumer: string,
    private readonly options: Required<Pick<ShardServerOptions, 'batch' | 'blockMs' | 'claimIdleMs' | 'dedupWindow' | 'commitDelayMs'>>,
    private readonly onCommit: () => void,
  ) {
    this.keys = shardKeys(prefix, job, shard);
    this.stateNames = serverRuleStateNames(rule);
    this.progress = { shard, version: 0, applied: 0, duplicates: 0, rejected: 0, claimed: 0, conflicts: 0 };
  }

  private async load(): Promise<Cache> {
    const fields = ['params', 'version', ...this.stateNames.map(stateField)];
    const blobs = (await this.client.hmgetBuffer(this.keys.shard, ...fields)) as (Buffer | null)[];
    const params = new Float32Array(this.length);
    copyBlob(blobs[0], params, `shard ${this.shard}'s parameters`);
    const state: Record<string, Float32Array> = {};
    this.stateNames.forEach((name, i) => {
      const v = new Float32Array(this.length);
      copyBlob(blobs[i + 2], v, `shard ${this.shard}'s ${name}`);
      state[name] = v;
    });
    const version = Number(blobs[1]?.toString());
    this.progress.version = version;
    return { version, params, state };
  }

  /** Pending pushes idle for claimIdleMs (from dead servers, or this one before a restart). */
  private async claim(): Promise<Entry[]> {
    const reply = (await this.client.callBuffer('XAUTOCLAIM', this.keys.stream, SERVER_GROUP, this.consumer,
      this.options.claimIdleMs, '0-0', 'COUNT', this.options.batch)) as unknown[];
    const entries = (reply[1] as [Buffer, unknown][] | null) ?? [];
    const out = entries.filter(([, f]) => f !== null).map(([id, f]) => parseEntry(this.shard, id.toString(), f));
    this.progress.claimed += out.length;
    // More pending entries past this page (a dead server's backlog): claim again next round.
    if (String(reply[0]) !== '0-0') this.nextClaimAt = 0;
    return out;
  }

  private async read(): Promise<Entry[]> {
    const reply = (await this.client.callBuffer('XREADGROUP', 'GROUP', SERVER_GROUP, this.consumer, 'COUNT', this.options.batch,
      'BLOCK', this.options.blockMs, 'STREAMS', this.keys.stream, '>')) as [Buffer, [Buffer, unknown][]][] | null;
    if (!reply) return [];
    return reply[0]![1].map(([id, f]) => parseEntry(this.shard, id.toString(), f));
  }

  /** One round: claim or read a batch, apply and commit it. Resolves with how many entries it handled. */
  async step(): Promise<number> {
    let entries: Entry[] = [];
    if (Date.now() >= this.nextClaimAt) {
      this.nextClaimAt = Date.now() + Math.max(50, this.options.claimIdleMs / 2);
      entries = await this.claim();
    }
    if (entries.length === 0) entries = await this.read();
    if (entries.length === 0) return 0;
    if (this.options.commitDelayMs > 0) await sleep(this.options.commitDelayMs);
    for (;;) {
      try {
        if (await this.commit(entries)) return entries.length;
        this.progress.conflicts++;
      } catch (err) {
        // The connection dropped or Redis restarted: whether the commit ran is unknown, so forget
        // the cache; the applied index tells on the retry.
        this.cache = null;
        throw err;
      }
      this.cache = null;
    }
  }

  private async commit(entries: readonly Entry[]): Promise<boolean> {
    const cache = this.cache ?? (this.cache = await this.load());
    const pushes = entries.filter((e) => e.push !== null).map((e) => e.push!);
    const known = pushes.length === 0 ? [] : ((await this.client.call('ZMSCORE', this.keys.applied, ...pushes.map((p) => p.id))) as (string | null)[]);
    const seen = new Set<string>();
    const appliedIds: string[] = [];
    let duplicates = 0, rejected = 0;
    pushes.forEach((push, i) => {
      if (known[i] !== null || seen.has(push.id)) {
        duplicates++;
        return;
      }
      seen.add(push.id);
      try {
        applyPush(this.rule, cache, push);
        appliedIds.push(push.id);
      } catch (err) {
        rejected++;
        process.emitWarning(`shard ${this.shard}: push ${push.id} from worker ${push.worker} rejected: ${(err as Error).message}`);
      }
    });
    for (const e of entries) if (e.push === null) {
      rejected++;
      process.emitWarning(`shard ${this.shard}: ${e.problem}`);
    }
    const fields: (string | Buffer)[] = [];
    if (appliedIds.length > 0) {
      fields.push('params', bytesOf(cache.params));
      for (const name of this.stateNames) fields.push(stateField(name), bytesOf(cache.state[name]!));
    }
    const streamIds = entries.map((e) => e.streamId);
    const newest = streamIds.reduce((a, b) => (compareIds(a, b) >= 0 ? a : b));
    const newVersion = cache.version + appliedIds.length;
    const reply = (await COMMIT_SCRIPT.run(this.client, [this.keys.shard, this.keys.applied, this.keys.stream], [
      cache.version, newVersion, SERVER_GROUP, this.options.dedupWindow, rejected, newest,
      fields.length / 2, ...fields, appliedIds.length, ...appliedIds, ...streamIds,
    ])) as [number, number];
    if (Number(reply[0]) !== 1) return false;
    cache.version = newVersion;
    Object.assign(this.progress, {
      version: newVersion, applied: this.progress.applied + appliedIds.length,
      duplicates: this.progress.duplicates + duplicates, rejected: this.progress.rejected + rejected,
    });
    this.onCommit();
    return true;
  }

  /** Runs rounds until `signal` aborts; connection errors are retried after a pause. */
  async run(signal: AbortSignal | undefined): Promise<void> {
    await ensureServerGroup(this.client, this.keys.stream);
    while (!signal?.aborted) {
      try {
        await this.step();
      } catch (err) {
        if (signal?.aborted) break;
        const message = String((err as Error).message);
        // A Redis that lost the stream (restarted without persistence) loses its group too.
        if (message.startsWith('NOGROUP')) await ensureServerGroup(this.client, this.keys.stream).catch(() => undefined);
        else if (err instanceof RangeError) throw err;
        await sleep(200);
      }
    }
  }
}

/**
 * Serves shards of a Redis parameter-server job until `options.signal` aborts; resolves with the
 * final counters. Several processes may serve the same shard (for availability): the version check
 * keeps their commits consistent. Throws a TypeError/RangeError for bad options or a job that does
 * not exist.
 */
export async function runShardServer(options: ShardServerOptions): Promise<ShardServerProgress> {
  const location = checkLocation(options?.redis, `${WHERE}: options.redis`);
  const job = checkJobName(options.job, `${WHERE}: options.job`);
  const batch = checkNumber(WHERE, 'options.batch', options.batch ?? 32, { min: 1, max: 10_000, integer: true });
  const blockMs = checkNumber(WHERE, 'options.blockMs', options.blockMs ?? 500, { min: 1, integer: true });
  const claimIdleMs = checkNumber(WHERE, 'options.claimIdleMs', options.claimIdleMs ?? 10_000, { min: 0, integer: true });
  const dedupWindow = checkNumber(WHERE, 'options.dedupWindow', options.dedupWindow ?? 100_000, { min: 1, integer: true });
  const heartbeatTtlMs = checkNumber(WHERE, 'options.heartbeatTtlMs', options.heartbeatTtlMs ?? 3_000, { min: 30, integer: true });
  const commitDelayMs = checkNumber(WHERE, 'options.commitDelayMs', options.commitDelayMs ?? 0, { min: 0 });
  const progressEveryMs = checkNumber(WHERE, 'options.progressEveryMs', options.progressEveryMs ?? 1_000, { min: 1 });
  const consumer = options.consumer ?? `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  if (typeof consumer !== 'string' || consumer.length === 0) throw new TypeError(`${WHERE}: options.consumer must be a non-empty string`);
  // The shape of options.shards is checked before connecting (its range needs the job's layout).
  if (options.shards !== undefined && (!Array.isArray(options.shards) || options.shards.length === 0))
    throw new TypeError(`${WHERE}: options.shards must be a non-empty array of shard indices`);
  const prefix = prefixOf(location);

  const control = connect(location, null);
  let meta: RedisJobMeta | null;
  try {
    meta = await readJobMeta(control, prefix, job);
  } catch (err) {
    await closeQuietly(control);
    throw err;
  }
  if (!meta) {
    await closeQuietly(control);
    throw new RangeError(`${WHERE}: no job '${job}' under prefix '${prefix}' in this Redis (create it with initRedisJob or descent-ps run)`);
  }
  const { layout, rule } = meta;
  const shards = options.shards ?? layout.shards.map((_, i) => i);
  if (!Array.isArray(shards) || shards.length === 0) throw new TypeError(`${WHERE}: options.shards must be a non-empty array of shard indices`);
  for (const s of shards) checkNumber(WHERE, 'options.shards[i]', s, { min: 0, max: layout.shards.length - 1, integer: true });

  const keys = jobKeys(prefix, job);
  const heartbeat: Heartbeat = await startHeartbeat(control, keys.servers, consumer, keys.serverBeat(consumer), heartbeatTtlMs);
  let lastReport = 0;
  const loops: ShardLoop[] = [];
  const report = (force: boolean): void => {
    if (!options.onProgress) return;
    const now = Date.now();
    if (!force && now - lastReport < progressEveryMs) return;
    lastReport = now;
    options.onProgress({ consumer, shards: loops.map((l) => ({ ...l.progress })) });
  };
  const clients: RedisClient[] = [];
  for (const s of shards) {
    const client = connect(location, null);
    clients.push(client);
    loops.push(new ShardLoop(client, prefix, job, s, layout.shards[s]!.length, rule, consumer,
      { batch, blockMs, claimIdleMs, dedupWindow, commitDelayMs }, () => report(false)));
  }
  const ticker = setInterval(() => report(true), progressEveryMs);
  ticker.unref();
  // One loop failing stops the others: the process then exits and its shards go to another server.
  const stop = new AbortController();
  const forward = (): void => stop.abort();
  if (options.signal?.aborted) stop.abort();
  options.signal?.addEventListener('abort', forward, { once: true });
  let failure: unknown;
  try {
    const results = await Promise.allSettled(loops.map((l) => l.run(stop.signal).catch((err: unknown) => {
      stop.abort();
      throw err;
    })));
    failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason;
  } finally {
    options.signal?.removeEventListener('abort', forward);
    clearInterval(ticker);
    await heartbeat.stop(failure ? 'failed' : 'done', failure ? String((failure as Error).message) : undefined).catch(() => undefined);
    await Promise.all([...clients, control].map(closeQuietly));
  }
  if (failure) throw failure;
  return { consumer, shards: loops.map((l) => ({ ...l.progress })) };
}
