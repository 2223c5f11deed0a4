/**
 * Linear change of the rate over the first steps: warmup (from a fraction of the rate up to it)
 * or linear decay.
 * @packageDocumentation
 */
import { BaseSchedule } from './base';
import { checkNumber, checkOptionsObject } from './check';
import type { ScheduleTarget } from './target';

/** Options of {@link LinearLR}. */
export interface LinearLROptions {
  /** Multiplier of the rate at step 0, in (0, 1]. Default 1/3. */
  startFactor?: number;
  /** Multiplier from step totalIters on, in [0, 1]. Default 1. */
  endFactor?: number;
  /** Steps over which the multiplier moves from startFactor to endFactor (an integer >= 1). Default 5. */
  totalIters?: number;
}

/**
 * PyTorch's `LinearLR`: `lr_t = lr_0 · (s + (e − s) · min(t, totalIters) / totalIters)`.
 * Chainable: each step multiplies the current rate by the ratio of consecutive factors. Unlike
 * PyTorch 1.13, startFactor 0 is refused (PyTorch divides by it; 2.x refuses it too).
 */
export class LinearLR extends BaseSchedule {
  /** See {@link LinearLROptions.startFactor}. */
  readonly startFactor: number;
  /** See {@link LinearLROptions.endFactor}. */
  readonly endFactor: number;
  /** See {@link LinearLROptions.totalIters}. */
  readonly totalIters: number;

  /**
   * @param target - an optimizer, a {@link LearningRates} or `{ lr }`
   * @param options - see {@link LinearLROptions} for defaults
   */
  constructor(target: ScheduleTarget, options?: LinearLROptions) {
    super('LinearLR', target, options);
    const o = checkOptionsObject('LinearLR', options, ['startFactor', 'endFactor', 'totalIters']);
    this.startFactor = checkNumber('LinearLR', 'startFactor', o.startFactor ?? 1 / 3, { min: 0, minExclusive: true, max: 1 });
    this.endFactor = checkNumber('LinearLR', 'endFactor', o.endFactor ?? 1, { min: 0, max: 1 });
    this.totalIters = checkNumber('LinearLR', 'totalIters', o.totalIters ?? 5, { min: 1, integer: true });
    this.start();
  }

  protected chainLr(_g: number, t: number, current: number): number {
    const s = this.startFactor, e = this.endFactor;
    if (t === 0) return current * s;
    if (t > this.totalIters) return current;
    return current * (1 + (e - s) / (this.totalIters * s + (t - 1) * (e - s)));
  }

  protected closedLr(g: number, t: number): number {
    const s = this.startFactor, e = this.endFactor;
    return this.baseLrs[g]! * (s + (e - s) * Math.min(this.totalIters, t) / this.totalIters);
  }
}
