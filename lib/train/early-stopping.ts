/**
 * Early stopping (seed paper §6.3) with the options and decisions of Keras 3's
 * `keras.callbacks.EarlyStopping`, and best-weight restoring that works on plain Float32Arrays.
 * @packageDocumentation
 */
import { checkBoolean, checkNumber, describe } from '../optimizers/validate';
import { arrayList, checkLengths, optionsRecord, type ArrayList } from './check';

/** `'auto'` means `'max'` when the monitor's name contains "acc" or "auc" (any case), else `'min'`. */
export type MonitorMode = 'min' | 'max' | 'auto';

export interface EarlyStoppingOptions {
  /** The key of the epoch logs to watch. Default `'valLoss'`. */
  monitor?: string;
  /** A change smaller than this (in the monitor's units, sign ignored) is no improvement. Default 0. */
  minDelta?: number;
  /** Epochs without improvement before stopping (integer ≥ 0). Default 0. */
  patience?: number;
  /** Whether lower or higher is better. Default `'auto'`. */
  mode?: MonitorMode;
  /**
   * A value the monitor must beat: until it does, improvements do not reset the patience count.
   * Default undefined (none).
   */
  baseline?: number;
  /**
   * Keep a copy of the weights of the best epoch and write them back when stopping (Keras's
   * `restore_best_weights`). Default false.
   */
  restoreBest?: boolean;
  /** Epochs before this one (0-based) are not watched: a warm-up. Default 0. */
  startFromEpoch?: number;
}

/** What {@link EarlyStopping.onEpochEnd} decided. */
export interface EarlyStoppingDecision {
  /** True when training should stop after this epoch. */
  stop: boolean;
}

const MODES: readonly MonitorMode[] = ['min', 'max', 'auto'];

/**
 * Watches one logged quantity and says when it has stopped improving. Decisions match Keras 3
 * exactly, including two of its rules worth knowing: an epoch that improves on the best value
 * never stops training (even when it does not beat `baseline`), and epoch 0 never stops.
 * Epochs whose logs lack the monitored key (e.g. without validation) are ignored, as in Keras.
 */
export class EarlyStopping {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  /** The resolved direction. */
  readonly mode: 'min' | 'max';
  readonly baseline: number | undefined;
  readonly restoreBest: boolean;
  readonly startFromEpoch: number;
  private bestValue = 0;
  private bestAt: number | null = null;
  private stoppedAt: number | null = null;
  private waited = 0;
  private bestWeights: Float32Array[] | null = null;

  constructor(options: EarlyStoppingOptions = {}) {
    const where = 'EarlyStopping';
    const o = optionsRecord<EarlyStoppingOptions>(where, options, [
      'monitor', 'minDelta', 'patience', 'mode', 'baseline', 'restoreBest', 'startFromEpoch',
    ]);
    const monitor = o.monitor ?? 'valLoss';
    if (typeof monitor !== 'string' || monitor === '')
      throw new TypeError(`${where}: monitor must be a non-empty string (a key of the epoch logs), got ${describe(monitor)}`);
    this.monitor = monitor;
    this.minDelta = Math.abs(checkNumber(where, 'minDelta', o.minDelta ?? 0));
    this.patience = checkNumber(where, 'patience', o.patience ?? 0, { min: 0, integer: true });
    const mode = o.mode ?? 'auto';
    if (!MODES.includes(mode)) throw new RangeError(`${where}: mode must be one of ${MODES.join(', ')}, got ${String(mode)}`);
    this.mode = mode !== 'auto' ? mode : /acc|auc/i.test(monitor) ? 'max' : 'min';
    this.baseline = o.baseline === undefined ? undefined : checkNumber(where, 'baseline', o.baseline);
    this.restoreBest = checkBoolean(where, 'restoreBest', o.restoreBest ?? false);
    this.startFromEpoch = checkNumber(where, 'startFromEpoch', o.startFromEpoch ?? 0, { min: 0, integer: true });
    this.reset();
  }

  /** The best monitored value so far (+Infinity in min mode, −Infinity in max mode before any). */
  get best(): number {
    return this.bestValue;
  }

  /** The epoch of {@link best} (null before any watched epoch). */
  get bestEpoch(): number | null {
    return this.bestAt;
  }

  /** The epoch at which stopping was decided (null while training should go on). */
  get stoppedEpoch(): number | null {
    return this.stoppedAt;
  }

  /** Watched epochs since the last improvement that beat the baseline. */
  get wait(): number {
    return this.waited;
  }

  /** Forgets everything seen, to watch a new training run. */
  reset(): void {
    this.bestValue = this.mode === 'min' ? Infinity : -Infinity;
    this.bestAt = null;
    this.stoppedAt = null;
    this.waited = 0;
    this.bestWeights = null;
  }

  private improves(value: number, reference: number): boolean {
    return this.mode === 'min' ? value + this.minDelta < reference : value - this.minDelta > reference;
  }

  private keep(params: Float32Array[], epoch: number): void {
    if (this.bestWeights === null) this.bestWeights = params.map((p) => p.slice());
    else this.bestWeights.forEach((b, k) => b.set(params[k]!));
    this.bestAt = epoch;
  }

  /**
   * Call after every epoch.
   * @param epoch - the epoch just finished, 0-based
   * @param logs - the epoch's metrics, e.g. `{ loss, valLoss }`
   * @param params - the parameters; required with `restoreBest`, which copies them when they are
   *   the best so far and writes the best copy back into them when stopping
   */
  onEpochEnd(epoch: number, logs: Readonly<Record<string, number>>, params?: ArrayList): EarlyStoppingDecision {
    const where = 'EarlyStopping.onEpochEnd';
    checkNumber(where, 'epoch', epoch, { min: 0, integer: true });
    if (logs === null || typeof logs !== 'object') throw new TypeError(`${where}: logs must be an object of metrics, got ${describe(logs)}`);
    let list: Float32Array[] | null = null;
    if (this.restoreBest) {
      if (params === undefined) throw new TypeError(`${where}: params are required with restoreBest`);
      list = arrayList(where, 'params', params);
      if (this.bestWeights !== null) checkLengths(where, 'params', list, this.bestWeights.map((b) => b.length));
    }
    const current = logs[this.monitor];
    if (current === undefined || epoch < this.startFromEpoch) return { stop: false };
    if (typeof current !== 'number') throw new TypeError(`${where}: logs.${this.monitor} must be a number, got ${describe(current)}`);

    // Until something is better, the first watched weights are the best there are.
    if (list !== null && this.bestWeights === null) this.keep(list, epoch);
    this.waited++;
    if (this.improves(current, this.bestValue)) {
      this.bestValue = current;
      this.bestAt = epoch;
      if (list !== null) this.keep(list, epoch);
      if (this.baseline === undefined || this.improves(current, this.baseline)) this.waited = 0;
      return { stop: false };
    }
    if (this.waited >= this.patience && epoch > 0) {
      this.stoppedAt = epoch;
      if (list !== null) this.restore(list);
      return { stop: true };
    }
    return { stop: false };
  }

  /**
   * Writes the best epoch's weights into `params` (Keras restores at the end of training even when
   * it did not stop early: call this then). Returns false, changing nothing, when no copy is held.
   */
  restore(params: ArrayList): boolean {
    const list = arrayList('EarlyStopping.restore', 'params', params);
    if (this.bestWeights === null) return false;
    checkLengths('EarlyStopping.restore', 'params', list, this.bestWeights.map((b) => b.length));
    list.forEach((p, k) => p.set(this.bestWeights![k]!));
    return true;
  }
}
