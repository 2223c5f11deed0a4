// Smoke test of `npm run bench:async`: the quick mode runs end to end on a tiny RCV1-like set and
// writes a table, JSON and a chart with a line per method × replicas. Shapes only, never timings.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCRIPT = join(ROOT, 'bench', 'async.mjs');

interface AsyncRun { method: string; replicas: number; examplesPerSecond: number; examples: number; finalLoss: number; curve: { seconds: number; loss: number }[] }
interface AsyncJson { machine: { node: string }; runs: AsyncRun[]; chart: { file: string; series: string[] } }

describe('bench/async.mjs --quick', () => {
  let outDir: string;
  let run: SpawnSyncReturns<string>;

  beforeAll(() => {
    outDir = mkdtempSync(join(tmpdir(), 'descent-bench-async-'));
    run = spawnSync(process.execPath, [SCRIPT, '--quick', '--replicas', '1,2', '--out', outDir], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  });

  afterAll(() => {
    rmSync(outDir, { recursive: true, force: true });
  });

  it('exits with status 0 and reports progress on stderr', () => {
    expect(run.error).toBeUndefined();
    expect(run.stderr).not.toMatch(/^bench:async: /m);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/\[1\/\d+\] \d+:\d\d hogwild, 1 thread/);
    expect(run.stderr).toContain(`results written to ${outDir}`);
  });

  it('prints the Markdown table it writes to async.md, with Hogwild! and EASGD rows for 1 and 2 replicas', () => {
    expect(readFileSync(join(outDir, 'async.md'), 'utf8')).toBe(run.stdout);
    for (const method of ['Hogwild!', 'EASGD']) {
      for (const replicas of [1, 2]) expect(run.stdout).toMatch(new RegExp(`^\\| ${method}[^|]*\\| ${replicas} \\| `, 'm'));
    }
  });

  it('writes JSON with a positive throughput and a falling loss curve for every run', () => {
    const json = JSON.parse(readFileSync(join(outDir, 'async.json'), 'utf8')) as AsyncJson;
    expect(json.machine.node).toBe(process.version);
    const methods = new Set(json.runs.map((r) => r.method));
    expect(methods.has('hogwild') && methods.has('easgd')).toBe(true);
    for (const r of json.runs) {
      expect(r.examplesPerSecond, `${r.method} × ${r.replicas}`).toBeGreaterThan(0);
      expect(r.curve.length).toBeGreaterThanOrEqual(2);
      expect(r.curve.at(-1)!.loss, `${r.method} × ${r.replicas}`).toBeLessThan(r.curve[0]!.loss);
    }
  });

  it('draws one line per method × replicas in async.svg', () => {
    const json = JSON.parse(readFileSync(join(outDir, 'async.json'), 'utf8')) as AsyncJson;
    const svg = readFileSync(join(outDir, 'async.svg'), 'utf8');
    expect(svg.startsWith('<svg') || svg.startsWith('<?xml')).toBe(true);
    expect(json.chart.series.length).toBe(json.runs.length);
    for (const name of json.chart.series) expect(svg).toContain(name);
  });

  it('rejects an unknown flag with status 2 and the usage', () => {
    const r = spawnSync(process.execPath, [SCRIPT, '--bogus'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown argument --bogus');
    expect(r.stderr).toContain('usage:');
  });
});
