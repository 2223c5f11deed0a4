// Every optimizer of the package minimises the Rosenbrock and Beale functions from the same start.
// Each optimizer's learning rate is the best of a grid search the demo runs first, so no method is
// judged by a hand-picked number. Prints a table per function and writes JSON (with every path, for
// plots) and Markdown to the results directory.
//
// Then it redraws Figure 4 of Ruder's overview from its own runs (examples/lib/figures.mjs says how
// the start points and learning rates were chosen): (a) paths on the Beale function, (b) leaving a
// saddle point, each with its loss curves, and the Rosenbrock paths of the tuned runs. Pictures are
// SVG, plus PNG when @resvg/resvg-js loads.
//
// Last, the spam filter's table: every optimizer trains logistic regression on the SpamAssassin
// corpus (hashed bag of words) at the rate examples/spam-filter.mjs's search picked; a table of test
// accuracy, test log-loss and time, and a chart of test log-loss per epoch.
//
//   node examples/demo.mjs [--steps N] [--quick] [--out DIR]

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, USAGE } from './lib/args.mjs';
import { TEST_FUNCTIONS } from './lib/functions.mjs';
import { optimizerCatalogue } from './lib/optimizers.mjs';
import { createProgress } from './lib/progress.mjs';
import { FIGURE_4A, FIGURE_4B, runFigure } from './lib/figures.mjs';
import { loadPngRenderer, writeFigures } from './lib/images.mjs';
import { loadPackage, readCommandLine, shortPath } from './lib/package.mjs';
import { demoFigures, optimizerStyle } from './lib/plots.mjs';
import {
  figureLegend, figuresJson, figuresMarkdown, figureTextTable, legend, markdownDocument, resultsJson, textTable,
} from './lib/report.mjs';
import { runSpamSection } from './lib/spam/demo-section.mjs';
import { SPAM_CHART, SPAM_MARKDOWN, spamChart, spamJson, spamLegend, spamMarkdown, spamTextTable } from './lib/spam/summary.mjs';
import { traceRun } from './lib/trace.mjs';
import { LR_GRID, tuneLearningRate } from './lib/tune.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..');

async function main() {
  const { opts, exitCode } = readCommandLine(() => parseArgs(process.argv.slice(2), path.join(here, 'output')), USAGE);
  if (!opts) return exitCode;
  const descent = await loadPackage(root);
  const optimizers = optimizerCatalogue(descent);
  const info = descent.nativeInfo();
  const progress = createProgress(process.stderr);
  const started = performance.now();

  const tables = [];
  for (const fn of TEST_FUNCTIONS) {
    const rows = [];
    for (const [i, optimizer] of optimizers.entries()) {
      progress.update(`${fn.name}: ${optimizer.name} (${i + 1}/${optimizers.length}), ${LR_GRID.length} learning rates, ≤ ${opts.steps} steps each`);
      const { best, grid } = tuneLearningRate(fn, optimizer, opts.steps, LR_GRID);
      rows.push({ optimizer: optimizer.name, notes: optimizer.notes, grid, ...best });
    }
    tables.push({ fn, rows });
  }
  const rosenbrockTable = tables.find((t) => t.fn.name === 'Rosenbrock');
  const rosenbrockRows = rosenbrockTable.rows.map((r, i) => {
    progress.update(`Rosenbrock paths for the figure: ${r.optimizer} (${i + 1}/${optimizers.length}), lr ${r.lr}`);
    return { optimizer: r.optimizer, lr: r.lr, trace: traceRun(rosenbrockTable.fn, optimizers[i], r.lr, opts.steps) };
  });
  const panels = [FIGURE_4A, FIGURE_4B].map((figure) => runFigure(figure, optimizers, (m) => progress.update(m)));
  progress.update('drawing the figures');
  const viz = descent;
  const style = optimizerStyle(viz, optimizers.map((o) => o.name));
  const figures = demoFigures(viz, {
    fig4a: panels[0],
    fig4b: panels[1],
    rosenbrock: { fn: rosenbrockTable.fn, rows: rosenbrockRows, steps: opts.steps },
  }, style);
  const png = loadPngRenderer(opts.quick ? 1 : 2);
  const files = writeFigures(figures, opts.out, png);

  const spam = await runSpamSection(descent, { root, quick: opts.quick, progress, everyEpoch: Boolean(process.stderr.isTTY) });
  let spamFiles = null;
  if (!spam.skipped) {
    progress.update('spam filter: drawing the chart');
    const [chart] = writeFigures([{ name: SPAM_CHART, caption: 'Spam filter: test log-loss per epoch', svg: spamChart(viz, spam, style) }], opts.out, png);
    const markdown = path.join(opts.out, SPAM_MARKDOWN);
    fs.writeFileSync(markdown, spamMarkdown(spam, path.basename(chart.png ?? chart.svg)));
    spamFiles = { markdown, svg: chart.svg, png: chart.png };
  }
  const totalMs = performance.now() - started;
  progress.done(`done in ${(totalMs / 1000).toFixed(1)} s`);

  console.log(`descent ${info.version}, native kernels: ${info.isa}. Learning rates: best of [${LR_GRID.join(', ')}] per optimizer and function.\n`);
  for (const t of tables) console.log(`${textTable(t)}\n`);
  console.log(`${legend(opts.steps)}\n`);
  for (const p of panels) console.log(`${figureTextTable(p)}\n`);
  console.log(figureLegend());
  if (spam.skipped) console.log(`\nSpam filter table skipped: ${spam.skipped}.`);
  else console.log(`\n${spamTextTable(spam)}\n\n${spamLegend(spam)}`);

  const jsonFile = path.join(opts.out, 'demo.json');
  const mdFile = path.join(opts.out, 'demo.md');
  const doc = { tables, steps: opts.steps, grid: LR_GRID, nativeInfo: info, totalMs };
  const figureDoc = { panels, files };
  const spamDoc = spam.skipped ? { skipped: spam.skipped } : spamJson(spam, spamFiles);
  fs.writeFileSync(jsonFile, `${JSON.stringify({ ...resultsJson(doc), figures: figuresJson(figureDoc), spamFilter: spamDoc })}\n`);
  const spamSection = spam.skipped ? '' : `\n${spamMarkdown(spam, path.basename(spamFiles.png ?? spamFiles.svg))}`;
  fs.writeFileSync(mdFile, `${markdownDocument(doc)}\n${figuresMarkdown(figureDoc)}${spamSection}`);
  console.log(`\nwrote ${shortPath(jsonFile)} and ${shortPath(mdFile)}`);
  console.log(`figures (SVG${png.render ? ' and PNG' : ''}):`);
  for (const f of files) console.log(`  ${shortPath(f.svg)}${f.png ? `  ${shortPath(f.png)}` : ''}`);
  if (spamFiles) {
    console.log(`spam filter: table ${shortPath(spamFiles.markdown)}, chart ${shortPath(spamFiles.svg)}${spamFiles.png ? `  ${shortPath(spamFiles.png)}` : ''}`);
  }
  if (!png.render) console.log(`PNG skipped: @resvg/resvg-js did not load (${png.error}).`);
  return 0;
}

main().then(
  (code) => { process.exitCode = code; },
  (e) => { console.error(`demo failed: ${e.message}`); process.exitCode = 1; },
);
