// Runs examples/demo.mjs as a user would, against the built package in dist/ (this test builds
// nothing: CI builds before it tests).
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const demo = path.join(root, 'examples', 'demo.mjs');
const builtEntry = path.join(root, 'dist', 'esm', 'index.mjs');

const OPTIMIZERS = [
  'SGD', 'Momentum', 'Nesterov', 'Adagrad', 'Adadelta', 'RMSprop', 'Adam', 'AdamW', 'AdaMax', 'Nadam', 'AMSGrad',
];
const QUICK_STEPS = 2000;

interface DemoRun {
  optimizer: string;
  lr: number;
  reachedAt: number | null;
  diverged: boolean;
  finalLoss: number | null;
  final: [number | null, number | null];
  stepsRun: number;
  path: [number, number | null, number | null][];
}
interface DemoFunction { name: string; start: [number, number]; startLoss: number; runs: DemoRun[] }
interface PanelRun {
  optimizer: string;
  lr: number;
  diverged: boolean;
  nearAt?: number | null;
  pathLength?: number;
  escapedAt?: number | null;
  final: [number | null, number | null];
}
interface Panel { id: string; steps: number; straightLine?: number; runs: PanelRun[] }
interface DemoFigures { panels: Panel[]; files: { name: string; svg: string; png: string | null }[] }
interface SpamRow {
  optimizer: string;
  lr: number;
  epochs: number;
  seconds: number;
  testAccuracy: number;
  testLoss: number;
  testLossPerEpoch: number[];
}
interface SpamSection { testSize: number; epochs: number; rows: SpamRow[]; files: { markdown: string; svg: string; png: string | null } }
interface DemoResults { steps: number; lrGrid: number[]; functions: DemoFunction[]; figures: DemoFigures; spamFilter: SpamSection }

const FIGURES = [
  'figure-4a-beale', 'figure-4a-beale-adam', 'figure-4a-beale-loss',
  'figure-4b-saddle', 'figure-4b-saddle-adam', 'figure-4b-saddle-escape', 'rosenbrock-paths', 'rosenbrock-paths-adam', 'rosenbrock-loss',
];
/** The contour plots, each drawn twice: the paper's six optimizers, then the Adam family. */
const PAPER_SIX = ['SGD', 'Momentum', 'Nesterov', 'Adagrad', 'Adadelta', 'RMSprop'];
const ADAM_FAMILY = ['Adam', 'AdamW', 'AdaMax', 'Nadam', 'AMSGrad'];
const SPLIT_PANELS = new Set([
  'figure-4a-beale', 'figure-4a-beale-adam', 'figure-4b-saddle', 'figure-4b-saddle-adam', 'rosenbrock-paths', 'rosenbrock-paths-adam',
]);
/** The spam filter's optimizers (those with a searched rate: AMSGrad has none), and its epochs under --quick. */
const SPAM_OPTIMIZERS = ['SGD', 'Momentum', 'Nesterov', 'Adagrad', 'Adadelta', 'RMSprop', 'Adam', 'AdamW', 'AdaMax', 'Nadam'];
const QUICK_SPAM_EPOCHS = 2;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Whether @resvg/resvg-js loads here: then the demo must write PNGs too. */
function resvgLoads(): boolean {
  try {
    createRequire(__filename)('@resvg/resvg-js');
    return true;
  } catch {
    return false;
  }
}

/** --quick needs ~10 s of CPU (a third of it reading the spam corpus); a busy machine stretches the wall clock. */
const QUICK_DEMO_TIMEOUT_MS = 110_000;

function runDemo(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [demo, ...args], { cwd: root, encoding: 'utf8', timeout: QUICK_DEMO_TIMEOUT_MS });
}

describe('examples/demo.mjs --quick', () => {
  let outDir = '';
  let result: SpawnSyncReturns<string>;
  let results: DemoResults;
  const fn = (name: string): DemoFunction => {
    const found = results.functions.find((f) => f.name === name);
    if (!found) throw new Error(`no ${name} in demo.json`);
    return found;
  };
  const run = (fnName: string, optimizer: string): DemoRun => {
    const found = fn(fnName).runs.find((r) => r.optimizer === optimizer);
    if (!found) throw new Error(`no ${optimizer} run on ${fnName} in demo.json`);
    return found;
  };

  beforeAll(() => {
    if (!fs.existsSync(builtEntry)) {
      throw new Error(`${path.relative(root, builtEntry)} is missing: the demo runs the built package; run \`npm run build\` before the tests.`);
    }
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-demo-'));
    result = runDemo(['--quick', '--out', outDir]);
    const jsonFile = path.join(outDir, 'demo.json');
    if (result.status !== 0 || !fs.existsSync(jsonFile)) {
      throw new Error(`demo exited with ${result.status}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
    }
    results = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as DemoResults;
  }, QUICK_DEMO_TIMEOUT_MS + 10_000);

  afterAll(() => {
    if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('exits with code 0 and says where it wrote the JSON and Markdown results', () => {
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(path.join(outDir, 'demo.json'));
    expect(result.stdout).toContain(path.join(outDir, 'demo.md'));
    expect(fs.readFileSync(path.join(outDir, 'demo.md'), 'utf8')).toContain('| Adam |');
  });

  /** The printed tables (blank-line separated blocks with a rule line) whose heading starts with `prefix`. */
  const printedTables = (prefix: RegExp): string[] =>
    result.stdout.split(/\n\s*\n/).filter((block) => prefix.test(block) && /\n-{3,}/.test(block));
  const rowNames = (table: string): string[] =>
    table.split('\n').slice(3).map((line) => line.split(/\s+/)[0]!).filter((w) => OPTIMIZERS.includes(w));

  it('prints a table for each function with one row per optimizer', () => {
    const tables = printedTables(/^(Rosenbrock|Beale):/);
    expect(tables.map((t) => t.split(':')[0])).toEqual(['Rosenbrock', 'Beale']);
    for (const table of tables) expect(rowNames(table)).toEqual(OPTIMIZERS);
  });

  it('prints a table for each panel of Figure 4 with one row per optimizer', () => {
    const tables = printedTables(/^Figure 4[ab]:/);
    expect(tables.map((t) => t.slice(0, 9))).toEqual(['Figure 4a', 'Figure 4b']);
    for (const table of tables) expect(rowNames(table)).toEqual(OPTIMIZERS);
  });

  it('writes every figure as SVG, and as PNG when @resvg/resvg-js loads, and prints where', () => {
    const withPng = resvgLoads();
    for (const name of FIGURES) {
      const svgFile = path.join(outDir, `${name}.svg`);
      expect(fs.readFileSync(svgFile, 'utf8'), name).toMatch(/^<\?xml[^>]*>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[\s\S]*<\/svg>\n$/);
      expect(result.stdout).toContain(svgFile);
      const pngFile = path.join(outDir, `${name}.png`);
      expect(fs.existsSync(pngFile), pngFile).toBe(withPng);
      if (withPng) {
        expect(fs.readFileSync(pngFile).subarray(0, 8).equals(PNG_SIGNATURE), pngFile).toBe(true);
        expect(result.stdout).toContain(pngFile);
      }
    }
    expect(results.figures.files.map((f) => f.name)).toEqual(FIGURES);
  });

  /** Optimizer names in the legend, and of the drawn series, of one SVG figure. */
  const namesIn = (name: string): { legend: string[]; series: string[] } => {
    const svg = fs.readFileSync(path.join(outDir, `${name}.svg`), 'utf8');
    const legendText = svg.slice(svg.indexOf('<g class="legend">'));
    const legend = [...legendText.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!.split(' ')[0]!).filter((n) => OPTIMIZERS.includes(n));
    const series = [...svg.matchAll(/<path class="series" data-name="([^"]*)"/g)].map((m) => m[1]!.split(' ')[0]!);
    return { legend, series };
  };

  it('names every optimizer in the legend of every line chart, with one drawn series each', () => {
    for (const name of FIGURES.filter((n) => !SPLIT_PANELS.has(n))) {
      const { legend, series } = namesIn(name);
      expect(legend, name).toEqual(OPTIMIZERS);
      expect(series, name).toEqual(OPTIMIZERS);
    }
  });

  it("draws each contour plot twice, with the paper's six optimizers and with the Adam family, legend matching the lines", () => {
    for (const [name, expected] of [
      ['figure-4a-beale', PAPER_SIX], ['figure-4b-saddle', PAPER_SIX], ['rosenbrock-paths', PAPER_SIX],
      ['figure-4a-beale-adam', ADAM_FAMILY], ['figure-4b-saddle-adam', ADAM_FAMILY], ['rosenbrock-paths-adam', ADAM_FAMILY],
    ] as const) {
      const { legend, series } = namesIn(name);
      expect([...legend].sort(), name).toEqual([...expected].sort());
      expect(series, name).toEqual(legend);
    }
    // SGD's path on the saddle lies on the ridge under the start of Momentum's and Nesterov's: drawn last, it stays visible.
    expect(namesIn('figure-4b-saddle').series.at(-1)).toBe('SGD');
  });

  it('gives an optimizer the same colour in every figure, the spam filter\'s chart included', () => {
    const colours = new Map<string, string>();
    for (const name of [...FIGURES, 'spam-filter-test-loss']) {
      const svg = fs.readFileSync(path.join(outDir, `${name}.svg`), 'utf8');
      for (const m of svg.matchAll(/<path class="series" data-name="(\w+)[^"]*"[^>]*stroke="([^"]+)"/g)) {
        const [, optimizer, colour] = m;
        expect(colours.get(optimizer!) ?? colour, `${optimizer} in ${name}`).toBe(colour);
        colours.set(optimizer!, colour!);
      }
    }
    expect(colours.size).toBe(OPTIMIZERS.length);
  });

  it('links the figures from the Markdown results', () => {
    const md = fs.readFileSync(path.join(outDir, 'demo.md'), 'utf8');
    const ext = resvgLoads() ? 'png' : 'svg';
    for (const name of FIGURES) expect(md).toContain(`](${name}.${ext})`);
  });

  it('redraws Figure 4a: momentum overshoots (NAG less so), adaptive methods take a near-straight path', () => {
    const panel = results.figures.panels.find((p) => p.id === 'figure-4a-beale')!;
    const r = (name: string): PanelRun => panel.runs.find((run) => run.optimizer === name)!;
    const straight = panel.straightLine!;
    for (const name of ['Adagrad', 'RMSprop', 'Nadam']) {
      expect(r(name).pathLength!, name).toBeLessThan(1.1 * straight);
      expect(r(name).nearAt, name).not.toBeNull();
    }
    expect(r('Momentum').pathLength!).toBeGreaterThan(3 * straight);
    expect(r('Nesterov').pathLength!).toBeGreaterThan(1.5 * straight);
    expect(r('Nesterov').pathLength!).toBeLessThan(r('Momentum').pathLength!);
    expect(r('SGD').nearAt).toBeNull();
  });

  it('redraws Figure 4b: SGD stays on the saddle, momentum escapes late, Adagrad, RMSprop and Adadelta early', () => {
    const panel = results.figures.panels.find((p) => p.id === 'figure-4b-saddle')!;
    const r = (name: string): PanelRun => panel.runs.find((run) => run.optimizer === name)!;
    expect(r('SGD').escapedAt).toBeNull();
    const momentumEscape = Math.min(r('Momentum').escapedAt!, r('Nesterov').escapedAt!);
    expect(momentumEscape).toBeLessThan(panel.steps);
    for (const name of ['Adagrad', 'RMSprop', 'Adadelta']) {
      expect(r(name).escapedAt, name).not.toBeNull();
      expect(r(name).escapedAt!, name).toBeLessThan(momentumEscape / 3);
    }
  });

  it('reports progress on stderr, not in the tables', () => {
    expect(result.stderr).toContain('Rosenbrock: SGD (1/11)');
    expect(result.stderr).toContain('Figure 4b (Saddle): SGD (1/11)');
    expect(result.stderr).toContain('spam filter: hashing 6046 mails');
    expect(result.stderr).toContain('spam filter: SGD (1/10), lr 100, epoch 1/2');
    expect(result.stdout).not.toMatch(/\((1\/11|1\/10)\)/);
  });

  it('draws AMSGrad dashed on top of Adam in the Adam-family plots, and Adam solid', () => {
    for (const name of ['figure-4a-beale-adam', 'figure-4b-saddle-adam', 'rosenbrock-paths-adam']) {
      const svg = fs.readFileSync(path.join(outDir, `${name}.svg`), 'utf8');
      const tags = [...svg.matchAll(/<path class="series" data-name="(\w+)[^>]*>/g)];
      expect(tags.at(-1)![1], name).toBe('AMSGrad');
      expect(tags.at(-1)![0], name).toContain('stroke-dasharray=');
      expect(tags.find((t) => t[1] === 'Adam')![0], name).not.toContain('stroke-dasharray');
    }
  });

  /** The printed spam-filter table: its rows' cells (split at runs of 2+ spaces). */
  const spamRows = (): string[][] => {
    const [table] = printedTables(/^Spam filter:/);
    expect(table, 'a table headed "Spam filter:" on stdout').toBeDefined();
    const lines = table!.split('\n');
    expect(lines[1]).toMatch(/^optimizer\s+lr\s+epochs\s+test accuracy\s+test log-loss\s+time s$/);
    return lines.slice(3).map((l) => l.trim().split(/\s{2,}/));
  };

  it('prints the spam-filter table: every optimizer trained at its searched rate to at least 0.95 test accuracy', () => {
    const rows = spamRows();
    expect(rows.map((r) => r[0])).toEqual(SPAM_OPTIMIZERS);
    for (const [name, lr, epochs, accuracy, loss, seconds] of rows) {
      expect(Number(lr), name).toBeGreaterThan(0);
      expect(Number(epochs), name).toBe(QUICK_SPAM_EPOCHS);
      expect(Number(accuracy), name).toBeGreaterThanOrEqual(0.95);
      expect(Number(loss), name).toBeGreaterThan(0);
      expect(Number(loss), name).toBeLessThan(0.15); // the all-zero start scores ln 2 ≈ 0.69
      expect(Number(seconds), name).toBeGreaterThan(0);
    }
  });

  it('writes the spam-filter rows to the JSON as printed, with the test loss of every epoch falling from ln 2', () => {
    const { rows, epochs } = results.spamFilter;
    expect(epochs).toBe(QUICK_SPAM_EPOCHS);
    const printed = spamRows();
    rows.forEach((r, k) => {
      expect(r.optimizer).toBe(printed[k]![0]);
      expect(r.testAccuracy).toBeCloseTo(Number(printed[k]![3]), 4);
      expect(r.testLossPerEpoch).toHaveLength(QUICK_SPAM_EPOCHS + 1);
      expect(r.testLossPerEpoch[0]).toBeCloseTo(Math.LN2, 4);
      expect(r.testLossPerEpoch.at(-1)).toBeCloseTo(r.testLoss, 5);
      expect(r.testLoss, r.optimizer).toBeLessThan(r.testLossPerEpoch[0]! / 5);
    });
  });

  it('writes the spam-filter table as Markdown and its test-loss chart as SVG, one series per optimizer, and prints where', () => {
    const { files } = results.spamFilter;
    expect(files.markdown).toBe(path.join(outDir, 'spam-filter.md'));
    expect(files.svg).toBe(path.join(outDir, 'spam-filter-test-loss.svg'));
    for (const f of [files.markdown, files.svg, ...(files.png ? [files.png] : [])]) expect(result.stdout).toContain(f);
    expect(fs.existsSync(path.join(outDir, 'spam-filter-test-loss.png'))).toBe(resvgLoads());
    const md = fs.readFileSync(files.markdown, 'utf8');
    expect(md).toMatch(/^\| optimizer \| lr \| epochs \| test accuracy \| test log-loss \| time s \|$/m);
    for (const name of SPAM_OPTIMIZERS) expect(md).toMatch(new RegExp(`^\\| ${name} \\| `, 'm'));
    expect(md).toContain(`](spam-filter-test-loss.${resvgLoads() ? 'png' : 'svg'})`);
    expect(fs.readFileSync(path.join(outDir, 'demo.md'), 'utf8')).toContain(md);
    const svg = fs.readFileSync(files.svg, 'utf8');
    expect([...svg.matchAll(/<path class="series" data-name="(\w+)/g)].map((m) => m[1])).toEqual(SPAM_OPTIMIZERS);
  });

  it('runs the quick budget and picks every learning rate from the grid it reports', () => {
    expect(results.steps).toBe(QUICK_STEPS);
    for (const f of results.functions) {
      expect(f.runs.map((r) => r.optimizer)).toEqual(OPTIMIZERS);
      for (const r of f.runs) expect(results.lrGrid).toContain(r.lr);
    }
  });

  it('ends every optimizer below its starting loss on both functions', () => {
    for (const f of results.functions) {
      for (const r of f.runs) {
        expect(r.diverged, `${r.optimizer} on ${f.name}`).toBe(false);
        expect(r.finalLoss, `${r.optimizer} on ${f.name}`).not.toBeNull();
        expect(r.finalLoss!, `${r.optimizer} on ${f.name}`).toBeLessThan(f.startLoss);
      }
    }
  });

  it('gets Adam to the minimum of both functions within the quick budget', () => {
    for (const name of ['Rosenbrock', 'Beale']) {
      const adam = run(name, 'Adam');
      expect(adam.reachedAt, `Adam on ${name}`).not.toBeNull();
      expect(adam.finalLoss!, `Adam on ${name}`).toBeLessThan(1e-2);
    }
  });

  it('gets momentum through the Rosenbrock valley within the quick budget, where plain SGD is still on its way', () => {
    expect(run('Rosenbrock', 'Momentum').reachedAt).not.toBeNull();
    expect(run('Rosenbrock', 'Nesterov').reachedAt).not.toBeNull();
    const sgd = run('Rosenbrock', 'SGD');
    expect(sgd.reachedAt).toBeNull();
    expect(sgd.finalLoss!).toBeLessThan(fn('Rosenbrock').startLoss);
  });

  it('keeps each run\'s path from the start point to the last step, in step order', () => {
    for (const f of results.functions) {
      for (const r of f.runs) {
        const steps = r.path.map(([t]) => t);
        expect(r.path[0]).toEqual([0, f.start[0], f.start[1]]);
        expect(steps[steps.length - 1]).toBe(r.stepsRun);
        expect(steps.every((t, i) => i === 0 || t > steps[i - 1])).toBe(true);
        expect(r.path[r.path.length - 1].slice(1)).toEqual(r.final.map((v) => (v === null ? null : Number(v.toPrecision(7)))));
      }
    }
  });
});

describe('examples/demo.mjs arguments', () => {
  it('rejects an unknown argument with exit code 2 and the usage', () => {
    const r = runDemo(['--fast']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown argument --fast');
    expect(r.stderr).toContain('usage:');
  });

  it('rejects a step budget that is not a positive integer', () => {
    const r = runDemo(['--steps', '0']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--steps needs a positive integer');
  });
});

// ---- the small examples: each runs with --quick as a user would, and its printed results are checked ----

/** Runs examples/<name> with the given arguments; throws with its output when it fails. */
function runExample(name: string, args: string[] = []): { stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(root, 'examples', name), ...args], { cwd: root, encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`${name} exited with ${r.status}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

/**
 * The rows of the printed table whose header line starts with `firstTitle`: each row's cells (split
 * at runs of 2+ spaces), up to the first blank line.
 */
function printedRows(stdout: string, firstTitle: string): string[][] {
  const lines = stdout.split('\n');
  const at = lines.findIndex((l) => l.startsWith(firstTitle) && /^-+(\s+-+)*$/.test(lines[lines.indexOf(l) + 1] ?? ''));
  if (at < 0) throw new Error(`no table headed "${firstTitle}" in:\n${stdout}`);
  const rows: string[][] = [];
  for (const line of lines.slice(at + 2)) {
    if (line.trim() === '') break;
    rows.push(line.trim().split(/\s{2,}/));
  }
  return rows;
}

const rowOf = (rows: string[][], ...first: string[]): string[] => {
  const row = rows.find((r) => first.every((f, i) => r[i] === f));
  if (!row) throw new Error(`no row ${first.join(' ')} in ${JSON.stringify(rows)}`);
  return row;
};

describe('examples/quick-start.mjs', () => {
  it('holds the README quick start verbatim', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const block = /## Quick start\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block, 'the README has a ```ts block under ## Quick start').toBeDefined();
    expect(block!.split('\n').filter((l) => l.trim() !== '').length).toBeLessThanOrEqual(10);
    expect(fs.readFileSync(path.join(root, 'examples', 'quick-start.mjs'), 'utf8')).toContain(block);
  });

  it('runs 100 Adam steps that cut the loss of the million-parameter fit to under a tenth, with progress on stderr', () => {
    const { stdout, stderr } = runExample('quick-start.mjs');
    expect(stdout).toContain("isa: '");
    expect(stderr).toContain('step 25/100');
    const [n, steps, start, final, ratio] = printedRows(stdout, 'parameters')[0]!.map(Number);
    expect([n, steps]).toEqual([1_000_000, 100]);
    expect(final!).toBeLessThan(start!);
    expect(ratio!).toBeLessThan(0.1);
  });
});

describe('examples/linear-regression.mjs --quick', () => {
  let outDir = '';
  let stdout = '';
  beforeAll(() => {
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-linreg-'));
    ({ stdout } = runExample('linear-regression.mjs', ['--quick', '--out', outDir]));
  });
  afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

  it('prints one row per optimizer, each near the noise floor on the validation split', () => {
    const rows = printedRows(stdout, 'optimizer');
    expect(rows.map((r) => r[0])).toEqual(['SGD', 'Momentum', 'Adam']);
    for (const r of rows) expect(Number(r[4]), `${r[0]} val loss`).toBeLessThan(0.05);
  });

  it("shows Adam recovering the weights of the badly scaled features better than plain SGD", () => {
    const rows = printedRows(stdout, 'optimizer');
    expect(Number(rowOf(rows, 'Adam')[6])).toBeLessThan(Number(rowOf(rows, 'SGD')[6]));
  });

  it('writes the loss chart as SVG with one series per optimizer, and says where', () => {
    const file = path.join(outDir, 'linear-regression-loss.svg');
    expect(stdout).toContain(file);
    const svg = fs.readFileSync(file, 'utf8');
    expect([...svg.matchAll(/<path class="series" data-name="(\w+)/g)].map((m) => m[1])).toEqual(['SGD', 'Momentum', 'Adam']);
  });
});

describe('examples/matrix-factorisation-hogwild.mjs --quick', () => {
  it('prints the held-out RMSE per epoch for one thread and all cores, falling towards the noise floor in both', () => {
    const { stdout, stderr } = runExample('matrix-factorisation-hogwild.mjs', ['--quick']);
    expect(stderr).toContain('1 thread: epoch 1/6');
    const rows = printedRows(stdout, 'epoch');
    expect(rows.map((r) => r[0])).toEqual(['1', '2', '3', '4', '5', '6']);
    const runs = (rows[0]!.length - 1) / 3;   // held-out, train, updates/s per run
    expect(runs).toBe(os.availableParallelism() > 1 ? 2 : 1);
    for (let k = 0; k < runs; k++) {
      const heldOut = rows.map((r) => Number(r[1 + k]));
      expect(heldOut[5]!).toBeLessThan(heldOut[0]!);
      expect(heldOut[5]!).toBeLessThan(0.8);
      expect(heldOut[5]!).toBeGreaterThan(0.5);   // the noise floor
    }
    if (runs === 2) expect(Math.abs(Number(rows[5]![1]) - Number(rows[5]![2]))).toBeLessThan(0.03);
  });
});

describe('examples/schedules-early-stopping.mjs --quick', () => {
  it('cuts the rate on a plateau, stops early and restores the best epoch, which beats training to the end', () => {
    const { stdout } = runExample('schedules-early-stopping.mjs', ['--quick']);
    const epochs = printedRows(stdout, 'epoch');
    expect(epochs.length).toBeLessThan(40);
    expect(epochs.some((r) => r[5]?.includes('lr cut'))).toBe(true);
    expect(epochs.at(-1)![5]).toContain('stop');
    const best = epochs.find((r) => r[5]?.includes('best (restored)'))!;
    const valLosses = epochs.map((r) => Number(r[3]));
    expect(Number(best[3])).toBe(Math.min(...valLosses));
    const runs = printedRows(stdout, 'run');
    const early = rowOf(runs, 'early stopping, best restored'), full = rowOf(runs, 'no early stopping');
    expect(early[2]).toBe(best[0]);
    expect(Number(early[3])).toBe(Number(best[3]));
    expect(Number(early[3])).toBeLessThan(Number(full[3]));
  });
});

describe('examples/custom-gradient.mjs --quick', () => {
  let stdout = '';
  beforeAll(() => ({ stdout } = runExample('custom-gradient.mjs', ['--quick'])));

  it('checks the hand-written gradient against finite differences', () => {
    const err = Number(/largest relative error (\S+)/.exec(stdout)?.[1]);
    expect(err).toBeLessThan(1e-3);
  });

  it('fits the Huber model with SGD, Momentum and Adam close to the true weights, where the squared loss is dragged off', () => {
    const rows = printedRows(stdout, 'optimizer');
    expect(rows.map((r) => `${r[0]} ${r[1]}`)).toEqual(['SGD Huber (JS)', 'Momentum Huber (JS)', 'Adam Huber (JS)', 'Adam squared (built-in)']);
    const huberErrors = rows.slice(0, 3).map((r) => Number(r[5]));
    for (const e of huberErrors) expect(e).toBeLessThan(0.05);
    expect(Number(rows[3]![5])).toBeGreaterThan(3 * Math.max(...huberErrors));
  });

  it('trains the same model with hogwildWorkers(), one table row per epoch', () => {
    const rows = printedRows(stdout, 'epoch');
    expect(rows.map((r) => r[0])).toEqual(['1', '2', '3', '4', '5', '6']);
    const error = Number(/^final [^\n]*? (\S+), bias/m.exec(stdout)?.[1]);
    expect(error).toBeLessThan(0.2);
  });
});
