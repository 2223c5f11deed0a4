/**
 * Constant schedules: {@link FixedLR} (the rate never changes) and PyTorch's {@link ConstantLR}
 * (a reduced rate for the first steps). Seed paper §3: the plain, un-annealed learning rate.
 * @packageDocumentation
 */
import { BaseSchedule } from './base';
import { checkNumber, checkOptionsObject } from './check';
import type { ScheduleTarget } from './target';

/** Options of {@link FixedLR}: none. */
export type FixedLROptions = Record<string, never>;

/**
 * Keeps every group at its base rate (the rate it had when the first schedule attached): the
 * trivial schedule, equal to PyTorch's `LambdaLR(opt, lambda t: 1)`. Useful as a SequentialLR
 * phase or as the default where a schedule is expected.
 */
export class FixedLR extends BaseSchedule {
  /**
   * @param target - an optimizer, a {@link LearningRates} or `{ lr }`
   * @param options - none
   */
  constructor(target: ScheduleTarget, options?: FixedLROptions) {
    super('FixedLR', target, options);
    checkOptionsObject('FixedLR', options, []);
    this.start();
  }

  protected chainLr(g: number): number {
    return this.baseLrs[g]!;
  }

  protected closedLr(g: number): number {
    return this.baseLrs[g]!;
  }
}

/** Options of {@link ConstantLR}. */
export interface ConstantLROptions {
  /** Multiplier of the rate before step `totalIters`, in (0, 1]. Default 1/3. */
  factor?: number;
  /** Steps at the reduced rate (an integer >= 1). Default 5. */
  totalIters?: number;
}

/**
 * PyTorch's `ConstantLR`: rate × `factor` for steps 0 … totalIters − 1, then the rate itself.
 * Chainable: it scales the group's current rate (× factor at step 0, ÷ factor at totalIters).
 * Unlike PyTorch, `factor` 0 is refused (PyTorch divides by it at totalIters).
 */
export class ConstantLR extends BaseSchedule {
  /** See {@link ConstantLROptions.factor}. */
  readonly factor: number;
  /** See {@link ConstantLROptions.totalIters}. */
  readonly totalIters: number;

  /**
   * @param target - an optimizer, a {@link LearningRates} or `{ lr }`
   * @param options - see {@link ConstantLROptions} for defaults
   */
  constructor(target: ScheduleTarget, options?: ConstantLROptions) {
    super('ConstantLR', target, options);
    const o = checkOptionsObject('ConstantLR', options, ['factor', 'totalIters']);
    this.factor = checkNumber('ConstantLR', 'factor', o.factor ?? 1 / 3, { min: 0, minExclusive: true, max: 1 });
    this.totalIters = checkNumber('ConstantLR', 'totalIters', o.totalIters ?? 5, { min: 1, integer: true });
    this.start();
  }

  protected chainLr(_g: number, t: number, current: number): number {
    if (t === 0) return current * this.factor;
    if (t !== this.totalIters) return current;
    return current * (1 / this.factor);
  }

  protected closedLr(g: number, t: number): number {
    return this.baseLrs[g]! * (this.factor + (t >= this.totalIters ? 1 - this.factor : 0));
  }
}
