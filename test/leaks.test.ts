/**
 * Memory leaks: scripts/leak-check.mjs --quick runs 100 000 Adam steps (dense, sparse and
 * multi-tensor) and 2 000 svmlight reads on native worker threads after a warm-up, in a child process
 * started with --expose-gc (and a small young generation), and reports RSS, V8 heap and external memory before and after, each
 * measured after forced garbage collection. A kernel or job that leaked even 200 bytes per call
 * would add 20 MB here; steady-state growth is well under that (`npm run leaks` is the full run).
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const MB = 1048576;

it('100 000 optimizer steps and 2 000 async svmlight reads leave RSS within 20 MB and the heap within 4 MB of where they started', () => {
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-semi-space-size=1', path.join(root, 'scripts/leak-check.mjs'), '--quick'],
    { cwd: root, encoding: 'utf8', timeout: 120_000, env: { ...process.env, LEAK_MAX_RSS_MB: '20' } });
  const line = r.stdout.split('\n').find((l) => l.startsWith('LEAK-REPORT '));
  expect(line, r.stdout + r.stderr).toBeDefined();
  const report = JSON.parse(line!.slice('LEAK-REPORT '.length)) as Record<string, number>;
  expect(report.steps).toBeGreaterThanOrEqual(100_000);
  expect(report.jobs).toBeGreaterThanOrEqual(2_000);
  expect(report.rssGrowth).toBeLessThan(20 * MB);
  expect(report.heapGrowth).toBeLessThan(4 * MB);
  expect(report.externalGrowth).toBeLessThan(1 * MB);
  expect(r.status).toBe(0);
});
