// Runs bin/descent.mjs as a user would, against the built package in dist/ (this test builds
// nothing: CI builds before it tests).
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'bin', 'descent.mjs');
const ISAS = ['scalar', 'avx2', 'avx512', 'neon'];

function descent(args: string[], cwd = root): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 110_000 });
}

const scratch: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-cli-'));
  scratch.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
});

describe('descent info', () => {
  it('prints nativeInfo() as JSON with --json, naming an instruction set this CPU can run', () => {
    const r = descent(['info', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout) as { isa: string; isasAvailable: string[]; version: string; binary: string };
    expect(ISAS).toContain(info.isa);
    expect(info.isasAvailable).toContain(info.isa);
    expect(info.binary).toMatch(/\.node$/);
    expect(info.version).toBe(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version);
  });

  it('prints a table with one line per field without --json', () => {
    const r = descent(['info']);
    expect(r.status, r.stderr).toBe(0);
    const isaLine = r.stdout.split('\n').find((line) => line.startsWith('isa '));
    expect(ISAS).toContain(isaLine?.split(/\s+/)[1]);
    expect(r.stdout).toMatch(/^binary\s+\S+\.node$/m);
    expect(() => JSON.parse(r.stdout)).toThrow();
  });

  it('rejects an unknown flag with exit code 2', () => {
    const r = descent(['info', '--yaml']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown argument --yaml');
  });
});

describe('descent usage', () => {
  it('prints the usage with every command for --help and exits 0', () => {
    const r = descent(['--help']);
    expect(r.status).toBe(0);
    for (const command of ['demo', 'bench', 'info']) expect(r.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  });

  it('prints the package version for --version', () => {
    const r = descent(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version);
  });

  it('prints the usage on stderr and exits 2 for an unknown command', () => {
    const r = descent(['train']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown command 'train'");
    expect(r.stderr).toContain('usage: descent <command>');
    expect(r.stdout).toBe('');
  });

  it('exits 2 when no command is given', () => {
    expect(descent([]).status).toBe(2);
  });

  it('passes --help through to the benchmark, which lists its own flags', () => {
    const r = descent(['bench', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--no-peers');
  });
});

describe('descent demo --quick', () => {
  it('runs the demo and writes its results to --out', () => {
    const out = tempDir();
    const r = descent(['demo', '--quick', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Rosenbrock');
    const results = JSON.parse(fs.readFileSync(path.join(out, 'demo.json'), 'utf8')) as { steps: number };
    expect(results.steps).toBe(2000);
  }, 120_000);

  it('writes to ./descent-demo in the working directory when --out is not given', () => {
    const cwd = tempDir();
    const r = descent(['demo', '--quick'], cwd);
    expect(r.status, r.stderr).toBe(0);
    expect(fs.existsSync(path.join(cwd, 'descent-demo', 'demo.json'))).toBe(true);
  }, 120_000);
});
