/**
 * fast-check arbitraries of fuzz descriptions (see values.ts): numbers that break naive checks,
 * arrays in every memory layout, and "weird" values of every JS type.
 */
import fc from 'fast-check';
import type { Desc, Fill, Layout, TypedName } from './values';

/** Numbers chosen to trip range checks, float32 conversion and integer parsing. */
export const SPECIAL_NUMBERS: readonly number[] = [
  0, -0, 1, -1, 0.5, 2, 1e-8, 0.9, 0.999, 1.5, -1.5, 10, 1e10, -1e10, 1e300, -1e300,
  NaN, Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE, Number.EPSILON,
  3.4e38, 3.5e38, -3.5e38, 1e-45, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53, -(2 ** 53), 2 ** 64,
  Number.MAX_SAFE_INTEGER, -2, 0.1, 1 - 1e-16,
];

export const specialNumber: fc.Arbitrary<number> = fc.constantFrom(...SPECIAL_NUMBERS);

/**
 * Special numbers without the huge finite integers: for counts and step numbers, where a valid but
 * huge value legitimately allocates gigabytes or loops for hours (e.g. a composite schedule's
 * lrAt(t) replays t steps) instead of testing argument handling.
 */
const bounded = (v: number): boolean => !Number.isFinite(v) || Math.abs(v) < 1e4 || !Number.isInteger(v);
export const boundedSpecialNumber: fc.Arbitrary<number> = fc.constantFrom(...SPECIAL_NUMBERS.filter(bounded));

/** Any number: special ones often, plain doubles and small integers otherwise. */
export const anyNumber: fc.Arbitrary<number> = fc.oneof(
  { arbitrary: specialNumber, weight: 4 },
  { arbitrary: fc.double({ noDefaultInfinity: false }), weight: 2 },
  { arbitrary: fc.integer({ min: -5, max: 100 }), weight: 2 },
);

/** {@link anyNumber} without huge finite integers (see {@link boundedSpecialNumber}): what `weird` draws from. */
export const boundedNumber: fc.Arbitrary<number> = fc.oneof(
  { arbitrary: boundedSpecialNumber, weight: 4 },
  { arbitrary: fc.double({ noDefaultInfinity: false }).filter(bounded), weight: 2 },
  { arbitrary: fc.integer({ min: -5, max: 100 }), weight: 2 },
);

export const numDesc = (n: fc.Arbitrary<number>): fc.Arbitrary<Desc> => n.map((v) => ({ t: 'num', v }) as Desc);
export const lit = (v: number | string | boolean | null | undefined): Desc =>
  v === null ? { t: 'null' } : v === undefined ? { t: 'undef' } : typeof v === 'number' ? { t: 'num', v }
    : typeof v === 'string' ? { t: 'str', v } : { t: 'bool', v };

/** Mostly plain arrays; sometimes guard space, a SharedArrayBuffer, or a detached buffer. */
export const layoutArb: fc.Arbitrary<Layout> = fc.record({
  before: fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.integer({ min: 1, max: 17 }), weight: 2 }),
  after: fc.oneof({ arbitrary: fc.constant(0), weight: 2 }, { arbitrary: fc.integer({ min: 1, max: 9 }), weight: 3 }),
  shared: fc.oneof({ arbitrary: fc.constant(false), weight: 6 }, { arbitrary: fc.constant(true), weight: 1 }),
  detach: fc.oneof({ arbitrary: fc.constant(false), weight: 25 }, { arbitrary: fc.constant(true), weight: 1 }),
});

/** A layout that is never detached (for arrays a call must be able to use). */
export const liveLayout: fc.Arbitrary<Layout> = layoutArb.map((l) => ({ ...l, detach: false }));

const fillArb: fc.Arbitrary<Fill> = fc.oneof(
  { arbitrary: fc.constant<Fill>('rand'), weight: 8 },
  { arbitrary: fc.constantFrom<Fill>('zero', 'nan', 'inf', 'huge', 'tiny', 'mixed'), weight: 2 },
);

export function f32(n: number, layout: fc.Arbitrary<Layout> = layoutArb, fill: fc.Arbitrary<Fill> = fillArb): fc.Arbitrary<Desc> {
  return fc.record({ layout, fill }).map(({ layout: l, fill: f }) => ({ t: 'f32', n, fill: f, layout: l }) as Desc);
}

/** A Float32Array of a small random length (sizes that hit SIMD tails: 0, 1, 7, 8, 15, 16, 17...). */
export const lengthArb: fc.Arbitrary<number> = fc.oneof(
  { arbitrary: fc.constantFrom(0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65), weight: 4 },
  { arbitrary: fc.integer({ min: 0, max: 300 }), weight: 1 },
);
export const anyF32: fc.Arbitrary<Desc> = lengthArb.chain((n) => f32(n));

export const i32 = (values: fc.Arbitrary<number[]>, layout: fc.Arbitrary<Layout> = layoutArb): fc.Arbitrary<Desc> =>
  fc.record({ values, layout }).map(({ values: v, layout: l }) => ({ t: 'i32', values: v, layout: l }) as Desc);
export const u32 = (values: fc.Arbitrary<number[]>, layout: fc.Arbitrary<Layout> = layoutArb): fc.Arbitrary<Desc> =>
  fc.record({ values, layout }).map(({ values: v, layout: l }) => ({ t: 'u32', values: v, layout: l }) as Desc);

export const f64 = (values: fc.Arbitrary<number[]>, layout: fc.Arbitrary<Layout> = layoutArb): fc.Arbitrary<Desc> =>
  fc.record({ values, layout }).map(({ values: v, layout: l }) => ({ t: 'f64', values: v, layout: l }) as Desc);

const typedName: fc.Arbitrary<TypedName> = fc.constantFrom<TypedName>(
  'Float64Array', 'Int32Array', 'Uint32Array', 'Uint8Array', 'Int8Array', 'Uint16Array', 'BigInt64Array');

/**
 * A value of some other type: what a call gets when its caller is confused. Not recursive (see
 * weirdDeep). Its numbers leave out huge integers; suites add specialNumber where sizes cannot blow up.
 */
export const weird: fc.Arbitrary<Desc> = fc.oneof(
  { arbitrary: numDesc(boundedNumber), weight: 5 },
  { arbitrary: fc.constantFrom<Desc>({ t: 'null' }, { t: 'undef' }, { t: 'bigint' }, { t: 'symbol' }, { t: 'date' }, { t: 'trap' },
    { t: 'bool', v: true }, { t: 'bool', v: false }, { t: 'arr', items: [] }, { t: 'obj', props: [] }), weight: 4 },
  { arbitrary: fc.constantFrom('', 'adam', 'torch', 'native', 'js', 'scalar', 'avx2', 'NaN', '1', '__proto__', 'constructor')
    .map((v) => ({ t: 'str', v }) as Desc), weight: 2 },
  { arbitrary: fc.constantFrom('zero', 'nan', 'one', 'rand', 'throw').map((mode) => ({ t: 'fn', mode }) as Desc), weight: 1 },
  { arbitrary: fc.record({ ctor: typedName, n: lengthArb }).map(({ ctor, n }) => ({ t: 'typed', ctor, n }) as Desc), weight: 2 },
  { arbitrary: lengthArb.map((n) => ({ t: 'buffer', n }) as Desc), weight: 1 },
  { arbitrary: anyF32, weight: 3 },
);

/** Weird values including arrays and objects of weird values (one level deep). */
export const weirdDeep: fc.Arbitrary<Desc> = fc.oneof(
  { arbitrary: weird, weight: 6 },
  { arbitrary: fc.array(weird, { maxLength: 4 }).map((items) => ({ t: 'arr', items }) as Desc), weight: 1 },
  { arbitrary: fc.array(fc.tuple(fc.constantFrom('lr', 'params', 'length', 'data', 'rows', 'cols', 'x', '0'), weird), { maxLength: 3 })
    .map((props) => ({ t: 'obj', props }) as Desc), weight: 1 },
);

/** Usually `valid`, sometimes something weird in its place. */
export function mostly(valid: fc.Arbitrary<Desc>, validWeight = 9): fc.Arbitrary<Desc> {
  return fc.oneof({ arbitrary: valid, weight: validWeight }, { arbitrary: weirdDeep, weight: 1 });
}

/** An options object: each known key present or not, with a plausible or weird value; sometimes an unknown key. */
export function optionsObject(keys: Record<string, fc.Arbitrary<Desc>>, unknownKey = true): fc.Arbitrary<Desc> {
  const entries = Object.entries(keys).map(([k, v]) =>
    fc.option(mostly(v, 6).map((d) => [k, d] as [string, Desc]), { freq: 2, nil: undefined }));
  const extra = unknownKey
    ? fc.oneof({ arbitrary: fc.constant(undefined), weight: 12 },
      { arbitrary: fc.tuple(fc.constantFrom('learningRate', 'beta1', 'foo', '__proto__'), weird), weight: 1 })
    : fc.constant(undefined);
  return fc.tuple(fc.tuple(...entries), extra).map(([props, x]) => {
    const list = props.filter((p): p is [string, Desc] => p !== undefined);
    if (x) list.push(x);
    return { t: 'obj', props: list } as Desc;
  });
}
