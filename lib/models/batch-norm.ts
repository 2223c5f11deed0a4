/**
 * Batch normalisation over the features of a rows × features matrix (Ioffe & Szegedy 2015; seed
 * §6.2), with PyTorch's `nn.BatchNorm1d` conventions: learnable per-feature scale γ (init 1) and
 * shift β (init 0); running mean (init 0) and variance (init 1) updated with momentum 0.1 as
 * `running = (1 − momentum)·running + momentum·batch`; eps 1e-5 inside the square root. Training
 * mode normalises with the batch mean and the biased batch variance, and feeds the unbiased one
 * (× n/(n−1)) to the running variance; eval mode normalises with the running statistics.
 * @packageDocumentation
 */
import type { ParamArena } from '../arena';
import { allocate, sized, type ActivationArray, type ActivationPrecision } from './buffers';

/** PyTorch's default weight of the newest batch in the running statistics. */
export const BATCH_NORM_MOMENTUM = 0.1;
/** PyTorch's default eps, added to the variance before the square root. */
export const BATCH_NORM_EPS = 1e-5;

export class BatchNorm1d {
  /** Scale γ (a live view into the arena). */
  readonly gamma: Float32Array;
  /** Shift β (a live view into the arena). */
  readonly beta: Float32Array;
  /** Running mean, used in eval mode; not a parameter, so not in the arena (optimizers must not step it). */
  readonly runningMean: Float32Array;
  /** Running (unbiased) variance, used in eval mode. */
  readonly runningVar: Float32Array;
  /** Training-mode forward passes so far (PyTorch's `num_batches_tracked`). */
  batchesTracked = 0;
  private readonly gammaGrad: Float32Array;
  private readonly betaGrad: Float32Array;
  private readonly invStd: Float64Array;
  private normalized: ActivationArray;
  private output: ActivationArray;
  private gradInput: ActivationArray;
  private lastForwardTrained = false;

  /**
   * @param arena - holds `${name}.gamma` and `${name}.beta` (features each); they are set to 1 and 0 here
   */
  constructor(
    arena: ParamArena,
    readonly name: string,
    readonly features: number,
    private readonly precision: ActivationPrecision,
    readonly momentum = BATCH_NORM_MOMENTUM,
    readonly eps = BATCH_NORM_EPS,
  ) {
    this.gamma = arena.param(`${name}.gamma`).fill(1);
    this.beta = arena.param(`${name}.beta`).fill(0);
    this.gammaGrad = arena.grad(`${name}.gamma`);
    this.betaGrad = arena.grad(`${name}.beta`);
    this.runningMean = new Float32Array(features);
    this.runningVar = new Float32Array(features).fill(1);
    this.invStd = new Float64Array(features);
    this.normalized = allocate(precision, 0);
    this.output = allocate(precision, 0);
    this.gradInput = allocate(precision, 0);
  }

  /** The arena entries this layer needs, in layout order. */
  static layout(name: string, features: number): Array<[string, number]> {
    return [[`${name}.gamma`, features], [`${name}.beta`, features]];
  }

  /** Normalises rows × features inputs; training mode also updates the running statistics. */
  forward(input: ActivationArray, rows: number, training: boolean): ActivationArray {
    const f = this.features;
    const n = rows * f;
    this.normalized = sized(this.normalized, this.precision, n);
    const out = (this.output = sized(this.output, this.precision, n));
    if (training) {
      if (rows < 2)
        throw new RangeError(`BatchNorm1d ${this.name}: training mode needs at least 2 rows per batch to estimate a variance, got ${rows}`);
      const m = this.momentum;
      for (let j = 0; j < f; j++) {
        let sum = 0;
        for (let r = 0; r < rows; r++) sum += input[r * f + j]!;
        const mean = sum / rows;
        // Two passes: the sum of squared deviations does not cancel catastrophically as E[x²] − E[x]² can.
        let ss = 0;
        for (let r = 0; r < rows; r++) {
          const d = input[r * f + j]! - mean;
          ss += d * d;
        }
        const biasedVar = ss / rows;
        this.invStd[j] = 1 / Math.sqrt(biasedVar + this.eps);
        this.runningMean[j] = (1 - m) * this.runningMean[j]! + m * mean;
        this.runningVar[j] = (1 - m) * this.runningVar[j]! + m * (ss / (rows - 1));
        this.normalizeColumn(input, rows, j, mean);
      }
      this.batchesTracked++;
    } else {
      for (let j = 0; j < f; j++) {
        this.invStd[j] = 1 / Math.sqrt(this.runningVar[j]! + this.eps);
        this.normalizeColumn(input, rows, j, this.runningMean[j]!);
      }
    }
    this.lastForwardTrained = training;
    return out;
  }

  /**
   * Writes (not adds) the γ and β gradients into the arena and returns the input gradient, through
   * the batch statistics: `dx = γ/(n·σ) · (n·dy − Σdy − x̂·Σ(dy·x̂))` per feature.
   */
  backward(gradOutput: ActivationArray, rows: number): ActivationArray {
    if (!this.lastForwardTrained)
      throw new Error(`BatchNorm1d ${this.name}: backward needs a training-mode forward pass first`);
    const f = this.features, xhat = this.normalized, gamma = this.gamma;
    const gIn = (this.gradInput = sized(this.gradInput, this.precision, rows * f));
    for (let j = 0; j < f; j++) {
      let sumDy = 0, sumDyXhat = 0;
      for (let r = 0; r < rows; r++) {
        const dy = gradOutput[r * f + j]!;
        sumDy += dy;
        sumDyXhat += dy * xhat[r * f + j]!;
      }
      this.betaGrad[j] = sumDy;
      this.gammaGrad[j] = sumDyXhat;
      const scale = (gamma[j]! * this.invStd[j]!) / rows;
      for (let r = 0; r < rows; r++) {
        const k = r * f + j;
        gIn[k] = scale * (rows * gradOutput[k]! - sumDy - xhat[k]! * sumDyXhat);
      }
    }
    return gIn;
  }

  /** Resets the running statistics to PyTorch's initial values (mean 0, variance 1, no batches). */
  resetRunningStats(): void {
    this.runningMean.fill(0);
    this.runningVar.fill(1);
    this.batchesTracked = 0;
  }

  private normalizeColumn(input: ActivationArray, rows: number, j: number, mean: number): void {
    const f = this.features, xhat = this.normalized, out = this.output;
    const inv = this.invStd[j]!, g = this.gamma[j]!, b = this.beta[j]!;
    for (let r = 0; r < rows; r++) {
      const k = r * f + j;
      const z = (input[k]! - mean) * inv;
      xhat[k] = z;
      out[k] = g * z + b;
    }
  }
}
