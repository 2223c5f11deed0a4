/**
 * Async safety (issue #7 item 5, docs/async-safety.md): a job pins the buffers it uses, so that a
 * transfer or detach while it runs cannot pull memory from under the native thread, and it refuses a
 * second job on arrays it writes, until it settles however it settles.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { fit, generateSparse, hogwild, hogwildWorkers } from '../lib/index';
import { ArraysInUseError, guardedJob, heldArrayCount, JobGuard } from '../lib/parallel/job-guard';

const root = resolve(__dirname, '..');

/** A sparse set big enough that a job is still running after a few milliseconds. */
async function sparseSet(rows = 20_000, cols = 2_000, seed = 1) {
  return generateSparse({ rows, cols, seed, threads: 1 });
}

/** Transfers the array's buffer both ways JS can (a MessagePort transfer list and structuredClone). */
function tryToTransfer(a: ArrayBufferView): void {
  const { port1, port2 } = new MessageChannel();
  try {
    port1.postMessage(a, [a.buffer as ArrayBuffer]);
  } catch {
    // Node ≥ 21 throws DataCloneError for a marked buffer: equally safe.
  }
  port1.close();
  port2.close();
  try {
    structuredClone(a, { transfer: [a.buffer as ArrayBuffer] });
  } catch {
    // as above
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterEach(() => {
  // Every job of a test has settled by its end: nothing may stay claimed.
  expect(heldArrayCount()).toBe(0);
});

describe('transferring arrays while a job runs', () => {
  it('leaves fit()\'s params attached, and fit trains them to the end', async () => {
    const { X, y } = await sparseSet();
    const params = new Float32Array(X.cols + 1);
    const running = fit({ objective: 'logistic', X, y, params, epochs: 2, batchSize: 1, evaluateTrain: false });
    await pause(2);
    tryToTransfer(params);
    tryToTransfer(X.values);
    expect(params.length).toBe(X.cols + 1);
    expect(X.values.length).toBeGreaterThan(0);
    const r = await running;
    expect(r.epochs).toBe(2);
    expect(r.params).toBe(params);
    expect(params.some((v) => v !== 0)).toBe(true);
  });

  it('leaves hogwild()\'s params and data attached, and hogwild finishes every epoch', async () => {
    const { X, y } = await sparseSet(20_000, 2_000, 2);
    const params = new Float32Array(X.cols);
    const running = hogwild({ objective: 'hinge', data: { X, y }, params, epochs: 3, threads: 1 });
    await pause(2);
    for (const a of [params, X.indptr, X.indices, X.values, y]) tryToTransfer(a);
    const r = await running;
    expect(r.history).toHaveLength(3);
    expect(params.length).toBe(X.cols);
    expect(X.values.length).toBe(X.indices.length);
  });

  it('keeps the pin after the job settled (Node cannot undo it): a later transfer copies or throws', async () => {
    const { X, y } = await sparseSet(2_000, 100, 3);
    const params = new Float32Array(X.cols + 1);
    await fit({ objective: 'logistic', X, y, params, epochs: 1 });
    tryToTransfer(params);
    expect(params.length).toBe(X.cols + 1);
  });

  it('does not crash when the transferred memory is dropped and collected mid-job (a use-after-free before pinning)', () => {
    // In a child process: before the pin this ended in a segfault (exit 139) every time.
    const script = `
      const { registerTypeScript } = await import(${JSON.stringify(join(root, 'scripts/fuzz.mjs'))});
      const d = registerTypeScript()(${JSON.stringify(join(root, 'lib/index.ts'))});
      const cols = 1 << 20;
      const { X, y } = await d.generateSparse({ rows: 20000, cols, seed: 1, threads: 1 });
      for (const round of [0, 1]) {
        const params = new Float32Array(round === 0 ? cols : cols + 1);
        const job = round === 0
          ? d.hogwild({ objective: 'hinge', data: { X, y }, params, epochs: 1, threads: 1, lr: 0.5, l2: 1e-4 })
          : d.fit({ objective: 'hinge', X, y, params, epochs: 1, batchSize: 500, evaluateTrain: true });
        await new Promise((r) => setTimeout(r, 1));
        structuredClone(params, { transfer: [params.buffer] });
        globalThis.gc();
        await job;
        if (params.length < cols) throw new Error('params was detached');
      }
      console.log('survived');`;
    const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.signal).toBeNull();
    expect(r.stdout.trim()).toBe('survived');
    expect(r.status).toBe(0);
  });

  it('refuses views of a resizable ArrayBuffer with a TypeError, and pins nothing then', async () => {
    const { X, y } = await sparseSet(1_000, 50, 4);
    const growable = new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer)(51 * 4, { maxByteLength: 1024 });
    const params = new Float32Array(growable, 0, 51);
    await expect(fit({ objective: 'logistic', X, y, params, epochs: 1 })).rejects.toThrow(TypeError);
    await expect(fit({ objective: 'logistic', X, y, params, epochs: 1 })).rejects.toThrow(/params is a view of a resizable ArrayBuffer/);
    const labels = new Float32Array(new ArrayBuffer(y.length * 4));
    labels.set(y);
    const fresh = new Float32Array(X.cols + 1);
    const xr = { ...X, values: new Float32Array(new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer)(X.values.byteLength, { maxByteLength: X.values.byteLength * 2 })) };
    xr.values.set(X.values);
    await expect(fit({ objective: 'logistic', X: xr, y: labels, params: fresh, epochs: 1 })).rejects.toThrow(/X\.values is a view of a resizable/);
    // The refused call claimed nothing and marked nothing: these buffers still transfer.
    structuredClone(labels, { transfer: [labels.buffer] });
    expect(labels.length).toBe(0);
  });
});

describe('two jobs on the same arrays', () => {
  it('refuses a second fit() on params a running fit() writes, with a RangeError coded ERR_DESCENT_ARRAYS_IN_USE', async () => {
    const { X, y } = await sparseSet();
    const params = new Float32Array(X.cols + 1);
    const first = fit({ objective: 'logistic', X, y, params, epochs: 2, evaluateTrain: false });
    const second = fit({ objective: 'logistic', X, y, params, epochs: 2, evaluateTrain: false });
    const error = await second.then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(RangeError);
    expect(error).toBeInstanceOf(ArraysInUseError);
    expect((error as ArraysInUseError).code).toBe('ERR_DESCENT_ARRAYS_IN_USE');
    expect((error as ArraysInUseError).heldBy).toEqual({ job: 'fit', argument: 'params' });
    expect((error as Error).message).toMatch(/fit: params shares memory with params of a running fit\(\)/);
    expect((await first).epochs).toBe(2);
    // Settled: the same arrays are free again.
    expect((await fit({ objective: 'logistic', X, y, params, epochs: 1, evaluateTrain: false })).epochs).toBe(1);
  });

  it('lets several jobs read the same training set at once', async () => {
    const { X, y } = await sparseSet(5_000, 500, 5);
    const runs = await Promise.all([
      fit({ objective: 'logistic', X, y, epochs: 2 }),
      fit({ objective: 'hinge', X, y, epochs: 2 }),
      hogwild({ objective: 'hinge', data: { X, y }, epochs: 2, threads: 1 }),
    ]);
    expect(runs.map((r) => ('epochs' in r ? r.epochs : r.history.length))).toEqual([2, 2, 2]);
  });

  it('refuses a job that would write arrays another job reads, and the reverse', async () => {
    const { X, y } = await sparseSet(20_000, 2_000, 6);
    const params = new Float32Array(new SharedArrayBuffer((X.cols + 1) * 4));
    const reading = fit({ objective: 'logistic', X, y, epochs: 2, evaluateTrain: false });
    // A JS objective that would write y (as its params) while the native job reads y.
    const objective = { examples: 1, parameters: y.length, lossAndGrad: () => 0 };
    await expect(fit({ objective, params: y, epochs: 1 })).rejects.toThrow(/params shares memory with y of a running fit/);
    await reading;
    const writing = hogwild({ objective: 'hinge', data: { X, y }, params: params.subarray(0, X.cols), epochs: 2, threads: 1 });
    // Reading the params hogwild writes, as fit's validation data, is refused too.
    await expect(fit({ objective: 'logistic', X, y, epochs: 1, validation: { X: { data: params, rows: 1, cols: X.cols + 1 }, y: new Float32Array([1]) } }))
      .rejects.toThrow(ArraysInUseError);
    await writing;
  });

  it('lets jobs write disjoint parts of one buffer', async () => {
    const { X, y } = await sparseSet(5_000, 500, 7);
    const buffer = new SharedArrayBuffer(2 * X.cols * 4);
    const a = new Float32Array(buffer, 0, X.cols), b = new Float32Array(buffer, X.cols * 4, X.cols);
    const [ra, rb] = await Promise.all([
      hogwild({ objective: 'hinge', data: { X, y }, params: a, epochs: 2, threads: 1 }),
      hogwild({ objective: 'logistic', data: { X, y }, params: b, epochs: 2, threads: 1 }),
    ]);
    expect([ra.history.length, rb.history.length]).toEqual([2, 2]);
  });

  it('refuses hogwild() on params a running hogwild() writes, and frees them when it is aborted', async () => {
    const { X, y } = await sparseSet(20_000, 2_000, 8);
    const weights = new Float32Array(new SharedArrayBuffer((X.cols + 1) * 4)); // fit's layout: cols weights, then the bias
    const params = weights.subarray(0, X.cols); // hogwild's (no bias)
    const controller = new AbortController();
    const first = hogwild({ objective: 'hinge', data: { X, y }, params, epochs: 50, threads: 1, signal: controller.signal });
    await expect(hogwild({ objective: 'hinge', data: { X, y }, params, epochs: 1 })).rejects.toThrow(ArraysInUseError);
    await expect(fit({ objective: 'hinge', X, y, params: weights, epochs: 1 }))
      .rejects.toThrow(/fit: params shares memory with params of a running hogwild\(\)/);
    controller.abort(new Error('stop'));
    await expect(first).rejects.toThrow('stop');
    expect((await hogwild({ objective: 'hinge', data: { X, y }, params, epochs: 1, threads: 1 })).history).toHaveLength(1);
  });

  it('frees the arrays when a job fails (an onEpochEnd that throws)', async () => {
    const { X, y } = await sparseSet(2_000, 100, 9);
    const params = new Float32Array(X.cols + 1);
    await expect(fit({ objective: 'logistic', X, y, params, epochs: 3, onEpochEnd: () => { throw new Error('boom'); } })).rejects.toThrow('boom');
    expect((await fit({ objective: 'logistic', X, y, params, epochs: 1 })).epochs).toBe(1);
  });

  it('refuses a second hogwildWorkers() on the same params, and frees them when the first ends', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'descent-guard-'));
    const model = join(dir, 'model.cjs');
    writeFileSync(model, `exports.createModel = () => ({ examples: 64, maxNonzeros: 1,
      gradient(w, r, indices, values) { indices[0] = 0; values[0] = w[0] - 1; return 1; } });`);
    const params = new Float32Array(new SharedArrayBuffer(4));
    const first = hogwildWorkers({ workers: 1, model, params, epochs: 3 });
    await expect(hogwildWorkers({ workers: 1, model, params, epochs: 1 })).rejects.toThrow(/hogwildWorkers: params shares memory with params of a running hogwildWorkers\(\)/);
    await first;
    expect((await hogwildWorkers({ workers: 1, model, params, epochs: 1 })).history).toHaveLength(1);
  });
});

describe('the guard itself', () => {
  it('rejects a job whose buffer was detached under it (possible where transfer() ignores the pin), naming the array', async () => {
    const values = new Float32Array(8);
    const job = guardedJob('test', async (guard) => {
      guard.claim({ writes: { nested: { values } } });
      Object.defineProperty(values.buffer, 'byteLength', { value: 0 }); // what a detach looks like
      return 1;
    });
    await expect(job).rejects.toMatchObject({ code: 'ERR_DESCENT_ARRAY_DETACHED', message: expect.stringMatching(/nested\.values was detached/) });
  });

  it('skips empty views and non-array values, and releases only once', () => {
    const guard = new JobGuard('test');
    guard.claim({ writes: { empty: new Float32Array(0), n: 3, s: 'x', list: [new Float32Array(2)], nothing: null } });
    expect(heldArrayCount()).toBe(0);
    guard.release();
    guard.release();
    expect(() => guard.claim({ writes: {} })).toThrow(/after release/);
  });

  it('a refused claim registers none of its arrays', () => {
    const shared = new Float32Array(4), other = new Float32Array(4);
    const a = new JobGuard('a'), b = new JobGuard('b');
    a.claim({ reads: { shared } });
    expect(() => b.claim({ writes: { other, shared } })).toThrow(ArraysInUseError);
    expect(heldArrayCount()).toBe(1);
    structuredClone(other, { transfer: [other.buffer] }); // not pinned either
    expect(other.length).toBe(0);
    a.release();
  });
});

