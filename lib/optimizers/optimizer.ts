/**
 * The base class of every optimizer: parameter groups, argument checking, the step loop, sparse
 * steps and state dicts. A subclass supplies its defaults per compat mode, the checks of its
 * hyperparameters, the state arrays it keeps and two small functions: one that turns the group's
 * options and the step number into per-step scalars (once per group and step, in double precision)
 * and one that calls its kernel.
 * @packageDocumentation
 */
import type { Backend, KernelSet, PackedKernel, PackedKernelSet } from '../kernels';
import { addon } from '../native';
import { referenceKernels } from '../reference/rules';
import type {
  Compat, CommonOptions, NonFiniteMode, OptimizerStateDict, OptimizerStats, ParamGroup, ParamGroupState, Params, SparseGradient,
} from './types';
import { checkFloat32Array, checkKnownKeys, checkNumber, describe, overlaps } from './validate';

/** A state array an optimizer keeps per parameter, and the value it starts at. */
export interface StateSpec {
  name: string;
  init: number;
}

interface Group<G> {
  params: Float32Array[];
  options: G;
  /** Index of the group's first parameter among all parameters. */
  first: number;
  /** Element offset of each parameter inside the group's state arenas. */
  offsets: number[];
  /** Elements of all the group's parameters together. */
  total: number;
  /** Per state name, one array holding every parameter's state back to back. */
  arenas: Record<string, Float32Array>;
  /** One view spanning every parameter when they lie back to back in one buffer (a ParamArena). */
  span: Float32Array | null;
  /** The same for this step's gradients, set between checking and stepping. */
  gradSpan: Float32Array | null;
  /**
   * The gradients of the last whole-group step that passed every check, and their spanning view
   * (or null): a step with the very same gradient arrays, still attached, passes the same checks,
   * so {@link Optimizer.stepFast} skips them. Null until such a step.
   */
  checkedGrads: Float32Array[] | null;
  checkedGradSpan: Float32Array | null;
}

/** What the fast path keeps between steps: the scalars buffer it refills and the state it was built for. */
interface FastState {
  /** The group options and state arenas the state slots below were read for. */
  options: unknown;
  arenas: Record<string, Float32Array> | null;
  /** The packed kernel by name, and its state arrays (three slots, unused ones null). */
  kernel: string;
  fn: PackedKernel | null;
  slots: [Float32Array | null, Float32Array | null, Float32Array | null];
  scalars: Float64Array;
}

const COMPATS: readonly Compat[] = ['torch', 'tfjs', 'keras', 'paper'];
const NON_FINITE: readonly NonFiniteMode[] = ['propagate', 'skip', 'throw'];

/**
 * How an optimizer calls its kernel: the dense kernel's name in {@link KernelSet} (the sparse one is
 * `name + 'Sparse'`), the state arrays it takes in order (an absent optional one is passed as null),
 * and the per-step scalars in the order of the kernel's arguments (native/kernels/params.h).
 */
export interface KernelCall {
  kernel: 'sgd' | 'adagrad' | 'adadelta' | 'rmsprop' | 'adam' | 'adamax' | 'nadam';
  state: readonly string[];
  scalars: ReadonlyArray<number | boolean>;
  /** Whether the rule has a lazy sparse form. */
  sparse: boolean;
}

type AnyKernel = (...args: unknown[]) => void;

/** Per scalar state (shared by the parameters in step): the kernel call and the state after it. */
type GroupPlan = Map<Record<string, number>, { call: KernelCall; next: Record<string, number> }>;

/**
 * The steps a native loop will take for this optimizer: its kernel, the state arrays in kernel
 * order, and one row of scalars per step. `commit(k)` records that the first k steps ran.
 * @internal
 */
export interface StepPlan {
  kernel: KernelCall['kernel'];
  state: Array<Float32Array | null>;
  /** steps × width scalars (flags as 0/1), in the kernel's argument order. */
  scalars: Float64Array;
  width: number;
  commit(stepsDone: number): void;
}

/** Internal coalesced form of a sparse gradient. */
export interface SparseRows {
  indices: Int32Array;
  values: Float32Array;
  rowLength: number;
}

/**
 * Base class of all optimizers. `G` is the optimizer's hyperparameter record (all fields present),
 * `S` the per-step scalars its kernel needs.
 */
export abstract class Optimizer<G extends { lr: number }, S = unknown> {
  /** Whose formulas and defaults this optimizer follows. */
  readonly compat: Compat;
  /** Which kernels run: `'native'` or the `'js'` reference. */
  readonly backend: Backend;
  /** What a step does with non-finite gradients (see {@link CommonOptions.nonFinite}). */
  readonly nonFinite: NonFiniteMode;
  private skippedSteps = 0;
  /** Parameters by the buffer they live on, for the gradient aliasing check (params never change). */
  private paramsByBuffer: Map<ArrayBufferLike, Array<[number, Float32Array]>> | undefined;
  private readonly groups: Group<G>[] = [];
  private readonly states: Record<string, Float32Array>[] = [];
  /** Per parameter: its own step count (`step`) and any scalar state of the rule (e.g. `muProduct`). */
  private readonly scalars: Record<string, number>[] = [];
  private readonly lengths: number[] = [];
  private steps = 0;
  private readonly kernels: KernelSet;
  /** The packed native kernels, when the fast path may run (native backend, nonFinite 'propagate'). */
  private readonly packed: PackedKernelSet | null;
  /** The gradient a one-parameter fast step last checked against the parameter (see stepFast). */
  private lastSingleGrad: Float32Array | null = null;
  private readonly fast: FastState = {
    options: null, arenas: null, kernel: '', fn: null, slots: [null, null, null], scalars: new Float64Array(0),
  };

  /**
   * @param name - class name, used in messages and state dicts
   * @param params - a Float32Array, an array of them, or parameter groups
   * @param options - hyperparameters plus `compat` and `backend`
   */
  protected constructor(
    protected readonly name: string,
    params: Params<G>,
    options: Partial<G> & CommonOptions,
  ) {
    if (options === null || typeof options !== 'object' || Array.isArray(options))
      throw new TypeError(`${name}: options must be an object, got ${describe(options)}`);
    const compat = options.compat ?? 'torch';
    if (!COMPATS.includes(compat))
      throw new RangeError(`${name}: compat must be one of ${COMPATS.join(', ')}, got ${String(compat)}`);
    const backend = options.backend ?? 'native';
    if (backend !== 'native' && backend !== 'js')
      throw new RangeError(`${name}: backend must be 'native' or 'js', got ${String(backend)}`);
    this.compat = compat;
    this.backend = backend;
    const nonFinite = options.nonFinite ?? 'propagate';
    if (!NON_FINITE.includes(nonFinite))
      throw new RangeError(`${name}: nonFinite must be one of ${NON_FINITE.join(', ')}, got ${String(nonFinite)}`);
    this.nonFinite = nonFinite;
    const known = [...Object.keys(this.defaults(compat)), 'compat', 'backend', 'nonFinite'];
    checkKnownKeys(name, options, known);
    const { compat: _c, backend: _b, nonFinite: _n, ...hyper } = options;
    const base = { ...this.defaults(compat), ...hyper } as G;
    this.kernels = backend === 'native' ? addon() : referenceKernels;
    // A binary built before the packed kernels existed simply keeps every step on the general path.
    this.packed = backend === 'native' && nonFinite === 'propagate' && typeof addon().adamPacked === 'function' ? addon() : null;

    for (const [gi, group] of this.normaliseGroups(params).entries()) {
      const { params: ps, ...own } = group;
      checkKnownKeys(`${name}: param group ${gi}`, own, known.filter((k) => k !== 'compat' && k !== 'backend' && k !== 'nonFinite'));
      const opts = { ...base, ...own } as G;
      this.checkOptions(opts, gi === 0 && Object.keys(own).length === 0 ? name : `${name} (param group ${gi})`);
      const list = Array.isArray(ps) ? ps : [ps];
      if (list.length === 0) throw new RangeError(`${name}: param group ${gi} has no parameters`);
      const first = this.lengths.length;
      const checked = list.map((p, i) => checkFloat32Array(name, `params[${first + i}]`, p));
      const offsets: number[] = [];
      let total = 0;
      for (const p of checked) {
        offsets.push(total);
        total += p.length;
        this.lengths.push(p.length);
      }
      this.groups.push({ params: checked, options: opts, first, offsets, total, arenas: {}, span: spanOf(checked), gradSpan: null,
        checkedGrads: null, checkedGradSpan: null });
    }
    const all = this.params;
    for (let i = 0; i < all.length; i++)
      for (let j = i + 1; j < all.length; j++)
        if (overlaps(all[i]!, all[j]!))
          throw new RangeError(`${name}: params[${i}] and params[${j}] share memory; each parameter must be its own array`);
    this.initState();
  }

  // ---- what a subclass supplies ----

  /** Defaults of every hyperparameter under a compat mode. */
  protected abstract defaults(compat: Compat): G;
  /** Throws TypeError/RangeError for a bad hyperparameter (`where` names the optimizer and group). */
  protected abstract checkOptions(options: G, where: string): void;
  /** The state arrays kept per parameter under these options. */
  protected abstract stateSpec(options: G): StateSpec[];
  /**
   * Per-step scalars at step t (1-based) of a parameter, in double precision. May advance the
   * parameter's scalar state (`scalars`, a copy that is kept only if the step goes through).
   * Called once per group and step when the group's parameters share a step count.
   */
  protected abstract prepare(options: G, t: number, scalars: Record<string, number>): S;
  /** The kernel, state arrays and scalars one step runs with (see {@link KernelCall}). */
  protected abstract kernelCall(s: S): KernelCall;
  /** Initial per-parameter scalar state besides `step` (e.g. NAdam's mu product). */
  protected initialScalars(_options: G): Record<string, number> {
    return {};
  }

  // ---- public API ----

  /** Every parameter, all groups in order: the order `step` expects gradients in. */
  get params(): Float32Array[] {
    return this.groups.flatMap((g) => g.params);
  }

  /** The parameter groups with their hyperparameters. */
  get paramGroups(): ReadonlyArray<ParamGroupState<G>> {
    return this.groups.map((g) => ({ params: g.params, options: { ...g.options } }));
  }

  /** Steps applied and steps skipped for non-finite gradients. */
  get stats(): OptimizerStats {
    return { steps: this.steps, skipped: this.skippedSteps };
  }

  /** Steps taken so far. */
  get stepCount(): number {
    return this.steps;
  }

  /** The learning rate of the first group. */
  get lr(): number {
    return this.groups[0]!.options.lr;
  }

  /** Sets the learning rate of every group (a non-negative finite number). */
  set lr(value: number) {
    for (const [gi, g] of this.groups.entries()) this.checkOptions({ ...g.options, lr: value }, `${this.name} (param group ${gi})`);
    for (const g of this.groups) g.options = { ...g.options, lr: value };
  }

  /**
   * Sets one hyperparameter of one group (or all groups when `group` is omitted), checked like the
   * constructor's options. Schedules use this for per-group learning rates.
   */
  setOption<K extends keyof G & string>(key: K, value: G[K], group?: number): void {
    const targets = group === undefined ? this.groups.map((_, i) => i) : [group];
    for (const gi of targets) {
      if (!Number.isInteger(gi) || gi < 0 || gi >= this.groups.length)
        throw new RangeError(`${this.name}: group must be an integer in [0, ${this.groups.length}), got ${gi}`);
      if (!(key in this.groups[gi]!.options)) throw new TypeError(`${this.name}: unknown option '${key}'`);
      this.checkOptions({ ...this.groups[gi]!.options, [key]: value }, `${this.name} (param group ${gi})`);
    }
    for (const gi of targets) this.groups[gi]!.options = { ...this.groups[gi]!.options, [key]: value };
  }

  /**
   * Applies one update to every parameter in place. `grads` is parallel to {@link params}: one
   * Float32Array per parameter (or the array itself when there is one parameter); `null` skips a
   * parameter. Everything is checked before anything is written: on error no array changes.
   */
  step(grads: Float32Array | ReadonlyArray<Float32Array | null>): void {
    if (this.packed !== null && this.groups.length === 1 && this.stepFast(grads)) return;
    const list = this.checkGradList(grads);
    const whole: Array<Float32Array[] | null> = this.groups.map((group) => this.checkGroupFast(group, list));
    this.groups.forEach((group, gi) => {
      if (!whole[gi]) this.checkGroupEach(group, list);
    });
    this.checkGradsApartFromParams(list);
    const plans = this.groups.map((group) => this.planGroup(group, list));
    if (this.nonFinite !== 'propagate' && this.gradsNonFinite(list)) return;
    // Everything is checked: from here on, nothing throws.
    this.groups.forEach((group, gi) => {
      const gs = whole[gi];
      if (gs) this.stepWholeGroup(group, gs, plans[gi]!);
      else this.stepEach(group, list, plans[gi]!, (p, g, st, call) => this.runDense(p, g, st, call));
    });
    this.steps++;
  }

  /**
   * The hot path of {@link step} for an optimizer with one group on the native backend, taken when
   * the checks can be answered cheaply: one parameter with a live gradient of its length apart from
   * it, or every parameter with the very gradient arrays of the last whole-group step (still
   * attached, all parameters at one step count). Then the per-step scalars go to the packed kernel
   * in a reused Float64Array. Returns false, having changed nothing, whenever any of that does not
   * hold (or a scalar is not finite): the general path then runs and gives the precise error.
   */
  private stepFast(grads: Float32Array | ReadonlyArray<Float32Array | null>): boolean {
    const group = this.groups[0]!;
    const ps = group.params, n = ps.length, step0 = this.scalars[0]!;
    let p: Float32Array | readonly Float32Array[], g: Float32Array | readonly Float32Array[];
    if (n === 1) {
      const g0 = grads instanceof Float32Array ? grads : Array.isArray(grads) && grads.length === 1 ? grads[0] : null;
      const p0 = ps[0]!, len = this.lengths[0]!;
      if (!(g0 instanceof Float32Array) || g0.length !== len || p0.length !== len) return false;
      // A view's buffer and offset never change: the gradient of the last fast step needs no new
      // overlap test (reading .buffer twice is a fair part of a small step's cost).
      if (g0 !== this.lastSingleGrad) {
        if (overlaps(g0, p0)) return false;
        this.lastSingleGrad = g0;
      }
      p = p0;
      g = g0;
    } else {
      const seen = group.checkedGrads;
      if (seen === null || !Array.isArray(grads) || grads.length !== n) return false;
      const lengths = this.lengths, scalars = this.scalars;
      for (let j = 0; j < n; j++) {
        const gj = grads[j];
        if (gj !== seen[j] || scalars[j] !== step0 || gj.length !== lengths[j] || ps[j]!.length !== lengths[j]) return false;
      }
      const gradSpan = group.checkedGradSpan;
      if (gradSpan !== null) {
        if (gradSpan.length !== group.total) return false;
        p = group.span!;
        g = gradSpan;
      } else {
        p = ps;
        g = seen;
      }
    }
    const next = { ...step0 };
    const t = step0.step! + 1;
    const call = this.kernelCall(this.prepare(group.options, t, next));
    next.step = t;
    const fast = this.fast;
    const values = call.scalars;
    if (fast.scalars.length !== values.length) fast.scalars = new Float64Array(values.length);
    const packed = fast.scalars;
    for (let k = 0; k < values.length; k++) {
      const v = values[k];
      if (typeof v === 'number') {
        if (!Number.isFinite(v)) return false;
        packed[k] = v;
      } else packed[k] = v ? 1 : 0;
    }
    if (fast.options !== group.options || fast.arenas !== group.arenas || fast.kernel !== call.kernel) {
      this.ensureState(group);
      fast.options = group.options;
      fast.arenas = group.arenas;
      fast.kernel = call.kernel;
      fast.fn = this.packed![`${call.kernel}Packed` as keyof PackedKernelSet];
    }
    const slots = fast.slots, names = call.state, arenas = group.arenas;
    for (let k = 0; k < 3; k++) slots[k] = k < names.length ? arenas[names[k]!] ?? null : null;
    fast.fn!(p, g, slots[0], slots[1], slots[2], packed);
    for (let j = 0; j < n; j++) this.scalars[j] = next;
    this.steps++;
    return true;
  }

  /**
   * The cheap check for the common case, where one kernel call can step the whole group: every
   * parameter has a gradient of the right length and the same step count, and params and grads each
   * lie back to back in one buffer (or the native backend takes lists). Returns the group's gradients,
   * or null to fall back to per-parameter checks (which also produce the detailed messages).
   */
  private checkGroupFast(group: Group<G>, grads: ReadonlyArray<Float32Array | null>): Float32Array[] | null {
    const n = group.params.length;
    if (n < 2) return null;
    const step0 = this.scalars[group.first];
    const gs: Float32Array[] = new Array<Float32Array>(n);
    let contiguous = group.span !== null;
    let end = 0;
    let buffer: ArrayBufferLike | null = null;
    for (let j = 0; j < n; j++) {
      const i = group.first + j, g = grads[i];
      if (!(g instanceof Float32Array) || g.length !== this.lengths[i] || this.scalars[i] !== step0) return null;
      if (contiguous) {
        if (j === 0) {
          buffer = g.buffer;
          end = g.byteOffset;
        }
        contiguous = g.buffer === buffer && g.byteOffset === end;
        end += g.byteLength;
      }
      gs[j] = g;
    }
    if (contiguous) {
      // Both spans cover their whole groups: one liveness and one overlap test stand for all.
      const gSpan = new Float32Array(buffer!, gs[0]!.byteOffset, group.total);
      if (group.span!.length !== group.total || overlaps(gSpan, group.span!)) return null;
      group.gradSpan = gSpan;
      return gs;
    }
    if (this.backend !== 'native') return null;
    for (let j = 0; j < n; j++) {
      const p = group.params[j]!;
      if (p.length !== this.lengths[group.first + j] || overlaps(gs[j]!, p)) return null;
    }
    group.gradSpan = null;
    return gs;
  }

  /** Checks every gradient of a group on its own, throwing the precise error for the first bad one. */
  private checkGroupEach(group: Group<G>, grads: ReadonlyArray<Float32Array | null>): void {
    for (let j = 0; j < group.params.length; j++) {
      const i = group.first + j, g = grads[i];
      if (g === null || g === undefined) continue;
      const p = group.params[j]!;
      checkFloat32Array(this.name, `grads[${i}]`, g, this.lengths[i]);
      this.checkParamAlive(i, p);
      if (overlaps(g, p)) throw new RangeError(`${this.name}: grads[${i}] shares memory with params[${i}]; pass a separate gradient array`);
    }
  }

  /**
   * Applies one lazy update: only the coordinates (or rows) a sparse gradient names change, and only
   * their optimizer state, as TensorFlow's LazyAdam and PyTorch's SparseAdam do. Weight decay, when
   * set, applies to the touched coordinates only. `null` skips a parameter.
   */
  stepSparse(grads: SparseGradient | ReadonlyArray<SparseGradient | null>): void {
    if (!this.kernelCall(this.prepare(this.groups[0]!.options, 1, { ...this.scalars[0]! })).sparse)
      throw new TypeError(`${this.name}: sparse (lazy) updates are not defined for this optimizer; use step() with a dense gradient`);
    const all = this.params;
    const list: ReadonlyArray<SparseGradient | null> =
      Array.isArray(grads) ? grads : [grads as SparseGradient];
    if (list.length !== all.length)
      throw new RangeError(`${this.name}: expected ${all.length} sparse gradients (one per parameter), got ${list.length}`);
    const rows = list.map((g, i) => (g === null || g === undefined ? null : this.coalesce(i, g, all[i]!)));
    const plans = this.groups.map((group) => this.planGroup(group, rows));
    if (this.nonFinite !== 'propagate' && this.gradsNonFinite(rows.map((r) => r?.values ?? null))) return;
    this.groups.forEach((group, gi) => {
      this.stepEach(group, rows, plans[gi]!, (p, g, st, call) => {
        const fn = this.kernels[`${call.kernel}Sparse` as keyof KernelSet] as AnyKernel;
        fn(p, g.indices, g.values, g.rowLength, ...call.state.map((n) => st[n] ?? null), ...call.scalars);
      });
    });
    this.steps++;
  }

  /**
   * One kernel call for a whole group (checked by checkGroupFast): over one spanning view when params
   * and grads each lie back to back in one buffer, else (native) over the lists of arrays. Per-call
   * overhead then no longer grows with the number of tensors.
   */
  private stepWholeGroup(group: Group<G>, gs: Float32Array[], plan: GroupPlan): void {
    this.ensureState(group);
    const { call, next } = plan.get(this.scalars[group.first]!)!;
    if (group.gradSpan) this.runDense(group.span!, group.gradSpan, group.arenas, call);
    // The native binding takes lists of segments; the TS reference never sees this form.
    else this.runDense(group.params, gs, group.arenas, call);
    // Only a lone group is recorded: its checks then cover every parameter (see stepFast).
    group.checkedGrads = this.groups.length === 1 ? gs : null;
    group.checkedGradSpan = group.gradSpan;
    group.gradSpan = null;
    for (let j = 0; j < group.params.length; j++) this.scalars[group.first + j] = next;
  }

  /**
   * The per-parameter loop shared by step and stepSparse, after every check has passed: the
   * per-step scalars are computed once for each distinct parameter step count (normally one), then
   * the kernel runs on each parameter that has a gradient. Scalar records are replaced, never
   * mutated, so parameters in step can share one.
   */
  private stepEach<T>(group: Group<G>, grads: ReadonlyArray<T | null | undefined>, plan: GroupPlan,
    kernel: (p: Float32Array, g: T, st: Record<string, Float32Array>, call: KernelCall) => void): void {
    this.ensureState(group);
    for (let j = 0; j < group.params.length; j++) {
      const i = group.first + j, g = grads[i];
      if (g === null || g === undefined) continue;
      const { call, next } = plan.get(this.scalars[i]!)!;
      kernel(group.params[j]!, g, this.states[i]!, call);
      this.scalars[i] = next;
    }
  }

  /** Calls the dense kernel; p and g are arrays, or (native only) lists of arrays. */
  private runDense(p: Float32Array | readonly Float32Array[], g: Float32Array | readonly Float32Array[],
    st: Record<string, Float32Array>, call: KernelCall): void {
    const fn = this.kernels[call.kernel] as AnyKernel;
    fn(p, g, ...call.state.map((n) => st[n] ?? null), ...call.scalars);
  }

  /**
   * Allocates the group's state arenas its options call for (at construction, and later when an
   * option such as momentum or amsgrad switches one on or off) and points every parameter's state
   * at its slice of them.
   */
  private ensureState(group: Group<G>): void {
    const specs = this.stateSpec(group.options);
    // State an option no longer calls for goes (e.g. amsgrad switched off): kernels read its presence.
    for (const name of Object.keys(group.arenas)) {
      if (specs.some((spec) => spec.name === name)) continue;
      delete group.arenas[name];
      for (let j = 0; j < group.params.length; j++) delete this.states[group.first + j]![name];
    }
    for (const spec of specs) {
      if (group.arenas[spec.name]) continue;
      const arena = new Float32Array(group.total).fill(spec.init);
      group.arenas[spec.name] = arena;
      group.params.forEach((p, j) => {
        const i = group.first + j;
        (this.states[i] ??= {})[spec.name] = arena.subarray(group.offsets[j]!, group.offsets[j]! + p.length);
      });
    }
  }

  /**
   * Plans `count` steps for a native loop (fit()): the per-step scalars are computed here, once per
   * step in double precision, exactly as step() would; `lrs[k]`, when given, is step k's learning
   * rate. Needs an optimizer over one parameter array. Nothing changes until commit().
   * @internal
   */
  planSteps(count: number, lrs?: ArrayLike<number>): StepPlan {
    if (this.groups.length !== 1 || this.groups[0]!.params.length !== 1)
      throw new RangeError(`${this.name}: a native training loop needs an optimizer over exactly one Float32Array (the model's weights)`);
    checkNumber(this.name, 'count', count, { min: 0, integer: true });
    if (lrs) for (let k = 0; k < count; k++) checkNumber(this.name, `lr at step ${k}`, lrs[k], { min: 0 });
    const group = this.groups[0]!;
    this.ensureState(group);
    const start = this.scalars[0]!;
    const optionsAt = (k: number): G => (lrs ? { ...group.options, lr: lrs[k]! } : group.options);
    // Replays k steps of scalar state from the start (prepare() may advance it, e.g. NAdam's μ product).
    const advance = (k: number, visit?: (row: ReadonlyArray<number | boolean>, step: number) => void) => {
      const working = { ...start };
      let call: KernelCall | undefined;
      for (let step = 0; step < k; step++) {
        const t = working.step! + 1;
        call = this.kernelCall(this.prepare(optionsAt(step), t, working));
        working.step = t;
        visit?.(call.scalars, step);
      }
      return { working, call };
    };
    const probe = this.kernelCall(this.prepare(group.options, start.step! + 1, { ...start }));
    const width = probe.scalars.length;
    const flat = new Float64Array(count * width);
    const { working: end } = advance(count, (row, step) => {
      for (let j = 0; j < width; j++) flat[step * width + j] = Number(row[j]);
    });
    return {
      kernel: probe.kernel,
      state: probe.state.map((n) => group.arenas[n] ?? null),
      scalars: flat,
      width,
      commit: (stepsDone: number) => {
        if (stepsDone <= 0) return;
        this.scalars[0] = stepsDone === count ? end : advance(stepsDone).working;
        this.steps += stepsDone;
        if (lrs) group.options = { ...group.options, lr: lrs[stepsDone - 1]! };
      },
    };
  }

  /** A deep copy of everything needed to continue exactly: options, step count, state arrays. */
  stateDict(): OptimizerStateDict {
    return {
      format: 'descent.optimizer',
      version: 1,
      optimizer: this.name,
      compat: this.compat,
      stepCount: this.steps,
      groups: this.groups.map((g) => ({
        options: structuredClone(g.options) as Record<string, unknown>,
        paramLengths: g.params.map((p) => p.length),
      })),
      state: this.states.map((st) => Object.fromEntries(Object.entries(st).map(([k, v]) => [k, v.slice()]))),
      scalars: this.scalars.map((sc) => ({ ...sc })),
    };
  }

  /**
   * Restores a state dict from {@link stateDict} (or {@link stateDictFromJSON}). It must come from the
   * same optimizer class and compat mode with the same parameter shapes. Everything is checked
   * first; on error nothing changes. State arrays are copied into this optimizer's own arrays.
   */
  loadStateDict(sd: OptimizerStateDict): void {
    const where = `${this.name}.loadStateDict`;
    if (sd === null || typeof sd !== 'object' || sd.format !== 'descent.optimizer')
      throw new TypeError(`${where}: expected a state dict from stateDict() (format 'descent.optimizer'), got ${describe(sd)}`);
    if (sd.version !== 1) throw new RangeError(`${where}: unsupported state dict version ${String(sd.version)}`);
    if (sd.optimizer !== this.name)
      throw new TypeError(`${where}: the state dict is from ${String(sd.optimizer)}, not ${this.name}`);
    if (sd.compat !== this.compat)
      throw new TypeError(`${where}: the state dict uses compat '${String(sd.compat)}', this optimizer '${this.compat}'`);
    checkNumber(where, 'stepCount', sd.stepCount, { min: 0, integer: true });
    if (!Array.isArray(sd.groups) || sd.groups.length !== this.groups.length)
      throw new RangeError(`${where}: the state dict has ${Array.isArray(sd.groups) ? sd.groups.length : 'no'} groups, this optimizer ${this.groups.length}`);
    const known = Object.keys(this.defaults(this.compat));
    const newOptions: G[] = [];
    for (const [gi, g] of sd.groups.entries()) {
      const mine = this.groups[gi]!;
      if (!Array.isArray(g.paramLengths) || g.paramLengths.length !== mine.params.length ||
        g.paramLengths.some((n, j) => n !== mine.params[j]!.length))
        throw new RangeError(`${where}: group ${gi} has parameters of lengths [${String(g.paramLengths)}], this optimizer [${mine.params.map((p) => p.length).join(',')}]`);
      if (g.options === null || typeof g.options !== 'object') throw new TypeError(`${where}: group ${gi} has no options`);
      checkKnownKeys(`${where}: group ${gi}`, g.options, known);
      const opts = { ...mine.options, ...g.options } as G;
      this.checkOptions(opts, `${where}: group ${gi}`);
      newOptions.push(opts);
    }
    if (!Array.isArray(sd.state) || sd.state.length !== this.states.length)
      throw new RangeError(`${where}: the state dict has state for ${Array.isArray(sd.state) ? sd.state.length : 'no'} parameters, this optimizer ${this.states.length}`);
    if (!Array.isArray(sd.scalars) || sd.scalars.length !== this.states.length)
      throw new RangeError(`${where}: the state dict has scalars for ${Array.isArray(sd.scalars) ? sd.scalars.length : 'no'} parameters, this optimizer ${this.states.length}`);
    for (const [i, sc] of sd.scalars.entries()) {
      if (sc === null || typeof sc !== 'object') throw new TypeError(`${where}: scalars[${i}] must be an object`);
      checkNumber(where, `scalars[${i}].step`, sc.step, { min: 0, integer: true });
      const group = this.groups.find((g) => i >= g.first && i < g.first + g.params.length)!;
      for (const key of Object.keys(this.initialScalars(newOptions[this.groups.indexOf(group)]!)))
        if (!(key in sc)) throw new TypeError(`${where}: scalars[${i}] lacks '${key}', which ${this.name} keeps per parameter`);
      for (const [k, v] of Object.entries(sc)) checkNumber(where, `scalars[${i}].${k}`, v);
    }
    // The state arrays a restored group needs follow from its restored options (e.g. amsgrad).
    const specs = this.groups.flatMap((g, gi) => g.params.map(() => this.stateSpec(newOptions[gi]!)));
    for (const [i, st] of sd.state.entries()) {
      for (const spec of specs[i]!) checkFloat32Array(where, `state[${i}].${spec.name}`, st?.[spec.name], this.lengths[i]);
    }
    // All checked: commit.
    this.groups.forEach((g, gi) => {
      g.options = newOptions[gi]!;
    });
    // Neighbours in a group with equal scalar state share one record, as after construction: the
    // one-call paths for a whole group recognise a common step count by identity.
    const firsts = new Set(this.groups.map((g) => g.first));
    sd.scalars.forEach((sc, i) => {
      const prev = this.scalars[i - 1];
      this.scalars[i] = i > 0 && !firsts.has(i) && sameScalars(prev!, sc) ? prev! : { ...sc };
    });
    this.groups.forEach((g) => this.ensureState(g));
    sd.state.forEach((st, i) => {
      for (const spec of specs[i]!) this.states[i]![spec.name]!.set(st[spec.name]!);
    });
    this.steps = sd.stepCount;
  }

  /** Forgets every step: state arrays back to their initial values, step count 0. Params are kept. */
  reset(): void {
    this.initState();
    this.steps = 0;
  }

  /** The state arrays of parameter i (live views, not copies), e.g. `{ expAvg, expAvgSq }` for Adam. */
  stateOf(i: number): Readonly<Record<string, Float32Array>> {
    if (!Number.isInteger(i) || i < 0 || i >= this.states.length)
      throw new RangeError(`${this.name}: parameter index must be an integer in [0, ${this.states.length}), got ${i}`);
    return this.states[i]!;
  }

  // ---- helpers ----

  private normaliseGroups(params: Params<G>): ParamGroup<G>[] {
    if (params instanceof Float32Array) return [{ params: [params] } as ParamGroup<G>];
    if (!Array.isArray(params))
      throw new TypeError(`${this.name}: params must be a Float32Array, an array of them, or an array of param groups, got ${describe(params)}`);
    if (params.length === 0) throw new RangeError(`${this.name}: params is empty; pass at least one Float32Array`);
    const isGroup = (x: unknown): x is ParamGroup<G> =>
      x !== null && typeof x === 'object' && !ArrayBuffer.isView(x) && 'params' in (x as object);
    if (params.every(isGroup)) return params as ParamGroup<G>[];
    if (params.some(isGroup))
      throw new TypeError(`${this.name}: params mixes param groups and arrays; use one form`);
    return [{ params: params as Float32Array[] } as ParamGroup<G>];
  }

  private initState(): void {
    this.states.length = 0;
    this.scalars.length = 0;
    for (const g of this.groups) {
      g.arenas = {};
      const scalars = { ...this.initialScalars(g.options), step: 0 };
      for (let j = 0; j < g.params.length; j++) {
        this.scalars.push(scalars);
        this.states.push({});
      }
      this.ensureState(g);
    }
  }

  /**
   * Throws RangeError when a gradient shares memory with any parameter (not only its own): the
   * kernels would read a gradient that an earlier update already changed. Only parameters on the
   * same buffer as the gradient are compared, so the usual case costs one map lookup per gradient.
   */
  private checkGradsApartFromParams(grads: ReadonlyArray<Float32Array | null>): void {
    if (!this.paramsByBuffer) {
      this.paramsByBuffer = new Map();
      this.params.forEach((p, i) => {
        const list = this.paramsByBuffer!.get(p.buffer);
        if (list) list.push([i, p]);
        else this.paramsByBuffer!.set(p.buffer, [[i, p]]);
      });
    }
    for (let i = 0; i < grads.length; i++) {
      const g = grads[i];
      if (!g) continue;
      for (const [j, p] of this.paramsByBuffer.get(g.buffer) ?? []) {
        if (overlaps(g, p)) throw new RangeError(`${this.name}: grads[${i}] shares memory with params[${j}]; pass separate gradient arrays`);
      }
    }
  }

  /**
   * The group's per-step scalars, computed once per distinct scalar state among the parameters that
   * have a gradient (normally one), keyed by that state. Throws RangeError when one is not finite
   * (e.g. Adam's lr / (1 − β1ᵗ) overflowing), before any group is updated.
   */
  private planGroup(group: Group<G>, grads: ReadonlyArray<unknown>): GroupPlan {
    const plan: GroupPlan = new Map();
    for (let j = 0; j < group.params.length; j++) {
      const i = group.first + j, state = this.scalars[i]!;
      if (grads[i] === null || grads[i] === undefined || plan.has(state)) continue;
      const next = { ...state };
      const t = state.step! + 1;
      const call = this.kernelCall(this.prepare(group.options, t, next));
      next.step = t;
      const bad = call.scalars.findIndex((v) => typeof v === 'number' && !Number.isFinite(v));
      if (bad >= 0)
        throw new RangeError(`${this.name}: step ${t} of params[${i}] would use a non-finite scalar ` +
          `(${call.kernel} argument ${bad} = ${String(call.scalars[bad])}); check lr, betas, eps and the other options. Nothing was updated.`);
      plan.set(state, { call, next });
    }
    return plan;
  }

  /**
   * The nonFinite policy, after all other checks: true when the step must be skipped (and counts it),
   * throws for 'throw'. Nothing has been written either way.
   */
  private gradsNonFinite(grads: ReadonlyArray<Float32Array | null | undefined>): boolean {
    for (let i = 0; i < grads.length; i++) {
      const g = grads[i];
      if (!g) continue;
      const at = this.kernels.firstNonFinite(g);
      if (at < 0) continue;
      if (this.nonFinite === 'throw')
        throw new RangeError(`${this.name}: grads[${i}][${at}] is ${g[at]}; nothing was updated (nonFinite: 'throw')`);
      this.skippedSteps++;
      return true;
    }
    return false;
  }

  private checkGradList(grads: Float32Array | ReadonlyArray<Float32Array | null>): ReadonlyArray<Float32Array | null> {
    const n = this.lengths.length;
    if (grads instanceof Float32Array) {
      if (n !== 1) throw new TypeError(`${this.name}: step() got one Float32Array but the optimizer has ${n} parameters; pass an array of ${n} gradients`);
      return [grads];
    }
    if (!Array.isArray(grads))
      throw new TypeError(`${this.name}: grads must be a Float32Array or an array of them (one per parameter), got ${describe(grads)}`);
    if (grads.length !== n) throw new RangeError(`${this.name}: expected ${n} gradients (one per parameter), got ${grads.length}`);
    return grads;
  }

  private checkParamAlive(i: number, p: Float32Array): void {
    if (p.length !== this.lengths[i])
      throw new RangeError(`${this.name}: params[${i}] now has length ${p.length}, was ${this.lengths[i]} (was its buffer transferred or detached?)`);
  }


  private coalesce(i: number, g: SparseGradient, p: Float32Array): SparseRows {
    const where = `${this.name}.stepSparse`;
    if (g === null || typeof g !== 'object') throw new TypeError(`${where}: grads[${i}] must be { indices, values, rowLength? }, got ${describe(g)}`);
    const rowLength = g.rowLength === undefined ? 1 : checkNumber(where, `grads[${i}].rowLength`, g.rowLength, { min: 1, integer: true });
    if (p.length % rowLength !== 0) throw new RangeError(`${where}: grads[${i}].rowLength ${rowLength} does not divide params[${i}].length ${p.length}`);
    const rows = p.length / rowLength;
    const idx = g.indices;
    if (!(idx instanceof Int32Array) && !Array.isArray(idx))
      throw new TypeError(`${where}: grads[${i}].indices must be an Int32Array or an array of integers, got ${describe(idx)}`);
    const values = checkFloat32Array(where, `grads[${i}].values`, g.values);
    if (values.length !== idx.length * rowLength)
      throw new RangeError(`${where}: grads[${i}].values has length ${values.length}, expected indices.length * rowLength = ${idx.length * rowLength}`);
    this.checkParamAlive(i, p);
    if (overlaps(values, p)) throw new RangeError(`${where}: grads[${i}].values shares memory with params[${i}]`);
    let sorted = true;
    for (let k = 0; k < idx.length; k++) {
      const r = idx[k]!;
      if (!Number.isInteger(r) || r < 0 || r >= rows)
        throw new RangeError(`${where}: grads[${i}].indices[${k}] = ${r} is not an integer in [0, ${rows})`);
      if (k > 0 && r <= idx[k - 1]!) sorted = false;
    }
    if (sorted) return { indices: idx instanceof Int32Array ? idx : Int32Array.from(idx), values, rowLength };
    // Sort and sum repeats into fresh arrays; the caller's arrays stay as they are.
    const order = Array.from(idx.keys()).sort((a, b) => idx[a]! - idx[b]!);
    const outIdx: number[] = [];
    const outVals = new Float32Array(values.length);
    for (const k of order) {
      const r = idx[k]!;
      if (outIdx.length === 0 || outIdx[outIdx.length - 1] !== r) outIdx.push(r);
      const base = (outIdx.length - 1) * rowLength;
      for (let j = 0; j < rowLength; j++) outVals[base + j] = outVals[base + j]! + values[k * rowLength + j]!;
    }
    return { indices: Int32Array.from(outIdx), values: outVals.subarray(0, outIdx.length * rowLength), rowLength };
  }
}

/** True when two scalar-state records hold the same keys with the same values. */
function sameScalars(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => Object.is(a[k], b[k]));
}

/** A view spanning the arrays when they lie back to back, in order, in one buffer; else null. */
function spanOf(arrays: readonly Float32Array[]): Float32Array | null {
  const first = arrays[0];
  if (!first) return null;
  let end = first.byteOffset + first.byteLength;
  for (let j = 1; j < arrays.length; j++) {
    const a = arrays[j]!;
    if (a.buffer !== first.buffer || a.byteOffset !== end) return null;
    end += a.byteLength;
  }
  return new Float32Array(first.buffer, first.byteOffset, (end - first.byteOffset) / 4);
}
