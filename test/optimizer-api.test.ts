import { describe, expect, it } from 'vitest';
import { Adadelta, Adam, AdamW, Adagrad, Nadam, RMSprop, SGD, stateDictFromJSON, stateDictToJSON } from '../lib/index';
import { allOptimizers, quadraticGrad } from './helpers/optimizers';

const snapshot = (arrays: Float32Array[]) => arrays.map((a) => Array.from(a));

describe('every optimizer', () => {
  describe.each(allOptimizers)('%s', (_name, make) => {
    it('moves parameters downhill on a quadratic', () => {
      const p = new Float32Array([3, -2, 0.5, 4]);
      const opt = make(p, {});
      const before = quadraticGrad(p).reduce((s, g) => s + g * g, 0);
      for (let t = 0; t < 300; t++) opt.step(quadraticGrad(p));
      const after = quadraticGrad(p).reduce((s, g) => s + g * g, 0);
      expect(after).toBeLessThan(before);
      expect(opt.stepCount).toBe(300);
    });

    it('gives the same trajectory with the native and the js backend', () => {
      const a = new Float32Array([3, -2, 0.5, 4, 1, 2, 3]), b = a.slice();
      const na = make(a, { backend: 'native' }), nb = make(b, { backend: 'js' });
      for (let t = 0; t < 50; t++) {
        na.step(quadraticGrad(a));
        nb.step(quadraticGrad(b));
      }
      for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i]!, 4);
    });

    it('continues bit-identically from a state dict taken at step 50, also through JSON', () => {
      const p = new Float32Array([3, -2, 0.5, 4, 1, 2, 3, 9, -7]);
      const opt = make([p, p.subarray(0, 0).slice()], {});
      const grads = () => [quadraticGrad(p), new Float32Array(0)];
      for (let t = 0; t < 50; t++) opt.step(grads());
      const sd = opt.stateDict();
      const json = JSON.stringify(stateDictToJSON(sd));
      const p2 = p.slice(), p3 = p.slice();
      const fresh = make([p2, new Float32Array(0)], {});
      fresh.loadStateDict(sd);
      const fromJson = make([p3, new Float32Array(0)], {});
      fromJson.loadStateDict(stateDictFromJSON(json));
      for (let t = 0; t < 50; t++) {
        opt.step(grads());
        fresh.step([quadraticGrad(p2), new Float32Array(0)]);
        fromJson.step([quadraticGrad(p3), new Float32Array(0)]);
      }
      expect(Array.from(p2)).toEqual(Array.from(p));
      expect(Array.from(p3)).toEqual(Array.from(p));
      expect(fresh.stepCount).toBe(100);
    });

    it('throws TypeError for a Float64Array gradient and leaves every array unchanged', () => {
      const p = new Float32Array([1, 2]), q = new Float32Array([3, 4]);
      const opt = make([p, q], {});
      opt.step([new Float32Array([1, 1]), new Float32Array([1, 1])]);
      const before = snapshot([p, q]);
      const state = JSON.stringify(stateDictToJSON(opt.stateDict()));
      expect(() => opt.step([new Float32Array([1, 1]), new Float64Array([1, 1]) as unknown as Float32Array]))
        .toThrow(/grads\[1\] must be a Float32Array, got Float64Array/);
      expect(snapshot([p, q])).toEqual(before);
      expect(JSON.stringify(stateDictToJSON(opt.stateDict()))).toBe(state);
      expect(opt.stepCount).toBe(1);
    });

    it('throws RangeError for a gradient of the wrong length, naming it, with nothing changed', () => {
      const p = new Float32Array([1, 2, 3]);
      const opt = make(p, {});
      expect(() => opt.step(new Float32Array(2))).toThrow(/grads\[0\] has length 2, expected 3/);
      expect(Array.from(p)).toEqual([1, 2, 3]);
    });

    it('rejects negative, NaN and infinite hyperparameters with a RangeError naming them', () => {
      const p = new Float32Array(2);
      for (const lr of [-1, NaN, Infinity]) expect(() => make(p, { lr })).toThrow(/lr must be a finite number/);
      expect(() => make(p, { lr: '0.1' })).toThrow(TypeError);
      const opt = make(p, {});
      expect(() => { opt.lr = -0.5; }).toThrow(RangeError);
    });

    it('rejects unknown options such as learningRate with a TypeError', () => {
      expect(() => make(new Float32Array(2), { learningRate: 0.1 })).toThrow(/unknown option 'learningRate'/);
    });

    it('rejects empty and non-Float32Array params', () => {
      expect(() => make([], {})).toThrow(/params is empty/);
      expect(() => make(new Float64Array(3) as never, {})).toThrow(TypeError);
      expect(() => make([[1, 2]] as never, {})).toThrow(TypeError);
    });

    it('refuses a gradient that shares memory with its parameter', () => {
      const buf = new Float32Array(4);
      const opt = make(buf.subarray(0, 2), {});
      expect(() => opt.step(buf.subarray(1, 3))).toThrow(/shares memory/);
    });

    it('reports a detached parameter buffer instead of writing to it', () => {
      const p = new Float32Array(4);
      const opt = make(p, {});
      structuredClone(p.buffer, { transfer: [p.buffer] });
      expect(() => opt.step(new Float32Array(4))).toThrow(/params\[0\] now has length 0, was 4/);
    });

    it('reset() forgets all steps', () => {
      const p = new Float32Array([3, -2]), q = p.slice();
      const opt = make(p, {});
      for (let t = 0; t < 5; t++) opt.step(quadraticGrad(p));
      opt.reset();
      p.set(q);
      const fresh = make(q, {});
      opt.step(quadraticGrad(p));
      fresh.step(quadraticGrad(q));
      expect(Array.from(p)).toEqual(Array.from(q));
      expect(opt.stepCount).toBe(1);
    });
  });
});

describe('parameter groups and gradients', () => {
  it('a param group overrides the optimizer learning rate', () => {
    const a = new Float32Array([1]), b = new Float32Array([1]);
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1 });
    opt.step([new Float32Array([1]), new Float32Array([1])]);
    expect(a[0]).toBeCloseTo(0.9, 6);
    expect(b[0]).toBeCloseTo(0.5, 6);
    expect(opt.paramGroups[1]!.options.lr).toBe(0.5);
  });

  it('setting lr changes every group and is checked', () => {
    const opt = new Adam([{ params: [new Float32Array(1)] }, { params: [new Float32Array(1)], lr: 0.5 }]);
    opt.lr = 0.01;
    expect(opt.paramGroups.map((g) => g.options.lr)).toEqual([0.01, 0.01]);
  });

  it('a null gradient skips that parameter and its step count', () => {
    const a = new Float32Array([1]), b = new Float32Array([1]);
    const opt = new Adam([a, b], { lr: 0.1 });
    opt.step([new Float32Array([1]), null]);
    expect(a[0]).not.toBe(1);
    expect(b[0]).toBe(1);
    const sd = opt.stateDict();
    expect(sd.scalars.map((s) => s.step)).toEqual([1, 0]);
  });

  it('rejects two parameters that share memory', () => {
    const buf = new Float32Array(4);
    expect(() => new SGD([buf.subarray(0, 3), buf.subarray(2, 4)])).toThrow(/share memory/);
  });

  it('loadStateDict refuses a dict from another optimizer or shape and changes nothing', () => {
    const p = new Float32Array([1, 2]);
    const adam = new Adam(p);
    adam.step(new Float32Array([1, 1]));
    const sd = adam.stateDict();
    expect(() => new AdamW(new Float32Array(2)).loadStateDict(sd)).toThrow(/from Adam, not AdamW/);
    expect(() => new Adam(new Float32Array(3)).loadStateDict(sd)).toThrow(RangeError);
    const target = new Adam(new Float32Array(2));
    const broken = { ...sd, state: [{ expAvg: new Float32Array(1), expAvgSq: new Float32Array(2) }] };
    expect(() => target.loadStateDict(broken)).toThrow(/expAvg has length 1, expected 2/);
    expect(target.stepCount).toBe(0);
    expect(() => target.loadStateDict({} as never)).toThrow(TypeError);
  });

  it('AMSGrad state appears when amsgrad is switched on later', () => {
    const p = new Float32Array([1, 2]);
    const opt = new Adam(p);
    opt.step(new Float32Array([1, 1]));
    opt.setOption('amsgrad', true);
    opt.step(new Float32Array([1, 1]));
    expect(Object.keys(opt.stateOf(0))).toContain('maxExpAvgSq');
  });
});

describe('compat modes', () => {
  it('tfjs has no AdamW or Nadam and no weight decay: those throw RangeError', () => {
    const p = new Float32Array(2);
    expect(() => new AdamW(p, { compat: 'tfjs' })).toThrow(/no AdamW/);
    expect(() => new Nadam(p, { compat: 'tfjs' })).toThrow(/no Nadam/);
    expect(() => new Adagrad(p, { compat: 'tfjs', weightDecay: 0.1 })).toThrow(RangeError);
  });

  it("the paper's Adadelta has no learning rate", () => {
    expect(() => new Adadelta(new Float32Array(2), { compat: 'paper', lr: 0.5 })).toThrow(/no learning rate/);
  });

  it('an unknown compat mode is a RangeError', () => {
    expect(() => new Adam(new Float32Array(2), { compat: 'jax' as never })).toThrow(/compat must be one of/);
  });

  it('tfjs Adadelta takes exactly -lr*g on its first step', () => {
    const p = new Float32Array([1, 1]);
    new Adadelta(p, { compat: 'tfjs', lr: 0.1 }).step(new Float32Array([0.5, -2]));
    expect(p[0]).toBeCloseTo(1 - 0.05, 6);
    expect(p[1]).toBeCloseTo(1 + 0.2, 6);
  });

  it('keras RMSprop with momentum keeps lr inside the buffer: same first step as torch, different later', () => {
    const a = new Float32Array([1]), b = new Float32Array([1]);
    const k = new RMSprop(a, { compat: 'keras', lr: 0.01, momentum: 0.9, alpha: 0.9, eps: 0 });
    const t = new RMSprop(b, { lr: 0.01, momentum: 0.9, alpha: 0.9, eps: 0 });
    k.step(new Float32Array([1]));
    t.step(new Float32Array([1]));
    expect(a[0]).toBeCloseTo(b[0]!, 6);
    k.lr = 0.001;
    t.lr = 0.001;
    k.step(new Float32Array([1]));
    t.step(new Float32Array([1]));
    // torch rescales the whole buffer by the new lr; keras only the new contribution.
    expect(Math.abs(a[0]! - b[0]!)).toBeGreaterThan(1e-3);
  });
});

describe('Nesterov momentum', () => {
  it("the reformulated update equals the paper's eq. 5 with the gradient taken at θ − γv", () => {
    // Seed eq. 5: v_t = γ v_{t−1} + η ∇J(θ − γ v_{t−1}); θ = θ − v_t, on J = ½ Σ h_i (θ_i − c_i)².
    // Our Nesterov (and keras's, and torch's) tracks the look-ahead point; with the paper's
    // formulation (lr inside the velocity) the iterates are the look-ahead points θ − γ v.
    const gamma = 0.9, eta = 0.01, n = 5;
    const theta = new Float64Array([3, -2, 0.5, 4, 1]);
    const v = new Float64Array(n);
    const ours = new Float32Array(theta);
    const opt = new SGD(ours, { compat: 'paper', momentum: gamma, nesterov: true, lr: eta });
    for (let t = 0; t < 100; t++) {
      const look = theta.map((x, i) => x - gamma * v[i]!);
      const g = Float32Array.from(quadraticGrad(Float32Array.from(look)));
      for (let i = 0; i < n; i++) {
        v[i] = gamma * v[i]! + eta * g[i]!;
        theta[i] = theta[i]! - v[i]!;
      }
      opt.step(quadraticGrad(ours));
      // After the update, our parameters sit at the paper's next look-ahead point θ − γ v.
      for (let i = 0; i < n; i++) expect(ours[i]).toBeCloseTo(theta[i]! - gamma * v[i]!, 4);
    }
  });

  it('torch-style Nesterov follows the same path up to the scaling of the buffer by lr', () => {
    const a = new Float32Array([3, -2, 0.5]), b = a.slice();
    const torchStyle = new SGD(a, { lr: 0.01, momentum: 0.9, nesterov: true });
    const paper = new SGD(b, { compat: 'paper', lr: 0.01, momentum: 0.9, nesterov: true });
    for (let t = 0; t < 100; t++) {
      torchStyle.step(quadraticGrad(a));
      paper.step(quadraticGrad(b));
    }
    for (let i = 0; i < 3; i++) expect(a[i]).toBeCloseTo(b[i]!, 5);
  });
});

describe('sparse (lazy) steps', () => {
  it('update only the named coordinates and their state', () => {
    const p = new Float32Array([1, 2, 3, 4, 5]);
    const opt = new Adam(p, { lr: 0.1 });
    opt.stepSparse({ indices: [1, 3], values: new Float32Array([1, -1]) });
    expect(p[0]).toBe(1);
    expect(p[2]).toBe(3);
    expect(p[4]).toBe(5);
    expect(p[1]).toBeCloseTo(1.9, 5);
    expect(p[3]).toBeCloseTo(4.1, 5);
    expect(opt.stateOf(0).expAvg![0]).toBe(0);
  });

  it('sum repeated indices like PyTorch coalesce(), leaving the caller arrays as given', () => {
    const p = new Float32Array(4), q = new Float32Array(4);
    const idx = [3, 1, 3];
    const values = new Float32Array([1, 2, 0.5]);
    new Adagrad(p, { lr: 0.1 }).stepSparse({ indices: idx, values });
    new Adagrad(q, { lr: 0.1 }).step(new Float32Array([0, 2, 0, 1.5]));
    expect(Array.from(p)).toEqual(Array.from(q));
    expect(idx).toEqual([3, 1, 3]);
    expect(Array.from(values)).toEqual([1, 2, 0.5]);
  });

  it('update whole rows of a row-major matrix', () => {
    const w = new Float32Array(12).fill(1); // 4 rows × 3
    new SGD(w, { lr: 0.5 }).stepSparse({ indices: Int32Array.from([2]), values: new Float32Array([1, 2, 3]), rowLength: 3 });
    expect(Array.from(w)).toEqual([1, 1, 1, 1, 1, 1, 0.5, 0, -0.5, 1, 1, 1]);
  });

  it('reject out-of-range rows and unsupported optimizers clearly', () => {
    const p = new Float32Array(4);
    expect(() => new SGD(p).stepSparse({ indices: [4], values: new Float32Array(1) })).toThrow(/not an integer in \[0, 4\)/);
    expect(() => new Adadelta(p).stepSparse({ indices: [0], values: new Float32Array(1) })).toThrow(/not defined for this optimizer/);
    expect(() => new RMSprop(p).stepSparse({ indices: [0], values: new Float32Array(2) })).toThrow(/expected indices.length \* rowLength = 1/);
  });
});

describe('non-finite gradients', () => {
  describe.each(allOptimizers)('%s', (_name, make) => {
    it("with nonFinite 'skip' skips the whole step, counts it and changes nothing", () => {
      const a = new Float32Array([1, 2, 3]), b = new Float32Array(1000).fill(1);
      const opt = make([a, b], { nonFinite: 'skip' });
      opt.step([new Float32Array([1, 1, 1]), new Float32Array(1000).fill(1)]);
      const before = [Array.from(a), Array.from(b)];
      const state = JSON.stringify(stateDictToJSON(opt.stateDict()));
      const bad = new Float32Array(1000).fill(1);
      bad[777] = NaN;
      opt.step([new Float32Array([1, 1, 1]), bad]);
      expect([Array.from(a), Array.from(b)]).toEqual(before);
      expect(JSON.stringify(stateDictToJSON(opt.stateDict()))).toBe(state);
      expect(opt.stats).toEqual({ steps: 1, skipped: 1 });
    });

    it("with nonFinite 'throw' names the gradient and index of an Inf", () => {
      const a = new Float32Array([1, 2, 3]);
      const opt = make(a, { nonFinite: 'throw' });
      expect(() => opt.step(new Float32Array([1, -Infinity, 1]))).toThrow(/grads\[0\]\[1\] is -Infinity/);
      expect(Array.from(a)).toEqual([1, 2, 3]);
    });

    it("by default ('propagate') lets a NaN through, as PyTorch does", () => {
      const a = new Float32Array([1, 2]);
      make(a, {}).step(new Float32Array([NaN, 1]));
      expect(Number.isNaN(a[0])).toBe(true);
    });
  });

  it('rejects an unknown nonFinite mode', () => {
    expect(() => new Adam(new Float32Array(1), { nonFinite: 'ignore' as never })).toThrow(/nonFinite must be one of/);
  });
});
