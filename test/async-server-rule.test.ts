import { describe, expect, it } from 'vitest';
import { applyPush, initShardState, resolveServerRule, serverRuleStateNames } from '../lib/async/server-rule';
import type { Push } from '../lib/async/transport';
import { rng } from './helpers/random';

/**
 * The paper's AdaptiveRevision box (McMahan & Streeter 2014; docs/async-sgd.md), transcribed
 * literally, one coordinate at a time, in float64: Read returns (x, ḡ); Update(g, g_bck) revises.
 */
class PaperAdaptiveRevision {
  x: number[]; gbar: number[]; z: number[]; zp: number[];
  constructor(n: number, readonly alpha: number, z0: number) {
    this.x = new Array<number>(n).fill(0); this.gbar = new Array<number>(n).fill(0);
    this.z = new Array<number>(n).fill(z0); this.zp = new Array<number>(n).fill(z0);
  }
  read(): { x: number[]; gBck: number[] } { return { x: this.x.slice(), gBck: this.gbar.slice() }; }
  update(g: number[], gBck: number[]): void {
    for (let i = 0; i < g.length; i++) {
      const gFwd = this.gbar[i]! - gBck[i]!;
      this.gbar[i] = this.gbar[i]! + g[i]!;
      const etaOld = this.alpha / Math.sqrt(this.zp[i]!);
      this.z[i] = this.z[i]! + g[i]! * g[i]! + 2 * g[i]! * gFwd;
      this.zp[i] = Math.max(this.zp[i]!, this.z[i]!);
      const eta = this.alpha / Math.sqrt(this.zp[i]!);
      this.x[i] = this.x[i]! - eta * g[i]! + (etaOld - eta) * gFwd;
    }
  }
}

function push(values: Float32Array, extra: Partial<Push> = {}): Push {
  return { id: 'p', worker: 0, shard: 0, kind: 'gradient', values, readVersion: 0, ...extra };
}

describe('server rules', () => {
  it('name the state vectors each rule keeps', () => {
    expect(serverRuleStateNames('sgd')).toEqual([]);
    expect(serverRuleStateNames('adagrad')).toEqual(['accumulator']);
    expect(serverRuleStateNames({ name: 'adaptive-revision' })).toEqual(['gradSum', 'z', 'zMax']);
    expect(serverRuleStateNames('elastic')).toEqual([]);
  });

  it('start AdaGrad at 0 by default (torch), adaptive revision at z₀, and ḡ at zero', () => {
    const s = initShardState({ name: 'adaptive-revision', initialAccumulatorValue: 0.5 }, 3);
    expect(Array.from(s.gradSum!)).toEqual([0, 0, 0]);
    expect(Array.from(s.z!)).toEqual([0.5, 0.5, 0.5]);
    expect(Array.from(s.zMax!)).toEqual([0.5, 0.5, 0.5]);
    expect(Array.from(initShardState('adagrad', 2).accumulator!)).toEqual([0, 0]);
    expect(Array.from(initShardState({ name: 'adagrad', initialAccumulatorValue: 0.1 }, 2).accumulator!)).toEqual([Math.fround(0.1), Math.fround(0.1)]);
  });

  it('apply SGD, AdaGrad and the elastic sum as their formulas say', () => {
    const p = new Float32Array([1, 2]);
    applyPush({ name: 'sgd', lr: 0.5 }, { params: p, state: {} }, push(new Float32Array([2, -2])));
    expect(Array.from(p)).toEqual([0, 3]);
    const q = new Float32Array([1, 1]);
    const st = initShardState({ name: 'adagrad', initialAccumulatorValue: 0 }, 2);
    applyPush({ name: 'adagrad', lr: 0.1, eps: 0 }, { params: q, state: st }, push(new Float32Array([3, -4])));
    expect(q[0]).toBeCloseTo(0.9, 6);
    expect(q[1]).toBeCloseTo(1.1, 6);
    expect(Array.from(st.accumulator!)).toEqual([9, 16]);
    const c = new Float32Array([1, 2]);
    applyPush('elastic', { params: c, state: {} }, push(new Float32Array([0.25, -0.5]), { kind: 'elastic' }));
    expect(Array.from(c)).toEqual([1.25, 1.5]);
  });

  it('match a literal transcription of the AdaptiveRevision algorithm box under random delays', () => {
    // A tiny least-squares problem, min Σ_i (a_i·x − b_i)² / 2, with 4 workers reading at different
    // times and pushing in a shuffled order, so every update sees a nonzero g_fwd.
    const n = 3, alpha = 0.2, z0 = 0.1;
    const next = rng(7);
    const A = Array.from({ length: 16 }, () => Array.from({ length: n }, () => next() * 2 - 1));
    const b = A.map(() => next() * 2 - 1);
    const paper = new PaperAdaptiveRevision(n, alpha, z0);
    const rule = { name: 'adaptive-revision', lr: alpha, initialAccumulatorValue: z0 } as const;
    const shard = { params: new Float32Array(n), state: initShardState(rule, n) };
    let revisions = 0;
    for (let round = 0; round < 40; round++) {
      // Every worker reads now; the gradients arrive later in a shuffled order.
      const reads = [0, 1, 2, 3].map((w) => {
        const paperRead = paper.read();
        const ours = { x: shard.params.slice(), gBck: shard.state.gradSum!.slice() };
        const row = A[(round * 4 + w) % A.length]!;
        const grad = (x: ArrayLike<number>): number[] => {
          const r = row.reduce((s, a, j) => s + a * x[j]!, 0) - b[(round * 4 + w) % b.length]!;
          return row.map((a) => a * r);
        };
        return { paperRead, ours, paperG: grad(paperRead.x), ourG: Float32Array.from(grad(ours.x)) };
      });
      const order = [0, 1, 2, 3].sort(() => next() - 0.5);
      for (const w of order) {
        const r = reads[w]!;
        if (r.paperRead.gBck.some((v, i) => v !== paper.gbar[i])) revisions++;
        paper.update(r.paperG, r.paperRead.gBck);
        applyPush(rule, shard, push(r.ourG, { gradSumAtRead: r.ours.gBck }));
      }
      for (let i = 0; i < n; i++) {
        expect(shard.params[i]).toBeCloseTo(paper.x[i]!, 4);
        expect(shard.state.zMax![i]).toBeCloseTo(paper.zp[i]!, 3);
        expect(shard.state.gradSum![i]).toBeCloseTo(paper.gbar[i]!, 4);
      }
    }
    expect(revisions).toBeGreaterThan(50);
  });

  it('reject a push that does not fit the rule or the shard, before writing anything', () => {
    const p = new Float32Array([1, 2]);
    const st = initShardState('adaptive-revision', 2);
    expect(() => applyPush('adaptive-revision', { params: p, state: st }, push(new Float32Array(2)))).toThrow(/gradSumAtRead/);
    expect(() => applyPush('sgd', { params: p, state: {} }, push(new Float32Array(3)))).toThrow(RangeError);
    expect(() => applyPush('sgd', { params: p, state: {} }, push(new Float32Array(2), { kind: 'elastic' }))).toThrow(/takes 'gradient'/);
    expect(() => applyPush('adagrad', { params: p, state: {} }, push(new Float32Array(2)))).toThrow(/accumulator/);
    expect(Array.from(p)).toEqual([1, 2]);
  });

  it('reject unknown rule names and bad hyperparameters naming the field', () => {
    expect(() => resolveServerRule({ name: 'lamb' as 'sgd' })).toThrow(/rule.name/);
    expect(() => resolveServerRule({ name: 'sgd', lr: -1 })).toThrow(/rule.lr/);
    expect(() => resolveServerRule({ name: 'adaptive-revision', initialAccumulatorValue: 0 })).toThrow(/initialAccumulatorValue/);
  });
});
