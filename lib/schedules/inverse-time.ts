/**
 * Inverse-time decay, the 1/t schedule of stochastic approximation (Robbins & Monro 1951): seed
 * paper §3's "slowly decrease the learning rate", under which SGD converges almost surely.
 * @packageDocumentation
 */
import { BaseSchedule } from './base';
import { checkBoolean, checkNumber, checkOptionsObject } from './check';
import type { ScheduleTarget } from './target';

/** Options of {@link InverseTimeLR}. */
export interface InverseTimeLROptions {
  /** Decay rate d, >= 0. Required. */
  decayRate: number;
  /** Steps per unit of decay (TensorFlow's `decay_steps`), > 0. Default 1. */
  decaySteps?: number;
  /** Exponent p, >= 0 (1: the classic 1/t; Robbins–Monro needs 0.5 < p <= 1). Default 1. */
  power?: number;
  /** Decay in whole units of decaySteps (TensorFlow's `staircase`). Default false. */
  staircase?: boolean;
}

/**
 * `lr_t = lr_0 / (1 + d · s)^p` with `s = t / decaySteps` (floored when `staircase`): TensorFlow's
 * `InverseTimeDecay` with an exponent. PyTorch has no class for it; `LambdaLR` with
 * `lambda t: 1 / (1 + d*t)**p` gives the same rates. Not chainable: it sets the rate from the
 * base rate, like LambdaLR.
 */
export class InverseTimeLR extends BaseSchedule {
  /** See {@link InverseTimeLROptions.decayRate}. */
  readonly decayRate: number;
  /** See {@link InverseTimeLROptions.decaySteps}. */
  readonly decaySteps: number;
  /** See {@link InverseTimeLROptions.power}. */
  readonly power: number;
  /** See {@link InverseTimeLROptions.staircase}. */
  readonly staircase: boolean;

  /**
   * @param target - an optimizer, a {@link LearningRates} or `{ lr }`
   * @param options - see {@link InverseTimeLROptions} for defaults
   */
  constructor(target: ScheduleTarget, options: InverseTimeLROptions) {
    super('InverseTimeLR', target, options);
    const o = checkOptionsObject('InverseTimeLR', options, ['decayRate', 'decaySteps', 'power', 'staircase']);
    this.decayRate = checkNumber('InverseTimeLR', 'decayRate', o.decayRate, { min: 0 });
    this.decaySteps = checkNumber('InverseTimeLR', 'decaySteps', o.decaySteps ?? 1, { min: 0, minExclusive: true });
    this.power = checkNumber('InverseTimeLR', 'power', o.power ?? 1, { min: 0 });
    this.staircase = checkBoolean('InverseTimeLR', 'staircase', o.staircase ?? false);
    this.start();
  }

  protected chainLr(g: number, t: number): number {
    return this.closedLr(g, t);
  }

  protected closedLr(g: number, t: number): number {
    const s = this.staircase ? Math.floor(t / this.decaySteps) : t / this.decaySteps;
    return this.baseLrs[g]! / (1 + this.decayRate * s) ** this.power;
  }
}
