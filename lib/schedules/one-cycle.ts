/**
 * The 1cycle policy (Smith & Topin 2018, "super-convergence"): warm up to a peak rate, then anneal
 * far below the starting rate, over a fixed number of steps.
 * @packageDocumentation
 */
import { BaseSchedule } from './base';
import { checkBoolean, checkChoice, checkNumber, checkOptionsObject, checkPerGroup, describe } from './check';
import { HANDLE } from './internal';
import { resolveCycleMomentum } from './momentum';
import type { ScheduleTarget } from './target';

/** Options of {@link OneCycleLR}. Give `totalSteps`, or `epochs` and `stepsPerEpoch`. */
export interface OneCycleLROptions {
  /** The peak rate, per group or shared, > 0. Required. */
  maxLr: number | readonly number[];
  /** Steps in the cycle (an integer >= 1); `step()` may be called this many times. Default: epochs × stepsPerEpoch. */
  totalSteps?: number;
  /** Epochs (an integer >= 1), used with stepsPerEpoch when totalSteps is not given. */
  epochs?: number;
  /** Steps per epoch (an integer >= 1), used with epochs when totalSteps is not given. */
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent rising to maxLr, in [0, 1]. Default 0.3. */
  pctStart?: number;
  /** 'cos' (cosine) or 'linear' interpolation within each phase. Default 'cos'. */
  annealStrategy?: 'cos' | 'linear';
  /**
   * Cycle momentum inversely to the rate, writing the optimizer's `momentum` (SGD, RMSprop) or
   * `betas[0]` (Adam family). Default: true when the optimizer has one, false otherwise (PyTorch's
   * default is true and it refuses targets without momentum).
   */
  cycleMomentum?: boolean;
  /** Momentum at the peak rate, per group or shared, in [0, 1). Default 0.85. */
  baseMomentum?: number | readonly number[];
  /** Momentum at the start and end, per group or shared, in [0, 1). Default 0.95. */
  maxMomentum?: number | readonly number[];
  /** The starting rate is maxLr / divFactor, > 0. Default 25. */
  divFactor?: number;
  /** The final rate is the starting rate / finalDivFactor, > 0. Default 1e4. */
  finalDivFactor?: number;
  /**
   * Three phases (up, back down to the starting rate, then down to the final rate) as in the paper,
   * instead of fastai's two (up, then down to the final rate). Default false.
   */
  threePhase?: boolean;
}

type Level = 'initial' | 'max' | 'min';
type MomentumLevel = 'max' | 'base';
interface Phase {
  /** Last step of the phase (a float, as PyTorch computes it). */
  end: number;
  from: Level;
  to: Level;
  momentumFrom: MomentumLevel;
  momentumTo: MomentumLevel;
}

/**
 * PyTorch's `OneCycleLR`. The rate starts at maxLr/divFactor, rises to maxLr over pctStart of the
 * steps and anneals to maxLr/(divFactor·finalDivFactor) by step totalSteps − 1. It sets each
 * group's `initial_lr` to the starting rate (so later schedules on the same optimizer see it).
 * Not chainable. Stepping past totalSteps throws a RangeError, as PyTorch does. The last step
 * (t = totalSteps) extrapolates beyond the final rate as PyTorch's does, except that where PyTorch
 * would go below zero (linear anneal) the rate stops at 0.
 */
export class OneCycleLR extends BaseSchedule {
  /** Steps in the cycle. */
  readonly totalSteps: number;
  /** Whether momentum is cycled. */
  readonly cycleMomentum: boolean;
  private readonly phases: Phase[];
  private readonly levels: Record<Level, readonly number[]>;
  private readonly momentumLevels: Record<MomentumLevel, readonly number[]>;
  private readonly anneal: (from: number, to: number, pct: number) => number;

  /**
   * @param target - an optimizer, a {@link LearningRates} or `{ lr }`
   * @param options - see {@link OneCycleLROptions} for defaults
   */
  constructor(target: ScheduleTarget, options: OneCycleLROptions) {
    super('OneCycleLR', target, options);
    const w = 'OneCycleLR';
    const o = checkOptionsObject(w, options, [
      'maxLr', 'totalSteps', 'epochs', 'stepsPerEpoch', 'pctStart', 'annealStrategy', 'cycleMomentum',
      'baseMomentum', 'maxMomentum', 'divFactor', 'finalDivFactor', 'threePhase',
    ]);
    if (o.totalSteps !== undefined) this.totalSteps = checkNumber(w, 'totalSteps', o.totalSteps, { min: 1, integer: true });
    else if (o.epochs !== undefined || o.stepsPerEpoch !== undefined)
      this.totalSteps = checkNumber(w, 'epochs', o.epochs, { min: 1, integer: true }) *
        checkNumber(w, 'stepsPerEpoch', o.stepsPerEpoch, { min: 1, integer: true });
    else throw new TypeError(`${w}: give totalSteps, or epochs and stepsPerEpoch (got ${describe(options)} without them)`);
    const total = this.totalSteps;
    const pct = checkNumber(w, 'pctStart', o.pctStart ?? 0.3, { min: 0, max: 1 });
    const threePhase = checkBoolean(w, 'threePhase', o.threePhase ?? false);
    this.phases = threePhase
      ? [
        { end: pct * total - 1, from: 'initial', to: 'max', momentumFrom: 'max', momentumTo: 'base' },
        { end: 2 * pct * total - 2, from: 'max', to: 'initial', momentumFrom: 'base', momentumTo: 'max' },
        { end: total - 1, from: 'initial', to: 'min', momentumFrom: 'max', momentumTo: 'max' },
      ]
      : [
        { end: pct * total - 1, from: 'initial', to: 'max', momentumFrom: 'max', momentumTo: 'base' },
        { end: total - 1, from: 'max', to: 'min', momentumFrom: 'base', momentumTo: 'max' },
      ];
    // PyTorch divides by zero (and fails) when a phase it reaches has no length.
    const n = this.phases.length;
    if (this.phases[0]!.end === 0 || this.phases[n - 1]!.end === this.phases[n - 2]!.end)
      throw new RangeError(`${w}: pctStart ${pct} with totalSteps ${total}${threePhase ? ' and threePhase' : ''} gives a phase of zero steps; change pctStart or totalSteps`);
    const strategy = checkChoice(w, 'annealStrategy', o.annealStrategy ?? 'cos', ['cos', 'linear']);
    this.anneal = strategy === 'cos'
      ? (from, to, p) => to + (from - to) / 2 * (Math.cos(Math.PI * p) + 1)
      : (from, to, p) => (to - from) * p + from;
    const groups = this.groupCount;
    const maxLrs = checkPerGroup(w, 'maxLr', o.maxLr, groups, { min: 0, minExclusive: true });
    const div = checkNumber(w, 'divFactor', o.divFactor ?? 25, { min: 0, minExclusive: true });
    const finalDiv = checkNumber(w, 'finalDivFactor', o.finalDivFactor ?? 1e4, { min: 0, minExclusive: true });
    const initial = maxLrs.map((m) => m / div);
    this.levels = { initial, max: maxLrs, min: initial.map((x) => x / finalDiv) };
    this.cycleMomentum = resolveCycleMomentum(w, this[HANDLE], o.cycleMomentum);
    this.momentumLevels = {
      base: checkPerGroup(w, 'baseMomentum', o.baseMomentum ?? 0.85, groups, { min: 0, max: 1, maxExclusive: true }),
      max: checkPerGroup(w, 'maxMomentum', o.maxMomentum ?? 0.95, groups, { min: 0, max: 1, maxExclusive: true }),
    };
    this[HANDLE].initialLrs = [...initial];
    this.start();
  }

  protected override checkStep(t: number): void {
    if (t > this.totalSteps)
      throw new RangeError(`OneCycleLR: step ${t} is past the end of the cycle (totalSteps ${this.totalSteps}); construct it with more steps`);
  }

  /** The phase step t falls in and how far through it (0 → 1; beyond 1 at step totalSteps). */
  private locate(t: number): { phase: Phase; pct: number } {
    let start = 0;
    for (const [i, phase] of this.phases.entries()) {
      if (t <= phase.end || i === this.phases.length - 1) return { phase, pct: (t - start) / (phase.end - start) };
      start = phase.end;
    }
    throw new Error('unreachable: the last phase always matches');
  }

  protected chainLr(g: number, t: number): number {
    return this.closedLr(g, t);
  }

  protected closedLr(g: number, t: number): number {
    const { phase, pct } = this.locate(t);
    // At t = totalSteps PyTorch extrapolates past the final rate, below zero when that rate is tiny
    // and the anneal linear; a negative rate is no rate, so stop at 0.
    return Math.max(0, this.anneal(this.levels[phase.from][g]!, this.levels[phase.to][g]!, pct));
  }

  protected override momenta(t: number): number[] | null {
    if (!this.cycleMomentum) return null;
    const { phase, pct } = this.locate(t);
    const m = this.momentumLevels;
    return m.max.map((_, g) => this.anneal(m[phase.momentumFrom][g]!, m[phase.momentumTo][g]!, pct));
  }

  protected override replicaOptions(): object {
    return { ...super.replicaOptions(), cycleMomentum: false };
  }
}
