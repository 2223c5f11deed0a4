/**
 * Cyclical learning rates (Smith 2017): the rate moves between two bounds in triangles.
 * @packageDocumentation
 */
import { BaseSchedule } from './base';
import { checkChoice, checkFunction, checkNumber, checkOptionsObject, checkPerGroup } from './check';
import { HANDLE } from './internal';
import { resolveCycleMomentum } from './momentum';
import type { ScheduleTarget } from './target';

/** The amplitude policies of {@link CyclicLR}. */
export type CyclicMode = 'triangular' | 'triangular2' | 'exp_range';

/** Options of {@link CyclicLR}. */
export interface CyclicLROptions {
  /** Lower bound of the rate, per group or shared, >= 0. Also the rate set at construction. Required. */
  baseLr: number | readonly number[];
  /** Upper bound of the rate (the peak of the first cycle), per group or shared, >= 0. Required. */
  maxLr: number | readonly number[];
  /** Steps from baseLr up to the peak, > 0. Default 2000. */
  stepSizeUp?: number;
  /** Steps from the peak back down, >= 0. Default: stepSizeUp. */
  stepSizeDown?: number;
  /**
   * 'triangular': constant amplitude; 'triangular2': halved every cycle; 'exp_range': scaled by
   * gamma^t. Ignored when scaleFn is given. Default 'triangular'.
   */
  mode?: CyclicMode;
  /** Base of 'exp_range' (amplitude × gamma^t), > 0. Default 1. */
  gamma?: number;
  /** Custom amplitude factor in [0, 1], of the cycle number (from 1) or of t; replaces mode. Default none. */
  scaleFn?: (x: number) => number;
  /** What scaleFn receives: 'cycle' (the cycle number) or 'iterations' (t). Default 'cycle'. */
  scaleMode?: 'cycle' | 'iterations';
  /**
   * Cycle momentum inversely to the rate (maxMomentum at baseLr, baseMomentum at maxLr), writing the
   * optimizer's `momentum` (SGD, RMSprop) or `betas[0]` (Adam family). Default: true when the
   * optimizer has one, false otherwise (PyTorch's default is true and it refuses targets without momentum).
   */
  cycleMomentum?: boolean;
  /** Momentum at the peak rate, per group or shared, in [0, 1). Default 0.8. */
  baseMomentum?: number | readonly number[];
  /** Momentum at the lowest rate, per group or shared, in [0, 1). Default 0.9. */
  maxMomentum?: number | readonly number[];
}

/**
 * PyTorch's `CyclicLR`. With `c = ⌊1 + t/(up+down)⌋` and `x` the position in the cycle,
 * `lr_t = baseLr + (maxLr − baseLr) · rise(x) · scale(c or t)`, where rise goes 0 → 1 over
 * stepSizeUp steps and back over stepSizeDown. Not chainable. Unlike PyTorch 1.13 (which needs a
 * `momentum` option), momentum cycling also drives `betas[0]` of the Adam family, as PyTorch 2.x does.
 */
export class CyclicLR extends BaseSchedule {
  /** The upper bound (maxLr) of each group. */
  readonly maxLrs: readonly number[];
  /** Whether momentum is cycled. */
  readonly cycleMomentum: boolean;
  private readonly totalSize: number;
  private readonly stepRatio: number;
  private readonly scale: (x: number) => number;
  private readonly scaleByCycle: boolean;
  private readonly baseMomenta: readonly number[];
  /** The lower bound (baseLr) of each group; kept apart from baseLrs, which PyTorch sets only after the initial step. */
  private readonly lowLrs: readonly number[];
  private readonly maxMomenta: readonly number[];

  /**
   * @param target - an optimizer, a {@link LearningRates} or `{ lr }`
   * @param options - see {@link CyclicLROptions} for defaults
   */
  constructor(target: ScheduleTarget, options: CyclicLROptions) {
    super('CyclicLR', target, options);
    const w = 'CyclicLR';
    const o = checkOptionsObject(w, options, [
      'baseLr', 'maxLr', 'stepSizeUp', 'stepSizeDown', 'mode', 'gamma', 'scaleFn', 'scaleMode',
      'cycleMomentum', 'baseMomentum', 'maxMomentum',
    ]);
    const groups = this.groupCount;
    this.lowLrs = checkPerGroup(w, 'baseLr', o.baseLr, groups, { min: 0 });
    this.maxLrs = checkPerGroup(w, 'maxLr', o.maxLr, groups, { min: 0 });
    const up = checkNumber(w, 'stepSizeUp', o.stepSizeUp ?? 2000, { min: 0, minExclusive: true });
    const down = o.stepSizeDown === undefined ? up : checkNumber(w, 'stepSizeDown', o.stepSizeDown, { min: 0 });
    this.totalSize = up + down;
    this.stepRatio = up / this.totalSize;
    const mode = checkChoice<CyclicMode>(w, 'mode', o.mode ?? 'triangular', ['triangular', 'triangular2', 'exp_range']);
    const gamma = checkNumber(w, 'gamma', o.gamma ?? 1, { min: 0, minExclusive: true });
    if (o.scaleFn !== undefined) {
      this.scale = checkFunction<(x: number) => number>(w, 'scaleFn', o.scaleFn);
      this.scaleByCycle = checkChoice(w, 'scaleMode', o.scaleMode ?? 'cycle', ['cycle', 'iterations']) === 'cycle';
    } else {
      if (o.scaleMode !== undefined) checkChoice(w, 'scaleMode', o.scaleMode, ['cycle', 'iterations']);
      this.scale = mode === 'triangular' ? () => 1 : mode === 'triangular2' ? (c) => 1 / 2 ** (c - 1) : (t) => gamma ** t;
      this.scaleByCycle = mode !== 'exp_range';
    }
    this.cycleMomentum = resolveCycleMomentum(w, this[HANDLE], o.cycleMomentum);
    this.baseMomenta = checkPerGroup(w, 'baseMomentum', o.baseMomentum ?? 0.8, groups, { min: 0, max: 1, maxExclusive: true });
    this.maxMomenta = checkPerGroup(w, 'maxMomentum', o.maxMomentum ?? 0.9, groups, { min: 0, max: 1, maxExclusive: true });
    // PyTorch sets each group's rate to baseLr before attaching, so a first schedule records it as initial_lr.
    this[HANDLE].setLrs(this.lowLrs);
    this.start();
    this.baseLrs = [...this.lowLrs];
  }

  /** Where step t sits: the rise in [0, 1] within its cycle and the amplitude factor. */
  private position(t: number): { rise: number; k: number } {
    const cycle = Math.floor(1 + t / this.totalSize);
    const x = 1 + t / this.totalSize - cycle;
    const rise = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    return { rise, k: this.scale(this.scaleByCycle ? cycle : t) };
  }

  protected chainLr(g: number, t: number): number {
    return this.closedLr(g, t);
  }

  protected closedLr(g: number, t: number): number {
    const { rise, k } = this.position(t);
    const lo = this.lowLrs[g]!;
    // PyTorch's association: base + ((max - base) * rise) * k.
    return lo + (this.maxLrs[g]! - lo) * rise * k;
  }

  protected override momenta(t: number): number[] | null {
    if (!this.cycleMomentum) return null;
    const { rise, k } = this.position(t);
    return this.maxMomenta.map((hi, g) => hi - (hi - this.baseMomenta[g]!) * rise * k);
  }

  protected override replicaOptions(): object {
    return { ...super.replicaOptions(), cycleMomentum: false };
  }
}
