/**
 * The parameter server on Redis: transport, shard servers, jobs and workers across machines.
 * Needs the optional peer dependency `ioredis` (loaded on first use).
 * @packageDocumentation
 */
export type { RedisLocation } from './connection';
export { initRedisJob, redisJobStatus, deleteRedisJobKeys } from './job';
export type { InitRedisJobOptions, RedisJobMeta, RedisJobStatus, RedisShardStatus, RedisProcessStatus, ProcessRecord } from './job';
export { openTransport as openRedisTransport, redisEndpoint, redisTransportModule, RedisTransport } from './transport';
export type { RedisTransportConfig } from './transport';
export { runShardServer } from './shard-server';
export type { ShardServerOptions, ShardServerProgress, ShardServerShardProgress } from './shard-server';
export { runRedisWorker, loadAsyncModel } from './worker';
export type { RedisAlgorithm, RunRedisWorkerOptions } from './worker';
export { checkRunConfig, shardsOfServer, initialParameters } from './run-config';
export type { RedisRunConfig } from './run-config';
export { shardLayout } from '../layout';
