// The native kernels through the public classes (ns per element per step, call included) against
// the TypeScript reference (the same class with backend 'js'). For Adam the same rounds also time
// the memory floor, every ISA path and one thread against all of them, interleaved, so that their
// ratios are not distorted by the machine's drift between measurements.
import { FLOOR_BYTES } from './cases.mjs';
import { dataOfSize } from './data.mjs';
import { watchLoad } from './machine.mjs';
import { measureInterleaved } from './timing.mjs';

/**
 * Contenders that only Adam gets: the floor kernel on the optimizer's own arrays, each lower ISA,
 * and one thread against all threads (the parallel threshold moved so both apply at every size).
 */
function adamExtras(addon, opt, g, defaults) {
  const p = opt.params[0];
  const { expAvg, expAvgSq } = opt.stateOf(0);
  const floor = () => addon.memoryFloor(p, g, expAvg, expAvgSq);
  const step = () => opt.step(g);
  const restore = () => {
    addon.setIsa(defaults.isa);
    addon.setThreads(defaults.threads);
    addon.setParallelMinElements(defaults.parallelMinElements);
  };
  const out = [{ id: 'floor', step: floor }];
  for (const isa of defaults.isasAvailable) {
    if (isa === defaults.isa) continue;
    out.push({ id: `native-${isa}`, step, setup: () => addon.setIsa(isa), teardown: restore });
  }
  if (defaults.hardwareThreads > 1) {
    const all = defaults.hardwareThreads;
    const one = () => { addon.setThreads(1); addon.setParallelMinElements(2 ** 31 - 1); };
    const many = () => { addon.setThreads(all); addon.setParallelMinElements(0); };
    out.push({ id: 'native-1thread', step, setup: one, teardown: restore });
    out.push({ id: `native-${all}threads`, step, setup: many, teardown: restore });
    out.push({ id: 'floor-1thread', step: floor, setup: one, teardown: restore });
    out.push({ id: `floor-${all}threads`, step: floor, setup: many, teardown: restore });
  }
  return out;
}

/** Bytes per element a contender moves: the floor moves Adam's traffic. */
function bytesOf(impl, optimizer) {
  return impl.startsWith('floor') ? FLOOR_BYTES : optimizer.bytes;
}

/**
 * A native optimizer with default options on its own copy of the first n elements, as a contender
 * with id 'native'. Peers pair with one of these so that each speed-up compares measurements
 * taken in the same rounds. Nine samples are plenty for a number that is 5 to 1000 times smaller
 * than the peer's, and keep the peer phases short.
 */
export function nativeContender(descent, name, base, n) {
  const data = dataOfSize(base, n);
  const opt = new descent[name](data.params, {});
  return { id: 'native', step: () => opt.step(data.grads), maxReps: 9 };
}

/** A peer's result with the native measurement it was interleaved with and the speed-up between them. */
export function pairedRecord(optimizer, impl, n, results, busyOthers) {
  const peer = results.get(impl);
  const native = results.get('native');
  return {
    phase: 'peer', optimizer, impl, n, ...peer,
    nativeNsPerElement: native.nsPerElement, speedup: peer.nsPerElement / native.nsPerElement, busyOthers,
  };
}

/**
 * Runs every (optimizer, size) case and returns result records.
 * @param {object} ctx
 * @param {object} ctx.descent the package (dist/esm/index.mjs)
 * @param {object} ctx.addon the raw addon (memoryFloor, setIsa, setThreads, setParallelMinElements, info)
 * @param {object[]} ctx.optimizers entries of OPTIMIZERS
 * @param {number[]} ctx.sizes
 * @param {{params: Float32Array, grads: Float32Array}} ctx.base
 * @param {object} ctx.plan timing plan (see timingPlan)
 * @param {import('./progress.mjs').Progress} ctx.progress
 * @returns {Promise<{records: object[], failures: {phase: string, optimizer: string, n: number, error: string}[]}>}
 */
export async function runNativeSuite({ descent, addon, optimizers, sizes, base, plan, progress }) {
  const info = addon.info();
  const defaults = {
    isa: info.isa, isasAvailable: info.isasAvailable, threads: info.threads,
    hardwareThreads: info.hardwareThreads, parallelMinElements: info.parallelMinElements,
  };
  const records = [];
  const failures = [];
  for (const optimizer of optimizers) {
    const Ctor = descent[optimizer.name];
    for (const n of sizes) {
      progress.start(`native vs TS reference: ${optimizer.name} n=${n.toExponential(0)}`);
      const stopWatch = watchLoad();
      try {
        const mine = dataOfSize(base, n);
        const ref = dataOfSize(base, n);
        const native = new Ctor(mine.params, {});
        const js = new Ctor(ref.params, { backend: 'js' });
        const contenders = [
          { id: 'native', step: () => native.step(mine.grads) },
          { id: 'js', step: () => js.step(ref.grads) },
        ];
        if (optimizer.name === 'Adam') contenders.push(...adamExtras(addon, native, mine.grads, defaults));
        const results = await measureInterleaved(contenders, { n, ...plan });
        const busyOthers = stopWatch().busyCoresOthers;
        const nativeNs = results.get('native').nsPerElement;
        for (const [impl, r] of results) {
          records.push({
            phase: 'native', optimizer: optimizer.name, impl, n, ...r,
            gbPerS: bytesOf(impl, optimizer) / r.nsPerElement,
            ...(impl === 'js' ? { speedup: r.nsPerElement / nativeNs } : {}),
            busyOthers,
          });
        }
      } catch (err) {
        // One broken case should not cost the rest of a minutes-long run; the caller reports it.
        failures.push({ phase: 'native', optimizer: optimizer.name, n, error: String(err?.message ?? err) });
        progress.note(`native ${optimizer.name} n=${n}: FAILED: ${err?.message ?? err}`);
      }
      progress.step();
    }
  }
  return { records, failures };
}
