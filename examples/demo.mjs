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
//   node examples/demo.mjs [--steps N] [--quick] [--out DIR]

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs, USAGE } from './lib/args.mjs';
import { TEST_FUNCTIONS } from './lib/functions.mjs';
import { optimizerCatalogue } from './lib/optimizers.mjs';
import { createProgress } from './lib/progress.mjs';
import { FIGURE_4A, FIGURE_4B, runFigure } from './lib/figures.mjs';
import { loadPngRenderer, writeFigures } from './lib/images.mjs';
import { demoFigures } from './lib/plots.mjs';
import {
  figureLegend, figuresJson, figuresMarkdown, figureTextTable, legend, markdownDocument, resultsJson, textTable,
} from './lib/report.mjs';
import { traceRun } from './lib/trace.mjs';
import { LR_GRID, tuneLearningRate } from './lib/tune.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..');

/** Relative to the working directory when under it, else absolute. */
function shortPath(file) {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : path.resolve(file);
}

async function loadPackage() {
  const entry = path.join(root, 'dist', 'esm', 'index.mjs');
  if (!fs.existsSync(entry)) {
    throw new Error(`${shortPath(entry)} is missing: build the package first (npm run build).`);
  }
  return import(pathToFileURL(entry).href);
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2), path.join(here, 'output'));
  } catch (e) {
    console.error(`${e.message}\n${USAGE}`);
    return 2;
  }
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  const descent = await loadPackage();
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
  const figures = demoFigures(viz, {
    fig4a: panels[0],
    fig4b: panels[1],
    rosenbrock: { fn: rosenbrockTable.fn, rows: rosenbrockRows, steps: opts.steps },
  });
  const png = loadPngRenderer(opts.quick ? 1 : 2);
  const files = writeFigures(figures, opts.out, png);
  const totalMs = performance.now() - started;
  progress.done(`done in ${(totalMs / 1000).toFixed(1)} s`);

  console.log(`descent ${info.version}, native kernels: ${info.isa}. Learning rates: best of [${LR_GRID.join(', ')}] per optimizer and function.\n`);
  for (const t of tables) console.log(`${textTable(t)}\n`);
  console.log(`${legend(opts.steps)}\n`);
  for (const p of panels) console.log(`${figureTextTable(p)}\n`);
  console.log(figureLegend());

  const jsonFile = path.join(opts.out, 'demo.json');
  const mdFile = path.join(opts.out, 'demo.md');
  const doc = { tables, steps: opts.steps, grid: LR_GRID, nativeInfo: info, totalMs };
  const figureDoc = { panels, files };
  fs.writeFileSync(jsonFile, `${JSON.stringify({ ...resultsJson(doc), figures: figuresJson(figureDoc) })}\n`);
  fs.writeFileSync(mdFile, `${markdownDocument(doc)}\n${figuresMarkdown(figureDoc)}`);
  console.log(`\nwrote ${shortPath(jsonFile)} and ${shortPath(mdFile)}`);
  console.log(`figures (SVG${png.render ? ' and PNG' : ''}):`);
  for (const f of files) console.log(`  ${shortPath(f.svg)}${f.png ? `  ${shortPath(f.png)}` : ''}`);
  if (!png.render) console.log(`PNG skipped: @resvg/resvg-js did not load (${png.error}).`);
  return 0;
}

main().then(
  (code) => { process.exitCode = code; },
  (e) => { console.error(`demo failed: ${e.message}`); process.exitCode = 1; },
);
