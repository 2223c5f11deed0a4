import { describe, expect, it } from 'vitest';
import { EarlyStopping, type EarlyStoppingOptions } from '../lib/train/early-stopping';

/** Feeds one value per epoch; returns the epoch at which stopping was decided, or null. */
function stopEpoch(options: EarlyStoppingOptions, values: number[], key = options.monitor ?? 'valLoss'): number | null {
  const es = new EarlyStopping(options);
  for (const [epoch, v] of values.entries()) if (es.onEpochEnd(epoch, { [key]: v }).stop) return epoch;
  return null;
}

/** The bit patterns of float32 arrays, so comparisons are bit-exact (NaN and -0 included). */
const bits = (arrays: Float32Array[]) => arrays.map((a) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length)));

describe('EarlyStopping decisions (Keras 3 rules)', () => {
  it('stops at the first epoch without improvement when patience is 0', () => {
    expect(stopEpoch({}, [1, 0.9, 0.95, 0.8])).toBe(2);
  });

  it('never stops while the monitored value keeps improving', () => {
    expect(stopEpoch({}, [5, 4, 3, 2, 1])).toBeNull();
  });

  it('stops after `patience` epochs without improvement, counting afresh after each improvement', () => {
    expect(stopEpoch({ patience: 2 }, [1, 0.9, 0.95, 0.93, 0.92])).toBe(3);
    expect(stopEpoch({ patience: 2 }, [1, 0.9, 0.95, 0.85, 0.95, 0.96])).toBe(5);
    expect(stopEpoch({ patience: 3 }, [1, 0.9, 0.95, 0.93, 0.92])).toBe(4);
  });

  it('counts a change smaller than minDelta as no improvement', () => {
    const losses = [1, 0.97, 0.96, 0.9];
    expect(stopEpoch({ patience: 1 }, losses)).toBeNull();
    expect(stopEpoch({ patience: 1, minDelta: 0.05 }, losses)).toBe(1);
    // The sign of minDelta is ignored, as in Keras.
    expect(stopEpoch({ patience: 1, minDelta: -0.05 }, losses)).toBe(1);
  });

  it('does not reset the patience count for improvements that fail to beat the baseline', () => {
    const losses = [1, 0.9, 0.95, 0.95];
    expect(stopEpoch({ patience: 2 }, losses)).toBe(3);
    expect(stopEpoch({ patience: 2, baseline: 0.5 }, losses)).toBe(2);
    // Once the baseline is beaten, patience counts as usual.
    expect(stopEpoch({ patience: 2, baseline: 0.95 }, losses)).toBe(3);
  });

  it('keeps training while values improve even if the baseline is never beaten (as Keras does)', () => {
    expect(stopEpoch({ patience: 1, baseline: 0.1 }, [1, 0.9, 0.8, 0.7])).toBeNull();
  });

  it('ignores the epochs before startFromEpoch', () => {
    const losses = [0.5, 0.9, 1, 1.1];
    expect(stopEpoch({}, losses)).toBe(1);
    expect(stopEpoch({ startFromEpoch: 2 }, losses)).toBe(3);
  });

  it('never stops at epoch 0, even when the first value is no improvement', () => {
    const es = new EarlyStopping();
    expect(es.onEpochEnd(0, { valLoss: Number.NaN }).stop).toBe(false);
    expect(es.onEpochEnd(1, { valLoss: Number.NaN }).stop).toBe(true);
  });

  it('treats higher as better in max mode and picks max for accuracy and AUC monitors in auto mode', () => {
    expect(stopEpoch({ monitor: 'valAccuracy' }, [0.5, 0.6, 0.55])).toBe(2);
    expect(stopEpoch({ monitor: 'valAccuracy', mode: 'min' }, [0.5, 0.6, 0.55])).toBe(1);
    expect(stopEpoch({ monitor: 'score', mode: 'max' }, [0.5, 0.6, 0.7])).toBeNull();
    expect(new EarlyStopping({ monitor: 'valAUC' }).mode).toBe('max');
    expect(new EarlyStopping({ monitor: 'acc' }).mode).toBe('max');
    expect(new EarlyStopping({ monitor: 'loss' }).mode).toBe('min');
    expect(new EarlyStopping().mode).toBe('min');
    expect(new EarlyStopping({ monitor: 'valAcc', mode: 'max', minDelta: 0.1 }).onEpochEnd(0, { valAcc: 0.5 }).stop).toBe(false);
    expect(stopEpoch({ monitor: 'valAcc', minDelta: 0.1 }, [0.5, 0.55])).toBe(1);
  });

  it('ignores epochs whose logs lack the monitored key (e.g. no validation that epoch)', () => {
    const es = new EarlyStopping({ patience: 1 });
    es.onEpochEnd(0, { valLoss: 1 });
    for (let e = 1; e < 5; e++) expect(es.onEpochEnd(e, { loss: 2 }).stop).toBe(false);
    expect(es.wait).toBe(0);
    expect(es.onEpochEnd(5, { valLoss: 2 }).stop).toBe(true);
  });

  it('reports best, bestEpoch and stoppedEpoch, and forgets them on reset()', () => {
    const es = new EarlyStopping({ patience: 1 });
    expect(es.best).toBe(Infinity);
    expect(es.bestEpoch).toBeNull();
    const values = [3, 2, 2.5, 2.6];
    let stopped = -1;
    values.forEach((v, e) => {
      if (stopped < 0 && es.onEpochEnd(e, { valLoss: v }).stop) stopped = e;
    });
    expect(stopped).toBe(2);
    expect(es.best).toBe(2);
    expect(es.bestEpoch).toBe(1);
    expect(es.stoppedEpoch).toBe(2);
    es.reset();
    expect([es.best, es.bestEpoch, es.stoppedEpoch, es.wait]).toEqual([Infinity, null, null, 0]);
  });
});

describe('EarlyStopping restoreBest', () => {
  /** Weights that differ every epoch, with awkward values (-0, subnormal, NaN payloads are kept bit-exact). */
  const weightsAt = (epoch: number, params: Float32Array[]) => {
    params[0]!.set([epoch + 0.1, -0, 1e-40 * (epoch + 1), Math.PI * epoch]);
    params[1]!.set([Number.NaN, -epoch / 3]);
  };

  it('writes the best epoch\'s weights back bit-exactly when it stops', () => {
    const params = [new Float32Array(4), new Float32Array(2)];
    const es = new EarlyStopping({ patience: 2, restoreBest: true });
    weightsAt(1, params);
    const best = bits(params);
    const losses = [1, 0.5, 0.7, 0.8];
    let stopped = -1;
    for (const [epoch, v] of losses.entries()) {
      weightsAt(epoch, params);
      if (es.onEpochEnd(epoch, { valLoss: v }, params).stop) {
        stopped = epoch;
        break;
      }
    }
    expect(stopped).toBe(3);
    expect(bits(params)).toEqual(best);
  });

  it('leaves the weights alone when it stops without restoreBest', () => {
    const params = [new Float32Array(4), new Float32Array(2)];
    const es = new EarlyStopping({ patience: 0 });
    weightsAt(0, params);
    es.onEpochEnd(0, { valLoss: 1 }, params);
    weightsAt(1, params);
    const last = bits(params);
    expect(es.onEpochEnd(1, { valLoss: 2 }, params).stop).toBe(true);
    expect(bits(params)).toEqual(last);
  });

  it('restores the best weights on request when training ends without stopping early', () => {
    const params = [new Float32Array(4), new Float32Array(2)];
    const es = new EarlyStopping({ patience: 5, restoreBest: true });
    let best: number[][] = [];
    [1, 0.4, 0.6, 0.5].forEach((v, epoch) => {
      weightsAt(epoch, params);
      if (epoch === 1) best = bits(params);
      expect(es.onEpochEnd(epoch, { valLoss: v }, params).stop).toBe(false);
    });
    expect(bits(params)).not.toEqual(best);
    expect(es.restore(params)).toBe(true);
    expect(bits(params)).toEqual(best);
  });

  it('keeps the first watched weights when no epoch ever improves (e.g. NaN losses)', () => {
    const params = [new Float32Array(4), new Float32Array(2)];
    const es = new EarlyStopping({ restoreBest: true });
    weightsAt(0, params);
    const first = bits(params);
    es.onEpochEnd(0, { valLoss: Number.NaN }, params);
    weightsAt(1, params);
    expect(es.onEpochEnd(1, { valLoss: Number.NaN }, params).stop).toBe(true);
    expect(bits(params)).toEqual(first);
  });

  it('has nothing to restore without restoreBest', () => {
    const p = new Float32Array([1, 2]);
    const es = new EarlyStopping();
    es.onEpochEnd(0, { valLoss: 1 }, [p]);
    expect(es.restore([p])).toBe(false);
  });

  it('requires params with restoreBest and checks their shapes', () => {
    const es = new EarlyStopping({ restoreBest: true });
    expect(() => es.onEpochEnd(0, { valLoss: 1 })).toThrow(TypeError);
    es.onEpochEnd(0, { valLoss: 1 }, [new Float32Array(3)]);
    expect(() => es.onEpochEnd(1, { valLoss: 1 }, [new Float32Array(4)])).toThrow(/params\[0\] has length 4, expected 3/);
    expect(() => es.restore([new Float32Array(3), new Float32Array(1)])).toThrow(RangeError);
  });
});

describe('EarlyStopping argument checks', () => {
  it('rejects bad options with errors that name them', () => {
    expect(() => new EarlyStopping({ patience: -1 })).toThrow(/patience/);
    expect(() => new EarlyStopping({ patience: 1.5 })).toThrow(RangeError);
    expect(() => new EarlyStopping({ mode: 'up' as never })).toThrow(/mode must be one of min, max, auto/);
    expect(() => new EarlyStopping({ minDelta: Number.NaN })).toThrow(/minDelta/);
    expect(() => new EarlyStopping({ monitor: '' })).toThrow(TypeError);
    expect(() => new EarlyStopping({ restoreBestWeights: true } as never)).toThrow(/unknown option 'restoreBestWeights'/);
    expect(() => new EarlyStopping({ startFromEpoch: -2 })).toThrow(/startFromEpoch/);
  });

  it('rejects a bad epoch, logs or monitored value', () => {
    const es = new EarlyStopping();
    expect(() => es.onEpochEnd(-1, { valLoss: 1 })).toThrow(/epoch/);
    expect(() => es.onEpochEnd(0, null as never)).toThrow(TypeError);
    expect(() => es.onEpochEnd(0, { valLoss: '1' } as never)).toThrow(/logs.valLoss must be a number/);
  });
});
