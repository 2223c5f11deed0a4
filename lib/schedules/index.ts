/**
 * Learning-rate schedules (seed paper §3 and §6): PyTorch's `torch.optim.lr_scheduler` in
 * TypeScript, computed in double precision, driving an optimizer's groups or a bare
 * {@link LearningRates}.
 *
 * @example
 * ```ts
 * const opt = new SGD(params, { lr: 0.1, momentum: 0.9 });
 * const schedule = new StepLR(opt, { stepSize: 30, gamma: 0.1 });
 * for (let epoch = 0; epoch < 100; epoch++) {
 *   trainOneEpoch(opt);   // opt.step(...) per batch
 *   schedule.step();      // then the schedule: opt.lr is now the rate for the next epoch
 * }
 * ```
 * @packageDocumentation
 */
export { LearningRates } from './target';
export type { SchedulableOptimizer, ScheduleTarget } from './target';
export type { LrScheduler, Schedule, ScheduleStateDict } from './types';
export { BaseSchedule } from './base';
export { FixedLR, ConstantLR } from './constant';
export type { FixedLROptions, ConstantLROptions } from './constant';
export { StepLR, MultiStepLR } from './step';
export type { StepLROptions, MultiStepLROptions } from './step';
export { ExponentialLR } from './exponential';
export type { ExponentialLROptions } from './exponential';
export { InverseTimeLR } from './inverse-time';
export type { InverseTimeLROptions } from './inverse-time';
export { PolynomialLR } from './polynomial';
export type { PolynomialLROptions } from './polynomial';
export { LinearLR } from './linear';
export type { LinearLROptions } from './linear';
export { CosineAnnealingLR, CosineAnnealingWarmRestarts } from './cosine';
export type { CosineAnnealingLROptions, CosineAnnealingWarmRestartsOptions } from './cosine';
export { CyclicLR } from './cyclic';
export type { CyclicLROptions, CyclicMode } from './cyclic';
export { OneCycleLR } from './one-cycle';
export type { OneCycleLROptions } from './one-cycle';
export { LambdaLR, MultiplicativeLR } from './lambda';
export type { LambdaLROptions, LrLambda } from './lambda';
export { SequentialLR, ChainedScheduler } from './composite';
export type { SequentialLROptions, ChainableSchedule } from './composite';
export { ReduceLROnPlateau } from './plateau';
export type { ReduceLROnPlateauOptions } from './plateau';
