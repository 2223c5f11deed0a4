import { describe, expect, it } from 'vitest';
import { Adadelta, Adagrad, Adam, AdaMax, AdamW, AMSGrad, Momentum, Nesterov, RMSprop, SGD } from '../lib/index';
import type { Optimizer } from '../lib/optimizers/optimizer';
import { applyPush, initShardState, resolveServerRule, SERVER_RULE_NAMES, serverRuleStateNames } from '../lib/async/server-rule';
import type { Push, ServerRule } from '../lib/async/transport';
import { rng, uniform } from './helpers/random';

function push(values: Float32Array, n: number): Push {
  return { id: `p${n}`, worker: 0, shard: 0, kind: 'gradient', values, readVersion: n };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyOptimizer = Optimizer<any, any>;

/** Each server rule beside the optimizer class (backend native, compat torch) it must step like. */
const PAIRS: [string, ServerRule, (p: Float32Array) => AnyOptimizer][] = [
  ['sgd with weight decay', { name: 'sgd', lr: 0.05, weightDecay: 0.01 }, (p) => new SGD(p, { lr: 0.05, weightDecay: 0.01 })],
  ['adagrad', { name: 'adagrad', lr: 0.05, initialAccumulatorValue: 0 }, (p) => new Adagrad(p, { lr: 0.05 })],
  ['momentum by default', { name: 'momentum' }, (p) => new Momentum(p)],
  ['momentum 0.5 with weight decay', { name: 'momentum', lr: 0.02, momentum: 0.5, weightDecay: 0.1 }, (p) => new Momentum(p, { lr: 0.02, momentum: 0.5, weightDecay: 0.1 })],
  ['nesterov by default', { name: 'nesterov' }, (p) => new Nesterov(p)],
  ['nesterov 0.8', { name: 'nesterov', lr: 0.03, momentum: 0.8 }, (p) => new Nesterov(p, { lr: 0.03, momentum: 0.8 })],
  ['rmsprop by default', { name: 'rmsprop' }, (p) => new RMSprop(p)],
  ['rmsprop with momentum', { name: 'rmsprop', lr: 0.002, alpha: 0.9, momentum: 0.7, eps: 1e-6, weightDecay: 0.01 },
    (p) => new RMSprop(p, { lr: 0.002, alpha: 0.9, momentum: 0.7, eps: 1e-6, weightDecay: 0.01 })],
  ['adadelta by default', { name: 'adadelta' }, (p) => new Adadelta(p)],
  ['adadelta rho 0.95', { name: 'adadelta', lr: 0.5, rho: 0.95, eps: 1e-5 }, (p) => new Adadelta(p, { lr: 0.5, rho: 0.95, eps: 1e-5 })],
  ['adam by default', { name: 'adam' }, (p) => new Adam(p)],
  ['adam with betas and weight decay', { name: 'adam', lr: 0.01, betas: [0.8, 0.99], eps: 1e-6, weightDecay: 0.05 },
    (p) => new Adam(p, { lr: 0.01, betas: [0.8, 0.99], eps: 1e-6, weightDecay: 0.05 })],
  ['adamw by default', { name: 'adamw' }, (p) => new AdamW(p)],
  ['adamw weight decay 0.1', { name: 'adamw', lr: 0.02, weightDecay: 0.1 }, (p) => new AdamW(p, { lr: 0.02, weightDecay: 0.1 })],
  ['amsgrad by default', { name: 'amsgrad' }, (p) => new AMSGrad(p)],
  ['amsgrad with betas', { name: 'amsgrad', lr: 0.01, betas: [0.5, 0.9] }, (p) => new AMSGrad(p, { lr: 0.01, betas: [0.5, 0.9] })],
  ['adamax by default', { name: 'adamax' }, (p) => new AdaMax(p)],
  ['adamax with weight decay', { name: 'adamax', lr: 0.01, betas: [0.8, 0.99], weightDecay: 0.05 }, (p) => new AdaMax(p, { lr: 0.01, betas: [0.8, 0.99], weightDecay: 0.05 })],
];

describe('server rules of the core optimizers', () => {
  it.each(PAIRS)('%s: K pushes through applyPush equal K steps of the optimizer class, bit for bit', (_label, rule, make) => {
    const n = 37, K = 40;
    const next = rng(11);
    const init = uniform(n, -1, 1, next);
    const shard = { params: init.slice(), state: initShardState(rule, n) };
    const mine = init.slice();
    const opt = make(mine);
    for (let k = 0; k < K; k++) {
      // Gradients of changing scale, so the adaptive rules' denominators move.
      const g = uniform(n, -1, 1, next).map((v) => v * (1 + (k % 5)));
      applyPush(rule, shard, push(g, k));
      opt.step(g);
      expect(Array.from(shard.params), `after push ${k + 1}`).toEqual(Array.from(mine));
    }
    expect(Array.from(shard.params)).not.toEqual(Array.from(init));
  });

  it('keep the state vectors their optimizer keeps, and Adam its step count', () => {
    expect(serverRuleStateNames('momentum')).toEqual(['momentumBuffer']);
    expect(serverRuleStateNames('nesterov')).toEqual(['momentumBuffer']);
    expect(serverRuleStateNames('rmsprop')).toEqual(['squareAvg']);
    expect(serverRuleStateNames({ name: 'rmsprop', momentum: 0.9 })).toEqual(['squareAvg', 'momentumBuffer']);
    expect(serverRuleStateNames('adadelta')).toEqual(['squareAvg', 'accDelta']);
    expect(serverRuleStateNames('adam')).toEqual(['expAvg', 'expAvgSq', 'step']);
    expect(serverRuleStateNames('adamw')).toEqual(['expAvg', 'expAvgSq', 'step']);
    expect(serverRuleStateNames('amsgrad')).toEqual(['expAvg', 'expAvgSq', 'maxExpAvgSq', 'step']);
    expect(serverRuleStateNames('adamax')).toEqual(['expAvg', 'expInf', 'step']);
    const st = initShardState('adam', 3);
    for (const name of ['expAvg', 'expAvgSq', 'step']) expect(Array.from(st[name]!)).toEqual([0, 0, 0]);
    const p = new Float32Array(3);
    for (let k = 0; k < 3; k++) applyPush('adam', { params: p, state: st }, push(new Float32Array([1, -1, 2]), k));
    expect(Array.from(st.step!)).toEqual([3, 3, 3]);
  });

  it('fill in the defaults of the optimizer classes', () => {
    expect(resolveServerRule('adam')).toMatchObject({ lr: 1e-3, eps: 1e-8, betas: [0.9, 0.999], weightDecay: 0 });
    expect(resolveServerRule('adamw')).toMatchObject({ lr: 1e-3, weightDecay: 1e-2 });
    expect(resolveServerRule('momentum')).toMatchObject({ lr: 1e-3, momentum: 0.9 });
    expect(resolveServerRule('rmsprop')).toMatchObject({ lr: 0.01, eps: 1e-8, alpha: 0.99, momentum: 0 });
    expect(resolveServerRule('adadelta')).toMatchObject({ lr: 1, eps: 1e-6, rho: 0.9 });
    expect(resolveServerRule('adamax')).toMatchObject({ lr: 2e-3, eps: 1e-8, betas: [0.9, 0.999] });
    // The historical rules keep theirs.
    expect(resolveServerRule('adagrad')).toMatchObject({ lr: 0.1, eps: 1e-10, initialAccumulatorValue: 0 });
    expect(resolveServerRule('adaptive-revision')).toMatchObject({ lr: 0.1, initialAccumulatorValue: 0.1 });
    // A resolved rule resolves to itself (servers re-resolve what they are given).
    for (const name of SERVER_RULE_NAMES) {
      const r = resolveServerRule(name);
      expect(resolveServerRule(r)).toEqual(r);
    }
  });

  it('reject bad hyperparameters and ones the rule does not read, naming the field', () => {
    expect(() => resolveServerRule({ name: 'adam', betas: [0.9, 1] })).toThrow(/rule\.betas\[1\]/);
    expect(() => resolveServerRule({ name: 'adam', betas: 0.9 as unknown as [number, number] })).toThrow(TypeError);
    expect(() => resolveServerRule({ name: 'momentum', momentum: -0.1 })).toThrow(/rule\.momentum/);
    expect(() => resolveServerRule({ name: 'nesterov', momentum: 0 })).toThrow(/rule\.momentum/);
    expect(() => resolveServerRule({ name: 'adadelta', rho: 1.5 })).toThrow(/rule\.rho/);
    expect(() => resolveServerRule({ name: 'rmsprop', alpha: -1 })).toThrow(/rule\.alpha/);
    expect(() => resolveServerRule({ name: 'adam', weightDecay: -1 })).toThrow(/rule\.weightDecay/);
    expect(() => resolveServerRule({ name: 'adam', momentum: 0.9 })).toThrow(/rule\.momentum is not a hyperparameter of rule 'adam'/);
    expect(() => resolveServerRule({ name: 'momentum', betas: [0.5, 0.5] })).toThrow(/rule\.betas/);
    expect(() => resolveServerRule({ name: 'adaptive-revision', weightDecay: 0.1 })).toThrow(/rule\.weightDecay/);
    expect(() => resolveServerRule({ name: 'elastic', rho: 0.5 })).toThrow(RangeError);
  });

  it('reject an Adam shard without its step vector, before writing anything', () => {
    const p = new Float32Array([1, 2]);
    const st = initShardState('adam', 2);
    const { step: _dropped, ...partial } = st;
    expect(() => applyPush('adam', { params: p, state: partial }, push(new Float32Array([1, 1]), 0))).toThrow(/shard\.state\.step/);
    expect(Array.from(p)).toEqual([1, 2]);
    expect(Array.from(st.expAvg!)).toEqual([0, 0]);
  });
});
