import { afterAll, describe, expect, it } from 'vitest';
import { addon } from '../lib/native';
import { referenceKernels } from '../lib/reference/rules';
import { maxRelErr, rng, uniform } from './helpers/random';

const native = addon();
const info = native.info();
const lengths = [0, 1, 7, 15, 16, 17, 1023, 100003];
const layouts = ['aligned', 'unaligned subarray', 'SharedArrayBuffer', 'split across threads'] as const;
type Layout = (typeof layouts)[number];
const GUARD = 3;
const SENTINEL = 12345.5;

function place(layout: Layout, init: Float32Array): { view: Float32Array; backing: Float32Array } {
  const n = init.length;
  const offset = layout === 'unaligned subarray' ? 1 : GUARD;
  const backing = layout === 'SharedArrayBuffer' ? new Float32Array(new SharedArrayBuffer((n + 2 * GUARD) * 4)) : new Float32Array(n + 2 * GUARD);
  backing.fill(SENTINEL);
  const view = backing.subarray(offset, offset + n);
  view.set(init);
  return { view, backing };
}

function guardsIntact(backing: Float32Array, view: Float32Array): boolean {
  const start = view.byteOffset / 4 - backing.byteOffset / 4;
  for (let i = 0; i < backing.length; i++) if ((i < start || i >= start + view.length) && backing[i] !== SENTINEL) return false;
  return true;
}

/** p, g, gBck, gSum, z, zMax with z ≤ zMax and zMax > 0, as a running server keeps them. */
function inputs(n: number, seed: number): Float32Array[] {
  const next = rng(seed);
  const p = uniform(n, -2, 2, next), g = uniform(n, -1, 1, next);
  const gSum = uniform(n, -3, 3, next), gBck = uniform(n, -3, 3, next);
  const z = uniform(n, 0.1, 2, next), zMax = z.map((v) => v + next());
  return [p, g, gBck, gSum, z, zMax];
}

afterAll(() => {
  native.setIsa(info.isa);
  native.setParallelMinElements(info.parallelMinElements);
});

describe.each(info.isasAvailable)('the adaptive-revision kernel on the %s path', (isa) => {
  it('equals the TS reference on every length and memory layout and writes nothing outside its views', () => {
    native.setIsa(isa);
    for (const n of lengths) {
      for (const layout of layouts) {
        native.setParallelMinElements(layout === 'split across threads' ? 0 : info.parallelMinElements);
        const init = inputs(n, n * 17 + 5);
        const ref = init.map((a) => a.slice());
        referenceKernels.adaptiveRevision(ref[0]!, ref[1]!, ref[2]!, ref[3]!, ref[4]!, ref[5]!, 0.3);
        const nat = init.map((a) => place(layout, a));
        const v = nat.map((x) => x.view);
        native.adaptiveRevision(v[0]!, v[1]!, v[2]!, v[3]!, v[4]!, v[5]!, 0.3);
        const where = `n=${n}, ${layout}`;
        ['params', 'grads', 'gradSumAtRead', 'gradSum', 'z', 'zMax'].forEach((name, k) =>
          expect(maxRelErr(v[k]!, ref[k]!, 1e-2), `${name}: ${where}`).toBeLessThanOrEqual(2e-5));
        expect(Array.from(v[1]!), `grads stay as given: ${where}`).toEqual(Array.from(init[1]!));
        expect(Array.from(v[2]!), `gradSumAtRead stays as given: ${where}`).toEqual(Array.from(init[2]!));
        for (const x of nat) expect(guardsIntact(x.backing, x.view), `no write outside the view: ${where}`).toBe(true);
      }
    }
  });

  it('equals the AdaGrad kernel (eps 0) when no other gradient arrived since the read (g_fwd = 0)', () => {
    native.setIsa(isa);
    const n = 1031;
    const next = rng(99);
    const p0 = uniform(n, -2, 2, next), g = uniform(n, -1, 1, next), gSum0 = uniform(n, -3, 3, next), z0 = uniform(n, 0.1, 2, next);
    const pa = p0.slice(), acc = z0.slice();
    native.adagrad(pa, g, acc, 1, 0, 0.3, 0, 0);
    const pr = p0.slice(), gSum = gSum0.slice(), z = z0.slice(), zMax = z0.slice();
    native.adaptiveRevision(pr, g, gSum0, gSum, z, zMax, 0.3);
    expect(maxRelErr(pr, pa, 1e-2)).toBeLessThanOrEqual(2e-5); // α/√z·g vs α·g/√z: a few float32 roundings
    expect(maxRelErr(zMax, acc, 1e-2)).toBeLessThanOrEqual(2e-6);
  });
});

describe('the adaptive-revision binding guards its inputs', () => {
  it('rejects a state array of the wrong length before writing', () => {
    const [p, g, gBck, gSum, z, zMax] = inputs(5, 1);
    const before = p!.slice();
    expect(() => native.adaptiveRevision(p!, g!, gBck!, gSum!, z!.subarray(0, 4), zMax!, 0.1)).toThrow(RangeError);
    expect(Array.from(p!)).toEqual(Array.from(before));
  });
  it('rejects a state array that overlaps the params', () => {
    const buf = new Float32Array(10);
    const [, g, gBck, gSum, , zMax] = inputs(5, 2);
    expect(() => native.adaptiveRevision(buf.subarray(0, 5), g!, gBck!, gSum!, buf.subarray(3, 8), zMax!, 0.1)).toThrow(RangeError);
  });
  it('rejects a non-finite alpha with a RangeError', () => {
    const [p, g, gBck, gSum, z, zMax] = inputs(3, 3);
    expect(() => native.adaptiveRevision(p!, g!, gBck!, gSum!, z!, zMax!, NaN)).toThrow(RangeError);
  });
});
