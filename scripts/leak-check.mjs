#!/usr/bin/env node
// Memory-leak check (`npm run leaks`): runs many optimizer steps and native async jobs after a
// warm-up, forcing garbage collection before each measurement, and reports how much RSS, V8 heap and
// external (ArrayBuffer) memory grew. Native memory that a kernel or a job fails to free shows up in
// RSS; JS objects kept alive by a missed reference show up in the heap.
//
//   node scripts/leak-check.mjs            full run: 1 000 000 steps across every optimizer (dense,
//                                          sparse, multi-tensor), 1 000 svmlight async reads, and
//                                          1 000 training jobs (fit and hogwild, some aborted, failed
//                                          or refused as a second job on the same params)
//   node scripts/leak-check.mjs --quick    100 000 Adam steps, 2 000 async reads, 200 training jobs
//                                          (test/leaks.test.ts)
//   LEAK_MAX_RSS_MB=20                     RSS growth that fails the run (exit 1)
//   LEAK_STEPS, LEAK_JOBS, LEAK_TRAIN_JOBS override the step and job counts
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
const TRAIN_JOBS = Number(process.env.LEAK_TRAIN_JOBS ?? (quick ? 200 : 1_000));
const { heldArrayCount } = registerTypeScript()(path.join(root, 'lib/parallel/job-guard.ts'));

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

/**
 * Training jobs on native worker threads, alternately fit() (one native epoch) and hogwild() (one
 * epoch on 2 threads), each on fresh params, 8 at a time: every 7th aborted while it runs, every
 * 11th failing in its epoch callback, every 5th joined by a second job on the same params (refused
 * with ERR_DESCENT_ARRAYS_IN_USE). Returns the jobs settled, counting the refused ones.
 */
async function runTrainingJobs(jobs, data) {
  let settled = 0;
  const batch = 8;
  const one = async (k) => {
    const controller = new AbortController();
    const hog = k % 2 === 1;
    const params = hog ? new Float32Array(new SharedArrayBuffer(data.X.cols * 4)) : new Float32Array(data.X.cols + 1);
    const fail = k % 11 === 0 ? () => { throw new Error('leak-check: callback fails'); } : undefined;
    const options = { params, epochs: 1, signal: controller.signal };
    const start = () => (hog
      ? lib.hogwild({ ...options, objective: 'hinge', data, threads: 2, lr: 0.1, onEpoch: fail })
      : lib.fit({ ...options, objective: 'logistic', X: data.X, y: data.y, batchSize: 16, onEpochEnd: fail }));
    const running = start();
    if (k % 5 === 0) {
      try {
        await start();
        throw new Error('leak-check: a second job on the same params was not refused');
      } catch (err) {
        if (err.code !== 'ERR_DESCENT_ARRAYS_IN_USE') throw err;
      }
      settled++;
    }
    if (k % 7 === 0) setImmediate(() => controller.abort());
    try {
      await running;
    } catch (err) {
      if (!controller.signal.aborted && !fail) throw err;
    }
    settled++;
  };
  for (let i = 0; i < jobs; i += batch) await Promise.all(Array.from({ length: Math.min(batch, jobs - i) }, (_, j) => one(i + j)));
  if (heldArrayCount() !== 0) throw new Error(`leak-check: ${heldArrayCount()} arrays still claimed after every job settled`);
  return settled;
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
  const data = await lib.generateSparse({ rows: 300, cols: 64, meanNonzeros: 8, seed: 3, threads: 1 });
  runSteps(Math.ceil(TOTAL_STEPS / 5));
  await runJobs(Math.max(4_000, ASYNC_JOBS), file);
  await runTrainingJobs(Math.max(400, Math.ceil(TRAIN_JOBS / 2)), data);
  const before = measure();
  const steps = runSteps(TOTAL_STEPS);
  const afterSteps = measure();
  const jobs = await runJobs(ASYNC_JOBS, file);
  const afterReads = measure();
  const trainingJobs = await runTrainingJobs(TRAIN_JOBS, data);
  const after = measure();
  fs.rmSync(dir, { recursive: true, force: true });

  const report = {
    steps, optimizers: OPTIMIZERS.length, jobs, trainingJobs,
    rssBefore: before.rss, rssAfterSteps: afterSteps.rss, rssAfterReads: afterReads.rss, rssAfter: after.rss, rssGrowth: after.rss - before.rss,
    rssTrainingGrowth: after.rss - afterReads.rss,
    heapBefore: before.heapUsed, heapAfter: after.heapUsed, heapGrowth: after.heapUsed - before.heapUsed,
    externalBefore: before.external, externalAfter: after.external, externalGrowth: after.external - before.external,
    maxRssGrowth: maxRssMb * 1048576,
  };
  console.log(`leak-check${quick ? ' (quick)' : ''}: ${fmt(steps)} optimizer steps (${OPTIMIZERS.length} optimizer${OPTIMIZERS.length > 1 ? 's' : ''}, dense + sparse + multi-tensor), ${fmt(jobs)} svmlight async reads, ${fmt(trainingJobs)} training jobs (fit + hogwild, counting the refused second jobs)`);
  console.log(`RSS before ${mb(before.rss)} MB, after the steps ${mb(afterSteps.rss)} MB, after the reads ${mb(afterReads.rss)} MB, after the training jobs ${mb(after.rss)} MB (growth ${mb(report.rssGrowth)} MB, limit ${maxRssMb} MB)`);
  console.log(`V8 heap used before ${mb(before.heapUsed)} MB, after ${mb(after.heapUsed)} MB (growth ${mb(report.heapGrowth)} MB)`);
  console.log(`external memory before ${mb(before.external)} MB, after ${mb(after.external)} MB (growth ${mb(report.externalGrowth)} MB)`);
  console.log(`LEAK-REPORT ${JSON.stringify(report)}`);
  return report.rssGrowth > report.maxRssGrowth ? 1 : 0;
}

process.exitCode = await main();
