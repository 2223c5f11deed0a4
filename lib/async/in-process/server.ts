/**
 * The in-process parameter server: shards in SharedArrayBuffers (parameters, rule state, version,
 * recent push ids), updated by the native kernels either by the pushing thread under a per-shard
 * mutex (`mode: 'lock'`, the default: faster in our measurement, see docs/async-sgd.md) or by one
 * owner thread per shard (`mode: 'owner'`).
 * @packageDocumentation
 */
import { Worker } from 'node:worker_threads';
import { checkNumber, describe } from '../../optimizers/validate';
import { compiledModule } from '../compiled';
import { checkShardLayout, shardLayout } from '../layout';
import { fillInitialState, resolveServerRule, ruleNeedsGradSum, serverRuleStateNames, type ResolvedServerRule } from '../server-rule';
import type { ServerRule, ServerRuleName, ShardLayout, TransportEndpoint } from '../transport';
import { allocateQueue, pending, QueueSlot } from './queue';
import { allocateShard, lockShard, type SharedShard, Slot, unlockShard } from './shared-shard';
import { type InProcessConfig, type InProcessMode, InProcessTransport } from './transport';

const WHERE = 'InProcessServer';

/** Options of {@link createInProcessServer}. */
export interface InProcessServerOptions {
  /** Parameters (coordinates); with `shards` defines an even layout. Needed unless `layout` or `init` is given. */
  size?: number;
  /** Shards of an even layout. Default 1. */
  shards?: number;
  /** An explicit layout (overrides size/shards). */
  layout?: ShardLayout;
  /** Initial parameters (copied). Default zeros. */
  init?: Float32Array;
  /** The shard update rule. Default `{ name: 'adagrad' }` (Downpour's). */
  rule?: ServerRule | ServerRuleName;
  /** Who applies pushes. Default `'lock'`. */
  mode?: InProcessMode;
  /** Recent push ids per shard remembered for deduplication. Default 4096. */
  dedupWindow?: number;
  /** Owner mode: pushes a shard's queue holds before pushers wait. Default 64. */
  queueCapacity?: number;
}

/** Server-side counters. */
export interface InProcessServerStats {
  /** Pushes applied, all shards. */
  applied: number;
  /** Pushes dropped as repeats of an applied id. */
  duplicates: number;
  /** Mean over applied pushes of (shard version when applied − version the worker had read). */
  meanStaleness: number;
  /** Largest such staleness. */
  maxStaleness: number;
  /** Per-shard versions (pushes applied). */
  versions: number[];
}

/** A running in-process server. Create with {@link createInProcessServer}. */
export class InProcessServer {
  readonly layout: ShardLayout;
  readonly rule: ResolvedServerRule;
  readonly mode: InProcessMode;
  private readonly config: InProcessConfig;
  private readonly owners: Worker[] = [];
  private readonly ownersExited: Promise<void>[] = [];
  private ownerError: Error | null = null;
  private closed = false;

  /** @internal */
  constructor(config: InProcessConfig) {
    this.config = config;
    this.layout = config.layout;
    this.rule = config.rule;
    this.mode = config.mode;
    if (config.mode === 'owner') {
      const script = compiledModule('async/in-process/owner');
      config.shards.forEach((_, shard) => {
        const w = new Worker(script, { workerData: { ownerOf: 'descent-in-process-shard', config, shard } });
        w.on('message', (m: { type: string; message?: string }) => {
          if (m.type === 'error') this.ownerError ??= new Error(`${WHERE}: owner of shard ${shard} failed: ${m.message}`);
        });
        w.on('error', (err) => { this.ownerError ??= new Error(`${WHERE}: owner of shard ${shard} failed: ${err.message}`); });
        this.ownersExited.push(new Promise((resolve) => w.once('exit', () => resolve())));
        w.unref();
        this.owners.push(w);
      });
    }
  }

  /** What worker threads need to reach this server: `openTransport(config)` of lib/async/in-process/open. */
  endpoint(): TransportEndpoint {
    return { module: compiledModule('async/in-process/open'), config: this.config };
  }

  /** An endpoint in this thread. */
  connect(): InProcessTransport {
    return new InProcessTransport(this.config);
  }

  /** A consistent copy of every shard's parameters (each shard read under its mutex). */
  snapshot(into: Float32Array = new Float32Array(this.layout.size)): Float32Array {
    if (!(into instanceof Float32Array) || into.length !== this.layout.size)
      throw new RangeError(`${WHERE}.snapshot: into must be a Float32Array of ${this.layout.size} elements, got ${describe(into)}`);
    this.config.shards.forEach((s, k) => {
      lockShard(s.header);
      into.set(s.params, this.layout.shards[k]!.offset);
      unlockShard(s.header);
    });
    return into;
  }

  /** A copy of shard `shard`'s state vector `name` (e.g. 'accumulator'), for inspection and tests. */
  state(shard: number, name: string): Float32Array {
    const v = this.config.shards[shard]?.state[name];
    if (!v) throw new RangeError(`${WHERE}.state: shard ${shard} has no state '${name}' (rule '${this.rule.name}')`);
    return v.slice();
  }

  /** Counters since creation. */
  stats(): InProcessServerStats {
    let applied = 0, duplicates = 0, sum = 0, max = 0;
    const versions: number[] = [];
    for (const s of this.config.shards) {
      const v = Atomics.load(s.header, Slot.Version);
      versions.push(v);
      applied += v;
      duplicates += Atomics.load(s.header, Slot.Duplicates);
      sum += s.sums[0]!;
      max = Math.max(max, Atomics.load(s.header, Slot.MaxStaleness));
    }
    return { applied, duplicates, meanStaleness: applied ? sum / applied : 0, maxStaleness: max, versions };
  }

  /**
   * Owner mode: resolves once every accepted push is applied (at once in lock mode). Call it when
   * no pusher is mid-push; a pusher terminated inside push() leaves a slot that never fills.
   */
  async drain(): Promise<void> {
    for (;;) {
      if (this.ownerError) throw this.ownerError;
      if (this.config.queues.every((q) => pending(q) <= 0)) return;
      await new Promise((r) => setTimeout(r, 1));
    }
  }

  /** Applies the pushes ready in the queues, then stops the owner threads. The shard memory stays readable. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const q of this.config.queues) {
      Atomics.store(q.ctrl, QueueSlot.Closed, 1);
      Atomics.notify(q.seq, Atomics.load(q.ctrl, QueueSlot.Head) % q.capacity);
    }
    // Owners are unref'd so a forgotten server does not keep the process alive; while we wait
    // for them to finish, they must.
    for (const w of this.owners) w.ref();
    await Promise.all(this.ownersExited);
    if (this.ownerError) throw this.ownerError;
  }
}

/** Creates an in-process server (see {@link InProcessServerOptions} for the defaults). */
export function createInProcessServer(options: InProcessServerOptions = {}): InProcessServer {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${WHERE}: options must be an object, got ${describe(options)}`);
  const rule = resolveServerRule(options.rule ?? { name: 'adagrad' });
  const init = options.init;
  if (init !== undefined && !(init instanceof Float32Array)) throw new TypeError(`${WHERE}: init must be a Float32Array, got ${describe(init)}`);
  const layout = options.layout !== undefined
    ? checkShardLayout(WHERE, options.layout)
    : shardLayout(checkNumber(WHERE, 'size', options.size ?? init?.length, { min: 1, integer: true }), checkNumber(WHERE, 'shards', options.shards ?? 1, { min: 1, integer: true }));
  if (init && init.length !== layout.size) throw new RangeError(`${WHERE}: init has ${init.length} elements, the layout ${layout.size}`);
  const mode = options.mode ?? 'lock';
  if (mode !== 'lock' && mode !== 'owner') throw new RangeError(`${WHERE}: mode must be 'lock' or 'owner', got ${String(mode)}`);
  const window = checkNumber(WHERE, 'dedupWindow', options.dedupWindow ?? 4096, { min: 0, integer: true });
  const capacity = checkNumber(WHERE, 'queueCapacity', options.queueCapacity ?? 64, { min: 1, integer: true });
  const names = serverRuleStateNames(rule);
  const shards: SharedShard[] = layout.shards.map((r) => {
    const s = allocateShard(r.length, names, window);
    fillInitialState(rule, s.state);
    if (init) s.params.set(init.subarray(r.offset, r.offset + r.length));
    return s;
  });
  const queues = mode === 'owner' ? layout.shards.map((r) => allocateQueue(capacity, r.length, ruleNeedsGradSum(rule))) : [];
  return new InProcessServer({ layout, rule, mode, shards, queues });
}
