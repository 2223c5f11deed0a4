/**
 * RMSprop (Hinton, lecture 6e of Coursera's Neural Networks course). Seed paper §4.5.
 * @packageDocumentation
 */
import { Optimizer, type KernelCall, type StateSpec } from './optimizer';
import type { CommonOptions, Compat, Params } from './types';
import { checkBoolean, checkNumber } from './validate';

/** Hyperparameters of {@link RMSprop}. */
export interface RMSpropHyper {
  /** Learning rate η. Default 0.01 (torch), 0.001 (tfjs, keras, paper). */
  lr: number;
  /** Decay γ of the mean square (keras's `rho`, tfjs's `decay`). Default 0.99 (torch), 0.9 (tfjs, keras, paper). */
  alpha: number;
  /** Term in the denominator. Default 1e-8 (torch: outside the root; paper: inside), 1e-7 (tfjs, keras: inside). */
  eps: number;
  /** L2 penalty added to the gradient (torch, paper). Default 0. */
  weightDecay: number;
  /** Momentum factor. Default 0. */
  momentum: number;
  /** Divide by the centered second moment (an estimate of the variance). Default false. */
  centered: boolean;
  /** Ascend instead of descend. Default false. */
  maximize: boolean;
}

/** Options of {@link RMSprop}. */
export type RMSpropOptions = Partial<RMSpropHyper> & CommonOptions;

interface RmspropScalars {
  sign: number; wd: number; alpha: number; oneMinusAlpha: number; epsIn: number; epsOut: number; mom: number; c1: number; c3: number;
}

/**
 * RMSprop: `E[g²] = αE[g²] + (1−α)g²`, `θ -= η g / (√E[g²] + ε)` (torch; tfjs, keras and the paper put
 * ε inside the root). With momentum, torch keeps `b = μb + g/den` and steps `η b`; tfjs and keras keep
 * the learning rate inside the buffer.
 */
export class RMSprop extends Optimizer<RMSpropHyper, RmspropScalars> {
  /**
   * @param params - parameters to update in place
   * @param options - hyperparameters; see {@link RMSpropHyper} for defaults
   */
  constructor(params: Params<RMSpropHyper>, options: RMSpropOptions = {}) {
    super('RMSprop', params, options);
  }

  protected defaults(compat: Compat): RMSpropHyper {
    switch (compat) {
      case 'torch': return { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false };
      case 'tfjs':
      case 'keras': return { lr: 0.001, alpha: 0.9, eps: 1e-7, weightDecay: 0, momentum: 0, centered: false, maximize: false };
      case 'paper': return { lr: 0.001, alpha: 0.9, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false };
    }
  }

  protected checkOptions(o: RMSpropHyper, where: string): void {
    checkNumber(where, 'lr', o.lr, { min: 0 });
    checkNumber(where, 'alpha', o.alpha, { min: 0, max: 1 });
    checkNumber(where, 'eps', o.eps, { min: 0 });
    checkNumber(where, 'weightDecay', o.weightDecay, { min: 0 });
    checkNumber(where, 'momentum', o.momentum, { min: 0 });
    checkBoolean(where, 'centered', o.centered);
    checkBoolean(where, 'maximize', o.maximize);
    if ((this.compat === 'tfjs' || this.compat === 'keras') && o.weightDecay !== 0)
      throw new RangeError(`${where}: weightDecay is not part of ${this.compat}'s RMSprop; use compat 'torch' for L2 weight decay`);
  }

  protected stateSpec(o: RMSpropHyper): StateSpec[] {
    const out: StateSpec[] = [{ name: 'squareAvg', init: 0 }];
    if (o.centered) out.push({ name: 'gradAvg', init: 0 });
    if (o.momentum > 0) out.push({ name: 'momentumBuffer', init: 0 });
    return out;
  }

  protected prepare(o: RMSpropHyper): RmspropScalars {
    const sign = o.maximize ? -1 : 1;
    // Where ε goes: torch adds it after the root; keras and the paper inside; tfjs inside, but its
    // centered form computes √(E[g²] − (E[g]² + ε)), so ε is subtracted there.
    const epsIn = this.compat === 'torch' ? 0 : this.compat === 'tfjs' && o.centered ? -o.eps : o.eps;
    const epsOut = this.compat === 'torch' ? o.eps : 0;
    const lrInBuffer = o.momentum > 0 && this.compat !== 'torch';
    return { sign, wd: o.weightDecay, alpha: o.alpha, oneMinusAlpha: 1 - o.alpha, epsIn, epsOut, mom: o.momentum, c1: lrInBuffer ? o.lr : 1, c3: lrInBuffer ? 1 : o.lr };
  }

  protected kernelCall(s: RmspropScalars): KernelCall {
    return { kernel: 'rmsprop', state: ['squareAvg', 'gradAvg', 'momentumBuffer'], scalars: [s.sign, s.wd, s.alpha, s.oneMinusAlpha, s.epsIn, s.epsOut, s.mom, s.c1, s.c3], sparse: true };
  }
}
