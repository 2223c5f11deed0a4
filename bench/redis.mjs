// The Redis parameter-server benchmark (`npm run bench:redis`): pushes per second and bytes moved
// per worker step through the Redis transport (a redis-server of our own on loopback, one shard
// server process per shard, one process per worker) against the in-process transport (shards in
// SharedArrayBuffers, one worker thread per worker), at 1e4 and 1e6 parameters with 1, 2 and 4
// workers. Prints a Markdown table and writes redis.json and redis.md to the results directory.
//
//   node bench/redis.mjs [--quick] [--seconds S] [--sizes LIST] [--workers LIST] [--shards S] [--out DIR]
//
// A worker step is what a Downpour replica with nFetch = nPush = 1 does besides computing its
// gradient: fetch every shard, then push a gradient to every shard (the shards run AdaGrad). Each
// worker steps as fast as it can for S seconds.
// - pushes/s accepted: pushes the workers completed over the pushing window (first start to last
//   end). For Redis a push is accepted once it is in the shard's stream.
// - pushes/s applied: pushes the shards applied over the window from the first start until every
//   queue was empty (the in-process transport applies a push before it returns).
// - payload bytes/step: parameters fetched plus gradients pushed by one step (TransportStats).
// - Redis wire bytes/step: everything Redis received and sent during the run (INFO stats
//   total_net_input_bytes + total_net_output_bytes, workers' and shard servers' traffic with
//   protocol framing) over the steps taken.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { machineInfo, watchLoad } from './lib/machine.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const require = createRequire(import.meta.url);
const cli = join(root, 'bin', 'descent-ps.mjs');
const descentEntry = join(root, 'dist', 'cjs', 'index.js');

const USAGE = `usage: node bench/redis.mjs [--quick] [--seconds S] [--sizes LIST] [--workers LIST] [--shards S] [--out DIR]
  --quick    1 second per configuration (a smoke run, not a measurement)
  --seconds  pushing time per configuration (default 4)
  --sizes    parameter counts (default 10000,1000000)
  --workers  worker counts (default 1,2,4)
  --shards   parameter shards, one shard server each (default 2)
  --out      results directory (default bench/results)`;

function parseArgs(argv) {
  const args = { seconds: 4, sizes: [1e4, 1e6], workers: [1, 2, 4], shards: 2, out: join(here, 'results'), worker: null };
  const list = (v, name) => v.split(',').map((x) => {
    const n = Number(x);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} takes positive integers, got ${x}`);
    return n;
  });
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') args.seconds = 1;
    else if (a === '--seconds') args.seconds = Number(value());
    else if (a === '--sizes') args.sizes = list(value(), a);
    else if (a === '--workers') args.workers = list(value(), a);
    else if (a === '--shards') args.shards = list(value(), a)[0];
    else if (a === '--out') args.out = resolve(value());
    else if (a === '--worker-process') args.worker = JSON.parse(value());
    else if (a === '-h' || a === '--help') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${a}\n${USAGE}`);
  }
  if (!(args.seconds > 0)) throw new Error('--seconds must be positive');
  return args;
}

/** One worker's loop on any transport: fetch every shard, push to every shard, for `seconds`. */
async function stepLoop(transport, worker, seconds, idPrefix) {
  const shards = transport.layout.shards;
  const params = shards.map((s) => new Float32Array(s.length));
  const grads = shards.map((s) => new Float32Array(s.length).fill(1e-3));
  const startedAt = Date.now();
  const until = startedAt + seconds * 1000;
  let steps = 0;
  while (Date.now() < until) {
    let version = 0;
    for (let s = 0; s < shards.length; s++) version = await transport.fetch(s, params[s]);
    for (let s = 0; s < shards.length; s++)
      await transport.push({ id: `${idPrefix}:${worker}:${s}:${steps}`, worker, shard: s, kind: 'gradient', values: grads[s], readVersion: version });
    steps++;
  }
  return { steps, startedAt, endedAt: Date.now(), stats: transport.stats() };
}

// Worker process of the Redis runs: steps through a Redis transport and prints its result as JSON.
async function redisWorkerProcess({ url, job, worker, seconds }) {
  const ps = require(join(root, 'dist', 'cjs', 'async', 'redis', 'index.js'));
  const transport = await ps.openRedisTransport({ url, job });
  const result = await stepLoop(transport, worker, seconds, `bench-${process.pid}`);
  await transport.close();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

// Worker thread of the in-process runs.
const THREAD = `
const { workerData, parentPort } = require('node:worker_threads');
const { module, config, worker, seconds } = workerData;
(async () => {
  const transport = await require(module).openTransport(config);
  const stepLoop = eval(workerData.stepLoop);
  parentPort.postMessage(await stepLoop(transport, worker, seconds, 'bench'));
})().catch((err) => parentPort.postMessage({ error: err.message }));`;

async function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function startRedis() {
  const dir = mkdtempSync(join(os.tmpdir(), 'descent-bench-redis-'));
  const port = await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no',
    '--logfile', join(dir, 'redis.log')], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const ok = await new Promise((res) => {
      const c = net.connect(port, '127.0.0.1');
      c.once('connect', () => c.write('PING\r\n'));
      c.once('data', (d) => { c.destroy(); res(d.toString().startsWith('+PONG')); });
      c.once('error', () => res(false));
    });
    if (ok) break;
    if (i > 200) throw new Error('redis-server did not start');
    await sleep(25);
  }
  return { url, proc, stop: () => { proc.kill('SIGKILL'); rmSync(dir, { recursive: true, force: true }); } };
}

function collect(proc) {
  let out = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { out += d; });
  return new Promise((res) => proc.on('exit', (code) => res({ code, out })));
}

/** Bytes in and out of Redis so far (INFO stats). */
async function redisNetBytes(ps, url) {
  const { loadIoredis } = require(join(root, 'dist', 'cjs', 'async', 'redis', 'connection.js'));
  const { Redis } = loadIoredis();
  const c = new Redis(url);
  const info = await c.info('stats');
  await c.quit();
  const field = (name) => Number(new RegExp(`${name}:(\\d+)`).exec(info)?.[1] ?? NaN);
  return field('total_net_input_bytes') + field('total_net_output_bytes');
}

function summarise(kind, size, workers, results, applied, appliedWindowMs) {
  const start = Math.min(...results.map((r) => r.startedAt));
  const end = Math.max(...results.map((r) => r.endedAt));
  const steps = results.reduce((a, r) => a + r.steps, 0);
  const pushes = results.reduce((a, r) => a + r.stats.pushes, 0);
  const payload = results.reduce((a, r) => a + r.stats.bytesSent + r.stats.bytesReceived, 0);
  return {
    transport: kind, size, workers, steps, pushes, applied,
    pushesPerSecond: pushes / ((end - start) / 1000),
    appliedPerSecond: applied / (appliedWindowMs / 1000),
    stepsPerSecond: steps / ((end - start) / 1000),
    payloadBytesPerStep: payload / steps,
  };
}

async function runRedis(ps, args, redis, size, workers, index) {
  const job = `bench-${size}-${workers}-${index}`;
  await ps.initRedisJob({ redis: { url: redis.url }, job, layout: ps.shardLayout(size, args.shards), rule: 'adagrad', ifExists: 'overwrite' });
  const servers = [];
  for (let s = 0; s < args.shards; s++) {
    const proc = spawn(process.execPath, [cli, 'server', '--redis', redis.url, '--job', job, '--shard', String(s), '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    servers.push({ proc, done: collect(proc) });
  }
  while ((await ps.redisJobStatus({ url: redis.url }, job)).servers.length < args.shards) await sleep(50);
  const before = await redisNetBytes(ps, redis.url);
  const procs = [];
  for (let w = 0; w < workers; w++) {
    const proc = spawn(process.execPath, [fileURLToPath(import.meta.url), '--worker-process', JSON.stringify({ url: redis.url, job, worker: w, seconds: args.seconds })], { stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(collect(proc));
  }
  const results = (await Promise.all(procs)).map(({ code, out }) => {
    if (code !== 0) throw new Error(`a Redis bench worker failed:\n${out}`);
    return JSON.parse(out.trim().split('\n').pop());
  });
  let status;
  while (true) {
    status = await ps.redisJobStatus({ url: redis.url }, job);
    if (status.shards.every((s) => s.queued === 0)) break;
    await sleep(20);
  }
  const drainedAt = Date.now();
  const wire = (await redisNetBytes(ps, redis.url)) - before;
  for (const s of servers) s.proc.kill('SIGTERM');
  await Promise.all(servers.map((s) => s.done));
  const applied = status.shards.reduce((a, s) => a + s.version, 0);
  const start = Math.min(...results.map((r) => r.startedAt));
  const row = summarise('redis', size, workers, results, applied, drainedAt - start);
  row.wireBytesPerStep = wire / row.steps;
  await ps.deleteRedisJobKeys({ url: redis.url }, job);
  return row;
}

async function runInProcess(ps, args, size, workers) {
  const server = ps.createInProcessServer({ size, shards: args.shards, rule: 'adagrad' });
  const endpoint = server.endpoint();
  const threads = [];
  for (let w = 0; w < workers; w++) {
    const t = new Worker(THREAD, { eval: true, workerData: { module: endpoint.module, config: endpoint.config, worker: w, seconds: args.seconds, stepLoop: `(${stepLoop.toString()})` } });
    threads.push(new Promise((res, rej) => {
      t.once('message', (m) => (m.error ? rej(new Error(m.error)) : res(m)));
      t.once('error', rej);
    }));
  }
  const results = await Promise.all(threads);
  await server.drain();
  const applied = server.stats().applied;
  const start = Math.min(...results.map((r) => r.startedAt));
  const end = Math.max(...results.map((r) => r.endedAt));
  await server.close();
  const row = summarise('in-process', size, workers, results, applied, end - start);
  row.wireBytesPerStep = 0;
  return row;
}

const fmt = (x, digits = 3) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e4 ? `${(x / 1e3).toFixed(1)} k` : x.toPrecision(digits));
const fmtBytes = (x) => (x === 0 ? '0 (shared memory)' : x >= 2 ** 20 ? `${(x / 2 ** 20).toFixed(2)} MiB` : `${(x / 1024).toFixed(1)} KiB`);

function markdown(rows, meta) {
  const lines = [
    '# Redis parameter server vs in-process transport',
    '',
    `${meta.machine.cpuModel}, ${meta.machine.logicalCpus} logical CPUs, Node ${meta.machine.node}, ${meta.redisVersion}; ` +
      `${meta.shards} shards (AdaGrad), ${meta.seconds} s of pushing per row; machine load from other processes: ` +
      `${meta.load.busyCoresOthers ?? '?'} busy cores on average (load average at start ${meta.loadavg}).`,
    '',
    'A step fetches every shard and pushes a gradient to every shard (Downpour with nFetch = nPush = 1, no gradient computation).',
    'Redis: one redis-server on loopback, one shard-server process per shard, one process per worker. In-process: one worker thread per worker, pushes applied under a per-shard lock.',
    '',
    '| parameters | workers | transport | steps/s | pushes/s accepted | pushes/s applied | payload bytes/step | Redis wire bytes/step |',
    '|---:|---:|---|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows)
    lines.push(`| ${r.size.toExponential(0)} | ${r.workers} | ${r.transport} | ${fmt(r.stepsPerSecond)} | ${fmt(r.pushesPerSecond)} | ${fmt(r.appliedPerSecond)} | ${fmtBytes(r.payloadBytesPerStep)} | ${r.transport === 'redis' ? fmtBytes(r.wireBytesPerStep) : '—'} |`);
  lines.push('', 'Wire bytes include the shard servers reading each push and writing back parameters and AdaGrad state once per commit (a commit applies up to 32 queued pushes).');
  return `${lines.join('\n')}\n`;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.worker) return redisWorkerProcess(args.worker);
  const redisVersion = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (redisVersion.status !== 0) {
    console.error('bench/redis.mjs: redis-server is not installed (Debian: apt-get install -y redis-server); nothing measured');
    process.exitCode = 1;
    return;
  }
  const ps = {
    ...require(descentEntry),
    ...require(join(root, 'dist', 'cjs', 'async', 'redis', 'index.js')),
    ...require(join(root, 'dist', 'cjs', 'async', 'in-process', 'server.js')),
  };
  const loadavg = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  const redis = await startRedis();
  const stopLoad = watchLoad();
  const rows = [];
  try {
    let index = 0;
    for (const size of args.sizes) {
      for (const workers of args.workers) {
        // Side by side, so a change in machine load hits both.
        for (const kind of ['in-process', 'redis']) {
          const row = kind === 'redis' ? await runRedis(ps, args, redis, size, workers, index++) : await runInProcess(ps, args, size, workers);
          rows.push(row);
          console.error(`${kind.padEnd(10)} ${String(size).padStart(8)} params ${workers} workers: ${fmt(row.pushesPerSecond)} pushes/s accepted, ${fmt(row.appliedPerSecond)} applied/s, ${fmtBytes(row.payloadBytesPerStep)} payload/step` +
            (kind === 'redis' ? `, ${fmtBytes(row.wireBytesPerStep)} on the wire/step` : ''));
        }
      }
    }
  } finally {
    redis.stop();
  }
  const meta = { machine: machineInfo(ps.nativeInfo()), redisVersion: redisVersion.stdout.trim(), shards: args.shards, seconds: args.seconds, load: stopLoad(), loadavg };
  const md = markdown(rows, meta);
  mkdirSync(args.out, { recursive: true });
  writeFileSync(join(args.out, 'redis.json'), `${JSON.stringify({ ...meta, rows }, null, 2)}\n`);
  writeFileSync(join(args.out, 'redis.md'), md);
  console.log(md);
}

await main();
