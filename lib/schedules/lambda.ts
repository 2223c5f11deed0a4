/**
 * Schedules given by a function of the step: {@link LambdaLR} (a factor of the base rate) and
 * {@link MultiplicativeLR} (a factor of the previous rate).
 * @packageDocumentation
 */
import { BaseSchedule } from './base';
import { checkFunction, checkOptionsObject, describe } from './check';
import type { ScheduleTarget } from './target';

/** A learning-rate factor as a function of the step count t (0, 1, 2, ...). Must be pure. */
export type LrLambda = (t: number) => number;

/** Options of {@link LambdaLR} and {@link MultiplicativeLR}. */
export interface LambdaLROptions {
  /** One function for every group, or one per group. Required. */
  lrLambda: LrLambda | readonly LrLambda[];
}

function parseLambdas(where: string, v: unknown, groups: number): LrLambda[] {
  if (Array.isArray(v)) {
    if (v.length !== groups)
      throw new RangeError(`${where}: lrLambda has ${v.length} functions, expected one per parameter group (${groups})`);
    return v.map((f, i) => checkFunction<LrLambda>(where, `lrLambda[${i}]`, f));
  }
  if (typeof v !== 'function')
    throw new TypeError(`${where}: lrLambda must be a function or an array of functions (one per group), got ${describe(v)}`);
  return new Array<LrLambda>(groups).fill(v as LrLambda);
}

/** PyTorch's `LambdaLR`: `lr_t = lr_0 · lrLambda(t)`. Not chainable: it sets the rate from the base rate. */
export class LambdaLR extends BaseSchedule {
  private readonly lambdas: LrLambda[];

  /**
   * @param target - an optimizer, a {@link LearningRates} or `{ lr }`
   * @param options - see {@link LambdaLROptions}
   */
  constructor(target: ScheduleTarget, options: LambdaLROptions) {
    super('LambdaLR', target, options);
    const o = checkOptionsObject('LambdaLR', options, ['lrLambda']);
    this.lambdas = parseLambdas('LambdaLR', o.lrLambda, this.groupCount);
    this.start();
  }

  protected chainLr(g: number, t: number): number {
    return this.closedLr(g, t);
  }

  protected closedLr(g: number, t: number): number {
    return this.baseLrs[g]! * this.lambdas[g]!(t);
  }
}

/**
 * PyTorch's `MultiplicativeLR`: each step t >= 1 multiplies the group's current rate by
 * `lrLambda(t)`, so `lr_t = lr_0 · Π_{k=1..t} lrLambda(k)` (what `lrAt` computes, in O(t)).
 * At a SequentialLR milestone it continues from the current rate, as PyTorch's does.
 */
export class MultiplicativeLR extends BaseSchedule {
  private readonly lambdas: LrLambda[];

  /**
   * @param target - an optimizer, a {@link LearningRates} or `{ lr }`
   * @param options - see {@link LambdaLROptions}
   */
  constructor(target: ScheduleTarget, options: LambdaLROptions) {
    super('MultiplicativeLR', target, options);
    const o = checkOptionsObject('MultiplicativeLR', options, ['lrLambda']);
    this.lambdas = parseLambdas('MultiplicativeLR', o.lrLambda, this.groupCount);
    this.start();
  }

  protected chainLr(g: number, t: number, current: number): number {
    return t > 0 ? current * this.lambdas[g]!(t) : current;
  }

  protected closedLr(g: number, t: number): number {
    let lr = this.baseLrs[g]!;
    for (let k = 1; k <= t; k++) lr = lr * this.lambdas[g]!(k);
    return lr;
  }

  protected override restartLr(_g: number, current: number): number {
    return current;
  }
}
