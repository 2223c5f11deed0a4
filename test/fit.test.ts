import { describe, expect, it } from 'vitest';
import {
  Adam, EarlyStopping, GradientNoise, SGD, StepLR, fit, lossAndGrad, type DenseMatrix, type JsObjective,
} from '../lib/index';
import { rng } from './helpers/random';

/** y = X·w* + b* exactly, so every variant can reach (w*, b*) exactly: a convex problem with a known optimum. */
function linearData(rows: number, cols: number, seed = 1): { X: DenseMatrix; y: Float32Array; truth: Float32Array } {
  const next = rng(seed);
  const X = { data: Float32Array.from({ length: rows * cols }, () => next() * 2 - 1), rows, cols };
  const truth = Float32Array.from({ length: cols + 1 }, (_, j) => (j % 2 ? 1 : -1) * (0.5 + j * 0.25));
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = truth[cols]!;
    for (let c = 0; c < cols; c++) s += X.data[r * cols + c]! * truth[c]!;
    y[r] = s;
  }
  return { X, y, truth };
}

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

describe('fit()', () => {
  it('batch, stochastic and mini-batch gradient descent reach the same optimum of a convex problem', async () => {
    const { X, y, truth } = linearData(300, 6);
    const runs = [
      { variant: 'batch' as const, epochs: 1500, lr: 0.3 },
      { variant: 'stochastic' as const, epochs: 40, lr: 0.02 },
      { variant: 'minibatch' as const, epochs: 300, lr: 0.1 },
    ];
    for (const run of runs) {
      const r = await fit({ objective: 'squared', X, y, variant: run.variant, epochs: run.epochs, optimizer: (p) => new SGD(p, { lr: run.lr }) });
      expect(maxDiff(r.params, truth), run.variant).toBeLessThan(1e-3);
      const expectedSteps = run.variant === 'batch' ? 1 : run.variant === 'stochastic' ? 300 : Math.ceil(300 / 32);
      expect(r.history.steps[0], run.variant).toBe(expectedSteps);
    }
  });

  it('shuffles reproducibly: the same seed gives the same weights, another seed different ones', async () => {
    const { X, y } = linearData(200, 4, 3);
    const run = (seed: number) => fit({ objective: 'squared', X, y, variant: 'stochastic', epochs: 2, seed, optimizer: (p) => new SGD(p, { lr: 0.05 }) });
    const [a, b, c] = await Promise.all([run(7), run(7), run(8)]);
    expect(Array.from(a.params)).toEqual(Array.from(b.params));
    expect(Array.from(a.params)).not.toEqual(Array.from(c.params));
    const unshuffled = await fit({ objective: 'squared', X, y, variant: 'stochastic', epochs: 2, shuffle: false, optimizer: (p) => new SGD(p, { lr: 0.05 }) });
    expect(Array.from(unshuffled.params)).not.toEqual(Array.from(a.params));
  });

  it('runs the native epoch bit-identically to the same loop driven from JS', async () => {
    const { X, y } = linearData(150, 5, 4);
    const native = await fit({ objective: 'squared', X, y, batchSize: 16, epochs: 3, seed: 5, optimizer: (p) => new Adam(p, { lr: 0.01 }) });
    const js: JsObjective = {
      examples: 150, parameters: 6,
      lossAndGrad: (w, rows, grad) => lossAndGrad({ loss: 'squared' }, X, y, w, grad, rows),
    };
    const viaJs = await fit({ objective: js, batchSize: 16, epochs: 3, seed: 5, optimizer: (p) => new Adam(p, { lr: 0.01 }) });
    expect(Array.from(viaJs.params)).toEqual(Array.from(native.params));
    expect(viaJs.optimizer.stepCount).toBe(native.optimizer.stepCount);
    expect(native.optimizer.stepCount).toBe(3 * Math.ceil(150 / 16));
  });

  it('reports training and validation loss and accuracy for a classifier', async () => {
    const next = rng(9);
    const rows = 400, cols = 3;
    const X = { data: Float32Array.from({ length: rows * cols }, () => next() * 2 - 1), rows, cols };
    const y = Float32Array.from({ length: rows }, (_, r) => (X.data[r * cols]! + 0.5 * X.data[r * cols + 1]! > 0 ? 1 : -1));
    const r = await fit({ objective: 'logistic', X, y, epochs: 20, validationSplit: 0.25, optimizer: (p) => new Adam(p, { lr: 0.05 }) });
    expect(r.history.metric.at(-1)).toBeGreaterThan(0.95);
    expect(r.history.valMetric.at(-1)).toBeGreaterThan(0.9);
    expect(r.history.valLoss.at(-1)).toBeLessThan(r.history.valLoss[0]!);
  });

  it('stops early at the right epoch and restores the best weights', async () => {
    // A JS model whose validation loss is scripted: best at epoch 2, then worse for `patience` epochs.
    const valLosses = [5, 4, 3, 3.5, 3.6, 3.7, 3.8, 3.9];
    let epoch = 0;
    const model: JsObjective = {
      examples: 4, parameters: 2,
      lossAndGrad: (_w, _rows, grad) => { grad.fill(1); return 1; },
      evaluate: () => ({ loss: valLosses[epoch++]! }),
    };
    const r = await fit({
      objective: model, epochs: 8, batchSize: 4,
      earlyStopping: new EarlyStopping({ monitor: 'valLoss', patience: 2, restoreBest: true }),
      optimizer: (p) => new SGD(p, { lr: 0.1 }),
      params: new Float32Array(2),
    });
    expect(r.stopReason).toBe('earlyStopping');
    expect(r.epochs).toBe(5); // epochs 0..4: no improvement at 3 and 4 → stop after epoch 4
    // After epoch e the weights have taken e+1 steps of −0.1 from 0; the best epoch was 2.
    const best = new Float32Array(2);
    for (let k = 0; k < 3; k++) best.forEach((v, i) => (best[i] = v - Math.fround(0.1)));
    expect(Array.from(r.params)).toEqual(Array.from(best));
  });

  it('adds seeded gradient noise: the same seed repeats, another seed differs', async () => {
    const { X, y } = linearData(100, 3, 6);
    const run = (seed: number) => fit({
      objective: 'squared', X, y, epochs: 2, seed, gradientNoise: new GradientNoise({ eta: 0.3, gamma: 0.55 }),
      optimizer: (p) => new SGD(p, { lr: 0.01 }),
    });
    const [a, b, c] = await Promise.all([run(1), run(1), run(2)]);
    const quiet = await fit({ objective: 'squared', X, y, epochs: 2, seed: 1, optimizer: (p) => new SGD(p, { lr: 0.01 }) });
    expect(Array.from(a.params)).toEqual(Array.from(b.params));
    expect(Array.from(a.params)).not.toEqual(Array.from(c.params));
    expect(Array.from(a.params)).not.toEqual(Array.from(quiet.params));
  });

  it('steps a schedule per optimizer step when asked', async () => {
    const { X, y } = linearData(64, 2, 7);
    const opt = new SGD(new Float32Array(3), { lr: 0.1 });
    const schedule = new StepLR(opt, { stepSize: 4, gamma: 0.5 });
    const r = await fit({ objective: 'squared', X, y, params: opt.params[0], optimizer: opt, batchSize: 16, epochs: 2, schedule, scheduleEvery: 'step' });
    expect(schedule.stepCount).toBe(8);
    expect(r.optimizer.lr).toBeCloseTo(0.1 * 0.5 ** 2, 12);
    expect(r.history.lr).toEqual([0.05, 0.025]);
  });

  it('ends training at the first step whose loss or gradient is not finite, without applying it', async () => {
    const { X, y } = linearData(50, 2, 8);
    const r = await fit({ objective: 'squared', X, y, epochs: 50, variant: 'batch', optimizer: (p) => new SGD(p, { lr: 1e3 }) });
    expect(r.stopReason).toBe('nonFinite');
    expect(r.epochs).toBeLessThan(50);
    expect(r.optimizer.stepCount).toBe(r.epochs - 1); // the last epoch's only step was refused
    const going = await fit({ objective: 'squared', X, y, epochs: 50, variant: 'batch', nonFinite: 'continue', optimizer: (p) => new SGD(p, { lr: 1e3 }) });
    expect(going.stopReason).toBe('completed');
    expect(going.optimizer.stepCount).toBe(50);
  });

  it('keeps the event loop free while a multi-second native fit runs, and aborts within an epoch', async () => {
    const { X, y } = linearData(50_000, 40, 9);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const controller = new AbortController();
    const started = performance.now();
    const run = fit({
      objective: 'squared', X, y, variant: 'stochastic', epochs: 10_000, signal: controller.signal,
      optimizer: (p) => new SGD(p, { lr: 1e-4 }),
    });
    setTimeout(() => controller.abort(new Error('enough')), 1500);
    await expect(run).rejects.toThrow('enough');
    clearInterval(timer);
    const elapsed = performance.now() - started;
    // ~150 ticks in 1.5 s on an idle machine; a blocked loop gives 0 or 1 (timers would only run
    // between awaits). The bound leaves room for a loaded CI machine.
    expect(ticks).toBeGreaterThan(30);
    expect(elapsed).toBeLessThan(5000); // aborted mid-epoch, not after 1000 epochs
  });

  it('rejects bad options with errors that name them', async () => {
    const { X, y } = linearData(10, 2);
    await expect(fit({ objective: 'squared', X, y, variant: 'online' as never })).rejects.toThrow(/variant must be one of/);
    await expect(fit({ objective: 'squared', X, y, epochs: -1 })).rejects.toThrow(RangeError);
    await expect(fit({ objective: 'squared', X })).rejects.toThrow(/needs X and y/);
    await expect(fit({ objective: 'squared', X, y, params: new Float32Array(2) })).rejects.toThrow(/needs 3/);
    await expect(fit({ objective: 'squared', X, y, batchSize: 0 })).rejects.toThrow(/batchSize/);
  });
});
