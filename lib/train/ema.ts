/**
 * An exponential moving average of parameters ("shadow" weights), as TensorFlow's
 * `tf.train.ExponentialMovingAverage` and PyTorch's `AveragedModel` with an EMA function keep:
 * `shadow ← shadow − (1 − d)·(shadow − param)`. Evaluating with the shadow weights often beats the
 * last iterate.
 * @packageDocumentation
 */
import { checkBoolean, checkNumber, describe } from '../optimizers/validate';
import { arrayList, checkLengths, optionsRecord, type ArrayList } from './check';

export interface WeightEMAOptions {
  /** d, the weight of the old average per update, in [0, 1]. Default 0.999. */
  decay?: number;
  /**
   * Use TensorFlow's `num_updates` form, `d_t = min(decay, (1 + t) / (10 + t))` with t the number of
   * earlier updates, so early averages are not dominated by the initial weights. Default false.
   */
  warmup?: boolean;
}

/** Everything needed to continue an average exactly. */
export interface WeightEMAStateDict {
  format: 'descent.ema';
  version: 1;
  decay: number;
  warmup: boolean;
  /** Updates applied so far. */
  updates: number;
  /** The averaged weights, copied. */
  shadow: Float32Array[];
}

/** A float32 moving average of a fixed list of parameter arrays. */
export class WeightEMA {
  readonly decay: number;
  readonly warmup: boolean;
  private readonly averages: Float32Array[];
  private readonly lengths: number[];
  private updates = 0;

  /**
   * @param params - the parameters to average; the average starts as a copy of their current
   *   values (as TensorFlow does; PyTorch's AveragedModel instead copies them at its first update)
   */
  constructor(params: ArrayList, options: WeightEMAOptions = {}) {
    const where = 'WeightEMA';
    const list = arrayList(where, 'params', params);
    const o = optionsRecord<WeightEMAOptions>(where, options, ['decay', 'warmup']);
    this.decay = checkNumber(where, 'decay', o.decay ?? 0.999, { min: 0, max: 1 });
    this.warmup = checkBoolean(where, 'warmup', o.warmup ?? false);
    this.averages = list.map((p) => p.slice());
    this.lengths = list.map((p) => p.length);
  }

  /** Updates applied so far. */
  get updateCount(): number {
    return this.updates;
  }

  /** The averaged weights (the average's own arrays: read them, do not write them). */
  get shadow(): readonly Float32Array[] {
    return this.averages;
  }

  /** The decay the update after `t` earlier updates uses. */
  decayAt(t: number): number {
    checkNumber('WeightEMA.decayAt', 't', t, { min: 0, integer: true });
    return this.warmup ? Math.min(this.decay, (1 + t) / (10 + t)) : this.decay;
  }

  /** Moves the average toward the current parameters (same arrays, or arrays of the same lengths). */
  update(params: ArrayList): void {
    const list = arrayList('WeightEMA.update', 'params', params);
    checkLengths('WeightEMA.update', 'params', list, this.lengths);
    const rate = 1 - this.decayAt(this.updates);
    for (let k = 0; k < list.length; k++) {
      const p = list[k]!, s = this.averages[k]!;
      for (let i = 0; i < s.length; i++) s[i] = s[i]! - rate * (s[i]! - p[i]!);
    }
    this.updates++;
  }

  /** Writes the averaged weights into `params` (e.g. before evaluating or saving). */
  copyTo(params: ArrayList): void {
    const list = arrayList('WeightEMA.copyTo', 'params', params);
    checkLengths('WeightEMA.copyTo', 'params', list, this.lengths);
    list.forEach((p, k) => p.set(this.averages[k]!));
  }

  /** A deep copy of the average and its update count. */
  stateDict(): WeightEMAStateDict {
    return {
      format: 'descent.ema',
      version: 1,
      decay: this.decay,
      warmup: this.warmup,
      updates: this.updates,
      shadow: this.averages.map((s) => s.slice()),
    };
  }

  /**
   * Restores a {@link stateDict} taken from an average of the same shapes. The decay and warmup
   * stay this object's own. Everything is checked before anything changes.
   */
  loadStateDict(sd: WeightEMAStateDict): void {
    const where = 'WeightEMA.loadStateDict';
    if (sd === null || typeof sd !== 'object' || sd.format !== 'descent.ema')
      throw new TypeError(`${where}: expected a state dict from WeightEMA.stateDict() (format 'descent.ema'), got ${describe(sd)}`);
    if (sd.version !== 1) throw new RangeError(`${where}: unsupported state dict version ${String(sd.version)}`);
    const updates = checkNumber(where, 'updates', sd.updates, { min: 0, integer: true });
    const shadow = arrayList(where, 'shadow', sd.shadow);
    checkLengths(where, 'shadow', shadow, this.lengths);
    shadow.forEach((s, k) => this.averages[k]!.set(s));
    this.updates = updates;
  }
}
