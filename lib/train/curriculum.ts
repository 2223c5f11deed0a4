/**
 * Curriculum learning (Bengio et al. 2009; seed paper §6.1): per-epoch example orders that start
 * with easy examples, after the strategies of Zaremba & Sutskever 2014 ("Learning to Execute").
 * Orders are index arrays into the caller's data, which is never copied or moved.
 * @packageDocumentation
 */
import { checkNumber, describe } from '../optimizers/validate';
import { optionsRecord } from './check';
import { identityIndices, SeededRandom, shuffleIndices } from './random';

/**
 * - `'naive'`: the pool of easiest examples, easy → hard.
 * - `'combined'`: each batch mixes examples of the naive order with examples drawn uniformly from
 *   the whole data set, so hard examples are never absent (Zaremba & Sutskever found this better
 *   than naive). Their "mix" strategy alone, uniform sampling, is a plain {@link permutation}.
 */
export type CurriculumStrategy = 'naive' | 'combined';

export interface CurriculumOptions {
  /** Default `'naive'`. */
  strategy?: CurriculumStrategy;
  /** The fraction of (easiest) examples in the pool at epoch 0, in (0, 1]. Default 1 (every example). */
  start?: number;
  /** How much the pool fraction grows per epoch (≥ 0): epoch e uses `min(1, start + e·step)`. Default 0. */
  step?: number;
  /**
   * `'combined'`: the share of each batch drawn uniformly from all examples, in [0, 1); rounded to
   * whole examples, leaving at least one curriculum example per batch. Default 0.5.
   */
  uniformRatio?: number;
  /** `'combined'`: examples per batch (integer ≥ 1). Default 32. */
  batchSize?: number;
  /** Seed for breaking ties in difficulty and for the uniform draws. Default 0. */
  seed?: number;
  /** The number of examples: required when difficulty is a function, else taken from it. */
  size?: number;
}

const STRATEGIES: readonly CurriculumStrategy[] = ['naive', 'combined'];

function readScores(difficulty: unknown, size: number | undefined): Float64Array {
  const where = 'Curriculum';
  if (typeof difficulty === 'function') {
    const n = checkNumber(where, 'size', size, { min: 0, integer: true });
    const scores = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const s: unknown = difficulty(i);
      scores[i] = checkNumber(where, `difficulty(${i})`, s);
    }
    return scores;
  }
  if (difficulty === null || typeof difficulty !== 'object' || typeof (difficulty as ArrayLike<number>).length !== 'number')
    throw new TypeError(`${where}: difficulty must be an array of scores or a function of the example index, got ${describe(difficulty)}`);
  const given = difficulty as ArrayLike<unknown>;
  if (size !== undefined && size !== given.length)
    throw new RangeError(`${where}: size is ${String(size)} but difficulty has ${given.length} scores`);
  const scores = new Float64Array(given.length);
  for (let i = 0; i < given.length; i++) scores[i] = checkNumber(where, `difficulty[${i}]`, given[i]);
  return scores;
}

/** Per-epoch example orders from difficulty scores (lower is easier). */
export class Curriculum {
  /** The number of examples. */
  readonly size: number;
  readonly strategy: CurriculumStrategy;
  readonly start: number;
  readonly step: number;
  readonly uniformRatio: number;
  readonly batchSize: number;
  readonly seed: number;
  private readonly scores: Float64Array;
  /** Example indices by ascending difficulty; equal scores by index (shuffled per epoch). */
  private readonly sorted: Uint32Array;

  /**
   * @param difficulty - a score per example (lower = easier), or a function of the example index
   *   (called once per example, here); scores must be finite
   */
  constructor(difficulty: ArrayLike<number> | ((index: number) => number), options: CurriculumOptions = {}) {
    const where = 'Curriculum';
    const o = optionsRecord<CurriculumOptions>(where, options, [
      'strategy', 'start', 'step', 'uniformRatio', 'batchSize', 'seed', 'size',
    ]);
    const strategy = o.strategy ?? 'naive';
    if (!STRATEGIES.includes(strategy))
      throw new RangeError(`${where}: strategy must be one of ${STRATEGIES.join(', ')}, got ${String(strategy)}`);
    this.strategy = strategy;
    this.start = checkNumber(where, 'start', o.start ?? 1, { min: 0, minExclusive: true, max: 1 });
    this.step = checkNumber(where, 'step', o.step ?? 0, { min: 0 });
    this.uniformRatio = checkNumber(where, 'uniformRatio', o.uniformRatio ?? 0.5, { min: 0, max: 1, maxExclusive: true });
    this.batchSize = checkNumber(where, 'batchSize', o.batchSize ?? 32, { min: 1, integer: true });
    this.seed = checkNumber(where, 'seed', o.seed ?? 0, { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true });
    this.scores = readScores(difficulty, o.size);
    this.size = this.scores.length;
    const s = this.scores;
    this.sorted = identityIndices(this.size).sort((a, b) => s[a]! - s[b]! || a - b);
  }

  /** The pool fraction at an epoch: `min(1, start + epoch·step)`. */
  poolFraction(epoch: number): number {
    checkNumber('Curriculum.poolFraction', 'epoch', epoch, { min: 0, integer: true });
    return Math.min(1, this.start + epoch * this.step);
  }

  /** The number of easiest examples in the pool at an epoch (at least 1 when there are any). */
  poolSize(epoch: number): number {
    const x = this.poolFraction(epoch) * this.size;
    // Shaves off rounding error so that e.g. 0.3 · 10 counts as 3, not 4.
    return Math.min(this.size, Math.max(this.size > 0 ? 1 : 0, Math.ceil(x - x * 1e-12)));
  }

  /**
   * The example order of an epoch: a new Uint32Array of indices into the data set. A pure function
   * of (seed, epoch), so any epoch can be recomputed, e.g. after resuming.
   * - naive: the pool, easy → hard; examples of equal difficulty in a seeded random order.
   * - combined: batches of `batchSize`, each `u = round(uniformRatio·batchSize)` examples drawn
   *   uniformly from all examples (without repeats until every example was drawn once) after the
   *   next `batchSize − u` examples of the naive order; the pool is walked exactly once, and the
   *   last, shorter batch keeps the ratio. The order is longer than the pool by the uniform draws.
   */
  epochOrder(epoch: number): Uint32Array {
    const pool = this.poolSize(epoch);
    const rng = new SeededRandom(this.seed, epoch);
    const naive = this.naiveOrder(pool, rng);
    return this.strategy === 'naive' ? naive : this.combine(naive, rng);
  }

  /** The easiest `pool` examples, ascending, each run of equal scores shuffled. */
  private naiveOrder(pool: number, rng: SeededRandom): Uint32Array {
    const order = this.sorted.slice();
    const s = this.scores;
    // Runs that start inside the pool are shuffled whole, so which tied examples make the cut is random too.
    for (let lo = 0; lo < pool; ) {
      let hi = lo + 1;
      while (hi < order.length && s[order[hi]!] === s[order[lo]!]) hi++;
      if (hi - lo > 1) shuffleIndices(order.subarray(lo, hi), rng);
      lo = hi;
    }
    return order.slice(0, pool);
  }

  private combine(naive: Uint32Array, rng: SeededRandom): Uint32Array {
    const b = this.batchSize;
    const u = Math.min(Math.round(this.uniformRatio * b), b - 1);
    const c = b - u;
    const n = this.size;
    let total = 0;
    for (let taken = 0; taken < naive.length; taken += c) {
      const cs = Math.min(c, naive.length - taken);
      total += cs + Math.round((cs * u) / c);
    }
    const out = new Uint32Array(total);
    let uniform = shuffleIndices(n, rng), next = 0, w = 0;
    for (let taken = 0; taken < naive.length; taken += c) {
      const cs = Math.min(c, naive.length - taken);
      out.set(naive.subarray(taken, taken + cs), w);
      w += cs;
      for (let k = Math.round((cs * u) / c); k > 0; k--) {
        if (next === n) {
          uniform = shuffleIndices(uniform, rng);
          next = 0;
        }
        out[w++] = uniform[next++]!;
      }
    }
    return out;
  }
}
