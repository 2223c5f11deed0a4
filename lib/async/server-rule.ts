/**
 * The shard update rules of the parameter server ({@link ServerRule}) as pure functions over
 * Float32Arrays: the in-process server and the Redis shard servers both call {@link applyPush}, so
 * a rule's math exists once (in the native kernels; see native/kernels/params.h).
 *
 * A shard is its parameters plus the per-coordinate state vectors its rule needs
 * ({@link serverRuleStateNames}); where those arrays live (SharedArrayBuffers, Redis blobs) is the
 * caller's business. Versions and push-id deduplication are the server's job, not the rule's.
 * @packageDocumentation
 */
import { addon } from '../native';
import { checkNumber, describe } from '../optimizers/validate';
import type { Push, ServerRule, ServerRuleName } from './transport';

const WHERE = 'serverRule';

/** Every rule name, in the order of {@link ServerRuleName}. */
export const SERVER_RULE_NAMES: readonly ServerRuleName[] = [
  'sgd', 'adagrad', 'adaptive-revision', 'elastic', 'momentum', 'nesterov', 'rmsprop', 'adadelta', 'adam', 'adamw',
  'amsgrad', 'adamax',
];

/** A server rule with every default filled in. */
export interface ResolvedServerRule {
  readonly name: ServerRuleName;
  /** Step size (α for adaptive revision). */
  readonly lr: number;
  /** The denominator guard of AdaGrad, RMSprop, Adadelta and the Adam family. */
  readonly eps: number;
  /** Initial accumulator (AdaGrad's h₀, adaptive revision's z₀). */
  readonly initialAccumulatorValue: number;
  /** Momentum factor γ (`'momentum'`, `'nesterov'`, `'rmsprop'`). */
  readonly momentum: number;
  /** [β1, β2] of Adam, AdamW, AMSGrad and AdaMax. */
  readonly betas: readonly [number, number];
  /** Adadelta's decay ρ. */
  readonly rho: number;
  /** RMSprop's decay α of the mean square. */
  readonly alpha: number;
  /** L2 penalty added to the gradient (AdamW: decoupled decay). */
  readonly weightDecay: number;
}

type Defaults = Omit<ResolvedServerRule, 'name' | 'initialAccumulatorValue'>;

const BASE: Defaults = { lr: 0.1, eps: 1e-10, momentum: 0, betas: [0.9, 0.999], rho: 0.9, alpha: 0.99, weightDecay: 0 };

/**
 * Per-rule defaults. The first four rules keep the server's historical lr 0.1 and eps 1e-10; the
 * others take the defaults of the optimizer class of the same name with compat 'torch' (so
 * `{ name: 'adam' }` steps exactly as `new Adam(p)`).
 */
const DEFAULTS: Readonly<Record<ServerRuleName, Defaults>> = {
  sgd: BASE,
  adagrad: BASE,
  'adaptive-revision': BASE,
  elastic: BASE,
  momentum: { ...BASE, lr: 1e-3, momentum: 0.9 },
  nesterov: { ...BASE, lr: 1e-3, momentum: 0.9 },
  rmsprop: { ...BASE, lr: 0.01, eps: 1e-8 },
  adadelta: { ...BASE, lr: 1.0, eps: 1e-6 },
  adam: { ...BASE, lr: 1e-3, eps: 1e-8 },
  adamw: { ...BASE, lr: 1e-3, eps: 1e-8, weightDecay: 1e-2 },
  amsgrad: { ...BASE, lr: 1e-3, eps: 1e-8 },
  adamax: { ...BASE, lr: 2e-3, eps: 1e-8 },
};

/** Which of the optional hyperparameters each rule reads (lr, eps and initialAccumulatorValue aside). */
const USES: Readonly<Record<ServerRuleName, readonly ('momentum' | 'betas' | 'rho' | 'alpha' | 'weightDecay')[]>> = {
  sgd: ['weightDecay'],
  adagrad: ['weightDecay'],
  'adaptive-revision': [],
  elastic: [],
  momentum: ['momentum', 'weightDecay'],
  nesterov: ['momentum', 'weightDecay'],
  rmsprop: ['alpha', 'momentum', 'weightDecay'],
  adadelta: ['rho', 'weightDecay'],
  adam: ['betas', 'weightDecay'],
  adamw: ['betas', 'weightDecay'],
  amsgrad: ['betas', 'weightDecay'],
  adamax: ['betas', 'weightDecay'],
};

/** Names of the per-coordinate state vectors of a resolved rule. */
function stateNames(r: ResolvedServerRule): readonly string[] {
  switch (r.name) {
    case 'sgd':
    case 'elastic':
      return [];
    case 'adagrad':
      return ['accumulator'];
    // ḡ (sum of every gradient applied), z (revised sum of squares), z′ (its running maximum).
    case 'adaptive-revision':
      return ['gradSum', 'z', 'zMax'];
    case 'momentum':
    case 'nesterov':
      return ['momentumBuffer'];
    case 'rmsprop':
      return r.momentum > 0 ? ['squareAvg', 'momentumBuffer'] : ['squareAvg'];
    case 'adadelta':
      return ['squareAvg', 'accDelta'];
    // `step` holds, in every coordinate, the pushes this rule has applied to the shard (Adam's t for
    // the bias corrections). It is a state vector, not the shard's version, so that it travels with
    // the rest of the state wherever a transport keeps it.
    case 'adam':
    case 'adamw':
      return ['expAvg', 'expAvgSq', 'step'];
    case 'amsgrad':
      return ['expAvg', 'expAvgSq', 'maxExpAvgSq', 'step'];
    case 'adamax':
      return ['expAvg', 'expInf', 'step'];
  }
}

/** One shard as a rule sees it: its parameters and the state vectors named by {@link serverRuleStateNames}. */
export interface ShardState {
  /** The shard's parameters, updated in place. */
  readonly params: Float32Array;
  /** State vectors by name, each as long as `params`. */
  readonly state: Readonly<Record<string, Float32Array>>;
}

function sameBetas(a: unknown, b: readonly [number, number]): boolean {
  return Array.isArray(a) && a.length === 2 && a[0] === b[0] && a[1] === b[1];
}

/**
 * Checks a {@link ServerRule} and fills in its defaults (see {@link ServerRule} for each rule's).
 * Throws a TypeError/RangeError naming the bad field, also for a hyperparameter set to a
 * non-default value that the rule does not use (e.g. `momentum` on `'adam'`: use `betas`).
 */
export function resolveServerRule(rule: ServerRule | ServerRuleName): ResolvedServerRule {
  const r: ServerRule = typeof rule === 'string' ? { name: rule } : rule;
  if (typeof r !== 'object' || r === null) throw new TypeError(`${WHERE}: rule must be a ServerRule object or a rule name, got ${describe(r)}`);
  if (!SERVER_RULE_NAMES.includes(r.name))
    throw new RangeError(`${WHERE}: rule.name must be one of ${SERVER_RULE_NAMES.join(', ')}, got ${String(r.name)}`);
  const d = DEFAULTS[r.name];
  const uses = USES[r.name];
  for (const field of ['momentum', 'rho', 'alpha', 'weightDecay'] as const) {
    const v = r[field];
    if (v !== undefined && !uses.includes(field) && v !== d[field])
      throw new RangeError(`${WHERE}: rule.${field} is not a hyperparameter of rule '${r.name}' (got ${String(v)}); leave it out`);
  }
  if (r.betas !== undefined && !uses.includes('betas') && !sameBetas(r.betas, d.betas))
    throw new RangeError(`${WHERE}: rule.betas is not a hyperparameter of rule '${r.name}'; leave it out`);
  const lr = checkNumber(WHERE, 'rule.lr', r.lr ?? d.lr, { min: 0, minExclusive: true });
  const eps = checkNumber(WHERE, 'rule.eps', r.eps ?? d.eps, { min: 0 });
  const initialAccumulatorValue = checkNumber(WHERE, 'rule.initialAccumulatorValue', r.initialAccumulatorValue ?? (r.name === 'adaptive-revision' ? 0.1 : 0), {
    min: 0, minExclusive: r.name === 'adaptive-revision',
  });
  const momentum = checkNumber(WHERE, 'rule.momentum', r.momentum ?? d.momentum, { min: 0, minExclusive: r.name === 'nesterov' });
  const rawBetas: unknown = r.betas ?? d.betas;
  if (!Array.isArray(rawBetas) || rawBetas.length !== 2)
    throw new TypeError(`${WHERE}: rule.betas must be an array [beta1, beta2], got ${describe(rawBetas)}`);
  const betas: [number, number] = [
    checkNumber(WHERE, 'rule.betas[0]', rawBetas[0], { min: 0, max: 1, maxExclusive: true }),
    checkNumber(WHERE, 'rule.betas[1]', rawBetas[1], { min: 0, max: 1, maxExclusive: true }),
  ];
  const rho = checkNumber(WHERE, 'rule.rho', r.rho ?? d.rho, { min: 0, max: 1 });
  const alpha = checkNumber(WHERE, 'rule.alpha', r.alpha ?? d.alpha, { min: 0, max: 1 });
  const weightDecay = checkNumber(WHERE, 'rule.weightDecay', r.weightDecay ?? d.weightDecay, { min: 0 });
  return { name: r.name, lr, eps, initialAccumulatorValue, momentum, betas, rho, alpha, weightDecay };
}

/**
 * Names of the per-coordinate state vectors `rule` keeps beside the parameters (e.g.
 * `['accumulator']` for AdaGrad, `['expAvg', 'expAvgSq', 'step']` for Adam).
 */
export function serverRuleStateNames(rule: ServerRule | ServerRuleName): readonly string[] {
  return stateNames(resolveServerRule(rule));
}

/** Whether fetches of a server running `rule` return the gradient sum ḡ (adaptive revision only). */
export function ruleNeedsGradSum(rule: ServerRule | ServerRuleName): boolean {
  return resolveServerRule(rule).name === 'adaptive-revision';
}

/**
 * Fills freshly allocated state vectors with their initial values: AdaGrad's accumulator and
 * adaptive revision's z and z′ with `initialAccumulatorValue`; everything else (ḡ, momentum
 * buffers, moment estimates, Adam's step count) with 0.
 */
export function fillInitialState(rule: ServerRule | ServerRuleName, state: Readonly<Record<string, Float32Array>>): void {
  const r = resolveServerRule(rule);
  for (const name of stateNames(r)) {
    const v = state[name];
    if (!(v instanceof Float32Array)) throw new TypeError(`${WHERE}: state.${name} must be a Float32Array, got ${describe(v)}`);
    v.fill(name === 'accumulator' || name === 'z' || name === 'zMax' ? r.initialAccumulatorValue : 0);
  }
}

/**
 * New state vectors of `length` coordinates for `rule`, at their initial values.
 * @param allocate - makes each vector; default `new Float32Array(length)` (pass one that uses a
 *   SharedArrayBuffer to share the state between threads).
 */
export function initShardState(rule: ServerRule | ServerRuleName, length: number,
  allocate: (length: number) => Float32Array = (n) => new Float32Array(n)): Record<string, Float32Array> {
  checkNumber(WHERE, 'length', length, { min: 1, integer: true });
  const state: Record<string, Float32Array> = {};
  for (const name of serverRuleStateNames(rule)) state[name] = allocate(length);
  fillInitialState(rule, state);
  return state;
}

function checkShard(r: ResolvedServerRule, shard: ShardState): void {
  if (typeof shard !== 'object' || shard === null) throw new TypeError(`${WHERE}: shard must be { params, state }, got ${describe(shard)}`);
  if (!(shard.params instanceof Float32Array)) throw new TypeError(`${WHERE}: shard.params must be a Float32Array, got ${describe(shard.params)}`);
  for (const name of stateNames(r)) {
    const v = shard.state?.[name];
    if (!(v instanceof Float32Array) || v.length !== shard.params.length)
      throw new TypeError(`${WHERE}: shard.state.${name} must be a Float32Array of ${shard.params.length} elements for rule '${r.name}', got ${describe(v)}`);
  }
}

function checkPush(r: ResolvedServerRule, n: number, push: Push): void {
  if (typeof push !== 'object' || push === null) throw new TypeError(`${WHERE}: push must be a Push object, got ${describe(push)}`);
  const expected = r.name === 'elastic' ? 'elastic' : 'gradient';
  if (push.kind !== expected)
    throw new RangeError(`${WHERE}: a '${r.name}' server takes '${expected}' pushes, got kind ${String(push.kind)} (push ${push.id})`);
  if (!(push.values instanceof Float32Array) || push.values.length !== n)
    throw new RangeError(`${WHERE}: push.values must be a Float32Array of the shard's ${n} elements, got ${describe(push.values)}` +
      (push.values instanceof Float32Array ? ` of ${push.values.length}` : ''));
  if (r.name === 'adaptive-revision' && (!(push.gradSumAtRead instanceof Float32Array) || push.gradSumAtRead.length !== n))
    throw new TypeError(`${WHERE}: an 'adaptive-revision' push needs gradSumAtRead, a Float32Array of ${n} elements (the ḡ fetched with the parameters), got ${describe(push.gradSumAtRead)}`);
}

/** Adam's step size and 1/√(1 − β2ᵗ) for step t, in double precision (as the Adam class computes them). */
function adamScalars(r: ResolvedServerRule, t: number): { stepSize: number; invSqrtBc2: number } {
  const [b1, b2] = r.betas;
  return { stepSize: r.lr / (1 - b1 ** t), invSqrtBc2: 1 / Math.sqrt(1 - b2 ** t) };
}

/**
 * Applies one push to one shard in place with the rule's native kernel (the formulas of the
 * optimizer classes with compat 'torch'; d = g + weightDecay·x):
 * - `'sgd'`: x ← x − lr·d
 * - `'adagrad'`: h ← h + d², x ← x − lr·d/(√h + eps)
 * - `'adaptive-revision'`: the AdaptiveRevision update (docs/async-sgd.md) with g_bck = push.gradSumAtRead
 * - `'elastic'`: x̃ ← x̃ + d
 * - `'momentum'` / `'nesterov'`: b ← γb + d; x ← x − lr·b (Nesterov: x ← x − lr·(d + γb))
 * - `'rmsprop'`: s ← αs + (1−α)d², x ← x − lr·d/(√s + eps) (with momentum γ > 0: b ← γb + d/(√s + eps), x ← x − lr·b)
 * - `'adadelta'`: s ← ρs + (1−ρ)d², Δ ← √(a + eps)/√(s + eps)·d, a ← ρa + (1−ρ)Δ², x ← x − lr·Δ
 * - `'adam'` / `'adamw'` / `'amsgrad'`: Adam with bias corrections for t = this shard's applied
 *   pushes (state `step`, + 1); AdamW decays x ← x·(1 − lr·weightDecay) instead of adding
 *   weightDecay·x to g; AMSGrad divides by the running maximum of v.
 * - `'adamax'`: m ← β1m + (1−β1)d, u ← max(β2u, |d| + eps), x ← x − lr/(1 − β1ᵗ)·m/u
 * Throws (before writing anything) when the push does not fit the rule or the shard. The push's
 * arrays are not modified.
 */
export function applyPush(rule: ServerRule | ServerRuleName | ResolvedServerRule, shard: ShardState, push: Push): void {
  const r = resolveServerRule(rule);
  checkShard(r, shard);
  checkPush(r, shard.params.length, push);
  const k = addon();
  const p = shard.params, g = push.values, s = shard.state;
  const wd = r.weightDecay;
  switch (r.name) {
    case 'sgd':
      k.sgd(p, g, null, 1, wd, 0, 0, 0, 0, r.lr, false);
      return;
    case 'adagrad':
      k.adagrad(p, g, s.accumulator!, 1, wd, r.lr, 0, r.eps);
      return;
    case 'adaptive-revision':
      k.adaptiveRevision(p, g, push.gradSumAtRead!, s.gradSum!, s.z!, s.zMax!, r.lr);
      return;
    case 'elastic':
      // p − (−1)·d = p + d exactly (one fused multiply-add by 1).
      k.sgd(p, g, null, 1, 0, 0, 0, 0, 0, -1, false);
      return;
    case 'momentum':
    case 'nesterov':
      // The buffer starts at 0, so γ·0 + d = d: torch's "b = g on the first step" without a flag.
      k.sgd(p, g, s.momentumBuffer!, 1, wd, r.momentum, 1, 1, r.momentum, r.lr, r.name === 'nesterov');
      return;
    case 'rmsprop':
      k.rmsprop(p, g, s.squareAvg!, null, r.momentum > 0 ? s.momentumBuffer! : null, 1, wd, r.alpha, 1 - r.alpha, 0, r.eps, r.momentum, 1, r.lr);
      return;
    case 'adadelta':
      k.adadelta(p, g, s.squareAvg!, s.accDelta!, 1, wd, r.rho, 1 - r.rho, r.eps, r.lr, false);
      return;
    case 'adam':
    case 'adamw':
    case 'amsgrad':
    case 'adamax': {
      const step = s.step!;
      const t = step[0]! + 1;
      const [b1, b2] = r.betas;
      if (r.name === 'adamax') {
        k.adamax(p, g, s.expAvg!, s.expInf!, 1, wd, b1, 1 - b1, b2, r.eps, 0, r.lr / (1 - b1 ** t));
      } else {
        const { stepSize, invSqrtBc2 } = adamScalars(r, t);
        const decoupled = r.name === 'adamw';
        k.adam(p, g, s.expAvg!, s.expAvgSq!, r.name === 'amsgrad' ? s.maxExpAvgSq! : null, 1, decoupled ? 0 : wd,
          decoupled ? 1 - r.lr * wd : 1, b1, 1 - b1, b2, 1 - b2, invSqrtBc2, r.eps, stepSize);
      }
      // Float32 counts exactly to 2²⁴ pushes; past that the count stays put, when the bias
      // corrections are 1 in double precision for any β ≤ 0.9999 (β^(2²⁴) underflows to 0).
      step.fill(t);
      return;
    }
  }
}
