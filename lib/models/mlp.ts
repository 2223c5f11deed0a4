/**
 * A multilayer perceptron classifier with optional batch normalisation (seed §6.2): hidden blocks of
 * dense → [batch norm] → ReLU, then a dense layer of class scores and softmax cross-entropy. Forward
 * and backward passes are written by hand over typed arrays; every parameter lives in one
 * {@link ParamArena}, so any optimizer steps the whole network with one kernel call:
 *
 * ```ts
 * const mlp = new MLP({ sizes: [2, 64, 64, 3], batchNorm: true, seed: 1 });
 * const opt = new SGD(mlp.arena.params(), { lr: 0.3, momentum: 0.9 });
 * mlp.lossAndGrad(X, y, batchRows);
 * opt.step(mlp.arena.gradList());
 * ```
 * @packageDocumentation
 */
import { ParamArena } from '../arena';
import { checkBoolean, checkFloat32Array, checkNumber, describe } from '../optimizers/validate';
import { optionsRecord } from '../train/check';
import { SeededRandom } from '../train/random';
import { BatchNorm1d } from './batch-norm';
import { allocate, sized, type ActivationArray, type ActivationPrecision } from './buffers';
import { Dense } from './dense';
import { ReLU } from './relu';
import { SoftmaxCrossEntropy } from './softmax-cross-entropy';

/** Options of {@link MLP}. */
export interface MLPOptions {
  /** Layer widths `[inputs, hidden1, ..., classes]`: at least one hidden layer and two classes. */
  sizes: readonly number[];
  /**
   * Batch normalisation after every hidden dense layer (before its ReLU). Those dense layers then
   * have no bias: the normalisation subtracts it away and β takes its place. Default false.
   */
  batchNorm?: boolean;
  /** Seed of the weight initialisation (a safe integer ≥ 0). Default 0. */
  seed?: number;
  /**
   * Weight initialisation: `'he'` draws each weight from N(0, 2/fan_in) (He et al. 2015), biases
   * and β start at 0, γ at 1. Weights are drawn layer by layer in the same order with and without
   * batch norm, so two models of equal sizes and seed start from the same weights. Default 'he'.
   */
  init?: 'he';
  /**
   * Element type of activations and their gradients (parameters are always float32). `'float64'`
   * is for gradient checks, where float32 rounding of activations would drown the loss
   * differences. Default 'float32'.
   */
  precision?: ActivationPrecision;
}

type HiddenBlock = { dense: Dense; norm: BatchNorm1d | null; relu: ReLU };

export class MLP {
  /** Every parameter and its gradient, back to back: hand `arena.params()` to an optimizer. */
  readonly arena: ParamArena;
  /** Layer widths, inputs first, classes last. */
  readonly sizes: readonly number[];
  readonly batchNorm: boolean;
  /** The batch-norm layers, one per hidden layer (empty without batch norm): running statistics live here. */
  readonly batchNorms: readonly BatchNorm1d[];
  private readonly hidden: HiddenBlock[];
  private readonly head: Dense;
  private readonly criterion: SoftmaxCrossEntropy;
  private readonly precision: ActivationPrecision;
  private gathered: ActivationArray;

  constructor(options: MLPOptions) {
    const where = 'MLP';
    const o = optionsRecord<MLPOptions>(where, options, ['sizes', 'batchNorm', 'seed', 'init', 'precision']);
    const sizes = o.sizes;
    if (!Array.isArray(sizes) || sizes.length < 3)
      throw new TypeError(`${where}: sizes must be an array [inputs, hidden..., classes] with at least one hidden layer, got ${describe(sizes)}`);
    sizes.forEach((s, i) => checkNumber(where, `sizes[${i}]`, s, { min: 1, integer: true }));
    checkNumber(where, 'classes (last of sizes)', sizes[sizes.length - 1], { min: 2, integer: true });
    const batchNorm = checkBoolean(where, 'batchNorm', o.batchNorm ?? false);
    const seed = checkNumber(where, 'seed', o.seed ?? 0, { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true });
    if ((o.init ?? 'he') !== 'he') throw new RangeError(`${where}: init must be 'he', got ${String(o.init)}`);
    const precision = o.precision ?? 'float32';
    if (precision !== 'float32' && precision !== 'float64')
      throw new RangeError(`${where}: precision must be 'float32' or 'float64', got ${String(precision)}`);

    this.sizes = Object.freeze([...sizes]);
    this.batchNorm = batchNorm;
    this.precision = precision;
    const last = sizes.length - 1;
    const layout: Array<[string, number]> = [];
    for (let l = 0; l < last; l++) {
      const isHidden = l < last - 1;
      layout.push(...Dense.layout(`dense${l}`, sizes[l]!, sizes[l + 1]!, !(isHidden && batchNorm)));
      if (isHidden && batchNorm) layout.push(...BatchNorm1d.layout(`bn${l}`, sizes[l + 1]!));
    }
    this.arena = new ParamArena(layout);
    this.hidden = [];
    for (let l = 0; l < last - 1; l++) {
      this.hidden.push({
        dense: new Dense(this.arena, `dense${l}`, sizes[l]!, sizes[l + 1]!, !batchNorm, precision),
        norm: batchNorm ? new BatchNorm1d(this.arena, `bn${l}`, sizes[l + 1]!, precision) : null,
        relu: new ReLU(precision),
      });
    }
    this.head = new Dense(this.arena, `dense${last - 1}`, sizes[last - 1]!, sizes[last]!, true, precision);
    this.batchNorms = this.hidden.flatMap((b) => (b.norm === null ? [] : [b.norm]));
    this.criterion = new SoftmaxCrossEntropy(sizes[last]!, precision);
    this.gathered = allocate(precision, 0);

    const rng = new SeededRandom(seed);
    for (const dense of [...this.hidden.map((b) => b.dense), this.head]) {
      const std = Math.sqrt(2 / dense.inFeatures);
      const w = dense.weight;
      for (let k = 0; k < w.length; k++) w[k] = std * rng.normal();
    }
  }

  /** Number of input features. */
  get inputs(): number {
    return this.sizes[0]!;
  }

  /** Number of classes. */
  get classes(): number {
    return this.sizes[this.sizes.length - 1]!;
  }

  /**
   * Class scores (logits), rows × classes, for `rows` rows of X (rows × inputs, row-major). Training
   * mode normalises with batch statistics and updates the running ones; eval mode (the default)
   * uses the running statistics and changes nothing.
   */
  forward(X: Float32Array, rows: number, training = false): Float32Array {
    const where = 'MLP.forward';
    checkNumber(where, 'rows', rows, { min: 0, integer: true });
    checkFloat32Array(where, 'X', X, rows * this.inputs);
    checkBoolean(where, 'training', training);
    return Float32Array.from(this.scores(X, rows, training));
  }

  /**
   * The mean softmax cross-entropy over the rows `batch` of (X, y) (all rows when omitted), in
   * training mode, with its gradient written into `arena.grads` (overwriting them). X holds
   * y.length rows; the running statistics of batch norm are updated as by a training forward pass.
   */
  lossAndGrad(X: Float32Array, y: Int32Array, batch?: Uint32Array): number {
    const { input, rows, labelOf } = this.select('MLP.lossAndGrad', X, y, batch);
    const loss = this.criterion.forward(this.scores(input, rows, true), rows, labelOf, true);
    let g: ActivationArray | null = this.head.backward(this.criterion.grad(), rows, true);
    for (let l = this.hidden.length - 1; l >= 0; l--) {
      const block = this.hidden[l]!;
      const n = rows * block.dense.outFeatures;
      g = block.relu.backward(g!, n);
      if (block.norm !== null) g = block.norm.backward(g, rows);
      g = block.dense.backward(g, rows, l > 0);
    }
    return loss;
  }

  /**
   * The mean softmax cross-entropy over the rows `batch` of (X, y) (all rows when omitted), without
   * gradients; eval mode unless `training` (which also updates the running statistics).
   */
  loss(X: Float32Array, y: Int32Array, batch?: Uint32Array, training = false): number {
    const { input, rows, labelOf } = this.select('MLP.loss', X, y, batch);
    checkBoolean('MLP.loss', 'training', training);
    return this.criterion.forward(this.scores(input, rows, training), rows, labelOf, false);
  }

  /** The class of highest score for each row of X (eval mode), as class ids. */
  predict(X: Float32Array, rows = this.rowsOf('MLP.predict', X)): Int32Array {
    const where = 'MLP.predict';
    checkNumber(where, 'rows', rows, { min: 0, integer: true });
    checkFloat32Array(where, 'X', X, rows * this.inputs);
    const s = this.scores(X, rows, false), c = this.classes;
    const out = new Int32Array(rows);
    for (let r = 0; r < rows; r++) {
      let best = 0;
      for (let k = 1; k < c; k++) if (s[r * c + k]! > s[r * c + best]!) best = k;
      out[r] = best;
    }
    return out;
  }

  /** The fraction of rows of X (eval mode) whose predicted class is the label in y; X holds y.length rows. */
  accuracy(X: Float32Array, y: Int32Array): number {
    const where = 'MLP.accuracy';
    if (!(y instanceof Int32Array)) throw new TypeError(`${where}: y must be an Int32Array of class ids, got ${describe(y)}`);
    checkFloat32Array(where, 'X', X, y.length * this.inputs);
    if (y.length === 0) return 0;
    const predicted = this.predict(X, y.length);
    let hits = 0;
    for (let r = 0; r < y.length; r++) if (predicted[r] === y[r]) hits++;
    return hits / y.length;
  }

  private rowsOf(where: string, X: Float32Array): number {
    checkFloat32Array(where, 'X', X);
    if (X.length % this.inputs !== 0)
      throw new RangeError(`${where}: X has length ${X.length}, not a multiple of the ${this.inputs} inputs`);
    return X.length / this.inputs;
  }

  /** The input rows and labels a loss is taken over, checked; a batch is gathered into one buffer. */
  private select(where: string, X: Float32Array, y: Int32Array, batch: Uint32Array | undefined) {
    if (!(y instanceof Int32Array)) throw new TypeError(`${where}: y must be an Int32Array of class ids, got ${describe(y)}`);
    const n = y.length, d = this.inputs, c = this.classes;
    checkFloat32Array(where, 'X', X, n * d);
    if (batch !== undefined && !(batch instanceof Uint32Array))
      throw new TypeError(`${where}: batch must be a Uint32Array of row indices, got ${describe(batch)}`);
    const rows = batch === undefined ? n : batch.length;
    if (rows === 0) throw new RangeError(`${where}: no rows to take a loss over`);
    const rowAt = batch === undefined ? (r: number) => r : (r: number) => batch[r]!;
    for (let r = 0; r < rows; r++) {
      const i = rowAt(r);
      if (i >= n) throw new RangeError(`${where}: batch[${r}] is ${i}, but X has ${n} rows`);
      const label = y[i]!;
      if (label < 0 || label >= c) throw new RangeError(`${where}: y[${i}] is ${label}, expected a class id in [0, ${c - 1}]`);
    }
    const labelOf = (r: number) => y[rowAt(r)]!;
    if (batch === undefined) return { input: X as ActivationArray, rows, labelOf };
    const input = (this.gathered = sized(this.gathered, this.precision, rows * d));
    for (let r = 0; r < rows; r++) {
      const from = batch[r]! * d;
      for (let k = 0; k < d; k++) input[r * d + k] = X[from + k]!;
    }
    return { input, rows, labelOf };
  }

  /** Class scores through every layer (an internal buffer, valid until the next pass). */
  private scores(input: ActivationArray, rows: number, training: boolean): ActivationArray {
    let a = input;
    for (const block of this.hidden) {
      a = block.dense.forward(a, rows);
      if (block.norm !== null) a = block.norm.forward(a, rows, training);
      a = block.relu.forward(a, rows * block.dense.outFeatures);
    }
    return this.head.forward(a, rows);
  }
}
