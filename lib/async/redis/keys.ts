/**
 * Redis key names of a parameter-server job. Every key of shard s carries the hash tag
 * `{job:s}`, so Redis Cluster keeps a shard's parameters, rule state, push stream and applied-id
 * index on one slot (a Lua script may then touch them together); different shards spread over the
 * cluster. Job-wide keys (metadata, heartbeats) carry the tag `{job}`.
 * @internal
 * @packageDocumentation
 */

/** Consumer group of the shard servers on every shard stream. */
export const SERVER_GROUP = 'shard-servers';

/** The keys of one shard. */
export interface ShardKeys {
  /** Hash: `params` (Float32 blob), `version` (pushes applied), `state:<name>` (rule-state blobs), `rejected`. */
  readonly shard: string;
  /** Stream of pushes for this shard. */
  readonly stream: string;
  /** Sorted set: push id → the shard version that applied it (the idempotence index). */
  readonly applied: string;
}

/** Validates a job name: non-empty, no braces (they would break the hash tag). */
export function checkJobName(job: unknown, name = 'job'): string {
  if (typeof job !== 'string' || job.length === 0 || /[{}]/.test(job))
    throw new TypeError(`${name} must be a non-empty string without '{' or '}'; got ${JSON.stringify(job)}`);
  return job;
}

/** Key names of shard `shard` of `job` under `prefix`. */
export function shardKeys(prefix: string, job: string, shard: number): ShardKeys {
  const tag = `{${job}:${shard}}`;
  return { shard: `${prefix}${tag}:shard`, stream: `${prefix}${tag}:pushes`, applied: `${prefix}${tag}:applied` };
}

/** Job-wide key names. */
export interface JobKeys {
  /** String: the job's metadata as JSON (layout, rule). */
  readonly meta: string;
  /** Hash: worker id → JSON registration ({@link ProcessRecord}). */
  readonly workers: string;
  /** Hash: server consumer name → JSON registration. */
  readonly servers: string;
  /** Heartbeat key of worker `w` (expires unless refreshed). */
  workerBeat(worker: number): string;
  /** Heartbeat key of a shard server (by consumer name). */
  serverBeat(consumer: string): string;
}

/** Job-wide key names of `job` under `prefix`. */
export function jobKeys(prefix: string, job: string): JobKeys {
  const tag = `{${job}}`;
  return {
    meta: `${prefix}${tag}:meta`,
    workers: `${prefix}${tag}:workers`,
    servers: `${prefix}${tag}:servers`,
    workerBeat: (worker) => `${prefix}${tag}:beat:worker:${worker}`,
    serverBeat: (consumer) => `${prefix}${tag}:beat:server:${consumer}`,
  };
}
