/**
 * Schedules made of schedules: {@link SequentialLR} (one after another, switching at milestones)
 * and {@link ChainedScheduler} (all at once, each scaling what the previous one set).
 * @packageDocumentation
 */
import { BaseSchedule } from './base';
import { checkGroup, checkNumber, checkOptionsObject, checkSteps, describe } from './check';
import {
  CHECK_STATE, HANDLE, LOAD_STATE, REINIT, REPLICATE, RESTART, SNAPSHOT, checkStateHeader, type TargetSnapshot,
} from './internal';
import { LearningRates, type SchedulableOptimizer, type ScheduleTarget, type TargetHandle, resolveTarget } from './target';
import type { Schedule, ScheduleStateDict } from './types';

/** What {@link ChainedScheduler} can chain: any schedule of this package except ReduceLROnPlateau. */
export type ChainableSchedule = BaseSchedule | SequentialLR | ChainedScheduler;

function isChainable(x: unknown): x is ChainableSchedule {
  return x instanceof BaseSchedule || x instanceof SequentialLR || x instanceof ChainedScheduler;
}

/**
 * The rate of `group` after t steps of `schedule`, found by replaying a fresh copy of it (and of
 * the schedules it wraps) on a scratch target that starts where the original's target started.
 */
function replayLr(schedule: SequentialLR | ChainedScheduler, t: number, group: number): number {
  const snap = schedule[SNAPSHOT];
  const scratch = new LearningRates(snap.lrs);
  resolveTarget(schedule.name, scratch).initialLrs = snap.initialLrs && [...snap.initialLrs];
  const copy = schedule[REPLICATE](scratch);
  for (let k = 0; k < t; k++) copy.step();
  return scratch.lrs[group]!;
}

/** The fields of a composite's state dict besides its children. */
function compositeState(name: string, handle: TargetHandle, stepCount: number, last: number[], children: ScheduleStateDict[]): ScheduleStateDict {
  const initial = handle.initialLrs;
  return {
    format: 'descent.schedule',
    version: 1,
    schedule: name,
    stepCount,
    baseLrs: initial ? [...initial] : [...last],
    lastLrs: [...last],
    initialLrs: initial && [...initial],
    children,
  };
}

function checkCompositeState(where: string, name: string, sd: ScheduleStateDict, children: readonly ChainableSchedule[], groups: number): void {
  checkStateHeader(where, sd, name, groups);
  if (!Array.isArray(sd.children) || sd.children.length !== children.length)
    throw new RangeError(`${where}: the state dict has ${Array.isArray(sd.children) ? sd.children.length : 'no'} child states, this ${name} wraps ${children.length} schedules`);
  children.forEach((c, i) => c[CHECK_STATE](sd.children![i]!));
}

/** Options of {@link SequentialLR}. */
export interface SequentialLROptions {
  /** The schedules, in order, all built on the same target as the SequentialLR. Required, at least one. */
  schedulers: readonly BaseSchedule[];
  /** The steps at which the next schedule takes over: schedulers.length − 1 increasing integers >= 1. Required. */
  milestones: readonly number[];
}

/**
 * PyTorch's `SequentialLR`: schedule k runs from milestone k−1 until milestone k. At construction
 * the rates go back to each group's `initial_lr` and the first schedule restarts; at a milestone the
 * next schedule restarts from step 0 of its closed form (from its base rate; MultiplicativeLR
 * continues from the current rate), then steps normally. Typical use: LinearLR warmup then
 * CosineAnnealingLR. Build the schedules on the same target first, then pass them here.
 */
export class SequentialLR implements Schedule {
  /** The class name, used in messages and state dicts. */
  readonly name = 'SequentialLR';
  /** The wrapped schedules, in order. */
  readonly schedulers: readonly BaseSchedule[];
  /** The steps at which the next schedule takes over. */
  readonly milestones: readonly number[];
  /** @internal */
  readonly [HANDLE]: TargetHandle;
  /** @internal */
  readonly [SNAPSHOT]: TargetSnapshot;
  private epoch = 0;
  private last: number[];

  /**
   * @param target - the optimizer (or LearningRates) every wrapped schedule drives
   * @param options - see {@link SequentialLROptions}
   */
  constructor(target: ScheduleTarget, options: SequentialLROptions) {
    const w = 'SequentialLR';
    const handle = resolveTarget(w, target);
    this[HANDLE] = handle;
    const o = checkOptionsObject(w, options, ['schedulers', 'milestones']);
    if (!Array.isArray(o.schedulers) || o.schedulers.length === 0)
      throw new TypeError(`${w}: schedulers must be a non-empty array of schedules, got ${describe(o.schedulers)}`);
    o.schedulers.forEach((s: unknown, i) => {
      if (!(s instanceof BaseSchedule))
        throw new TypeError(`${w}: schedulers[${i}] must be a schedule of this package (not SequentialLR, ChainedScheduler or ReduceLROnPlateau), got ${describe(s)}`);
      if (s[HANDLE] !== handle)
        throw new RangeError(`${w}: schedulers[${i}] drives a different target; build every schedule on the optimizer given to SequentialLR`);
    });
    if (!Array.isArray(o.milestones))
      throw new TypeError(`${w}: milestones must be an array of step numbers, got ${describe(o.milestones)}`);
    if (o.milestones.length !== o.schedulers.length - 1)
      throw new RangeError(`${w}: milestones must have one entry fewer than schedulers (${o.schedulers.length - 1}), got ${o.milestones.length}`);
    o.milestones.forEach((m, i) => {
      checkNumber(w, `milestones[${i}]`, m, { min: i === 0 ? 1 : o.milestones![i - 1]! + 1, integer: true });
    });
    this.schedulers = [...o.schedulers];
    this.milestones = [...o.milestones];
    this[SNAPSHOT] = this.schedulers[0]![SNAPSHOT];
    // PyTorch undoes the initial steps the schedules took when they were built.
    handle.setLrs(handle.initialLrs!);
    this.schedulers[0]![REINIT]();
    this.last = [...this.schedulers[0]!.lastLrs];
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

  /** {@inheritDoc LrScheduler.step} */
  step(_metric?: number): number {
    const t = this.epoch + 1;
    let idx = 0;
    while (idx < this.milestones.length && this.milestones[idx]! <= t) idx++;
    const s = this.schedulers[idx]!;
    if (idx > 0 && this.milestones[idx - 1] === t) s[RESTART]();
    else s.step();
    this.epoch = t;
    this.last = [...s.lastLrs];
    return this.last[0]!;
  }

  /** The rate after t steps, by replaying a copy of this schedule from the start: O(t). */
  lrAt(t: number, group = 0): number {
    checkSteps(`${this.name}.lrAt`, t);
    checkGroup(`${this.name}.lrAt`, group, this[HANDLE].groupCount);
    return replayLr(this, t, group);
  }

  /** {@inheritDoc LrScheduler.stateDict} */
  stateDict(): ScheduleStateDict {
    return compositeState(this.name, this[HANDLE], this.epoch, this.last, this.schedulers.map((s) => s.stateDict()));
  }

  /** {@inheritDoc LrScheduler.loadStateDict} */
  loadStateDict(sd: ScheduleStateDict): void {
    this[CHECK_STATE](sd);
    this[LOAD_STATE](sd);
  }

  /** @internal */
  [CHECK_STATE](sd: ScheduleStateDict): void {
    checkCompositeState(`${this.name}.loadStateDict`, this.name, sd, this.schedulers, this[HANDLE].groupCount);
  }

  /** @internal */
  [LOAD_STATE](sd: ScheduleStateDict): void {
    this.schedulers.forEach((s, i) => s[LOAD_STATE](sd.children![i]!));
    // The schedule active at the saved step wrote the target last (momentum included).
    let active = 0;
    while (active < this.milestones.length && this.milestones[active]! <= sd.stepCount) active++;
    this.schedulers[active]![LOAD_STATE](sd.children![active]!);
    this.epoch = sd.stepCount;
    this.last = [...sd.lastLrs];
    this[HANDLE].initialLrs = sd.initialLrs && [...sd.initialLrs];
    this[HANDLE].setLrs(this.last);
  }

  /** @internal */
  [REPLICATE](target: LearningRates): SequentialLR {
    return new SequentialLR(target, { schedulers: this.schedulers.map((s) => s[REPLICATE](target)), milestones: this.milestones });
  }
}

/**
 * PyTorch's `ChainedScheduler`: each `step()` steps every wrapped schedule in order, so chainable
 * schedules multiply their effects (e.g. a ConstantLR warmup times an ExponentialLR decay) and a
 * non-chainable one overrides those before it. Construction takes no step.
 */
export class ChainedScheduler implements Schedule {
  /** The class name, used in messages and state dicts. */
  readonly name = 'ChainedScheduler';
  /** The wrapped schedules, in the order they step. */
  readonly schedulers: readonly ChainableSchedule[];
  /** @internal */
  readonly [HANDLE]: TargetHandle;
  /** @internal */
  readonly [SNAPSHOT]: TargetSnapshot;
  private epoch = 0;
  private last: number[];

  /**
   * @param schedulers - at least one schedule, all on the same target
   */
  constructor(schedulers: readonly ChainableSchedule[]) {
    const w = 'ChainedScheduler';
    if (!Array.isArray(schedulers) || schedulers.length === 0)
      throw new TypeError(`${w}: schedulers must be a non-empty array of schedules, got ${describe(schedulers)}`);
    schedulers.forEach((s: unknown, i) => {
      if (!isChainable(s))
        throw new TypeError(`${w}: schedulers[${i}] must be a schedule of this package other than ReduceLROnPlateau, got ${describe(s)}`);
    });
    const handle = schedulers[0]![HANDLE];
    schedulers.forEach((s, i) => {
      if (s[HANDLE] !== handle)
        throw new RangeError(`${w}: schedulers[${i}] drives a different target than schedulers[0]; chain schedules of one optimizer`);
    });
    this[HANDLE] = handle;
    this[SNAPSHOT] = schedulers[0]![SNAPSHOT];
    this.schedulers = [...schedulers];
    this.last = handle.lrs();
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

  /** {@inheritDoc LrScheduler.step} */
  step(_metric?: number): number {
    for (const s of this.schedulers) s.step();
    this.epoch += 1;
    this.last = this[HANDLE].lrs();
    return this.last[0]!;
  }

  /** The rate after t steps, by replaying a copy of this schedule from the start: O(t). */
  lrAt(t: number, group = 0): number {
    checkSteps(`${this.name}.lrAt`, t);
    checkGroup(`${this.name}.lrAt`, group, this[HANDLE].groupCount);
    return replayLr(this, t, group);
  }

  /** {@inheritDoc LrScheduler.stateDict} */
  stateDict(): ScheduleStateDict {
    return compositeState(this.name, this[HANDLE], this.epoch, this.last, this.schedulers.map((s) => s.stateDict()));
  }

  /** {@inheritDoc LrScheduler.loadStateDict} */
  loadStateDict(sd: ScheduleStateDict): void {
    this[CHECK_STATE](sd);
    this[LOAD_STATE](sd);
  }

  /** @internal */
  [CHECK_STATE](sd: ScheduleStateDict): void {
    checkCompositeState(`${this.name}.loadStateDict`, this.name, sd, this.schedulers, this[HANDLE].groupCount);
  }

  /** @internal */
  [LOAD_STATE](sd: ScheduleStateDict): void {
    this.schedulers.forEach((s, i) => s[LOAD_STATE](sd.children![i]!));
    this.epoch = sd.stepCount;
    this.last = [...sd.lastLrs];
    this[HANDLE].initialLrs = sd.initialLrs && [...sd.initialLrs];
    this[HANDLE].setLrs(this.last);
  }

  /** @internal */
  [REPLICATE](target: LearningRates): ChainedScheduler {
    return new ChainedScheduler(this.schedulers.map((s) => s[REPLICATE](target)));
  }
}
