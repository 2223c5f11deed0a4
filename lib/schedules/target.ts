/**
 * What a schedule drives: the parameter groups of an optimizer, or a bare list of learning rates
 * ({@link LearningRates}) when there is no optimizer.
 * @packageDocumentation
 */
import { checkNumber, describe } from './check';

/**
 * The part of an optimizer that a schedule uses. Every optimizer of this package qualifies
 * (`SGD`, `Adam`, ...). A schedule reads each group's `options.lr` and writes it with
 * `setOption('lr', value, group)`; `CyclicLR` and `OneCycleLR` also cycle `momentum` (SGD, RMSprop)
 * or `betas[0]` (the Adam family) when the groups have them.
 */
export interface SchedulableOptimizer {
  /** The parameter groups; each `options.lr` is that group's learning rate. */
  readonly paramGroups: ReadonlyArray<{ readonly options: { readonly lr: number } }>;
  /** Sets one hyperparameter of one group, checked by the optimizer. */
  setOption(key: 'lr', value: number, group?: number): void;
}

/**
 * A bare set of learning rates, one per parameter group, for driving a schedule without an
 * optimizer: read `lr`/`lrs` after each `schedule.step()` and use them however you like.
 *
 * @example
 * ```ts
 * const lrs = new LearningRates([0.1, 0.05]);
 * const warmup = new LinearLR(lrs, { startFactor: 0.1, totalIters: 5 });
 * const decay = new ExponentialLR(lrs, { gamma: 0.9 });
 * const schedule = new SequentialLR(lrs, { schedulers: [warmup, decay], milestones: [5] });
 * ```
 */
export class LearningRates {
  private readonly values: number[];

  /**
   * @param lr - the learning rate of each group (one number: one group). Each finite and >= 0.
   */
  constructor(lr: number | readonly number[]) {
    const list = typeof lr === 'number' ? [lr] : lr;
    if (!Array.isArray(list))
      throw new TypeError(`LearningRates: lr must be a number or an array of numbers (one per group), got ${describe(lr)}`);
    if (list.length === 0) throw new RangeError('LearningRates: lr is an empty array; give at least one group');
    this.values = list.map((v, i) => checkNumber('LearningRates', list === lr ? `lr[${i}]` : 'lr', v, { min: 0 }));
  }

  /** Number of parameter groups. */
  get groupCount(): number {
    return this.values.length;
  }

  /** The learning rate of group 0. */
  get lr(): number {
    return this.values[0]!;
  }

  /** Sets the learning rate of every group. */
  set lr(value: number) {
    this.setLr(value);
  }

  /** The learning rate of every group (a copy). */
  get lrs(): number[] {
    return [...this.values];
  }

  /** Sets the learning rate of one group, or of all groups when `group` is omitted. */
  setLr(value: number, group?: number): void {
    checkNumber('LearningRates', 'lr', value, { min: 0 });
    if (group === undefined) {
      this.values.fill(value);
      return;
    }
    checkNumber('LearningRates', 'group', group, { min: 0, max: this.values.length - 1, integer: true });
    this.values[group] = value;
  }
}

/**
 * The first argument of every schedule: an optimizer, a {@link LearningRates}, or `{ lr }`, which
 * is shorthand for `new LearningRates(lr)` (reach it later as `schedule.target`).
 */
export type ScheduleTarget = SchedulableOptimizer | LearningRates | { lr: number | readonly number[] };

/** How a schedule writes momentum: SGD/RMSprop's `momentum`, or `betas[0]` of the Adam family. */
export interface MomentumHandle {
  readonly kind: 'momentum' | 'betas';
  set(values: readonly number[]): void;
}

/**
 * The one view of a target that every schedule attached to it shares, so that PyTorch's per-group
 * `initial_lr` (set by the first schedule attached, read by later ones) has a single home.
 * @internal
 */
export interface TargetHandle {
  readonly owner: SchedulableOptimizer | LearningRates;
  readonly groupCount: number;
  lrs(): number[];
  /** Writes every group's learning rate; the caller has checked the values. */
  setLrs(values: readonly number[]): void;
  /** PyTorch's `param_group['initial_lr']`: null until a schedule attaches. */
  initialLrs: number[] | null;
  /** Null when the groups have neither `momentum` nor `betas`. */
  readonly momentum: MomentumHandle | null;
}

const handles = new WeakMap<object, TargetHandle>();

type LooseOptimizer = SchedulableOptimizer & {
  readonly paramGroups: ReadonlyArray<{ readonly options: Readonly<Record<string, unknown>> & { readonly lr: number } }>;
  setOption(key: string, value: unknown, group?: number): void;
};

function isOptimizer(x: object): x is SchedulableOptimizer {
  const o = x as Partial<SchedulableOptimizer>;
  return typeof o.setOption === 'function' && Array.isArray(o.paramGroups);
}

function optimizerHandle(opt: SchedulableOptimizer): TargetHandle {
  const loose = opt as LooseOptimizer;
  const first = loose.paramGroups[0]?.options ?? {};
  const groupCount = loose.paramGroups.length;
  let momentum: MomentumHandle | null = null;
  if (typeof first.momentum === 'number')
    momentum = {
      kind: 'momentum',
      set: (values) => values.forEach((v, g) => loose.setOption('momentum', v, g)),
    };
  else if (Array.isArray(first.betas))
    momentum = {
      kind: 'betas',
      set: (values) => {
        const groups = loose.paramGroups;
        values.forEach((v, g) => loose.setOption('betas', [v, ...(groups[g]!.options.betas as number[]).slice(1)], g));
      },
    };
  return {
    owner: opt,
    groupCount,
    lrs: () => loose.paramGroups.map((g) => g.options.lr),
    setLrs: (values) => values.forEach((v, g) => loose.setOption('lr', v, g)),
    initialLrs: null,
    momentum,
  };
}

function learningRatesHandle(lrs: LearningRates): TargetHandle {
  return {
    owner: lrs,
    groupCount: lrs.groupCount,
    lrs: () => lrs.lrs,
    setLrs: (values) => values.forEach((v, g) => lrs.setLr(v, g)),
    initialLrs: null,
    momentum: null,
  };
}

/**
 * The shared handle of a schedule's target (created on first use).
 * @internal
 */
export function resolveTarget(where: string, target: unknown): TargetHandle {
  if (target === null || typeof target !== 'object')
    throw new TypeError(`${where}: the first argument must be an optimizer, a LearningRates or { lr }, got ${describe(target)}`);
  const known = handles.get(target);
  if (known) return known;
  let handle: TargetHandle;
  if (target instanceof LearningRates) handle = learningRatesHandle(target);
  else if (isOptimizer(target)) {
    if (target.paramGroups.length === 0) throw new RangeError(`${where}: the optimizer has no parameter groups`);
    handle = optimizerHandle(target);
  } else if ('lr' in target && Object.keys(target).length === 1) {
    // The same { lr } object given to several schedules means one shared set of rates.
    handle = resolveTarget(where, new LearningRates((target as { lr: number | readonly number[] }).lr));
  } else
    throw new TypeError(`${where}: the first argument must be an optimizer, a LearningRates or { lr }, got ${describe(target)} with keys ${Object.keys(target).join(', ') || '(none)'}`);
  handles.set(target, handle);
  return handle;
}
