/**
 * The interfaces every learning-rate schedule implements, and its state dict.
 * @packageDocumentation
 */
import type { LearningRates, SchedulableOptimizer } from './target';

/**
 * Anything that sets learning rates step by step: every schedule of this package, including
 * {@link ReduceLROnPlateau}, whose rates depend on the metrics it is fed.
 *
 * A "step" is whatever you call `step()` after: an epoch or a batch. Call the optimizer's step
 * first, then the schedule's, as in PyTorch.
 */
export interface LrScheduler {
  /** What the schedule drives: the optimizer, or the {@link LearningRates} it was given or made. */
  readonly target: SchedulableOptimizer | LearningRates;
  /** The learning rate this schedule last set on group 0 (after construction: the starting rate). */
  readonly lastLr: number;
  /** The learning rate this schedule last set on each group (a copy). */
  readonly lastLrs: readonly number[];
  /** `step()` calls so far (PyTorch's `last_epoch`): 0 right after construction. */
  readonly stepCount: number;
  /**
   * Advances one step, writes the new learning rate of every group to the target and returns
   * group 0's. `metric` is the monitored quantity for {@link ReduceLROnPlateau}; the other
   * schedules accept and ignore it, so one loop can drive any of them.
   */
  step(metric?: number): number;
  /** Everything needed to continue exactly: a plain object (JSON-safe). */
  stateDict(): ScheduleStateDict;
  /**
   * Restores a state dict from {@link LrScheduler.stateDict} of a schedule of the same class and
   * group count, constructed with the same options. Everything is checked first; on error nothing
   * changes. It also writes the restored `lastLrs` to the target, so a schedule driving a bare
   * {@link LearningRates} continues exactly without a separate restore of the rates.
   */
  loadStateDict(sd: ScheduleStateDict): void;
}

/** A schedule fixed in advance: the learning rate after `t` steps is a function of `t` alone. */
export interface Schedule extends LrScheduler {
  /**
   * The learning rate of `group` (default 0) after `t` steps (`t` = 0 is the rate right after
   * construction), from the closed form where PyTorch has one. Pure: nothing changes. Standalone,
   * it equals what `step()` produces to within a few ulps (`step()` follows PyTorch's recursive
   * form, which also honours rates changed from outside, e.g. by a chained schedule).
   */
  lrAt(t: number, group?: number): number;
}

/** The state of a schedule: see {@link LrScheduler.stateDict}. */
export interface ScheduleStateDict {
  format: 'descent.schedule';
  version: 1;
  /** The class, e.g. `'StepLR'`. */
  schedule: string;
  /** `step()` calls so far. */
  stepCount: number;
  /** The per-group rates the schedule scales (PyTorch's `base_lrs`). */
  baseLrs: number[];
  /** The rates last set. */
  lastLrs: number[];
  /** The target's per-group `initial_lr` (PyTorch keeps it in the param groups), null if unset. */
  initialLrs: number[] | null;
  /** Scalar state beyond the step count (ReduceLROnPlateau's `best`, counters); null stands for ±Infinity. */
  state?: Record<string, number | null>;
  /** The state of each wrapped schedule (SequentialLR, ChainedScheduler). */
  children?: ScheduleStateDict[];
}
