import { afterAll, describe, expect, it } from 'vitest';
import type { CsrMatrix, DenseMatrix, Labels, Matrix } from '../lib/data/matrix';
import { addon } from '../lib/native';
import { evaluate, lossAndGrad, predictClasses, predictScores } from '../lib/objectives/linear';
import { parameterCount } from '../lib/objectives/objective';
import type { LinearLoss, LinearObjective } from '../lib/objectives/objective';
import { beale, himmelblau, ravine, rosenbrock, saddle, testFunctions, valueAndGrad } from '../lib/objectives/test-functions';
import {
  referenceEvaluate, referenceLossAndGrad, referencePredictClasses, referencePredictScores,
} from '../lib/reference/objectives';
import { maxRelErr, rng, uniform } from './helpers/random';

const native = addon();
const info = native.info();
afterAll(() => native.setIsa(info.isa));

const LOSSES: LinearLoss[] = ['squared', 'logistic', 'hinge', 'softmax'];
const CLASSES = 3;

/** A dense matrix with about half its entries zero, and the same data as CSR. */
function problem(rows: number, cols: number, seed: number): { dense: DenseMatrix; csr: CsrMatrix } {
  const next = rng(seed);
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = next() < 0.5 ? 0 : Math.fround(2 * next() - 1);
  const indptr = new Int32Array(rows + 1), indices: number[] = [], values: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) {
      if (data[r * cols + j] !== 0) { indices.push(j); values.push(data[r * cols + j]!); }
    }
    indptr[r + 1] = indices.length;
  }
  return { dense: { data, rows, cols }, csr: { indptr, indices: Int32Array.from(indices), values: Float32Array.from(values), cols } };
}

function labelsFor(loss: LinearLoss, rows: number, seed: number): Labels {
  const next = rng(seed);
  if (loss === 'softmax') return Int32Array.from({ length: rows }, () => Math.floor(next() * CLASSES));
  if (loss === 'squared') return uniform(rows, -2, 2, next);
  return Float32Array.from({ length: rows }, () => (next() < 0.5 ? -1 : 1));
}

function objectiveFor(loss: LinearLoss, bias: boolean, l2: number): LinearObjective {
  return loss === 'softmax' ? { loss, classes: CLASSES, bias, l2 } : { loss, bias, l2 };
}

const ROWS = 40;
const BATCH = Uint32Array.of(3, 17, 17, 0, 39, 8, 25, 11, 30, 2);
const variants = LOSSES.flatMap((loss) =>
  [true, false].flatMap((bias) => [0, 0.1].map((l2) => ({ loss, bias, l2, name: `${loss}, bias ${bias}, l2 ${l2}` }))));

describe.each(info.isasAvailable)('on the %s path, the native objectives', (isa) => {
  for (const cols of [1, 37, 203]) {
    const { dense, csr } = problem(ROWS, cols, cols * 7 + 1);
    for (const [format, X] of [['dense', dense], ['CSR', csr]] as Array<[string, Matrix]>) {
      it(`equal the TS reference for every loss, bias and L2 on ${format} rows of ${cols} columns`, () => {
        native.setIsa(isa);
        for (const v of variants) {
          const o = objectiveFor(v.loss, v.bias, v.l2);
          const y = labelsFor(v.loss, ROWS, cols + 3);
          const w = uniform(parameterCount(o, cols), -0.5, 0.5, rng(cols + 11));
          for (const rows of [BATCH, undefined]) {
            const where = `${v.name}, ${format}, ${rows ? 'batch' : 'all rows'}`;
            const grad = new Float32Array(w.length), refGrad = new Float32Array(w.length);
            const loss = lossAndGrad(o, X, y, w, grad, rows);
            const refLoss = referenceLossAndGrad(o, X, y, w, refGrad, rows);
            expect(Math.abs(loss - refLoss) / Math.max(1, Math.abs(refLoss)), `loss: ${where}`).toBeLessThanOrEqual(1e-12);
            expect(maxRelErr(grad, refGrad, 1e-6), `grad: ${where}`).toBeLessThanOrEqual(1e-6);
            expect(maxRelErr(predictScores(o, X, w, rows), referencePredictScores(o, X, w, rows), 1e-6), `scores: ${where}`)
              .toBeLessThanOrEqual(1e-6);
            if (v.loss !== 'squared')
              expect(Array.from(predictClasses(o, X, w, rows)), `classes: ${where}`).toEqual(Array.from(referencePredictClasses(o, X, w, rows)));
            const m = evaluate(o, X, y, w, rows), ref = referenceEvaluate(o, X, y, w, rows);
            expect(m.loss, `evaluate loss: ${where}`).toBeCloseTo(loss, 12);
            expect('accuracy' in m ? m.accuracy : m.mse, `metric: ${where}`).toBeCloseTo(ref.metric, 10);
          }
        }
      });
    }
  }
});

describe('lossAndGrad', () => {
  const { dense, csr } = problem(ROWS, 23, 5);
  const o: LinearObjective = { loss: 'logistic', l2: 0.05 };
  const y = labelsFor('logistic', ROWS, 9);
  const w = uniform(parameterCount(o, 23), -1, 1, rng(4));

  it('adds the gradient into grad instead of overwriting it', () => {
    const fresh = new Float32Array(w.length), accumulated = new Float32Array(w.length).fill(1);
    lossAndGrad(o, dense, y, w, fresh, BATCH);
    lossAndGrad(o, dense, y, w, accumulated, BATCH);
    const expected = fresh.map((g) => g + 1);
    expect(maxRelErr(accumulated, expected, 1e-6)).toBeLessThanOrEqual(1e-6);
  });

  it('computes the same loss without a gradient buffer', () => {
    expect(lossAndGrad(o, dense, y, w, undefined, BATCH)).toBe(lossAndGrad(o, dense, y, w, new Float32Array(w.length), BATCH));
  });

  it('averages over the listed rows, so repeating a row weighs it twice', () => {
    const one = lossAndGrad({ loss: 'squared' }, dense, y, new Float32Array(24), undefined, Uint32Array.of(4));
    const twice = lossAndGrad({ loss: 'squared' }, dense, y, new Float32Array(24), undefined, Uint32Array.of(4, 4, 5));
    const five = lossAndGrad({ loss: 'squared' }, dense, y, new Float32Array(24), undefined, Uint32Array.of(5));
    expect(twice).toBeCloseTo((2 * one + five) / 3, 12);
  });

  it('on CSR rows without L2 writes only the columns the batch uses, so a sparse step costs O(nnz)', () => {
    const plain: LinearObjective = { loss: 'logistic', bias: false };
    // -0 + 0 is +0: a column that was written at all, even with a zero gradient, loses its sign.
    const grad = new Float32Array(23).fill(-0);
    lossAndGrad(plain, csr, y, w.subarray(0, 23), grad, Uint32Array.of(6));
    const used = new Set(csr.indices.subarray(csr.indptr[6]!, csr.indptr[7]!));
    expect(used.size).toBeGreaterThan(0);
    grad.forEach((g, j) => {
      if (used.has(j)) expect(g, `column ${j} is used`).not.toBe(0);
      else expect(Object.is(g, -0), `column ${j} is untouched`).toBe(true);
    });
  });

  it('gives the logistic loss without overflow for huge margins', () => {
    const X: DenseMatrix = { data: Float32Array.of(1, 1), rows: 2, cols: 1 };
    const labels = Float32Array.of(1, -1);
    const wHuge = Float32Array.of(1e30, 0);
    const grad = new Float32Array(2);
    // Row 0 is right by 1e30 (loss ≈ 0), row 1 wrong by 1e30 (loss ≈ 1e30): the mean is 5e29.
    expect(lossAndGrad({ loss: 'logistic' }, X, labels, wHuge, grad) / 5e29).toBeCloseTo(1, 6);
    expect(Array.from(grad)).toEqual([0.5, 0.5]);
  });

  it('reads 0/1 labels like -1/+1 labels for the binary losses', () => {
    const pm = labelsFor('logistic', ROWS, 9), zeroOne = pm.map((v) => (v > 0 ? 1 : 0));
    for (const loss of ['logistic', 'hinge'] as const)
      expect(lossAndGrad({ loss }, dense, zeroOne, w, undefined)).toBe(lossAndGrad({ loss }, dense, pm, w, undefined));
  });

  it('accepts softmax class ids as Float32Array labels too', () => {
    const so: LinearObjective = { loss: 'softmax', classes: CLASSES };
    const ids = labelsFor('softmax', ROWS, 2);
    const ws = uniform(parameterCount(so, 23), -1, 1, rng(8));
    expect(lossAndGrad(so, dense, Float32Array.from(ids), ws)).toBe(lossAndGrad(so, dense, ids, ws));
  });

  it('returns only the L2 term for an empty batch', () => {
    const r = lossAndGrad({ loss: 'squared', l2: 2, bias: false }, dense, y, new Float32Array(23).fill(1), undefined, new Uint32Array(0));
    expect(r).toBeCloseTo(23, 12);
  });
});

describe('the objective functions check their arguments before writing', () => {
  const { dense, csr } = problem(10, 4, 3);
  const y = labelsFor('logistic', 10, 1);
  const o: LinearObjective = { loss: 'logistic' };
  const w = new Float32Array(5);

  function rejects(run: (grad: Float32Array) => unknown, type: typeof TypeError | typeof RangeError, message: RegExp): void {
    const grad = new Float32Array(5).fill(7);
    expect(() => run(grad)).toThrow(type);
    expect(() => run(grad)).toThrow(message);
    expect(Array.from(grad), 'grad untouched').toEqual([7, 7, 7, 7, 7]);
  }

  it('names a bad objective field', () => {
    rejects((g) => lossAndGrad({ loss: 'cubic' as LinearLoss }, dense, y, w, g), RangeError, /objective\.loss/);
    rejects((g) => lossAndGrad({ loss: 'softmax' }, dense, y, w, g), RangeError, /objective\.classes/);
    rejects((g) => lossAndGrad({ loss: 'logistic', l2: -1 }, dense, y, w, g), RangeError, /objective\.l2/);
    rejects((g) => lossAndGrad({ loss: 'logistic', bias: 1 as unknown as boolean }, dense, y, w, g), TypeError, /objective\.bias/);
  });

  it('names a malformed matrix, labels or parameter vector', () => {
    rejects((g) => lossAndGrad(o, { data: new Float64Array(40), rows: 10, cols: 4 } as unknown as Matrix, y, w, g), TypeError, /X\.data/);
    rejects((g) => lossAndGrad(o, { data: new Float32Array(39), rows: 10, cols: 4 }, y, w, g), RangeError, /X\.data/);
    rejects((g) => lossAndGrad(o, dense, y.subarray(1), w, g), RangeError, /\by\b/);
    rejects((g) => lossAndGrad(o, dense, y, new Float32Array(4), g), RangeError, /\bw\b/);
    rejects((g) => lossAndGrad(o, dense, y, w, g.subarray(1)), RangeError, /grad/);
    rejects((g) => lossAndGrad(o, dense, y, g, g), RangeError, /share memory/);
  });

  it('names a row index, a column index or a label out of range', () => {
    rejects((g) => lossAndGrad(o, dense, y, w, g, Uint32Array.of(0, 10)), RangeError, /rows\[1\] = 10/);
    rejects((g) => lossAndGrad(o, dense, y, w, g, [0, 1] as unknown as Uint32Array), TypeError, /rows/);
    const badCsr: CsrMatrix = { ...csr, indices: csr.indices.map((j, p) => (p === 2 ? 9 : j)) };
    rejects((g) => lossAndGrad(o, badCsr, y, w, g), RangeError, /X\.indices\[2\] = 9/);
    const badY = y.map((v, i) => (i === 3 ? 2 : v));
    rejects((g) => lossAndGrad(o, dense, badY, w, g), RangeError, /y\[3\] = 2/);
    const ids = Int32Array.of(0, 1, 2, 3, 0, 1, 2, 0, 1, 2);
    const so: LinearObjective = { loss: 'softmax', classes: 3, bias: false };
    expect(() => lossAndGrad(so, dense, ids, new Float32Array(12))).toThrow(/y\[3\] = 3 is not a class id/);
  });

  it('checks the raw native entry point too, so no call from JS can read out of bounds', () => {
    const raw = { loss: 'logistic', classes: 1, bias: true, l2: 0 } as const;
    const shortCsr = { indptr: Int32Array.of(0, 2, 5), indices: Int32Array.of(0, 1), values: Float32Array.of(1, 2), cols: 4 };
    expect(() => native.linearLossGrad(raw, shortCsr, Float32Array.of(1, -1), w, null, null)).toThrow(RangeError);
    expect(() => native.linearLossGrad(raw, dense, y, w, null, Uint32Array.of(99))).toThrow(/rows\[0\] = 99/);
    expect(() => native.linearPredictScores(raw, dense, w, null, new Float32Array(3))).toThrow(/out/);
  });
});

/** Central differences on float32 parameters: the step actually taken is fround(w+h) − fround(w−h). */
function finiteDifferenceError(f: (w: Float32Array) => number, w: Float32Array, analytic: Float32Array, h: number): number {
  let worst = 0;
  for (let i = 0; i < w.length; i++) {
    const saved = w[i]!;
    w[i] = saved + h;
    const up = f(w), wUp = w[i]!;
    w[i] = saved - h;
    const down = f(w), wDown = w[i]!;
    w[i] = saved;
    const numeric = (up - down) / (wUp - wDown);
    const err = Math.abs(numeric - analytic[i]!) / Math.max(Math.abs(numeric), Math.abs(analytic[i]!), 1e-4);
    worst = Math.max(worst, err);
  }
  return worst;
}

/** Whether any hinge margin t·m of the batch lies within `gap` of the kink at 1. */
function nearHingeKink(o: LinearObjective, X: Matrix, y: Labels, w: Float32Array, gap: number): boolean {
  const scores = predictScores(o, X, w);
  return scores.some((m, r) => Math.abs(1 - (y[r]! > 0 ? 1 : -1) * m) < gap);
}

describe('every objective gradient', () => {
  const { dense, csr } = problem(30, 13, 21);
  for (const v of variants) {
    it(`matches central finite differences within 1e-3 for ${v.name}`, () => {
      const o = objectiveFor(v.loss, v.bias, v.l2);
      const y = labelsFor(v.loss, 30, 5);
      const w = uniform(parameterCount(o, 13), -0.3, 0.3, rng(17));
      if (v.loss === 'hinge') expect(nearHingeKink(o, dense, y, w, 0.05), 'test data keeps margins away from the kink').toBe(false);
      for (const X of [dense, csr]) {
        const grad = new Float32Array(w.length);
        lossAndGrad(o, X, y, w, grad);
        expect(finiteDifferenceError((p) => lossAndGrad(o, X, y, p), w, grad, 1e-3)).toBeLessThanOrEqual(1e-3);
      }
    });
  }
});

describe('the 2-D test functions', () => {
  const fns = Object.values(testFunctions);

  it('have gradients that match central finite differences', () => {
    const next = rng(77);
    for (const f of fns) {
      const [x0, x1, y0, y1] = f.bounds;
      for (let k = 0; k < 20; k++) {
        const x = x0 + (x1 - x0) * next(), y = y0 + (y1 - y0) * next(), h = 1e-6;
        const [gx, gy] = f.gradient(x, y);
        const nx = (f.value(x + h, y) - f.value(x - h, y)) / (2 * h);
        const ny = (f.value(x, y + h) - f.value(x, y - h)) / (2 * h);
        expect(Math.abs(nx - gx) / Math.max(1, Math.abs(gx)), `${f.name} d/dx at (${x}, ${y})`).toBeLessThan(1e-5);
        expect(Math.abs(ny - gy) / Math.max(1, Math.abs(gy)), `${f.name} d/dy at (${x}, ${y})`).toBeLessThan(1e-5);
      }
    }
  });

  it('have zero gradient and the stated value at their minima, and zero gradient at their saddles', () => {
    for (const f of fns) {
      for (const m of f.minima) {
        expect(f.value(m.x, m.y), `${f.name} at its minimum`).toBeCloseTo(m.value, 10);
        for (const g of f.gradient(m.x, m.y)) expect(Math.abs(g), `${f.name} gradient at its minimum`).toBeLessThan(1e-9);
      }
      for (const s of f.saddles) for (const g of f.gradient(s.x, s.y)) expect(Math.abs(g), `${f.name} saddle`).toBeLessThan(1e-9);
    }
  });

  it('lie above their minimum value around each minimum', () => {
    for (const f of [beale, rosenbrock, ravine, himmelblau]) {
      for (const m of f.minima)
        for (const [dx, dy] of [[1e-3, 0], [0, 1e-3], [-1e-3, 1e-3], [1e-3, -1e-3]] as const)
          expect(f.value(m.x + dx, m.y + dy), f.name).toBeGreaterThan(m.value);
    }
  });

  it('include a saddle that descends along y and a ravine with condition number 100', () => {
    expect(saddle.value(0, 0.5)).toBeLessThan(saddle.value(0, 0));
    expect(saddle.value(0.5, 0)).toBeGreaterThan(saddle.value(0, 0));
    // Along its two rotated axes the ravine curves by 1 and 100.
    const c = Math.cos(Math.PI / 6), s = Math.sin(Math.PI / 6), t = 0.1;
    expect(ravine.value(c * t, s * t) / (t * t / 2)).toBeCloseTo(1, 10);
    expect(ravine.value(-s * t, c * t) / (t * t / 2)).toBeCloseTo(100, 10);
  });

  it('write value and gradient into optimizer-shaped arrays', () => {
    const p = Float32Array.of(-1.5, 2), g = new Float32Array(2);
    expect(valueAndGrad(rosenbrock, p, g)).toBeCloseTo(rosenbrock.value(-1.5, 2), 10);
    expect(Array.from(g)).toEqual(rosenbrock.gradient(-1.5, 2).map(Math.fround));
  });
});
