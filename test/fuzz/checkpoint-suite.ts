/**
 * Fuzzes the checkpoint codec (lib/checkpoint.ts): encodeCheckpoint with odd data (it returns or
 * throws TypeError, and what it returns decodes to the same data bit for bit), and
 * decodeCheckpoint of random bytes and of valid images with a byte flipped, cut short, extended or a
 * header field overwritten (it throws CheckpointError; a changed image never decodes).
 */
import fc from 'fast-check';
import { CheckpointError, decodeCheckpoint, encodeCheckpoint } from '../../lib/checkpoint';
import { SGD } from '../../lib/index';
import { anyF32, lit, numDesc, specialNumber, weirdDeep } from './arbitraries';
import { checkCall, checkInvariant, describeError, sameBits } from './check';
import type { Allow } from './check';
import { suite } from './suite';
import { materialize, Tracker } from './values';
import type { Desc } from './values';

const SUITE = 'checkpoint';

export const allowCheckpointError: Allow = (e) => (e instanceof CheckpointError ? `CheckpointError(${e.code})` : null);

type Damage =
  | { d: 'none' }
  | { d: 'flip'; at: number; bit: number }
  | { d: 'cut'; keep: number }
  | { d: 'append'; bytes: number[] }
  | { d: 'field'; offset: 8 | 12 | 16 | 20 | 24; value: number }
  | { d: 'random'; bytes: number[] };

interface CheckpointCase {
  data: Array<[string, Desc]>;
  withOptimizer: boolean;
  damage: Damage;
}

export const plainValue: fc.Arbitrary<Desc> = fc.letrec<{ v: Desc }>((tie) => ({
  v: fc.oneof({ maxDepth: 3 },
    { arbitrary: numDesc(specialNumber), weight: 3 },
    { arbitrary: fc.string({ maxLength: 6 }).map(lit), weight: 2 },
    { arbitrary: fc.constantFrom(lit(null), lit(undefined), lit(true)), weight: 1 },
    { arbitrary: anyF32, weight: 2 },
    { arbitrary: fc.array(tie('v'), { maxLength: 3 }).map((items) => ({ t: 'arr', items }) as Desc), weight: 1 },
    { arbitrary: fc.array(fc.tuple(fc.constantFrom('a', '$t', '$$x', 'lr', '__proto__', ''), tie('v')), { maxLength: 3 })
      .map((props) => ({ t: 'obj', props }) as Desc), weight: 1 }),
})).v;

const damageArb: fc.Arbitrary<Damage> = fc.oneof(
  { arbitrary: fc.constant({ d: 'none' as const }), weight: 3 },
  { arbitrary: fc.record({ d: fc.constant('flip' as const), at: fc.nat(4000), bit: fc.nat(7) }), weight: 4 },
  { arbitrary: fc.record({ d: fc.constant('cut' as const), keep: fc.nat(4000) }), weight: 2 },
  { arbitrary: fc.record({ d: fc.constant('append' as const), bytes: fc.array(fc.nat(255), { minLength: 1, maxLength: 9 }) }), weight: 1 },
  { arbitrary: fc.record({ d: fc.constant('field' as const), offset: fc.constantFrom(8 as const, 12 as const, 16 as const, 20 as const, 24 as const),
    value: fc.constantFrom(0, 1, 2, 0xffffffff, 56, 1 << 30) }), weight: 2 },
  { arbitrary: fc.record({ d: fc.constant('random' as const), bytes: fc.array(fc.nat(255), { maxLength: 120 }) }), weight: 1 },
);

export const checkpointCaseArb: fc.Arbitrary<CheckpointCase> = fc.record({
  data: fc.array(fc.tuple(
    fc.oneof({ arbitrary: fc.constantFrom('params', 'meta', 'rngState', 'schedule'), weight: 12 }, { arbitrary: fc.constantFrom('optimizer', 'extra'), weight: 1 }),
    fc.oneof({ arbitrary: plainValue, weight: 6 }, { arbitrary: weirdDeep, weight: 1 }),
  ), { maxLength: 3 }),
  withOptimizer: fc.boolean(),
  damage: damageArb,
});

function damaged(image: Uint8Array, d: Damage): Uint8Array {
  const out = Buffer.from(image);
  switch (d.d) {
    case 'none': return out;
    case 'flip': out[d.at % out.length] ^= 1 << d.bit; return out;
    case 'cut': return out.subarray(0, d.keep % out.length);
    case 'append': return Buffer.concat([out, Buffer.from(d.bytes)]);
    case 'field': out.writeUInt32LE(d.value, d.offset); return out;
    case 'random': return Buffer.from(d.bytes);
  }
}

export const checkpointFiles = suite<CheckpointCase>({
  name: 'checkpoint codec',
  weight: 2,
  arbitrary: checkpointCaseArb,
  run(stats, c) {
    const tr = new Tracker();
    const data: Record<string, unknown> = Object.fromEntries(c.data.map(([k, d]) => [k, materialize(d, tr)]));
    if (c.withOptimizer) {
      const opt = new SGD([new Float32Array(3).fill(1)], { lr: 0.1, momentum: 0.9 });
      opt.step([new Float32Array(3).fill(0.5)]);
      data.optimizer = opt.stateDict();
    }
    const enc = checkCall(stats, SUITE, 'encodeCheckpoint', tr, () => encodeCheckpoint(data as never));
    if (enc.threw) return;
    const image = enc.value as Uint8Array;
    const input = damaged(image, c.damage);
    const changed = !Buffer.from(input).equals(Buffer.from(image));
    const dec = checkCall(stats, SUITE, 'decodeCheckpoint', new Tracker(), () => decodeCheckpoint(input), { allow: allowCheckpointError });
    if (changed) {
      checkInvariant(stats, SUITE, 'decodeCheckpoint (damaged)', dec.threw, `a damaged image (${JSON.stringify(c.damage)}) decoded without error`);
      if (c.damage.d === 'flip' && (c.damage.at % image.length) >= 56)
        checkInvariant(stats, SUITE, 'decodeCheckpoint (payload bit flip)', dec.error instanceof CheckpointError && dec.error.code === 'ECHECKSUM',
          `a flipped payload bit gave ${describeError(dec.error)}, not ECHECKSUM`);
    } else {
      checkInvariant(stats, SUITE, 'decodeCheckpoint (round trip)', !dec.threw && sameBits(dropUndefined(data), dropUndefined(dec.value)),
        dec.threw ? `an intact image failed to decode: ${describeError(dec.error)}` : 'decode(encode(x)) differs from x');
    }
  },
});

/** Object fields holding undefined are absent after a round trip only in spirit: compare without them. */
export function dropUndefined(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropUndefined);
  if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v))
    return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, dropUndefined(x)]));
  return v;
}
