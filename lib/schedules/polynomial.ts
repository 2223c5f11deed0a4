/**
 * Polynomial decay to zero over a fixed number of steps (seed paper §3's pre-defined annealing).
 * @packageDocumentation
 */
import { BaseSchedule } from './base';
import { checkNumber, checkOptionsObject } from './check';
import type { ScheduleTarget } from './target';

/** Options of {@link PolynomialLR}. */
export interface PolynomialLROptions {
  /** Steps until the rate reaches 0 (an integer >= 1). Default 5. */
  totalIters?: number;
  /** Exponent of the decay, >= 0. Default 1 (linear). */
  power?: number;
}

/**
 * PyTorch's `PolynomialLR`: `lr_t = lr_0 · (1 − min(t, totalIters) / totalIters)^power`, 0 from
 * step totalIters on. Chainable: each step multiplies the current rate by the ratio of
 * consecutive factors.
 */
export class PolynomialLR extends BaseSchedule {
  /** See {@link PolynomialLROptions.totalIters}. */
  readonly totalIters: number;
  /** See {@link PolynomialLROptions.power}. */
  readonly power: number;

  /**
   * @param target - an optimizer, a {@link LearningRates} or `{ lr }`
   * @param options - see {@link PolynomialLROptions} for defaults
   */
  constructor(target: ScheduleTarget, options?: PolynomialLROptions) {
    super('PolynomialLR', target, options);
    const o = checkOptionsObject('PolynomialLR', options, ['totalIters', 'power']);
    this.totalIters = checkNumber('PolynomialLR', 'totalIters', o.totalIters ?? 5, { min: 1, integer: true });
    this.power = checkNumber('PolynomialLR', 'power', o.power ?? 1, { min: 0 });
    this.start();
  }

  protected chainLr(_g: number, t: number, current: number): number {
    if (t === 0 || t > this.totalIters) return current;
    const n = this.totalIters;
    return current * ((1 - t / n) / (1 - (t - 1) / n)) ** this.power;
  }

  protected closedLr(g: number, t: number): number {
    return this.baseLrs[g]! * (1 - Math.min(this.totalIters, t) / this.totalIters) ** this.power;
  }
}
