/**
 * The in-process {@link ParameterTransport}: shards in SharedArrayBuffers, reachable from any
 * thread of this process that received the server's config (see {@link InProcessServer.endpoint}).
 * @packageDocumentation
 */
import { describe } from '../../optimizers/validate';
import { applyPush, type ResolvedServerRule } from '../server-rule';
import type { ParameterTransport, Push, ShardLayout, TransportStats } from '../transport';
import { transportClosedError } from '../transport';
import { enqueue, type PushQueue } from './queue';
import { hashId, lockShard, rememberId, seenId, type SharedShard, Slot, unlockShard } from './shared-shard';

/**
 * How pushes are applied.
 * - `'lock'`: by the pushing thread itself, under the shard's mutex (Atomics).
 * - `'owner'`: by one owner thread per shard; a push is copied into the shard's shared queue and
 *   the pushing thread goes on at once.
 */
export type InProcessMode = 'lock' | 'owner';

/** The structured-cloneable description of an in-process server that every endpoint opens. */
export interface InProcessConfig {
  readonly layout: ShardLayout;
  readonly rule: ResolvedServerRule;
  readonly mode: InProcessMode;
  readonly shards: readonly SharedShard[];
  /** Owner mode: one queue per shard. */
  readonly queues: readonly PushQueue[];
}

/** A push as the apply step needs it: what {@link Push} carries, minus the id (given as its hash). */
export type PushBody = Pick<Push, 'kind' | 'values' | 'readVersion' | 'gradSumAtRead' | 'worker' | 'shard'>;

/**
 * Applies a push under the shard's mutex unless its id hash is in the shard's recent-id window.
 * Returns false for a duplicate (counted, not applied). Throws, applying nothing, on a push that
 * does not fit the rule.
 * @internal
 */
export function applyLocked(rule: ResolvedServerRule, s: SharedShard, hash: [number, number], push: PushBody): boolean {
  const h = s.header;
  lockShard(h);
  try {
    if (seenId(s, hash)) {
      h[Slot.Duplicates] = h[Slot.Duplicates]! + 1;
      return false;
    }
    applyPush(rule, s, { ...push, id: '' });
    const v = h[Slot.Version]!;
    const staleness = Math.max(0, v - push.readVersion);
    s.sums[0] = s.sums[0]! + staleness;
    if (staleness > h[Slot.MaxStaleness]!) h[Slot.MaxStaleness] = staleness;
    rememberId(s, hash);
    Atomics.store(h, Slot.Version, v + 1);
    return true;
  } finally {
    unlockShard(h);
  }
}

/** One endpoint of an in-process server. Calls complete synchronously; the promises are already settled. */
export class InProcessTransport implements ParameterTransport {
  readonly layout: ShardLayout;
  private readonly counters: TransportStats = { fetches: 0, pushes: 0, bytesSent: 0, bytesReceived: 0 };
  private closed = false;

  constructor(private readonly config: InProcessConfig) {
    this.layout = config.layout;
  }

  private shardAt(where: string, shard: unknown): SharedShard {
    if (this.closed) throw transportClosedError(`InProcessTransport.${where}`);
    if (typeof shard !== 'number' || !Number.isInteger(shard) || shard < 0 || shard >= this.config.shards.length)
      throw new RangeError(`InProcessTransport.${where}: shard must be an integer in [0, ${this.config.shards.length - 1}], got ${String(shard)}`);
    return this.config.shards[shard]!;
  }

  fetch(shard: number, into: Float32Array, gradSumInto?: Float32Array): Promise<number> {
    try {
      const s = this.shardAt('fetch', shard);
      const n = s.params.length;
      if (!(into instanceof Float32Array) || into.length !== n)
        throw new RangeError(`InProcessTransport.fetch: into must be a Float32Array of shard ${shard}'s ${n} elements, got ${describe(into)}`);
      if (gradSumInto !== undefined) {
        if (!s.state.gradSum) throw new TypeError(`InProcessTransport.fetch: gradSumInto is only for 'adaptive-revision' servers; this one runs '${this.config.rule.name}'`);
        if (!(gradSumInto instanceof Float32Array) || gradSumInto.length !== n)
          throw new RangeError(`InProcessTransport.fetch: gradSumInto must be a Float32Array of ${n} elements, got ${describe(gradSumInto)}`);
      }
      lockShard(s.header);
      let version: number;
      try {
        into.set(s.params);
        if (gradSumInto) gradSumInto.set(s.state.gradSum!);
        version = s.header[Slot.Version]!;
      } finally {
        unlockShard(s.header);
      }
      this.counters.fetches++;
      this.counters.bytesReceived += n * 4 * (gradSumInto ? 2 : 1);
      return Promise.resolve(version);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  push(push: Push): Promise<void> {
    try {
      if (typeof push !== 'object' || push === null) throw new TypeError(`InProcessTransport.push: push must be a Push object, got ${describe(push)}`);
      const s = this.shardAt('push', push.shard);
      if (typeof push.id !== 'string' || push.id === '') throw new TypeError(`InProcessTransport.push: push.id must be a non-empty string, got ${describe(push.id)}`);
      // Checked here in both modes: the owner thread cannot report an error back to the pusher.
      applyPushCheckOnly(this.config.rule, s, push);
      const hash = hashId(push.id);
      if (this.config.mode === 'owner') {
        enqueue(this.config.queues[push.shard]!, push);
        Atomics.add(s.header, Slot.Accepted, 1);
      } else {
        applyLocked(this.config.rule, s, hash, push);
      }
      this.counters.pushes++;
      this.counters.bytesSent += push.values.length * 4 * (push.gradSumAtRead ? 2 : 1) + push.id.length * 2;
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  stats(): TransportStats {
    return { ...this.counters };
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

/** Throws as {@link applyPush} would for a push that does not fit the rule or the shard. */
function applyPushCheckOnly(rule: ResolvedServerRule, s: SharedShard, push: Push): void {
  const n = s.params.length;
  const expected = rule.name === 'elastic' ? 'elastic' : 'gradient';
  if (push.kind !== expected) throw new RangeError(`InProcessTransport.push: a '${rule.name}' server takes '${expected}' pushes, got ${String(push.kind)}`);
  if (!(push.values instanceof Float32Array) || push.values.length !== n)
    throw new RangeError(`InProcessTransport.push: push.values must be a Float32Array of shard ${push.shard}'s ${n} elements, got ${describe(push.values)}`);
  if (rule.name === 'adaptive-revision' && (!(push.gradSumAtRead instanceof Float32Array) || push.gradSumAtRead.length !== n))
    throw new TypeError(`InProcessTransport.push: an 'adaptive-revision' push needs gradSumAtRead of ${n} elements, got ${describe(push.gradSumAtRead)}`);
  if (typeof push.readVersion !== 'number' || !Number.isInteger(push.readVersion) || push.readVersion < 0)
    throw new RangeError(`InProcessTransport.push: push.readVersion must be a non-negative integer, got ${String(push.readVersion)}`);
}
