import { describe, expect, it } from 'vitest';
import { GradientNoise } from '../lib/train/gradient-noise';

/** Mean and (population) variance in double. */
function moments(a: Float32Array): { mean: number; variance: number } {
  let sum = 0;
  for (const v of a) sum += v;
  const mean = sum / a.length;
  let sq = 0;
  for (const v of a) sq += (v - mean) * (v - mean);
  return { mean, variance: sq / a.length };
}

describe('GradientNoise', () => {
  it('uses the paper defaults eta = 0.3 and gamma = 0.55 in sigma_t^2 = eta / (1 + t)^gamma', () => {
    const noise = new GradientNoise();
    expect(noise.eta).toBe(0.3);
    expect(noise.gamma).toBe(0.55);
    expect(noise.variance(0)).toBe(0.3);
    expect(noise.variance(1)).toBe(0.3 / Math.pow(2, 0.55));
    expect(noise.variance(99)).toBe(0.3 / Math.pow(100, 0.55));
    expect(new GradientNoise({ eta: 1, gamma: 1 }).variance(3)).toBe(0.25);
  });

  // 200 000 samples: the sample variance has a relative standard error of sqrt(2/n) = 0.32%, so
  // 2% is six standard errors; the fixed seed makes the outcome the same on every run anyway.
  it.each([0, 10, 100, 1000, 100000])('adds noise whose empirical variance at t = %i is eta / (1 + t)^gamma within 2%%', (t) => {
    const noise = new GradientNoise({ seed: 7 + t }); // a different stream per case
    const g = new Float32Array(200_000);
    noise.apply(g, t);
    const { mean, variance } = moments(g);
    const expected = 0.3 / Math.pow(1 + t, 0.55);
    expect(Math.abs(variance / expected - 1)).toBeLessThan(0.02);
    expect(Math.abs(mean)).toBeLessThan(5 * Math.sqrt(expected / g.length));
  });

  it('draws Gaussian noise: about 68.3% of draws within one sigma and 95.4% within two', () => {
    const noise = new GradientNoise({ eta: 1, seed: 3 });
    const g = noise.apply(new Float32Array(200_000), 0);
    const within = (k: number) => g.filter((v) => Math.abs(v) < k).length / g.length;
    expect(within(1)).toBeCloseTo(0.6827, 2);
    expect(within(2)).toBeCloseTo(0.9545, 2);
    expect(within(3)).toBeCloseTo(0.9973, 2);
  });

  it('adds to the gradient in place instead of replacing it', () => {
    const g = new Float32Array(100_000).fill(5);
    const same = new GradientNoise({ eta: 0.01, seed: 1 }).apply(g, 0);
    expect(same).toBe(g);
    expect(moments(g).mean).toBeCloseTo(5, 2);
    expect(g.some((v) => v !== 5)).toBe(true);
  });

  it('gives bit-identical noise for the same seed and different noise for different seeds', () => {
    const run = (seed: number) => {
      const noise = new GradientNoise({ seed });
      const g = new Float32Array(1000).fill(1);
      noise.apply(g, 0);
      noise.apply(g, 1);
      return Array.from(g);
    };
    expect(run(42)).toEqual(run(42));
    const a = run(42), b = run(43);
    expect(a.filter((v, i) => v === b[i]).length).toBeLessThan(5);
  });

  it('adds noise to every array of a list and skips null entries without consuming draws', () => {
    const a1 = new Float32Array(5), b1 = new Float32Array(7);
    new GradientNoise({ seed: 9 }).apply([a1, null, b1], 2);
    const a2 = new Float32Array(5), b2 = new Float32Array(7);
    new GradientNoise({ seed: 9 }).apply([a2, b2], 2);
    expect(Array.from(a1)).toEqual(Array.from(a2));
    expect(Array.from(b1)).toEqual(Array.from(b2));
    expect(b1.every((v) => v !== 0)).toBe(true);
  });

  it('continues the same noise stream after state() and setState(), also through JSON', () => {
    const original = new GradientNoise({ seed: 5 });
    original.apply(new Float32Array(11), 0); // odd count: a normal of the last pair is pending
    const saved = JSON.parse(JSON.stringify(original.state()));
    const next = original.apply(new Float32Array(20), 1);
    const resumed = new GradientNoise({ seed: 5 });
    resumed.setState(saved);
    expect(Array.from(resumed.apply(new Float32Array(20), 1))).toEqual(Array.from(next));
  });

  it('rejects bad options and arguments with errors that name them', () => {
    expect(() => new GradientNoise({ eta: -1 })).toThrow(RangeError);
    expect(() => new GradientNoise({ eta: -1 })).toThrow(/eta/);
    expect(() => new GradientNoise({ gamma: Number.NaN })).toThrow(/gamma/);
    expect(() => new GradientNoise({ seed: 1.5 })).toThrow(/seed/);
    expect(() => new GradientNoise({ sigma: 1 } as never)).toThrow(/unknown option 'sigma'/);
    const noise = new GradientNoise();
    expect(() => noise.apply(new Float32Array(2), -1)).toThrow(/t must be/);
    expect(() => noise.apply(new Float64Array(2) as unknown as Float32Array, 0)).toThrow(TypeError);
    expect(() => noise.variance(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
