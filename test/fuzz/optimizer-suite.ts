/**
 * Fuzzes the optimizer classes as a user drives them: random parameter shapes (one array, a list,
 * arrays back to back in one buffer, parameter groups with their own options), valid and invalid
 * options, then a random sequence of calls in any order: step with good or broken gradients,
 * stepSparse, loadStateDict of mangled or foreign state dicts (also through a JSON round trip with
 * corrupted base64), reset, lr and setOption with odd values, stateOf, a parameter's buffer
 * transferred away. After every throw, the parameters, the gradients and the optimizer's own state
 * (stateDict(), stepCount, options) must be as before.
 */
import fc from 'fast-check';
import {
  AdaMax, Adadelta, Adagrad, Adam, AdamW, AMSGrad, Momentum, Nadam, Nesterov, RMSprop, SGD,
  stateDictFromJSON, stateDictToJSON,
} from '../../lib/index';
import type { OptimizerStateDict } from '../../lib/index';
import { f32, i32, layoutArb, lengthArb, lit, liveLayout, mostly, numDesc, specialNumber, weird, weirdDeep } from './arbitraries';
import { checkCall, checkInvariant, sameBits } from './check';
import type { Allow, FuzzStats } from './check';
import { suite } from './suite';
import { materialize, Tracker } from './values';
import type { Desc } from './values';

type AnyOptimizer = {
  params: Float32Array[];
  stepCount: number;
  lr: number;
  step(g: unknown): void;
  stepSparse(g: unknown): void;
  stateDict(): OptimizerStateDict;
  loadStateDict(sd: unknown): void;
  reset(): void;
  setOption(key: unknown, value: unknown, group?: unknown): void;
  stateOf(i: unknown): Readonly<Record<string, Float32Array>>;
  paramGroups: ReadonlyArray<{ options: Record<string, unknown> }>;
};
type OptimizerClass = new (params: unknown, options?: unknown) => AnyOptimizer;

export const OPTIMIZERS: Record<string, OptimizerClass> = {
  SGD, Momentum, Nesterov, Adagrad, Adadelta, RMSprop, Adam, AMSGrad, AdamW, AdaMax, Nadam,
} as unknown as Record<string, OptimizerClass>;
const NAMES = Object.keys(OPTIMIZERS);

const num = (...values: number[]): fc.Arbitrary<Desc> => fc.constantFrom(...values).map(lit);
const bool = fc.boolean().map(lit);
/** Plausible values of every hyperparameter any optimizer takes (the optimizer rejects the ones it lacks). */
const OPTION_VALUES: Record<string, fc.Arbitrary<Desc>> = {
  lr: fc.oneof(num(0, 1e-3, 0.01, 0.1, 1), numDesc(specialNumber)),
  momentum: num(0, 0.5, 0.9, 1, 2),
  dampening: num(0, 0.1, 1),
  nesterov: bool,
  weightDecay: num(0, 1e-4, 0.1, 1),
  maximize: bool,
  lrDecay: num(0, 0.1, 1),
  initialAccumulatorValue: num(0, 0.1, 1),
  eps: num(1e-8, 1e-7, 0, 1e-3, 1),
  rho: num(0.9, 0.95, 0, 1),
  alpha: num(0.99, 0.9, 0, 1),
  centered: bool,
  betas: fc.oneof(
    fc.constantFrom([0.9, 0.999], [0, 0], [0.99, 0.9], [0.5, 0.5], [1, 0.9], [0.9, 1]).map((b) => ({ t: 'arr', items: b.map(lit) }) as Desc),
    fc.array(numDesc(specialNumber), { maxLength: 3 }).map((items) => ({ t: 'arr', items }) as Desc),
  ),
  amsgrad: bool,
  momentumDecay: num(4e-3, 0, 1),
};
const COMMON_VALUES: Record<string, fc.Arbitrary<Desc>> = {
  compat: fc.constantFrom('torch', 'tfjs', 'keras', 'paper').map(lit),
  backend: fc.constantFrom('native', 'js').map(lit),
};

/** The hyperparameter names an optimizer class knows (read from a throwaway instance on the js backend). */
const knownKeys = new Map<string, string[]>();
function keysOf(name: string): string[] {
  let keys = knownKeys.get(name);
  if (!keys) {
    keys = Object.keys(new OPTIMIZERS[name]!(new Float32Array(1), { backend: 'js' }).paramGroups[0]!.options);
    knownKeys.set(name, keys);
  }
  return keys;
}

/** An options object with some of the class's keys, plausible or weird values, rarely a foreign key. */
function optionsArb(name: string, common: boolean): fc.Arbitrary<Desc> {
  const keys = keysOf(name);
  const entry = (k: string): fc.Arbitrary<[string, Desc] | undefined> =>
    fc.option(mostly((OPTION_VALUES[k] ?? COMMON_VALUES[k])!, 8).map((d) => [k, d] as [string, Desc]), { freq: 3, nil: undefined });
  const all = common ? [...keys, 'compat', 'backend'] : keys;
  const foreign = fc.oneof({ arbitrary: fc.constant(undefined), weight: 15 },
    { arbitrary: fc.tuple(fc.constantFrom(...Object.keys(OPTION_VALUES), 'learningRate', 'params'), weird), weight: 1 });
  return fc.tuple(fc.tuple(...all.map(entry)), foreign).map(([entries, extra]) => {
    const props = entries.filter((e): e is [string, Desc] => e !== undefined);
    if (extra) props.push(extra);
    return { t: 'obj', props } as Desc;
  });
}

type ParamForm = 'single' | 'list' | 'arena' | 'groups';

/** Where each parameter's gradient comes from in a step call. */
type GradEntry =
  | { g: 'fresh'; layout: Desc }
  | { g: 'null' }
  | { g: 'length'; n: number }
  | { g: 'param'; of: number } // shares memory with a parameter
  | { g: 'weird'; v: Desc };

type Mangle = { path: string; v: Desc | 'delete' | 'shorten' };

type Op =
  | { op: 'step'; entries: GradEntry[]; arena: boolean; count: number; weirdAll: Desc | null }
  | { op: 'stepSparse'; entries: Array<Desc | null> | Desc }
  | { op: 'load'; from: 'self' | 'twin' | 'other'; other: string; compat: string; steps: number; mangles: Mangle[]; json: 'no' | 'object' | 'string'; b64: 'keep' | 'flip' | 'cut' | 'junk' }
  | { op: 'reset' }
  | { op: 'lr'; v: Desc }
  | { op: 'setOption'; key: string; v: Desc; group: Desc }
  | { op: 'stateOf'; i: Desc }
  | { op: 'detach'; param: number }
  | { op: 'json'; v: Desc };

export interface OptimizerScenario {
  name: string;
  lengths: number[];
  form: ParamForm;
  /** Group index of each parameter (form 'groups'). */
  groupOf: number[];
  groupOptions: Desc[];
  paramsWeird: Desc | null;
  options: Desc | undefined;
  ops: Op[];
}

const SD_PATHS = ['format', 'version', 'optimizer', 'compat', 'stepCount', 'groups', 'groups.0', 'groups.0.options', 'groups.0.options.lr',
  'groups.0.options.betas', 'groups.0.paramLengths', 'groups.0.paramLengths.0', 'state', 'state.0', 'state.0.*', 'scalars', 'scalars.0',
  'scalars.0.step', 'scalars.0.*', 'groups.1', 'state.1.*'];

const mangleArb: fc.Arbitrary<Mangle> = fc.record({
  path: fc.constantFrom(...SD_PATHS),
  v: fc.oneof(
    { arbitrary: fc.constant<'delete'>('delete'), weight: 2 },
    { arbitrary: fc.constant<'shorten'>('shorten'), weight: 1 },
    { arbitrary: weirdDeep, weight: 3 },
  ),
});

function opArb(name: string, lengths: number[]): fc.Arbitrary<Op> {
  const gradEntry: fc.Arbitrary<GradEntry> = fc.oneof(
    { arbitrary: layoutArb.map((layout) => ({ g: 'fresh' as const, layout: { t: 'f32', n: 0, fill: 'rand', layout } as Desc })), weight: 20 },
    { arbitrary: fc.constant({ g: 'null' as const }), weight: 1 },
    { arbitrary: lengthArb.map((n) => ({ g: 'length' as const, n })), weight: 1 },
    { arbitrary: fc.nat(3).map((of) => ({ g: 'param' as const, of })), weight: 1 },
    { arbitrary: weirdDeep.map((v) => ({ g: 'weird' as const, v })), weight: 1 },
  );
  const sparseEntry = (len: number): fc.Arbitrary<Desc | null> => {
    const divisors = [1, 2, 3, 4, len].filter((d) => d > 0 && len % d === 0);
    return fc.oneof(
      { arbitrary: fc.constantFrom(...(divisors.length ? divisors : [1])).chain((rowLength) => {
        const rows = Math.floor(len / rowLength);
        return fc.array(fc.integer({ min: -1, max: rows }), { maxLength: 6 }).chain((idx) => fc.record({
          indices: fc.oneof(i32(fc.constant(idx), liveLayout), fc.constant<Desc>({ t: 'arr', items: idx.map(lit) })),
          values: mostly(f32(idx.length * rowLength), 12),
          rowLength: mostly(fc.oneof(fc.constant(lit(rowLength)), fc.constant(lit(undefined))), 12),
        }).map((o) => ({ t: 'obj', props: Object.entries(o) }) as Desc));
      }), weight: 10 },
      { arbitrary: fc.constant(null), weight: 1 },
      { arbitrary: weirdDeep, weight: 1 },
    );
  };
  const others = NAMES.filter((n) => n !== name);
  return fc.oneof(
    { arbitrary: fc.record({
      op: fc.constant('step' as const),
      entries: fc.tuple(...lengths.map(() => gradEntry)),
      arena: fc.boolean(),
      count: fc.oneof({ arbitrary: fc.constant(lengths.length), weight: 12 }, { arbitrary: fc.nat(5), weight: 1 }),
      weirdAll: fc.oneof({ arbitrary: fc.constant(null), weight: 15 }, { arbitrary: weirdDeep, weight: 1 }),
    }), weight: 8 },
    { arbitrary: fc.record({
      op: fc.constant('stepSparse' as const),
      entries: fc.oneof({ arbitrary: fc.tuple(...lengths.map(sparseEntry)), weight: 8 }, { arbitrary: weirdDeep, weight: 1 }),
    }), weight: 3 },
    { arbitrary: fc.record({
      op: fc.constant('load' as const),
      from: fc.constantFrom('self', 'twin', 'other'),
      other: fc.constantFrom(...others),
      compat: fc.constantFrom('torch', 'tfjs', 'keras', 'paper'),
      steps: fc.nat(3),
      mangles: fc.oneof({ arbitrary: fc.constant<Mangle[]>([]), weight: 2 }, { arbitrary: fc.array(mangleArb, { minLength: 1, maxLength: 3 }), weight: 3 }),
      json: fc.constantFrom('no', 'no', 'object', 'string'),
      b64: fc.constantFrom('keep', 'keep', 'flip', 'cut', 'junk'),
    }), weight: 4 },
    { arbitrary: fc.constant({ op: 'reset' as const }), weight: 1 },
    { arbitrary: fc.record({ op: fc.constant('lr' as const), v: mostly(OPTION_VALUES.lr!, 3) }), weight: 1 },
    { arbitrary: fc.record({
      op: fc.constant('setOption' as const),
      key: fc.constantFrom(...keysOf(name), 'lr', 'nope', 'compat'),
      v: fc.oneof(...Object.values(OPTION_VALUES), weird),
      group: fc.oneof({ arbitrary: fc.constant(lit(undefined)), weight: 4 }, { arbitrary: num(0, 1, 2, -1, 0.5), weight: 2 }, { arbitrary: weird, weight: 1 }),
    }), weight: 2 },
    { arbitrary: fc.record({ op: fc.constant('stateOf' as const), i: fc.oneof(num(0, 1, 5, -1, 0.5), weird) }), weight: 1 },
    { arbitrary: fc.record({ op: fc.constant('detach' as const), param: fc.nat(3) }), weight: 1 },
    { arbitrary: fc.record({ op: fc.constant('json' as const), v: weirdDeep }), weight: 1 },
  );
}

export const optimizerScenarioArb: fc.Arbitrary<OptimizerScenario> = fc.record({
  name: fc.constantFrom(...NAMES),
  lengths: fc.array(fc.oneof({ arbitrary: fc.integer({ min: 1, max: 20 }), weight: 6 }, { arbitrary: fc.constantFrom(0, 33, 1000), weight: 1 }),
    { minLength: 1, maxLength: 4 }),
  form: fc.constantFrom<ParamForm>('single', 'list', 'arena', 'groups'),
}).chain(({ name, lengths, form }) => fc.record({
  name: fc.constant(name),
  lengths: fc.constant(form === 'single' ? lengths.slice(0, 1) : lengths),
  form: fc.constant(form),
  groupOf: fc.array(fc.nat(2), { minLength: lengths.length, maxLength: lengths.length }),
  groupOptions: fc.array(optionsArb(name, false), { minLength: 3, maxLength: 3 }),
  paramsWeird: fc.oneof({ arbitrary: fc.constant(null), weight: 20 }, { arbitrary: weirdDeep, weight: 1 }),
  options: fc.option(optionsArb(name, true), { freq: 5, nil: undefined }),
  ops: fc.array(opArb(name, form === 'single' ? lengths.slice(0, 1) : lengths), { maxLength: 7 }),
}));

// ---- running a scenario ----

const SUITE = 'optimizers';

/** stateDictFromJSON parses a string with JSON.parse, whose SyntaxError for malformed text passes through. */
const allowJsonSyntax: Allow = (e) => (e instanceof SyntaxError ? 'SyntaxError(JSON.parse)' : null);

/** The parameters as the scenario passes them to the constructor. */
function buildParams(sc: OptimizerScenario, tr: Tracker): unknown {
  if (sc.paramsWeird) return materialize(sc.paramsWeird, tr);
  const total = sc.lengths.reduce((a, b) => a + b, 0);
  let arrays: Float32Array[];
  if (sc.form === 'arena') {
    const arena = materialize({ t: 'f32', n: total, fill: 'rand', layout: { before: 1, after: 2, shared: false, detach: false } }, tr) as Float32Array;
    let off = 0;
    arrays = sc.lengths.map((n) => arena.subarray(off, (off += n)));
  } else {
    arrays = sc.lengths.map((n) => materialize({ t: 'f32', n, fill: 'rand', layout: { before: 1, after: 1, shared: n % 5 === 4, detach: false } }, tr) as Float32Array);
  }
  if (sc.form === 'single') return arrays[0];
  if (sc.form !== 'groups') return arrays;
  const groups: Array<{ params: Float32Array[] } & Record<string, unknown>> = [];
  const indexOf = new Map<number, number>();
  arrays.forEach((a, i) => {
    const g = sc.groupOf[i]!;
    if (!indexOf.has(g)) {
      indexOf.set(g, groups.length);
      groups.push({ ...(materialize(sc.groupOptions[g]!, tr) as object), params: [] });
    }
    groups[indexOf.get(g)!]!.params.push(a);
  });
  return groups;
}

/** Everything a throwing call must leave as it was, compared bit for bit. */
function fingerprint(opt: AnyOptimizer): unknown {
  try {
    return { sd: opt.stateDict(), lr: opt.lr, steps: opt.stepCount };
  } catch (error) {
    return { stateDictThrew: String(error) };
  }
}

/** A tracker that already holds the parameters (so 'alias' descriptions can point at them) and the state arrays. */
function trackerFor(opt: AnyOptimizer): Tracker {
  const tr = new Tracker();
  for (const p of opt.params) {
    tr.f32s.push(p);
    tr.track(p);
  }
  opt.params.forEach((_, i) => {
    for (const s of Object.values(opt.stateOf(i))) tr.track(s);
  });
  return tr;
}

/** The fingerprint with state arrays that `after` has and `before` lacks dropped (they appear when an option switched one on). */
function withoutAddedState(before: unknown, after: unknown): unknown {
  const b = before as { sd?: OptimizerStateDict }, a = after as { sd?: OptimizerStateDict };
  if (!b.sd || !a.sd || !Array.isArray(b.sd.state) || !Array.isArray(a.sd.state)) return after;
  const state = a.sd.state.map((st, i) => Object.fromEntries(Object.entries(st).filter(([k]) => k in (b.sd!.state[i] ?? {}))));
  return { ...a, sd: { ...a.sd, state } };
}

/** One checked call on the optimizer: on a throw, its fingerprint must not have changed either. */
function checkedOp(stats: FuzzStats, label: string, opt: AnyOptimizer, tr: Tracker, call: () => unknown): { threw: boolean; error?: unknown; value?: unknown } {
  const before = fingerprint(opt);
  const r = checkCall(stats, SUITE, label, tr, call);
  if (r.threw) {
    const after = fingerprint(opt);
    if (!sameBits(before, after)) {
      const what = sameBits(before, withoutAddedState(before, after)) ? 'only gained new (initial) state arrays' : 'changed';
      checkInvariant(stats, SUITE, label, false,
        `threw ${r.error instanceof Error ? r.error.message : String(r.error)} but the optimizer's state dict, lr or stepCount ${what}`, r.error);
    }
  }
  return r;
}

/**
 * Valid gradients may still meet options whose per-step scalars overflow (lr = 1e308 makes Adam's
 * step size infinite): the step then refuses with this RangeError before changing anything (which
 * checkedOp verifies), as documented in Optimizer.step.
 */
function refusesNonFiniteScalars(error: unknown): boolean {
  return error instanceof RangeError && /would use a non-finite scalar/.test(error.message);
}

function validGrads(opt: AnyOptimizer): Float32Array[] {
  return opt.params.map((p) => new Float32Array(p.length).fill(0.25));
}

function buildGrads(op: Extract<Op, { op: 'step' }>, opt: AnyOptimizer, tr: Tracker): unknown {
  if (op.weirdAll) return materialize(op.weirdAll, tr);
  const params = opt.params;
  let arena: Float32Array | null = null;
  if (op.arena) arena = materialize({ t: 'f32', n: params.reduce((a, p) => a + p.length, 0), fill: 'rand', layout: { before: 0, after: 1, shared: false, detach: false } }, tr) as Float32Array;
  let off = 0;
  const list = op.entries.map((e, i): unknown => {
    const n = params[i]?.length ?? 0;
    switch (e.g) {
      case 'fresh': {
        if (arena) return arena.subarray(off, (off += n));
        return materialize({ ...(e.layout as Extract<Desc, { t: 'f32' }>), n }, tr);
      }
      case 'null': return null;
      case 'length': return materialize({ t: 'f32', n: e.n, fill: 'rand', layout: { before: 0, after: 1, shared: false, detach: false } }, tr);
      case 'param': return materialize({ t: 'alias', of: e.of, start: 0, n }, tr);
      case 'weird': return materialize(e.v, tr);
    }
  });
  const sized = op.count === list.length ? list : op.count < list.length ? list.slice(0, op.count)
    : [...list, ...Array.from({ length: op.count - list.length }, () => new Float32Array(1))];
  return sized.length === 1 && params.length === 1 && op.count === 1 && op.entries[0]?.g === 'fresh' && !op.arena ? sized[0] : sized;
}

function isValidStep(op: Extract<Op, { op: 'step' }>, opt: AnyOptimizer, detached: boolean): boolean {
  return !detached && !op.weirdAll && op.count === opt.params.length &&
    op.entries.every((e) => e.g === 'null' || (e.g === 'fresh' && !(e.layout as Extract<Desc, { t: 'f32' }>).layout.detach));
}

/** Sets, deletes or shortens the value at a dotted path ('*' = the first key there). */
function mangle(root: unknown, m: Mangle, tr: Tracker): void {
  const parts = m.path.split('.');
  let obj = root as Record<string, unknown> | undefined;
  for (const p of parts.slice(0, -1)) {
    const key = p === '*' ? Object.keys(obj ?? {})[0] : p;
    if (obj === null || typeof obj !== 'object' || key === undefined) return;
    obj = obj[key] as Record<string, unknown> | undefined;
  }
  if (obj === null || typeof obj !== 'object') return;
  const last = parts[parts.length - 1]!;
  const key = last === '*' ? Object.keys(obj)[0] : last;
  if (key === undefined) return;
  if (m.v === 'delete') delete obj[key];
  else if (m.v === 'shorten') {
    const v = obj[key];
    if (v instanceof Float32Array || Array.isArray(v)) obj[key] = v.slice(0, Math.max(0, v.length - 1));
    else if (typeof v === 'number') obj[key] = v - 1;
  } else obj[key] = materialize(m.v, tr);
}

function corruptBase64(json: ReturnType<typeof stateDictToJSON>, how: 'keep' | 'flip' | 'cut' | 'junk'): void {
  if (how === 'keep' || !Array.isArray(json.state)) return;
  for (const st of json.state) {
    for (const v of Object.values(st ?? {}) as Array<{ f32?: unknown }>) {
      const s = v?.f32;
      if (typeof s !== 'string') continue;
      v.f32 = how === 'flip' ? (s.length ? (s[0] === 'A' ? 'B' : 'A') + s.slice(1) : 'AA')
        : how === 'cut' ? s.slice(0, Math.max(0, s.length - 3)) : `${s}!*\u00e9==`;
      return;
    }
  }
}

function stateDictSource(op: Extract<Op, { op: 'load' }>, opt: AnyOptimizer, sc: OptimizerScenario): OptimizerStateDict | null {
  if (op.from === 'self') return opt.stateDict();
  try {
    const lengths = opt.params.map((p) => p.length);
    const Cls = OPTIMIZERS[op.from === 'twin' ? sc.name : op.other]!;
    const twin = new Cls(lengths.map((n) => new Float32Array(n)), { compat: op.compat, backend: 'js' });
    for (let k = 0; k < op.steps; k++) twin.step(lengths.map((n) => new Float32Array(n).fill(0.5)));
    return twin.stateDict();
  } catch {
    return null; // that class rejects this compat: nothing to load
  }
}

function runOp(stats: FuzzStats, sc: OptimizerScenario, opt: AnyOptimizer, op: Op, state: { detached: boolean }): void {
  const tr = trackerFor(opt);
  const label = `${sc.name}.${op.op}`;
  switch (op.op) {
    case 'step': {
      const grads = buildGrads(op, opt, tr);
      const r = checkedOp(stats, label, opt, tr, () => opt.step(grads));
      if (isValidStep(op, opt, state.detached))
        checkInvariant(stats, SUITE, `${sc.name}.step (valid gradients)`, !r.threw || refusesNonFiniteScalars(r.error),
          `a valid step threw ${String(r.error)}`, r.error);
      return;
    }
    case 'stepSparse': {
      const grads = Array.isArray(op.entries) ? op.entries.map((e) => (e === null ? null : materialize(e, tr))) : materialize(op.entries, tr);
      checkedOp(stats, label, opt, tr, () => opt.stepSparse(grads));
      return;
    }
    case 'load': {
      const sd = stateDictSource(op, opt, sc);
      if (!sd) return;
      const copy = structuredClone(sd) as unknown;
      for (const m of op.mangles) {
        try {
          mangle(copy, m, tr);
        } catch {
          // the mangle itself was impossible (a BigInt into a typed array): leave that field
        }
      }
      let input: unknown = copy;
      if (op.json !== 'no') {
        const conv = checkCall(stats, SUITE, 'stateDictToJSON', tr, () => stateDictToJSON(copy as OptimizerStateDict));
        if (conv.threw) return;
        const json = conv.value as ReturnType<typeof stateDictToJSON>;
        corruptBase64(json, op.b64);
        let text: unknown = json;
        try {
          if (op.json === 'string') text = JSON.stringify(json);
        } catch {
          return; // a mangled field (a BigInt, say) that JSON cannot hold
        }
        const back = checkCall(stats, SUITE, 'stateDictFromJSON', tr, () => stateDictFromJSON(text as never), { allow: allowJsonSyntax });
        if (back.threw) return;
        input = back.value;
      }
      const r = checkedOp(stats, `${sc.name}.loadStateDict`, opt, tr, () => opt.loadStateDict(input));
      if (!r.threw && !state.detached) {
        // A state dict that loads must leave an optimizer that can step.
        const step = checkCall(stats, SUITE, 'loadStateDict->step', trackerFor(opt), () => opt.step(validGrads(opt)));
        checkInvariant(stats, SUITE, 'loadStateDict->step', !step.threw || refusesNonFiniteScalars(step.error),
          `loadStateDict accepted ${JSON.stringify(op.mangles)} from ${op.from}, then a valid step threw ${String(step.error)}`, step.error);
      }
      return;
    }
    case 'reset': checkedOp(stats, label, opt, tr, () => opt.reset()); return;
    case 'lr': {
      const v = materialize(op.v, tr);
      checkedOp(stats, label, opt, tr, () => { opt.lr = v as number; });
      return;
    }
    case 'setOption': {
      const v = materialize(op.v, tr), g = materialize(op.group, tr);
      checkedOp(stats, label, opt, tr, () => opt.setOption(op.key, v, g));
      return;
    }
    case 'stateOf': {
      const i = materialize(op.i, tr);
      checkedOp(stats, label, opt, tr, () => opt.stateOf(i));
      return;
    }
    case 'detach': {
      const p = opt.params[op.param % opt.params.length]!;
      if (p.buffer instanceof ArrayBuffer && p.buffer.byteLength > 0) {
        structuredClone(p.buffer, { transfer: [p.buffer] });
        state.detached = true;
      }
      return;
    }
    case 'json': {
      const v = materialize(op.v, tr);
      checkCall(stats, SUITE, 'stateDictToJSON', tr, () => stateDictToJSON(v as OptimizerStateDict));
      checkCall(stats, SUITE, 'stateDictFromJSON', tr, () => stateDictFromJSON(v as never), { allow: allowJsonSyntax });
      return;
    }
  }
}

export const optimizerScenarios = suite<OptimizerScenario>({
  name: 'optimizers',
  weight: 6,
  arbitrary: optimizerScenarioArb,
  run(stats, sc) {
    const tr = new Tracker();
    const params = buildParams(sc, tr);
    const options = sc.options === undefined ? undefined : materialize(sc.options, tr);
    const Cls = OPTIMIZERS[sc.name]!;
    const made = checkCall(stats, SUITE, `new ${sc.name}`, tr, () => new Cls(params, options));
    if (made.threw) return;
    const opt = made.value as AnyOptimizer;
    const state = { detached: false };
    for (const op of sc.ops) runOp(stats, sc, opt, op, state);
  },
});
