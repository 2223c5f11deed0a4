// Smoke test of the benchmark script: the quick mode runs end to end and writes readable results.
// It checks the shape of the output only; timings are never asserted.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCRIPT = join(ROOT, 'bench', 'optimizers.mjs');
const OPTIMIZERS = ['SGD', 'Momentum', 'Nesterov', 'Adagrad', 'Adadelta', 'RMSprop', 'Adam', 'AdamW', 'AdaMax', 'Nadam', 'AMSGrad'];

interface BenchRecord { optimizer: string; impl: string; n: number; nsPerElement: number }
interface BenchJson {
  machine: { cpuModel: string; node: string; native: { isa: string } };
  date: string;
  chart: { file: string; series: string[] } | null;
  results: BenchRecord[];
}

interface ManyJson {
  shape: { count: number; size: number };
  rows: Array<{ id: string; usPerStep: number }>;
  chart: { series: string[] };
}

interface ThreadsJson {
  threads: number;
  rows: Array<{ optimizer: string; n: number; oneThread: number; split: number; speedup: number }>;
  cutovers: Array<{ optimizer: string; fromN: number | null }>;
}

function runBench(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [SCRIPT, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
}

/** Checks that every tag closes in order: enough to tell a well-formed SVG from a broken one. */
function tagsBalance(xml: string): boolean {
  const stack: string[] = [];
  const body = xml.replace(/<\?[\s\S]*?\?>/g, '').replace(/<!--[\s\S]*?-->/g, '');
  for (const m of body.matchAll(/<(\/?)([A-Za-z][\w:.-]*)(?:\s[^<>]*?)?(\/?)>/g)) {
    const [, closing, name, selfClosing] = m;
    if (selfClosing) continue;
    if (!closing) stack.push(name!);
    else if (stack.pop() !== name) return false;
  }
  return stack.length === 0 && !/<(?![A-Za-z/!?])/.test(body);
}

describe('bench/optimizers.mjs --quick --no-peers', () => {
  let outDir: string;
  let run: SpawnSyncReturns<string>;

  beforeAll(() => {
    outDir = mkdtempSync(join(tmpdir(), 'descent-bench-smoke-'));
    run = runBench(['--quick', '--no-peers', '--out', outDir]);
  });

  afterAll(() => {
    rmSync(outDir, { recursive: true, force: true });
  });

  it('exits with status 0', () => {
    expect(run.error).toBeUndefined();
    expect(run.stderr).not.toMatch(/^bench: /m);
    expect(run.status).toBe(0);
  });

  it('prints a Markdown table with a row for every optimizer', () => {
    for (const name of OPTIMIZERS) expect(run.stdout).toMatch(new RegExp(`^\\| ${name} \\| `, 'm'));
  });

  it('writes the same table to latest.md, and prints it first', () => {
    expect(run.stdout.startsWith(readFileSync(join(outDir, 'latest.md'), 'utf8'))).toBe(true);
  });

  it('then compares many small tensors: a row per descent layout, in Markdown, JSON and a bar chart', () => {
    const md = readFileSync(join(outDir, 'many-tensors.md'), 'utf8');
    expect(run.stdout.endsWith(md)).toBe(true);
    for (const row of ['one tensor', 'ParamArena', 'separate arrays', 'one optimizer per tensor'])
      expect(md).toMatch(new RegExp(`^\\| descent: [^|]*${row}`, 'm'));
    expect(md).toMatch(/^Target: the arena within 2× of one \d+-element tensor: /m);
    const json = JSON.parse(readFileSync(join(outDir, 'many-tensors.json'), 'utf8')) as ManyJson;
    expect(json.shape.count * json.shape.size).toBeGreaterThan(0);
    expect(json.rows.map((r) => r.id)).toEqual(['one-tensor', 'arena', 'separate', 'per-tensor']);
    for (const r of json.rows) expect(r.usPerStep, r.id).toBeGreaterThan(0);
    const svg = readFileSync(join(outDir, 'many-tensors.svg'), 'utf8');
    expect(tagsBalance(svg)).toBe(true);
    const bars = [...svg.matchAll(/<rect data-series="([^"]*)"/g)].map((m) => m[1]);
    expect(bars).toEqual(json.chart.series);
  });

  it('writes JSON with machine information and a positive finite timing for every result', () => {
    const json = JSON.parse(readFileSync(join(outDir, 'latest.json'), 'utf8')) as BenchJson;
    expect(json.machine.node).toBe(process.version);
    expect(json.machine.cpuModel.length).toBeGreaterThan(0);
    expect(typeof json.machine.native.isa).toBe('string');
    expect(Number.isNaN(Date.parse(json.date))).toBe(false);
    expect(json.results.length).toBeGreaterThan(0);
    for (const r of json.results) {
      expect(Number.isFinite(r.nsPerElement), `${r.optimizer} ${r.impl} n=${r.n}`).toBe(true);
      expect(r.nsPerElement, `${r.optimizer} ${r.impl} n=${r.n}`).toBeGreaterThan(0);
    }
    for (const name of OPTIMIZERS) {
      for (const impl of ['native', 'js']) expect(json.results.some((r) => r.optimizer === name && r.impl === impl)).toBe(true);
    }
    expect(json.results.some((r) => r.optimizer === 'Adam' && r.impl === 'floor')).toBe(true);
  });

  it('writes a well-formed SVG chart with a line for every series it lists', () => {
    const json = JSON.parse(readFileSync(join(outDir, 'latest.json'), 'utf8')) as BenchJson;
    const svg = readFileSync(join(outDir, 'adam.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(tagsBalance(svg)).toBe(true);
    expect(json.chart).not.toBeNull();
    expect(json.chart!.series.length).toBeGreaterThanOrEqual(3);
    const lines = [...svg.matchAll(/<(?:polyline|path)\b[^>]*data-series="([^"]*)"/g)].map((m) => m[1]);
    expect(lines).toHaveLength(json.chart!.series.length);
    for (const name of json.chart!.series) expect(lines).toContain(name.replace(/&/g, '&amp;'));
  });

  it('leaves the committed results directory alone when --out is given', () => {
    expect(run.stderr).toContain(`results written to ${outDir}`);
  });
});

describe('bench/optimizers.mjs --threads-sweep', () => {
  it('measures one thread against all threads per optimizer and size and writes threads.md and threads.json', () => {
    const outDir = mkdtempSync(join(tmpdir(), 'descent-bench-threads-'));
    try {
      const r = runBench(['--threads-sweep', '--quick', '--only', 'sgd,adam', '--sizes', '2e3,4e3', '--out', outDir]);
      expect(r.status).toBe(0);
      const md = readFileSync(join(outDir, 'threads.md'), 'utf8');
      expect(r.stdout).toBe(md);
      for (const name of ['SGD', 'Adam']) expect(md).toMatch(new RegExp(`^\\| ${name} \\| \\d+ \\| `, 'm'));
      const json = JSON.parse(readFileSync(join(outDir, 'threads.json'), 'utf8')) as ThreadsJson;
      expect(json.rows).toHaveLength(4);
      for (const row of json.rows) {
        expect(row.oneThread).toBeGreaterThan(0);
        expect(row.split).toBeGreaterThan(0);
        expect(row.speedup).toBeCloseTo(row.oneThread / row.split, 10);
      }
      expect(json.cutovers.map((c) => c.optimizer)).toEqual(['SGD', 'Adam']);
      expect(existsSync(join(outDir, 'latest.json'))).toBe(false);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });
});

describe('bench/optimizers.mjs arguments', () => {
  it('rejects --many-tensors together with --threads-sweep', () => {
    const r = runBench(['--many-tensors', '--threads-sweep']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('exclude each other');
  });

  it('rejects an unknown flag with status 2 and the usage', () => {
    const r = runBench(['--bogus']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown argument --bogus');
    expect(r.stderr).toContain('usage:');
  });

  it('rejects an unknown optimizer name in --only before measuring anything', () => {
    const outDir = mkdtempSync(join(tmpdir(), 'descent-bench-args-'));
    try {
      const r = runBench(['--only', 'adam,lbfgs', '--quick', '--no-peers', '--out', outDir]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain("unknown optimizer 'lbfgs'");
      expect(existsSync(join(outDir, 'latest.json'))).toBe(false);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });

  it('runs only the optimizers and sizes asked for', () => {
    const outDir = mkdtempSync(join(tmpdir(), 'descent-bench-args-'));
    try {
      const r = runBench(['--only', 'sgd,ADAM', '--sizes', '2e3', '--quick', '--no-peers', '--out', outDir]);
      expect(r.status).toBe(0);
      const json = JSON.parse(readFileSync(join(outDir, 'latest.json'), 'utf8')) as BenchJson;
      expect([...new Set(json.results.map((x) => x.optimizer))].sort()).toEqual(['Adam', 'SGD']);
      expect([...new Set(json.results.map((x) => x.n))]).toEqual([2000]);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });
});
