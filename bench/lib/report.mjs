// Turns result records into the Markdown report and the list of targets. Targets are reported,
// never asserted: the benchmark describes, the tests judge behaviour.

/** Index of records by optimizer, implementation and size. */
export function indexResults(records) {
  const map = new Map(records.map((r) => [`${r.optimizer}|${r.impl}|${r.n}`, r]));
  return (optimizer, impl, n) => map.get(`${optimizer}|${impl}|${n}`);
}

export function formatNs(x) {
  if (x === undefined || !Number.isFinite(x)) return '—';
  return x >= 100 ? String(Math.round(x)) : x.toPrecision(3);
}

export function formatRatio(x) {
  if (x === undefined || !Number.isFinite(x)) return '—';
  return `${x >= 100 ? Math.round(x) : x.toFixed(1)}×`;
}

function formatSize(n) {
  return n >= 1000 && Number.isInteger(Math.log10(n)) ? `1e${Math.log10(n)}` : String(n);
}

function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  const align = header.map((_, i) => (i === 0 ? '---' : '---:'));
  return [line(header), line(align), ...rows.map(line)].join('\n');
}

/** Display names of implementations. */
export const IMPL_LABELS = {
  native: 'native',
  js: 'TS reference',
  floor: 'memory floor',
  'tfjs-wasm': 'tfjs-wasm',
  'tfjs-cpu': 'tfjs-cpu',
  torch: 'torch',
  'torch-tuned-malloc': 'torch (tuned malloc)',
};

/** The display name of an implementation id. */
export function implLabel(impl) {
  const threaded = /^torch-tuned-malloc-(\d+)threads$/.exec(impl);
  if (threaded) return `torch (tuned malloc, ${threaded[1]} threads)`;
  return IMPL_LABELS[impl] ?? impl;
}

/** Peer columns in display order: tfjs first, then every torch configuration present. */
function peerColumns(records) {
  const present = [...new Set(records.filter((r) => r.phase === 'peer').map((r) => r.impl))];
  const order = (impl) => ['tfjs-wasm', 'tfjs-cpu', 'torch', 'torch-tuned-malloc'].indexOf(impl) + 1 || 9;
  return present.sort((a, b) => order(a) - order(b));
}

/** Other processes busier than this (cores, averaged over a case) mark the case as noisy. */
export const NOISY_CORES = 0.25;

/** A timing, with a dagger when other processes shared the CPU while it was measured. */
function timed(r) {
  if (!r) return '—';
  return `${formatNs(r.nsPerElement)}${r.busyOthers > NOISY_CORES ? '†' : ''}`;
}

/**
 * One row per (optimizer, n): native, its bandwidth, the TS reference and every peer. Each speed-up
 * divides by the native time measured in the same interleaved rounds as that contender (stored as
 * `speedup`), not by the native column, which comes from the rounds against the TS reference.
 */
function mainTable(get, optimizers, sizes, peerImpls) {
  const header = ['optimizer', 'n', 'native ns/el', 'GB/s', 'TS ref', '× TS'];
  for (const p of peerImpls) header.push(implLabel(p), '×');
  const rows = [];
  for (const o of optimizers) {
    for (const n of sizes) {
      const nat = get(o, 'native', n);
      if (!nat) continue;
      const js = get(o, 'js', n);
      const row = [o, formatSize(n), timed(nat), nat.gbPerS.toFixed(1), timed(js), formatRatio(js?.speedup)];
      for (const p of peerImpls) {
        const r = get(o, p, n);
        row.push(timed(r), formatRatio(r?.speedup));
      }
      rows.push(row);
    }
  }
  return table(header, rows);
}

/** Adam against the memory floor, per ISA and per thread count, all from the same interleaved rounds. */
function adamTable(get, sizes, info) {
  const isas = info.isasAvailable.filter((i) => i !== info.isa);
  const threaded = info.hardwareThreads > 1;
  const all = info.hardwareThreads;
  const header = ['n', 'floor ns/el', 'floor GB/s', `Adam (${info.isa})`, 'Adam / floor',
    ...isas.map((i) => `Adam ${i}`)];
  if (threaded) header.push('Adam 1 thread', `Adam ${all} threads`, 'floor 1 thread', `floor ${all} threads`, 'Adam/floor 1 thread');
  const rows = [];
  for (const n of sizes) {
    const adam = get('Adam', 'native', n);
    const floor = get('Adam', 'floor', n);
    if (!adam || !floor) continue;
    const row = [`${formatSize(n)}${adam.busyOthers > NOISY_CORES ? '†' : ''}`, formatNs(floor.nsPerElement), floor.gbPerS.toFixed(1), formatNs(adam.nsPerElement),
      (adam.nsPerElement / floor.nsPerElement).toFixed(2),
      ...isas.map((i) => formatNs(get('Adam', `native-${i}`, n)?.nsPerElement))];
    if (threaded) {
      const a1 = get('Adam', 'native-1thread', n);
      const f1 = get('Adam', 'floor-1thread', n);
      row.push(formatNs(a1?.nsPerElement), formatNs(get('Adam', `native-${all}threads`, n)?.nsPerElement),
        formatNs(f1?.nsPerElement), formatNs(get('Adam', `floor-${all}threads`, n)?.nsPerElement),
        a1 && f1 ? (a1.nsPerElement / f1.nsPerElement).toFixed(2) : '—');
    }
    rows.push(row);
  }
  return table(header, rows);
}

/**
 * The project's targets for native Adam, each with what was measured. A target whose inputs were
 * not measured in this run (a size or peer left out) says so instead of passing or failing.
 * @param {(optimizer: string, impl: string, n: number) => object | undefined} get
 * @param {number[]} sizes
 * @param {string[]} torchIds the torch configurations of this run (one target line each)
 */
export function evaluateTargets(get, sizes, torchIds) {
  const out = [];
  const add = (id, text, measured, met) => out.push({ id, text, measured, met });
  const ns = (impl, n) => get('Adam', impl, n)?.nsPerElement;

  const f7 = ns('floor', 1e7), a7 = ns('native', 1e7);
  add('adam-floor-1e7', 'Adam at 1e7 within 1.10× of the memory floor',
    a7 && f7 ? `${(a7 / f7).toFixed(2)}× the floor (${formatNs(a7)} vs ${formatNs(f7)} ns/el)` : 'not measured',
    a7 && f7 ? a7 / f7 <= 1.1 : null);

  const a4 = ns('native', 1e4);
  add('adam-1e4', 'Adam at 1e4 under 0.45 ns/element, call included',
    a4 ? `${formatNs(a4)} ns/el` : 'not measured', a4 ? a4 < 0.45 : null);

  // Speed-ups come from paired measurements (see mainTable). `from` limits the sizes a target
  // covers; `only` names exact sizes.
  const minOver = (impl, goal, text, id, { from = 0, only } = {}) => {
    const pairs = sizes
      .filter((n) => (only ? only.includes(n) : n >= from))
      .map((n) => [n, get('Adam', impl, n)?.speedup])
      .filter(([, x]) => x !== undefined);
    if (pairs.length === 0) return add(id, text, 'not measured', null);
    const [worstN, worst] = pairs.reduce((a, b) => (b[1] < a[1] ? b : a));
    const wanted = only ? only.filter((n) => !pairs.some(([m]) => m === n)) : [];
    const missing = wanted.length ? `; ${wanted.map(formatSize).join(', ')} not measured` : '';
    const below = sizes.filter((n) => n < from && get('Adam', impl, n)?.speedup !== undefined)
      .map((n) => `; ${formatSize(n)}: ${formatRatio(get('Adam', impl, n).speedup)}`).join('');
    add(id, text, `lowest ${formatRatio(worst)} (n=${formatSize(worstN)})${missing}${below}`, worst >= goal);
  };
  // The TS-reference target is set for the sizes of the native-vs-reference comparison (1e4 up);
  // 1e3, where the fixed cost of a call dominates, is shown beside it.
  minOver('js', 12, 'Adam ≥ 12× the TS reference at every size from 1e4', 'adam-vs-js', { from: 1e4 });
  minOver('tfjs-wasm', 10, 'Adam ≥ 10× tfjs-wasm at every size', 'adam-vs-tfjs-wasm');
  minOver('tfjs-cpu', 100, 'Adam ≥ 100× tfjs-cpu at every size', 'adam-vs-tfjs-cpu');
  for (const impl of torchIds.length ? torchIds : ['torch'])
    minOver(impl, 5, `Adam ≥ 5× ${implLabel(impl)} at 1e4 and 1e7`, `adam-vs-${impl}`, { only: [1e4, 1e7] });
  return out;
}

function targetTable(targets) {
  const verdict = (m) => (m === null ? 'n/a' : m ? 'met' : '**missed**');
  return table(['target', 'measured', 'verdict'], targets.map((t) => [t.text, t.measured, verdict(t.met)]));
}

/**
 * The whole Markdown report.
 * @param {object} r
 * @param {object[]} r.records
 * @param {string[]} r.optimizers
 * @param {number[]} r.sizes
 * @param {object} r.info nativeInfo()
 * @param {object[]} r.targets
 * @param {string[]} r.notes lines printed under the tables
 * @param {string} r.title
 */
export function markdownReport({ records, optimizers, sizes, info, targets, notes, title }) {
  const get = indexResults(records);
  const peerImpls = peerColumns(records);
  const parts = [`# ${title}`, '',
    'ns per element per step, including the call (median of interleaved samples; lower is better). ' +
      '"×" is how many times faster native is, against the native time measured in the same rounds as that column. ' +
      `† marks a case during which other processes kept more than ${NOISY_CORES} cores busy.`, '',
    mainTable(get, optimizers, sizes, peerImpls)];
  if (optimizers.includes('Adam')) {
    parts.push('', '## Adam: memory floor, SIMD paths, threads', '',
      'The floor is a no-math pass with Adam\'s exact traffic (reads p, g, m, v; writes p, m, v: 28 B/element) on the same arrays. ' +
      `"Adam (${info.isa})" and "floor" use the default threading (${info.threads} threads from ${info.parallelMinElements} elements up); ` +
      `"1 thread" pins one thread, "${info.hardwareThreads} threads" splits every call, however small. All columns come from the same interleaved rounds.`, '',
      adamTable(get, sizes, info), '', '## Targets (reported, not asserted)', '', targetTable(targets));
  }
  if (notes.length) parts.push('', ...notes.map((n) => `- ${n}`));
  return `${parts.join('\n')}\n`;
}
