/**
 * Fuzzes every raw update-rule kernel of the addon (lib/native.ts `addon()`): a valid argument list
 * (single tensor, a list of tensors, or a sparse gradient) in random memory layouts, then up to three
 * mutations: an argument replaced by a weird value, arguments dropped or added, an array resized,
 * two arrays made to share memory, an entry of a tensor list replaced. Calls run on a random ISA and
 * sometimes with a tiny parallel threshold, so the thread pool splits even small arrays.
 */
import fc from 'fast-check';
import { addon } from '../../lib/native';
import { f32, f64, i32, lengthArb, layoutArb, lit, numDesc, specialNumber, weird, weirdDeep } from './arbitraries';
import { checkCall, checkInvariant } from './check';
import { suite } from './suite';
import { materialize, Tracker } from './values';
import type { Desc } from './values';

/**
 * Argument slots of each kernel (lib/kernels.ts): P params, G grads, S a state array, O an optional
 * state array, I indices, V sparse values, R rowLength, N a number, B a boolean; for the packed
 * kernels (`sgdPacked`...), Z an unused state slot (null) and F the Float64Array of scalars, as
 * many as the plain kernel's N and B slots (flags as 0/1).
 */
type Slot = 'P' | 'G' | 'S' | 'O' | 'I' | 'V' | 'R' | 'N' | 'B' | 'Z' | 'F';
const n = (k: number): Slot[] => new Array<Slot>(k).fill('N');
export const KERNEL_SLOTS: Record<string, Slot[]> = {
  sgd: ['P', 'G', 'O', ...n(7), 'B'],
  sgdSparse: ['P', 'I', 'V', 'R', 'O', ...n(7), 'B'],
  adagrad: ['P', 'G', 'S', ...n(5)],
  adagradSparse: ['P', 'I', 'V', 'R', 'S', ...n(5)],
  adadelta: ['P', 'G', 'S', 'S', ...n(6), 'B'],
  rmsprop: ['P', 'G', 'S', 'O', 'O', ...n(9)],
  rmspropSparse: ['P', 'I', 'V', 'R', 'S', 'O', 'O', ...n(9)],
  adam: ['P', 'G', 'S', 'S', 'O', ...n(10)],
  adamSparse: ['P', 'I', 'V', 'R', 'S', 'S', 'O', ...n(10)],
  adamax: ['P', 'G', 'S', 'S', ...n(8)],
  nadam: ['P', 'G', 'S', 'S', ...n(10)],
  memoryFloor: ['P', 'G', 'S', 'S'],
  sgdPacked: ['P', 'G', 'O', 'Z', 'Z', 'F'],
  adagradPacked: ['P', 'G', 'S', 'Z', 'Z', 'F'],
  adadeltaPacked: ['P', 'G', 'S', 'S', 'Z', 'F'],
  rmspropPacked: ['P', 'G', 'S', 'O', 'O', 'F'],
  adamPacked: ['P', 'G', 'S', 'S', 'O', 'F'],
  adamaxPacked: ['P', 'G', 'S', 'S', 'Z', 'F'],
  nadamPacked: ['P', 'G', 'S', 'S', 'Z', 'F'],
};

/** How many scalars a packed kernel takes: its plain kernel's number and flag slots. */
function packedScalarCount(kernel: string): number {
  return (KERNEL_SLOTS[kernel.replace(/Packed$/, '')] ?? []).filter((k) => k === 'N' || k === 'B').length;
}

type Mutation =
  | { m: 'replace'; at: number; with: Desc }
  | { m: 'truncate'; keep: number }
  | { m: 'extra'; items: Desc[] }
  | { m: 'resize'; at: number; n: number }
  | { m: 'alias'; at: number; of: number; start: number; n: number }
  | { m: 'entry'; at: number; entry: number; with: Desc };

interface Shape {
  /** Dense: tensor lengths (one entry unless `list`). Sparse: rows × rowLength. */
  lengths: number[];
  list: boolean;
  rows: number;
  rowLength: number;
  indices: number[];
  /** Whether `indices` is sorted, unique and in range (else the call must throw). */
  indicesValid: boolean;
}

export interface KernelCase {
  kernel: string;
  shape: Shape;
  args: Desc[];
  mutations: Mutation[];
  isa: string;
  /** Set before the call (restored after): small values make the thread pool split tiny arrays. */
  parallelMin: number | null;
}

const finiteScalar = fc.oneof(
  { arbitrary: fc.double({ min: -4, max: 4, noNaN: true }), weight: 8 },
  { arbitrary: specialNumber, weight: 1 },
);

const sortedIndices = (rows: number): fc.Arbitrary<number[]> =>
  fc.uniqueArray(fc.integer({ min: 0, max: Math.max(0, rows - 1) }), { maxLength: rows }).map((a) => (rows ? a.sort((x, y) => x - y) : []));
const messyIndices = (rows: number): fc.Arbitrary<number[]> =>
  fc.array(fc.oneof(fc.integer({ min: -3, max: rows + 3 }), fc.constantFrom(-(2 ** 31), 2 ** 31 - 1)), { maxLength: 8 });

function shapeArb(sparse: boolean): fc.Arbitrary<Shape> {
  if (sparse) {
    return fc.record({ rows: fc.integer({ min: 0, max: 12 }), rowLength: fc.integer({ min: 1, max: 5 }), messy: fc.boolean() })
      .chain(({ rows, rowLength, messy }) => (messy ? messyIndices(rows) : sortedIndices(rows)).map((indices) => ({
        lengths: [rows * rowLength], list: false, rows, rowLength, indices,
        indicesValid: indices.every((v, k) => v >= 0 && v < rows && (k === 0 || v > indices[k - 1]!)),
      })));
  }
  return fc.oneof(
    { arbitrary: lengthArb.map((len) => [len]).map((lengths) => ({ lengths, list: false })), weight: 3 },
    { arbitrary: fc.array(lengthArb, { minLength: 0, maxLength: 4 }).map((lengths) => ({ lengths, list: true })), weight: 1 },
    { arbitrary: fc.constantFrom(1000, 4099, 20000).map((len) => ({ lengths: [len], list: false })), weight: 1 },
  ).map((s) => ({ ...s, rows: 0, rowLength: 1, indices: [], indicesValid: true }));
}

/** The valid argument list for a kernel and shape (scalars may still be non-finite). */
function validArgs(slots: Slot[], s: Shape, scalars: number): fc.Arbitrary<Desc[]> {
  const total = s.lengths.reduce((a, b) => a + b, 0);
  const tensor = s.list
    ? fc.tuple(...s.lengths.map((len) => f32(len, layoutArb))).map((items) => ({ t: 'arr', items }) as Desc)
    : f32(total, layoutArb);
  const bySlot = (slot: Slot): fc.Arbitrary<Desc> => {
    switch (slot) {
      case 'P': case 'G': return tensor;
      case 'S': return f32(total);
      case 'O': return fc.oneof(f32(total), fc.constant(lit(null)), fc.constant(lit(undefined)));
      case 'I': return i32(fc.constant(s.indices));
      case 'V': return f32(s.indices.length * s.rowLength);
      case 'R': return fc.constant(lit(s.rowLength));
      case 'N': return numDesc(finiteScalar);
      case 'B': return fc.boolean().map((v) => lit(v));
      case 'Z': return fc.constant(lit(null));
      case 'F': return f64(fc.array(finiteScalar, { minLength: scalars, maxLength: scalars }));
    }
  };
  return fc.tuple(...slots.map(bySlot));
}

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.record({ m: fc.constant('replace' as const), at: fc.nat(30), with: weirdDeep }), weight: 4 },
  { arbitrary: fc.record({ m: fc.constant('truncate' as const), keep: fc.nat(20) }), weight: 1 },
  { arbitrary: fc.record({ m: fc.constant('extra' as const), items: fc.array(weird, { minLength: 1, maxLength: 3 }) }), weight: 1 },
  { arbitrary: fc.record({ m: fc.constant('resize' as const), at: fc.nat(30), n: lengthArb }), weight: 2 },
  { arbitrary: fc.record({ m: fc.constant('alias' as const), at: fc.nat(30), of: fc.nat(6), start: fc.nat(40), n: lengthArb }), weight: 2 },
  { arbitrary: fc.record({ m: fc.constant('entry' as const), at: fc.nat(1), entry: fc.nat(4), with: weirdDeep }), weight: 1 },
);

function applyMutation(args: Desc[], mu: Mutation): Desc[] {
  const out = [...args];
  const at = (k: number): number => (out.length ? k % out.length : 0);
  switch (mu.m) {
    case 'replace': if (out.length) out[at(mu.at)] = mu.with; return out;
    case 'truncate': return out.slice(0, Math.min(mu.keep, out.length));
    case 'extra': return [...out, ...mu.items];
    case 'resize': {
      const d = out[at(mu.at)];
      if (d?.t === 'f32') out[at(mu.at)] = { ...d, n: mu.n };
      // The packed scalars: one short, one too many, or empty.
      if (d?.t === 'f64') out[at(mu.at)] = { ...d, values: Array.from({ length: mu.n % (d.values.length + 2) }, (_, k) => d.values[k] ?? 0.5) };
      return out;
    }
    case 'alias': if (out.length) out[at(mu.at)] = { t: 'alias', of: mu.of, start: mu.start, n: mu.n }; return out;
    case 'entry': {
      const d = out[mu.at];
      if (d?.t === 'arr') out[mu.at] = { t: 'arr', items: d.items.map((x, k) => (k === mu.entry % Math.max(1, d.items.length) ? mu.with : x)) };
      return out;
    }
  }
}

let nativeIsas: string[] | undefined;
function isas(): string[] {
  nativeIsas ??= addon().info().isasAvailable;
  return nativeIsas;
}

/** Runs `fn` with the given ISA and parallel threshold, then puts the previous settings back. */
export function withNativeSettings<T>(isa: string, parallelMin: number | null, fn: () => T): T {
  const a = addon();
  const before = a.info();
  a.setIsa(isa);
  if (parallelMin !== null) a.setParallelMinElements(parallelMin);
  try {
    return fn();
  } finally {
    a.setIsa(before.isa);
    a.setParallelMinElements(before.parallelMinElements);
  }
}

export const kernelCaseArb: fc.Arbitrary<KernelCase> = fc.constantFrom(...Object.keys(KERNEL_SLOTS)).chain((kernel) =>
  shapeArb(kernel.endsWith('Sparse')).chain((shape) => fc.record({
    kernel: fc.constant(kernel),
    shape: fc.constant(shape),
    args: validArgs(KERNEL_SLOTS[kernel]!, shape, packedScalarCount(kernel)),
    mutations: fc.oneof({ arbitrary: fc.constant<Mutation[]>([]), weight: 2 }, { arbitrary: fc.array(mutationArb, { minLength: 1, maxLength: 3 }), weight: 3 }),
    isa: fc.constantFrom(...isas()),
    parallelMin: fc.option(fc.constantFrom(0, 1, 7, 64), { freq: 2, nil: null }),
  })));

/** Whether a case must succeed: no mutation, nothing detached, finite scalars, valid sparse indices. */
function mustSucceed(c: KernelCase): boolean {
  if (c.mutations.length || !c.shape.indicesValid) return false;
  const live = (d: Desc): boolean =>
    d.t === 'arr' ? d.items.every(live) : d.t === 'f32' || d.t === 'i32' || d.t === 'f64' ? !d.layout.detach || (d.t === 'f32' ? d.n === 0 : d.values.length === 0) : true;
  return c.args.every((d) => live(d) && (d.t !== 'num' || Number.isFinite(d.v)) && (d.t !== 'f64' || d.values.every(Number.isFinite)));
}

export const addonKernels = suite<KernelCase>({
  name: 'addon kernels',
  weight: 6,
  arbitrary: kernelCaseArb,
  run(stats, c) {
    const args = c.mutations.reduce(applyMutation, c.args);
    const tr = new Tracker();
    const values = args.map((d) => materialize(d, tr));
    const fn = addon()[c.kernel as keyof ReturnType<typeof addon>] as (...a: unknown[]) => unknown;
    const r = checkCall(stats, 'addon kernels', c.kernel, tr, () => withNativeSettings(c.isa, c.parallelMin, () => fn(...values)));
    if (mustSucceed(c))
      checkInvariant(stats, 'addon kernels', `${c.kernel} (valid call)`, !r.threw,
        `a valid call threw ${r.error instanceof Error ? r.error.message : String(r.error)}`, r.error);
  },
});
