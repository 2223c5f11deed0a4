/**
 * Small neural-network models written by hand over typed arrays, with parameters in one
 * {@link ParamArena}: what lib/index.ts re-exports from here.
 * @packageDocumentation
 */
export { MLP } from './mlp';
export type { MLPOptions } from './mlp';
export { BatchNorm1d, BATCH_NORM_MOMENTUM, BATCH_NORM_EPS } from './batch-norm';
export { Dense } from './dense';
export { ReLU } from './relu';
export { SoftmaxCrossEntropy } from './softmax-cross-entropy';
export type { ActivationArray, ActivationPrecision } from './buffers';
export { makeSpirals } from './spirals';
export type { SpiralsOptions, ClassificationData } from './spirals';
export { trainClassifier } from './train-classifier';
export type { ArenaStepper, TrainClassifierOptions, TrainClassifierResult, EpochRecord } from './train-classifier';
