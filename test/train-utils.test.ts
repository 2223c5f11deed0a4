import { describe, expect, it } from 'vitest';
import { SGD } from '../lib/index';
import { GradientAccumulator } from '../lib/train/accumulate';
import { clipGradNorm, clipGradNormEach, clipGradValue } from '../lib/train/clip';
import { Curriculum } from '../lib/train/curriculum';
import { WeightEMA } from '../lib/train/ema';
import { gradientCheck } from '../lib/train/gradient-check';
import {
  createGuardStats, findNonFinite, guardStep, hasNonFinite, NonFiniteGuard,
} from '../lib/train/nan-guard';
import { identityIndices, permutation, SeededRandom, shuffleIndices, uniformInt } from '../lib/train/random';

const f32 = (xs: number[]) => Float32Array.from(xs);
const isPermutation = (a: Uint32Array, n: number) =>
  a.length === n && Array.from(a).sort((x, y) => x - y).every((v, i) => v === i);

describe('SeededRandom', () => {
  it('matches the reference xoshiro128** output from the state [1, 2, 3, 4]', () => {
    const rng = new SeededRandom();
    rng.setState({ words: [1, 2, 3, 4], spareNormal: null });
    const first = Array.from({ length: 8 }, () => rng.nextUint32());
    // From the authors' C code (xoshiro128starstar.c) started at the same state.
    expect(first).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849]);
    for (let i = 0; i < 992; i++) rng.nextUint32();
    expect(rng.nextUint32()).toBe(136054147);
    expect(rng.state().words).toEqual([2168815506, 997325732, 936722060, 3562051978]);
  });

  it('gives the same stream for the same seed and different streams for other seeds and streams', () => {
    const draw = (rng: SeededRandom) => Array.from({ length: 16 }, () => rng.nextUint32());
    expect(draw(new SeededRandom(12))).toEqual(draw(new SeededRandom(12)));
    expect(draw(new SeededRandom(12))).not.toEqual(draw(new SeededRandom(13)));
    expect(draw(new SeededRandom(12, 1))).not.toEqual(draw(new SeededRandom(12, 0)));
    // Seeds beyond 32 bits count in full.
    expect(draw(new SeededRandom(2 ** 40))).not.toEqual(draw(new SeededRandom(0)));
  });

  it('draws floats uniformly in [0, 1)', () => {
    const rng = new SeededRandom(1);
    let sum = 0, min = 1, max = 0;
    const bins = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const x = rng.nextFloat();
      sum += x;
      min = Math.min(min, x);
      max = Math.max(max, x);
      bins[Math.floor(x * 10)]!++;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(sum / 100_000).toBeCloseTo(0.5, 2);
    for (const b of bins) expect(Math.abs(b / 10_000 - 1)).toBeLessThan(0.05);
  });

  it('draws standard normals: mean 0 and variance 1', () => {
    const rng = new SeededRandom(2);
    let s = 0, sq = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      s += z;
      sq += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.01);
    expect(Math.abs(sq / n - 1)).toBeLessThan(0.02);
  });

  it('continues exactly after setState, also with a normal pending and through JSON', () => {
    const rng = new SeededRandom(3);
    rng.normal(); // leaves the second normal of the pair pending
    const saved = JSON.parse(JSON.stringify(rng.state()));
    expect(saved.spareNormal).not.toBeNull();
    const expected = [rng.normal(), rng.nextUint32(), rng.nextFloat(), rng.normal()];
    const other = new SeededRandom(99);
    other.setState(saved);
    expect([other.normal(), other.nextUint32(), other.nextFloat(), other.normal()]).toEqual(expected);
  });

  it('rejects invalid seeds and states', () => {
    expect(() => new SeededRandom(-1)).toThrow(/seed/);
    expect(() => new SeededRandom(0.5)).toThrow(RangeError);
    expect(() => new SeededRandom(0, -1)).toThrow(/stream/);
    const rng = new SeededRandom();
    expect(() => rng.setState({ words: [0, 0, 0, 0], spareNormal: null })).toThrow(/all zero/);
    expect(() => rng.setState({ words: [1, 2, 3, 2 ** 32], spareNormal: null })).toThrow(/words\[3\]/);
    expect(() => rng.setState({ words: [1, 2], spareNormal: null } as never)).toThrow(TypeError);
  });
});

describe('index shuffles', () => {
  it('draws unbiased integers below n', () => {
    const rng = new SeededRandom(4);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[uniformInt(rng, 3)]!++;
    for (const c of counts) expect(Math.abs(c / 10_000 - 1)).toBeLessThan(0.05);
    // For n = 3·2^30, plain modulo would put half the draws below 2^30 instead of a third.
    const n = 3 * 2 ** 30;
    let low = 0;
    for (let i = 0; i < 30_000; i++) if (uniformInt(rng, n) < 2 ** 30) low++;
    expect(low / 30_000).toBeCloseTo(1 / 3, 1);
    expect(() => uniformInt(rng, 0)).toThrow(/n must be/);
  });

  it('shuffles an index array in place and returns the same array', () => {
    const idx = identityIndices(100);
    const out = shuffleIndices(idx, new SeededRandom(5));
    expect(out).toBe(idx);
    expect(isPermutation(idx, 100)).toBe(true);
    expect(Array.from(idx)).not.toEqual(Array.from(identityIndices(100)));
  });

  it('makes every permutation equally likely (Fisher–Yates)', () => {
    const rng = new SeededRandom(6);
    const counts = new Map<string, number>();
    for (let i = 0; i < 60_000; i++) {
      const key = Array.from(shuffleIndices(3, rng)).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    for (const c of counts.values()) expect(Math.abs(c / 10_000 - 1)).toBeLessThan(0.05);
  });

  it('gives reproducible permutations for a seed', () => {
    const a = permutation(1000, new SeededRandom(7));
    expect(isPermutation(a, 1000)).toBe(true);
    expect(Array.from(permutation(1000, new SeededRandom(7)))).toEqual(Array.from(a));
    expect(Array.from(permutation(1000, new SeededRandom(8)))).not.toEqual(Array.from(a));
    expect(permutation(0, new SeededRandom(7)).length).toBe(0);
  });

  it('rejects a missing generator and bad indices', () => {
    expect(() => shuffleIndices(3, {} as never)).toThrow(/rng must have a nextUint32/);
    expect(() => shuffleIndices([1, 2] as never, new SeededRandom())).toThrow(/Uint32Array/);
    expect(() => permutation(-1, new SeededRandom())).toThrow(/permutation: n/);
  });
});

describe('gradient clipping', () => {
  it('clamps every value to [-clipValue, clipValue] in place, keeping NaN and skipping null', () => {
    const a = f32([-3, -0.5, 0, 0.5, 3]), b = f32([Number.NaN, 10]);
    const out = clipGradValue([a, null, b], 1);
    expect(out[0]).toBe(a);
    expect(Array.from(a)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(b[0]).toBeNaN();
    expect(b[1]).toBe(1);
  });

  it('scales all gradients by maxNorm / (total + 1e-6) using their global 2-norm, and returns the total', () => {
    const a = f32([3, 4]), b = f32([12]);
    const total = clipGradNorm([a, b], 6.5);
    expect(total).toBe(13);
    const coef = Math.fround(6.5 / (13 + 1e-6));
    expect(Array.from(a)).toEqual([Math.fround(3 * coef), Math.fround(4 * coef)]);
    expect(Array.from(b)).toEqual([Math.fround(12 * coef)]);
    expect(Math.hypot(a[0]!, a[1]!, b[0]!)).toBeCloseTo(6.5, 5);
  });

  it('leaves gradients bit-identical when the total norm is within maxNorm', () => {
    const a = f32([0.1, -0.2, 0.3]);
    const before = Array.from(a);
    expect(clipGradNorm(a, 1)).toBeCloseTo(Math.hypot(0.1, 0.2, 0.3), 6);
    expect(Array.from(a)).toEqual(before);
  });

  it('uses the largest absolute value for normType Infinity and the sum for normType 1', () => {
    const a = f32([1, -5]), b = f32([2]);
    expect(clipGradNorm([a, b], 10, Infinity)).toBe(5);
    expect(clipGradNorm([a, b], 100, 1)).toBe(8);
    expect(clipGradNorm([f32([1, 1]), f32([1, 1])], 100, 3)).toBeCloseTo(Math.cbrt(4), 12);
    clipGradNorm([a, b], 2.5, Infinity);
    const coef = Math.fround(2.5 / (5 + 1e-6));
    expect(Array.from(a)).toEqual([Math.fround(coef), Math.fround(-5 * coef)]);
  });

  it('accumulates the norm in double, so float32 squares that would overflow do not', () => {
    const a = f32([1e20, 1e20]);
    expect(clipGradNorm(a, 1) / (Math.SQRT2 * Math.fround(1e20))).toBeCloseTo(1, 14);
    expect(Math.hypot(a[0]!, a[1]!)).toBeCloseTo(1, 5);
  });

  it('clips each gradient by its own norm with clipGradNormEach', () => {
    const a = f32([3, 4]), b = f32([0.3, 0.4]);
    const norms = clipGradNormEach([a, b], 1);
    expect(Array.from(norms)).toEqual([5, Math.hypot(Math.fround(0.3), Math.fround(0.4))]);
    expect(Math.hypot(a[0]!, a[1]!)).toBeCloseTo(1, 5);
    expect(Array.from(b)).toEqual([Math.fround(0.3), Math.fround(0.4)]);
  });

  it('turns every gradient into NaN for a NaN norm, as PyTorch does, or throws with errorIfNonfinite', () => {
    const a = f32([1, Number.NaN]), b = f32([2]);
    expect(() => clipGradNorm([a, b], 1, 2, { errorIfNonfinite: true })).toThrow(/total gradient norm is NaN/);
    expect(b[0]).toBe(2);
    expect(clipGradNorm([a, b], 1)).toBeNaN();
    expect(b[0]).toBeNaN();
    expect(() => clipGradNormEach([f32([1]), f32([Infinity])], 1, 2, { errorIfNonfinite: true })).toThrow(/grads\[1\] is Infinity/);
  });

  it('rejects bad arguments with errors that name them', () => {
    expect(() => clipGradValue(f32([1]), -1)).toThrow(/clipValue/);
    expect(() => clipGradNorm(f32([1]), -1)).toThrow(/maxNorm/);
    expect(() => clipGradNorm(f32([1]), 1, 0)).toThrow(/normType/);
    expect(() => clipGradNorm([f32([1]), [1] as never], 1)).toThrow(/grads\[1\] must be a Float32Array/);
    expect(() => clipGradNorm(f32([1]), 1, 2, { errorIfNonFinite: true } as never)).toThrow(/unknown option/);
  });
});

describe('non-finite gradient guard', () => {
  it('finds NaN and infinities and nothing else', () => {
    expect(hasNonFinite([f32([0, -0, 3.4e38, -1e-45])])).toBe(false);
    expect(hasNonFinite(f32([1, Number.NaN]))).toBe(true);
    expect(hasNonFinite([f32([1]), null, f32([2, -Infinity])])).toBe(true);
    expect(findNonFinite([f32([1]), null, f32([2, Infinity])])).toEqual({ array: 2, index: 1, value: Infinity });
  });

  const setup = () => {
    const p = f32([1, 2]), q = f32([3]);
    const opt = new SGD([p, q], { lr: 0.1, backend: 'js' });
    return { p, q, opt };
  };

  it('skips the step on a non-finite gradient, counting it, and steps again once gradients are finite', () => {
    const { p, q, opt } = setup();
    const stats = createGuardStats();
    expect(guardStep(opt, [f32([1, Number.NaN]), f32([1])], 'skip', stats)).toBe(false);
    expect(guardStep(opt, [f32([1, 1]), f32([Infinity])], 'skip', stats)).toBe(false);
    expect(Array.from(p)).toEqual([1, 2]);
    expect(Array.from(q)).toEqual([3]);
    expect(opt.stepCount).toBe(0);
    expect(stats).toEqual({ applied: 0, skipped: 2, consecutiveSkipped: 2 });
    expect(guardStep(opt, [f32([1, 1]), f32([1])], 'skip', stats)).toBe(true);
    expect(Array.from(q)).toEqual([Math.fround(3 - 0.1)]);
    expect(stats).toEqual({ applied: 1, skipped: 2, consecutiveSkipped: 0 });
  });

  it('throws a RangeError naming the first bad element and changes nothing with policy throw', () => {
    const { p, opt } = setup();
    expect(() => guardStep(opt, [f32([1, 1]), f32([Number.NaN])], 'throw')).toThrow(/grads\[1\]\[0\] is NaN/);
    expect(Array.from(p)).toEqual([1, 2]);
    const single = new SGD(f32([1, 1, 1]), { backend: 'js' });
    expect(() => guardStep(single, f32([0, 0, -Infinity]), 'throw')).toThrow(/grads\[2\] is -Infinity/);
  });

  it('steps anyway with policy propagate, letting NaN into the parameters', () => {
    const { p, opt } = setup();
    expect(guardStep(opt, [f32([Number.NaN, 1]), f32([1])], 'propagate')).toBe(true);
    expect(p[0]).toBeNaN();
    expect(opt.stepCount).toBe(1);
  });

  it('keeps its own counters in a NonFiniteGuard', () => {
    const { opt } = setup();
    const guard = new NonFiniteGuard(opt);
    guard.step([f32([Number.NaN, 1]), f32([1])]);
    guard.step([f32([1, 1]), f32([1])]);
    expect(guard.stats).toEqual({ applied: 1, skipped: 1, consecutiveSkipped: 0 });
    expect(() => new NonFiniteGuard(opt, 'ignore' as never)).toThrow(/policy must be one of propagate, skip, throw/);
    expect(() => new NonFiniteGuard({} as never)).toThrow(/opt must be an optimizer/);
  });
});

describe('WeightEMA', () => {
  it('starts from a copy of the parameters and moves toward them by (1 - decay) per update', () => {
    const p = f32([0, 10]);
    const ema = new WeightEMA(p, { decay: 0.9 });
    p.set([1, 0]);
    ema.update(p);
    ema.update(p);
    // shadow ← shadow − (1 − d)(shadow − p), each step rounded to float32.
    let s0 = 0, s1 = 10;
    for (let k = 0; k < 2; k++) {
      s0 = Math.fround(s0 - (1 - 0.9) * (s0 - 1));
      s1 = Math.fround(s1 - (1 - 0.9) * (s1 - 0));
    }
    expect(Array.from(ema.shadow[0]!)).toEqual([s0, s1]);
    expect(ema.updateCount).toBe(2);
  });

  it('uses decay 0.999 by default and min(decay, (1 + t) / (10 + t)) with warmup', () => {
    expect(new WeightEMA(f32([0])).decayAt(0)).toBe(0.999);
    const warm = new WeightEMA(f32([0]), { warmup: true });
    expect(warm.decayAt(0)).toBe(0.1);
    expect(warm.decayAt(10)).toBe(11 / 20);
    expect(warm.decayAt(100_000)).toBe(0.999);
    const p = f32([4]);
    const avg = new WeightEMA(p, { warmup: true });
    p[0] = 14;
    avg.update(p);
    expect(avg.shadow[0]![0]).toBe(Math.fround(4 - 0.9 * (4 - 14)));
  });

  it('averages out noise in the parameters', () => {
    const rng = new SeededRandom(10);
    const p = f32([0]);
    const ema = new WeightEMA(p, { decay: 0.99, warmup: true });
    for (let t = 0; t < 5000; t++) {
      p[0] = 5 + rng.normal();
      ema.update(p);
    }
    expect(ema.shadow[0]![0]).toBeCloseTo(5, 0);
    expect(Math.abs(ema.shadow[0]![0]! - 5)).toBeLessThan(0.3);
  });

  it('writes the average into parameters with copyTo', () => {
    const p = f32([1, 2]), q = f32([3]);
    const ema = new WeightEMA([p, q], { decay: 0.5 });
    p.set([3, 4]);
    ema.update([p, q]);
    ema.copyTo([p, q]);
    expect(Array.from(p)).toEqual([2, 3]);
    expect(Array.from(q)).toEqual([3]);
  });

  it('continues bit-identically from a state dict, which is a copy', () => {
    const rng = new SeededRandom(11);
    const p = f32([1, 2, 3]);
    const a = new WeightEMA(p, { decay: 0.95 });
    const walk = () => p.forEach((v, i) => (p[i] = v + rng.normal()));
    for (let t = 0; t < 10; t++) (walk(), a.update(p));
    const sd = a.stateDict();
    const b = new WeightEMA(f32([0, 0, 0]), { decay: 0.95 });
    b.loadStateDict(sd);
    sd.shadow[0]!.fill(123);
    for (let t = 0; t < 10; t++) (walk(), a.update(p), b.update(p));
    expect(Array.from(b.shadow[0]!)).toEqual(Array.from(a.shadow[0]!));
    expect(b.updateCount).toBe(20);
  });

  it('rejects bad options and mismatched arrays', () => {
    expect(() => new WeightEMA(f32([1]), { decay: 1.5 })).toThrow(/decay/);
    expect(() => new WeightEMA(f32([1]), { warmup: 1 as never })).toThrow(/warmup must be a boolean/);
    const ema = new WeightEMA([f32([1]), f32([1, 2])]);
    expect(() => ema.update([f32([1]), f32([1])])).toThrow(/params\[1\] has length 1, expected 2/);
    expect(() => ema.copyTo(f32([1]))).toThrow(/1 arrays, expected 2/);
    expect(() => ema.loadStateDict({ format: 'nope' } as never)).toThrow(TypeError);
  });
});

describe('GradientAccumulator', () => {
  it('is ready after k adds and takes the float32 mean', () => {
    const acc = new GradientAccumulator([f32([0, 0]), f32([0])], { steps: 3 });
    const gs = [[f32([0.1, 1]), f32([3])], [f32([0.2, 2]), f32([4])], [f32([0.7, 3]), f32([5])]];
    for (const [k, g] of gs.entries()) {
      expect(acc.ready).toBe(false);
      acc.add(g);
      expect(acc.count).toBe(k + 1);
    }
    expect(acc.ready).toBe(true);
    const [a, b] = acc.take();
    const sum = Math.fround(Math.fround(gs[0]![0]![0]! + gs[1]![0]![0]!) + gs[2]![0]![0]!);
    expect(a![0]).toBe(Math.fround(sum / 3));
    expect(a![1]).toBe(2);
    expect(b![0]).toBe(4);
    expect(acc.count).toBe(0);
    expect(acc.ready).toBe(false);
  });

  it('takes the sum when average is false', () => {
    const acc = new GradientAccumulator(f32([0]), { steps: 2, average: false });
    acc.add(f32([1.5]));
    acc.add(f32([2]));
    expect(Array.from(acc.take()[0]!)).toEqual([3.5]);
  });

  it('starts a fresh sum after take, in the same buffers', () => {
    const acc = new GradientAccumulator(f32([0]), { steps: 1 });
    acc.add(f32([5]));
    const first = acc.take();
    acc.add(f32([7]));
    const second = acc.take();
    expect(second[0]).toBe(first[0]);
    expect(second[0]![0]).toBe(7);
  });

  it('adds nothing for null gradients and averages a short last group over what was added', () => {
    const acc = new GradientAccumulator([f32([0]), f32([0])], { steps: 4 });
    acc.add([f32([2]), null]);
    acc.add([f32([4]), f32([6])]);
    const [a, b] = acc.take();
    expect(a![0]).toBe(3);
    expect(b![0]).toBe(3);
  });

  it('steps an optimizer like one step on the mean gradient of the micro-batches', () => {
    const p1 = f32([1, -1]), p2 = p1.slice();
    const o1 = new SGD(p1, { lr: 0.5, backend: 'js' }), o2 = new SGD(p2, { lr: 0.5, backend: 'js' });
    const acc = new GradientAccumulator(p1, { steps: 2 });
    acc.add(f32([1, 2]));
    acc.add(f32([3, 4]));
    o1.step(acc.take());
    o2.step(f32([2, 3]));
    expect(Array.from(p1)).toEqual(Array.from(p2));
  });

  it('refuses an add beyond k and a take with nothing added', () => {
    const acc = new GradientAccumulator(f32([0]), { steps: 1 });
    expect(() => acc.take()).toThrow(/nothing was added/);
    acc.add(f32([1]));
    expect(() => acc.add(f32([1]))).toThrow(/call take\(\) first/);
    acc.reset();
    expect(acc.count).toBe(0);
    expect(() => new GradientAccumulator(f32([0]), { steps: 0 })).toThrow(/steps/);
    expect(() => new GradientAccumulator(f32([0]), {} as never)).toThrow(/steps must be a number/);
    expect(() => new GradientAccumulator(f32([0]), { steps: 1 }).add(f32([1, 2]))).toThrow(/grads\[0\] has length 2, expected 1/);
  });
});

describe('gradientCheck', () => {
  // f(p) = Σ log(1 + exp(p_i)) + ½ (Σ p_i)², computed in double.
  const f = (p: Float32Array) => {
    let s = 0, t = 0;
    for (const x of p) {
      s += Math.log1p(Math.exp(x));
      t += x;
    }
    return s + 0.5 * t * t;
  };
  const grad = (p: Float32Array) => {
    const t = p.reduce((a, b) => a + b, 0);
    return p.map((x) => 1 / (1 + Math.exp(-x)) + t);
  };
  const point = (n: number) => {
    const rng = new SeededRandom(12);
    return Float32Array.from({ length: n }, () => rng.normal());
  };

  it('finds a correct gradient correct (relative error below 1e-4 in float32)', () => {
    const p = point(30);
    const r = gradientCheck(f, grad, p);
    expect(r.maxRelError).toBeLessThan(1e-4);
    expect(r.indices.length).toBe(30);
    expect(r.numeric.length).toBe(30);
    expect(r.analytic[3]).toBe(grad(p)[3]);
  });

  it('flags a wrong gradient and names the coordinate', () => {
    const p = point(30);
    const wrong = (q: Float32Array) => {
      const g = grad(q);
      g[17] = g[17]! * 1.1;
      return g;
    };
    const r = gradientCheck(f, wrong, p);
    expect(r.maxRelError).toBeGreaterThan(0.05);
    expect(r.worstIndex).toBe(17);
    expect(r.relErrors[17]).toBe(r.maxRelError);
  });

  it('never changes p', () => {
    const p = point(10), before = Array.from(p);
    gradientCheck(f, grad, p);
    expect(Array.from(p)).toEqual(before);
  });

  it('checks a seeded sample of maxCoords coordinates of a large parameter, or the given indices', () => {
    const p = point(5000);
    const a = gradientCheck(f, grad, p, { maxCoords: 20, seed: 1 });
    expect(a.indices.length).toBe(20);
    expect(new Set(a.indices).size).toBe(20);
    expect(Array.from(a.indices)).toEqual(Array.from(a.indices).sort((x, y) => x - y));
    expect(Array.from(gradientCheck(f, grad, p, { maxCoords: 20, seed: 1 }).indices)).toEqual(Array.from(a.indices));
    expect(Array.from(gradientCheck(f, grad, p, { maxCoords: 20, seed: 2 }).indices)).not.toEqual(Array.from(a.indices));
    expect(a.maxRelError).toBeLessThan(1e-4);
    const b = gradientCheck(f, grad, p, { indices: [4999, 0, 7] });
    expect(Array.from(b.indices)).toEqual([4999, 0, 7]);
  });

  it('divides by the float32 step actually taken, so large coordinates are checked accurately', () => {
    const p = f32([3000.7, -12345.6]);
    const sq = (q: Float32Array) => 0.5 * (q[0]! * q[0]! + q[1]! * q[1]!);
    expect(gradientCheck(sq, (q) => q.slice(), p).maxRelError).toBeLessThan(1e-9);
  });

  it('rejects bad arguments and non-finite losses', () => {
    const p = point(3);
    expect(() => gradientCheck(f, grad, p, { eps: 0 })).toThrow(/eps/);
    expect(() => gradientCheck(f, grad, p, { indices: [3] })).toThrow(/indices\[0\]/);
    expect(() => gradientCheck(f, () => f32([1]), p)).toThrow(/grad\(p\) has length 1, expected 3/);
    expect(() => gradientCheck(() => Number.NaN, grad, p)).toThrow(/f returned NaN/);
    expect(() => gradientCheck(f, grad, p, { eps: 1e-12 })).toThrow(/below float32 resolution/);
  });
});

describe('Curriculum', () => {
  const difficulty = [5, 1, 4, 2, 8, 3, 7, 6]; // example i has difficulty[i]
  const byDifficulty = [1, 3, 5, 2, 0, 7, 6, 4];

  it('orders examples easy to hard with the naive strategy', () => {
    const c = new Curriculum(difficulty);
    expect(Array.from(c.epochOrder(0))).toEqual(byDifficulty);
    expect(c.epochOrder(0)).toBeInstanceOf(Uint32Array);
  });

  it('grows the pool of easiest examples by step each epoch: min(1, start + e·step)', () => {
    const c = new Curriculum(Float32Array.from(difficulty), { start: 0.25, step: 0.25 });
    expect([0, 1, 2, 3, 4].map((e) => c.poolSize(e))).toEqual([2, 4, 6, 8, 8]);
    expect(Array.from(c.epochOrder(0))).toEqual(byDifficulty.slice(0, 2));
    expect(Array.from(c.epochOrder(2))).toEqual(byDifficulty.slice(0, 6));
    expect(c.poolFraction(10)).toBe(1);
  });

  it('rounds the pool up to whole examples without counting rounding error', () => {
    const c = new Curriculum(new Array<number>(10).fill(0), { start: 0.1, step: 0.1 });
    expect([0, 1, 2, 3, 5].map((e) => c.poolSize(e))).toEqual([1, 2, 3, 4, 6]);
    expect(new Curriculum([1, 2, 3], { start: 0.01 }).poolSize(0)).toBe(1);
  });

  it('takes difficulty as a function of the example index', () => {
    const c = new Curriculum((i) => difficulty[i]!, { size: difficulty.length });
    expect(Array.from(c.epochOrder(0))).toEqual(byDifficulty);
  });

  it('shuffles examples of equal difficulty differently each epoch, reproducibly for a seed', () => {
    const levels = Array.from({ length: 40 }, (_, i) => i % 2); // two levels of 20 examples
    const c = new Curriculum(levels, { seed: 3 });
    const e0 = Array.from(c.epochOrder(0)), e1 = Array.from(c.epochOrder(1));
    for (const order of [e0, e1]) {
      expect(order.slice(0, 20).every((i) => levels[i] === 0)).toBe(true);
      expect(order.slice(20).every((i) => levels[i] === 1)).toBe(true);
    }
    expect(e1).not.toEqual(e0);
    expect(Array.from(new Curriculum(levels, { seed: 3 }).epochOrder(1))).toEqual(e1);
    expect(Array.from(new Curriculum(levels, { seed: 4 }).epochOrder(1))).not.toEqual(e1);
  });

  it('mixes curriculum examples with uniform draws from all examples in each batch (combined)', () => {
    const n = 100;
    const scores = Array.from({ length: n }, (_, i) => i); // example i has difficulty i
    const c = new Curriculum(scores, { strategy: 'combined', start: 0.2, batchSize: 4, uniformRatio: 0.5, seed: 1 });
    const order = c.epochOrder(0);
    expect(order.length).toBe(40); // the 20-example pool once, plus as many uniform draws
    const curriculumPart: number[] = [], uniformPart: number[] = [];
    for (let b = 0; b < order.length; b += 4) {
      curriculumPart.push(order[b]!, order[b + 1]!);
      uniformPart.push(order[b + 2]!, order[b + 3]!);
    }
    expect(curriculumPart).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(new Set(uniformPart).size).toBe(20); // no repeats within a pass over the data
    expect(uniformPart.some((i) => i >= 20)).toBe(true); // hard examples appear from the start
    expect(Array.from(c.epochOrder(0))).toEqual(Array.from(order));
    expect(Array.from(c.epochOrder(1))).not.toEqual(Array.from(order));
  });

  it('keeps the uniform share in a shorter last batch and at least one curriculum example per batch', () => {
    const c = new Curriculum(Array.from({ length: 10 }, (_, i) => i), { strategy: 'combined', batchSize: 4, uniformRatio: 0.5 });
    // 10 pool examples, 2 per batch: 5 batches of 4.
    expect(c.epochOrder(0).length).toBe(20);
    const odd = new Curriculum(Array.from({ length: 5 }, (_, i) => i), { strategy: 'combined', batchSize: 6, uniformRatio: 1 / 3 });
    // 4 curriculum + 2 uniform per batch: one full batch, then 1 curriculum + round(0.5) = 1 uniform.
    expect(odd.epochOrder(0).length).toBe(8);
    const almostAll = new Curriculum([1, 2, 3], { strategy: 'combined', batchSize: 2, uniformRatio: 0.9 });
    expect(almostAll.epochOrder(0).length).toBe(6);
  });

  it('rejects bad difficulty scores and options', () => {
    expect(() => new Curriculum([1, 2, Number.NaN])).toThrow(/difficulty\[2\]/);
    expect(() => new Curriculum((i) => i)).toThrow(/size must be a number/);
    expect(() => new Curriculum([1, 2], { size: 3 })).toThrow(/size is 3/);
    expect(() => new Curriculum([1], { start: 0 })).toThrow(/start/);
    expect(() => new Curriculum([1], { uniformRatio: 1 })).toThrow(/uniformRatio/);
    expect(() => new Curriculum([1], { strategy: 'mix' as never })).toThrow(/strategy must be one of naive, combined/);
    expect(() => new Curriculum([1]).epochOrder(-1)).toThrow(/epoch/);
  });
});
