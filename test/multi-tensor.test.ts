import { describe, expect, it } from 'vitest';
import { Adam, ParamArena, RMSprop, SGD } from '../lib/index';
import { allOptimizers, quadraticGrad } from './helpers/optimizers';

/** Many small tensors with distinct sizes, filled deterministically. */
function tensors(count: number, next = (i: number, j: number) => Math.sin(i * 7 + j) * 3): Float32Array[] {
  return Array.from({ length: count }, (_, i) => Float32Array.from({ length: 3 + (i % 5) }, (_, j) => next(i, j)));
}

describe('stepping many tensors at once', () => {
  describe.each(allOptimizers)('%s', (_name, make) => {
    it('gives bit-identical results for separate arrays, a ParamArena, and one optimizer per tensor', () => {
      const base = tensors(12);
      const separate = base.map((t) => t.slice());
      const arena = new ParamArena(base.map((t, i) => [`t${i}`, t.length] as const));
      arena.params().forEach((v, i) => v.set(base[i]!));
      const single = base.map((t) => t.slice());
      const optSeparate = make(separate, {});
      const optArena = make(arena.params(), {});
      const optSingles = single.map((t) => make(t, {}));
      for (let step = 0; step < 20; step++) {
        optSeparate.step(separate.map((t) => quadraticGrad(t)));
        arena.params().forEach((v, i) => quadraticGrad(v, arena.gradList()[i]));
        optArena.step(arena.gradList());
        single.forEach((t, i) => optSingles[i]!.step(quadraticGrad(t)));
      }
      for (let i = 0; i < base.length; i++) {
        expect(Array.from(separate[i]!)).toEqual(Array.from(single[i]!));
        expect(Array.from(arena.param(`t${i}`))).toEqual(Array.from(single[i]!));
      }
    });
  });

  it('falls back to per-tensor calls when a gradient is null, updating the others only', () => {
    const ts = tensors(4);
    const before = ts.map((t) => Array.from(t));
    const opt = new Adam(ts, { lr: 0.1 });
    opt.step([quadraticGrad(ts[0]!), null, quadraticGrad(ts[2]!), quadraticGrad(ts[3]!)]);
    expect(Array.from(ts[1]!)).toEqual(before[1]);
    expect(Array.from(ts[0]!)).not.toEqual(before[0]);
    // The skipped tensor keeps its own step count; the next full step mixes step counts correctly.
    opt.step(ts.map((t) => quadraticGrad(t)));
    expect(opt.stateDict().scalars.map((s) => s.step)).toEqual([2, 1, 2, 2]);
  });

  it('rejects a wrong-length gradient among many without touching any tensor', () => {
    const ts = tensors(6);
    const before = ts.map((t) => Array.from(t));
    const opt = new RMSprop(ts, { momentum: 0.9, centered: true });
    const gs = ts.map((t) => quadraticGrad(t));
    gs[4] = new Float32Array(1);
    expect(() => opt.step(gs)).toThrow(/grads\[4\] has length 1/);
    expect(ts.map((t) => Array.from(t))).toEqual(before);
  });

  it('state of each tensor is visible through stateOf as a view of the arena', () => {
    const ts = tensors(3);
    const opt = new SGD(ts, { momentum: 0.9, lr: 0.1 });
    opt.step(ts.map((t) => Float32Array.from(t, () => 1)));
    expect(Array.from(opt.stateOf(1).momentumBuffer!)).toEqual(Array.from(ts[1]!, () => 1));
  });
});

describe('ParamArena', () => {
  it('hands out named views over one buffer, in layout order', () => {
    const a = new ParamArena({ w: 6, b: 2 });
    expect(a.data.length).toBe(8);
    a.param('b').fill(5);
    expect(Array.from(a.data)).toEqual([0, 0, 0, 0, 0, 0, 5, 5]);
    expect(a.grad('w').buffer).toBe(a.grads.buffer);
    expect(a.names).toEqual(['w', 'b']);
  });
  it('can live on SharedArrayBuffers for worker threads', () => {
    const a = new ParamArena({ w: 4 }, { shared: true });
    expect(a.data.buffer).toBeInstanceOf(SharedArrayBuffer);
  });
  it('rejects bad layouts and unknown names clearly', () => {
    expect(() => new ParamArena({})).toThrow(/layout is empty/);
    expect(() => new ParamArena({ w: -1 })).toThrow(RangeError);
    expect(() => new ParamArena([['w', 2], ['w', 3]])).toThrow(/appears twice/);
    expect(() => new ParamArena({ w: 2 }).param('v')).toThrow(/no tensor named 'v'/);
  });
});
