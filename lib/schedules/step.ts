/**
 * Step decay (seed paper §3, "annealing ... according to a pre-defined schedule"): the rate drops
 * by a factor every few steps ({@link StepLR}) or at given steps ({@link MultiStepLR}).
 * @packageDocumentation
 */
import { BaseSchedule } from './base';
import { checkNumber, checkOptionsObject, describe } from './check';
import type { ScheduleTarget } from './target';

/** Options of {@link StepLR}. */
export interface StepLROptions {
  /** Steps between decays (an integer >= 1). Required. */
  stepSize: number;
  /** Multiplier applied every `stepSize` steps, >= 0. Default 0.1. */
  gamma?: number;
}

/**
 * PyTorch's `StepLR`: `lr_t = lr_0 · gamma^⌊t / stepSize⌋`. Chainable: at every multiple of
 * stepSize it multiplies the group's current rate by gamma.
 */
export class StepLR extends BaseSchedule {
  /** See {@link StepLROptions.stepSize}. */
  readonly stepSize: number;
  /** See {@link StepLROptions.gamma}. */
  readonly gamma: number;

  /**
   * @param target - an optimizer, a {@link LearningRates} or `{ lr }`
   * @param options - see {@link StepLROptions} for defaults
   */
  constructor(target: ScheduleTarget, options: StepLROptions) {
    super('StepLR', target, options);
    const o = checkOptionsObject('StepLR', options, ['stepSize', 'gamma']);
    this.stepSize = checkNumber('StepLR', 'stepSize', o.stepSize, { min: 1, integer: true });
    this.gamma = checkNumber('StepLR', 'gamma', o.gamma ?? 0.1, { min: 0 });
    this.start();
  }

  protected chainLr(_g: number, t: number, current: number): number {
    return t === 0 || t % this.stepSize !== 0 ? current : current * this.gamma;
  }

  protected closedLr(g: number, t: number): number {
    return this.baseLrs[g]! * this.gamma ** Math.floor(t / this.stepSize);
  }
}

/** Options of {@link MultiStepLR}. */
export interface MultiStepLROptions {
  /** Steps at which the rate is multiplied by gamma: integers >= 0, any order; a repeated step decays once per repeat. Required. */
  milestones: readonly number[];
  /** Multiplier applied at each milestone, >= 0. Default 0.1. */
  gamma?: number;
}

/**
 * PyTorch's `MultiStepLR`: `lr_t = lr_0 · gamma^(number of milestones <= t)`. Chainable: at a
 * milestone it multiplies the group's current rate by gamma (per repeat of that milestone).
 */
export class MultiStepLR extends BaseSchedule {
  /** The milestones, sorted. */
  readonly milestones: readonly number[];
  /** See {@link MultiStepLROptions.gamma}. */
  readonly gamma: number;
  private readonly counts = new Map<number, number>();

  /**
   * @param target - an optimizer, a {@link LearningRates} or `{ lr }`
   * @param options - see {@link MultiStepLROptions} for defaults
   */
  constructor(target: ScheduleTarget, options: MultiStepLROptions) {
    super('MultiStepLR', target, options);
    const o = checkOptionsObject('MultiStepLR', options, ['milestones', 'gamma']);
    if (!Array.isArray(o.milestones))
      throw new TypeError(`MultiStepLR: milestones must be an array of step numbers, got ${describe(o.milestones)}`);
    const ms = o.milestones.map((m, i) => checkNumber('MultiStepLR', `milestones[${i}]`, m, { min: 0, integer: true }));
    this.milestones = [...ms].sort((a, b) => a - b);
    for (const m of ms) this.counts.set(m, (this.counts.get(m) ?? 0) + 1);
    this.gamma = checkNumber('MultiStepLR', 'gamma', o.gamma ?? 0.1, { min: 0 });
    this.start();
  }

  protected chainLr(_g: number, t: number, current: number): number {
    const n = this.counts.get(t);
    return n === undefined ? current : current * this.gamma ** n;
  }

  protected closedLr(g: number, t: number): number {
    let passed = 0;
    while (passed < this.milestones.length && this.milestones[passed]! <= t) passed++;
    return this.baseLrs[g]! * this.gamma ** passed;
  }
}
