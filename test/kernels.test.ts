import { afterAll, describe, expect, it } from 'vitest';
import { addon } from '../lib/native';
import { referenceKernels } from '../lib/reference/rules';
import { kernelCases, sparseCases } from './helpers/kernel-cases';
import { maxRelErr, rng, uniform } from './helpers/random';

const native = addon();
const info = native.info();
const isas = info.isasAvailable;
const lengths = [0, 1, 7, 15, 16, 17, 1023, 100003];
type Layout = 'aligned' | 'unaligned subarray' | 'SharedArrayBuffer' | 'split across threads';
const layouts: Layout[] = ['aligned', 'unaligned subarray', 'SharedArrayBuffer', 'split across threads'];
const GUARD = 3;
const SENTINEL = 12345.5;

/** An array of n elements in the given layout, with sentinel-filled guard zones around it. */
function place(layout: Layout, init: Float32Array): { view: Float32Array; backing: Float32Array } {
  const n = init.length;
  const offset = layout === 'unaligned subarray' ? 1 : GUARD; // 1 float = 4 bytes: never 16/32/64-byte aligned
  const backing = layout === 'SharedArrayBuffer'
    ? new Float32Array(new SharedArrayBuffer((n + 2 * GUARD) * 4))
    : new Float32Array(n + 2 * GUARD);
  backing.fill(SENTINEL);
  const view = backing.subarray(offset, offset + n);
  view.set(init);
  return { view, backing };
}

function guardsIntact(backing: Float32Array, view: Float32Array): boolean {
  const start = view.byteOffset / 4 - backing.byteOffset / 4;
  for (let i = 0; i < backing.length; i++) {
    if ((i < start || i >= start + view.length) && backing[i] !== SENTINEL) return false;
  }
  return true;
}

afterAll(() => {
  native.setIsa(info.isa);
  native.setParallelMinElements(info.parallelMinElements);
});

describe.each(isas)('on the %s path', (isa) => {
  for (const c of kernelCases) {
    it(`the native ${c.name} kernel equals the TS reference on every length and memory layout`, () => {
      native.setIsa(isa);
      for (const n of lengths) {
        for (const layout of layouts) {
          native.setParallelMinElements(layout === 'split across threads' ? 0 : info.parallelMinElements);
          const next = rng(n * 31 + c.name.length);
          const p0 = uniform(n, -2, 2, next), g0 = uniform(n, -1, 1, next);
          const s0 = c.state.map(([lo, hi]) => uniform(n, lo, hi, next));
          const ref = { p: p0.slice(), g: g0.slice(), s: s0.map((a) => a.slice()) };
          c.call(referenceKernels, ref.p, ref.g, ref.s);
          const p = place(layout, p0), g = place(layout, g0), s = s0.map((a) => place(layout, a));
          c.call(native, p.view, g.view, s.map((x) => x.view));
          const where = `${c.name}, n=${n}, ${layout}`;
          expect(maxRelErr(p.view, ref.p, 1e-2), `params: ${where}`).toBeLessThanOrEqual(2e-5);
          s.forEach((x, k) => expect(maxRelErr(x.view, ref.s[k]!, 1e-2), `state ${k}: ${where}`).toBeLessThanOrEqual(2e-5));
          expect(Array.from(g.view), `grads must stay as given: ${where}`).toEqual(Array.from(g0));
          for (const arr of [p, g, ...s]) expect(guardsIntact(arr.backing, arr.view), `no write outside the view: ${where}`).toBe(true);
        }
      }
    });
  }

  for (const c of sparseCases) {
    it(`the native sparse ${c.name} kernel equals the reference and leaves untouched rows bit-identical`, () => {
      native.setIsa(isa);
      for (const rowLen of [1, 5, 37]) {
        const rows = 200, n = rows * rowLen;
        const next = rng(rowLen * 7 + c.name.length);
        const p0 = uniform(n, -2, 2, next);
        const s0 = c.state.map(([lo, hi]) => uniform(n, lo, hi, next));
        const touched = [0, 3, 4, 50, 51, 52, 120, 199];
        const idx = Int32Array.from(touched);
        const vals = uniform(touched.length * rowLen, -1, 1, next);
        const where = `${c.name}, rowLength=${rowLen}`;

        const ref = { p: p0.slice(), s: s0.map((a) => a.slice()) };
        c.call(referenceKernels, ref.p, idx, vals, rowLen, ref.s);
        const nat = { p: p0.slice(), s: s0.map((a) => a.slice()) };
        c.call(native, nat.p, idx, vals, rowLen, nat.s);
        expect(maxRelErr(nat.p, ref.p, 1e-2), `params: ${where}`).toBeLessThanOrEqual(2e-5);
        nat.s.forEach((a, k) => expect(maxRelErr(a, ref.s[k]!, 1e-2), `state ${k}: ${where}`).toBeLessThanOrEqual(2e-5));

        // The dense kernel on a gradient that is zero outside the touched rows changes those rows
        // (decay of momentum, weight decay...), so compare touched rows with the dense result and
        // require every other row and its state to be exactly as before.
        const dense = { p: p0.slice(), s: s0.map((a) => a.slice()) };
        const g = new Float32Array(n);
        touched.forEach((r, k) => g.set(vals.subarray(k * rowLen, (k + 1) * rowLen), r * rowLen));
        c.dense(native, dense.p, g, dense.s);
        for (let r = 0; r < rows; r++) {
          const lo = r * rowLen, hi = lo + rowLen;
          const expectP = touched.includes(r) ? dense.p : p0;
          expect(Array.from(nat.p.subarray(lo, hi)), `params row ${r}: ${where}`).toEqual(Array.from(expectP.subarray(lo, hi)));
          nat.s.forEach((a, k) => {
            const expectS = touched.includes(r) ? dense.s[k]! : s0[k]!;
            expect(Array.from(a.subarray(lo, hi)), `state ${k} row ${r}: ${where}`).toEqual(Array.from(expectS.subarray(lo, hi)));
          });
        }
      }
    });
  }
});

describe('the native layer guards its inputs', () => {
  it('rejects a length mismatch between params and grads with a RangeError before writing', () => {
    const p = new Float32Array([1, 2, 3]), g = new Float32Array(2);
    expect(() => native.sgd(p, g, null, 1, 0, 0, 0, 0, 0, 0.1, false)).toThrow(RangeError);
    expect(Array.from(p)).toEqual([1, 2, 3]);
  });
  it('rejects a Float64Array with a TypeError naming the argument', () => {
    const p = new Float32Array(3);
    expect(() => native.adam(p, new Float64Array(3) as unknown as Float32Array, new Float32Array(3), new Float32Array(3), null, 1, 0, 1, 0.9, 0.1, 0.999, 0.001, 1, 1e-8, 1e-3))
      .toThrow(/grads must be a Float32Array, got a Float64Array/);
  });
  it('rejects state arrays that overlap the params', () => {
    const buf = new Float32Array(10);
    const p = buf.subarray(0, 5), m = buf.subarray(4, 9);
    expect(() => native.adam(p, new Float32Array(5), m, new Float32Array(5), null, 1, 0, 1, 0.9, 0.1, 0.999, 0.001, 1, 1e-8, 1e-3)).toThrow(RangeError);
  });
  it('rejects sparse indices out of range or out of order before writing anything', () => {
    const p = new Float32Array([1, 2, 3, 4]), sum = new Float32Array(4);
    expect(() => native.adagradSparse(p, Int32Array.from([0, 4]), new Float32Array(2), 1, sum, 1, 0, 0.1, 0, 1e-10)).toThrow(/outside/);
    expect(() => native.adagradSparse(p, Int32Array.from([2, 1]), new Float32Array(2), 1, sum, 1, 0, 0.1, 0, 1e-10)).toThrow(/strictly increasing/);
    expect(Array.from(p)).toEqual([1, 2, 3, 4]);
    expect(Array.from(sum)).toEqual([0, 0, 0, 0]);
  });
  it('rejects a non-finite scalar with a RangeError', () => {
    const p = new Float32Array(2);
    expect(() => native.sgd(p, new Float32Array(2), null, 1, 0, 0, 0, 0, 0, NaN, false)).toThrow(RangeError);
  });
  it('rejects an unknown ISA name and keeps the current one', () => {
    const before = native.info().isa;
    expect(() => native.setIsa('sse9')).toThrow(/not available/);
    expect(native.info().isa).toBe(before);
  });
});

describe('loading the addon in a worker thread', () => {
  it('keeps the ISA chosen with setIsa on the main thread', async () => {
    const { Worker } = await import('node:worker_threads');
    const { nativeInfo } = await import('../lib/index');
    const file = nativeInfo().binary;
    native.setIsa('scalar');
    try {
      await new Promise<void>((resolve, reject) => {
        const w = new Worker(`require(${JSON.stringify(file)}).info()`, { eval: true });
        w.on('error', reject);
        w.on('exit', () => resolve());
      });
      expect(native.info().isa).toBe('scalar');
    } finally {
      native.setIsa(info.isa);
    }
  });
});
