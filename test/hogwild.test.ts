import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CsrMatrix } from '../lib/index';
import { selectLabels, selectRows } from '../lib/data/matrix';
import { splitData } from '../lib/data/split';
import { generateRatings, generateSparse, splitRatings } from '../lib/data/generate';
import { hogwild, type HogwildOptions } from '../lib/parallel/hogwild';
import { hogwildWorkers } from '../lib/parallel/hogwild-workers';
import { rng } from './helpers/random';

const f = Math.fround;

/** A small RCV1-like problem split 80/20, the same for every test that asks for it. */
async function sparseProblem(rows = 6000, cols = 1500, seed = 11) {
  const set = await generateSparse({ rows, cols, meanNonzeros: 30, seed, threads: 2 });
  return splitData(set.X, set.y, { validationFraction: 0.2, seed: 1 });
}

/** Two rows, two features. */
const sparseX = (): CsrMatrix => ({ indptr: Int32Array.of(0, 1, 2), indices: Int32Array.of(0, 1), values: Float32Array.of(1, 1), cols: 2 });

/** Inverse feature degrees 1/d_j of a CSR matrix (0 where d_j = 0). */
function inverseDegrees(X: CsrMatrix): Float32Array {
  const d = new Float32Array(X.cols);
  for (const j of X.indices) d[j]! += 1;
  return d.map((v) => (v ? f(1 / v) : 0));
}

describe('hogwild() on sparse linear models', () => {
  it('with 2 threads reaches the sequential run\'s test loss within 1%', async () => {
    const { train, validation } = await sparseProblem();
    const common: HogwildOptions = { objective: 'logistic', data: train, validation, epochs: 8, lr: 0.5, l2: 1e-3, seed: 4 };
    const sequential = await hogwild({ ...common, mode: 'sequential' });
    const parallel = await hogwild({ ...common, mode: 'hogwild', threads: 2 });
    const seqLoss = sequential.history.at(-1)!.valLoss, hogLoss = parallel.history.at(-1)!.valLoss;
    expect(seqLoss).toBeLessThan(0.6); // it learned something: chance is log 2 = 0.69
    expect(Math.abs(hogLoss - seqLoss) / seqLoss).toBeLessThan(0.01);
    expect(parallel.history).toHaveLength(8);
    expect(parallel.history.every((h) => h.updates === train.y.length)).toBe(true);
  });

  it('runs the paper\'s locked baseline and AdaGrad to the same quality as plain Hogwild!', async () => {
    const { train, validation } = await sparseProblem();
    const common: HogwildOptions = { objective: 'hinge', data: train, validation, epochs: 8, lr: 0.5, l2: 1e-2, threads: 2 };
    const lockFree = await hogwild(common);
    const locked = await hogwild({ ...common, mode: 'locked' });
    const adagrad = await hogwild({ ...common, rule: 'adagrad' });
    const accuracy = (r: typeof lockFree) => r.history.at(-1)!.valMetric;
    expect(accuracy(lockFree)).toBeGreaterThan(0.72); // 5% of the labels are flipped, and the set is small
    expect(Math.abs(accuracy(locked) - accuracy(lockFree))).toBeLessThan(0.02);
    expect(accuracy(adagrad)).toBeGreaterThan(0.72);
    expect(adagrad.accumulators!.some((a) => a > 0)).toBe(true);
    expect(lockFree.accumulators).toBeNull();
  });

  it('is bit-reproducible in sequential mode for a seed, and another seed changes the order', async () => {
    const { train } = await sparseProblem(2000, 800);
    const run = (seed: number) => hogwild({ objective: 'squared', data: train, mode: 'sequential', epochs: 3, lr: 0.05, l2: 1e-2, seed });
    const [a, b, c] = [await run(7), await run(7), await run(8)];
    expect(Array.from(a.params)).toEqual(Array.from(b.params));
    expect(a.history.map((h) => h.loss)).toEqual(b.history.map((h) => h.loss));
    expect(Array.from(a.params)).not.toEqual(Array.from(c.params));
  });

  it('gives the same model on one thread from the plain-memory loop as from the relaxed-atomic one', async () => {
    // 'sequential' and 1-thread 'hogwild' run the plain-memory instantiation of the loop; 'locked'
    // keeps the atomic one even on one thread. Same operations in the same order: the same floats.
    // With l2 0 the plain loop skips the degrees (μ·(1/d_j) is μ then): still the same floats.
    const { train } = await sparseProblem(2000, 800);
    for (const [rule, l2] of [['sgd', 1e-2], ['adagrad', 1e-2], ['sgd', 0], ['adagrad', 0]] as const) {
      const common: HogwildOptions = { objective: 'logistic', data: train, bias: true, rule, epochs: 3, lr: 0.3, l2, seed: 5, evaluate: false };
      const atomic = await hogwild({ ...common, mode: 'locked', threads: 1 });
      const plain = await hogwild({ ...common, mode: 'sequential' });
      const plainHogwild = await hogwild({ ...common, mode: 'hogwild', threads: 1 });
      expect(atomic.params.some((w) => Math.abs(w) > 0.05)).toBe(true); // it trained
      expect(Array.from(plain.params)).toEqual(Array.from(atomic.params));
      expect(Array.from(plainHogwild.params)).toEqual(Array.from(atomic.params));
      if (rule === 'adagrad') expect(Array.from(plain.accumulators!)).toEqual(Array.from(atomic.accumulators!));
    }
  });

  it('runs the epochs in one native job without onEpoch, with the same result as one job per epoch', async () => {
    const { train, validation } = await sparseProblem(2000, 800);
    const common: HogwildOptions = { objective: 'hinge', data: train, validation, mode: 'sequential', epochs: 4, lr: 0.2, decay: 0.8, l2: 1e-2, seed: 3 };
    const oneJob = await hogwild(common);
    const seen: number[] = [];
    const perEpoch = await hogwild({ ...common, onEpoch: (h) => { seen.push(h.epoch); } });
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(Array.from(oneJob.params)).toEqual(Array.from(perEpoch.params));
    const strip = (r: typeof oneJob) => r.history.map(({ seconds, cpuSeconds, updatesPerSecond, ...rest }) => rest);
    expect(strip(oneJob)).toEqual(strip(perEpoch));
    expect(oneJob.history.map((h) => h.lr)).toEqual([0.2, 0.2 * 0.8, 0.2 * 0.8 ** 2, 0.2 * 0.8 ** 3]);
  });

  it('gives the sequential result bit for bit when its two threads touch disjoint features', async () => {
    // Rows of the first half use only the first half of the features, and so on: without shuffling,
    // thread 0 takes the first half of the rows and thread 1 the second, so nothing they write
    // overlaps, and the lock-free path (which skips stores that would change nothing) must agree
    // with the one-thread path exactly, for SGD and for AdaGrad.
    const half = await generateSparse({ rows: 1000, cols: 300, meanNonzeros: 12, task: 'regression', seed: 8, threads: 1 });
    const nnz = half.X.indices.length;
    const X: CsrMatrix = {
      indptr: Int32Array.from({ length: 2001 }, (_, i) => (i <= 1000 ? half.X.indptr[i]! : nnz + half.X.indptr[i - 1000]!)),
      indices: Int32Array.from({ length: 2 * nnz }, (_, p) => (p < nnz ? half.X.indices[p]! : 300 + half.X.indices[p - nnz]!)),
      values: Float32Array.from({ length: 2 * nnz }, (_, p) => half.X.values[p % nnz]!),
      cols: 600,
    };
    const y = Float32Array.from({ length: 2000 }, (_, r) => half.y[r % 1000]! * (r < 1000 ? 1 : -1));
    for (const rule of ['sgd', 'adagrad'] as const) {
      const common: HogwildOptions = { objective: 'squared', data: { X, y }, shuffle: false, epochs: 3, lr: 0.1, l2: 0.01, rule };
      const one = await hogwild({ ...common, mode: 'sequential' });
      const two = await hogwild({ ...common, mode: 'hogwild', threads: 2 });
      expect(Array.from(two.params), rule).toEqual(Array.from(one.params));
    }
  });

  it('applies the degree-scaled update x_j <- x_j(1 - lr*mu/d_j) - lr*dl/dm*v_j and decays lr by beta per epoch', async () => {
    const { train } = await sparseProblem(300, 120);
    const { X, y } = train;
    const lr = 0.3, mu = 0.05, decay = 0.5;
    const got = await hogwild({ objective: 'hinge', data: train, mode: 'sequential', shuffle: false, epochs: 2, lr, l2: mu, decay });
    const inv = inverseDegrees(X);
    const w = new Float32Array(X.cols);
    for (let epoch = 0; epoch < 2; epoch++) {
      const step = f(lr * decay ** epoch);
      for (let r = 0; r < y.length; r++) {
        let m = 0;
        for (let p = X.indptr[r]!; p < X.indptr[r + 1]!; p++) m += X.values[p]! * w[X.indices[p]!]!;
        const t = y[r]! > 0 ? 1 : -1;
        const d = 1 - t * m > 0 ? -t : 0;
        for (let p = X.indptr[r]!; p < X.indptr[r + 1]!; p++) {
          const j = X.indices[p]!;
          const g = f(f(d * X.values[p]!) + f(f(f(mu) * inv[j]!) * w[j]!));
          w[j] = f(w[j]! - f(step * g));
        }
      }
    }
    expect(got.history.map((h) => h.lr)).toEqual([lr, lr * decay]);
    for (let j = 0; j < w.length; j++) expect(got.params[j]).toBeCloseTo(w[j]!, 5);
    expect(w.some((v) => v !== 0)).toBe(true);
  });

  it('learns a bias when asked (the one coordinate every example touches)', async () => {
    const set = await generateSparse({ rows: 3000, cols: 400, meanNonzeros: 10, task: 'regression', seed: 2, threads: 2 });
    const y = set.y.map((v) => v + 3); // an offset only the bias can fit
    const without = await hogwild({ objective: 'squared', data: { X: set.X, y }, epochs: 10, lr: 0.2, threads: 2 });
    const withBias = await hogwild({ objective: 'squared', data: { X: set.X, y }, epochs: 10, lr: 0.2, threads: 2, bias: true });
    expect(withBias.params).toHaveLength(401);
    expect(withBias.params[400]).toBeGreaterThan(2);
    expect(withBias.history.at(-1)!.loss).toBeLessThan(without.history.at(-1)!.loss / 2);
  });

  it('lets JS read params on a SharedArrayBuffer while the native threads train', async () => {
    const { train } = await sparseProblem(20000, 3000, 5);
    const params = new Float32Array(new SharedArrayBuffer(3000 * 4));
    const seen = new Set<number>();
    const timer = setInterval(() => {
      let sum = 0;
      for (let j = 0; j < params.length; j++) sum += params[j]!;
      seen.add(sum);
    }, 1);
    let snapshotsWhileRunning = 0;
    try {
      await hogwild({
        objective: 'logistic', data: train, params, epochs: 6, threads: 2,
        onEpoch: () => { snapshotsWhileRunning = seen.size; },
      });
    } finally {
      clearInterval(timer);
    }
    expect(snapshotsWhileRunning).toBeGreaterThan(2);
    expect(params.some((v) => v !== 0)).toBe(true);
  });

  it('rejects at once with the reason of an already aborted signal and leaves params untouched', async () => {
    const { train } = await sparseProblem(2000, 1000);
    const params = new Float32Array(1000);
    await expect(hogwild({ objective: 'logistic', data: train, params, signal: AbortSignal.abort(new Error('too late')) }))
      .rejects.toThrow('too late');
    expect(params.every((v) => v === 0)).toBe(true);
  });

  it('stops mid-epoch at a chunk boundary when aborted, and runs no further epoch', async () => {
    // Row r holds feature r alone, so params[r] != 0 exactly when example r was processed, and in
    // sequential order without shuffling the processed rows are a prefix 0..done-1.
    const rows = 2_000_000, chunk = 100;
    const X: CsrMatrix = {
      indptr: Int32Array.from({ length: rows + 1 }, (_, i) => i), indices: Int32Array.from({ length: rows }, (_, i) => i),
      values: new Float32Array(rows).fill(1), cols: rows,
    };
    const params = new Float32Array(new SharedArrayBuffer(rows * 4));
    const controller = new AbortController();
    const poll = setInterval(() => { if (params[0] !== 0) controller.abort(new Error('stop now')); }, 0);
    const running = hogwild({
      objective: 'logistic', data: { X, y: new Float32Array(rows).fill(1) }, params, mode: 'sequential', shuffle: false,
      chunk, epochs: 3, evaluate: false, signal: controller.signal, // no onEpoch: the 3 epochs are one native job
    });
    await expect(running).rejects.toThrow('stop now');
    clearInterval(poll);
    const done = params.findIndex((v) => v === 0);
    expect(done).toBeGreaterThan(0);
    expect(done % chunk).toBe(0);
    expect(params.subarray(done).every((v) => v === 0)).toBe(true);

    const later = new AbortController();
    let epochsSeen = 0;
    const stopped = hogwild({
      objective: 'logistic', data: { X: sparseX(), y: Float32Array.of(1, -1) }, epochs: 50, threads: 2, signal: later.signal,
      onEpoch: () => { if (++epochsSeen === 2) later.abort(new Error('enough')); },
    });
    await expect(stopped).rejects.toThrow('enough');
    expect(epochsSeen).toBe(2);
  });
});

describe('hogwild() on matrix factorisation', () => {
  it('brings the held-out RMSE below 0.45 on ratings with noise 0.3 (predicting the mean gives about 1.04)', async () => {
    const all = await generateRatings({ users: 1500, items: 400, ratings: 150_000, rank: 3, noise: 0.3, mean: 0, seed: 3, threads: 2 });
    const { train, validation } = splitRatings(all, { validationFraction: 0.1, seed: 2 });
    const r = await hogwild({
      objective: 'mf', data: train, validation, rank: 5, epochs: 20, lr: 0.02, decay: 0.95, l2: 0.05, threads: 2, seed: 1,
    });
    const first = r.history[0]!, last = r.history.at(-1)!;
    expect(r.params).toHaveLength((1500 + 400) * 5);
    expect(last.valMetric).toBeLessThan(0.45);
    expect(last.metric).toBeLessThan(first.metric);
    expect(last.updates).toBe(train.ratings.length);
  });

  it('applies the Netflix update to both factor rows from the values read before it', async () => {
    const data = {
      users: Int32Array.of(0, 1, 0, 2), items: Int32Array.of(1, 0, 0, 1), ratings: Float32Array.of(1, -2, 0.5, 3),
      userCount: 3, itemCount: 2,
    };
    const k = 2, lr = 0.1, l2 = 0.2;
    const start = Float32Array.from({ length: 5 * k }, (_, i) => f(0.1 * (i + 1) * (i % 2 ? -1 : 1)));
    const got = await hogwild({ objective: 'mf', data, rank: k, params: start.slice(), mode: 'sequential', shuffle: false, epochs: 1, lr, l2 });
    const w = start.slice();
    const deg = [2, 1, 1, 2, 2]; // users 0..2, then items 0..1
    for (let i = 0; i < 4; i++) {
      const L = data.users[i]! * k, R = (3 + data.items[i]!) * k;
      const l = w.slice(L, L + k), rv = w.slice(R, R + k);
      const e = f(l[0]! * rv[0]! + l[1]! * rv[1]! - data.ratings[i]!);
      for (let c = 0; c < k; c++) {
        const regL = f(f(l2) * f(1 / deg[data.users[i]!]!)), regR = f(f(l2) * f(1 / deg[3 + data.items[i]!]!));
        w[L + c] = f(w[L + c]! - f(f(lr) * f(f(e * rv[c]!) + f(regL * w[L + c]!))));
        w[R + c] = f(w[R + c]! - f(f(lr) * f(f(e * l[c]!) + f(regR * w[R + c]!))));
      }
    }
    for (let i = 0; i < w.length; i++) expect(got.params[i]).toBeCloseTo(w[i]!, 6);
  });
});

describe('hogwild() no-sharing ceiling and contention options', () => {
  it("averages in 'private' mode what each thread learns alone from its half of the examples", async () => {
    const { train } = await sparseProblem(2000, 600);
    const n = train.y.length, mid = n >> 1;
    const half = (from: number, to: number) => Uint32Array.from({ length: to - from }, (_, i) => from + i);
    const common: HogwildOptions = { objective: 'logistic', shuffle: false, epochs: 1, lr: 0.3, data: train };
    const alone = async (rows: Uint32Array) =>
      (await hogwild({ ...common, data: { X: selectRows(train.X, rows), y: selectLabels(train.y, rows) }, mode: 'sequential' })).params;
    const [a, b] = [await alone(half(0, mid)), await alone(half(mid, n))];
    const both = await hogwild({ ...common, mode: 'private', threads: 2 });
    expect(Array.from(both.params)).toEqual(Array.from(a, (v, j) => f((v + b[j]!) * 0.5)));
    expect(both.history[0]!.updates).toBe(n);
  });

  it("trains matrix factorisation in 'private' mode too", async () => {
    const all = await generateRatings({ users: 300, items: 100, ratings: 20_000, rank: 2, noise: 0.1, mean: 0, seed: 5, threads: 2 });
    const r = await hogwild({ objective: 'mf', data: all, rank: 2, epochs: 6, lr: 0.05, l2: 0.01, mode: 'private', threads: 2, seed: 1 });
    expect(r.history.at(-1)!.metric).toBeLessThan(r.history[0]!.metric);
  });

  it('with every feature buffered per thread, 2 threads reach the sequential run\'s test loss within 1%', async () => {
    const { train, validation } = await sparseProblem();
    const common: HogwildOptions = { objective: 'logistic', data: train, validation, epochs: 8, lr: 0.5, l2: 1e-3, seed: 4 };
    const sequential = await hogwild({ ...common, mode: 'sequential' });
    const buffered = await hogwild({ ...common, threads: 2, hotFeatures: train.X.cols, flushEvery: 256 });
    const seqLoss = sequential.history.at(-1)!.valLoss, bufLoss = buffered.history.at(-1)!.valLoss;
    expect(Math.abs(bufLoss - seqLoss) / seqLoss).toBeLessThan(0.01);
  });

  it('adds each thread\'s change of a buffered weight since its last flush to the shared weight', async () => {
    // Squared loss, y = 1, lr 0.1, from 0. Thread 0 takes rows 0-1, thread 1 rows 2-3; feature 0 is in
    // every row, feature 1 in row 0 only. With no flush inside the epoch each thread moves its copy of
    // w_0 from 0 to 0.19 (0.1, then 0.1 + 0.1·0.9), and the merges add both changes: 0.38, where
    // one thread alone would have reached 1 − 0.9⁴ = 0.3439. w_1 is written by thread 0 alone: 0.1.
    const X: CsrMatrix = { indptr: Int32Array.of(0, 2, 3, 4, 5), indices: Int32Array.of(0, 1, 0, 0, 0), values: new Float32Array(5).fill(1), cols: 2 };
    const y = new Float32Array(4).fill(1);
    for (const hotFeatures of [1, 2]) { // feature 0 alone (a table of hot features), or every feature (a whole copy)
      const r = await hogwild({ objective: 'squared', data: { X, y }, shuffle: false, epochs: 1, lr: 0.1, threads: 2, hotFeatures, flushEvery: 1000 });
      expect(r.params[0], `hotFeatures ${hotFeatures}`).toBeCloseTo(0.38, 6);
      expect(r.params[1], `hotFeatures ${hotFeatures}`).toBeCloseTo(0.1, 6);
    }
    const sequential = await hogwild({ objective: 'squared', data: { X, y }, shuffle: false, epochs: 1, lr: 0.1, mode: 'sequential' });
    expect(sequential.params[0]).toBeCloseTo(0.3439, 6);
  });

  it('with lazyL2 applies the degree-scaled shrink that one float32 update per row rounds away', async () => {
    // Every row holds feature 0 alone and is outside the hinge margin (w_0 = 2, y = 1), so each row
    // only shrinks w_0 by the factor 1 − lr·mu/d = 1 − 2.5e-8: below float32's half-ulp at 2, so the
    // eager update leaves w_0 at 2 for ever; the lazy factor (double) compounds to (1 − 2.5e-8)^d.
    const rows = 20_000, lr = 0.5, mu = 1e-3;
    const X: CsrMatrix = { indptr: Int32Array.from({ length: rows + 1 }, (_, i) => i), indices: new Int32Array(rows), values: new Float32Array(rows).fill(1), cols: 1 };
    const data = { X, y: new Float32Array(rows).fill(1) };
    const common: HogwildOptions = { objective: 'hinge', data, shuffle: false, epochs: 1, lr, l2: mu, decay: 0.9 };
    const eager = await hogwild({ ...common, params: Float32Array.of(2), mode: 'sequential' });
    const lazy = await hogwild({ ...common, params: Float32Array.of(2), threads: 1, lazyL2: true });
    expect(eager.params[0]).toBe(2);
    expect(lazy.params[0]).toBeCloseTo(2 * (1 - (lr * mu) / rows) ** rows, 6);
  });

  it('with lazyL2 on 2 threads reaches the sequential run\'s test loss within 1%', async () => {
    const { train, validation } = await sparseProblem();
    const common: HogwildOptions = { objective: 'hinge', data: train, validation, epochs: 8, lr: 0.5, l2: 1e-2, seed: 4 };
    const sequential = await hogwild({ ...common, mode: 'sequential' });
    const lazy = await hogwild({ ...common, threads: 2, lazyL2: true, hotFeatures: 64 });
    const seqLoss = sequential.history.at(-1)!.valLoss, lazyLoss = lazy.history.at(-1)!.valLoss;
    expect(Math.abs(lazyLoss - seqLoss) / seqLoss).toBeLessThan(0.01);
  });

  it('traces every chunk of every thread with its wall and CPU time when asked, and nothing otherwise', async () => {
    const { train } = await sparseProblem(2000, 600);
    const common: HogwildOptions = { objective: 'logistic', data: train, epochs: 2, threads: 2, chunk: 100, evaluate: false };
    const traced = await hogwild({ ...common, trace: true });
    for (const h of traced.history) {
      const chunks = h.chunks!;
      expect(chunks.reduce((s, c) => s + c.examples, 0)).toBe(h.updates);
      expect(new Set(chunks.map((c) => c.thread))).toEqual(new Set([0, 1]));
      expect(chunks.length).toBe(2 * Math.ceil(train.y.length / 2 / 100));
      expect(chunks.every((c) => c.start >= 0 && c.end >= c.start && c.end <= h.seconds + 1e-6 && !(c.cpu < 0))).toBe(true);
    }
    expect((await hogwild(common)).history[0]!.chunks).toBeNull();
  });

  it('rejects contention options outside the sparse linear SGD loops, and bad values, naming them', async () => {
    const X: CsrMatrix = sparseX();
    const data = { X, y: Float32Array.of(1, -1) };
    await expect(hogwild({ objective: 'logistic', data, lazyL2: true, rule: 'adagrad' })).rejects.toThrow(RangeError);
    await expect(hogwild({ objective: 'logistic', data, hotFeatures: 4, rule: 'adagrad' })).rejects.toThrow(/hotFeatures/);
    const ratings = { users: Int32Array.of(0), items: Int32Array.of(0), ratings: new Float32Array(1), userCount: 1, itemCount: 1 };
    await expect(hogwild({ objective: 'mf', data: ratings, lazyL2: true })).rejects.toThrow(/lazyL2/);
    await expect(hogwild({ objective: 'logistic', data, hotFeatures: -1 })).rejects.toThrow(/hotFeatures/);
    await expect(hogwild({ objective: 'logistic', data, flushEvery: 0 })).rejects.toThrow(/flushEvery/);
    await expect(hogwild({ objective: 'logistic', data, lazyL2: 1 as unknown as boolean })).rejects.toThrow(TypeError);
    await expect(hogwild({ objective: 'logistic', data, trace: 'yes' as unknown as boolean })).rejects.toThrow(/trace/);
  });
});

describe('hogwild() input checks', () => {
  const X: CsrMatrix = { indptr: Int32Array.of(0, 1, 2), indices: Int32Array.of(0, 1), values: Float32Array.of(1, 1), cols: 2 };
  const y = Float32Array.of(1, -1);

  it('throws TypeError or RangeError naming the argument', async () => {
    const ok: HogwildOptions = { objective: 'logistic', data: { X, y }, epochs: 1 };
    const cases: Array<[Partial<HogwildOptions> | Record<string, unknown>, ErrorConstructor, RegExp]> = [
      [{ objective: 'softmax' }, RangeError, /objective/],
      [{ data: { X: { data: new Float32Array(4), rows: 2, cols: 2 }, y } }, TypeError, /data\.X/],
      [{ data: { X, y: Int32Array.of(1, 0) } }, TypeError, /data\.y/],
      [{ data: { X, y: Float32Array.of(1, 2) } }, RangeError, /data\.y\[1\]/],
      [{ params: new Float32Array(5) }, RangeError, /params/],
      [{ params: [0, 0] }, TypeError, /params/],
      [{ threads: 0 }, RangeError, /threads/],
      [{ mode: 'sequential', threads: 2 }, RangeError, /threads/],
      [{ mode: 'wild' }, RangeError, /mode/],
      [{ rule: 'adam' }, RangeError, /rule/],
      [{ lr: -1 }, RangeError, /lr/],
      [{ decay: 1.5 }, RangeError, /decay/],
      [{ l2: Number.NaN }, RangeError, /l2/],
      [{ epochs: 1.5 }, RangeError, /epochs/],
      [{ signal: 'stop' }, TypeError, /signal/],
      [{ onEpoch: 3 }, TypeError, /onEpoch/],
      [{ validation: { X: { ...X, cols: 3 }, y } }, RangeError, /validation\.X/],
    ];
    for (const [change, type, name] of cases) {
      const attempt = hogwild({ ...ok, ...change } as HogwildOptions);
      await expect(attempt, JSON.stringify(Object.keys(change))).rejects.toThrow(type);
      await expect(hogwild({ ...ok, ...change } as HogwildOptions)).rejects.toThrow(name);
    }
    await expect(hogwild({ objective: 'mf', data: { users: Int32Array.of(0), items: Int32Array.of(0), ratings: new Float32Array(2), userCount: 1, itemCount: 1 } }))
      .rejects.toThrow(/same length/);
  });

  it('rejects with a RangeError naming an out-of-range index instead of writing out of bounds', async () => {
    const bad: CsrMatrix = { ...X, indices: Int32Array.of(0, 7) };
    await expect(hogwild({ objective: 'logistic', data: { X: bad, y }, epochs: 1 })).rejects.toThrow(/data\.X\.indices\[1\] = 7/);
    const ratings = { users: Int32Array.of(0, 5), items: Int32Array.of(0, 0), ratings: new Float32Array(2), userCount: 2, itemCount: 1 };
    await expect(hogwild({ objective: 'mf', data: ratings, epochs: 1, rank: 2 })).rejects.toThrow(RangeError);
    await expect(hogwild({ objective: 'mf', data: ratings, epochs: 1, rank: 2 })).rejects.toThrow(/data\.users\[1\] = 5/);
  });

  it('names the first bad index in row order before any update, with or without L2, and leaves params as they were', async () => {
    // Rows 1 and 3 hold bad indices; a shuffled pass could meet row 3 first, and with no L2 the
    // degrees are not counted: the check before the first update still names row 1's.
    const bad: CsrMatrix = {
      indptr: Int32Array.of(0, 2, 4, 6, 8), indices: Int32Array.of(0, 1, 1, 9, 0, 1, 8, 0), values: new Float32Array(8).fill(1), cols: 2,
    };
    const labels = Float32Array.of(1, -1, 1, -1);
    for (const l2 of [0, 1e-3]) {
      for (const seed of [0, 1, 2, 3]) {
        const params = Float32Array.of(0.5, -0.5);
        await expect(hogwild({ objective: 'logistic', data: { X: bad, y: labels }, params, l2, seed, epochs: 2, mode: 'sequential' }))
          .rejects.toThrow(/data\.X\.indices\[3\] = 9 is outside \[0, 2\)/);
        expect(Array.from(params)).toEqual([0.5, -0.5]);
      }
    }
    const tail: CsrMatrix = { ...X, indptr: Int32Array.of(0, 2, 2), indices: Int32Array.of(0, 5) };
    await expect(hogwild({ objective: 'hinge', data: { X: tail, y }, epochs: 1 })).rejects.toThrow(/data\.X\.indices\[1\] = 5/);
  });
});

describe('hogwildWorkers()', () => {
  /** Least squares on dense rows, written as a worker model module. */
  const MODEL = `
exports.createModel = ({ X, y, cols }) => ({
  examples: y.length,
  maxNonzeros: cols,
  gradient(w, r, indices, values) {
    let m = 0;
    for (let j = 0; j < cols; j++) m += X[r * cols + j] * w[j];
    for (let j = 0; j < cols; j++) { indices[j] = j; values[j] = (m - y[r]) * X[r * cols + j]; }
    return cols;
  },
  loss(w) {
    let s = 0;
    for (let r = 0; r < y.length; r++) {
      let m = 0;
      for (let j = 0; j < cols; j++) m += X[r * cols + j] * w[j];
      s += 0.5 * (m - y[r]) ** 2;
    }
    return s / y.length;
  },
});`;

  function modelFile(): string {
    const dir = mkdtempSync(join(tmpdir(), 'descent-hogwild-'));
    const file = join(dir, 'model.cjs');
    writeFileSync(file, MODEL);
    return file;
  }

  function problem(rows: number, cols: number) {
    const next = rng(rows);
    const shared = (n: number) => new Float32Array(new SharedArrayBuffer(n * 4));
    const X = shared(rows * cols), y = shared(rows);
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let j = 0; j < cols; j++) {
        X[r * cols + j] = next() * 2 - 1;
        s += X[r * cols + j]! * (j + 1);
      }
      y[r] = s;
    }
    return { X, y, cols };
  }

  it('trains a JS-defined model on 2 worker threads sharing the parameters', async () => {
    const data = problem(2000, 5);
    const params = new Float32Array(new SharedArrayBuffer(5 * 4));
    const r = await hogwildWorkers({ workers: 2, model: modelFile(), data, params, epochs: 6, lr: 0.05 });
    expect(r.params).toBe(params);
    expect(r.history).toHaveLength(6);
    // Starting from zero weights (mean squared error ~ 9 on this data), one epoch already reaches
    // float32 noise (~1e-12), so later epochs may wobble at that level: check the level, not the order.
    expect(Math.max(...r.history.map((h) => h.loss))).toBeLessThan(1e-4);
    expect(r.history.every((h) => h.updates === 2000)).toBe(true);
    for (let j = 0; j < 5; j++) expect(params[j]).toBeCloseTo(j + 1, 2);
  });

  it('checks its arguments and stops on abort', async () => {
    const model = modelFile();
    const data = problem(200, 3);
    await expect(hogwildWorkers({ model, data, params: new Float32Array(3) })).rejects.toThrow(/SharedArrayBuffer/);
    await expect(hogwildWorkers({ model: join(tmpdir(), 'no-such-model.cjs'), data, params: new Float32Array(new SharedArrayBuffer(12)) }))
      .rejects.toThrow(RangeError);
    await expect(hogwildWorkers({ model, data, params: new Float32Array(new SharedArrayBuffer(12)), workers: 0 })).rejects.toThrow(/workers/);
    const controller = new AbortController();
    let epochs = 0;
    const running = hogwildWorkers({
      workers: 2, model, data, params: new Float32Array(new SharedArrayBuffer(12)), epochs: 100, lr: 0.01, signal: controller.signal,
      onEpoch: () => { if (++epochs === 1) controller.abort(new Error('halt')); },
    });
    await expect(running).rejects.toThrow('halt');
    expect(epochs).toBe(1);
  });
});
