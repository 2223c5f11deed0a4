import { describe, expect, it } from 'vitest';
import { Adam, ParamArena, RMSprop, SGD } from '../lib/index';
import type { PackedKernelSet } from '../lib/kernels';
import { addon } from '../lib/native';
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

/**
 * The native hot path (one group, nonFinite 'propagate') skips checks it can answer cheaply and
 * packs the scalars into one array. nonFinite 'skip' with finite gradients means the same update but
 * always takes the general path, so it is the oracle here.
 */
describe('the fast path of step', () => {
  type Layout = 'one tensor' | 'arena' | 'separate arrays';
  const layouts: Layout[] = ['one tensor', 'arena', 'separate arrays'];

  /** Parameters and reused gradient arrays in one of the three layouts, filled the same way. */
  function setup(layout: Layout): { params: Float32Array[]; grads: Float32Array[]; gradBuffer: ArrayBufferLike } {
    if (layout === 'one tensor') {
      const p = Float32Array.from({ length: 37 }, (_, j) => Math.sin(j) * 3);
      return { params: [p], grads: [new Float32Array(37)], gradBuffer: new ArrayBuffer(0) };
    }
    const base = tensors(9);
    if (layout === 'separate arrays') return { params: base, grads: base.map((t) => new Float32Array(t.length)), gradBuffer: new ArrayBuffer(0) };
    const arena = new ParamArena(base.map((t, i) => [`t${i}`, t.length] as const));
    arena.params().forEach((v, i) => v.set(base[i]!));
    return { params: arena.params(), grads: arena.gradList(), gradBuffer: arena.grads.buffer };
  }

  describe.each(allOptimizers)('%s', (_name, make) => {
    it.each(layouts)('matches the general path bit for bit with %s, across option changes, reset and loadStateDict', (layout) => {
      const fast = setup(layout), slow = setup(layout);
      const optFast = make(fast.params, {});
      const optSlow = make(slow.params, { nonFinite: 'skip' });
      const stepBoth = () => {
        for (const run of [fast, slow]) run.params.forEach((p, i) => quadraticGrad(p, run.grads[i]));
        optFast.step(fast.grads);
        optSlow.step(slow.grads);
      };
      for (let k = 0; k < 6; k++) stepBoth();
      optFast.lr = optSlow.lr = optFast.lr * 0.5;
      for (let k = 0; k < 4; k++) stepBoth();
      const saved = optFast.stateDict();
      for (let k = 0; k < 3; k++) stepBoth();
      optFast.reset();
      optSlow.reset();
      for (let k = 0; k < 3; k++) stepBoth();
      optFast.loadStateDict(saved);
      optSlow.loadStateDict(saved);
      for (let k = 0; k < 5; k++) stepBoth();
      expect(fast.params.map((p) => Array.from(p))).toEqual(slow.params.map((p) => Array.from(p)));
      expect(optFast.stateDict()).toEqual({ ...optSlow.stateDict() });
      expect(optFast.stats.steps).toBe(optSlow.stats.steps);
    });
  });

  it('creates state an option switches on between fast steps (amsgrad) and uses it', () => {
    const fast = setup('arena'), slow = setup('arena');
    const a = new Adam(fast.params, {}), b = new Adam(slow.params, { nonFinite: 'skip' });
    for (let k = 0; k < 8; k++) {
      if (k === 3) { a.setOption('amsgrad', true); b.setOption('amsgrad', true); }
      for (const run of [fast, slow]) run.params.forEach((p, i) => quadraticGrad(p, run.grads[i]));
      a.step(fast.grads);
      b.step(slow.grads);
    }
    expect(a.stateOf(2).maxExpAvgSq).toBeDefined();
    expect(fast.params.map((p) => Array.from(p))).toEqual(slow.params.map((p) => Array.from(p)));
  });

  it('notices a gradient arena detached after fast steps, and changes nothing', () => {
    const run = setup('arena');
    const opt = new Adam(run.params, {});
    opt.step(run.grads);
    opt.step(run.grads);
    structuredClone(run.gradBuffer, { transfer: [run.gradBuffer as ArrayBuffer] });
    const before = run.params.map((p) => Array.from(p));
    expect(() => opt.step(run.grads)).toThrow(/detached/);
    expect(run.params.map((p) => Array.from(p))).toEqual(before);
    expect(opt.stepCount).toBe(2);
  });

  it('checks a gradient list with one array swapped after fast steps in full', () => {
    const run = setup('separate arrays');
    const opt = new SGD(run.params, { lr: 0.1 });
    opt.step(run.grads);
    const before = run.params.map((p) => Array.from(p));
    const swapped = [...run.grads];
    swapped[3] = run.params[3]!;
    expect(() => opt.step(swapped)).toThrow(/grads\[3\] shares memory with params\[3\]/);
    expect(run.params.map((p) => Array.from(p))).toEqual(before);
  });

  it('rejects a gradient that is a view of the optimizer state, changing nothing', () => {
    const p = Float32Array.from({ length: 16 }, (_, j) => j);
    const opt = new Adam(p, {});
    opt.step(new Float32Array(16).fill(1));
    const before = Array.from(p);
    expect(() => opt.step(opt.stateOf(0).expAvg)).toThrow(RangeError);
    expect(Array.from(p)).toEqual(before);
    expect(opt.stepCount).toBe(1);
  });

  it('still reports a non-finite per-step scalar by name, before writing anything', () => {
    const p = new Float32Array(8).fill(1);
    const opt = new Adam(p, { lr: 1e308 });
    expect(() => opt.step(new Float32Array(8).fill(1))).toThrow(/non-finite scalar/);
    expect(Array.from(p)).toEqual(Array.from(new Float32Array(8).fill(1)));
    expect(opt.stepCount).toBe(0);
  });
});

describe('the packed native kernels reject bad calls without writing', () => {
  // Required state arrays, optional ones, and scalars of each rule (native/kernels/kernel_args.h).
  const RULES: Array<[name: keyof PackedKernelSet, required: number, optional: number, scalars: number]> = [
    ['sgdPacked', 0, 1, 8], ['adagradPacked', 1, 0, 5], ['adadeltaPacked', 2, 0, 7], ['rmspropPacked', 1, 2, 9],
    ['adamPacked', 2, 1, 10], ['adamaxPacked', 2, 0, 8], ['nadamPacked', 2, 0, 10],
  ];
  const raw = addon() as unknown as Record<string, (...args: unknown[]) => void>;

  describe.each(RULES)('%s', (name, required, optional, count) => {
    const n = 8;
    const make = () => {
      const p = Float32Array.from({ length: n }, (_, i) => i + 1);
      const g = new Float32Array(n).fill(0.5);
      const slots: Array<Float32Array | null> = [null, null, null];
      for (let k = 0; k < required; k++) slots[k] = new Float32Array(n).fill(0.25);
      const scalars = new Float64Array(count).fill(0.5);
      return { p, g, slots, scalars };
    };
    const cases: Array<[what: string, build: (c: ReturnType<typeof make>) => unknown[], error: RegExp]> = [
      ['scalars in a Float32Array', (c) => [c.p, c.g, ...c.slots, new Float32Array(count)], /scalars must be a Float64Array/],
      ['one scalar too few', (c) => [c.p, c.g, ...c.slots, c.scalars.subarray(1)], /scalars has/],
      ['one scalar too many', (c) => [c.p, c.g, ...c.slots, new Float64Array(count + 1)], /scalars has/],
      ['a NaN scalar', (c) => { c.scalars[count - 1] = NaN; return [c.p, c.g, ...c.slots, c.scalars]; }, /must be finite/],
      ['a state array of the wrong length', (c) => [c.p, c.g, ...c.slots.map((s, k) => (k === 0 ? new Float32Array(n + 1) : s)), c.scalars], /elements, expected/],
      ['a state array that is an Int8Array', (c) => [c.p, c.g, ...c.slots.map((s, k) => (k === 0 ? new Int8Array(n * 4) : s)), c.scalars], /must be a Float32Array/],
      ['a gradient that overlaps a state array', (c) => {
        const shared = new Float32Array(2 * n);
        const slots = c.slots.map((s, k) => (k === 0 ? shared.subarray(0, n) : s));
        return [c.p, shared.subarray(n / 2, n / 2 + n), ...slots, c.scalars];
      }, /must not share memory/],
      ['params as a list but grads as one array', (c) => [[c.p], c.g, ...c.slots, c.scalars], /grads must be an array/],
      ['too few arguments', (c) => [c.p, c.g], /must be a Float64Array/],
    ];
    if (required + optional < 3) cases.push(['an array in a slot the rule does not read', (c) => [c.p, c.g, ...c.slots.map((s, k) => (k === 2 ? new Float32Array(n) : s)), c.scalars], /unused state slots must be null/]);

    it.each(cases)('throws for %s and leaves every array as it was', (_what, build, error) => {
      const c = make();
      const args = build(c);
      const before = args.filter((a): a is Float32Array => a instanceof Float32Array).map((a) => Array.from(a));
      expect(() => raw[name]!(...args)).toThrow(error);
      expect(args.filter((a): a is Float32Array => a instanceof Float32Array).map((a) => Array.from(a))).toEqual(before);
    });

    it('updates params in place for a valid call', () => {
      const c = make();
      const before = Array.from(c.p);
      raw[name]!(c.p, c.g, ...c.slots, c.scalars);
      expect(Array.from(c.p)).not.toEqual(before);
    });
  });
});
