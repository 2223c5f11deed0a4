// The hand-written MLP of lib/models: layout, initialisation, exact gradients (central differences),
// batch norm's running statistics as PyTorch keeps them, eval mode, and the claim of seed §6.2 that
// batch norm trains at a learning rate where the same network without it diverges.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CosineAnnealingLR, ParamArena, SGD, SeededRandom, gradientCheck } from '../lib/index';
import {
  BatchNorm1d, MLP, SoftmaxCrossEntropy, makeSpirals, trainClassifier, type ClassificationData, type TrainClassifierResult,
} from '../lib/models/index';

/** Moves γ and β away from 1 and 0, so that their gradients (and the path through them) are not special cases. */
function perturbBatchNorm(mlp: MLP, seed: number): void {
  const rng = new SeededRandom(seed);
  for (const bn of mlp.batchNorms) {
    for (let j = 0; j < bn.features; j++) {
      bn.gamma[j] = 1 + 0.3 * rng.normal();
      bn.beta[j] = 0.2 * rng.normal();
    }
  }
}

/** gradientCheck over all of an MLP's parameters; the model reads its parameters from the arena. */
function checkGradients(mlp: MLP, data: ClassificationData, batch?: Uint32Array) {
  const load = (p: Float32Array) => mlp.arena.data.set(p);
  return gradientCheck(
    (p) => (load(p), mlp.lossAndGrad(data.X, data.y, batch)),
    (p) => (load(p), mlp.lossAndGrad(data.X, data.y, batch), mlp.arena.grads),
    mlp.arena.data.slice(),
    // float64 activations make the loss a smooth function of the float32 parameters down to ~1e-16,
    // so a small step measures the derivative without crossing ReLU kinks.
    { eps: 1e-5 },
  );
}

describe('MLP layout and initialisation', () => {
  it('lays out every parameter in one arena: dense weights out×in and biases, or γ and β in place of hidden biases with batch norm', () => {
    const plain = new MLP({ sizes: [3, 4, 5, 2], seed: 0 });
    expect(plain.arena.names).toEqual(['dense0.weight', 'dense0.bias', 'dense1.weight', 'dense1.bias', 'dense2.weight', 'dense2.bias']);
    expect(plain.arena.params().map((p) => p.length)).toEqual([12, 4, 20, 5, 10, 2]);
    const bn = new MLP({ sizes: [3, 4, 5, 2], batchNorm: true, seed: 0 });
    expect(bn.arena.names).toEqual(['dense0.weight', 'bn0.gamma', 'bn0.beta', 'dense1.weight', 'bn1.gamma', 'bn1.beta', 'dense2.weight', 'dense2.bias']);
    expect(bn.arena.data.length).toBe(12 + 4 + 4 + 20 + 5 + 5 + 10 + 2);
    expect(bn.batchNorms.map((b) => b.features)).toEqual([4, 5]);
  });

  it('draws He-normal weights (std √(2/fan_in)) and starts biases and β at 0, γ at 1', () => {
    const mlp = new MLP({ sizes: [100, 200, 2], batchNorm: true, seed: 7 });
    const w = mlp.arena.param('dense0.weight');
    let sum = 0, sq = 0;
    for (const x of w) {
      sum += x;
      sq += x * x;
    }
    const mean = sum / w.length, std = Math.sqrt(sq / w.length - mean * mean);
    expect(Math.abs(mean)).toBeLessThan(0.005);
    expect(std / Math.sqrt(2 / 100)).toBeCloseTo(1, 1);
    expect(mlp.arena.param('bn0.gamma').every((g) => g === 1)).toBe(true);
    expect(mlp.arena.param('bn0.beta').every((b) => b === 0)).toBe(true);
    expect(mlp.arena.param('dense1.bias').every((b) => b === 0)).toBe(true);
  });

  it('starts from the same weights with and without batch norm for one seed, and from other weights for another seed', () => {
    const sizes = [2, 8, 8, 3];
    const plain = new MLP({ sizes, seed: 3 }), bn = new MLP({ sizes, batchNorm: true, seed: 3 });
    for (const name of ['dense0.weight', 'dense1.weight', 'dense2.weight'])
      expect(Array.from(bn.arena.param(name))).toEqual(Array.from(plain.arena.param(name)));
    const other = new MLP({ sizes, seed: 4 });
    expect(Array.from(other.arena.param('dense0.weight'))).not.toEqual(Array.from(plain.arena.param('dense0.weight')));
  });

  it('returns rows × classes scores from forward and one class per row from predict', () => {
    const mlp = new MLP({ sizes: [2, 6, 4], batchNorm: true, seed: 1 });
    const data = makeSpirals({ points: 10, classes: 4, seed: 1 });
    const scores = mlp.forward(data.X, 10);
    expect(scores).toBeInstanceOf(Float32Array);
    expect(scores.length).toBe(40);
    const predicted = mlp.predict(data.X);
    expect(predicted).toBeInstanceOf(Int32Array);
    expect(predicted.length).toBe(10);
    for (let r = 0; r < 10; r++) {
      const row = Array.from(scores.subarray(r * 4, r * 4 + 4));
      expect(predicted[r]).toBe(row.indexOf(Math.max(...row)));
    }
    let hits = 0;
    for (let r = 0; r < 10; r++) if (predicted[r] === data.y[r]) hits++;
    expect(mlp.accuracy(data.X, data.y)).toBe(hits / 10);
  });

  it('rejects sizes without a hidden layer, data of the wrong shape and out-of-range labels or rows, naming the argument', () => {
    expect(() => new MLP({ sizes: [2, 3] })).toThrow(/sizes/);
    expect(() => new MLP({ sizes: [2, 4, 1] })).toThrow(/classes/);
    const mlp = new MLP({ sizes: [2, 4, 3] });
    expect(() => mlp.forward(new Float32Array(5), 3)).toThrow(/X has length 5, expected 6/);
    expect(() => mlp.lossAndGrad(new Float32Array(4), Int32Array.from([0, 3]))).toThrow(/y\[1\] is 3/);
    expect(() => mlp.lossAndGrad(new Float32Array(4), Int32Array.from([0, 1]), Uint32Array.from([2]))).toThrow(/batch\[0\] is 2/);
  });
});

describe('MLP gradients', () => {
  const data = makeSpirals({ points: 24, classes: 3, seed: 3, scales: [1, 10] });

  it('match central differences without batch norm (max relative error ≤ 1e-3)', () => {
    const mlp = new MLP({ sizes: [2, 6, 5, 3], seed: 1, precision: 'float64' });
    const result = checkGradients(mlp, data);
    expect(result.indices.length).toBe(mlp.arena.data.length);
    expect(result.maxRelError).toBeLessThan(1e-3);
  });

  it('match central differences through batch norm, including γ, β and the batch statistics (max relative error ≤ 1e-3)', () => {
    const mlp = new MLP({ sizes: [2, 6, 5, 3], batchNorm: true, seed: 1, precision: 'float64' });
    perturbBatchNorm(mlp, 9);
    const result = checkGradients(mlp, data, Uint32Array.from([0, 2, 3, 5, 8, 13, 21, 23]));
    expect(result.indices.length).toBe(mlp.arena.data.length);
    expect(result.maxRelError).toBeLessThan(1e-3);
  });

  it('agree between float32 and float64 activations to float32 rounding', () => {
    for (const batchNorm of [false, true]) {
      const grads = (['float32', 'float64'] as const).map((precision) => {
        const mlp = new MLP({ sizes: [2, 8, 8, 3], batchNorm, seed: 2, precision });
        perturbBatchNorm(mlp, 5);
        mlp.lossAndGrad(data.X, data.y);
        return mlp.arena.grads.slice();
      });
      const scale = Math.max(...grads[1]!.map(Math.abs));
      for (let i = 0; i < grads[0]!.length; i++) expect(Math.abs(grads[0]![i]! - grads[1]![i]!)).toBeLessThan(1e-5 * scale);
    }
  });

  it('are written into the arena, not added to what it held', () => {
    const mlp = new MLP({ sizes: [2, 5, 3], batchNorm: true, seed: 1 });
    const first = mlp.lossAndGrad(data.X, data.y);
    const grads = mlp.arena.grads.slice();
    mlp.arena.grads.fill(123);
    expect(mlp.lossAndGrad(data.X, data.y)).toBe(first);
    expect(Array.from(mlp.arena.grads)).toEqual(Array.from(grads));
  });
});

describe('BatchNorm1d', () => {
  // Two features over a batch of four rows. Feature 0: mean 4, squared deviations 20 (biased
  // variance 5, unbiased 20/3). Feature 1: mean 2, squared deviations 8 (biased 2, unbiased 8/3).
  // PyTorch 1.13's nn.BatchNorm1d(2) gives the same outputs and running statistics.
  const batch = Float64Array.from([1, 0, 3, 2, 5, 2, 7, 4]);
  const make = () => new BatchNorm1d(new ParamArena(BatchNorm1d.layout('bn', 2)), 'bn', 2, 'float64');

  it('normalises with the batch mean and biased variance in training mode', () => {
    const out = make().forward(batch, 4, true);
    const s0 = Math.sqrt(5 + 1e-5), s1 = Math.sqrt(2 + 1e-5);
    const expected = [-3 / s0, -2 / s1, -1 / s0, 0, 1 / s0, 0, 3 / s0, 2 / s1];
    expected.forEach((v, k) => expect(out[k]).toBeCloseTo(v, 12));
  });

  it('updates the running mean and the unbiased running variance with momentum 0.1, as PyTorch does', () => {
    const bn = make();
    expect(Array.from(bn.runningMean)).toEqual([0, 0]);
    expect(Array.from(bn.runningVar)).toEqual([1, 1]);
    bn.forward(batch, 4, true);
    // 0.9·0 + 0.1·mean and 0.9·1 + 0.1·unbiased variance
    expect(bn.runningMean[0]).toBeCloseTo(0.4, 6);
    expect(bn.runningMean[1]).toBeCloseTo(0.2, 6);
    expect(bn.runningVar[0]).toBeCloseTo(0.9 + 2 / 3, 6);
    expect(bn.runningVar[1]).toBeCloseTo(0.9 + 0.8 / 3, 6);
    // The same batch shifted by 10: means 14 and 12, same variances.
    bn.forward(batch.map((x) => x + 10), 4, true);
    expect(bn.runningMean[0]).toBeCloseTo(0.9 * 0.4 + 1.4, 6);
    expect(bn.runningMean[1]).toBeCloseTo(0.9 * 0.2 + 1.2, 6);
    expect(bn.runningVar[0]).toBeCloseTo(0.9 * (0.9 + 2 / 3) + 2 / 3, 6);
    expect(bn.runningVar[1]).toBeCloseTo(0.9 * (0.9 + 0.8 / 3) + 0.8 / 3, 6);
    expect(bn.batchesTracked).toBe(2);
  });

  it('normalises with the running statistics in eval mode and leaves them unchanged', () => {
    const bn = make();
    bn.forward(batch, 4, true);
    bn.gamma.set([2, 1]);
    bn.beta.set([0.5, 0]);
    const mean = Array.from(bn.runningMean), variance = Array.from(bn.runningVar);
    const out = bn.forward(Float64Array.from([4, 2]), 1, false);
    expect(out[0]).toBeCloseTo((2 * (4 - mean[0]!)) / Math.sqrt(variance[0]! + 1e-5) + 0.5, 6);
    expect(out[1]).toBeCloseTo((2 - mean[1]!) / Math.sqrt(variance[1]! + 1e-5), 6);
    expect(Array.from(bn.runningMean)).toEqual(mean);
    expect(Array.from(bn.runningVar)).toEqual(variance);
    expect(bn.batchesTracked).toBe(1);
  });

  it('refuses to train on a batch of one row, whose variance is undefined', () => {
    expect(() => make().forward(Float64Array.from([1, 2]), 1, true)).toThrow(/at least 2 rows/);
  });
});

describe('MLP eval and training modes', () => {
  const data = makeSpirals({ points: 32, classes: 3, seed: 2 });

  it('scores a row in eval mode the same whatever rows share its batch, but not in training mode', () => {
    const mlp = new MLP({ sizes: [2, 6, 3], batchNorm: true, seed: 1 });
    mlp.lossAndGrad(data.X, data.y); // running statistics away from their initial values
    const alone = mlp.forward(data.X.subarray(0, 4), 2, false);
    const inBatch = mlp.forward(data.X, 32, false).subarray(0, 6);
    expect(Array.from(alone)).toEqual(Array.from(inBatch));
    const trainingSmall = mlp.forward(data.X.subarray(0, 4), 2, true);
    const trainingLarge = mlp.forward(data.X, 32, true).subarray(0, 6);
    expect(Array.from(trainingSmall)).not.toEqual(Array.from(trainingLarge));
  });

  it('updates running statistics in lossAndGrad and training forward passes only', () => {
    const mlp = new MLP({ sizes: [2, 6, 3], batchNorm: true, seed: 1 });
    const bn = mlp.batchNorms[0]!;
    mlp.forward(data.X, 32, false);
    mlp.predict(data.X);
    mlp.accuracy(data.X, data.y);
    mlp.loss(data.X, data.y);
    expect(bn.batchesTracked).toBe(0);
    expect(Array.from(bn.runningMean)).toEqual([0, 0, 0, 0, 0, 0]);
    mlp.lossAndGrad(data.X, data.y);
    mlp.forward(data.X, 32, true);
    expect(bn.batchesTracked).toBe(2);
    expect(Array.from(bn.runningMean)).not.toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe('SoftmaxCrossEntropy', () => {
  it('stays finite and exact for scores far beyond exp overflow', () => {
    const ce = new SoftmaxCrossEntropy(3, 'float32');
    const scores = Float32Array.from([1000, 0, -1000, 0, 1000, 0]);
    const labels = [0, 0];
    expect(ce.forward(scores, 2, (r) => labels[r]!, true)).toBeCloseTo(1000 / 2, 6);
    expect(Array.from(ce.grad())).toEqual([0, 0, 0, -0.5, 0.5, 0]);
  });
});

// The demonstration of seed §6.2 (examples/mlp-batchnorm.mjs prints the same runs epoch by epoch):
// three interleaved spirals whose y coordinate is 10× the x one, a 5-hidden-layer MLP, SGD with
// momentum 0.9 at lr 0.3, annealed by a cosine per epoch. Without batch norm the loss overflows
// within the first epoch, while the rate is still 0.3; with it, the network fits the spirals.
describe('batch norm trains at a learning rate where the same MLP without it diverges', () => {
  const SIZES = [2, 32, 32, 32, 32, 32, 3];
  const EPOCHS = 12;
  const data = makeSpirals({ points: 2000, classes: 3, seed: 0, scales: [1, 10] });

  function run(batchNorm: boolean, lr: number): TrainClassifierResult & { stepLosses: number[] } {
    const mlp = new MLP({ sizes: SIZES, batchNorm, seed: 0 });
    const opt = new SGD(mlp.arena.params(), { lr, momentum: 0.9 });
    const schedule = new CosineAnnealingLR(opt, { TMax: EPOCHS });
    const stepLosses: number[] = [];
    const result = trainClassifier(mlp, opt, data.X, data.y, {
      epochs: EPOCHS, batchSize: 64, seed: 0, onEpoch: () => schedule.step(), onStep: (_, loss) => stepLosses.push(loss),
    });
    return { ...result, stepLosses };
  }

  it('the MLP without batch norm blows up to a non-finite loss within its first epoch at lr 0.3', () => {
    const plain = run(false, 0.3);
    expect(plain.diverged).toBe(true);
    expect(plain.history.length).toBe(1);
    expect(Number.isFinite(plain.history[0]!.loss)).toBe(false);
    expect(plain.steps).toBeLessThan(32); // 32 batches make an epoch
    expect(Math.max(...plain.stepLosses.filter(Number.isFinite))).toBeGreaterThan(100 * plain.stepLosses[0]!);
    // Seeded: a second run fails at the same step with the same losses.
    const again = run(false, 0.3);
    expect(again.steps).toBe(plain.steps);
    expect(again.stepLosses).toEqual(plain.stepLosses);
  });

  it('the same MLP with batch norm trains to over 95% accuracy at lr 0.3', () => {
    const bn = run(true, 0.3);
    expect(bn.diverged).toBe(false);
    expect(bn.history.length).toBe(EPOCHS);
    const last = bn.history[EPOCHS - 1]!;
    expect(last.accuracy).toBeGreaterThan(0.95);
    expect(last.loss).toBeLessThan(bn.history[0]!.loss / 2);
  });

  it('the MLP without batch norm is able to fit the spirals at a tenth of that rate', () => {
    const plain = run(false, 0.03);
    expect(plain.diverged).toBe(false);
    expect(plain.history[EPOCHS - 1]!.accuracy).toBeGreaterThan(0.9);
  });
});

describe('makeSpirals', () => {
  it('is seeded, balanced by class, and puts each coordinate on its own scale and offset', () => {
    const a = makeSpirals({ points: 300, classes: 3, seed: 5, scales: [1, 100], offsets: [0, 7] });
    const b = makeSpirals({ points: 300, classes: 3, seed: 5, scales: [1, 100], offsets: [0, 7] });
    expect(Array.from(a.X)).toEqual(Array.from(b.X));
    expect(Array.from(makeSpirals({ points: 300, seed: 6 }).X)).not.toEqual(Array.from(makeSpirals({ points: 300, seed: 5 }).X));
    expect([0, 1, 2].map((c) => a.y.filter((k) => k === c).length)).toEqual([100, 100, 100]);
    let maxX = 0, maxY = 0;
    for (let r = 0; r < 300; r++) {
      maxX = Math.max(maxX, Math.abs(a.X[2 * r]!));
      maxY = Math.max(maxY, Math.abs(a.X[2 * r + 1]! - 7));
    }
    expect(maxX).toBeLessThanOrEqual(1);
    expect(maxY).toBeGreaterThan(50);
    expect(maxY).toBeLessThanOrEqual(100);
  });
});

// Runs the example as a user would, against the built package (CI builds before it tests; the
// package must re-export lib/models from lib/index.ts).
describe('examples/mlp-batchnorm.mjs --quick', () => {
  it('prints a row per epoch for the three runs and reports the plain MLP at lr 0.3 as diverged, the batch-norm one as trained', () => {
    const root = path.resolve(__dirname, '..');
    const r = spawnSync(process.execPath, [path.join(root, 'examples', 'mlp-batchnorm.mjs'), '--quick'], { cwd: root, encoding: 'utf8', timeout: 50_000 });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    const header = lines.find((l) => l.trimStart().startsWith('epoch'));
    expect(header).toMatch(/batch norm, lr 0\.3\s+plain, lr 0\.3\s+plain, lr 0\.03/);
    expect(lines.filter((l) => /^\s+\d+\s/.test(l)).map((l) => Number(l.trim().split(/\s+/)[0]))).toEqual(
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    expect(lines.find((l) => l.startsWith('plain, lr 0.3 '))).toMatch(/diverged: .*NaN at step \d+/);
    const bnAccuracy = /batch norm, lr 0\.3 .*accuracy ([\d.]+)%/.exec(r.stdout);
    expect(Number(bnAccuracy?.[1])).toBeGreaterThan(95);
  });
});
