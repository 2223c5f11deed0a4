/**
 * Softmax cross-entropy of class scores against integer labels, averaged over the rows, with the
 * gradient with respect to the scores. Stable: each row's largest score is subtracted before
 * exponentiating, so any finite scores give a finite loss.
 * @packageDocumentation
 */
import { allocate, sized, type ActivationArray, type ActivationPrecision } from './buffers';

export class SoftmaxCrossEntropy {
  private gradInput: ActivationArray;

  constructor(readonly classes: number, private readonly precision: ActivationPrecision) {
    this.gradInput = allocate(precision, 0);
  }

  /**
   * The mean loss over `rows` rows of `scores` (rows × classes); `labelOf(r)` is row r's class.
   * With `withGrad`, also fills the buffer {@link grad} returns: `(softmax − onehot) / rows`.
   */
  forward(scores: ActivationArray, rows: number, labelOf: (r: number) => number, withGrad: boolean): number {
    const c = this.classes;
    const g = withGrad ? (this.gradInput = sized(this.gradInput, this.precision, rows * c)) : null;
    let total = 0;
    for (let r = 0; r < rows; r++) {
      const base = r * c;
      let max = -Infinity;
      for (let k = 0; k < c; k++) max = Math.max(max, scores[base + k]!);
      let z = 0;
      for (let k = 0; k < c; k++) z += Math.exp(scores[base + k]! - max);
      const label = labelOf(r);
      const logZ = Math.log(z) + max;
      total += logZ - scores[base + label]!;
      if (g !== null) {
        for (let k = 0; k < c; k++) g[base + k] = (Math.exp(scores[base + k]! - logZ) - (k === label ? 1 : 0)) / rows;
      }
    }
    return total / rows;
  }

  /** The score gradient of the last `forward(..., withGrad = true)`. */
  grad(): ActivationArray {
    return this.gradInput;
  }
}
