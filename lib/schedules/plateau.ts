/**
 * Threshold annealing (seed paper §3): lower the rate when the change in the objective between
 * epochs falls below a threshold for a while.
 * @packageDocumentation
 */
import { checkChoice, checkNumber, checkOptionsObject, checkPerGroup, describe } from './check';
import { HANDLE, checkStateHeader } from './internal';
import { type LearningRates, type SchedulableOptimizer, type ScheduleTarget, type TargetHandle, resolveTarget } from './target';
import type { LrScheduler, ScheduleStateDict } from './types';

/** Options of {@link ReduceLROnPlateau}. */
export interface ReduceLROnPlateauOptions {
  /** 'min': the metric should fall (a loss); 'max': it should rise (an accuracy). Default 'min'. */
  mode?: 'min' | 'max';
  /** Multiplier of the rate at a reduction, in [0, 1). Default 0.1. */
  factor?: number;
  /** Steps without improvement tolerated before a reduction (an integer >= 0). Default 10. */
  patience?: number;
  /** How much better than the best so far a metric must be to count as an improvement, >= 0. Default 1e-4. */
  threshold?: number;
  /**
   * 'rel': better than best · (1 ∓ threshold); 'abs': better than best ∓ threshold (− for 'min').
   * Default 'rel'.
   */
  thresholdMode?: 'rel' | 'abs';
  /** Steps after a reduction during which bad steps are not counted (an integer >= 0). Default 0. */
  cooldown?: number;
  /** Lower bound of the rate, per group or shared, >= 0. Default 0. */
  minLr?: number | readonly number[];
  /** A reduction smaller than eps (in rate units) is skipped, >= 0. Default 1e-8. */
  eps?: number;
}

/**
 * PyTorch's `ReduceLROnPlateau`. Each `step(metric)` compares the metric with the best so far; after
 * more than `patience` steps without an improvement beyond `threshold`, every group's rate is
 * multiplied by `factor` (not below `minLr`), then `cooldown` steps pass before bad steps count
 * again. Its rates depend on the metrics, so it has no `lrAt`. A NaN metric counts as no
 * improvement, as in PyTorch.
 */
export class ReduceLROnPlateau implements LrScheduler {
  /** The class name, used in messages and state dicts. */
  readonly name = 'ReduceLROnPlateau';
  /** See {@link ReduceLROnPlateauOptions.mode}. */
  readonly mode: 'min' | 'max';
  /** See {@link ReduceLROnPlateauOptions.factor}. */
  readonly factor: number;
  /** See {@link ReduceLROnPlateauOptions.patience}. */
  readonly patience: number;
  /** See {@link ReduceLROnPlateauOptions.threshold}. */
  readonly threshold: number;
  /** See {@link ReduceLROnPlateauOptions.thresholdMode}. */
  readonly thresholdMode: 'rel' | 'abs';
  /** See {@link ReduceLROnPlateauOptions.cooldown}. */
  readonly cooldown: number;
  /** The lower bound of each group's rate. */
  readonly minLrs: readonly number[];
  /** See {@link ReduceLROnPlateauOptions.eps}. */
  readonly eps: number;
  /** @internal */
  readonly [HANDLE]: TargetHandle;
  private bestSoFar: number;
  private badSteps = 0;
  private cooldownLeft = 0;
  private epoch = 0;
  private last: number[];
  private startLrs: number[];

  /**
   * @param target - an optimizer, a {@link LearningRates} or `{ lr }`
   * @param options - see {@link ReduceLROnPlateauOptions} for defaults
   */
  constructor(target: ScheduleTarget, options?: ReduceLROnPlateauOptions) {
    const w = 'ReduceLROnPlateau';
    const handle = resolveTarget(w, target);
    this[HANDLE] = handle;
    const o = checkOptionsObject(w, options, ['mode', 'factor', 'patience', 'threshold', 'thresholdMode', 'cooldown', 'minLr', 'eps']);
    this.mode = checkChoice(w, 'mode', o.mode ?? 'min', ['min', 'max']);
    this.factor = checkNumber(w, 'factor', o.factor ?? 0.1, { min: 0, max: 1, maxExclusive: true });
    this.patience = checkNumber(w, 'patience', o.patience ?? 10, { min: 0, integer: true });
    this.threshold = checkNumber(w, 'threshold', o.threshold ?? 1e-4, { min: 0 });
    this.thresholdMode = checkChoice(w, 'thresholdMode', o.thresholdMode ?? 'rel', ['rel', 'abs']);
    this.cooldown = checkNumber(w, 'cooldown', o.cooldown ?? 0, { min: 0, integer: true });
    this.minLrs = checkPerGroup(w, 'minLr', o.minLr ?? 0, handle.groupCount, { min: 0 });
    this.eps = checkNumber(w, 'eps', o.eps ?? 1e-8, { min: 0 });
    this.bestSoFar = this.worst;
    this.last = handle.lrs();
    this.startLrs = [...this.last];
  }

  /** {@inheritDoc LrScheduler.target} */
  get target(): SchedulableOptimizer | LearningRates {
    return this[HANDLE].owner;
  }

  /** {@inheritDoc LrScheduler.lastLr} */
  get lastLr(): number {
    return this.last[0]!;
  }

  /** {@inheritDoc LrScheduler.lastLrs} */
  get lastLrs(): readonly number[] {
    return [...this.last];
  }

  /** {@inheritDoc LrScheduler.stepCount} */
  get stepCount(): number {
    return this.epoch;
  }

  /** The best metric so far (±Infinity before the first step). */
  get best(): number {
    return this.bestSoFar;
  }

  /** Steps since the last improvement that count towards `patience`. */
  get numBadSteps(): number {
    return this.badSteps;
  }

  /** Steps of cooldown left. */
  get cooldownCounter(): number {
    return this.cooldownLeft;
  }

  /**
   * Feeds one value of the monitored metric (required), reduces the rates if it is time, and
   * returns group 0's rate.
   */
  step(metric?: number): number {
    if (typeof metric !== 'number')
      throw new TypeError(`ReduceLROnPlateau.step: metric must be a number (the monitored quantity, e.g. the validation loss), got ${describe(metric)}`);
    this.epoch += 1;
    if (this.isBetter(metric, this.bestSoFar)) {
      this.bestSoFar = metric;
      this.badSteps = 0;
    } else this.badSteps += 1;
    if (this.cooldownLeft > 0) {
      this.cooldownLeft -= 1;
      this.badSteps = 0;
    }
    if (this.badSteps > this.patience) {
      this.reduce();
      this.cooldownLeft = this.cooldown;
      this.badSteps = 0;
    }
    this.last = this[HANDLE].lrs();
    return this.last[0]!;
  }

  /** {@inheritDoc LrScheduler.stateDict} */
  stateDict(): ScheduleStateDict {
    const initial = this[HANDLE].initialLrs;
    return {
      format: 'descent.schedule',
      version: 1,
      schedule: this.name,
      stepCount: this.epoch,
      // The rates at construction: what this schedule reduces from.
      baseLrs: [...this.startLrs],
      lastLrs: [...this.last],
      initialLrs: initial && [...initial],
      // JSON has no Infinity: null stands for "no metric yet" (the worst value for the mode).
      state: {
        best: Number.isFinite(this.bestSoFar) ? this.bestSoFar : null,
        numBadSteps: this.badSteps,
        cooldownCounter: this.cooldownLeft,
      },
    };
  }

  /** {@inheritDoc LrScheduler.loadStateDict} */
  loadStateDict(sd: ScheduleStateDict): void {
    const where = `${this.name}.loadStateDict`;
    checkStateHeader(where, sd, this.name, this[HANDLE].groupCount);
    const st = sd.state;
    if (st === null || typeof st !== 'object') throw new TypeError(`${where}: state must be an object with best, numBadSteps and cooldownCounter`);
    if (st.best !== null && typeof st.best !== 'number') throw new TypeError(`${where}: state.best must be a number or null, got ${describe(st.best)}`);
    checkNumber(where, 'state.numBadSteps', st.numBadSteps, { min: 0, integer: true });
    checkNumber(where, 'state.cooldownCounter', st.cooldownCounter, { min: 0, integer: true });
    this.epoch = sd.stepCount;
    this.bestSoFar = st.best ?? this.worst;
    this.badSteps = st.numBadSteps as number;
    this.cooldownLeft = st.cooldownCounter as number;
    this.last = [...sd.lastLrs];
    this.startLrs = [...sd.baseLrs];
    this[HANDLE].setLrs(this.last);
  }

  private get worst(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  private isBetter(a: number, best: number): boolean {
    if (this.mode === 'min')
      return this.thresholdMode === 'rel' ? a < best * (1 - this.threshold) : a < best - this.threshold;
    return this.thresholdMode === 'rel' ? a > best * (this.threshold + 1) : a > best + this.threshold;
  }

  private reduce(): void {
    const h = this[HANDLE];
    const lrs = h.lrs().map((old, g) => {
      const next = Math.max(old * this.factor, this.minLrs[g]!);
      return old - next > this.eps ? next : old;
    });
    h.setLrs(lrs);
  }
}
