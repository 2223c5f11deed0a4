/**
 * The rectifier `max(0, x)` and its backward pass (gradient 0 at x ≤ 0, PyTorch's convention at 0).
 * @packageDocumentation
 */
import { allocate, sized, type ActivationArray, type ActivationPrecision } from './buffers';

export class ReLU {
  private output: ActivationArray;
  private gradInput: ActivationArray;

  constructor(private readonly precision: ActivationPrecision) {
    this.output = allocate(precision, 0);
    this.gradInput = allocate(precision, 0);
  }

  /** `max(0, x)` elementwise over n values. */
  forward(input: ActivationArray, n: number): ActivationArray {
    const out = (this.output = sized(this.output, this.precision, n));
    for (let k = 0; k < n; k++) {
      const x = input[k]!;
      out[k] = x > 0 ? x : 0;
    }
    return out;
  }

  /** The gradient passes where the last forward's output was positive. */
  backward(gradOutput: ActivationArray, n: number): ActivationArray {
    const out = this.output, gIn = (this.gradInput = sized(this.gradInput, this.precision, n));
    for (let k = 0; k < n; k++) gIn[k] = out[k]! > 0 ? gradOutput[k]! : 0;
    return gIn;
  }
}
