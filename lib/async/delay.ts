/**
 * The delay injector: a {@link ParameterTransport} wrapper that holds each push back for a number of
 * later pushes to the same shard through the wrapper, so staleness (server version at apply − version
 * read) can be made large and reproducible. Delays come from a seeded generator, so a run with one
 * replica (or several interleaved deterministically in one thread) sees exactly the same delays
 * every time.
 * @packageDocumentation
 */
import { Xoshiro128 } from '../data/shuffle';
import { checkNumber, describe } from '../optimizers/validate';
import type { ParameterTransport, Push, ShardLayout, TransportStats } from './transport';

/**
 * How long pushes are held, in later pushes to the same shard.
 * - `fixed`: every push waits `delay` pushes.
 * - `random`: uniform integers in [`min`, `max`].
 * - `heavy-tailed`: ⌊scale·(U^(−1/shape) − 1)⌋ (Pareto/Lomax with tail index `shape`), capped at `max`:
 *   most pushes arrive almost at once, a few very late.
 */
export type DelayOptions =
  | { readonly kind: 'fixed'; readonly delay: number; readonly seed?: number }
  | { readonly kind: 'random'; readonly min?: number; readonly max: number; readonly seed?: number }
  | { readonly kind: 'heavy-tailed'; readonly scale: number; readonly shape?: number; readonly max?: number; readonly seed?: number };

/** A transport whose pushes are delayed; see {@link withDelay}. */
export interface DelayedTransport extends ParameterTransport {
  /** Pushes held right now. */
  readonly held: number;
  /** Hands every held push to the inner transport, in the order they would have been released. */
  flush(): Promise<void>;
}

/** Draws delays (in pushes) for a {@link DelayOptions}; deterministic for a seed. */
export function delaySampler(options: DelayOptions): () => number {
  const where = 'withDelay';
  if (typeof options !== 'object' || options === null) throw new TypeError(`${where}: options must be an object, got ${describe(options)}`);
  const rng = new Xoshiro128(checkNumber(where, 'seed', options.seed ?? 0, { min: 0, integer: true }));
  switch (options.kind) {
    case 'fixed': {
      const d = checkNumber(where, 'delay', options.delay, { min: 0, integer: true });
      return () => d;
    }
    case 'random': {
      const lo = checkNumber(where, 'min', options.min ?? 0, { min: 0, integer: true });
      const hi = checkNumber(where, 'max', options.max, { min: lo, integer: true });
      return () => lo + Math.floor(rng.nextFloat() * (hi - lo + 1));
    }
    case 'heavy-tailed': {
      const scale = checkNumber(where, 'scale', options.scale, { min: 0 });
      const shape = checkNumber(where, 'shape', options.shape ?? 1.5, { min: 0, minExclusive: true });
      const cap = checkNumber(where, 'max', options.max ?? 1e6, { min: 0, integer: true });
      return () => Math.min(cap, Math.floor(scale * ((1 - rng.nextFloat()) ** (-1 / shape) - 1)));
    }
    default:
      throw new RangeError(`${where}: kind must be 'fixed', 'random' or 'heavy-tailed', got ${String((options as { kind: unknown }).kind)}`);
  }
}

/**
 * Wraps `transport` so that each push is applied only after `d` later pushes to its shard went
 * through this wrapper, `d` drawn from `options`. Held pushes are copied (the caller may reuse its
 * arrays at once); {@link DelayedTransport.flush} and `close()` release what is still held, in due
 * order. Fetches pass straight through. Pushes due at the same time go in arrival order.
 */
export function withDelay(transport: ParameterTransport, options: DelayOptions): DelayedTransport {
  if (typeof transport !== 'object' || transport === null || typeof transport.push !== 'function' || typeof transport.fetch !== 'function'
    || typeof transport.layout !== 'object' || transport.layout === null || !Array.isArray(transport.layout.shards))
    throw new TypeError(`withDelay: transport must be a ParameterTransport, got ${describe(transport)}`);
  const sample = delaySampler(options);
  // Per shard: pushes so far, and the held pushes bucketed by the push count at which they are due.
  const perShard = transport.layout.shards.map(() => ({ count: 0, due: new Map<number, Push[]>() }));
  let heldCount = 0;
  const releaseBucket = async (shard: number, at: number): Promise<void> => {
    const q = perShard[shard]!;
    const bucket = q.due.get(at);
    if (!bucket) return;
    q.due.delete(at);
    heldCount -= bucket.length;
    // Every push of the bucket goes out even when one fails, so a bad push cannot take the
    // others of its bucket down with it; the first failure is reported after all were handed on.
    let failure: unknown = null;
    for (const p of bucket) {
      try {
        await transport.push(p);
      } catch (err) {
        failure ??= err;
      }
    }
    if (failure !== null) throw failure;
  };
  return {
    layout: transport.layout,
    get held() { return heldCount; },
    fetch: (shard, into, gradSumInto) => transport.fetch(shard, into, gradSumInto),
    async push(push: Push): Promise<void> {
      checkHeldPush(transport.layout, push);
      const q = perShard[push.shard];
      if (!q) return transport.push(push); // the inner transport reports the bad shard
      const copy: Push = {
        ...push,
        values: push.values.slice(),
        ...(push.gradSumAtRead ? { gradSumAtRead: push.gradSumAtRead.slice() } : {}),
      };
      q.count++;
      const due = q.count + sample();
      const bucket = q.due.get(due);
      if (bucket) bucket.push(copy);
      else q.due.set(due, [copy]);
      heldCount++;
      await releaseBucket(push.shard, q.count);
    },
    async flush(): Promise<void> {
      // Like a bucket, a flush releases everything even when a push fails, then reports the first failure.
      let failure: unknown = null;
      for (let s = 0; s < perShard.length; s++) {
        for (const at of [...perShard[s]!.due.keys()].sort((a, b) => a - b)) await releaseBucket(s, at).catch((err: unknown) => { failure ??= err; });
      }
      if (failure !== null) throw failure;
    },
    stats: (): TransportStats => transport.stats(),
    async close(): Promise<void> {
      await this.flush();
      await transport.close();
    },
  };
}

/**
 * The checks a held push must pass now rather than when it is released: a push that the inner
 * transport would refuse for its shape must fail the push() call that made it, not a later call.
 * (What depends on the server's rule, such as the kind, is still the inner transport's to check.)
 */
function checkHeldPush(layout: ShardLayout, push: Push): void {
  if (typeof push !== 'object' || push === null) throw new TypeError(`withDelay: push must be a Push object, got ${describe(push)}`);
  const shard = layout.shards[push.shard];
  if (typeof push.shard !== 'number' || !Number.isInteger(push.shard) || !shard)
    throw new RangeError(`withDelay: push.shard must be an integer in [0, ${layout.shards.length - 1}], got ${String(push.shard)}`);
  if (typeof push.id !== 'string' || push.id === '') throw new TypeError(`withDelay: push.id must be a non-empty string, got ${describe(push.id)}`);
  for (const key of ['values', 'gradSumAtRead'] as const) {
    const v = push[key];
    if (key === 'gradSumAtRead' && v === undefined) continue;
    if (!(v instanceof Float32Array) || v.length !== shard.length)
      throw new RangeError(`withDelay: push.${key} must be a Float32Array of shard ${push.shard}'s ${shard.length} elements, got ${describe(v)}`);
  }
  if (typeof push.readVersion !== 'number' || !Number.isInteger(push.readVersion) || push.readVersion < 0)
    throw new RangeError(`withDelay: push.readVersion must be a non-negative integer, got ${String(push.readVersion)}`);
}
