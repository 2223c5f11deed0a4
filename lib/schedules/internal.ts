/**
 * Hooks the composite schedules call on the schedules they wrap. Symbol-keyed so they stay off the
 * public surface (index.ts does not export this module).
 * @internal
 * @packageDocumentation
 */
import type { ScheduleStateDict } from './types';
import { checkNumber, describe } from './check';

/** `[RESTART]()`: PyTorch's `scheduler.step(0)`, what SequentialLR does at a milestone. */
export const RESTART = Symbol('descent.schedule.restart');
/** `[REINIT]()`: PyTorch's `_initial_step()`, what SequentialLR does to its first schedule. */
export const REINIT = Symbol('descent.schedule.reinit');
/** `[REPLICATE](target)`: the same schedule, freshly constructed on another target. */
export const REPLICATE = Symbol('descent.schedule.replicate');
/** `[SNAPSHOT]`: the target's rates just before this schedule attached (for replays). */
export const SNAPSHOT = Symbol('descent.schedule.snapshot');
/** `[HANDLE]`: the shared target handle (identity tells whether two schedules share a target). */
export const HANDLE = Symbol('descent.schedule.handle');
/** `[CHECK_STATE](sd)` throws if `sd` cannot be loaded; `[LOAD_STATE](sd)` commits a checked one. */
export const CHECK_STATE = Symbol('descent.schedule.checkState');
export const LOAD_STATE = Symbol('descent.schedule.loadState');

/** The target's state before a schedule attached. */
export interface TargetSnapshot {
  lrs: number[];
  initialLrs: number[] | null;
}

/** Checks the fields every schedule state dict has; `where` names the schedule and method. */
export function checkStateHeader(where: string, sd: unknown, schedule: string, groups: number): asserts sd is ScheduleStateDict {
  if (sd === null || typeof sd !== 'object' || (sd as ScheduleStateDict).format !== 'descent.schedule')
    throw new TypeError(`${where}: expected a state dict from stateDict() (format 'descent.schedule'), got ${describe(sd)}`);
  const s = sd as ScheduleStateDict;
  if (s.version !== 1) throw new RangeError(`${where}: unsupported state dict version ${String(s.version)}`);
  if (s.schedule !== schedule) throw new TypeError(`${where}: the state dict is from ${String(s.schedule)}, not ${schedule}`);
  checkNumber(where, 'stepCount', s.stepCount, { min: 0, integer: true });
  checkLrList(where, 'baseLrs', s.baseLrs, groups);
  checkLrList(where, 'lastLrs', s.lastLrs, groups);
  if (s.initialLrs !== null) checkLrList(where, 'initialLrs', s.initialLrs, groups);
}

function checkLrList(where: string, name: string, v: unknown, groups: number): void {
  if (!Array.isArray(v) || v.length !== groups)
    throw new RangeError(`${where}: ${name} must be an array of ${groups} learning rates (one per group), got ${Array.isArray(v) ? `${v.length} values` : describe(v)}`);
  v.forEach((x, i) => checkNumber(where, `${name}[${i}]`, x, { min: 0 }));
}
