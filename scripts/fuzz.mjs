#!/usr/bin/env node
// The full fuzz run (`npm run fuzz`): property-based calls of every export of lib/index.ts and of
// every raw addon function, in worker processes so that a crash or a hang is caught, counted and
// named (with the input that caused it) instead of ending the run.
//
//   FUZZ_RUNS=100000    calls in total (default 100 000)
//   FUZZ_WORKERS=2      worker processes (default: min(2, cores))
//   FUZZ_SEED=1         base seed (default: time-based; printed, so a run can be repeated)
//   FUZZ_ONLY=a,b       only suites whose name contains one of these
//   FUZZ_HANG_S=60      seconds without a new input before a worker counts as hung
//   FUZZ_KNOWN=1        also generate inputs known to crash or hang (test/fuzz/known-bugs.ts)
//
// Prints the calls made, the outcomes by exception class, known bugs hit, new violations, hangs,
// and `crashes N` last. Exits 1 on any crash, hang or new violation.
//
// The workers run the TypeScript sources directly: `registerTypeScript()` below compiles .ts files
// on require with the project's own TypeScript (transpile only). scripts/leak-check.mjs and
// test/fixtures/checkpoint-writer.mjs import it from here.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/**
 * Makes `require()` of .ts files work in this process (CommonJS output, types stripped, no type
 * checking). Compiled files are cached in the OS temp directory by content hash, so the ~80 files a
 * worker loads cost a TypeScript compile only the first time.
 */
export function registerTypeScript() {
  if (require.extensions['.ts']) return require;
  const tsVersion = JSON.parse(fs.readFileSync(require.resolve('typescript/package.json'), 'utf8')).version;
  const cacheDir = path.join(os.tmpdir(), 'descent-ts-cache');
  fs.mkdirSync(cacheDir, { recursive: true });
  let ts;
  require.extensions['.ts'] = (module, filename) => {
    const source = fs.readFileSync(filename, 'utf8');
    const key = createHash('sha256').update(`${tsVersion}\0${filename}\0${source}`).digest('hex');
    const cached = path.join(cacheDir, `${key}.js`);
    let output;
    try {
      output = fs.readFileSync(cached, 'utf8');
    } catch {
      ts ??= require('typescript');
      const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
      output = ts.transpileModule(source, { compilerOptions, fileName: filename }).outputText;
      const tmp = `${cached}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, output);
      fs.renameSync(tmp, cached);
    }
    module._compile(output, filename);
  };
  return require;
}

function envInt(name, fallback) {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative integer, got ${v}`);
  return n;
}

/** Reads what a worker wrote before its latest input: calls made so far and the input. */
function readLastInput(file) {
  try {
    const text = fs.readFileSync(file);
    if (text.length === 0) return { calls: 0, input: '(no input recorded yet)' };
    const nl = text.indexOf(10);
    const [calls, len] = text.subarray(0, nl).toString().split(' ').map(Number);
    return { calls, input: text.subarray(nl + 1, nl + 1 + len).toString() };
  } catch {
    return { calls: 0, input: '(no input recorded yet)' };
  }
}

/** Runs one worker until it reports, crashes, or stops making progress. */
function runOne(options, hangSeconds, selfTest) {
  return new Promise((resolve) => {
    const args = [fileURLToPath(import.meta.url), '--worker', JSON.stringify({ ...options, selfTest })];
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err = (err + d).slice(-4000); });
    let lastChange = Date.now(), lastSeen = '';
    let hung = false;
    // Until the worker has opened its input file it is still loading: give that its own, longer limit.
    const startupSeconds = Math.max(hangSeconds, 120);
    const watch = setInterval(() => {
      let stamp = '';
      try {
        stamp = String(fs.statSync(options.lastInputFile).mtimeMs);
      } catch { /* not opened yet */ }
      const limit = stamp === '' ? startupSeconds : hangSeconds;
      if (stamp !== lastSeen) {
        lastSeen = stamp;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > limit * 1000) {
        hung = true;
        child.kill('SIGKILL');
      }
    }, 500);
    child.on('close', (code, signal) => {
      clearInterval(watch);
      const line = out.split('\n').find((l) => l.startsWith('FUZZ-REPORT '));
      const last = readLastInput(options.lastInputFile);
      if (line && code === 0) resolve({ report: JSON.parse(line.slice('FUZZ-REPORT '.length)) });
      else {
        // The error line itself, then the end of the output (native aborts print their reason last).
        const lines = err.trim().split('\n');
        const errorLine = lines.find((l) => /^\w*Error\b|^\[Error|what\(\)|^FATAL/.test(l.trim()));
        const stderr = [...(errorLine ? [errorLine.trim()] : []), ...lines.slice(-4)].join('\n');
        resolve({ crash: { hung, code, signal, calls: last.calls, input: last.input, stderr } });
      }
    });
  });
}

function emptyStats() {
  return { calls: 0, suites: {}, outcomes: {}, known: {}, violations: [], newViolations: 0 };
}

function merge(into, s) {
  into.calls += s.calls;
  into.newViolations += s.newViolations;
  for (const key of ['suites', 'outcomes', 'known'])
    for (const [k, n] of Object.entries(s[key])) into[key][k] = (into[key][k] ?? 0) + n;
  into.violations.push(...s.violations.slice(0, Math.max(0, 30 - into.violations.length)));
}

const fmt = (n) => n.toLocaleString('en-US').replace(/,/g, ' ');
const table = (rec) => Object.entries(rec).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${fmt(n)}`).join(', ') || '-';

async function main() {
  const total = envInt('FUZZ_RUNS', 100_000);
  const workers = Math.max(1, envInt('FUZZ_WORKERS', Math.min(2, os.availableParallelism?.() ?? os.cpus().length)));
  const seed = envInt('FUZZ_SEED', Date.now() % 1_000_000_007);
  const hangSeconds = envInt('FUZZ_HANG_S', 60);
  const only = (process.env.FUZZ_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const selfTest = process.env.FUZZ_SELFTEST || undefined; // 'crash' | 'hang': checks this script's own detection
  try {
    registerTypeScript()(path.join(root, 'lib/native.ts')).addon();
  } catch (err) {
    console.error(`fuzz: the native addon does not load, nothing to fuzz: ${err.message}`);
    return 2;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-fuzz-run-'));
  const started = Date.now();
  console.log(`fuzz: ${fmt(total)} calls, ${workers} workers, seed ${seed}${only.length ? `, suites ~ ${only.join(',')}` : ''}`);

  const stats = emptyStats();
  const failures = [];
  const crashes = [];
  let remaining = total;
  let next = 0;
  const worker = async (w) => {
    while (remaining > 0) {
      const share = Math.min(remaining, Math.ceil(total / workers));
      remaining -= share;
      const id = next++;
      const lastInputFile = path.join(dir, `worker-${w}-${id}.last`);
      const r = await runOne({ seed: seed + id * 1_000_003, calls: share, lastInputFile, only }, hangSeconds, id === 0 ? selfTest : undefined);
      if (r.report) {
        merge(stats, r.report.stats);
        failures.push(...r.report.failures);
      } else {
        crashes.push(r.crash);
        stats.calls += r.crash.calls;
        // The calls the dead worker did not make go back to the pool, once: a run that crashes at
        // start would otherwise never end.
        remaining += Math.max(0, share - r.crash.calls - 1);
        if (crashes.length >= 5) remaining = 0;
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
  fs.rmSync(dir, { recursive: true, force: true });

  const hangs = crashes.filter((c) => c.hung);
  const realCrashes = crashes.filter((c) => !c.hung);
  console.log(`calls ${fmt(stats.calls)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`calls by suite: ${table(stats.suites)}`);
  console.log(`outcomes (returned, or the exception class thrown): ${table(stats.outcomes)}`);
  console.log(`known bugs hit (test/fuzz/known-bugs.ts): ${table(stats.known)}`);
  console.log(`new violations ${stats.newViolations}`);
  const clip = (text, n) => (text.length > n ? `${text.slice(0, n)}... (${text.length} chars)` : text);
  for (const f of failures.slice(0, 10))
    console.log(`  [${f.suite}, seed ${f.seed}] ${clip(f.error.split('\n').slice(0, 2).join(' | '), 400)}\n    input: ${clip(f.counterexample, 1500)}`);
  if (failures.length > 10) console.log(`  ... and ${failures.length - 10} more failing chunks`);
  for (const c of hangs) console.log(`  HANG (no progress for ${hangSeconds} s) on input: ${clip(c.input, 1500)}`);
  for (const c of realCrashes) console.log(`  CRASH (exit ${c.code}, signal ${c.signal}) on input: ${clip(c.input, 1500)}\n    stderr: ${c.stderr}`);
  console.log(`hangs ${hangs.length}`);
  console.log(`crashes ${realCrashes.length}`);
  return realCrashes.length || hangs.length || stats.newViolations ? 1 : 0;
}

const isMain = process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url;

if (isMain && process.argv[2] === '--worker') {
  const options = JSON.parse(process.argv[3]);
  registerTypeScript();
  const { runWorker } = require(path.join(root, 'test/fuzz/worker.ts'));
  const report = await runWorker(options);
  process.stdout.write(`FUZZ-REPORT ${JSON.stringify(report)}\n`);
  // Pending native jobs (an svmlight read that is never awaited) must not keep the worker alive.
  process.exit(0);
} else if (isMain) {
  process.exitCode = await main();
}
