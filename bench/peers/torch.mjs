// PyTorch peer: bench/peers/torch_optim.py in Debian's system Python (the only one that sees
// python3-torch) serves timing requests, so that its samples interleave with our native ones in
// the same rounds. It runs once with glibc's default allocator and once with the settings that stop
// torch's per-step temporaries from being mmapped and unmapped (page faults at large n).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { watchLoad } from '../lib/machine.mjs';
import { nativeContender, pairedRecord } from '../lib/native-suite.mjs';
import { measureInterleaved } from '../lib/timing.mjs';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'torch_optim.py');
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

const TUNED_MALLOC = { MALLOC_MMAP_MAX_: '0', MALLOC_TRIM_THRESHOLD_: '68719476736' };

/**
 * The configurations PEERS.md asks to report: glibc's default allocator and the tuned one, both
 * with torch's own default thread count; and the tuned allocator with as many threads as our
 * kernels use (`threads: 'native'`), because torch's default here may be fewer than that.
 * @param {number} nativeThreads threads our kernels use
 */
export function torchConfigs(nativeThreads) {
  const configs = [
    { impl: 'torch', label: 'default allocator, default threads', env: {}, threads: 0 },
    { impl: 'torch-tuned-malloc', label: 'MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=68719476736, default threads', env: TUNED_MALLOC, threads: 0 },
  ];
  if (nativeThreads > 1) {
    configs.push({
      impl: `torch-tuned-malloc-${nativeThreads}threads`,
      label: `MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=68719476736, torch.set_num_threads(${nativeThreads})`,
      env: TUNED_MALLOC,
      threads: nativeThreads,
    });
  }
  return configs;
}

/** One Python process answering JSON requests line by line (see torch_optim.py). */
class TorchServer {
  constructor(child) {
    this.child = child;
    this.waiting = [];
    this.stderrTail = '';
    this.exited = null;
    createInterface({ input: child.stdout }).on('line', (line) => {
      const next = this.waiting.shift();
      if (!next) return;
      try {
        const msg = JSON.parse(line);
        if (msg.error) next.reject(new Error(msg.error));
        else next.resolve(msg);
      } catch {
        next.reject(new Error(`torch peer wrote something that is not JSON: ${line.slice(0, 200)}`));
      }
    });
    child.stderr.on('data', (chunk) => { this.stderrTail = `${this.stderrTail}${chunk}`.slice(-2000); });
    const fail = (why) => {
      this.exited = why;
      for (const w of this.waiting.splice(0)) w.reject(new Error(`${why}${this.stderrTail ? `: ${this.lastStderrLines()}` : ''}`));
    };
    child.on('error', (err) => fail(`cannot run ${PYTHON}: ${err.message}`));
    child.on('close', (code, signal) => fail(`${PYTHON} ${SCRIPT} ended (${signal ? `killed by ${signal}` : `exit code ${code}`})`));
  }

  lastStderrLines() {
    return this.stderrTail.trim().split('\n').slice(-3).join(' | ');
  }

  /** The next line the process writes, as parsed JSON; rejects on an {error} answer or exit. */
  next() {
    if (this.exited) return Promise.reject(new Error(this.exited));
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  request(obj) {
    const answer = this.next();
    this.child.stdin.write(`${JSON.stringify(obj)}\n`);
    return answer;
  }

  close() {
    this.child.stdin.end();
  }
}

/**
 * Starts torch_optim.py for one configuration and waits for its hello.
 * @returns {Promise<{server: TorchServer, child: object, hello: object} | {error: string}>}
 */
async function startTorch(config, files, maxN) {
  const arg = JSON.stringify({ ...files, maxN, threads: config.threads });
  const child = spawn(PYTHON, [SCRIPT, arg], { env: { ...process.env, ...config.env }, stdio: ['pipe', 'pipe', 'pipe'] });
  const server = new TorchServer(child);
  try {
    return { server, child, hello: await server.next() };
  } catch (err) {
    server.close();
    return { error: err.message };
  }
}

/**
 * Times torch.optim over many parameter tensors (`count` × `size` elements, the data's first
 * count·size values) with foreach off and on, each interleaved with a native contender.
 * @param {object} ctx
 * @param {object} ctx.config a torchConfigs() entry
 * @param {string} ctx.optimizer the optimizer's name
 * @param {{count: number, size: number}} ctx.shape
 * @param {{paramsFile: string, gradsFile: string}} ctx.files
 * @param {() => object} ctx.nativeContender builds the paired native contender (id 'native')
 * @param {object} ctx.plan timing plan
 * @returns {Promise<{results: Map<string, Map<string, object>>, meta: object} | {error: string}>} per
 *   foreach variant ('torch-foreach-off', 'torch-foreach-on'): the interleaved results
 */
export async function runTorchMany({ config, optimizer, shape, files, nativeContender, plan }) {
  const n = shape.count * shape.size;
  const started = await startTorch(config, files, n);
  if (started.error) return { error: started.error };
  const { server, hello } = started;
  const results = new Map();
  try {
    for (const foreach of [false, true]) {
      const id = `torch-foreach-${foreach ? 'on' : 'off'}`;
      const peer = {
        id,
        calibrate: () => server.request({ cmd: 'openMany', optimizer, ...shape, foreach, targetMs: plan.targetMs }),
        sample: async (steps) => (await server.request({ cmd: 'sample', steps })).ns,
      };
      try {
        results.set(id, await measureInterleaved([peer, nativeContender()], { n, ...plan }));
        await server.request({ cmd: 'close' });
      } catch (err) {
        results.set(id, { error: err.message });
        if (server.exited) break;
      }
    }
  } finally {
    server.close();
  }
  return { results, meta: { torch: hello.torch, python: hello.python, threadsUsed: hello.threadsUsed } };
}

/**
 * Times torch.optim for one allocator configuration, each case interleaved with our native optimizer.
 * @param {object} ctx
 * @param {{impl: string, label: string, env: Record<string, string>, threads: number}} ctx.config
 *   threads: torch.set_num_threads, or 0 to keep torch's default
 * @param {object} ctx.descent the package, for the paired native optimizer
 * @param {object[]} ctx.optimizers entries of OPTIMIZERS that torch runs
 * @param {number[]} ctx.sizes
 * @param {object} ctx.base shared data (the files hold the same values)
 * @param {{paramsFile: string, gradsFile: string}} ctx.files
 * @param {object} ctx.plan timing plan
 * @param {import('../lib/progress.mjs').Progress} ctx.progress
 * @returns {Promise<{records: object[], failures: object[], meta: object} | {error: string}>}
 */
export async function runTorch({ config, descent, optimizers, sizes, base, files, plan, progress }) {
  const started = await startTorch(config, files, Math.max(...sizes));
  if (started.error) return { error: started.error };
  const { server, child, hello } = started;
  const records = [];
  const failures = [];
  try {
    for (const optimizer of optimizers) {
      for (const n of sizes) {
        progress.start(`${config.impl}: ${optimizer.name} n=${n.toExponential(0)}`);
        const stopWatch = watchLoad(() => [child.pid]);
        const peer = {
          id: config.impl,
          calibrate: () => server.request({ cmd: 'open', optimizer: optimizer.name, n, targetMs: plan.targetMs }),
          sample: async (steps) => (await server.request({ cmd: 'sample', steps })).ns,
        };
        try {
          const results = await measureInterleaved([peer, nativeContender(descent, optimizer.name, base, n)], { n, ...plan });
          records.push(pairedRecord(optimizer.name, config.impl, n, results, stopWatch().busyCoresOthers));
          await server.request({ cmd: 'close' });
        } catch (err) {
          failures.push({ phase: config.impl, optimizer: optimizer.name, n, error: err.message });
          progress.note(`${config.impl} ${optimizer.name} n=${n}: FAILED: ${err.message}`);
          if (server.exited) return { records, failures, meta: null, error: err.message };
        }
        progress.step();
      }
    }
  } finally {
    server.close();
  }
  const meta = {
    torch: hello.torch, python: hello.python, threadsDefault: hello.threadsDefault, threadsUsed: hello.threadsUsed,
    allocator: config.label,
  };
  return { records, failures, meta };
}
