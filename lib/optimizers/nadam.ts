/**
 * NAdam (Dozat 2016): Adam with Nesterov momentum, in PyTorch's momentum-decay form.
 * @packageDocumentation
 */
import { Optimizer, type KernelCall, type StateSpec } from './optimizer';
import type { CommonOptions, Compat, Params } from './types';
import { checkBetas, checkBoolean, checkNumber } from './validate';

/** Hyperparameters of {@link Nadam}. */
export interface NadamHyper {
  /** Learning rate α. Default 2e-3 (torch, paper), 1e-3 (keras). */
  lr: number;
  /** [β1, β2], each in [0, 1). Default [0.9, 0.999]. */
  betas: [number, number];
  /** Term added to the denominator. Default 1e-8 (torch, paper), 1e-7 (keras). */
  eps: number;
  /** L2 penalty added to the gradient (torch, paper). Default 0. */
  weightDecay: number;
  /**
   * ψ in the momentum schedule μ_t = β1 (1 − ½·0.96^(tψ)). Default 4e-3 (torch); keras's schedule
   * has no such factor, which is ψ = 1 (its default there). Unused by 'paper'.
   */
  momentumDecay: number;
  /** Ascend instead of descend. Default false. */
  maximize: boolean;
}

/** Options of {@link Nadam}. */
export type NadamOptions = Partial<NadamHyper> & CommonOptions;

interface NadamScalars { sign: number; wd: number; b1: number; oneMinusB1: number; b2: number; oneMinusB2: number; invSqrtBc2: number; eps: number; cg: number; cm: number }

/**
 * NAdam. torch and keras: `θ -= α(1−μ_t)/(1−Π_{i≤t}μ_i) · g/den + α μ_{t+1}/(1−Π_{i≤t+1}μ_i) · m/den`
 * with `den = √(v/(1−β2ᵗ)) + ε` (PyTorch ≥ 2.0; 1.13 multiplied μ_t twice into the second product).
 * paper (as in the seed's overview): `θ -= α/den · (β1 m̂ + (1−β1) g/(1−β1ᵗ))`.
 */
export class Nadam extends Optimizer<NadamHyper, NadamScalars> {
  /**
   * @param params - parameters to update in place
   * @param options - hyperparameters; see {@link NadamHyper} for defaults
   */
  constructor(params: Params<NadamHyper>, options: NadamOptions = {}) {
    super('Nadam', params, options);
  }

  protected defaults(compat: Compat): NadamHyper {
    const keras = compat === 'keras';
    return { lr: keras ? 1e-3 : 2e-3, betas: [0.9, 0.999], eps: keras ? 1e-7 : 1e-8, weightDecay: 0, momentumDecay: keras ? 1 : 4e-3, maximize: false };
  }

  protected checkOptions(o: NadamHyper, where: string): void {
    checkNumber(where, 'lr', o.lr, { min: 0 });
    checkBetas(where, o.betas);
    checkNumber(where, 'eps', o.eps, { min: 0 });
    checkNumber(where, 'weightDecay', o.weightDecay, { min: 0 });
    checkNumber(where, 'momentumDecay', o.momentumDecay, { min: 0 });
    checkBoolean(where, 'maximize', o.maximize);
    if (this.compat === 'tfjs') throw new RangeError(`${where}: TensorFlow.js has no Nadam; use compat 'torch', 'keras' or 'paper'`);
    if (this.compat === 'keras' && o.weightDecay !== 0)
      throw new RangeError(`${where}: weightDecay is not supported with compat 'keras' for Nadam; use compat 'torch' for L2 weight decay`);
  }

  protected stateSpec(): StateSpec[] {
    return [{ name: 'expAvg', init: 0 }, { name: 'expAvgSq', init: 0 }];
  }

  protected override initialScalars(): Record<string, number> {
    return { muProduct: 1 };
  }

  protected prepare(o: NadamHyper, t: number, scalars: Record<string, number>): NadamScalars {
    const [b1, b2] = o.betas;
    const invSqrtBc2 = 1 / Math.sqrt(1 - b2 ** t);
    const sign = o.maximize ? -1 : 1, wd = o.weightDecay, eps = o.eps, oneMinusB1 = 1 - b1, oneMinusB2 = 1 - b2;
    // Plain literals, not `{ ...base, cg, cm }`: a spread of double fields is many times slower
    // under V8 and this runs on every step.
    if (this.compat === 'paper') {
      const bc1 = 1 - b1 ** t;
      return { sign, wd, b1, oneMinusB1, b2, oneMinusB2, invSqrtBc2, eps, cg: (o.lr * (1 - b1)) / bc1, cm: (o.lr * b1) / bc1 };
    }
    const mu = b1 * (1 - 0.5 * 0.96 ** (t * o.momentumDecay));
    const muNext = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * o.momentumDecay));
    const muProduct = scalars.muProduct! * mu;
    scalars.muProduct = muProduct;
    return { sign, wd, b1, oneMinusB1, b2, oneMinusB2, invSqrtBc2, eps, cg: (o.lr * (1 - mu)) / (1 - muProduct), cm: (o.lr * muNext) / (1 - muProduct * muNext) };
  }

  protected kernelCall(s: NadamScalars): KernelCall {
    return { kernel: 'nadam', state: ['expAvg', 'expAvgSq'], scalars: [s.sign, s.wd, s.b1, s.oneMinusB1, s.b2, s.oneMinusB2, s.invSqrtBc2, s.eps, s.cg, s.cm], sparse: false };
  }
}
