/**
 * The native training entry point as lib/native.ts types it (native/binding/train_bindings.cc).
 * @internal
 * @packageDocumentation
 */
import type { Labels, Matrix } from '../data/matrix';
import type { LinearObjective } from '../objectives/objective';

/** @internal One epoch's job; see EpochPlan in native/train/epoch_loop.h. */
export interface EpochJob {
  objective: LinearObjective;
  X: Matrix;
  y: Labels;
  w: Float32Array;
  grad: Float32Array;
  order: Uint32Array;
  batchSize: number;
  steps: number;
  kernel: string;
  state: Array<Float32Array | null>;
  scalars: Float64Array;
  width: number;
  noiseStd: Float64Array | null;
  rngState: Uint32Array | null;
  stopOnNonFinite: boolean;
  evaluateTrain: boolean;
  validation: { X: Matrix; y: Labels } | null;
}

/** @internal */
export interface EpochJobResult {
  stepsDone: number;
  meanLoss: number;
  cancelled: boolean;
  nonFinite: boolean;
  train: { loss: number; metric: number } | null;
  validation: { loss: number; metric: number } | null;
}

/** @internal */
export interface TrainAddon {
  fitEpochAsync(job: EpochJob): { promise: Promise<EpochJobResult>; cancel(): void };
}
