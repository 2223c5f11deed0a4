/**
 * Exponential decay (seed paper §3): the rate shrinks by a constant factor every step.
 * @packageDocumentation
 */
import { BaseSchedule } from './base';
import { checkNumber, checkOptionsObject } from './check';
import type { ScheduleTarget } from './target';

/** Options of {@link ExponentialLR}. */
export interface ExponentialLROptions {
  /** Multiplier per step, >= 0. Required (PyTorch has no default). */
  gamma: number;
}

/** PyTorch's `ExponentialLR`: `lr_t = lr_0 · gamma^t`. Chainable: each step multiplies the current rate by gamma. */
export class ExponentialLR extends BaseSchedule {
  /** See {@link ExponentialLROptions.gamma}. */
  readonly gamma: number;

  /**
   * @param target - an optimizer, a {@link LearningRates} or `{ lr }`
   * @param options - see {@link ExponentialLROptions}
   */
  constructor(target: ScheduleTarget, options: ExponentialLROptions) {
    super('ExponentialLR', target, options);
    const o = checkOptionsObject('ExponentialLR', options, ['gamma']);
    this.gamma = checkNumber('ExponentialLR', 'gamma', o.gamma, { min: 0 });
    this.start();
  }

  protected chainLr(_g: number, t: number, current: number): number {
    return t === 0 ? current : current * this.gamma;
  }

  protected closedLr(g: number, t: number): number {
    return this.baseLrs[g]! * this.gamma ** t;
  }
}
