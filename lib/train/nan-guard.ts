/**
 * What to do with a gradient that holds NaN or ±Infinity: step anyway, skip the step (as Optax's
 * `apply_if_finite` does), or throw. A skipped step changes neither the parameters nor the
 * optimizer's state or step count.
 * @packageDocumentation
 */
import type { Optimizer } from '../optimizers/optimizer';
import { describe } from '../optimizers/validate';
import { gradientArrays, type GradientList } from './check';

/**
 * - `'propagate'`: step as usual; NaN and Infinity flow into the parameters (no scan, no cost).
 * - `'skip'`: leave parameters and optimizer state untouched and count the skip.
 * - `'throw'`: throw a RangeError naming the first bad element; nothing changes.
 */
export type NonFinitePolicy = 'propagate' | 'skip' | 'throw';

const POLICIES: readonly NonFinitePolicy[] = ['propagate', 'skip', 'throw'];

/** Where the first non-finite element is: `grads[array][index] === value`. */
export interface NonFiniteLocation {
  /** Position of the array in the list (0 for a single Float32Array). */
  array: number;
  index: number;
  value: number;
}

/** The first NaN or ±Infinity in list order, or null when every element is finite. */
export function findNonFinite(grads: GradientList): NonFiniteLocation | null {
  const list = gradientArrays('findNonFinite', 'grads', grads);
  for (let a = 0; a < list.length; a++) {
    const g = list[a];
    if (!g) continue;
    for (let i = 0; i < g.length; i++) {
      const v = g[i]!;
      // x − x is 0 for every finite x and NaN for NaN and ±Infinity: one subtraction, no call.
      if (v - v !== 0) return { array: a, index: i, value: v };
    }
  }
  return null;
}

/** True when any gradient element is NaN or ±Infinity. */
export function hasNonFinite(grads: GradientList): boolean {
  return findNonFinite(grads) !== null;
}

/** Counters a guard keeps; plain numbers, so they can be logged or checkpointed. */
export interface GuardStats {
  /** Steps that went through. */
  applied: number;
  /** Steps skipped for a non-finite gradient. */
  skipped: number;
  /** Skips since the last applied step (Optax's `notfinite_count`). */
  consecutiveSkipped: number;
}

/** Fresh counters, all zero. */
export function createGuardStats(): GuardStats {
  return { applied: 0, skipped: 0, consecutiveSkipped: 0 };
}

/** Anything with an optimizer's `step(grads)`. */
export type Steppable = Pick<Optimizer<{ lr: number }>, 'step'>;

function checkOptimizer(where: string, opt: unknown): Steppable {
  if (opt === null || typeof opt !== 'object' || typeof (opt as Steppable).step !== 'function')
    throw new TypeError(`${where}: opt must be an optimizer (an object with step(grads)), got ${describe(opt)}`);
  return opt as Steppable;
}

function checkPolicy(where: string, policy: unknown): NonFinitePolicy {
  if (!POLICIES.includes(policy as NonFinitePolicy))
    throw new RangeError(`${where}: policy must be one of ${POLICIES.join(', ')}, got ${String(policy)}`);
  return policy as NonFinitePolicy;
}

/**
 * Calls `opt.step(grads)` unless the policy says otherwise for a non-finite gradient.
 * @param policy - default `'skip'`
 * @param stats - counters to update (optional)
 * @returns true when the step was taken
 */
export function guardStep(opt: Steppable, grads: GradientList, policy: NonFinitePolicy = 'skip', stats?: GuardStats): boolean {
  const where = 'guardStep';
  checkOptimizer(where, opt);
  checkPolicy(where, policy);
  if (policy !== 'propagate') {
    const bad = findNonFinite(grads);
    if (bad !== null) {
      const name = grads instanceof Float32Array ? `grads[${bad.index}]` : `grads[${bad.array}][${bad.index}]`;
      if (policy === 'throw')
        throw new RangeError(`${where}: ${name} is ${bad.value}; the step was not taken (policy 'throw')`);
      if (stats) {
        stats.skipped++;
        stats.consecutiveSkipped++;
      }
      return false;
    }
  }
  opt.step(grads);
  if (stats) {
    stats.applied++;
    stats.consecutiveSkipped = 0;
  }
  return true;
}

/** An optimizer bound to a policy and its own counters. */
export class NonFiniteGuard {
  readonly stats: GuardStats = createGuardStats();
  readonly policy: NonFinitePolicy;
  readonly optimizer: Steppable;

  /** @param policy - default `'skip'` */
  constructor(optimizer: Steppable, policy: NonFinitePolicy = 'skip') {
    this.optimizer = checkOptimizer('NonFiniteGuard', optimizer);
    this.policy = checkPolicy('NonFiniteGuard', policy);
  }

  /** {@link guardStep} with this guard's optimizer, policy and counters. */
  step(grads: GradientList): boolean {
    return guardStep(this.optimizer, grads, this.policy, this.stats);
  }
}
