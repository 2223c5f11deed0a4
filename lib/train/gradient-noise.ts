/**
 * Annealed Gaussian gradient noise (Neelakantan et al. 2015; seed paper §6.4, eq. 22–23):
 * `g ← g + N(0, σ_t²)` with `σ_t² = η / (1 + t)^γ`.
 * @packageDocumentation
 */
import { checkNumber } from '../optimizers/validate';
import { gradientArrays, optionsRecord, type GradientList } from './check';
import { SeededRandom, type RandomState } from './random';

export interface GradientNoiseOptions {
  /** η, the variance at t = 0 (squared gradient units). Default 0.3; the paper tries 0.01, 0.3 and 1. */
  eta?: number;
  /** γ, the decay exponent. Default 0.55, the paper's value. */
  gamma?: number;
  /** Seed of the noise stream (a safe integer ≥ 0). Default 0. */
  seed?: number;
}

/** Adds seeded, annealed Gaussian noise to gradients in place. */
export class GradientNoise {
  readonly eta: number;
  readonly gamma: number;
  readonly seed: number;
  private readonly rng: SeededRandom;

  constructor(options: GradientNoiseOptions = {}) {
    const where = 'GradientNoise';
    const o = optionsRecord<GradientNoiseOptions>(where, options, ['eta', 'gamma', 'seed']);
    this.eta = checkNumber(where, 'eta', o.eta ?? 0.3, { min: 0 });
    this.gamma = checkNumber(where, 'gamma', o.gamma ?? 0.55, { min: 0 });
    this.seed = checkNumber(where, 'seed', o.seed ?? 0, { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true });
    this.rng = new SeededRandom(this.seed);
  }

  /** σ_t² = η / (1 + t)^γ at training step t (t ≥ 0, usually the number of steps taken so far). */
  variance(t: number): number {
    checkNumber('GradientNoise.variance', 't', t, { min: 0 });
    return this.eta / Math.pow(1 + t, this.gamma);
  }

  /**
   * Adds an independent N(0, σ_t²) draw to every element, in list order, in place (each sum is
   * formed in double and rounded once to float32). `null` entries are skipped and consume no
   * draws. Returns `grads`.
   */
  apply<T extends GradientList>(grads: T, t: number): T {
    const where = 'GradientNoise.apply';
    const list = gradientArrays(where, 'grads', grads);
    checkNumber(where, 't', t, { min: 0 });
    const sigma = Math.sqrt(this.eta / Math.pow(1 + t, this.gamma));
    for (const g of list) {
      if (g === null) continue;
      for (let i = 0; i < g.length; i++) g[i] = g[i]! + sigma * this.rng.normal();
    }
    return grads;
  }

  /** The noise stream's state, to checkpoint with the rest of training. */
  state(): RandomState {
    return this.rng.state();
  }

  /** Continues the noise stream from a {@link GradientNoise.state | state()}. */
  setState(state: RandomState): void {
    this.rng.setState(state);
  }
}
