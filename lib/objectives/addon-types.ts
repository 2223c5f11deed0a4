/**
 * The raw native surface of the linear objectives (native/binding/objective_bindings.cc). Only
 * lib/objectives/linear.ts calls it; it validates first.
 * @internal
 * @packageDocumentation
 */
import type { Labels, Matrix } from '../data/matrix';

/** @internal The objective as the native layer reads it (every field filled in). */
export interface RawObjective {
  loss: 'squared' | 'logistic' | 'hinge' | 'softmax';
  classes: number;
  bias: boolean;
  l2: number;
}

/** @internal */
export interface ObjectiveAddon {
  linearLossGrad(objective: RawObjective, X: Matrix, y: Labels, w: Float32Array, grad: Float32Array | null,
    rows: Uint32Array | null): number;
  linearPredictScores(objective: RawObjective, X: Matrix, w: Float32Array, rows: Uint32Array | null, out: Float32Array): void;
  linearPredictClasses(objective: RawObjective, X: Matrix, w: Float32Array, rows: Uint32Array | null, out: Int32Array): void;
  linearEvaluate(objective: RawObjective, X: Matrix, y: Labels, w: Float32Array, rows: Uint32Array | null): {
    loss: number;
    metric: number;
  };
}
