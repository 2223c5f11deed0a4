/**
 * Cosine annealing (Loshchilov & Hutter 2017, SGDR), with and without warm restarts.
 * @packageDocumentation
 */
import { BaseSchedule } from './base';
import { checkNumber, checkOptionsObject } from './check';
import type { ScheduleTarget } from './target';

/** Options of {@link CosineAnnealingLR}. */
export interface CosineAnnealingLROptions {
  /** Steps from the base rate down to etaMin: half a cosine period (an integer >= 1). Required. */
  TMax: number;
  /** The lowest rate, >= 0 (same unit as lr). Default 0. */
  etaMin?: number;
}

/**
 * PyTorch's `CosineAnnealingLR`: `lr_t = etaMin + (lr_0 − etaMin)(1 + cos(π t / TMax)) / 2`, which
 * keeps following the cosine (back up) after TMax. `step()` uses PyTorch's recursive form, which
 * rescales the group's current rate: chained with another schedule it gives PyTorch's sequence,
 * not the closed form (`lrAt`), which holds only when this schedule alone sets the rate.
 */
export class CosineAnnealingLR extends BaseSchedule {
  /** See {@link CosineAnnealingLROptions.TMax}. */
  readonly TMax: number;
  /** See {@link CosineAnnealingLROptions.etaMin}. */
  readonly etaMin: number;

  /**
   * @param target - an optimizer, a {@link LearningRates} or `{ lr }`
   * @param options - see {@link CosineAnnealingLROptions} for defaults
   */
  constructor(target: ScheduleTarget, options: CosineAnnealingLROptions) {
    super('CosineAnnealingLR', target, options);
    const o = checkOptionsObject('CosineAnnealingLR', options, ['TMax', 'etaMin']);
    this.TMax = checkNumber('CosineAnnealingLR', 'TMax', o.TMax, { min: 1, integer: true });
    this.etaMin = checkNumber('CosineAnnealingLR', 'etaMin', o.etaMin ?? 0, { min: 0 });
    this.start();
  }

  protected chainLr(g: number, t: number, current: number): number {
    const T = this.TMax, eta = this.etaMin;
    if (t === 0) return current;
    // Where the cosine bottoms out the ratio below would divide by zero; PyTorch adds the first
    // step of the climb back from etaMin instead.
    if ((t - 1 - T) % (2 * T) === 0) return current + (this.baseLrs[g]! - eta) * (1 - Math.cos(Math.PI / T)) / 2;
    return (1 + Math.cos(Math.PI * t / T)) / (1 + Math.cos(Math.PI * (t - 1) / T)) * (current - eta) + eta;
  }

  protected closedLr(g: number, t: number): number {
    return this.etaMin + (this.baseLrs[g]! - this.etaMin) * (1 + Math.cos(Math.PI * t / this.TMax)) / 2;
  }
}

/** Options of {@link CosineAnnealingWarmRestarts}. */
export interface CosineAnnealingWarmRestartsOptions {
  /** Steps in the first cycle (an integer >= 1). Required. */
  T0: number;
  /** Growth factor of the cycle length after each restart (an integer >= 1). Default 1. */
  TMult?: number;
  /** The lowest rate, >= 0 (same unit as lr). Default 0. */
  etaMin?: number;
}

/**
 * PyTorch's `CosineAnnealingWarmRestarts` (SGDR): within a cycle of T_i steps,
 * `lr = etaMin + (lr_0 − etaMin)(1 + cos(π T_cur / T_i)) / 2`; at the end of a cycle the rate jumps
 * back to lr_0 and the next cycle is TMult times longer. Not chainable. PyTorch's `step(epoch)`
 * with fractional epochs is not offered: one `step()` is one step.
 */
export class CosineAnnealingWarmRestarts extends BaseSchedule {
  /** See {@link CosineAnnealingWarmRestartsOptions.T0}. */
  readonly T0: number;
  /** See {@link CosineAnnealingWarmRestartsOptions.TMult}. */
  readonly TMult: number;
  /** See {@link CosineAnnealingWarmRestartsOptions.etaMin}. */
  readonly etaMin: number;

  /**
   * @param target - an optimizer, a {@link LearningRates} or `{ lr }`
   * @param options - see {@link CosineAnnealingWarmRestartsOptions} for defaults
   */
  constructor(target: ScheduleTarget, options: CosineAnnealingWarmRestartsOptions) {
    super('CosineAnnealingWarmRestarts', target, options);
    const where = 'CosineAnnealingWarmRestarts';
    const o = checkOptionsObject(where, options, ['T0', 'TMult', 'etaMin']);
    this.T0 = checkNumber(where, 'T0', o.T0, { min: 1, integer: true });
    this.TMult = checkNumber(where, 'TMult', o.TMult ?? 1, { min: 1, integer: true });
    this.etaMin = checkNumber(where, 'etaMin', o.etaMin ?? 0, { min: 0 });
    this.start();
  }

  /** Position in the cycle after t steps: [T_cur, T_i], the integers PyTorch's step() keeps. */
  cyclePosition(t: number): [tCur: number, tI: number] {
    if (this.TMult === 1) return [t % this.T0, this.T0];
    let tCur = t, tI = this.T0;
    while (tCur >= tI) {
      tCur -= tI;
      tI *= this.TMult;
    }
    return [tCur, tI];
  }

  protected chainLr(g: number, t: number): number {
    return this.closedLr(g, t);
  }

  protected closedLr(g: number, t: number): number {
    const [tCur, tI] = this.cyclePosition(t);
    return this.etaMin + (this.baseLrs[g]! - this.etaMin) * (1 + Math.cos(Math.PI * tCur / tI)) / 2;
  }
}
