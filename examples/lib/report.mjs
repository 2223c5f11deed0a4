// The demo's tables: plain text for the terminal, Markdown and JSON for the results directory.

import { NEAR_DISTANCE } from './figures.mjs';
import { REACHED_DISTANCE, REACHED_LOSS } from './trajectory.mjs';

const DASH = '—';

const fmtLr = (lr) => String(lr);
const fmtLoss = (r) => (r.diverged ? 'diverged' : r.finalLoss === 0 ? '0' : r.finalLoss.toExponential(2));
const fmtPoint = (r) => (r.diverged ? DASH : `(${r.final[0].toFixed(4)}, ${r.final[1].toFixed(4)})`);
const fmtReached = (r) => (r.reachedAt === null ? DASH : String(r.reachedAt));
const fmtMs = (r) => r.wallMs.toFixed(1);

const fmtSteps = (v) => (v === null ? DASH : String(v));
const fmtNum = (v) => (v === 0 ? '0' : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toFixed(4) : v.toExponential(2));

const COLUMNS = [
  { title: 'optimizer', cell: (r) => r.optimizer, right: false },
  { title: 'lr', cell: (r) => fmtLr(r.lr), right: true },
  { title: 'steps to min', cell: fmtReached, right: true },
  { title: 'final loss', cell: fmtLoss, right: true },
  { title: 'final (x, y)', cell: fmtPoint, right: false },
  { title: 'wall ms', cell: fmtMs, right: true },
];

/** The sentence under every table: what the columns mean. */
export function legend(steps) {
  return (
    `steps to min: the step from which f < ${REACHED_LOSS} or distance to the minimizer < ${REACHED_DISTANCE} ` +
    `holds to the end (${DASH}: not within ${steps} steps). final loss, final (x, y): after all ${steps} steps ` +
    `(or where the run diverged). lr: best of the grid search (fewest steps to min, else lowest final loss). ` +
    `wall ms: the whole run, gradient evaluations included.`
  );
}

function heading(fn) {
  return `${fn.name}: ${fn.formula}, start (${fn.start.join(', ')}), minimum (${fn.minimizer.join(', ')}), f = 0`;
}

/** Columns as aligned plain-text lines: header, rule, one line per row. */
function alignedLines(columns, rows) {
  const cells = rows.map((r) => columns.map((c) => c.cell(r)));
  const widths = columns.map((c, i) => Math.max(c.title.length, ...cells.map((row) => row[i].length)));
  const line = (row) =>
    row.map((v, i) => (columns[i].right ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(columns.map((c) => c.title)), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
}

function markdownLines(columns, rows) {
  const esc = (s) => s.replace(/\|/g, '\\|');
  return [
    `| ${columns.map((c) => esc(c.title)).join(' | ')} |`,
    `|${columns.map((c) => (c.right ? '---:' : ':---')).join('|')}|`,
    ...rows.map((r) => `| ${columns.map((c) => esc(c.cell(r))).join(' | ')} |`),
  ];
}

/** @param {{ fn: object, rows: object[] }} table */
export function textTable({ fn, rows }) {
  return [heading(fn), ...alignedLines(COLUMNS, rows)].join('\n');
}

export function markdownTable({ fn, rows }) {
  const esc = (s) => s.replace(/\|/g, '\\|');
  return [`### ${esc(heading(fn))}`, '', ...markdownLines(COLUMNS, rows)].join('\n');
}

/** The grid search, one line per optimizer: each lr and how its run went (steps to min, else final loss). */
export function markdownGrid({ fn, rows }) {
  const grid = rows[0].grid.map((g) => g.lr);
  const out = [
    `#### ${fn.name}: learning-rate grid`,
    '',
    'Each cell: steps to min; else `>N` when the run was still away from the minimum at step N, ' +
      'later than the best run, and was stopped; else the final loss; `div` = diverged. **Bold**: chosen.',
    '',
  ];
  out.push(`| optimizer | ${grid.map(fmtLr).join(' | ')} |`);
  out.push(`|:---|${grid.map(() => '---:').join('|')}|`);
  for (const r of rows) {
    const cells = r.grid.map((g) => {
      const v = g.diverged
        ? 'div'
        : g.reachedAt !== null
          ? String(g.reachedAt)
          : g.abandonedAt !== null
            ? `>${g.abandonedAt}`
            : g.finalLoss.toExponential(0);
      return g.lr === r.lr ? `**${v}**` : v;
    });
    out.push(`| ${r.optimizer} | ${cells.join(' | ')} |`);
  }
  return out.join('\n');
}

/** The JSON document: settings, then per function every optimizer's run with its path and its grid. */
export function resultsJson({ tables, steps, grid, nativeInfo, totalMs }) {
  return {
    generatedBy: 'examples/demo.mjs',
    date: new Date().toISOString(),
    steps,
    reached: { loss: REACHED_LOSS, distance: REACHED_DISTANCE },
    lrGrid: grid,
    native: { isa: nativeInfo.isa, threads: nativeInfo.threads, version: nativeInfo.version },
    totalMs,
    functions: tables.map(({ fn, rows }) => ({
      name: fn.name,
      formula: fn.formula,
      start: fn.start,
      minimizer: fn.minimizer,
      bounds: fn.bounds,
      startLoss: fn.value(fn.start[0], fn.start[1]),
      runs: rows.map((r) => ({
        optimizer: r.optimizer,
        notes: r.notes,
        lr: r.lr,
        reachedAt: r.reachedAt,
        firstReachedAt: r.firstReachedAt,
        diverged: r.diverged,
        // JSON has no Infinity: a diverged run's loss is null.
        finalLoss: Number.isFinite(r.finalLoss) ? r.finalLoss : null,
        final: r.final.map((v) => (Number.isFinite(v) ? v : null)),
        stepsRun: r.stepsRun,
        wallMs: r.wallMs,
        grid: r.grid.map((g) => ({ ...g, finalLoss: Number.isFinite(g.finalLoss) ? g.finalLoss : null })),
        // [step, x, y]: every step up to 64, then logarithmically sparser, always the last step.
        path: r.path.map(([t, x, y]) => [t, Number.isFinite(x) ? x : null, Number.isFinite(y) ? y : null]),
      })),
    })),
  };
}

export function markdownDocument({ tables, steps, nativeInfo, totalMs }) {
  const parts = [
    '# descent demo: optimizers on 2-D test functions',
    '',
    `Generated by \`node examples/demo.mjs\` with a budget of ${steps} steps per run, ` +
      `native kernels (${nativeInfo.isa}), in ${(totalMs / 1000).toFixed(1)} s. ` +
      'Every optimizer uses the package defaults (PyTorch\'s) except the learning rate, ' +
      'which is the best of the grid below for that function.',
    '',
  ];
  for (const t of tables) parts.push(markdownTable(t), '', markdownGrid(t), '');
  parts.push(legend(steps), '', 'Settings besides lr (the package defaults):', '');
  for (const r of tables[0].rows) parts.push(`- ${r.optimizer}: ${r.notes}`);
  parts.push('');
  return parts.join('\n');
}

// Figure 4 panels: one table each. Beale rows have reachedAt and pathLength, saddle rows escapedAt.
const FIGURE_COLUMNS = {
  beale: [
    { title: 'optimizer', cell: (r) => r.optimizer, right: false },
    { title: 'lr', cell: (r) => fmtLr(r.lr), right: true },
    { title: `within ${NEAR_DISTANCE} at`, cell: (r) => fmtSteps(r.nearAt), right: true },
    { title: 'steps to min', cell: (r) => fmtSteps(r.reachedAt), right: true },
    { title: 'path length', cell: (r) => (r.diverged ? DASH : r.pathLength.toFixed(2)), right: true },
    { title: 'final loss', cell: fmtLoss, right: true },
    { title: 'final (x, y)', cell: fmtPoint, right: false },
  ],
  saddle: [
    { title: 'optimizer', cell: (r) => r.optimizer, right: false },
    { title: 'lr', cell: (r) => fmtLr(r.lr), right: true },
    { title: 'escaped at', cell: (r) => fmtSteps(r.escapedAt), right: true },
    { title: 'final |y|', cell: (r) => (r.diverged ? DASH : fmtNum(Math.abs(r.final[1]))), right: true },
    { title: 'final x', cell: (r) => (r.diverged ? DASH : fmtNum(r.final[0])), right: true },
    { title: 'final f', cell: (r) => (r.diverged ? 'diverged' : fmtNum(r.finalLoss)), right: true },
  ],
};

const columnsFor = ({ figure }) => (figure.fn.minimizer ? FIGURE_COLUMNS.beale : FIGURE_COLUMNS.saddle);

function figureHeading({ figure, direct }) {
  const { panel, fn, start, steps } = figure;
  const where = `${panel}: ${fn.name}, ${fn.formula}, start (${start.join(', ')}), ${steps} steps, one lr per optimizer for both panels`;
  return fn.minimizer
    ? `${where}; minimum (${fn.minimizer.join(', ')}), straight line to it ${direct.toFixed(2)}`
    : `${where}; escaped at: first step with |y| >= ${figure.escapeY}`;
}

/** @param {{ figure: object, rows: object[], direct: number }} panel */
export function figureTextTable(panel) {
  return [figureHeading(panel), ...alignedLines(columnsFor(panel), panel.rows)].join('\n');
}

/** The sentence under the figure tables. */
export function figureLegend() {
  return (
    `within ${NEAR_DISTANCE} at: the first step that close to the minimizer. steps to min: as above. ` +
    `path length: the distance travelled (overshoots and detours add to it). ` +
    `escaped at: the saddle run's first step at |y| >= 1, i.e. off the ridge (${DASH}: still on it). ` +
    `final: after the panel's steps.`
  );
}

function figureMarkdown(panel, files) {
  const esc = (s) => s.replace(/\|/g, '\\|');
  const out = [`### ${esc(figureHeading(panel))}`, ''];
  for (const f of files.filter((file) => file.name.startsWith(panel.figure.id))) {
    out.push(`![${f.caption}](${(f.png ?? f.svg).split(/[\\/]/).pop()})`, '');
  }
  out.push(...markdownLines(columnsFor(panel), panel.rows));
  return out.join('\n');
}

/** JSON of one panel: settings and per optimizer the outcome (paths are in the SVG files). */
function figureJson({ figure, rows, direct }) {
  const finite = (v) => (Number.isFinite(v) ? v : null);
  return {
    id: figure.id,
    panel: figure.panel,
    function: figure.fn.name,
    formula: figure.fn.formula,
    start: figure.start,
    steps: figure.steps,
    window: figure.window,
    ...(figure.fn.minimizer ? { minimizer: figure.fn.minimizer, straightLine: direct } : { escapeY: figure.escapeY }),
    runs: rows.map((r) => ({
      optimizer: r.optimizer,
      lr: r.lr,
      diverged: r.diverged,
      stepsRun: r.stepsRun,
      ...(figure.fn.minimizer
        ? { nearAt: r.nearAt, reachedAt: r.reachedAt, pathLength: r.pathLength }
        : { escapedAt: r.escapedAt }),
      finalLoss: finite(r.finalLoss),
      final: r.final.map(finite),
    })),
  };
}

/** JSON of the figures: the Figure 4 panels and the files written. */
export function figuresJson({ panels, files }) {
  return {
    panels: panels.map(figureJson),
    files: files.map((f) => ({ name: f.name, caption: f.caption, svg: f.svg, png: f.png })),
  };
}

/** Markdown of the figures: the Figure 4 panels with their tables, then the other pictures. */
export function figuresMarkdown({ panels, files }) {
  const parts = ['## Figure 4 of the overview, redrawn from our runs', ''];
  for (const p of panels) parts.push(figureMarkdown(p, files), '');
  parts.push(figureLegend(), '', '## Rosenbrock', '');
  for (const f of files.filter((file) => file.name.startsWith('rosenbrock'))) {
    parts.push(`![${f.caption}](${(f.png ?? f.svg).split(/[\\/]/).pop()})`, '');
  }
  return parts.join('\n');
}
