/**
 * Adam (Kingma & Ba 2015; seed paper §4.6), AMSGrad (Reddi, Kale & Kumar 2018) and AdamW
 * (Loshchilov & Hutter 2019): one kernel, three classes.
 * @packageDocumentation
 */
import { Optimizer, type KernelCall, type StateSpec } from './optimizer';
import type { CommonOptions, Compat, Params } from './types';
import { checkBetas, checkBoolean, checkNumber } from './validate';

/** Hyperparameters of {@link Adam}, {@link AMSGrad} and {@link AdamW}. */
export interface AdamHyper {
  /** Learning rate α. Default 1e-3. */
  lr: number;
  /** Decay rates [β1, β2] of the first and second moment estimates, each in [0, 1). Default [0.9, 0.999]. */
  betas: [number, number];
  /** Term added to the denominator. Default 1e-8 (torch, paper), 1e-7 (tfjs, keras). */
  eps: number;
  /**
   * Adam: L2 penalty added to the gradient (torch, paper) or decoupled decay (keras).
   * AdamW: decoupled decay `θ *= 1 − lr·weightDecay` (paper: `1 − weightDecay`).
   * Default 0 for Adam; 1e-2 (torch), 4e-3 (keras), 1e-5 (paper) for AdamW.
   */
  weightDecay: number;
  /** Use the maximum of past second moments (AMSGrad). Default false (true for {@link AMSGrad}). */
  amsgrad: boolean;
  /** Ascend instead of descend. Default false. */
  maximize: boolean;
}

/** Options of {@link Adam}, {@link AMSGrad} and {@link AdamW}. */
export type AdamOptions = Partial<AdamHyper> & CommonOptions;

interface AdamScalars {
  sign: number; wd: number; decayMul: number; b1: number; oneMinusB1: number; b2: number; oneMinusB2: number; invSqrtBc2: number; eps: number; stepSize: number;
}

/** The shared implementation; `decoupled` selects AdamW's weight decay. */
abstract class AdamFamily extends Optimizer<AdamHyper, AdamScalars> {
  protected constructor(name: string, params: Params<AdamHyper>, options: AdamOptions) {
    super(name, params, options);
  }

  /** AdamW-style decay? Read through a method: the base constructor runs before subclass fields exist. */
  protected abstract decoupled(): boolean;

  protected defaults(compat: Compat): AdamHyper {
    const eps = compat === 'tfjs' || compat === 'keras' ? 1e-7 : 1e-8;
    const weightDecay = !this.decoupled() ? 0 : compat === 'keras' ? 4e-3 : compat === 'paper' ? 1e-5 : 1e-2;
    return { lr: 1e-3, betas: [0.9, 0.999], eps, weightDecay, amsgrad: false, maximize: false };
  }

  protected checkOptions(o: AdamHyper, where: string): void {
    checkNumber(where, 'lr', o.lr, { min: 0 });
    checkBetas(where, o.betas);
    checkNumber(where, 'eps', o.eps, { min: 0 });
    checkNumber(where, 'weightDecay', o.weightDecay, { min: 0 });
    checkBoolean(where, 'amsgrad', o.amsgrad);
    checkBoolean(where, 'maximize', o.maximize);
    if (this.compat === 'tfjs' && (o.weightDecay !== 0 || this.decoupled()))
      throw new RangeError(`${where}: tfjs's Adam has no weight decay and tfjs has no AdamW; use compat 'torch' or 'keras'`);
  }

  protected stateSpec(o: AdamHyper): StateSpec[] {
    const out = [{ name: 'expAvg', init: 0 }, { name: 'expAvgSq', init: 0 }];
    if (o.amsgrad) out.push({ name: 'maxExpAvgSq', init: 0 });
    return out;
  }

  protected prepare(o: AdamHyper, t: number): AdamScalars {
    const [b1, b2] = o.betas;
    const bc1 = 1 - b1 ** t, bc2 = 1 - b2 ** t;
    let stepSize = o.lr / bc1, invSqrtBc2 = 1 / Math.sqrt(bc2);
    if (this.compat === 'keras') {
      // Keras folds both corrections into the step ("epsilon hat"): ε is added to the raw √v.
      stepSize = (o.lr * Math.sqrt(bc2)) / bc1;
      invSqrtBc2 = 1;
    } else if (this.compat === 'paper' && o.amsgrad) {
      // Reddi et al.'s AMSGrad drops the bias corrections.
      stepSize = o.lr;
      invSqrtBc2 = 1;
    }
    const decoupled = this.decoupled() || (this.compat === 'keras' && o.weightDecay !== 0);
    const decayMul = !decoupled ? 1 : this.compat === 'paper' ? 1 - o.weightDecay : 1 - o.lr * o.weightDecay;
    return { sign: o.maximize ? -1 : 1, wd: decoupled ? 0 : o.weightDecay, decayMul, b1, oneMinusB1: 1 - b1, b2, oneMinusB2: 1 - b2, invSqrtBc2, eps: o.eps, stepSize };
  }

  protected kernelCall(s: AdamScalars): KernelCall {
    return { kernel: 'adam', state: ['expAvg', 'expAvgSq', 'maxExpAvgSq'], scalars: [s.sign, s.wd, s.decayMul, s.b1, s.oneMinusB1, s.b2, s.oneMinusB2, s.invSqrtBc2, s.eps, s.stepSize], sparse: true };
  }
}

/**
 * Adam: `m = β1 m + (1−β1) g`, `v = β2 v + (1−β2) g²`, `θ -= α m̂ / (√v̂ + ε)` with bias-corrected
 * `m̂ = m/(1−β1ᵗ)`, `v̂ = v/(1−β2ᵗ)`. Keras uses the equivalent-up-to-ε "epsilon hat" form.
 */
export class Adam extends AdamFamily {
  /**
   * @param params - parameters to update in place
   * @param options - hyperparameters; see {@link AdamHyper} for defaults
   */
  constructor(params: Params<AdamHyper>, options: AdamOptions = {}) {
    super('Adam', params, options);
  }
  protected decoupled(): boolean {
    return false;
  }
}

/** Adam with `amsgrad: true`: the denominator uses the running maximum of v (Reddi et al. 2018). */
export class AMSGrad extends AdamFamily {
  /**
   * @param params - parameters to update in place
   * @param options - as {@link Adam}, with amsgrad true by default
   */
  constructor(params: Params<AdamHyper>, options: AdamOptions = {}) {
    super('AMSGrad', params, { amsgrad: true, ...options });
  }
  protected decoupled(): boolean {
    return false;
  }
}

/** AdamW: Adam with decoupled weight decay `θ *= 1 − lr·weightDecay` before the Adam step. */
export class AdamW extends AdamFamily {
  /**
   * @param params - parameters to update in place
   * @param options - as {@link Adam}; weightDecay defaults to 1e-2 (torch)
   */
  constructor(params: Params<AdamHyper>, options: AdamOptions = {}) {
    super('AdamW', params, options);
  }
  protected decoupled(): boolean {
    return true;
  }
}
