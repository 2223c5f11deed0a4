// Deterministic benchmark data, shared by every implementation (the Python peer reads the same
// bytes from files), so that no contender gets easier numbers than another.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Fills `out` with uniform values in [lo, hi) from a 32-bit xorshift generator. */
function fillUniform(out, seed, lo, hi) {
  let s = seed >>> 0 || 1;
  const scale = (hi - lo) / 4294967296;
  for (let i = 0; i < out.length; i++) {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    out[i] = lo + s * scale;
  }
  return out;
}

/**
 * Parameters in [-1, 1) and gradients in [-0.1, 0.1) of the largest size; smaller sizes use
 * prefixes. Gradients are kept away from 0 so that no state drifts into subnormal floats, which
 * would time the FPU's slow path rather than the optimizer.
 */
export function makeBaseData(maxN) {
  const params = fillUniform(new Float32Array(maxN), 0x9e3779b9, -1, 1);
  const grads = fillUniform(new Float32Array(maxN), 0x85ebca6b, -0.1, 0.1);
  for (let i = 0; i < maxN; i++) if (Math.abs(grads[i]) < 1e-4) grads[i] = 1e-4;
  return { params, grads };
}

/** Fresh copies of the first n elements: each contender owns its parameters. */
export function dataOfSize(base, n) {
  return { params: base.params.slice(0, n), grads: base.grads.slice(0, n) };
}

/** Writes the base data as raw little-endian float32 files; returns their paths and a cleanup. */
export function writeBaseData(base) {
  const dir = mkdtempSync(join(tmpdir(), 'descent-bench-'));
  const paramsFile = join(dir, 'params.f32');
  const gradsFile = join(dir, 'grads.f32');
  writeFileSync(paramsFile, new Uint8Array(base.params.buffer, base.params.byteOffset, base.params.byteLength));
  writeFileSync(gradsFile, new Uint8Array(base.grads.buffer, base.grads.byteOffset, base.grads.byteLength));
  return { paramsFile, gradsFile, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
