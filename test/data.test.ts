import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CsrMatrix, DenseMatrix } from '../lib/data/matrix';
import { selectLabels, selectRows } from '../lib/data/matrix';
import { permutation, range, seedState, shuffle, Xoshiro128 } from '../lib/data/shuffle';
import { splitData, trainValidationSplit } from '../lib/data/split';
import { applyStandardScaler, fitStandardScaler, standardize } from '../lib/data/standardize';
import { readSvmlight, readSvmlightSync } from '../lib/data/svmlight';
import { addon } from '../lib/native';
import { rng } from './helpers/random';

const native = addon();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-data-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Element-wise identity of two typed arrays (fast on large arrays, unlike a deep equality). */
function expectSameArray(a: ArrayBufferView & { length: number }, b: ArrayBufferView & { length: number }, what: string): void {
  expect(a.constructor, what).toBe(b.constructor);
  expect(a.length, what).toBe(b.length);
  const bytes = (v: ArrayBufferView): Buffer => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  expect(bytes(a).equals(bytes(b)), what).toBe(true);
}

function expectSameData(read: { X: CsrMatrix; y: Float32Array }, X: CsrMatrix, y: Float32Array): void {
  expectSameArray(read.X.indptr, X.indptr, 'indptr');
  expectSameArray(read.X.indices, X.indices, 'indices');
  expectSameArray(read.X.values, X.values, 'values');
  expectSameArray(read.y, y, 'labels');
  expect(read.X.cols).toBe(X.cols);
}

function parse(text: string, options = {}): { X: CsrMatrix; y: Float32Array } {
  return readSvmlightSync(Buffer.from(text), options);
}

/** Rows as [label, [[column, value], ...]] for readable expectations. */
function rowsOf(X: CsrMatrix, y: Float32Array): Array<[number, Array<[number, number]>]> {
  return Array.from(y, (label, r) => {
    const cells: Array<[number, number]> = [];
    for (let p = X.indptr[r]!; p < X.indptr[r + 1]!; p++) cells.push([X.indices[p]!, X.values[p]!]);
    return [label, cells];
  });
}

describe('readSvmlightSync', () => {
  it('reads labels, one-based features, comments, blank lines and qid, detecting the base like scikit-learn', () => {
    const { X, y } = parse('# header comment\n+1 qid:3 1:0.5 3:-2 # trailing\n\n-1 2:1e-3\r\n2.5   4:7\t5:1\n0\n');
    expect(rowsOf(X, y)).toEqual([[1, [[0, 0.5], [2, -2]]], [-1, [[1, Math.fround(1e-3)]]], [2.5, [[3, 7], [4, 1]]], [0, []]]);
    expect(X.cols).toBe(5);
    expect(Array.from(X.indptr)).toEqual([0, 2, 3, 5, 5]);
  });

  it('reads ids as zero-based when some id is 0, or when told so', () => {
    expect(rowsOf(...Object.values(parse('1 0:1 2:2\n')) as [CsrMatrix, Float32Array])).toEqual([[1, [[0, 1], [2, 2]]]]);
    const forced = parse('1 1:1 2:2\n', { zeroBased: true });
    expect(Array.from(forced.X.indices)).toEqual([1, 2]);
    expect(forced.X.cols).toBe(3);
    const oneBased = parse('1 1:1 2:2\n', { zeroBased: false });
    expect(Array.from(oneBased.X.indices)).toEqual([0, 1]);
  });

  it('uses nFeatures as the column count when given', () => {
    expect(parse('1 1:1\n', { nFeatures: 10 }).X.cols).toBe(10);
    expect(parse('', { nFeatures: 4 }).X.cols).toBe(4);
    expect(parse('').X).toEqual({ indptr: Int32Array.of(0), indices: new Int32Array(0), values: new Float32Array(0), cols: 0 });
  });

  it('reads a last line without a newline', () => {
    expect(rowsOf(...Object.values(parse('1 1:1\n-1 2:3')) as [CsrMatrix, Float32Array])).toEqual([[1, [[0, 1]]], [-1, [[1, 3]]]]);
  });

  const malformed: Array<[string, string, RegExp, object?]> = [
    ['a label that is not a number', '1 1:1\nabc 2:1\n', /line 2: the label 'abc' is not a number/],
    ['a pair without a value', '1 1:1\n\n1 2:\n', /line 3: the value '' of feature 2 is not a number/],
    ['a token that is not index:value', '1 1:1 2\n', /line 1: '2' is not index:value/],
    ['a negative feature id', '1 -1:1\n', /line 1: the feature index '-1' is not a non-negative integer/],
    ['ids out of order', '1 1:1\n1 3:1 2:1\n', /line 2: feature indices must be strictly increasing within a line: 2 comes after 3/],
    ['a repeated id', '1 3:1 3:2\n', /line 1: .*3 comes after 3/],
    ['a missing label', '1 1:1\n2:1 3:1\n', /line 2: expected a label before the features/],
    ['several labels', '1,2 1:1\n', /line 1: multi-label rows/],
    ['id 0 in one-based data', '1 1:1\n1 0:1\n', /line 2: feature index 0 in data read as one-based/, { zeroBased: false }],
    ['an id beyond nFeatures', '1 1:1\n1 9:1\n1 2:1\n', /line 2: feature index 9 \(one-based\) does not fit nFeatures = 5/, { nFeatures: 5 }],
    ['a value beyond float32', '1 1:1e39\n', /line 1: the value '1e39' of feature 1 is outside the float32 range/],
  ];
  for (const [what, text, message, options] of malformed) {
    it(`rejects ${what} with the line number`, () => {
      expect(() => parse(text, options)).toThrow(message);
    });
  }

  it('names the file it could not open', () => {
    const missing = path.join(tmp, 'missing.svm');
    expect(() => readSvmlightSync(missing)).toThrow(new RegExp(`cannot open '${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'`));
  });

  it('rejects bad options with TypeError or RangeError', () => {
    expect(() => readSvmlightSync(42 as unknown as string)).toThrow(TypeError);
    expect(() => parse('1 1:1\n', { zeroBased: 'yes' })).toThrow(TypeError);
    expect(() => parse('1 1:1\n', { nFeatures: -1 })).toThrow(RangeError);
  });
});

/** The writer the round trip checks against: one-based ids, shortest float text, odd spacing, qid, comments. */
function writeSvmlight(X: CsrMatrix, y: Float32Array): string {
  const lines: string[] = ['# written by the data test'];
  for (let r = 0; r < y.length; r++) {
    const cells: string[] = [];
    for (let p = X.indptr[r]!; p < X.indptr[r + 1]!; p++) cells.push(`${X.indices[p]! + 1}:${X.values[p]}`);
    const qid = r % 7 === 0 ? ' qid:12' : '';
    const comment = r % 11 === 0 ? ` # row ${r}` : '';
    lines.push(`${y[r]}${qid} ${cells.join(r % 2 ? ' ' : '  ')}${comment}`);
  }
  // Every fifth line ends in CRLF, as files from Windows tools do.
  return lines.map((line, i) => line + (i % 5 === 0 ? '\r\n' : '\n')).join('');
}

function randomCsr(rows: number, cols: number, seed: number): { X: CsrMatrix; y: Float32Array } {
  const next = rng(seed);
  const indptr = new Int32Array(rows + 1), indices: number[] = [], values: number[] = [];
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    y[r] = r % 3 === 0 ? Math.fround(next() * 10 - 5) : next() < 0.5 ? -1 : 1;
    const picked = new Set<number>();
    const count = Math.floor(next() * 16);
    for (let k = 0; k < count; k++) picked.add(Math.floor(next() * cols));
    for (const j of [...picked].sort((a, b) => a - b)) {
      indices.push(j);
      values.push(Math.fround((next() - 0.5) * 10 ** Math.floor(next() * 12 - 6)));
    }
    indptr[r + 1] = indices.length;
  }
  // Make the last column appear, so cols is max id + 1.
  return { X: { indptr, indices: Int32Array.from(indices), values: Float32Array.from(values), cols: Math.max(...indices) + 1 }, y };
}

describe('a file of 10 000 random rows', () => {
  const { X, y } = randomCsr(10_000, 5000, 123);
  const text = writeSvmlight(X, y);
  const file = path.join(tmp, 'random.svm');
  fs.writeFileSync(file, text);

  it('is larger than one read chunk, so lines cross chunk boundaries', () => {
    expect(text.length).toBeGreaterThan(1 << 20);
  });

  it('round-trips through readSvmlightSync from the file and from a Buffer', () => {
    expectSameData(readSvmlightSync(file), X, y);
    expectSameData(readSvmlightSync(fs.readFileSync(file)), X, y);
  });

  it('round-trips through readSvmlight on a worker thread, reporting progress up to the whole size', async () => {
    const reports: Array<[number, number]> = [];
    const read = await readSvmlight(file, { onProgress: (done, total) => reports.push([done, total]) });
    expectSameData(read, X, y);
    expect(reports.length).toBeGreaterThan(0);
    expect(reports.at(-1)).toEqual([text.length, text.length]);
    expectSameData(await readSvmlight(Buffer.from(text)), X, y);
  });

  it('stops reading when its AbortSignal fires and rejects with the reason', async () => {
    const controller = new AbortController();
    const reason = new Error('stop now');
    const pending = readSvmlight(file, { signal: controller.signal, onProgress: () => controller.abort(reason) });
    await expect(pending).rejects.toBe(reason);
    await expect(readSvmlight(file, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  });

  it('rejects with the exception a progress callback throws', async () => {
    const oops = new Error('progress failed');
    await expect(readSvmlight(file, { onProgress: () => { throw oops; } })).rejects.toBe(oops);
  });
});

describe('readSvmlight', () => {
  it('rejects with the source and the line number of a malformed line', async () => {
    await expect(readSvmlight(Buffer.from('1 1:1\n1 x:1\n'))).rejects.toThrow(/svmlight a Buffer of 12 bytes: line 2: the feature index 'x'/);
  });
});

describe('the xoshiro128** generator', () => {
  it('reproduces the published first outputs for the state {1, 2, 3, 4}', () => {
    const g = new Xoshiro128(Uint32Array.of(1, 2, 3, 4));
    expect(Array.from({ length: 6 }, () => g.nextUint32())).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('is seeded with SplitMix64 (seed 0 gives its published first outputs), natively and in TS alike', () => {
    expect(Array.from(seedState(0))).toEqual([0x7b1dcdaf, 0xe220a839, 0xa1b965f4, 0x6e789e6a]);
    for (const seed of [0, 1, 42, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER]) {
      const state = new Uint32Array(4);
      native.rngSeed(seed, state);
      expect(Array.from(state), `seed ${seed}`).toEqual(Array.from(seedState(seed)));
    }
  });

  it('gives the same stream natively and in TS, and leaves the same state', () => {
    const ts = new Xoshiro128(99);
    const state = ts.state.slice();
    const out = new Uint32Array(1000);
    native.rngFill(state, out);
    expect(Array.from(out)).toEqual(Array.from({ length: 1000 }, () => ts.nextUint32()));
    expect(Array.from(state)).toEqual(Array.from(ts.state));
  });

  it('draws below n by rejecting the incomplete top block of 2^32, not by a biased modulo', () => {
    const n = 3 * 2 ** 30; // 2^32 mod n = 2^30: a quarter of the draws fall in the incomplete block
    const g = new Xoshiro128(31), raw = new Uint32Array(200), state = g.state.slice();
    native.rngFill(state, raw);
    const accepted = Array.from(raw).filter((x) => x < 2 ** 32 - 2 ** 30);
    expect(accepted.length).toBeLessThan(190);
    for (let i = 0; i < 100; i++) expect(g.below(n)).toBe(accepted[i]! % n);
  });

  it('rejects an all-zero or short state', () => {
    expect(() => new Xoshiro128(new Uint32Array(4))).toThrow(RangeError);
    expect(() => native.shuffle(range(3), new Uint32Array(4))).toThrow(/all zeros/);
    expect(() => native.shuffle(range(3), new Uint32Array(3))).toThrow(/4 words/);
    expect(() => new Xoshiro128(-1)).toThrow(RangeError);
  });
});

describe('shuffle', () => {
  it('gives the same order for the same seed and different orders for different seeds', () => {
    const a = permutation(1000, new Xoshiro128(7)), b = permutation(1000, new Xoshiro128(7));
    const c = permutation(1000, new Xoshiro128(8));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a).not.toEqual(range(1000));
  });

  it('is a permutation', () => {
    const p = permutation(100_003, new Xoshiro128(3));
    expectSameArray(Uint32Array.from(p).sort(), range(100_003), 'sorted permutation');
  });

  it('is bit-identical natively and in TS on every length, and advances the state identically', () => {
    for (const n of [0, 1, 2, 3, 17, 1000, 100_003]) {
      const nativeRng = new Xoshiro128(n + 1), jsRng = new Xoshiro128(n + 1);
      const start = rng(n)();
      const values = Uint32Array.from({ length: n }, (_, i) => (i * 2654435761 + Math.floor(start * 1e6)) >>> 0);
      expectSameArray(shuffle(values.slice(), nativeRng, 'native'), shuffle(values.slice(), jsRng, 'js'), `n=${n}`);
      expect(Array.from(nativeRng.state), `state after n=${n}`).toEqual(Array.from(jsRng.state));
    }
  });

  it('continues the same sequence from a saved state', () => {
    const g = new Xoshiro128(11);
    permutation(50, g);
    const saved = g.state.slice();
    const next = permutation(50, g);
    expect(permutation(50, new Xoshiro128(saved))).toEqual(next);
  });

  it('draws every order of three elements about equally often', () => {
    const g = new Xoshiro128(5), counts = new Map<string, number>();
    for (let i = 0; i < 60_000; i++) {
      const key = permutation(3, g).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    for (const c of counts.values()) expect(Math.abs(c - 10_000)).toBeLessThan(500); // > 5 standard deviations
  });
});

describe('trainValidationSplit', () => {
  it('splits every row to exactly one side, sorted, with the requested share', () => {
    const { train, validation } = trainValidationSplit(1000, { validationFraction: 0.25, seed: 1 });
    expect(validation.length).toBe(250);
    expect(train.length).toBe(750);
    expect(Uint32Array.from([...train, ...validation]).sort()).toEqual(range(1000));
    expect(Array.from(train)).toEqual(Array.from(train).sort((a, b) => a - b));
  });

  it('is reproducible from its seed', () => {
    expect(trainValidationSplit(500, { seed: 9 })).toEqual(trainValidationSplit(500, { seed: 9 }));
    expect(trainValidationSplit(500, { seed: 9 }).validation).not.toEqual(trainValidationSplit(500, { seed: 10 }).validation);
  });

  it('keeps class proportions when stratified', () => {
    const labels = Int32Array.from({ length: 1000 }, (_, i) => (i % 10 === 0 ? 2 : i % 10 < 4 ? 1 : 0)); // 10% / 30% / 60%
    const { validation } = trainValidationSplit(1000, { validationFraction: 0.2, seed: 4, stratify: labels });
    const per = [0, 1, 2].map((c) => validation.filter((r) => labels[r] === c).length);
    expect(per).toEqual([120, 60, 20]);
  });

  it('rejects a fraction that leaves a side empty, or is outside (0, 1)', () => {
    expect(() => trainValidationSplit(3, { validationFraction: 0.1 })).toThrow(RangeError);
    expect(() => trainValidationSplit(10, { validationFraction: 1 })).toThrow(RangeError);
    expect(() => trainValidationSplit(10, { stratify: new Float32Array(9) })).toThrow(/stratify/);
  });

  it('hands back copies of the rows of each side with splitData', () => {
    const X: DenseMatrix = { data: Float32Array.from({ length: 20 }, (_, i) => i), rows: 10, cols: 2 };
    const y = Float32Array.from({ length: 10 }, (_, i) => i);
    const s = splitData(X, y, { validationFraction: 0.3, seed: 2 });
    expect(s.validation.X).toEqual(selectRows(X, s.validation.rows));
    expect(Array.from(s.validation.y)).toEqual(Array.from(s.validation.rows));
    expect(s.train.X.rows + s.validation.X.rows).toBe(10);
  });
});

describe('selectRows', () => {
  it('copies the listed rows of dense and CSR matrices in order', () => {
    const { X, y } = randomCsr(20, 9, 2);
    const rows = Uint32Array.of(5, 0, 5, 19);
    const picked = selectRows(X, rows);
    expect(rowsOf(picked, selectLabels(y, rows))).toEqual([5, 0, 5, 19].map((r) => rowsOf(X, y)[r]));
  });
});

describe('standardisation', () => {
  const dense: DenseMatrix = { data: Float32Array.of(1, 5, 0, 3, 5, 2, 5, 5, 4, 7, 5, 6), rows: 4, cols: 3 };

  it('centres dense columns to mean 0 and scales them to standard deviation 1', () => {
    const { X, scaler } = standardize(dense);
    expect(Array.from(scaler.mean!)).toEqual([4, 5, 3]);
    for (const j of [0, 2]) {
      const col = [0, 1, 2, 3].map((r) => X.data[r * 3 + j]!);
      expect(col.reduce((a, b) => a + b) / 4).toBeCloseTo(0, 6);
      expect(col.reduce((a, b) => a + b * b, 0) / 4).toBeCloseTo(1, 6);
    }
  });

  it('leaves a constant column at zero instead of dividing by zero', () => {
    const { X, scaler } = standardize(dense);
    expect(scaler.scale[1]).toBe(1);
    expect([0, 1, 2, 3].map((r) => X.data[r * 3 + 1])).toEqual([0, 0, 0, 0]);
  });

  it('only scales CSR columns, by their standard deviation with the zeros counted', () => {
    const csr: CsrMatrix = { indptr: Int32Array.of(0, 2, 3, 3, 4), indices: Int32Array.of(0, 2, 2, 0), values: Float32Array.of(2, 1, 3, 6), cols: 3 };
    // Column 0 holds 2, 0, 0, 6: mean 2, variance (0 + 4 + 4 + 16) / 4 = 6.
    const { X, scaler } = standardize(csr);
    expect(scaler.mean).toBeNull();
    expect(scaler.scale[0]).toBeCloseTo(Math.sqrt(6), 12);
    expect(X.indptr).toEqual(csr.indptr);
    expect(X.indices).toEqual(csr.indices);
    expect(X.values[0]).toBeCloseTo(2 / Math.sqrt(6), 6);
    expect(Array.from(csr.values)).toEqual([2, 1, 3, 6]);
  });

  it('fits on training rows only and applies in place when asked', () => {
    const scaler = fitStandardScaler(dense, Uint32Array.of(0, 1));
    expect(Array.from(scaler.mean!)).toEqual([2, 5, 1]);
    const copy = { ...dense, data: dense.data.slice() };
    expect(applyStandardScaler(copy, scaler, { inPlace: true })).toBe(copy);
    expect(copy.data[0]).toBe(-1);
  });
});
