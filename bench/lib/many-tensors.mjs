// Many small tensors: a model is hundreds of tensors, so what one step costs per call matters as
// much as what it costs per element. The same count × size parameters are stepped as one
// ParamArena (one native call), as separate arrays (the multi-tensor path, one call), with one
// optimizer per tensor (count calls), and as one tensor of count·size elements (the yardstick);
// then by tfjs with count variables and torch with count parameters (foreach off and on). Every
// peer is interleaved with the arena so that its speed-up compares measurements of the same rounds.
import { dataOfSize } from './data.mjs';
import { watchLoad } from './machine.mjs';
import { formatNs, formatRatio } from './report.mjs';
import { logBarChart } from './svg.mjs';
import { measureInterleaved } from './timing.mjs';

/** The shape the issue asks about, and a tiny one for --quick. */
export const MANY_SHAPE = { count: 200, size: 500 };
export const MANY_SHAPE_QUICK = { count: 20, size: 50 };

/** Display names and calls per step of each contender, in table order. */
const ROWS = [
  ['one-tensor', (s) => `descent: one tensor of ${s.count * s.size} elements`, () => 1],
  ['arena', () => 'descent: ParamArena (one buffer)', () => 1],
  ['separate', () => 'descent: separate arrays, one optimizer', () => 1],
  ['per-tensor', () => 'descent: one optimizer per tensor', (s) => s.count],
  ['tfjs-wasm', () => 'tfjs-wasm: one variable per tensor', () => 1],
  ['tfjs-cpu', () => 'tfjs-cpu: one variable per tensor', () => 1],
  ['torch-foreach-off', () => 'torch: one parameter per tensor, foreach=False', () => 1],
  ['torch-foreach-on', () => 'torch: one parameter per tensor, foreach=True', () => 1],
];

/** The four descent contenders on their own copies of the data. */
function nativeContenders(descent, name, base, { count, size }) {
  const Ctor = descent[name];
  const n = count * size;
  const slices = (data) => Array.from({ length: count }, (_, k) => data.subarray(k * size, (k + 1) * size));

  const one = dataOfSize(base, n);
  const oneOpt = new Ctor(one.params, {});

  const arena = new descent.ParamArena(Array.from({ length: count }, (_, k) => [`t${k}`, size]));
  const arenaData = dataOfSize(base, n);
  arena.data.set(arenaData.params);
  arena.grads.set(arenaData.grads);
  const arenaOpt = new Ctor(arena.params(), {});
  const arenaGrads = arena.gradList();

  // Separate allocations, as a model built tensor by tensor has them.
  const sep = dataOfSize(base, n);
  const sepParams = slices(sep.params).map((t) => t.slice());
  const sepGrads = slices(sep.grads).map((t) => t.slice());
  const sepOpt = new Ctor(sepParams, {});

  const per = dataOfSize(base, n);
  const perParams = slices(per.params).map((t) => t.slice());
  const perGrads = slices(per.grads).map((t) => t.slice());
  const perOpts = perParams.map((p) => new Ctor(p, {}));

  return {
    'one-tensor': { id: 'one-tensor', step: () => oneOpt.step(one.grads) },
    arena: { id: 'arena', step: () => arenaOpt.step(arenaGrads) },
    separate: { id: 'separate', step: () => sepOpt.step(sepGrads) },
    'per-tensor': {
      id: 'per-tensor',
      step: () => {
        for (let k = 0; k < count; k++) perOpts[k].step(perGrads[k]);
      },
    },
  };
}

/** tfjs with `count` variables of `size` elements, on the active backend. */
function tfjsContender(tf, optimizer, base, { count, size }, impl) {
  const data = dataOfSize(base, count * size);
  tf.engine().startScope();
  const vars = [];
  const grads = {};
  for (let k = 0; k < count; k++) {
    const name = `many_${impl}_${k}`;
    vars.push(tf.variable(tf.tensor1d(data.params.subarray(k * size, (k + 1) * size)), true, name));
    grads[name] = tf.tensor1d(data.grads.subarray(k * size, (k + 1) * size));
  }
  const opt = optimizer.tfjs(tf);
  return {
    contender: { id: impl, step: () => opt.applyGradients(grads), maxReps: 9 },
    dispose: () => {
      opt.dispose();
      for (const v of vars) v.dispose();
      tf.engine().endScope();
    },
  };
}

/**
 * Runs the many-tensor comparison for one optimizer.
 * @param {object} ctx
 * @param {object} ctx.descent the package
 * @param {object} ctx.optimizer an OPTIMIZERS entry
 * @param {{count: number, size: number}} ctx.shape
 * @param {object} ctx.base shared data of at least count·size elements
 * @param {object} ctx.plan timing plan for the descent contenders
 * @param {object} ctx.peerPlan timing plan for the peers
 * @param {{tf?: object, error?: string} | null} ctx.tfjs loaded tfjs, or null to skip
 * @param {(backend: string) => Promise<string | null>} ctx.useBackend
 * @param {((args: object) => Promise<object>) | null} ctx.torch runTorchMany bound to a config and files, or null
 * @param {import('./progress.mjs').Progress} ctx.progress
 * @returns {Promise<{optimizer: string, shape: object, rows: object[], notes: string[]}>}
 */
export async function runManyTensors({ descent, optimizer, shape, base, plan, peerPlan, tfjs, useBackend, torch, progress }) {
  const n = shape.count * shape.size;
  const notes = [];
  const rows = new Map();
  const record = (id, r, paired) => rows.set(id, { id, usPerStep: (r.nsPerElement * n) / 1e3, nsPerElement: r.nsPerElement, reps: r.reps, ...paired });
  const natives = () => nativeContenders(descent, optimizer.name, base, shape);

  progress.start(`many tensors (${shape.count} × ${shape.size}): descent ${optimizer.name}`);
  const stopWatch = watchLoad();
  const own = await measureInterleaved(Object.values(natives()), { n, ...plan });
  const busy = stopWatch().busyCoresOthers;
  for (const [id, r] of own) record(id, r, { busyOthers: busy });
  progress.step();

  const pairedWithArena = (id, results, busyOthers) => {
    const peer = results.get(id), arena = results.get('arena');
    record(id, peer, { arenaNsPerElement: arena.nsPerElement, speedup: peer.nsPerElement / arena.nsPerElement, busyOthers });
  };

  for (const backend of ['wasm', 'cpu']) {
    const impl = `tfjs-${backend}`;
    progress.start(`many tensors: ${impl} ${optimizer.name}`);
    const why = !tfjs ? 'peers not run' : tfjs.error ?? (!optimizer.tfjs ? `tfjs has no ${optimizer.name}` : await useBackend(tfjs.tf, backend));
    if (why) {
      notes.push(`${impl}: skipped (${why}).`);
    } else {
      const { contender, dispose } = tfjsContender(tfjs.tf, optimizer, base, shape, impl);
      try {
        const watch = watchLoad();
        const arena = { ...natives().arena, maxReps: 9 };
        pairedWithArena(impl, await measureInterleaved([contender, arena], { n, ...peerPlan }), watch().busyCoresOthers);
      } catch (err) {
        notes.push(`${impl}: FAILED: ${err?.message ?? err}`);
      } finally {
        dispose();
      }
    }
    progress.step();
  }

  progress.start(`many tensors: torch ${optimizer.name}`);
  if (!torch) notes.push('torch: skipped (peers not run).');
  else if (!optimizer.torch) notes.push(`torch: skipped (no torch counterpart of ${optimizer.name}).`);
  else {
    const watch = watchLoad();
    const out = await torch({ optimizer: optimizer.name, shape, nativeContender: () => ({ ...natives().arena, id: 'arena', maxReps: 9 }), plan: peerPlan });
    if (out.error) notes.push(`torch: skipped (${out.error}).`);
    else {
      for (const [id, results] of out.results) {
        if (results.error) notes.push(`${id}: FAILED: ${results.error}`);
        else pairedWithArena(id, results, watch().busyCoresOthers);
      }
      notes.push(`PyTorch ${out.meta.torch} (Python ${out.meta.python}, ${out.meta.threadsUsed} threads, glibc's default allocator), timed inside Python.`);
    }
  }
  progress.step();

  const single = rows.get('one-tensor');
  const ordered = ROWS.filter(([id]) => rows.has(id)).map(([id, label, calls]) => {
    const r = rows.get(id);
    return { ...r, label: label(shape), callsPerStep: calls(shape), vsOneTensor: r.nsPerElement / single.nsPerElement };
  });
  return { optimizer: optimizer.name, shape, rows: ordered, notes };
}

/** The Markdown section of a many-tensor run. */
export function manyTensorsMarkdown(result, title) {
  const { shape, optimizer } = result;
  const arena = result.rows.find((r) => r.id === 'arena');
  const lines = [`# ${title}`, ''];
  lines.push(`${optimizer} with default options over ${shape.count} tensors × ${shape.size} elements (${shape.count * shape.size} in all). ` +
    'µs per step, call included (median of interleaved samples). "× one tensor" compares with stepping one tensor of the same total size; ' +
    '"× slower than arena" is measured against the ParamArena run in the same rounds as that peer.', '');
  lines.push('| implementation | calls per step | µs per step | ns per element | × one tensor | × slower than arena |');
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of result.rows) {
    lines.push(`| ${r.label} | ${r.callsPerStep} | ${formatNs(r.usPerStep)} | ${formatNs(r.nsPerElement)} | ${formatRatio(r.vsOneTensor)} | ${r.speedup === undefined ? '—' : formatRatio(r.speedup)} |`);
  }
  lines.push('');
  if (arena) {
    const met = arena.vsOneTensor <= 2;
    lines.push(`Target: the arena within 2× of one ${shape.count * shape.size}-element tensor: ${formatRatio(arena.vsOneTensor)}, ${met ? 'met' : 'missed'}.`, '');
  }
  for (const note of result.notes) lines.push(`- ${note}`);
  return `${lines.join('\n')}\n`;
}

/** The bar chart of a many-tensor run: µs per step, one bar per implementation. */
export function manyTensorsChart(result) {
  const colors = { 'one-tensor': '#000000', arena: '#d62728', separate: '#ff7f0e', 'per-tensor': '#8c564b', 'tfjs-wasm': '#2ca02c', 'tfjs-cpu': '#17becf', 'torch-foreach-off': '#9467bd', 'torch-foreach-on': '#c51b7d' };
  const bars = result.rows.map((r) => ({ name: r.label, value: r.usPerStep, color: colors[r.id] }));
  const svg = logBarChart({
    title: `${result.optimizer} step over ${result.shape.count} tensors × ${result.shape.size} elements`,
    xLabel: 'µs per step (log scale, lower is better)',
    bars,
  });
  return { svg, series: bars.map((b) => b.name) };
}
