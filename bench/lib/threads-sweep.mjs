// The thread cut-over by measurement: every rule at a ladder of sizes, on one thread and split
// across all threads, interleaved in one process on the same arrays (a step with one setting, then
// a step with the other, rotating), medians of many short samples. The cut-over a rule wants is
// the smallest size from which splitting wins at that size and every larger one.
import { dataOfSize } from './data.mjs';
import { watchLoad } from './machine.mjs';
import { formatNs, formatRatio } from './report.mjs';
import { measureInterleaved } from './timing.mjs';

export const SWEEP_SIZES = [1e4, 3e4, 1e5, 3e5, 1e6, 3e6, 1e7];
export const SWEEP_SIZES_QUICK = [1e3, 1e4];

/** Splitting counts as a win from this speed-up on: below it, noise decides. */
export const WIN_MARGIN = 1.05;

/**
 * Measures one thread against all threads for each optimizer and size.
 * @param {object} ctx
 * @param {object} ctx.descent the package
 * @param {object} ctx.addon the raw addon (setThreads, setParallelMinElements, info)
 * @param {object[]} ctx.optimizers OPTIMIZERS entries
 * @param {number[]} ctx.sizes
 * @param {object} ctx.base shared data of at least max(sizes) elements
 * @param {object} ctx.plan timing plan
 * @param {import('./progress.mjs').Progress} ctx.progress
 */
export async function runThreadsSweep({ descent, addon, optimizers, sizes, base, plan, progress }) {
  const info = addon.info();
  const threads = info.hardwareThreads;
  const restore = () => {
    addon.setThreads(info.threads);
    addon.setParallelMinElements(info.parallelMinElements);
  };
  const rows = [];
  const failures = [];
  for (const optimizer of optimizers) {
    for (const n of sizes) {
      progress.start(`threads sweep: ${optimizer.name} n=${n.toExponential(0)}`);
      const watch = watchLoad();
      try {
        const data = dataOfSize(base, n);
        const opt = new descent[optimizer.name](data.params, {});
        const step = () => opt.step(data.grads);
        const results = await measureInterleaved([
          { id: 'one', step, setup: () => { addon.setThreads(1); }, teardown: restore },
          { id: 'split', step, setup: () => { addon.setThreads(threads); addon.setParallelMinElements(0); }, teardown: restore },
        ], { n, ...plan });
        const one = results.get('one'), split = results.get('split');
        rows.push({
          optimizer: optimizer.name, bytes: optimizer.bytes, n,
          oneThread: one.nsPerElement, split: split.nsPerElement, speedup: one.nsPerElement / split.nsPerElement,
          // The fastest samples: what each setting does when nothing else preempts it (on a busy
          // machine two threads rarely get two cores at once, which the medians then mostly show).
          oneThreadMin: one.minNs, splitMin: split.minNs, speedupMin: one.minNs / split.minNs,
          busyOthers: watch().busyCoresOthers,
        });
      } catch (err) {
        failures.push({ phase: 'threads', optimizer: optimizer.name, n, error: String(err?.message ?? err) });
      } finally {
        restore();
      }
      progress.step();
    }
  }
  const cuts = cutovers(rows);
  return { threads, defaultMin: info.parallelMinElements, rows, failures, cutovers: cuts, suggestion: suggestCutover(cuts) };
}

/**
 * The default the measurements argue for, as traffic in bytes (the working set leaving the caches
 * is what makes a second thread pay) and as elements of Adam's 28 B/element: the median over rules of
 * the point halfway (geometrically) between the largest size where splitting lost and the smallest
 * from which it wins. Null when no rule wins.
 */
export function suggestCutover(cuts) {
  const points = cuts.filter((c) => c.fromN !== null).map((c) => (c.lastLossN ? Math.sqrt(c.lastLossN * c.fromN) : c.fromN) * c.bytes);
  if (points.length === 0) return null;
  const sorted = points.sort((a, b) => a - b);
  const bytes = sorted[sorted.length >> 1];
  return { bytes, adamElements: Math.round(bytes / 28), rulesThatWin: points.length, rules: cuts.length };
}

/**
 * Per optimizer: the smallest measured size from which splitting wins (speed-up ≥ WIN_MARGIN) at
 * that size and every larger one; null when it never does.
 */
export function cutovers(rows) {
  const out = [];
  for (const name of [...new Set(rows.map((r) => r.optimizer))]) {
    const mine = rows.filter((r) => r.optimizer === name).sort((a, b) => a.n - b.n);
    let from = null;
    let i = mine.length - 1;
    for (; i >= 0 && mine[i].speedup >= WIN_MARGIN; i--) from = mine[i].n;
    const lastLossN = from !== null && i >= 0 ? mine[i].n : null;
    out.push({ optimizer: name, bytes: mine[0].bytes, fromN: from, lastLossN, fromBytes: from === null ? null : from * mine[0].bytes });
  }
  return out;
}

/** The Markdown report of a sweep. */
export function threadsMarkdown(sweep, { title, notes = [] }) {
  const sizes = [...new Set(sweep.rows.map((r) => r.n))].sort((a, b) => a - b);
  const label = (n) => (Number.isInteger(Math.log10(n)) ? `1e${Math.log10(n)}` : n.toExponential(0).replace('+', ''));
  const lines = [`# ${title}`, ''];
  lines.push(`Each cell: how many times faster a step is split across ${sweep.threads} threads than on one thread ` +
    '(one-thread ns/element ÷ split ns/element, medians of interleaved samples on the same arrays; above 1 splitting wins). ' +
    `Default options of each class; B/el is the memory traffic per element.`, '');
  lines.push(`| optimizer | B/el | ${sizes.map(label).join(' | ')} | splitting wins from |`);
  lines.push(`| --- | ---: | ${sizes.map(() => '---:').join(' | ')} | ---: |`);
  for (const c of sweep.cutovers) {
    const cells = sizes.map((n) => {
      const r = sweep.rows.find((x) => x.optimizer === c.optimizer && x.n === n);
      return r ? `${formatRatio(r.speedup)}${r.busyOthers !== null && r.busyOthers > 0.25 ? '†' : ''}` : '—';
    });
    const from = c.fromN === null ? 'never' : `${label(c.fromN)} (${(c.fromBytes / 2 ** 20).toFixed(1)} MiB)`;
    lines.push(`| ${c.optimizer} | ${c.bytes} | ${cells.join(' | ')} | ${from} |`);
  }
  lines.push('', '† other processes kept more than 0.25 cores busy during that case.', '');
  const mib = (b) => `${(b / 2 ** 20).toFixed(1)} MiB`;
  if (sweep.suggestion) {
    const s = sweep.suggestion;
    lines.push(`Suggested cut-over: ${mib(s.bytes)} of traffic per call, i.e. ${s.adamElements} elements for Adam (28 B/el); ` +
      `${s.rulesThatWin} of ${s.rules} rules win by splitting somewhere in the range. The default is ${sweep.defaultMin} elements.`, '');
  } else {
    lines.push(`No rule won by splitting at any measured size on this run; the default stays ${sweep.defaultMin} elements.`, '');
  }
  lines.push(`## Best-case speed-up (fastest sample of each setting)`, '');
  lines.push(`| optimizer | ${sizes.map(label).join(' | ')} |`);
  lines.push(`| --- | ${sizes.map(() => '---:').join(' | ')} |`);
  for (const c of sweep.cutovers) {
    const cells = sizes.map((n) => {
      const r = sweep.rows.find((x) => x.optimizer === c.optimizer && x.n === n);
      return r ? formatRatio(r.speedupMin) : '—';
    });
    lines.push(`| ${c.optimizer} | ${cells.join(' | ')} |`);
  }
  lines.push('');
  lines.push('## ns per element (one thread / split)', '');
  lines.push(`| optimizer | ${sizes.map(label).join(' | ')} |`);
  lines.push(`| --- | ${sizes.map(() => '---:').join(' | ')} |`);
  for (const c of sweep.cutovers) {
    const cells = sizes.map((n) => {
      const r = sweep.rows.find((x) => x.optimizer === c.optimizer && x.n === n);
      return r ? `${formatNs(r.oneThread)} / ${formatNs(r.split)}` : '—';
    });
    lines.push(`| ${c.optimizer} | ${cells.join(' | ')} |`);
  }
  lines.push('');
  for (const note of notes) lines.push(`- ${note}`);
  return `${lines.join('\n')}\n`;
}
