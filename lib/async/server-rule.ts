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
export const SERVER_RULE_NAMES: readonly ServerRuleName[] = ['sgd', 'adagrad', 'adaptive-revision', 'elastic'];

/** Names of the per-coordinate state vectors of each rule. */
const STATE_NAMES: Readonly<Record<ServerRuleName, readonly string[]>> = {
  sgd: [],
  adagrad: ['accumulator'],
  // ḡ (sum of every gradient applied), z (revised sum of squares), z′ (its running maximum).
  'adaptive-revision': ['gradSum', 'z', 'zMax'],
  elastic: [],
};

/** A server rule with every default filled in. */
export interface ResolvedServerRule {
  readonly name: ServerRuleName;
  /** Step size (α for adaptive revision). */
  readonly lr: number;
  /** AdaGrad's denominator guard. */
  readonly eps: number;
  /** Initial accumulator (AdaGrad's h₀, adaptive revision's z₀). */
  readonly initialAccumulatorValue: number;
}

/** One shard as a rule sees it: its parameters and the state vectors named by {@link serverRuleStateNames}. */
export interface ShardState {
  /** The shard's parameters, updated in place. */
  readonly params: Float32Array;
  /** State vectors by name, each as long as `params`. */
  readonly state: Readonly<Record<string, Float32Array>>;
}

/**
 * Checks a {@link ServerRule} and fills in its defaults (lr 0.1, eps 1e-10, initialAccumulatorValue
 * 0.1). Throws a TypeError/RangeError naming the bad field.
 */
export function resolveServerRule(rule: ServerRule | ServerRuleName): ResolvedServerRule {
  const r: ServerRule = typeof rule === 'string' ? { name: rule } : rule;
  if (typeof r !== 'object' || r === null) throw new TypeError(`${WHERE}: rule must be a ServerRule object or a rule name, got ${describe(r)}`);
  if (!SERVER_RULE_NAMES.includes(r.name))
    throw new RangeError(`${WHERE}: rule.name must be one of ${SERVER_RULE_NAMES.join(', ')}, got ${String(r.name)}`);
  const lr = checkNumber(WHERE, 'rule.lr', r.lr ?? 0.1, { min: 0, minExclusive: true });
  const eps = checkNumber(WHERE, 'rule.eps', r.eps ?? 1e-10, { min: 0 });
  const initialAccumulatorValue = checkNumber(WHERE, 'rule.initialAccumulatorValue', r.initialAccumulatorValue ?? 0.1, {
    min: 0, minExclusive: r.name === 'adaptive-revision',
  });
  return { name: r.name, lr, eps, initialAccumulatorValue };
}

/** Names of the per-coordinate state vectors `rule` keeps beside the parameters (e.g. `['accumulator']` for AdaGrad). */
export function serverRuleStateNames(rule: ServerRule | ServerRuleName): readonly string[] {
  return STATE_NAMES[resolveServerRule(rule).name];
}

/** Whether fetches of a server running `rule` return the gradient sum ḡ (adaptive revision only). */
export function ruleNeedsGradSum(rule: ServerRule | ServerRuleName): boolean {
  return resolveServerRule(rule).name === 'adaptive-revision';
}

/**
 * Fills freshly allocated state vectors with their initial values: AdaGrad's accumulator and
 * adaptive revision's z and z′ with `initialAccumulatorValue`, ḡ with 0.
 */
export function fillInitialState(rule: ServerRule | ServerRuleName, state: Readonly<Record<string, Float32Array>>): void {
  const r = resolveServerRule(rule);
  for (const name of STATE_NAMES[r.name]) {
    const v = state[name];
    if (!(v instanceof Float32Array)) throw new TypeError(`${WHERE}: state.${name} must be a Float32Array, got ${describe(v)}`);
    v.fill(name === 'gradSum' ? 0 : r.initialAccumulatorValue);
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
  for (const name of STATE_NAMES[r.name]) {
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

/**
 * Applies one push to one shard in place with the rule's native kernel:
 * - `'sgd'`: x ← x − lr·g
 * - `'adagrad'`: h ← h + g², x ← x − lr·g/(√h + eps)
 * - `'adaptive-revision'`: the AdaptiveRevision update (docs/async-sgd.md) with g_bck = push.gradSumAtRead
 * - `'elastic'`: x̃ ← x̃ + d
 * Throws (before writing anything) when the push does not fit the rule or the shard. The push's
 * arrays are not modified.
 */
export function applyPush(rule: ServerRule | ServerRuleName | ResolvedServerRule, shard: ShardState, push: Push): void {
  const r = resolveServerRule(rule);
  checkShard(r, shard);
  checkPush(r, shard.params.length, push);
  const k = addon();
  const p = shard.params, g = push.values, s = shard.state;
  switch (r.name) {
    case 'sgd':
      k.sgd(p, g, null, 1, 0, 0, 0, 0, 0, r.lr, false);
      return;
    case 'adagrad':
      k.adagrad(p, g, s.accumulator!, 1, 0, r.lr, 0, r.eps);
      return;
    case 'adaptive-revision':
      k.adaptiveRevision(p, g, push.gradSumAtRead!, s.gradSum!, s.z!, s.zMax!, r.lr);
      return;
    case 'elastic':
      // p − (−1)·d = p + d exactly (one fused multiply-add by 1).
      k.sgd(p, g, null, 1, 0, 0, 0, 0, 0, -1, false);
      return;
  }
}
