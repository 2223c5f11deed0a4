/**
 * Fuzzes the addon's linear-objective functions (linearLossGrad, linearPredictScores,
 * linearPredictClasses, linearEvaluate) with near-valid objectives, dense and CSR matrices whose
 * structure may be broken (indptr decreasing or out of range, column indices outside cols), labels,
 * weights, gradients (sometimes sharing memory with w), row lists and output arrays.
 */
import fc from 'fast-check';
import { addon } from '../../lib/native';
import { f32, i32, layoutArb, lit, mostly, numDesc, specialNumber, u32, weirdDeep } from './arbitraries';
import { checkCall } from './check';
import { includeKnownHazards } from './known-bugs';
import { suite } from './suite';
import { materialize, Tracker } from './values';
import type { Desc } from './values';

const FUNCTIONS = ['linearLossGrad', 'linearPredictScores', 'linearPredictClasses', 'linearEvaluate'] as const;
type ObjectiveFn = (typeof FUNCTIONS)[number];

/** Column counts: small ones, and (only with FUZZ_KNOWN=1) the ones whose K*cols overflows size_t. */
const colsArb: fc.Arbitrary<number> = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 6 }), weight: 8 },
  { arbitrary: fc.constantFrom(2 ** 31 - 1, 2 ** 31, 2 ** 32), weight: 1 },
  ...(includeKnownHazards ? [{ arbitrary: fc.constantFrom(2 ** 40, 2 ** 41), weight: 1 }] : []),
);

/** Array lengths stay small: a length too large to allocate becomes 0 (a mismatch the call must reject). */
const cap = (n: number): number => (n <= 4096 ? n : 0);

export interface ObjectiveCase {
  fn: ObjectiveFn;
  loss: string;
  rows: number;
  cols: number;
  classes: number;
  args: Desc[];
}

type Loss = 'squared' | 'logistic' | 'hinge' | 'softmax';

/** The objective for a loss with K outputs; sometimes a field is missing, inconsistent or weird. */
const objectiveDesc = (loss: Loss, K: number, bias: boolean): fc.Arbitrary<Desc> => fc.record({
  loss: mostly(fc.oneof({ arbitrary: fc.constant(lit(loss)), weight: 40 }, { arbitrary: fc.constantFrom('Softmax', 'l2').map(lit), weight: 1 }), 40),
  classes: fc.oneof(
    { arbitrary: fc.constant(lit(K)), weight: 20 },
    { arbitrary: fc.constant(lit(K === 1 ? undefined : K + 1)), weight: 2 },
    { arbitrary: fc.oneof(numDesc(specialNumber), fc.constantFrom(lit(2 ** 24), lit(2 ** 24 + 1))), weight: 1 },
  ),
  bias: mostly(fc.constant(lit(bias)), 40),
  l2: mostly(fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.double({ min: 0, max: 2, noNaN: true }), weight: 3 },
    { arbitrary: specialNumber, weight: 1 }).map((v) => lit(v)), 40),
}).map((o) => ({ t: 'obj', props: Object.entries(o) }) as Desc);

function matrixDesc(rows: number, cols: number): fc.Arbitrary<Desc> {
  // A matrix too large to allocate gets an empty data array (the call must reject the mismatch).
  const dense = fc.record({ data: mostly(f32(cap(rows * cols)), 30), rows: mostly(fc.constant(lit(rows)), 30), cols: mostly(fc.constant(lit(cols)), 30) })
    .map((m) => ({ t: 'obj', props: Object.entries(m) }) as Desc);
  const column = fc.oneof({ arbitrary: fc.integer({ min: 0, max: Math.max(0, Math.min(cols, 8) - 1) }), weight: 12 },
    { arbitrary: fc.constantFrom(-1, cols, 2 ** 31 - 1), weight: 1 });
  const csr = fc.array(column, { maxLength: 12 }).chain((indices) => {
    const nnz = indices.length;
    const goodIndptr = fc.array(fc.integer({ min: 0, max: nnz }), { minLength: Math.max(0, rows - 1), maxLength: Math.max(0, rows - 1) })
      .map((mid) => (rows === 0 ? [0] : [0, ...mid.sort((a, b) => a - b), nnz]));
    const badIndptr = fc.array(fc.integer({ min: -2, max: nnz + 2 }), { minLength: rows + 1, maxLength: rows + 1 });
    return fc.record({
      indptr: i32(fc.oneof({ arbitrary: goodIndptr, weight: 8 }, { arbitrary: badIndptr, weight: 1 })),
      indices: mostly(i32(fc.constant(indices)), 30),
      values: mostly(f32(nnz), 30),
      cols: mostly(fc.constant(lit(cols)), 30),
    }).map((m) => ({ t: 'obj', props: Object.entries(m) }) as Desc);
  });
  return fc.oneof(dense, csr);
}

export const objectiveCaseArb: fc.Arbitrary<ObjectiveCase> = fc.record({
  fn: fc.constantFrom(...FUNCTIONS),
  loss: fc.constantFrom<Loss>('squared', 'logistic', 'hinge', 'softmax'),
  rows: fc.integer({ min: 0, max: 6 }),
  cols: colsArb,
  softmaxK: fc.oneof({ arbitrary: fc.constantFrom(2, 3), weight: 8 }, { arbitrary: fc.constant(2 ** 24), weight: 1 }),
  bias: fc.boolean(),
}).chain(({ fn, loss, rows, cols, softmaxK, bias }) => {
  const K = loss === 'softmax' ? softmaxK : 1;
  const P = cols < 1e6 ? K * cols + (bias ? K : 0) : 0;
  const goodLabels = loss === 'softmax'
    ? fc.oneof(i32(fc.array(fc.integer({ min: 0, max: K - 1 }), { minLength: rows, maxLength: rows })), f32(rows, layoutArb, fc.constant('classes')))
    : loss === 'squared' ? f32(rows) : fc.oneof(f32(rows, layoutArb, fc.constant('sign')), i32(fc.array(fc.integer({ min: -1, max: 1 }), { minLength: rows, maxLength: rows })));
  const y = fc.oneof(
    { arbitrary: goodLabels, weight: 8 },
    { arbitrary: fc.oneof(f32(rows), i32(fc.array(fc.integer({ min: -2, max: K + 1 }), { minLength: rows, maxLength: rows })), f32(rows + 1)), weight: 1 },
    { arbitrary: weirdDeep, weight: 1 },
  );
  const w = fc.oneof({ arbitrary: f32(cap(P)), weight: 20 }, { arbitrary: f32(cap(Math.max(0, P - K))), weight: 1 }, { arbitrary: weirdDeep, weight: 1 });
  const rowList = fc.oneof({ arbitrary: fc.constant(lit(null)), weight: 4 }, { arbitrary: u32(fc.array(fc.integer({ min: 0, max: Math.max(0, rows - 1) }), { maxLength: 6 })), weight: 4 },
    { arbitrary: u32(fc.array(fc.integer({ min: 0, max: rows + 1 }), { maxLength: 6 })), weight: 1 }, { arbitrary: weirdDeep, weight: 1 });
  const grad = fc.oneof({ arbitrary: fc.constant(lit(null)), weight: 3 }, { arbitrary: f32(cap(P)), weight: 6 },
    { arbitrary: fc.constant<Desc>({ t: 'alias', of: 0, start: 0, n: cap(P) }), weight: 1 }, { arbitrary: weirdDeep, weight: 1 });
  const outLen = fc.oneof({ arbitrary: fc.constant(cap(rows * K)), weight: 6 }, { arbitrary: fc.integer({ min: 0, max: 20 }), weight: 1 });
  const outF32 = outLen.chain((len) => f32(len));
  const outI32 = fc.oneof(fc.constant(rows), fc.integer({ min: 0, max: 8 })).chain((len) => i32(fc.array(fc.constant(0), { minLength: len, maxLength: len })));
  const objective = objectiveDesc(loss, K, bias);
  const X = matrixDesc(rows, cols);
  // 'alias' in grad points at the first Float32Array made for the call (X's data or values, or w).
  const args: fc.Arbitrary<Desc[]> = fn === 'linearLossGrad' ? fc.tuple(objective, X, y, w, grad, rowList)
    : fn === 'linearPredictScores' ? fc.tuple(objective, X, w, rowList, fc.oneof(outF32, weirdDeep))
      : fn === 'linearPredictClasses' ? fc.tuple(objective, X, w, rowList, fc.oneof(outI32, weirdDeep))
        : fc.tuple(objective, X, y, w, rowList);
  return fc.record({ fn: fc.constant(fn), loss: fc.constant(loss), rows: fc.constant(rows), cols: fc.constant(cols), classes: fc.constant(K), args });
});

export const addonObjectives = suite<ObjectiveCase>({
  name: 'addon objectives',
  weight: 3,
  arbitrary: objectiveCaseArb,
  run(stats, c) {
    const tr = new Tracker();
    const values = c.args.map((d) => materialize(d, tr));
    const fn = addon()[c.fn] as (...a: unknown[]) => unknown;
    checkCall(stats, 'addon objectives', c.fn, tr, () => fn(...values));
  },
});
