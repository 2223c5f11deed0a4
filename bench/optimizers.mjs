// The optimizer benchmark: descent's native kernels against the TypeScript reference, the memory
// floor and the peers (TensorFlow.js on its CPU and wasm backends, PyTorch), all in one run on the
// same data. Prints a Markdown table; writes latest.json, latest.md and adam.svg to the results
// directory, then the many-small-tensors comparison (many-tensors.{md,json,svg}). Two modes run one
// part alone: --many-tensors, and --threads-sweep (the thread cut-over: threads.{md,json}).
// `--help` lists the flags.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { USAGE, parseArgs } from './lib/args.mjs';
import { DEFAULT_SIZES, OPTIMIZERS, OPTIMIZER_NAMES, QUICK_SIZES, peerTimingPlan, timingPlan } from './lib/cases.mjs';
import { adamChart } from './lib/chart.mjs';
import { makeBaseData, writeBaseData } from './lib/data.mjs';
import { machineInfo, watchLoad } from './lib/machine.mjs';
import { runNativeSuite } from './lib/native-suite.mjs';
import { Progress } from './lib/progress.mjs';
import { evaluateTargets, indexResults, markdownReport } from './lib/report.mjs';
import { MANY_SHAPE, MANY_SHAPE_QUICK, manyTensorsChart, manyTensorsMarkdown, runManyTensors } from './lib/many-tensors.mjs';
import { SWEEP_SIZES, SWEEP_SIZES_QUICK, runThreadsSweep, threadsMarkdown } from './lib/threads-sweep.mjs';
import { loadTfjs, runTfjs, useBackend } from './peers/tfjs.mjs';
import { runTorch, runTorchMany, torchConfigs } from './peers/torch.mjs';

const here = dirname(fileURLToPath(import.meta.url));

function fail(message, code) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(code);
}

let args;
try {
  args = parseArgs(process.argv.slice(2), OPTIMIZER_NAMES);
} catch (err) {
  fail(`${err.message}\n${USAGE}`, 2);
}
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

let descent;
let addon;
try {
  descent = await import('../dist/esm/index.mjs');
  addon = createRequire(import.meta.url)('../build/Release/descent.node');
} catch (err) {
  fail(`cannot load the package (${err.message.split('\n')[0]}); build it first: npm run build`, 1);
}

const optimizers = args.only ? OPTIMIZERS.filter((o) => args.only.includes(o.name)) : OPTIMIZERS;
const outDir = resolve(args.out ?? join(here, 'results'));
const info = descent.nativeInfo();
const TORCH_CONFIGS = torchConfigs(info.threads);
mkdirSync(outDir, { recursive: true });

let failed = 0;
if (args.mode === 'threads') failed += await threadsSweep();
else {
  if (args.mode === 'all') failed += await mainSuite();
  failed += await manyTensors();
}
if (failed) process.exitCode = 1;

/** The main table: every optimizer at every size against the TS reference and the peers. */
async function mainSuite() {
  const sizes = args.sizes ?? (args.quick ? QUICK_SIZES : DEFAULT_SIZES);
  const tfjsOptimizers = optimizers.filter((o) => o.tfjs);
  const torchOptimizers = optimizers.filter((o) => o.torch);
  const peerCases = args.peers ? (tfjsOptimizers.length * 2 + torchOptimizers.length * TORCH_CONFIGS.length) * sizes.length : 0;
  const progress = new Progress(optimizers.length * sizes.length + peerCases);
  const stopWatch = watchLoad();
  const notes = [];
  const peerStatus = {};
  const base = makeBaseData(Math.max(...sizes));

  const { records, failures } = await runNativeSuite({ descent, addon, optimizers, sizes, base, plan: timingPlan(args.quick), progress });

  /** A peer that cannot run is skipped with a line saying why, on stderr now and in the report. */
  function skip(impl, reason, cases) {
    peerStatus[impl] = { status: 'skipped', reason };
    progress.note(`${impl}: skipped (${reason})`);
    notes.push(`${impl}: skipped (${reason}).`);
    for (let i = 0; i < cases; i++) progress.step();
  }

  const versions = {};
  if (args.peers) {
    const plan = peerTimingPlan(args.quick);
    const tfjsCases = tfjsOptimizers.length * sizes.length;
    const loaded = tfjsCases ? await loadTfjs() : { error: 'no selected optimizer has a tfjs counterpart' };
    for (const backend of ['cpu', 'wasm']) {
      const impl = `tfjs-${backend}`;
      const why = loaded.error ?? (await useBackend(loaded.tf, backend));
      if (why) {
        skip(impl, why, tfjsCases);
        continue;
      }
      versions.tfjs = loaded.version;
      const out = await runTfjs({ tf: loaded.tf, descent, impl, optimizers: tfjsOptimizers, sizes, base, plan, progress });
      records.push(...out.records);
      failures.push(...out.failures);
      peerStatus[impl] = { status: 'ok' };
    }

    const torchCases = torchOptimizers.length * sizes.length;
    const files = torchCases ? writeBaseData(base) : null;
    try {
      for (const config of TORCH_CONFIGS) {
        if (!torchCases) {
          skip(config.impl, 'no selected optimizer has a torch counterpart', 0);
          continue;
        }
        const done = progress.done;
        const out = await runTorch({
          config, descent, optimizers: torchOptimizers, sizes, base, files, plan, progress,
        });
        records.push(...(out.records ?? []));
        failures.push(...(out.failures ?? []));
        if (!out.meta) {
          skip(config.impl, out.error, torchCases - (progress.done - done));
          continue;
        }
        peerStatus[config.impl] = { status: 'ok', ...out.meta };
        versions.torch = out.meta.torch;
      }
    } finally {
      files?.remove();
    }
  } else {
    notes.push('Peers not run (--no-peers).');
  }
  progress.finish();
  const load = stopWatch();

  if (versions.tfjs) notes.push(`TensorFlow.js ${versions.tfjs} in production mode; the wasm backend runs single-threaded under Node (SIMD build). tfjs has no AdamW, AdaMax, Nadam or AMSGrad.`);
  const torchRuns = Object.entries(peerStatus).filter(([, st]) => st.threadsUsed !== undefined);
  if (torchRuns.length) {
    const [, first] = torchRuns[0];
    notes.push(`PyTorch ${first.torch} (torch.optim with its defaults: foreach off, no fused CPU kernels), Python ${first.python}, timed inside Python and interleaved with native over a pipe. ` +
      `torch's default thread count here is ${first.threadsDefault}; ` +
      torchRuns.map(([impl, st]) => `${impl}: ${st.threadsUsed} thread${st.threadsUsed === 1 ? '' : 's'}, ${st.allocator.split(',')[0]}`).join('; ') +
      '. The tuned malloc settings stop torch\'s per-step temporaries from being mmapped and unmapped (page faults).');
  }
  notes.push(`Native: ${info.isa} (available: ${info.isasAvailable.join(', ')}), up to ${info.threads} threads for calls of at least ${info.parallelMinElements} elements; every class with its default (PyTorch) options; timings include the JS call and argument checks.`);
  if (load.busyCoresOthers !== null)
    notes.push(`Machine: ${machineInfo(info).cpuModel}, ${info.hardwareThreads} cores; other processes kept ${load.busyCoresOthers} cores busy on average during this ${load.seconds} s run.`);

  for (const f of failures) notes.push(`FAILED: ${f.phase} ${f.optimizer} n=${f.n}: ${f.error}`);
  if (load.busyCoresOthers !== null && load.busyCoresOthers > 0.25)
    notes.push('Warning: other processes shared the CPU during this run; expect noisy numbers, rerun on a quiet machine.');

  const get = indexResults(records);
  const targets = optimizers.some((o) => o.name === 'Adam') ? evaluateTargets(get, sizes, TORCH_CONFIGS.map((c) => c.impl)) : [];
  const title = `descent optimizer benchmark${args.quick ? ' (quick)' : ''}`;
  const md = markdownReport({ records, optimizers: optimizers.map((o) => o.name), sizes, info, targets, notes, title });
  const chart = adamChart(records, info);

  const json = {
    schema: 'descent-bench/1',
    date: new Date().toISOString(),
    argv: process.argv.slice(2),
    quick: args.quick,
    sizes,
    optimizers: optimizers.map((o) => o.name),
    machine: { ...machineInfo(info), load },
    versions: { descent: info.version, ...versions },
    peers: peerStatus,
    failures,
    targets,
    chart: chart.series.length ? { file: 'adam.svg', series: chart.series } : null,
    results: records,
  };
  writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(join(outDir, 'latest.md'), md);
  if (chart.series.length) writeFileSync(join(outDir, 'adam.svg'), chart.svg);
  process.stdout.write(md);
  process.stderr.write(`results written to ${outDir}\n`);
  if (failures.length) {
    process.stderr.write(`bench: ${failures.length} case(s) failed:\n${failures.map((f) => `  ${f.phase} ${f.optimizer} n=${f.n}: ${f.error}`).join('\n')}\n`);
  }
  return failures.length;
}

/** 200 tensors × 500 elements: arena, separate arrays, per-tensor optimizers, one big tensor, peers. */
async function manyTensors() {
  const optimizer = optimizers.find((o) => o.name === 'Adam') ?? optimizers[0];
  const shape = args.quick ? MANY_SHAPE_QUICK : MANY_SHAPE;
  const n = shape.count * shape.size;
  const base = makeBaseData(n);
  const progress = new Progress(4);
  const stopWatch = watchLoad();
  const tfjs = args.peers ? await loadTfjs() : null;
  const files = args.peers && optimizer.torch ? writeBaseData(base) : null;
  let result;
  try {
    const torch = files ? (more) => runTorchMany({ config: TORCH_CONFIGS[0], files, ...more }) : null;
    result = await runManyTensors({
      descent, optimizer, shape, base, plan: timingPlan(args.quick), peerPlan: peerTimingPlan(args.quick),
      tfjs, useBackend, torch, progress,
    });
  } finally {
    files?.remove();
  }
  progress.finish();
  const load = stopWatch();
  if (tfjs?.version) result.notes.push(`TensorFlow.js ${tfjs.version} in production mode.`);
  result.notes.push(`Native: ${info.isa}, up to ${info.threads} threads for calls of at least ${info.parallelMinElements} elements.`);
  if (load.busyCoresOthers !== null)
    result.notes.push(`Machine: ${machineInfo(info).cpuModel}, ${info.hardwareThreads} cores; other processes kept ${load.busyCoresOthers} cores busy on average during this ${load.seconds} s run.`);
  if (load.busyCoresOthers !== null && load.busyCoresOthers > 0.25)
    result.notes.push('Warning: other processes shared the CPU during this run; expect noisy numbers, rerun on a quiet machine.');
  const md = manyTensorsMarkdown(result, `descent: many small tensors${args.quick ? ' (quick)' : ''}`);
  const chart = manyTensorsChart(result);
  const json = {
    schema: 'descent-bench-many/1', date: new Date().toISOString(), argv: process.argv.slice(2), quick: args.quick,
    machine: { ...machineInfo(info), load }, ...result, chart: { file: 'many-tensors.svg', series: chart.series },
  };
  writeFileSync(join(outDir, 'many-tensors.json'), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(join(outDir, 'many-tensors.md'), md);
  writeFileSync(join(outDir, 'many-tensors.svg'), chart.svg);
  process.stdout.write(md);
  process.stderr.write(`many-tensor results written to ${outDir}\n`);
  return result.notes.filter((x) => x.includes('FAILED')).length;
}

/** One thread against all threads per optimizer and size: where splitting a call starts to pay. */
async function threadsSweep() {
  const sizes = args.sizes ?? (args.quick ? SWEEP_SIZES_QUICK : SWEEP_SIZES);
  const progress = new Progress(optimizers.length * sizes.length);
  const stopWatch = watchLoad();
  const base = makeBaseData(Math.max(...sizes));
  const sweep = await runThreadsSweep({ descent, addon, optimizers, sizes, base, plan: timingPlan(args.quick), progress });
  progress.finish();
  const load = stopWatch();
  const notes = [`Native: ${info.isa}; default cut-over now ${info.parallelMinElements} elements (calls below it stay on one thread).`];
  if (load.busyCoresOthers !== null)
    notes.push(`Machine: ${machineInfo(info).cpuModel}, ${info.hardwareThreads} cores; other processes kept ${load.busyCoresOthers} cores busy on average during this ${load.seconds} s run.`);
  for (const f of sweep.failures) notes.push(`FAILED: ${f.optimizer} n=${f.n}: ${f.error}`);
  if (load.busyCoresOthers !== null && load.busyCoresOthers > 0.25)
    notes.push('Warning: other processes shared the CPU during this run, so two threads seldom had two cores; rerun on a quiet machine before moving the default.');
  const md = threadsMarkdown(sweep, { title: `descent: one thread vs ${sweep.threads} per call${args.quick ? ' (quick)' : ''}`, notes });
  const json = { schema: 'descent-bench-threads/1', date: new Date().toISOString(), argv: process.argv.slice(2), quick: args.quick, machine: { ...machineInfo(info), load }, ...sweep };
  writeFileSync(join(outDir, 'threads.json'), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(join(outDir, 'threads.md'), md);
  process.stdout.write(md);
  process.stderr.write(`threads sweep written to ${outDir}\n`);
  return sweep.failures.length;
}
