// Elastic Averaging SGD: the exchange arithmetic, convergence of EASGD and EAMSGD (sync and async)
// against sequential SGD on a seeded least-squares problem, failing workers, abort, and options.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { easgd, runEasgdWorker, type EasgdOptions } from '../lib/index';
import { createInProcessServer } from '../lib/async/in-process/server';
import type { AsyncModel } from '../lib/async/model';
import type { ParameterTransport, Push } from '../lib/async/transport';

const require = createRequire(import.meta.url);
const MODEL = fileURLToPath(new URL('./helpers/least-squares-model.cjs', import.meta.url));
const memory = require('./helpers/memory-transport.cjs') as {
  createMemoryServer(o: { size: number; shards?: number; initial?: Float32Array; delayMs?: number; failAfterPushes?: number; applyLaterMs?: number }): {
    endpoint: { module: string; config: unknown }; params: Float32Array; versions: Int32Array; pushes(): number;
  };
  openTransport(config: unknown): Promise<ParameterTransport>;
};
const { createModel } = require('./helpers/least-squares-model.cjs') as { createModel(data: unknown): Required<AsyncModel> };

const COLS = 10;
const ROWS = 2000;
const NOISE = 0.1;

/** y = X·w* + noise, X standard normal (seeded). Arrays on SharedArrayBuffers so workers share them. */
function makeProblem(seed = 1): { X: Float32Array; y: Float32Array; cols: number; truth: Float32Array } {
  let s = seed >>> 0 || 1;
  const uniform = (): number => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return (s + 0.5) / 4294967296;
  };
  const normal = (): number => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const X = new Float32Array(new SharedArrayBuffer(ROWS * COLS * 4));
  const y = new Float32Array(new SharedArrayBuffer(ROWS * 4));
  const truth = Float32Array.from({ length: COLS }, (_, j) => (j % 2 ? 1 : -1) * (0.5 + j / COLS));
  for (let r = 0; r < ROWS; r++) {
    let m = 0;
    for (let j = 0; j < COLS; j++) {
      X[r * COLS + j] = normal();
      m += X[r * COLS + j]! * truth[j]!;
    }
    y[r] = m + NOISE * normal();
  }
  return { X, y, cols: COLS, truth };
}

/** The least-squares optimum: solves XᵀX w = Xᵀy by Gaussian elimination (10×10). */
function optimum(X: Float32Array, y: Float32Array): Float64Array {
  const A = Array.from({ length: COLS }, () => new Float64Array(COLS + 1));
  for (let r = 0; r < ROWS; r++) {
    for (let i = 0; i < COLS; i++) {
      for (let j = 0; j < COLS; j++) A[i]![j]! += X[r * COLS + i]! * X[r * COLS + j]!;
      A[i]![COLS]! += X[r * COLS + i]! * y[r]!;
    }
  }
  for (let c = 0; c < COLS; c++) {
    for (let r = c + 1; r < COLS; r++) {
      const f = A[r]![c]! / A[c]![c]!;
      for (let k = c; k <= COLS; k++) A[r]![k]! -= f * A[c]![k]!;
    }
  }
  const w = new Float64Array(COLS);
  for (let r = COLS - 1; r >= 0; r--) {
    let acc = A[r]![COLS]!;
    for (let k = r + 1; k < COLS; k++) acc -= A[r]![k]! * w[k]!;
    w[r] = acc / A[r]![r]!;
  }
  return w;
}

const distance = (a: ArrayLike<number>, b: ArrayLike<number>): number =>
  Math.sqrt(Array.from(a).reduce((sum, v, k) => sum + (v - b[k]!) ** 2, 0));

/** Sequential mini-batch SGD with the same model, step size and number of gradient examples. */
function sequentialSgd(data: ReturnType<typeof makeProblem>, lr: number, batchSize: number, steps: number): Float32Array {
  const model = createModel(data);
  const w = new Float32Array(COLS);
  const g = new Float32Array(COLS);
  const batch = new Int32Array(batchSize);
  let s = 12345;
  for (let t = 0; t < steps; t++) {
    for (let k = 0; k < batchSize; k++) {
      s = (s * 1103515245 + 12345) >>> 0;
      batch[k] = s % ROWS;
    }
    g.fill(0);
    model.gradient(w, batch, g);
    for (let j = 0; j < COLS; j++) w[j] = w[j]! - lr * g[j]!;
  }
  return w;
}

const problem = makeProblem();
const best = optimum(problem.X, problem.y);
const bestLoss = createModel(problem).loss(Float32Array.from(best));

function server(size = COLS, extra: { shards?: number; delayMs?: number; failAfterPushes?: number } = {}) {
  return memory.createMemoryServer({ size, ...extra });
}

/** Common options: 3 epochs unless the test gives `steps`. */
const base = (endpoint: EasgdOptions['transport']): EasgdOptions => ({
  model: MODEL, data: problem, transport: endpoint, lr: 0.05, batchSize: 16, seed: 3, evalEvery: 0,
});
const withEpochs = (o: EasgdOptions): EasgdOptions => (o.steps === undefined && o.epochs === undefined ? { ...o, epochs: 3 } : o);

describe('runEasgdWorker (one worker, in this thread)', () => {
  it('pushes d = α(x − x̃) as an elastic push and moves the worker by −d', async () => {
    // A constant gradient g: after τ = 2 steps x = x̃ − 2ηg, so d = −2αηg; the center gets +d.
    const g = 0.5;
    const model: AsyncModel = {
      size: 3, examples: 4,
      gradient(_p, _b, grad) { grad.fill(g); return 0; },
    };
    const srv = server(3);
    srv.params.set([1, 2, 3]);
    const transport = await memory.openTransport(srv.endpoint.config);
    const pushes: Push[] = [];
    const spy: ParameterTransport = { ...transport, push: async (p) => { pushes.push({ ...p, values: p.values.slice() }); await transport.push(p); } };
    const lr = 0.1;
    const alpha = 0.25;
    const result = await runEasgdWorker(spy, model, { worker: 0, workers: 1, lr, alpha, tau: 2, steps: 3, batchSize: 1 });
    expect(result.exchanges).toBe(1);
    expect(pushes).toHaveLength(1);
    expect(pushes[0]!.kind).toBe('elastic');
    expect(pushes[0]!.shard).toBe(0);
    const d = -2 * alpha * lr * g;
    for (const v of pushes[0]!.values) expect(v).toBeCloseTo(d, 6);
    expect(Array.from(srv.params)).toEqual([1, 2, 3].map((c) => expect.closeTo(c + d, 6)));
    // x after the exchange: x̃ − 2ηg − d, then one more local step −ηg.
    expect(Array.from(result.local)).toEqual([1, 2, 3].map((c) => expect.closeTo(c - 2 * lr * g - d - lr * g, 6)));
  });

  it('exchanges every shard of a sharded server', async () => {
    const model: AsyncModel = { size: 5, examples: 2, gradient(_p, _b, grad) { grad.fill(1); return 0; } };
    const srv = server(5, { shards: 2 });
    const transport = await memory.openTransport(srv.endpoint.config);
    const result = await runEasgdWorker(transport, model, { worker: 0, workers: 1, lr: 0.1, alpha: 0.5, tau: 1, steps: 4 });
    expect(result.exchanges).toBe(3);
    expect(Array.from(srv.versions)).toEqual([3, 3]);
    for (const v of srv.params) expect(v).toBeLessThan(0);
  });

  it('takes EAMSGD steps with Nesterov momentum: v ← δv − η∇f(x + δv), x ← x + v', async () => {
    // f(x) = ½x² (gradient = x); no exchange (τ > steps), so the worker is pure Nesterov from x̃ = 1.
    const model: AsyncModel = { size: 1, examples: 1, gradient(p, _b, grad) { grad[0]! += p[0]!; return 0; } };
    const srv = server(1);
    srv.params[0] = 1;
    const transport = await memory.openTransport(srv.endpoint.config);
    const lr = 0.1;
    const delta = 0.9;
    const result = await runEasgdWorker(transport, model, { worker: 0, workers: 1, lr, alpha: 0.5, tau: 100, steps: 5, momentum: delta });
    let x = 1;
    let v = 0;
    for (let t = 0; t < 5; t++) {
      v = delta * v - lr * (x + delta * v);
      x += v;
    }
    expect(result.local[0]).toBeCloseTo(x, 5);
  });

  it('sync mode reads each round\'s center only once every push of the previous round is applied', async () => {
    // The server accepts pushes at once and applies them 5 ms later (like a queueing server); two
    // workers in this thread share a promise barrier. Round e must read version 2(e − 1) exactly.
    const model: AsyncModel = { size: 4, examples: 8, gradient(_p, _b, grad) { grad.fill(0.1); return 0; } };
    const srv = memory.createMemoryServer({ size: 4, applyLaterMs: 5 });
    let waiting: Array<() => void> = [];
    const barrier = {
      wait: () => new Promise<void>((resolve) => {
        waiting.push(resolve);
        if (waiting.length === 2) { const all = waiting; waiting = []; all.forEach((f) => f()); }
      }),
    };
    const seen: number[][] = [[], []];
    await Promise.all([0, 1].map(async (w) => runEasgdWorker(await memory.openTransport(srv.endpoint.config), model, {
      worker: w, workers: 2, mode: 'sync', barrier, tau: 1, steps: 6, alpha: 0.4, begin: 4 * w, end: 4 * w + 4,
      onExchange: (info) => seen[w]!.push(info.version),
    })));
    expect(seen).toEqual([[0, 2, 4, 6, 8], [0, 2, 4, 6, 8]]);
  });

  it('rejects bad options naming the argument', async () => {
    const model: AsyncModel = { size: 1, examples: 1, gradient: () => 0 };
    const transport = await memory.openTransport(server(1).endpoint.config);
    await expect(runEasgdWorker(transport, model, { worker: 2, workers: 2, steps: 1 })).rejects.toThrow(/worker must be/);
    await expect(runEasgdWorker(transport, model, { worker: 0, workers: 1, steps: 1, mode: 'sync' })).rejects.toThrow(/barrier/);
    await expect(runEasgdWorker(transport, model, { worker: 0, workers: 4, alpha: 0.5, steps: 1 })).rejects.toThrow(RangeError);
  });
});

describe('easgd converges on a convex problem (least squares, 2000 × 10, noise 0.1)', () => {
  const seq = sequentialSgd(problem, 0.05, 16, Math.round((3 * ROWS) / 16));
  const seqLoss = createModel(problem).loss(seq);

  it('sequential SGD, the reference, gets within 1e-3 of the optimal loss', () => {
    expect(seqLoss - bestLoss).toBeLessThan(1e-3);
  });

  const cases: Array<[string, Partial<EasgdOptions>]> = [
    ['async EASGD', { mode: 'async', workers: 2, tau: 4 }],
    ['sync EASGD', { mode: 'sync', workers: 2, tau: 4 }],
    ['async EAMSGD', { mode: 'async', workers: 2, tau: 4, momentum: 0.9, lr: 0.01 }],
    ['sync EAMSGD', { mode: 'sync', workers: 2, tau: 4, momentum: 0.9, lr: 0.01 }],
  ];
  for (const [name, extra] of cases) {
    it(`${name}: the center's loss ends within 1e-3 of sequential SGD's (same lr, batch and examples) and the center within 0.05 of the optimum`, async () => {
      const srv = server();
      const r = await easgd(withEpochs({ ...base(srv.endpoint), ...extra }));
      const loss = r.history.at(-1)!.loss;
      expect(Math.abs(loss - seqLoss)).toBeLessThan(1e-3);
      expect(distance(r.center, best)).toBeLessThan(0.05);
      expect(r.history[0]!.loss).toBeGreaterThan(loss * 10);
      expect(r.exchanges).toBe(srv.pushes());
      expect(Array.from(r.center)).toEqual(Array.from(srv.params));
    });
  }

  it('creates its own in-process elastic server by default, starting from params (left unmodified)', async () => {
    const start = Float32Array.from({ length: COLS }, () => 0.25);
    const r = await easgd({ model: MODEL, data: problem, params: start, shards: 2, workers: 2, lr: 0.05, batchSize: 16, epochs: 3, mode: 'sync', tau: 4 });
    expect(Array.from(start)).toEqual(new Array(COLS).fill(0.25));
    expect(r.history[0]!.loss).toBeCloseTo(createModel(problem).loss(start), 5);
    expect(Math.abs(r.history.at(-1)!.loss - seqLoss)).toBeLessThan(1e-3);
    expect(distance(r.center, best)).toBeLessThan(0.05);
  });

  it('sync EASGD converges and counts every push on a server that applies pushes after accepting them (in-process owner threads)', async () => {
    // Owner mode queues a push and applies it on the shard's own thread, so a fetch right after a
    // push may not see it yet: sync rounds must wait for the versions, or workers would read a
    // center missing part of the previous round.
    const srv = createInProcessServer({ size: COLS, shards: 2, rule: 'elastic', mode: 'owner' });
    try {
      const r = await easgd(withEpochs({ ...base(srv.endpoint()), mode: 'sync', workers: 2, tau: 1 }));
      expect(srv.stats().versions).toEqual([2 * (r.steps - 1), 2 * (r.steps - 1)]);
      expect(Math.abs(r.history.at(-1)!.loss - seqLoss)).toBeLessThan(1e-3);
    } finally {
      await srv.close();
    }
  });

  it('sync EASGD: every worker takes part in every round, so the center version is p × rounds', async () => {
    const srv = server(COLS, { shards: 3 });
    const r = await easgd(withEpochs({ ...base(srv.endpoint), mode: 'sync', workers: 3, tau: 5, steps: 41, alpha: 0.3 }));
    const rounds = Math.floor((41 - 1) / 5);
    expect(r.exchanges).toBe(3 * rounds);
    expect(Array.from(srv.versions)).toEqual([3 * rounds, 3 * rounds, 3 * rounds]);
  });

  it('the distance from the center to the optimum falls as training goes on', async () => {
    const srv = server();
    const far = await easgd(withEpochs({ ...base(srv.endpoint), workers: 2, steps: 5 }));
    const srv2 = server();
    const near = await easgd(withEpochs({ ...base(srv2.endpoint), workers: 2, steps: 200 }));
    expect(distance(near.center, best)).toBeLessThan(distance(far.center, best) / 5);
  });

  it('records center loss vs wall time with examples per second and exchanges', async () => {
    const srv = server();
    const seen: number[] = [];
    const r = await easgd(withEpochs({ ...base(srv.endpoint), workers: 2, onProgress: (e) => seen.push(e.seconds) }));
    expect(seen.length).toBe(r.history.length);
    expect(r.history.length).toBeGreaterThanOrEqual(2);
    const last = r.history.at(-1)!;
    expect(last.exchanges).toBe(r.exchanges);
    expect(r.examples).toBe(2 * r.steps * 16);
    expect(r.examplesPerSecond).toBeGreaterThan(0);
    for (let i = 1; i < r.history.length; i++) expect(r.history[i]!.seconds).toBeGreaterThanOrEqual(r.history[i - 1]!.seconds);
  });
});

describe('easgd failures and abort', () => {
  it('rejects naming the worker whose model throws, and does not hang the others (sync mode)', async () => {
    const srv = server();
    const data = { ...problem, throwAfter: 20, throwWorkerRow: ROWS / 2 };
    await expect(easgd(withEpochs({ ...base(srv.endpoint), data, workers: 2, mode: 'sync', tau: 2, steps: 100_000 })))
      .rejects.toThrow(/worker 1: model failed on purpose/);
  });

  it('rejects naming the worker whose push fails (async mode)', async () => {
    const srv = server(COLS, { failAfterPushes: 5 });
    await expect(easgd(withEpochs({ ...base(srv.endpoint), workers: 2, tau: 1, steps: 100_000 }))).rejects.toThrow(/worker \d: memory transport: push/);
  });

  it('stops within a local step of an abort and rejects with the reason', async () => {
    const srv = server(COLS, { delayMs: 2 });
    const controller = new AbortController();
    const reason = new Error('enough');
    const run = easgd(withEpochs({ ...base(srv.endpoint), workers: 2, tau: 1, steps: 1_000_000, signal: controller.signal, evalEvery: 0.05 }));
    setTimeout(() => controller.abort(reason), 300);
    await expect(run).rejects.toBe(reason);
    const pushes = srv.pushes();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(srv.pushes()).toBe(pushes);
  });

  it('rejects an already aborted signal before starting', async () => {
    const srv = server();
    await expect(easgd(withEpochs({ ...base(srv.endpoint), signal: AbortSignal.abort(new Error('no')) }))).rejects.toThrow('no');
    expect(srv.pushes()).toBe(0);
  });
});

describe('easgd options', () => {
  const ok = (): EasgdOptions => base(server().endpoint);
  const bad: Array<[string, Partial<EasgdOptions> | Record<string, unknown>, RegExp, ErrorConstructor]> = [
    ['an unknown option', { learningRate: 0.1 }, /unknown option 'learningRate'/, TypeError],
    ['a missing model module', { model: '/no/such/model.cjs' }, /model .* does not exist/, RangeError],
    ['a non-string model', { model: 3 }, /model must be a module path/, TypeError],
    ['zero workers', { workers: 0 }, /workers must be/, RangeError],
    ['a negative lr', { lr: -1 }, /lr must be/, RangeError],
    ['rho and alpha together', { rho: 1, alpha: 0.1 }, /rho or alpha, not both/, TypeError],
    ['alpha ≥ 1', { workers: 1, alpha: 1 }, /alpha = 1 must be < 1/, RangeError],
    ['β = pα > 1', { workers: 4, alpha: 0.3 }, /beta = workers · alpha .* must be ≤ 1 for stability/, RangeError],
    ['β > 1 through rho', { workers: 2, lr: 0.1, rho: 6 }, /lower rho/, RangeError],
    ['a fractional tau', { tau: 1.5 }, /tau must be/, RangeError],
    ['an unknown mode', { mode: 'eventual' }, /mode must be one of 'sync', 'async'/, RangeError],
    ['momentum ≥ 1', { momentum: 1 }, /momentum must be/, RangeError],
    ['a zero batch size', { batchSize: 0 }, /batchSize must be/, RangeError],
    ['epochs and steps together', { epochs: 1, steps: 10 }, /epochs or steps, not both/, TypeError],
    ['params with a transport', { params: new Float32Array(COLS) }, /params sets the initial center/, TypeError],
    ['shards with a transport', { shards: 2 }, /shards applies to the server easgd creates/, TypeError],
    ['more shards than parameters', { transport: undefined, shards: COLS + 1 }, /shards \(11\) must not exceed model.size \(10\)/, RangeError],
    ['initial params of the wrong length', { transport: undefined, params: new Float32Array(3) }, /params has length 3, expected model.size = 10/, RangeError],
    ['a transport without a module', { transport: { config: {} } }, /transport.module must be/, TypeError],
    ['a non-function onProgress', { onProgress: 'log' }, /onProgress must be a function/, TypeError],
    ['a non-signal signal', { signal: {} }, /signal must be an AbortSignal/, TypeError],
    ['more workers than examples', { workers: 5, data: { X: problem.X.subarray(0, 3 * COLS), y: problem.y.subarray(0, 3), cols: COLS } },
      /workers \(5\) must not exceed model.examples \(3\)/, RangeError],
  ];
  for (const [what, patch, message, kind] of bad) {
    it(`throws a ${kind.name} for ${what}`, async () => {
      const run = easgd({ ...ok(), ...patch } as EasgdOptions);
      await expect(run).rejects.toThrow(kind);
      await expect(run).rejects.toThrow(message);
    });
  }

  it('throws a TypeError for options that are not an object', async () => {
    await expect(easgd(null as unknown as EasgdOptions)).rejects.toThrow(/options must be an object/);
  });
});
