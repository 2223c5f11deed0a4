import { describe, expect, it } from 'vitest';
import { generateRatings, generateSparse, splitRatings } from '../lib/data/generate';

/** Byte-for-byte equality of two typed arrays (fast on large arrays, unlike a deep toEqual). */
const sameBytes = (a: ArrayBufferView, b: ArrayBufferView) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;

describe('generateSparse()', () => {
  it('makes an RCV1-like CSR set: sorted unique in-range columns, ~meanNonzeros a row, unit-norm rows, ±1 labels', async () => {
    const { X, y, truth } = await generateSparse({ rows: 5000, cols: 3000, meanNonzeros: 40, seed: 1, threads: 2 });
    expect(X.indptr).toHaveLength(5001);
    expect(X.cols).toBe(3000);
    expect(truth).toHaveLength(3000);
    // Arrays are allocated once at their exact size: nothing beyond the raw CSR.
    expect(X.indices.buffer.byteLength).toBe(X.indptr[5000]! * 4);
    expect(X.values.buffer.byteLength).toBe(X.indptr[5000]! * 4);
    expect(X.indptr[5000]! / 5000).toBeGreaterThan(40 * 0.85);
    expect(X.indptr[5000]! / 5000).toBeLessThan(40 * 1.15);
    let unsorted = 0, outOfRange = 0, notUnitNorm = 0, notBinary = 0;
    for (let r = 0; r < 5000; r++) {
      let norm = 0;
      for (let p = X.indptr[r]!; p < X.indptr[r + 1]!; p++) {
        const j = X.indices[p]!;
        if (p > X.indptr[r]! && j <= X.indices[p - 1]!) unsorted++;
        if (j < 0 || j >= 3000) outOfRange++;
        norm += X.values[p]! ** 2;
      }
      if (Math.abs(norm - 1) > 1e-4) notUnitNorm++;
      if (Math.abs(y[r]!) !== 1) notBinary++;
    }
    expect({ unsorted, outOfRange, notUnitNorm, notBinary }).toEqual({ unsorted: 0, outOfRange: 0, notUnitNorm: 0, notBinary: 0 });
    const positives = y.filter((v) => v > 0).length / 5000;
    expect(positives).toBeGreaterThan(0.4);
    expect(positives).toBeLessThan(0.6);
  });

  it('draws feature frequencies from a power law: a few features appear in most rows, the typical one in few', async () => {
    const { X } = await generateSparse({ rows: 4000, cols: 5000, meanNonzeros: 50, exponent: 1, seed: 2, threads: 2 });
    const degree = new Array<number>(5000).fill(0);
    for (const j of X.indices) degree[j]!++;
    const sorted = [...degree].sort((a, b) => b - a);
    expect(sorted[0]! / 4000).toBeGreaterThan(0.5);
    expect(median(degree)).toBeLessThan(sorted[0]! / 50);
    // Popular features are spread over the ids, not the lowest ones.
    expect(degree.indexOf(sorted[0]!)).not.toBe(0);
  });

  it('labels rows with the hidden sparse model: sign(x·w* + bias) agrees with y except for the flipped share', async () => {
    const { X, y, truth, bias } = await generateSparse({ rows: 4000, cols: 1000, meanNonzeros: 20, labelNoise: 0.1, truthDensity: 0.3, seed: 3, threads: 2 });
    expect(truth.filter((w) => w !== 0).length / 1000).toBeCloseTo(0.3, 1);
    let agree = 0;
    for (let r = 0; r < 4000; r++) {
      let m = bias;
      for (let p = X.indptr[r]!; p < X.indptr[r + 1]!; p++) m += X.values[p]! * truth[X.indices[p]!]!;
      if ((m > 0 ? 1 : -1) === y[r]) agree++;
    }
    expect(agree / 4000).toBeGreaterThan(0.86);
    expect(agree / 4000).toBeLessThan(0.94);
  });

  it('gives real targets for the regression task', async () => {
    const { y } = await generateSparse({ rows: 500, cols: 300, meanNonzeros: 10, task: 'regression', seed: 4, threads: 1 });
    expect(new Set(y).size).toBeGreaterThan(400);
  });

  it('is deterministic for a seed whatever the thread count, and another seed changes it', async () => {
    const options = { rows: 3000, cols: 800, meanNonzeros: 15, seed: 9 };
    const [one, two, other] = [
      await generateSparse({ ...options, threads: 1 }),
      await generateSparse({ ...options, threads: 2 }),
      await generateSparse({ ...options, seed: 10, threads: 2 }),
    ];
    expect(sameBytes(two.X.indptr, one.X.indptr)).toBe(true);
    expect(sameBytes(two.X.indices, one.X.indices)).toBe(true);
    expect(sameBytes(two.X.values, one.X.values)).toBe(true);
    expect(sameBytes(two.y, one.y)).toBe(true);
    expect(sameBytes(other.X.values.subarray(0, 100), one.X.values.subarray(0, 100))).toBe(false);
  });

  it('throws TypeError or RangeError naming the option', async () => {
    await expect(generateSparse({ rows: -1 })).rejects.toThrow(/rows/);
    await expect(generateSparse({ rows: -1 })).rejects.toThrow(RangeError);
    await expect(generateSparse({ cols: 'many' as unknown as number })).rejects.toThrow(TypeError);
    await expect(generateSparse({ task: 'ranking' as 'regression' })).rejects.toThrow(/task/);
    await expect(generateSparse({ labelNoise: 2 })).rejects.toThrow(/labelNoise/);
    await expect(generateSparse({ rows: 10, signal: {} as AbortSignal })).rejects.toThrow(/signal/);
    await expect(generateSparse({ rows: 100_000, meanNonzeros: 30_000, cols: 40_000 })).rejects.toThrow(/nonzeros/);
  });

  it('rejects meanNonzeros above cols with a RangeError naming both', async () => {
    await expect(generateSparse({ rows: 1, cols: 50, meanNonzeros: 75, exponent: 8 })).rejects.toThrow(RangeError);
    await expect(generateSparse({ rows: 1, cols: 50, meanNonzeros: 75 })).rejects.toThrow(/meanNonzeros must be at most cols \(50\)/);
    // The default mean (75) with fewer cols is no error: rows are capped at cols, as before.
    const capped = await generateSparse({ rows: 3, cols: 50, exponent: 8, lengthSpread: 0, threads: 1 });
    expect(Array.from(capped.X.indptr)).toEqual([0, 50, 100, 150]);
  });

  it('rejects options that are no plain object (a Date, an array, a class instance) with a TypeError instead of generating the default set', async () => {
    for (const bad of [new Date(), [], new Map(), new (class Options {})()])
      await expect(generateSparse(bad as never)).rejects.toThrow(/generateSparse: options must be a plain object/);
    await expect(generateRatings(new Date() as never)).rejects.toThrow(TypeError);
    const r = await generateSparse(Object.assign(Object.create(null) as object, { rows: 3, cols: 4, meanNonzeros: 2 }));
    expect(r.y.length).toBe(3);
  });

  it('fills rows that hold nearly every feature of a steep Zipf law (KB9: the rejection loop once redrew for minutes)', async () => {
    const d = await generateSparse({ rows: 40, cols: 200, meanNonzeros: 200, lengthSpread: 0, exponent: 8, seed: 2, threads: 1 });
    for (let r = 0; r < 40; r++) {
      const row = Array.from(d.X.indices.subarray(d.X.indptr[r]!, d.X.indptr[r + 1]!));
      expect(row).toEqual(Array.from({ length: 200 }, (_, j) => j));
    }
    const partial = await generateSparse({ rows: 50, cols: 300, meanNonzeros: 250, lengthSpread: 0.3, exponent: 6, seed: 4, threads: 2 });
    for (let r = 0; r < 50; r++) {
      const row = partial.X.indices.subarray(partial.X.indptr[r]!, partial.X.indptr[r + 1]!);
      expect(row.every((j, q) => j >= 0 && j < 300 && (q === 0 || j > row[q - 1]!))).toBe(true);
    }
    // Same output for a seed whatever the thread count, also on the direct-draw path.
    const again = await generateSparse({ rows: 50, cols: 300, meanNonzeros: 250, lengthSpread: 0.3, exponent: 6, seed: 4, threads: 1 });
    expect(sameBytes(again.X.indices, partial.X.indices)).toBe(true);
  });

  it('stops on abort also while a steep law makes every row expensive', async () => {
    const controller = new AbortController();
    const running = generateSparse({ rows: 4000, cols: 100_000, meanNonzeros: 20, exponent: 8, seed: 1, threads: 1, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('enough')), 50);
    await expect(running).rejects.toThrow('enough');
  });

  it('stops on abort', async () => {
    const controller = new AbortController();
    const running = generateSparse({ rows: 200_000, cols: 20_000, seed: 1, signal: controller.signal });
    controller.abort(new Error('no more rows'));
    await expect(running).rejects.toThrow('no more rows');
  });
});

describe('generateRatings()', () => {
  it('makes Netflix-like triples: ids in range, power-law item popularity, ratings around the mean', async () => {
    const r = await generateRatings({ users: 3000, items: 500, ratings: 60_000, rank: 4, mean: 3.6, noise: 0.5, seed: 1, threads: 2 });
    expect(r.userCount).toBe(3000);
    expect(r.itemCount).toBe(500);
    expect(r.ratings).toHaveLength(60_000);
    expect(r.users.every((u) => u >= 0 && u < 3000)).toBe(true);
    expect(r.items.every((v) => v >= 0 && v < 500)).toBe(true);
    const mean = r.ratings.reduce((s, v) => s + v, 0) / 60_000;
    expect(mean).toBeCloseTo(3.6, 1);
    const sd = Math.sqrt(r.ratings.reduce((s, v) => s + (v - mean) ** 2, 0) / 60_000);
    expect(sd).toBeGreaterThan(1); // low-rank part (variance 1) plus noise (0.25)
    expect(sd).toBeLessThan(1.3);
    const perItem = new Array<number>(500).fill(0);
    for (const v of r.items) perItem[v]!++;
    expect(Math.max(...perItem)).toBeGreaterThan(10 * median(perItem));
  });

  it('is deterministic for a seed whatever the thread count', async () => {
    const options = { users: 500, items: 100, ratings: 20_000, seed: 5 };
    const a = await generateRatings({ ...options, threads: 1 });
    const b = await generateRatings({ ...options, threads: 2 });
    const c = await generateRatings({ ...options, seed: 6, threads: 2 });
    expect(sameBytes(b.ratings, a.ratings)).toBe(true);
    expect(sameBytes(b.users, a.users)).toBe(true);
    expect(sameBytes(b.items, a.items)).toBe(true);
    expect(sameBytes(c.ratings, a.ratings)).toBe(false);
  });

  it('splits into training and held-out ratings that partition the set', async () => {
    const r = await generateRatings({ users: 100, items: 50, ratings: 1000, seed: 2, threads: 1 });
    const { train, validation } = splitRatings(r, { validationFraction: 0.25, seed: 1 });
    expect(train.ratings.length + validation.ratings.length).toBe(1000);
    expect(validation.ratings.length).toBe(250);
    expect(train.userCount).toBe(100);
    const sum = (a: Float32Array) => a.reduce((s, v) => s + v, 0);
    expect(sum(train.ratings) + sum(validation.ratings)).toBeCloseTo(sum(r.ratings), 1);
  });

  it('throws naming the option', async () => {
    await expect(generateRatings({ users: 0 })).rejects.toThrow(/users/);
    await expect(generateRatings({ ratings: 1.5 })).rejects.toThrow(/ratings/);
    await expect(generateRatings({ noise: -1 })).rejects.toThrow(RangeError);
  });
});
