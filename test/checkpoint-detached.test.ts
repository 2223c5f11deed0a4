import { describe, expect, it } from 'vitest';
import { encodeCheckpoint, saveCheckpoint, saveCheckpointSync } from '../lib/index';

const detached = (): Float32Array => {
  const a = new Float32Array(4);
  structuredClone(a.buffer, { transfer: [a.buffer] });
  return a;
};

describe('checkpoints of detached arrays', () => {
  it('saveCheckpoint rejects a Float32Array whose buffer was transferred away with a TypeError naming the field', async () => {
    await expect(saveCheckpoint('/tmp/never-written.ckpt', { params: [new Float32Array(2), detached()] }))
      .rejects.toThrow(/saveCheckpoint: data\.params\[1\] is a Float32Array whose buffer is detached/);
    expect(() => saveCheckpointSync('/tmp/never-written.ckpt', { params: { w: detached() } })).toThrow(TypeError);
    expect(() => encodeCheckpoint({ meta: { deep: { x: detached() } } })).toThrow(/data\.meta\.deep\.x/);
  });

  it('still saves an empty Float32Array, whose buffer has no bytes but is not detached', () => {
    expect(encodeCheckpoint({ params: [new Float32Array(0), new Float32Array(new ArrayBuffer(0))] }).length).toBeGreaterThan(0);
  });
});
