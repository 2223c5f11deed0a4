/**
 * AdaMax (Kingma & Ba 2015, §7.1): Adam with the infinity norm in place of the second moment.
 * @packageDocumentation
 */
import { Optimizer, type KernelCall, type StateSpec } from './optimizer';
import type { CommonOptions, Compat, Params } from './types';
import { checkBetas, checkBoolean, checkNumber } from './validate';

/** Hyperparameters of {@link AdaMax}. */
export interface AdaMaxHyper {
  /** Learning rate α. Default 2e-3 (torch, tfjs, paper), 1e-3 (keras). */
  lr: number;
  /** [β1, β2], each in [0, 1). Default [0.9, 0.999]. */
  betas: [number, number];
  /**
   * Term that keeps the denominator positive. torch: `u = max(β2 u, |g| + ε)`, default 1e-8.
   * tfjs, keras: `θ -= … m / (u + ε)`, default 1e-7. paper: none (default 0; where u = 0, which
   * means every gradient so far was 0, the update is 0).
   */
  eps: number;
  /** L2 penalty added to the gradient (torch, paper). Default 0. */
  weightDecay: number;
  /** Ascend instead of descend. Default false. */
  maximize: boolean;
}

/** Options of {@link AdaMax}. */
export type AdaMaxOptions = Partial<AdaMaxHyper> & CommonOptions;

interface AdamaxScalars { sign: number; wd: number; b1: number; oneMinusB1: number; b2: number; epsA: number; epsB: number; clr: number }

/** AdaMax: `m = β1 m + (1−β1) g`, `u = max(β2 u, |g|)`, `θ -= α/(1−β1ᵗ) · m / u`. */
export class AdaMax extends Optimizer<AdaMaxHyper, AdamaxScalars> {
  /**
   * @param params - parameters to update in place
   * @param options - hyperparameters; see {@link AdaMaxHyper} for defaults
   */
  constructor(params: Params<AdaMaxHyper>, options: AdaMaxOptions = {}) {
    super('AdaMax', params, options);
  }

  protected defaults(compat: Compat): AdaMaxHyper {
    const eps = compat === 'torch' ? 1e-8 : compat === 'paper' ? 0 : 1e-7;
    return { lr: compat === 'keras' ? 1e-3 : 2e-3, betas: [0.9, 0.999], eps, weightDecay: 0, maximize: false };
  }

  protected checkOptions(o: AdaMaxHyper, where: string): void {
    checkNumber(where, 'lr', o.lr, { min: 0 });
    checkBetas(where, o.betas);
    checkNumber(where, 'eps', o.eps, { min: 0 });
    checkNumber(where, 'weightDecay', o.weightDecay, { min: 0 });
    checkBoolean(where, 'maximize', o.maximize);
    if ((this.compat === 'tfjs' || this.compat === 'keras') && o.weightDecay !== 0)
      throw new RangeError(`${where}: weightDecay is not part of ${this.compat}'s AdaMax; use compat 'torch' for L2 weight decay`);
  }

  protected stateSpec(): StateSpec[] {
    return [{ name: 'expAvg', init: 0 }, { name: 'expInf', init: 0 }];
  }

  protected prepare(o: AdaMaxHyper, t: number): AdamaxScalars {
    const [b1, b2] = o.betas;
    const torch = this.compat === 'torch';
    return { sign: o.maximize ? -1 : 1, wd: o.weightDecay, b1, oneMinusB1: 1 - b1, b2, epsA: torch ? o.eps : 0, epsB: torch ? 0 : o.eps, clr: o.lr / (1 - b1 ** t) };
  }

  protected kernelCall(s: AdamaxScalars): KernelCall {
    return { kernel: 'adamax', state: ['expAvg', 'expInf'], scalars: [s.sign, s.wd, s.b1, s.oneMinusB1, s.b2, s.epsA, s.epsB, s.clr], sparse: false };
  }
}
