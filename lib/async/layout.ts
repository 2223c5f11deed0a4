/**
 * Cutting the flat parameter vector into server shards ({@link ShardLayout}).
 * @packageDocumentation
 */
import { checkNumber, describe } from '../optimizers/validate';
import type { ShardLayout, ShardRange } from './transport';

/**
 * Splits `size` coordinates into `shards` contiguous shards of near-equal length (the first
 * `size % shards` get one more). Throws RangeError unless 1 ≤ shards ≤ size.
 */
export function shardLayout(size: number, shards: number): ShardLayout {
  checkNumber('shardLayout', 'size', size, { min: 1, integer: true });
  checkNumber('shardLayout', 'shards', shards, { min: 1, max: size, integer: true });
  const out: ShardRange[] = [];
  const base = Math.floor(size / shards), extra = size % shards;
  let offset = 0;
  for (let s = 0; s < shards; s++) {
    const length = base + (s < extra ? 1 : 0);
    out.push({ offset, length });
    offset += length;
  }
  return { size, shards: out };
}

/** Checks that `layout` is contiguous, in order and covers [0, size); returns it. */
export function checkShardLayout(where: string, layout: unknown): ShardLayout {
  const l = layout as ShardLayout;
  if (typeof l !== 'object' || l === null || !Array.isArray(l.shards))
    throw new TypeError(`${where}: layout must be a ShardLayout { size, shards }, got ${describe(layout)}`);
  checkNumber(where, 'layout.size', l.size, { min: 1, integer: true });
  if (l.shards.length < 1) throw new RangeError(`${where}: layout.shards must list at least one shard`);
  let offset = 0;
  l.shards.forEach((s, i) => {
    if (s.offset !== offset || !Number.isInteger(s.length) || s.length < 1)
      throw new RangeError(`${where}: layout.shards[${i}] must start at ${offset} with a positive integer length, got ${JSON.stringify(s)}`);
    offset += s.length;
  });
  if (offset !== l.size) throw new RangeError(`${where}: layout.shards cover ${offset} coordinates, layout.size is ${l.size}`);
  return l;
}
