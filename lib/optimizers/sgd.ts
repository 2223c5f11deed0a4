/**
 * SGD with momentum (Qian 1999), Nesterov momentum (Nesterov 1983; Sutskever et al. 2013), dampening,
 * weight decay and maximize. Seed paper §4.1–4.2.
 * @packageDocumentation
 */
import { Optimizer, type KernelCall, type StateSpec } from './optimizer';
import type { CommonOptions, Compat, Params } from './types';
import { checkBoolean, checkNumber } from './validate';

/** Hyperparameters of {@link SGD}. */
export interface SGDHyper {
  /** Learning rate η. Default 1e-3 (torch, tfjs, paper), 0.01 (keras). */
  lr: number;
  /** Momentum factor γ (0 = plain SGD). Default 0. */
  momentum: number;
  /** Dampening of the gradient in the momentum buffer (torch only). Default 0. */
  dampening: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). Default false. */
  nesterov: boolean;
  /** L2 penalty added to the gradient (torch only). Default 0. */
  weightDecay: number;
  /** Ascend instead of descend. Default false. */
  maximize: boolean;
}

/** Options of {@link SGD}: any subset of {@link SGDHyper} plus `compat` and `backend`. */
export type SGDOptions = Partial<SGDHyper> & CommonOptions;

interface SgdScalars {
  sign: number; wd: number; decay: number; c1: number; c2: number; nmom: number; c3: number; nesterov: boolean;
}

/**
 * Stochastic gradient descent, optionally with (Nesterov) momentum.
 *
 * torch/tfjs: `b = γ b + (1 − dampening) g` (b = g on the first step), `θ -= η (nesterov ? g + γ b : b)`.
 * keras/paper: the velocity carries the learning rate: `v = γ v + η g`, `θ -= nesterov ? γ v + η g : v`.
 */
export class SGD extends Optimizer<SGDHyper, SgdScalars> {
  /**
   * @param params - parameters to update in place
   * @param options - hyperparameters; see {@link SGDHyper} for defaults
   */
  constructor(params: Params<SGDHyper>, options: SGDOptions = {}) {
    super('SGD', params, options);
  }

  protected defaults(compat: Compat): SGDHyper {
    return { lr: compat === 'keras' ? 0.01 : 1e-3, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, maximize: false };
  }

  protected checkOptions(o: SGDHyper, where: string): void {
    checkNumber(where, 'lr', o.lr, { min: 0 });
    checkNumber(where, 'momentum', o.momentum, { min: 0 });
    checkNumber(where, 'dampening', o.dampening, { min: 0, max: 1 });
    checkBoolean(where, 'nesterov', o.nesterov);
    checkNumber(where, 'weightDecay', o.weightDecay, { min: 0 });
    checkBoolean(where, 'maximize', o.maximize);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0))
      throw new RangeError(`${where}: nesterov needs momentum > 0 and dampening 0 (got momentum ${o.momentum}, dampening ${o.dampening})`);
    if (this.compat !== 'torch' && o.dampening !== 0)
      throw new RangeError(`${where}: dampening is a PyTorch option; compat '${this.compat}' has none (leave it 0)`);
    if ((this.compat === 'tfjs' || this.compat === 'keras') && o.weightDecay !== 0)
      throw new RangeError(`${where}: weightDecay is not part of ${this.compat}'s SGD; use compat 'torch' for L2 weight decay`);
  }

  protected stateSpec(o: SGDHyper): StateSpec[] {
    return o.momentum > 0 ? [{ name: 'momentumBuffer', init: 0 }] : [];
  }

  protected override initialScalars(): Record<string, number> {
    return { momentumStarted: 0 };
  }

  protected prepare(o: SGDHyper, _t: number, scalars: Record<string, number>): SgdScalars {
    const sign = o.maximize ? -1 : 1;
    const lrInside = this.compat === 'keras' || this.compat === 'paper';
    if (o.momentum <= 0) return { sign, wd: o.weightDecay, decay: 0, c1: 0, c2: 0, nmom: 0, c3: o.lr, nesterov: false };
    // PyTorch starts the buffer as a copy of the first gradient (no dampening); the zero-initialised
    // velocity of keras and the paper gives the same first step.
    const first = scalars.momentumStarted === 0 && !lrInside;
    scalars.momentumStarted = 1;
    return lrInside
      ? { sign, wd: o.weightDecay, decay: o.momentum, c1: o.lr, c2: o.lr, nmom: o.momentum, c3: 1, nesterov: o.nesterov }
      : { sign, wd: o.weightDecay, decay: first ? 0 : o.momentum, c1: first ? 1 : 1 - o.dampening, c2: 1,
        nmom: o.momentum, c3: o.lr, nesterov: o.nesterov };
  }

  protected kernelCall(s: SgdScalars): KernelCall {
    return { kernel: 'sgd', state: ['momentumBuffer'], scalars: [s.sign, s.wd, s.decay, s.c1, s.c2, s.nmom, s.c3, s.nesterov], sparse: true };
  }
}

/** SGD with momentum; `momentum` defaults to 0.9. Seed paper §4.1. */
export class Momentum extends SGD {
  /**
   * @param params - parameters to update in place
   * @param options - as {@link SGD}, with momentum 0.9 by default
   */
  constructor(params: Params<SGDHyper>, options: SGDOptions = {}) {
    super(params, { momentum: 0.9, ...options });
  }
}

/** Nesterov accelerated gradient: SGD with momentum 0.9 and `nesterov: true`. Seed paper §4.2. */
export class Nesterov extends SGD {
  /**
   * @param params - parameters to update in place
   * @param options - as {@link SGD}, with momentum 0.9 and nesterov true by default
   */
  constructor(params: Params<SGDHyper>, options: SGDOptions = {}) {
    super(params, { momentum: 0.9, nesterov: true, ...options });
  }
}
