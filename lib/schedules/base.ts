/**
 * The base class of the step-driven schedules: attaching to a target the way PyTorch's
 * `_LRScheduler` does (per-group `initial_lr`, an initial step at construction), stepping,
 * checking the rates before writing any, state dicts, and the hooks SequentialLR uses.
 * @packageDocumentation
 */
import { checkComputedLrs, checkGroup, checkSteps } from './check';
import {
  CHECK_STATE, HANDLE, LOAD_STATE, REINIT, REPLICATE, RESTART, SNAPSHOT, checkStateHeader, type TargetSnapshot,
} from './internal';
import { type LearningRates, type SchedulableOptimizer, type ScheduleTarget, type TargetHandle, resolveTarget } from './target';
import type { Schedule, ScheduleStateDict } from './types';

/**
 * Base class of every schedule except the composites and {@link ReduceLROnPlateau}. A subclass
 * supplies PyTorch's recursive rule (`chainLr`) and the closed form (`closedLr`), parses its
 * options in its constructor and ends the constructor with `this.start()`.
 */
export abstract class BaseSchedule implements Schedule {
  /** The class name, used in messages and state dicts. */
  readonly name: string;
  /** @internal */
  readonly [HANDLE]: TargetHandle;
  /** @internal */
  readonly [SNAPSHOT]: TargetSnapshot;
  /** The per-group rates the schedule scales (PyTorch's `base_lrs`): each group's `initial_lr`. */
  protected baseLrs: number[] = [];
  private readonly givenOptions: object | undefined;
  private epoch = -1;
  private last: number[] = [];

  /**
   * @param name - class name
   * @param target - optimizer, LearningRates or `{ lr }`
   * @param options - the options as given, kept to build replicas (see {@link SequentialLR.lrAt})
   */
  protected constructor(name: string, target: ScheduleTarget, options: object | undefined) {
    this.name = name;
    const handle = resolveTarget(name, target);
    this[HANDLE] = handle;
    this[SNAPSHOT] = { lrs: handle.lrs(), initialLrs: handle.initialLrs && [...handle.initialLrs] };
    this.givenOptions = options;
  }

  // ---- what a subclass supplies ----

  /**
   * PyTorch's `get_lr()`: the rate of `group` at step `t` given the rate it has now (`current`),
   * which chainable schedules scale so that changes made by other schedules carry over.
   */
  protected abstract chainLr(group: number, t: number, current: number): number;
  /** PyTorch's `_get_closed_form_lr()` (or `get_lr()` where that is already closed): the rate after t steps. */
  protected abstract closedLr(group: number, t: number): number;
  /** The rate at a SequentialLR milestone (PyTorch's `step(0)`): the closed form at 0 unless overridden. */
  protected restartLr(group: number, _current: number): number {
    return this.closedLr(group, 0);
  }
  /** The momentum of every group at step t when the schedule cycles momentum, else null. */
  protected momenta(_t: number): number[] | null {
    return null;
  }
  /** Throws when step t does not exist (OneCycleLR past its total steps). */
  protected checkStep(_t: number): void {}
  /** The options a replica is built with (see {@link REPLICATE}). */
  protected replicaOptions(): object | undefined {
    return this.givenOptions;
  }

  /** Attaches to the target (PyTorch's `setdefault('initial_lr', lr)`) and takes the initial step. */
  protected start(): void {
    const h = this[HANDLE];
    h.initialLrs ??= h.lrs();
    this.baseLrs = [...h.initialLrs];
    this.step();
  }

  /** Number of parameter groups of the target. */
  protected get groupCount(): number {
    return this[HANDLE].groupCount;
  }

  // ---- public API ----

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
    this.checkStep(t);
    const lrs = this[HANDLE].lrs().map((lr, g) => this.chainLr(g, t, lr));
    this.apply(lrs, t);
    return lrs[0]!;
  }

  /** {@inheritDoc Schedule.lrAt} */
  lrAt(t: number, group = 0): number {
    const where = `${this.name}.lrAt`;
    checkSteps(where, t);
    checkGroup(where, group, this.groupCount);
    this.checkStep(t);
    return this.closedLr(group, t);
  }

  /** {@inheritDoc LrScheduler.stateDict} */
  stateDict(): ScheduleStateDict {
    const initial = this[HANDLE].initialLrs;
    return {
      format: 'descent.schedule',
      version: 1,
      schedule: this.name,
      stepCount: this.epoch,
      baseLrs: [...this.baseLrs],
      lastLrs: [...this.last],
      initialLrs: initial && [...initial],
    };
  }

  /** {@inheritDoc LrScheduler.loadStateDict} */
  loadStateDict(sd: ScheduleStateDict): void {
    this[CHECK_STATE](sd);
    this[LOAD_STATE](sd);
  }

  // ---- hooks for the composites ----

  /** @internal */
  [CHECK_STATE](sd: ScheduleStateDict): void {
    const where = `${this.name}.loadStateDict`;
    checkStateHeader(where, sd, this.name, this.groupCount);
    this.checkStep(sd.stepCount);
  }

  /** @internal */
  [LOAD_STATE](sd: ScheduleStateDict): void {
    const h = this[HANDLE];
    this.epoch = sd.stepCount;
    this.baseLrs = [...sd.baseLrs];
    this.last = [...sd.lastLrs];
    h.initialLrs = sd.initialLrs && [...sd.initialLrs];
    h.setLrs(this.last);
    const m = this.momenta(this.epoch);
    if (m) h.momentum!.set(m);
  }

  /** @internal */
  [RESTART](): void {
    this.apply(this[HANDLE].lrs().map((lr, g) => this.restartLr(g, lr)), 0);
  }

  /** @internal */
  [REINIT](): void {
    this.epoch = -1;
    this.step();
  }

  /** @internal */
  [REPLICATE](target: LearningRates): BaseSchedule {
    const Ctor = this.constructor as new (target: ScheduleTarget, options: object | undefined) => BaseSchedule;
    return new Ctor(target, this.replicaOptions());
  }

  /** Checks every rate, then writes rates (and momenta) and records step t. */
  private apply(lrs: number[], t: number): void {
    checkComputedLrs(this.name, lrs, t);
    const m = this.momenta(t);
    const h = this[HANDLE];
    h.setLrs(lrs);
    if (m) h.momentum!.set(m);
    this.epoch = t;
    this.last = lrs;
  }
}
