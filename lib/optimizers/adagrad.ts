/**
 * Adagrad (Duchi, Hazan & Singer 2011). Seed paper §4.3.
 * @packageDocumentation
 */
import { Optimizer, type KernelCall, type StateSpec } from './optimizer';
import type { CommonOptions, Compat, Params } from './types';
import { checkBoolean, checkNumber } from './validate';

/** Hyperparameters of {@link Adagrad}. */
export interface AdagradHyper {
  /** Learning rate η. Default 0.01 (torch, tfjs, paper), 0.001 (keras). */
  lr: number;
  /** Learning-rate decay: step t uses η / (1 + (t − 1)·lrDecay) (torch). Default 0. */
  lrDecay: number;
  /** L2 penalty added to the gradient (torch, paper). Default 0. */
  weightDecay: number;
  /** Starting value of the sum of squared gradients. Default 0 (torch, paper), 0.1 (tfjs, keras). */
  initialAccumulatorValue: number;
  /** Term that keeps the denominator positive. Default 1e-10 (torch, outside the root), 1e-7 (tfjs, keras), 1e-8 (paper), inside the root. */
  eps: number;
  /** Ascend instead of descend. Default false. */
  maximize: boolean;
}

/** Options of {@link Adagrad}. */
export type AdagradOptions = Partial<AdagradHyper> & CommonOptions;

interface AdagradScalars { sign: number; wd: number; clr: number; epsIn: number; epsOut: number }

/**
 * Adagrad: `G += g²`, `θ -= η g / (√G + ε)` (torch) or `θ -= η g / √(G + ε)` (tfjs, keras, paper).
 */
export class Adagrad extends Optimizer<AdagradHyper, AdagradScalars> {
  /**
   * @param params - parameters to update in place
   * @param options - hyperparameters; see {@link AdagradHyper} for defaults
   */
  constructor(params: Params<AdagradHyper>, options: AdagradOptions = {}) {
    super('Adagrad', params, options);
  }

  protected defaults(compat: Compat): AdagradHyper {
    switch (compat) {
      case 'torch': return { lr: 0.01, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false };
      case 'tfjs': return { lr: 0.01, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0.1, eps: 1e-7, maximize: false };
      case 'keras': return { lr: 0.001, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0.1, eps: 1e-7, maximize: false };
      case 'paper': return { lr: 0.01, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-8, maximize: false };
    }
  }

  protected checkOptions(o: AdagradHyper, where: string): void {
    checkNumber(where, 'lr', o.lr, { min: 0 });
    checkNumber(where, 'lrDecay', o.lrDecay, { min: 0 });
    checkNumber(where, 'weightDecay', o.weightDecay, { min: 0 });
    checkNumber(where, 'initialAccumulatorValue', o.initialAccumulatorValue, { min: 0 });
    checkNumber(where, 'eps', o.eps, { min: 0 });
    checkBoolean(where, 'maximize', o.maximize);
    if ((this.compat === 'tfjs' || this.compat === 'keras') && o.weightDecay !== 0)
      throw new RangeError(`${where}: weightDecay is not part of ${this.compat}'s Adagrad; use compat 'torch' for L2 weight decay`);
  }

  protected stateSpec(o: AdagradHyper): StateSpec[] {
    return [{ name: 'sum', init: o.initialAccumulatorValue }];
  }

  protected prepare(o: AdagradHyper, t: number): AdagradScalars {
    const inside = this.compat !== 'torch';
    return {
      sign: o.maximize ? -1 : 1, wd: o.weightDecay, clr: o.lr / (1 + (t - 1) * o.lrDecay),
      epsIn: inside ? o.eps : 0, epsOut: inside ? 0 : o.eps,
    };
  }

  protected kernelCall(s: AdagradScalars): KernelCall {
    return { kernel: 'adagrad', state: ['sum'], scalars: [s.sign, s.wd, s.clr, s.epsIn, s.epsOut], sparse: true };
  }
}
