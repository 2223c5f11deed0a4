#!/usr/bin/env node
// The `descent-ps` command: the parameter server on Redis. Starts shard servers and workers (each a
// process of its own, on this machine or any other that reaches the Redis), or a whole job from a
// config file, and reports progress. Needs `npm install ioredis`.
//
//   descent-ps server --redis URL --job NAME [--shards S] [--shard i[,j...]]
//   descent-ps worker --config FILE --worker i
//   descent-ps run    --config FILE
//   descent-ps status --redis URL --job NAME [--json]
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const self = fileURLToPath(import.meta.url);

const USAGE = `usage: descent-ps <command> [options]

commands:
  server --redis URL | --cluster HOST:PORT[,HOST:PORT...]  --job NAME [--prefix P]
         [--shards S] [--shard I[,J...]] [--batch N] [--claim-idle-ms MS] [--dedup-window N]
         [--heartbeat-ttl-ms MS] [--quiet]
         serve shards of a job (default: all of them) until SIGINT/SIGTERM; --shards checks the
         job's shard count
  worker --config FILE --worker I
         run worker I of the job in FILE (Downpour replica or EASGD worker)
  run    --config FILE
         create the job in FILE in Redis, start its shard servers and workers as child processes,
         print progress (pushes applied per shard, loss), stop the servers when the workers are done
  status --redis URL | --cluster ... --job NAME [--prefix P] [--json]
         versions, queued pushes and live/dead processes of a job

options:
  -h, --help     this text`;

const EXIT_USAGE = 2;
const EXIT_FAILURE = 1;

function usageError(message) {
  process.stderr.write(`descent-ps: ${message}\n\n${USAGE}\n`);
  return EXIT_USAGE;
}

/** The package's Redis module from the CommonJS build. */
function loadRedisModule() {
  const entry = join(root, 'dist', 'cjs', 'async', 'redis', 'index.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: build the package first (npm run build)`);
  return createRequire(import.meta.url)(entry);
}

/** Parses `--flag value` pairs and bare `--switch`es; returns null (after printing) on an unknown flag. */
function parseFlags(args, valued, switches) {
  const out = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (switches.includes(a)) out[a.slice(2)] = true;
    else if (valued.includes(a)) {
      if (i + 1 >= args.length) throw new UsageError(`${a} needs a value`);
      out[a.slice(2)] = args[++i];
    } else throw new UsageError(`unknown option ${a}`);
  }
  return out;
}

class UsageError extends Error {}

function intFlag(flags, name, fallback) {
  if (flags[name] === undefined) return fallback;
  const v = Number(flags[name]);
  if (!Number.isInteger(v) || v < 0) throw new UsageError(`--${name} must be a non-negative integer, got ${flags[name]}`);
  return v;
}

function locationOf(flags) {
  const prefix = flags.prefix === undefined ? {} : { prefix: flags.prefix };
  if (flags.cluster) {
    const cluster = flags.cluster.split(',').map((hp) => {
      const m = /^(.+):(\d+)$/.exec(hp.trim());
      if (!m) throw new UsageError(`--cluster takes HOST:PORT[,HOST:PORT...], got ${hp}`);
      return { host: m[1], port: Number(m[2]) };
    });
    return { cluster, ...prefix };
  }
  if (!flags.redis) throw new UsageError('--redis URL or --cluster HOST:PORT,... is required');
  return { url: flags.redis, ...prefix };
}

/** An AbortController aborted by the first SIGINT or SIGTERM. */
function stopOnSignals() {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return stop;
}

const formatCount = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(1)}k` : String(n));

async function serverCommand(args) {
  const flags = parseFlags(args, ['--redis', '--cluster', '--prefix', '--job', '--shards', '--shard', '--batch', '--claim-idle-ms',
    '--dedup-window', '--heartbeat-ttl-ms', '--commit-delay-ms', '--consumer'], ['--quiet']);
  if (!flags.job) throw new UsageError('--job NAME is required');
  const redis = locationOf(flags);
  const ps = loadRedisModule();
  if (flags.shards !== undefined) {
    const status = await ps.redisJobStatus(redis, flags.job);
    const expected = intFlag(flags, 'shards');
    if (status.meta.layout.shards.length !== expected)
      throw new UsageError(`job '${flags.job}' has ${status.meta.layout.shards.length} shards, not --shards ${expected}`);
  }
  const shards = flags.shard === undefined ? undefined : flags.shard.split(',').map((s) => {
    const v = Number(s);
    if (!Number.isInteger(v) || v < 0) throw new UsageError(`--shard takes shard indices, got ${s}`);
    return v;
  });
  const stop = stopOnSignals();
  const tty = process.stderr.isTTY;
  const started = Date.now();
  const summary = await ps.runShardServer({
    redis, job: flags.job, signal: stop.signal,
    ...(shards ? { shards } : {}),
    ...(flags.consumer ? { consumer: flags.consumer } : {}),
    batch: intFlag(flags, 'batch', 32),
    claimIdleMs: intFlag(flags, 'claim-idle-ms', 10_000),
    dedupWindow: intFlag(flags, 'dedup-window', 100_000),
    heartbeatTtlMs: intFlag(flags, 'heartbeat-ttl-ms', 3_000),
    commitDelayMs: intFlag(flags, 'commit-delay-ms', 0),
    onProgress: flags.quiet ? undefined : (p) => {
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      const parts = p.shards.map((s) => `shard ${s.shard} v${s.version} +${formatCount(s.applied)}` +
        (s.duplicates ? ` dup ${s.duplicates}` : '') + (s.claimed ? ` claimed ${s.claimed}` : '') + (s.rejected ? ` rejected ${s.rejected}` : ''));
      process.stderr.write(`${tty ? '\r\x1b[K' : ''}[${secs} s] ${p.consumer}: ${parts.join(' | ')}${tty ? '' : '\n'}`);
    },
  });
  if (!flags.quiet) {
    if (tty) process.stderr.write('\n');
    process.stderr.write(`stopped: ${summary.shards.map((s) => `shard ${s.shard} applied ${s.applied}`).join(', ')}\n`);
  }
  return 0;
}

function readConfig(file) {
  if (!file) throw new UsageError('--config FILE is required');
  const full = resolve(file);
  let raw;
  try {
    raw = JSON.parse(readFileSync(full, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read ${file} as JSON: ${err.message}`);
  }
  return { config: loadRedisModule().checkRunConfig(raw, dirname(full)), file: full };
}

async function workerCommand(args) {
  const flags = parseFlags(args, ['--config', '--worker'], []);
  const { config } = readConfig(flags.config);
  const worker = intFlag(flags, 'worker');
  if (worker === undefined) throw new UsageError('--worker I is required');
  const stop = stopOnSignals();
  const ps = loadRedisModule();
  await ps.runRedisWorker({
    transport: { ...config.redis, job: config.job, retriesPerRequest: null },
    algorithm: config.algorithm, model: config.model, data: config.data,
    worker, workers: config.replicas, options: config.options,
    heartbeatTtlMs: config.heartbeatTtlMs, signal: stop.signal,
  });
  return 0;
}

async function statusCommand(args) {
  const flags = parseFlags(args, ['--redis', '--cluster', '--prefix', '--job'], ['--json']);
  if (!flags.job) throw new UsageError('--job NAME is required');
  const status = await loadRedisModule().redisJobStatus(locationOf(flags), flags.job);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
    return 0;
  }
  const lines = [`job ${flags.job}: ${status.meta.layout.size} parameters in ${status.meta.layout.shards.length} shards, rule ${status.meta.rule.name}`];
  for (const s of status.shards) lines.push(`  shard ${s.shard}: version ${s.version}, queued ${s.queued} (pending ${s.pending}), rejected ${s.rejected}`);
  for (const [kind, list] of [['worker', status.workers], ['server', status.servers]])
    for (const p of list) lines.push(`  ${kind} ${p.name}: ${p.dead ? 'DEAD (no heartbeat)' : p.state} (pid ${p.pid} on ${p.host})`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** Starts `descent-ps <args>` as a child; its stdout and stderr go to ours, prefixed. */
function child(name, args) {
  const proc = spawn(process.execPath, [self, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [proc.stdout, proc.stderr]) {
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      buffered += chunk;
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        process.stderr.write(`${name}: ${buffered.slice(0, nl)}\n`);
        buffered = buffered.slice(nl + 1);
      }
    });
  }
  const exited = new Promise((res) => proc.on('exit', (code, signal) => res({ code, signal })));
  return { name, proc, exited, done: false, result: null };
}

async function runCommand(args) {
  const flags = parseFlags(args, ['--config', '--progress-ms'], []);
  const { config, file } = readConfig(flags.config);
  const progressMs = intFlag(flags, 'progress-ms', 1000);
  const ps = loadRedisModule();
  const model = await ps.loadAsyncModel(config.model, config.data);
  if (config.shards > model.size) throw new UsageError(`shards (${config.shards}) must not exceed the model's ${model.size} parameters`);
  const layout = ps.shardLayout(model.size, config.shards);
  const { created } = await ps.initRedisJob({
    redis: config.redis, job: config.job, layout, rule: config.rule, ifExists: config.ifExists,
    initialParams: ps.initialParameters(model.size, config.init),
  });
  process.stderr.write(`descent-ps: job '${config.job}' ${created ? 'created' : 'resumed'}: ${model.size} parameters, ${config.shards} shards, ` +
    `${config.servers} servers, ${config.replicas} ${config.algorithm} workers, rule ${config.rule.name}\n`);

  const redisArgs = config.redis.cluster
    ? ['--cluster', config.redis.cluster.map((n) => `${n.host}:${n.port}`).join(',')]
    : ['--redis', config.redis.url ?? 'redis://127.0.0.1:6379'];
  if (config.redis.prefix !== undefined) redisArgs.push('--prefix', config.redis.prefix);
  const serverOpts = [];
  if (config.server.batch !== undefined) serverOpts.push('--batch', String(config.server.batch));
  if (config.server.claimIdleMs !== undefined) serverOpts.push('--claim-idle-ms', String(config.server.claimIdleMs));
  if (config.server.dedupWindow !== undefined) serverOpts.push('--dedup-window', String(config.server.dedupWindow));
  const startServer = (i) => {
    const shards = ps.shardsOfServer(i, config.servers, config.shards);
    const s = child(`server ${i}`, ['server', ...redisArgs, '--job', config.job, '--shard', shards.join(','), '--quiet',
      '--heartbeat-ttl-ms', String(config.heartbeatTtlMs), ...serverOpts]);
    s.exited.then((r) => { s.done = true; s.result = r; });
    return s;
  };
  const servers = [];
  for (let i = 0; i < config.servers; i++) servers.push(startServer(i));
  const workers = [];
  for (let i = 0; i < config.replicas; i++) workers.push(child(`worker ${i}`, ['worker', '--config', file, '--worker', String(i)]));
  for (const w of workers) w.exited.then((r) => { w.done = true; w.result = r; });

  let interrupted = false;
  const onSignal = () => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write('\ndescent-ps: stopping (SIGINT)\n');
    for (const c of [...workers, ...servers]) if (!c.done) c.proc.kill('SIGINT');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const transport = await ps.openRedisTransport({ ...config.redis, job: config.job, retriesPerRequest: null });
  const params = new Float32Array(model.size);
  const lossNow = async () => {
    if (typeof model.loss !== 'function') return NaN;
    for (let s = 0; s < layout.shards.length; s++) {
      const { offset, length } = layout.shards[s];
      await transport.fetch(s, params.subarray(offset, offset + length));
    }
    return model.loss(params);
  };
  const started = Date.now();
  const reported = new Set();
  const tty = process.stderr.isTTY;
  const progress = async (final) => {
    const status = await ps.redisJobStatus(config.redis, config.job);
    for (const w of status.workers) {
      if (w.dead && !reported.has(`dead ${w.name}`)) {
        reported.add(`dead ${w.name}`);
        process.stderr.write(`${tty ? '\n' : ''}descent-ps: worker ${w.name} is dead: no heartbeat for ${config.heartbeatTtlMs} ms (pid ${w.pid} on ${w.host})\n`);
      }
    }
    for (const s of status.servers) {
      if (s.dead && !reported.has(`dead server ${s.name}`)) {
        reported.add(`dead server ${s.name}`);
        process.stderr.write(`${tty ? '\n' : ''}descent-ps: shard server ${s.name} is dead: its pending pushes go to the next server that claims them\n`);
      }
    }
    const loss = await lossNow();
    const alive = status.workers.filter((w) => w.state === 'running' && !w.dead).length;
    const line = `[${((Date.now() - started) / 1000).toFixed(1)} s] applied ${status.shards.map((s) => formatCount(s.version)).join(' ')}` +
      ` | queued ${status.shards.reduce((a, s) => a + s.queued, 0)} | workers running ${alive}/${config.replicas}` +
      (Number.isNaN(loss) ? '' : ` | loss ${loss.toPrecision(5)}`);
    process.stderr.write(tty && !final ? `\r\x1b[K${line}` : `${line}\n`);
    return status;
  };

  let failures = 0;
  try {
    while (!workers.every((w) => w.done) && !interrupted) {
      await new Promise((r) => setTimeout(r, progressMs));
      await progress(false).catch((err) => process.stderr.write(`\ndescent-ps: status failed: ${err.message}\n`));
      servers.forEach((s, i) => {
        if (!s.done || interrupted) return;
        // A shard server holds no state: a new one claims the pushes the old one left pending.
        process.stderr.write(`${tty ? '\n' : ''}descent-ps: ${s.name} exited (${s.result.signal ?? `code ${s.result.code}`}); starting another\n`);
        servers[i] = startServer(i);
      });
    }
    for (const w of workers) {
      if (w.result && (w.result.code !== 0 || w.result.signal)) {
        failures++;
        process.stderr.write(`${tty ? '\n' : ''}descent-ps: ${w.name} failed (${w.result.signal ?? `exit code ${w.result.code}`})\n`);
      }
    }
    // Let the servers apply what the workers pushed before stopping them.
    for (let waited = 0; !interrupted && waited < 30_000; waited += 100) {
      const status = await ps.redisJobStatus(config.redis, config.job);
      if (status.shards.every((s) => s.queued === 0)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await progress(true);
  } finally {
    for (const s of servers) if (!s.done) s.proc.kill('SIGTERM');
    await Promise.all(servers.map((s) => s.exited));
    if (interrupted) await Promise.all(workers.map((w) => w.exited));
    await transport.close();
  }
  if (interrupted) return 130;
  return failures > 0 ? EXIT_FAILURE : 0;
}

async function main(argv) {
  const [command, ...args] = argv;
  if (!command || command === '-h' || command === '--help') {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : EXIT_USAGE;
  }
  const commands = { server: serverCommand, worker: workerCommand, run: runCommand, status: statusCommand };
  const run = commands[command];
  if (!run) return usageError(`unknown command '${command}'`);
  if (args.includes('-h') || args.includes('--help')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    return await run(args);
  } catch (err) {
    if (err instanceof UsageError) return usageError(err.message);
    process.stderr.write(`descent-ps ${command}: ${err.message}\n`);
    return EXIT_FAILURE;
  }
}

process.exitCode = await main(process.argv.slice(2));
