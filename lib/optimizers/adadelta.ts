/**
 * Adadelta (Zeiler 2012). Seed paper §4.4.
 * @packageDocumentation
 */
import { Optimizer, type KernelCall, type StateSpec } from './optimizer';
import type { CommonOptions, Compat, Params } from './types';
import { checkBoolean, checkNumber } from './validate';

/** Hyperparameters of {@link Adadelta}. */
export interface AdadeltaHyper {
  /** Scale of the update. Default 1.0 (torch; the paper has none and 'paper' requires 1), 0.001 (tfjs, keras). */
  lr: number;
  /** Decay γ of both running averages. Default 0.9 (torch, paper), 0.95 (tfjs, keras). */
  rho: number;
  /** Term inside both roots. Default 1e-6 (torch, paper), 1e-7 (tfjs, keras). */
  eps: number;
  /** L2 penalty added to the gradient (torch only). Default 0. */
  weightDecay: number;
  /** Ascend instead of descend. Default false. */
  maximize: boolean;
}

/** Options of {@link Adadelta}. */
export type AdadeltaOptions = Partial<AdadeltaHyper> & CommonOptions;

interface AdadeltaScalars { sign: number; wd: number; rho: number; oneMinusRho: number; eps: number; lr: number; useOld: boolean }

/**
 * Adadelta: `E[g²] = ρE[g²] + (1−ρ)g²`, `Δ = √(E[Δ²] + ε) / √(E[g²] + ε) · g`,
 * `E[Δ²] = ρE[Δ²] + (1−ρ)Δ²`, `θ -= η Δ`. tfjs divides by the previous `E[g²]`, so its first step
 * is exactly `−η g`.
 */
export class Adadelta extends Optimizer<AdadeltaHyper, AdadeltaScalars> {
  /**
   * @param params - parameters to update in place
   * @param options - hyperparameters; see {@link AdadeltaHyper} for defaults
   */
  constructor(params: Params<AdadeltaHyper>, options: AdadeltaOptions = {}) {
    super('Adadelta', params, options);
  }

  protected defaults(compat: Compat): AdadeltaHyper {
    const tf = compat === 'tfjs' || compat === 'keras';
    return { lr: tf ? 0.001 : 1.0, rho: tf ? 0.95 : 0.9, eps: tf ? 1e-7 : 1e-6, weightDecay: 0, maximize: false };
  }

  protected checkOptions(o: AdadeltaHyper, where: string): void {
    checkNumber(where, 'lr', o.lr, { min: 0 });
    checkNumber(where, 'rho', o.rho, { min: 0, max: 1 });
    checkNumber(where, 'eps', o.eps, { min: 0 });
    checkNumber(where, 'weightDecay', o.weightDecay, { min: 0 });
    checkBoolean(where, 'maximize', o.maximize);
    if (this.compat === 'paper' && o.lr !== 1)
      throw new RangeError(`${where}: the paper's Adadelta has no learning rate (lr must stay 1); use compat 'torch' to scale the update`);
    if (this.compat !== 'torch' && o.weightDecay !== 0)
      throw new RangeError(`${where}: weightDecay is not part of ${this.compat}'s Adadelta; use compat 'torch' for L2 weight decay`);
  }

  protected stateSpec(): StateSpec[] {
    return [{ name: 'squareAvg', init: 0 }, { name: 'accDelta', init: 0 }];
  }

  protected prepare(o: AdadeltaHyper): AdadeltaScalars {
    return { sign: o.maximize ? -1 : 1, wd: o.weightDecay, rho: o.rho, oneMinusRho: 1 - o.rho, eps: o.eps, lr: o.lr, useOld: this.compat === 'tfjs' };
  }

  protected kernelCall(s: AdadeltaScalars): KernelCall {
    return { kernel: 'adadelta', state: ['squareAvg', 'accDelta'], scalars: [s.sign, s.wd, s.rho, s.oneMinusRho, s.eps, s.lr, s.useOld], sparse: false };
  }
}
