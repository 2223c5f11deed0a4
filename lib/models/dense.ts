/**
 * A fully connected layer, `y = x Wᵀ + b`, with its backward pass. Weights are row-major
 * out × in (PyTorch's `nn.Linear` layout); sums run in double precision.
 * @packageDocumentation
 */
import type { ParamArena } from '../arena';
import { allocate, sized, type ActivationArray, type ActivationPrecision } from './buffers';

export class Dense {
  /** Weights, out × in row-major (a live view into the arena). */
  readonly weight: Float32Array;
  /** Bias (a live view into the arena), or null for a layer without one. */
  readonly bias: Float32Array | null;
  private readonly weightGrad: Float32Array;
  private readonly biasGrad: Float32Array | null;
  private readonly weightAcc: Float64Array;
  private readonly rowAcc: Float64Array;
  private input: ActivationArray | null = null;
  private output: ActivationArray;
  private gradInput: ActivationArray;

  /**
   * @param arena - holds `${name}.weight` (out·in) and, when `hasBias`, `${name}.bias` (out)
   */
  constructor(
    arena: ParamArena,
    readonly name: string,
    readonly inFeatures: number,
    readonly outFeatures: number,
    hasBias: boolean,
    private readonly precision: ActivationPrecision,
  ) {
    this.weight = arena.param(`${name}.weight`);
    this.weightGrad = arena.grad(`${name}.weight`);
    this.bias = hasBias ? arena.param(`${name}.bias`) : null;
    this.biasGrad = hasBias ? arena.grad(`${name}.bias`) : null;
    this.weightAcc = new Float64Array(outFeatures * inFeatures);
    this.rowAcc = new Float64Array(inFeatures);
    this.output = allocate(precision, 0);
    this.gradInput = allocate(precision, 0);
  }

  /** The arena entries this layer needs, in layout order. */
  static layout(name: string, inFeatures: number, outFeatures: number, hasBias: boolean): Array<[string, number]> {
    const entries: Array<[string, number]> = [[`${name}.weight`, outFeatures * inFeatures]];
    if (hasBias) entries.push([`${name}.bias`, outFeatures]);
    return entries;
  }

  /** rows × out outputs for rows × in inputs; keeps a reference to `input` for {@link backward}. */
  forward(input: ActivationArray, rows: number): ActivationArray {
    const nIn = this.inFeatures, nOut = this.outFeatures, w = this.weight, b = this.bias;
    const out = (this.output = sized(this.output, this.precision, rows * nOut));
    for (let r = 0; r < rows; r++) {
      const xBase = r * nIn;
      for (let o = 0; o < nOut; o++) {
        const wBase = o * nIn;
        let s = b === null ? 0 : b[o]!;
        for (let i = 0; i < nIn; i++) s += w[wBase + i]! * input[xBase + i]!;
        out[r * nOut + o] = s;
      }
    }
    this.input = input;
    return out;
  }

  /**
   * Writes (not adds) the weight and bias gradients into the arena and returns the gradient with
   * respect to the input, or null when `needInputGrad` is false (the first layer's input is data).
   */
  backward(gradOutput: ActivationArray, rows: number, needInputGrad: boolean): ActivationArray | null {
    const input = this.input;
    if (input === null) throw new Error(`Dense ${this.name}: backward called before forward`);
    const nIn = this.inFeatures, nOut = this.outFeatures, w = this.weight;
    const acc = this.weightAcc;
    acc.fill(0);
    for (let r = 0; r < rows; r++) {
      const xBase = r * nIn;
      for (let o = 0; o < nOut; o++) {
        const g = gradOutput[r * nOut + o]!;
        if (g === 0) continue;
        const aBase = o * nIn;
        for (let i = 0; i < nIn; i++) acc[aBase + i] += g * input[xBase + i]!;
      }
    }
    this.weightGrad.set(acc);
    if (this.biasGrad !== null) {
      for (let o = 0; o < nOut; o++) {
        let s = 0;
        for (let r = 0; r < rows; r++) s += gradOutput[r * nOut + o]!;
        this.biasGrad[o] = s;
      }
    }
    if (!needInputGrad) return null;
    const gIn = (this.gradInput = sized(this.gradInput, this.precision, rows * nIn));
    const rowAcc = this.rowAcc;
    for (let r = 0; r < rows; r++) {
      rowAcc.fill(0);
      for (let o = 0; o < nOut; o++) {
        const g = gradOutput[r * nOut + o]!;
        if (g === 0) continue;
        const wBase = o * nIn;
        for (let i = 0; i < nIn; i++) rowAcc[i] += g * w[wBase + i]!;
      }
      gIn.set(rowAcc, r * nIn);
    }
    return gIn;
  }
}
