// Runs examples/demo.mjs as a user would, against the built package in dist/ (this test builds
// nothing: CI builds before it tests).
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
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
interface DemoResults { steps: number; lrGrid: number[]; functions: DemoFunction[] }

function runDemo(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [demo, ...args], { cwd: root, encoding: 'utf8', timeout: 50_000 });
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
  });

  afterAll(() => {
    if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('exits with code 0 and says where it wrote the JSON and Markdown results', () => {
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(path.join(outDir, 'demo.json'));
    expect(result.stdout).toContain(path.join(outDir, 'demo.md'));
    expect(fs.readFileSync(path.join(outDir, 'demo.md'), 'utf8')).toContain('| Adam |');
  });

  it('prints a table for each function with one row per optimizer', () => {
    const tables = result.stdout.split(/\n(?=Rosenbrock:|Beale:)/).slice(1);
    expect(tables.map((t) => t.split(':')[0])).toEqual(['Rosenbrock', 'Beale']);
    for (const table of tables) {
      const rowNames = table.split('\n').slice(3).map((line) => line.split(/\s+/)[0]).filter((w) => OPTIMIZERS.includes(w));
      expect(rowNames).toEqual(OPTIMIZERS);
    }
  });

  it('reports progress on stderr, not in the tables', () => {
    expect(result.stderr).toContain('Rosenbrock: SGD (1/11)');
    expect(result.stdout).not.toContain('(1/11)');
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
