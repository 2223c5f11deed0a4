/**
 * Gradient accumulation: sum the gradients of k micro-batches and step once, so a large effective
 * batch fits in the memory of a small one.
 * @packageDocumentation
 */
import { checkBoolean, checkNumber } from '../optimizers/validate';
import { arrayList, checkLengths, gradientArrays, optionsRecord, type ArrayList, type GradientList } from './check';

export interface GradientAccumulatorOptions {
  /** k, the micro-batches per step (an integer ≥ 1). Required. */
  steps: number;
  /** Divide the sum by the number of micro-batches added (the mean gradient). Default true. */
  average?: boolean;
}

/**
 * Sums micro-batch gradients into float32 buffers of the parameters' shapes. `take()` hands out
 * those buffers themselves (no copy); they hold the result until the next `add()`, which starts a
 * new sum in them.
 */
export class GradientAccumulator {
  readonly steps: number;
  readonly average: boolean;
  private readonly buffers: Float32Array[];
  private readonly lengths: number[];
  private added = 0;
  /** After take(): the next add overwrites instead of adding, which saves a pass of zeroing. */
  private fresh = true;

  /** @param params - the parameters the gradients belong to (only their lengths are used) */
  constructor(params: ArrayList, options: GradientAccumulatorOptions) {
    const where = 'GradientAccumulator';
    const list = arrayList(where, 'params', params);
    const o = optionsRecord<GradientAccumulatorOptions>(where, options, ['steps', 'average']);
    this.steps = checkNumber(where, 'steps', o.steps, { min: 1, integer: true });
    this.average = checkBoolean(where, 'average', o.average ?? true);
    this.lengths = list.map((p) => p.length);
    this.buffers = this.lengths.map((n) => new Float32Array(n));
  }

  /** Micro-batches added since the last take. */
  get count(): number {
    return this.added;
  }

  /** True once `steps` micro-batches have been added: time to take() and step. */
  get ready(): boolean {
    return this.added >= this.steps;
  }

  /**
   * Adds one micro-batch's gradients (parallel to the parameters; `null` adds nothing for that
   * parameter). Throws a RangeError when the accumulator is already {@link ready}.
   */
  add(grads: GradientList): void {
    const where = 'GradientAccumulator.add';
    const list = gradientArrays(where, 'grads', grads);
    if (this.added >= this.steps)
      throw new RangeError(`${where}: already holds ${this.steps} micro-batches (steps); call take() first`);
    checkLengths(where, 'grads', list.map((g, i) => g ?? this.buffers[i]!), this.lengths);
    list.forEach((g, k) => {
      const b = this.buffers[k]!;
      if (g === null) {
        if (this.fresh) b.fill(0);
      } else if (this.fresh) b.set(g);
      else for (let i = 0; i < b.length; i++) b[i] = b[i]! + g[i]!;
    });
    this.fresh = false;
    this.added++;
  }

  /**
   * The summed (or, with `average`, mean) gradient, one array per parameter, and a reset. Taking
   * before {@link ready} (e.g. a short last group of an epoch) averages over the micro-batches
   * actually added. The arrays are the accumulator's own and stay valid until the next add().
   */
  take(): Float32Array[] {
    if (this.added === 0) throw new RangeError('GradientAccumulator.take: nothing was added since the last take');
    if (this.average && this.added > 1) {
      for (const b of this.buffers) for (let i = 0; i < b.length; i++) b[i] = b[i]! / this.added;
    }
    this.added = 0;
    this.fresh = true;
    return this.buffers;
  }

  /** Drops whatever was added since the last take. */
  reset(): void {
    this.added = 0;
    this.fresh = true;
  }
}
