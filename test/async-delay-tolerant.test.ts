import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withDelay } from '../lib/async/delay';
import { runDownpourReplica } from '../lib/async/downpour-replica';
import { createInProcessServer } from '../lib/async/in-process/server';
import type { AsyncModel } from '../lib/async/model';
import { rng } from './helpers/random';

const MODEL = path.join(__dirname, 'fixtures', 'async-sparse-logistic.cjs');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { createModel } = require(MODEL) as { createModel: (d: unknown) => AsyncModel };

/**
 * Sparse logistic regression with Zipf feature frequencies (feature j present with probability
 * min(1, 5/(j+1))): frequent features see thousands of other updates while a gradient is in
 * flight, rare ones almost none — the setting where one global AdaGrad rate cannot suit both.
 */
function sparseProblem(rows: number, cols: number, seed: number) {
  const next = rng(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const w = Array.from({ length: cols }, gauss);
  const indptr = new Int32Array(rows + 1), idx: number[] = [];
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let m = 0;
    for (let j = 0; j < cols; j++) if (next() < Math.min(1, 5 / (j + 1))) { idx.push(j); m += w[j]!; }
    indptr[r + 1] = idx.length;
    y[r] = next() < 1 / (1 + Math.exp(-m)) ? 1 : -1;
  }
  return { indptr, indices: Int32Array.from(idx), values: new Float32Array(idx.length).fill(1), y, cols };
}

/** Final loss of one replica whose pushes each arrive 1000–2000 pushes late (seeded). */
async function delayedRun(model: AsyncModel, name: 'adagrad' | 'adaptive-revision', lr: number): Promise<number> {
  const server = createInProcessServer({ size: model.size, rule: { name, lr, eps: 0, initialAccumulatorValue: 0.1 } });
  const t = withDelay(server.connect(), { kind: 'random', min: 1000, max: 2000, seed: 1 });
  await runDownpourReplica(t, model, { replica: 0, replicas: 1, steps: 12_000, batchSize: 4, gradSum: name === 'adaptive-revision', seed: 3 });
  await t.close();
  expect(server.stats().meanStaleness).toBeGreaterThan(1000);
  const loss = model.loss!(server.snapshot());
  await server.close();
  return loss;
}

describe('delay-tolerant AdaGrad (adaptive revision)', () => {
  it('beats plain asynchronous AdaGrad when gradients arrive 1000–2000 updates late, each at its best learning rate', async () => {
    const model = createModel(sparseProblem(4000, 1000, 5));
    const grid = [0.01, 0.1, 1];
    const best = async (name: 'adagrad' | 'adaptive-revision'): Promise<number> => {
      let out = Infinity;
      for (const lr of grid) out = Math.min(out, await delayedRun(model, name, lr));
      return out;
    };
    const adagrad = await best('adagrad');
    const revised = await best('adaptive-revision');
    // Measured: best AdaGrad 0.538, best adaptive revision 0.287 (a wider sweep on the same problem:
    // AdaGrad peaks near lr 0.01-0.03 and diverges from 0.1; docs/async-sgd.md). Deterministic: one
    // replica, seeded delays and shuffling.
    expect(revised).toBeLessThan(adagrad * 0.8);
  });
});
