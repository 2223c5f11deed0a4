#!/usr/bin/env node
// Memory-leak check (`npm run leaks`): runs many optimizer steps and native async jobs after a
// warm-up, forcing garbage collection before each measurement, and reports how much RSS, V8 heap and
// external (ArrayBuffer) memory grew. Native memory that a kernel or a job fails to free shows up in
// RSS; JS objects kept alive by a missed reference show up in the heap.
//
//   node scripts/leak-check.mjs            full run: 1 000 000 steps across every optimizer (dense,
//                                          sparse, multi-tensor), 1 000 svmlight async reads
//   node scripts/leak-check.mjs --quick    100 000 Adam steps, 2 000 async reads (test/leaks.test.ts)
//   LEAK_MAX_RSS_MB=20                     RSS growth that fails the run (exit 1)
//   LEAK_STEPS, LEAK_JOBS                  override the step and job counts
//
// The last line is `LEAK-REPORT {json}` for programs. The script restarts itself under
// `--expose-gc --max-semi-space-size=1` when started without them: a small young generation keeps
// V8 from growing its semispaces (tens of MB of RSS that are not a leak) during the run.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerTypeScript } from './fuzz.mjs';

const self = fileURLToPath(import.meta.url);
const NODE_FLAGS = ['--expose-gc', '--max-semi-space-size=1'];
if (!NODE_FLAGS.every((f) => process.execArgv.includes(f))) {
  const r = spawnSync(process.execPath, [...NODE_FLAGS, self, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const root = path.resolve(path.dirname(self), '..');
const lib = registerTypeScript()(path.join(root, 'lib/index.ts'));
const quick = process.argv.includes('--quick');
const maxRssMb = Number(process.env.LEAK_MAX_RSS_MB ?? 20);

const OPTIMIZERS = quick ? ['Adam'] : ['SGD', 'Momentum', 'Nesterov', 'Adagrad', 'Adadelta', 'RMSprop', 'Adam', 'AMSGrad', 'AdamW', 'AdaMax', 'Nadam'];
const TOTAL_STEPS = Number(process.env.LEAK_STEPS ?? (quick ? 100_000 : 1_000_000));
const ASYNC_JOBS = Number(process.env.LEAK_JOBS ?? (quick ? 2_000 : 1_000));

/** One optimizer over three small tensors, stepped densely, sparsely (where defined) and as a multi-tensor arena. */
function makeWorkload(name) {
  const Cls = lib[name];
  const params = [new Float32Array(64).fill(0.5), new Float32Array(33).fill(-0.5), new Float32Array(7).fill(1)];
  const grads = params.map((p) => new Float32Array(p.length).map((_, i) => Math.sin(i) * 1e-3));
  const opt = new Cls(params, name === 'Adadelta' ? {} : { lr: 1e-3 });
  const arena = new lib.ParamArena({ a: 40, b: 24 });
  const arenaOpt = new Cls(arena.params(), {});
  arena.grads.fill(1e-3);
  let sparse = true;
  try {
    opt.stepSparse([{ indices: [1, 5], values: Float32Array.from([1e-3, 2e-3]) }, null, null]);
  } catch {
    sparse = false; // this rule has no lazy form
  }
  const sparseGrad = [{ indices: Int32Array.from([3, 9, 20]), values: Float32Array.from([1e-3, -1e-3, 2e-3]) }, null, null];
  return (k) => {
    if (k % 10 === 9 && sparse) opt.stepSparse(sparseGrad);
    else if (k % 10 === 8) arenaOpt.step(arena.gradList());
    else opt.step(grads);
  };
}

function runSteps(steps) {
  const per = Math.ceil(steps / OPTIMIZERS.length);
  for (const name of OPTIMIZERS) {
    const step = makeWorkload(name);
    for (let k = 0; k < per; k++) step(k);
  }
  return per * OPTIMIZERS.length;
}

const text = Buffer.from(Array.from({ length: 200 }, (_, r) => `${r % 2 ? 1 : -1} ${1 + (r % 7)}:0.5 ${10 + (r % 13)}:1.25 40:${r}`).join('\n'));

/** svmlight reads on the native worker pool: from a Buffer, from a file, with progress callbacks, some cancelled. */
async function runJobs(jobs, file) {
  let done = 0;
  const batch = 16;
  for (let i = 0; i < jobs; i += batch) {
    await Promise.all(Array.from({ length: Math.min(batch, jobs - i) }, async (_, j) => {
      const k = i + j;
      const controller = new AbortController();
      const options = k % 3 === 0 ? { onProgress: () => {} } : k % 5 === 0 ? { signal: controller.signal } : {};
      const read = lib.readSvmlight(k % 2 ? text : file, options);
      if (k % 5 === 0) controller.abort();
      try {
        await read;
      } catch (err) {
        if (!controller.signal.aborted) throw err;
      }
      done++;
    }));
  }
  return done;
}

function measure() {
  for (let i = 0; i < 4; i++) globalThis.gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}

const mb = (b) => (b / 1048576).toFixed(1);
const fmt = (n) => n.toLocaleString('en-US').replace(/,/g, ' ');

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-leaks-'));
  const file = path.join(dir, 'data.svm');
  fs.writeFileSync(file, text);
  // Warm-up: JIT code, the allocator arenas of libuv's worker threads and the thread pool reach their
  // steady size (svmlight reads settle after about 4 000 jobs; steps after a few hundred thousand).
  runSteps(Math.ceil(TOTAL_STEPS / 5));
  await runJobs(Math.max(4_000, ASYNC_JOBS), file);
  const before = measure();
  const steps = runSteps(TOTAL_STEPS);
  const afterSteps = measure();
  const jobs = await runJobs(ASYNC_JOBS, file);
  const after = measure();
  fs.rmSync(dir, { recursive: true, force: true });

  const report = {
    steps, optimizers: OPTIMIZERS.length, jobs,
    rssBefore: before.rss, rssAfterSteps: afterSteps.rss, rssAfter: after.rss, rssGrowth: after.rss - before.rss,
    heapBefore: before.heapUsed, heapAfter: after.heapUsed, heapGrowth: after.heapUsed - before.heapUsed,
    externalBefore: before.external, externalAfter: after.external, externalGrowth: after.external - before.external,
    maxRssGrowth: maxRssMb * 1048576,
  };
  console.log(`leak-check${quick ? ' (quick)' : ''}: ${fmt(steps)} optimizer steps (${OPTIMIZERS.length} optimizer${OPTIMIZERS.length > 1 ? 's' : ''}, dense + sparse + multi-tensor), ${fmt(jobs)} svmlight async reads`);
  console.log(`RSS before ${mb(before.rss)} MB, after the steps ${mb(afterSteps.rss)} MB, after the reads ${mb(after.rss)} MB (growth ${mb(report.rssGrowth)} MB, limit ${maxRssMb} MB)`);
  console.log(`V8 heap used before ${mb(before.heapUsed)} MB, after ${mb(after.heapUsed)} MB (growth ${mb(report.heapGrowth)} MB)`);
  console.log(`external memory before ${mb(before.external)} MB, after ${mb(after.external)} MB (growth ${mb(report.externalGrowth)} MB)`);
  console.log(`LEAK-REPORT ${JSON.stringify(report)}`);
  return report.rssGrowth > report.maxRssGrowth ? 1 : 0;
}

process.exitCode = await main();
