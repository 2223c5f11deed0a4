import {
  AdaMax, Adadelta, Adagrad, Adam, AdamW, AMSGrad, Momentum, Nadam, Nesterov, RMSprop, SGD,
  type Optimizer, type Params,
} from '../../lib/index';

/** Every public optimizer class with a constructor that takes (params, options). */
export const allOptimizers: Array<[name: string, make: (p: Params<never>, o?: object) => Optimizer<{ lr: number }>]> = [
  ['SGD', (p, o) => new SGD(p, o)],
  ['Momentum', (p, o) => new Momentum(p, o)],
  ['Nesterov', (p, o) => new Nesterov(p, o)],
  ['Adagrad', (p, o) => new Adagrad(p, o)],
  ['Adadelta', (p, o) => new Adadelta(p, o)],
  ['RMSprop', (p, o) => new RMSprop(p, o)],
  ['Adam', (p, o) => new Adam(p, o)],
  ['AMSGrad', (p, o) => new AMSGrad(p, o)],
  ['AdamW', (p, o) => new AdamW(p, o)],
  ['AdaMax', (p, o) => new AdaMax(p, o)],
  ['Nadam', (p, o) => new Nadam(p, o)],
];

/** Gradient of f(p) = ½ Σ h_i (p_i − c_i)², with h_i = 1 + i mod 3 and c_i = 1 + i mod 2. */
export function quadraticGrad(p: Float32Array, out = new Float32Array(p.length)): Float32Array {
  for (let i = 0; i < p.length; i++) out[i] = (1 + (i % 3)) * (p[i]! - (1 + (i % 2)));
  return out;
}
