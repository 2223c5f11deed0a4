// The parameter server on Redis, against a real redis-server (never a mock): each test starts its
// own redis-server on a free loopback port with a temporary directory, and the suite is skipped,
// saying why, when redis-server is not installed. Shard servers and workers run as child processes
// of the built package (dist/, made by `npm run build:ts`) through bin/descent-ps.mjs.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { initRedisJob, openRedisTransport, redisJobStatus, runShardServer, shardLayout } from '../lib/async/redis/index';
import type { Push, ServerRule } from '../lib/async/transport';

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'bin', 'descent-ps.mjs');
const built = fs.existsSync(path.join(root, 'dist', 'cjs', 'async', 'redis', 'index.js'));

function redisServerVersion(): string | null {
  const r = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}
const redisVersion = redisServerVersion();
if (!redisVersion)
  console.warn('test/async-redis.test.ts: SKIPPED: redis-server is not installed (Debian: apt-get install -y redis-server)');
if (redisVersion && !built) console.warn('test/async-redis.test.ts: the child-process tests need the build: run `npm run build:ts`');
const describeRedis = redisVersion ? describe : describe.skip;

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-redis-'));
  scratch.push(dir);
  return dir;
}

const children = new Set<ChildProcess>();
afterEach(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  children.clear();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Waits until `check` returns true (polling), or throws after `timeoutMs` with `what`. */
async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

interface RedisInstance {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  proc: ChildProcess;
  /** Starts it again on the same port and directory (after a kill). */
  restart(): Promise<void>;
}

/** A redis-server of our own on a free loopback port; `persist` turns on the AOF (fsync always) in its directory. */
async function startRedis(persist = false, extra: string[] = []): Promise<RedisInstance> {
  const dir = tempDir();
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no',
    '--appendonly', persist ? 'yes' : 'no', '--appendfsync', 'always', '--logfile', path.join(dir, 'redis.log'), ...extra];
  const launch = async (): Promise<ChildProcess> => {
    const proc = spawn('redis-server', args, { stdio: 'ignore' });
    children.add(proc);
    await waitFor(`redis-server on port ${port}`, () => new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.write('PING\r\n'); });
      socket.once('data', (d) => { socket.destroy(); resolve(d.toString().startsWith('+PONG')); });
      socket.once('error', () => resolve(false));
    }));
    return proc;
  };
  const instance: RedisInstance = {
    url: `redis://127.0.0.1:${port}`, port, dir, proc: await launch(),
    async restart() { instance.proc = await launch(); },
  };
  return instance;
}

/** `descent-ps <args>` as a child process; its output is kept for failure messages. */
function descentPs(args: string[]): ChildProcess & { output: () => string } {
  const proc = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }) as ChildProcess & { output: () => string };
  let out = '';
  proc.stdout!.on('data', (d) => { out += d; });
  proc.stderr!.on('data', (d) => { out += d; });
  proc.output = () => out;
  children.add(proc);
  return proc;
}

function exited(proc: ChildProcess): Promise<number | null> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(proc.exitCode);
  return new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
}

const ones = (n: number): Float32Array => new Float32Array(n).fill(1);
const SGD1: ServerRule = { name: 'sgd', lr: 1 };
let jobs = 0;
const newJob = (): string => `test-${process.pid}-${jobs++}`;

function push(id: string, shard: number, values: Float32Array, worker = 0): Push {
  return { id, worker, shard, kind: 'gradient', values, readVersion: 0 };
}

describeRedis(`Redis parameter server (${redisVersion ?? 'redis-server missing'})`, () => {
  it('fetches back the initial parameters of every shard with version 0', async () => {
    const redis = await startRedis();
    const job = newJob();
    const layout = shardLayout(10, 3);
    const initial = Float32Array.from({ length: 10 }, (_, i) => i * 0.5 - 1);
    await initRedisJob({ redis: { url: redis.url }, job, layout, rule: SGD1, initialParams: initial });
    const t = await openRedisTransport({ url: redis.url, job, layout });
    for (let s = 0; s < 3; s++) {
      const { offset, length } = layout.shards[s]!;
      const into = new Float32Array(length);
      expect(await t.fetch(s, into)).toBe(0);
      expect(Array.from(into)).toEqual(Array.from(initial.subarray(offset, offset + length)));
    }
    expect(t.stats()).toMatchObject({ fetches: 3, pushes: 0, bytesReceived: 40 });
    await t.close();
  });

  it('rejects bad arguments with errors naming them, leaving the caller\'s arrays as they were', async () => {
    const redis = await startRedis();
    const job = newJob();
    await initRedisJob({ redis: { url: redis.url }, job, layout: shardLayout(4, 2), rule: SGD1 });
    const t = await openRedisTransport({ url: redis.url, job });
    const into = new Float32Array(2).fill(7);
    await expect(t.fetch(2, into)).rejects.toThrow(RangeError);
    await expect(t.fetch(0, new Float32Array(3))).rejects.toThrow(/into has length 3, expected 2/);
    await expect(t.fetch(0, into, new Float32Array(2))).rejects.toThrow(/only for servers running 'adaptive-revision'/);
    expect(Array.from(into)).toEqual([7, 7]);
    await expect(t.push(push('x', 0, new Float32Array(3)))).rejects.toThrow(/push.values has length 3, expected 2/);
    await expect(t.push({ ...push('x', 0, ones(2)), kind: 'other' as 'gradient' })).rejects.toThrow(TypeError);
    await t.close();
    await expect(openRedisTransport({ url: redis.url, job: 'no-such-job' })).rejects.toThrow(/no job 'no-such-job'/);
    await expect(openRedisTransport({ url: 'http://x', job })).rejects.toThrow(/redis:\/\//);
    await expect(openRedisTransport({ url: redis.url, job: 'a{b}' })).rejects.toThrow(/without '\{'/);
  });

  it('applies pushes through a shard server, and every fetch sees parameters and version from the same commit', async () => {
    const redis = await startRedis();
    const job = newJob();
    const n = 1000;
    await initRedisJob({ redis: { url: redis.url }, job, layout: shardLayout(n, 1), rule: SGD1 });
    const stop = new AbortController();
    const server = runShardServer({ redis: { url: redis.url }, job, signal: stop.signal, batch: 4, blockMs: 50 });
    const writer = await openRedisTransport({ url: redis.url, job });
    const reader = await openRedisTransport({ url: redis.url, job });
    const total = 200;
    const pushing = (async () => {
      // x ← x − 1·(−1): every applied push adds exactly 1 to every coordinate.
      for (let i = 0; i < total; i++) await writer.push(push(`p${i}`, 0, new Float32Array(n).fill(-1)));
    })();
    const into = new Float32Array(n);
    let reads = 0, lastVersion = -1;
    for (;;) {
      const version = await reader.fetch(0, into);
      reads++;
      expect(version).toBeGreaterThanOrEqual(lastVersion);
      lastVersion = version;
      // A torn read (blob of one commit, version of another) would break this.
      expect(into.every((x) => x === version)).toBe(true);
      if (version === total) break;
    }
    await pushing;
    expect(reads).toBeGreaterThan(1);
    expect(writer.stats()).toMatchObject({ pushes: total, bytesSent: total * n * 4 });
    stop.abort();
    const summary = await server;
    expect(summary.shards[0]).toMatchObject({ shard: 0, version: total, applied: total, duplicates: 0 });
    await Promise.all([writer.close(), reader.close()]);
  });

  it('applies a push id once even when it is pushed twice, and acknowledges a malformed push without applying it', async () => {
    const redis = await startRedis();
    const job = newJob();
    await initRedisJob({ redis: { url: redis.url }, job, layout: shardLayout(3, 1), rule: SGD1 });
    const t = await openRedisTransport({ url: redis.url, job });
    await t.push(push('same', 0, ones(3)));
    await t.push(push('same', 0, ones(3)));
    await t.push(push('other', 0, ones(3)));
    // An elastic push to an SGD server does not fit the rule: rejected, acknowledged, not applied.
    await t.push({ ...push('wrong-kind', 0, ones(3)), kind: 'elastic' });
    const stop = new AbortController();
    const server = runShardServer({ redis: { url: redis.url }, job, signal: stop.signal, blockMs: 50 });
    await waitFor('the queue to drain', async () => (await redisJobStatus({ url: redis.url }, job)).shards[0]!.queued === 0);
    const into = new Float32Array(3);
    expect(await t.fetch(0, into)).toBe(2);
    expect(Array.from(into)).toEqual([-2, -2, -2]);
    stop.abort();
    expect((await server).shards[0]).toMatchObject({ applied: 2, duplicates: 1, rejected: 1 });
    expect((await redisJobStatus({ url: redis.url }, job)).shards[0]).toMatchObject({ version: 2, rejected: 1, queued: 0 });
    await t.close();
  });
});

/** Pushes `count` pushes of −1s to every shard (ids `w<worker>-<i>-s<shard>`), re-pushing every 10th one (a retried XADD). */
async function pushMany(url: string, job: string, worker: number, count: number, lengths: readonly number[]): Promise<number> {
  const t = await openRedisTransport({ url, job, retriesPerRequest: null });
  let sent = 0;
  for (let i = 0; i < count; i++) {
    for (let s = 0; s < lengths.length; s++) {
      const p = push(`w${worker}-${i}-s${s}`, s, new Float32Array(lengths[s]!).fill(-1), worker);
      await t.push(p);
      sent++;
      if (i % 10 === 0) {
        await t.push(p);
        sent++;
      }
    }
  }
  await t.close();
  return sent;
}

async function pendingOf(url: string, job: string, shard: number): Promise<number> {
  return (await redisJobStatus({ url }, job)).shards[shard]!.pending;
}

const hasClusterCli = spawnSync('redis-cli', ['--version'], { encoding: 'utf8' }).status === 0;

describeRedis.runIf(hasClusterCli)('Redis parameter server on a Redis Cluster', () => {
  it('keeps each shard\'s keys on one slot, spreads the shards over the nodes, and applies every push once', async () => {
    const nodes = await Promise.all([0, 1, 2].map(() => startRedis(false, ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'])));
    const create = spawnSync('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes'],
      { encoding: 'utf8', timeout: 20_000 });
    expect(create.status, create.stdout + create.stderr).toBe(0);
    const ready = (n: RedisInstance): boolean => /cluster_state:ok/.test(spawnSync('redis-cli', ['-p', String(n.port), 'cluster', 'info'], { encoding: 'utf8' }).stdout);
    await waitFor('the cluster to be ready', () => nodes.every(ready));
    const redis = { cluster: nodes.map((n) => ({ host: '127.0.0.1', port: n.port })) };
    const job = newJob();
    await initRedisJob({ redis, job, layout: shardLayout(40, 4), rule: SGD1 });
    const stop = new AbortController();
    const server = runShardServer({ redis, job, signal: stop.signal, blockMs: 50 });
    const t = await openRedisTransport({ ...redis, job });
    for (let i = 0; i < 20; i++) for (let s = 0; s < 4; s++) await t.push(push(`p${i}-${s}`, s, new Float32Array(10).fill(-1)));
    await t.push(push('p0-0', 0, new Float32Array(10).fill(-1)));
    await waitFor('every push to be applied', async () => (await redisJobStatus(redis, job)).shards.every((s) => s.version === 20 && s.queued === 0));
    const into = new Float32Array(10);
    for (let s = 0; s < 4; s++) {
      expect(await t.fetch(s, into)).toBe(20);
      expect(into.every((x) => x === 20)).toBe(true);
    }
    await t.close();
    stop.abort();
    expect((await server).shards.map((s) => s.applied)).toEqual([20, 20, 20, 20]);
    // Each node holds whole shards (shard hash, stream and applied index together), and more than one node holds some.
    const owners = new Map<number, Set<number>>();
    nodes.forEach((n, i) => {
      const keys = spawnSync('redis-cli', ['-p', String(n.port), 'keys', `descent:{${job}:*`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
      for (const k of keys) {
        const shard = Number(/:(\d+)\}/.exec(k)![1]);
        owners.set(shard, (owners.get(shard) ?? new Set()).add(i));
      }
    });
    expect([...owners.keys()].sort()).toEqual([0, 1, 2, 3]);
    for (const set of owners.values()) expect(set.size).toBe(1);
    expect(new Set([...owners.values()].map((v) => [...v][0])).size).toBeGreaterThan(1);
  });
});

describeRedis.runIf(built)('Redis parameter server processes (descent-ps)', () => {
  it('loses no push and applies none twice when a shard server is killed with SIGKILL mid-run and another takes over', async () => {
    const redis = await startRedis();
    const job = newJob();
    const layout = shardLayout(64, 2);
    await initRedisJob({ redis: { url: redis.url }, job, layout, rule: SGD1 });
    const serverArgs = (shard: number): string[] => ['server', '--redis', redis.url, '--job', job, '--shards', '2', '--shard', String(shard),
      '--batch', '8', '--claim-idle-ms', '300', '--commit-delay-ms', '100', '--heartbeat-ttl-ms', '300', '--quiet'];
    const doomed = descentPs(serverArgs(0));
    const other = descentPs(serverArgs(1));
    const perWorker = 100;
    const lengths = layout.shards.map((s) => s.length);
    const pushing = Promise.all([0, 1].map((w) => pushMany(redis.url, job, w, perWorker, lengths)));
    // Kill shard 0's server while it holds pushes it has read but not committed.
    await waitFor('shard 0 to apply some pushes', async () => (await redisJobStatus({ url: redis.url }, job)).shards[0]!.version >= 24);
    await waitFor('shard 0 to have pushes in flight', async () => (await pendingOf(redis.url, job, 0)) > 0);
    doomed.kill('SIGKILL');
    await exited(doomed);
    const pendingAtKill = await pendingOf(redis.url, job, 0);
    expect(pendingAtKill).toBeGreaterThan(0);
    const versionAtKill = (await redisJobStatus({ url: redis.url }, job)).shards[0]!.version;
    const sent = (await pushing).reduce((a, b) => a + b, 0);
    expect(versionAtKill).toBeLessThan(2 * perWorker);
    const successor = descentPs(serverArgs(0));
    const unique = 2 * perWorker;
    await waitFor('every push to be applied', async () => {
      const st = await redisJobStatus({ url: redis.url }, job);
      return st.shards.every((s) => s.queued === 0 && s.version >= unique);
    }, 40_000);
    const st = await redisJobStatus({ url: redis.url }, job);
    // 2 workers × 100 unique pushes per shard; the retried copies (every 10th) are not applied again.
    expect(sent).toBe(2 * 2 * (perWorker + perWorker / 10));
    expect(st.shards.map((s) => s.version)).toEqual([unique, unique]);
    const t = await openRedisTransport({ url: redis.url, job });
    for (let s = 0; s < 2; s++) {
      const into = new Float32Array(lengths[s]!);
      await t.fetch(s, into);
      // Each applied push added exactly 1: the sum counts applications, so a double one would show.
      expect(into.every((x) => x === unique), `shard ${s}: ${into[0]}`).toBe(true);
    }
    await t.close();
    // The killed server is noticed by its expired heartbeat.
    await waitFor('the killed server to be reported dead', async () =>
      (await redisJobStatus({ url: redis.url }, job)).servers.some((p) => p.dead && p.pid === doomed.pid), 5_000);
    successor.kill('SIGTERM');
    other.kill('SIGTERM');
    expect(await exited(successor), successor.output()).toBe(0);
    expect(await exited(other), other.output()).toBe(0);
  });

  it('notices a worker process that dies: it stays registered as running while its heartbeat expires', async () => {
    const redis = await startRedis();
    const job = newJob();
    const model = seededModelModule();
    const data = { rows: 200, cols: 4, seed: 1, noise: 0.1 };
    await initRedisJob({ redis: { url: redis.url }, job, layout: shardLayout(4, 1), rule: { name: 'adagrad' } });
    // Two Downpour replicas as `descent-ps worker` processes: worker 0 finishes 5 steps, worker 1
    // would run for a long time. No shard server is needed: their pushes wait in the stream.
    const config = (steps: number): string => {
      const file = path.join(tempDir(), 'job.json');
      fs.writeFileSync(file, JSON.stringify({ redis: { url: redis.url }, job, algorithm: 'downpour', model, data, replicas: 2,
        heartbeatTtlMs: 600, options: { steps, batchSize: 4 } }));
      return file;
    };
    const finishing = descentPs(['worker', '--config', config(5), '--worker', '0']);
    const dying = descentPs(['worker', '--config', config(1_000_000), '--worker', '1']);
    expect(await exited(finishing), finishing.output()).toBe(0);
    await waitFor('worker 1 to register', async () => (await redisJobStatus({ url: redis.url }, job)).workers.length === 2);
    let st = await redisJobStatus({ url: redis.url }, job);
    expect(st.workers.find((w) => w.name === '0')).toMatchObject({ state: 'done', dead: false });
    expect(st.workers.find((w) => w.name === '1')).toMatchObject({ state: 'running', dead: false, pid: dying.pid });
    dying.kill('SIGKILL');
    await waitFor('the dead worker to be reported', async () =>
      (await redisJobStatus({ url: redis.url }, job)).workers.find((w) => w.name === '1')!.dead, 5_000);
    st = await redisJobStatus({ url: redis.url }, job);
    expect(st.workers.find((w) => w.name === '0')).toMatchObject({ state: 'done', dead: false });
    const status = spawnSync(process.execPath, [cli, 'status', '--redis', redis.url, '--job', job], { encoding: 'utf8' });
    expect(status.stdout).toMatch(/worker 1: DEAD \(no heartbeat\)/);
    expect(status.stdout).toMatch(/worker 0: done/);
  });

  it('resumes after Redis itself is killed and restarted from its append-only file', async () => {
    const redis = await startRedis(true);
    const job = newJob();
    const layout = shardLayout(32, 2);
    await initRedisJob({ redis: { url: redis.url }, job, layout, rule: SGD1 });
    const server = descentPs(['server', '--redis', redis.url, '--job', job, '--quiet']);
    const lengths = layout.shards.map((s) => s.length);
    await pushMany(redis.url, job, 0, 50, lengths);
    await waitFor('the first pushes to be applied', async () =>
      (await redisJobStatus({ url: redis.url }, job)).shards.every((s) => s.version === 50 && s.queued === 0));
    redis.proc.kill('SIGKILL');
    await exited(redis.proc);
    await sleep(300);
    await redis.restart();
    // The shard server (still running) and a new worker reconnect; training goes on from version 50.
    await pushMany(redis.url, job, 1, 50, lengths);
    await waitFor('the pushes after the restart to be applied', async () =>
      (await redisJobStatus({ url: redis.url }, job)).shards.every((s) => s.version === 100 && s.queued === 0), 30_000);
    const t = await openRedisTransport({ url: redis.url, job });
    const into = new Float32Array(lengths[0]!);
    expect(await t.fetch(0, into)).toBe(100);
    expect(into.every((x) => x === 100)).toBe(true);
    await t.close();
    server.kill('SIGTERM');
    expect(await exited(server), server.output()).toBe(0);
  });
});

/** A model module for processes: least squares (test/fixtures/async-least-squares.cjs) on data generated from a JSON seed. */
function seededModelModule(): string {
  const file = path.join(tempDir(), 'seeded-least-squares.cjs');
  fs.writeFileSync(file, `
const { createModel } = require(${JSON.stringify(path.join(root, 'test', 'fixtures', 'async-least-squares.cjs'))});
exports.createModel = ({ rows, cols, seed, noise }) => {
  let s = seed >>> 0 || 1;
  const next = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
  const gauss = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const X = new Float32Array(rows * cols), y = new Float32Array(rows);
  const w = Array.from({ length: cols }, gauss);
  for (let r = 0; r < rows; r++) {
    let t = 0;
    for (let j = 0; j < cols; j++) t += (X[r * cols + j] = gauss()) * w[j];
    y[r] = t + noise * gauss();
  }
  return createModel({ X, y, cols });
};`);
  return file;
}

describeRedis.runIf(built && fs.existsSync(path.join(root, 'dist', 'cjs', 'async', 'downpour-replica.js')))('Downpour across processes on Redis (descent-ps run)', () => {
  it('converges like the in-process Downpour with 2 worker processes and 2 shard-server processes, applying every push once', async () => {
    const redis = await startRedis();
    const job = newJob();
    const model = seededModelModule();
    const data = { rows: 2000, cols: 20, seed: 7, noise: 0.05 };
    const settings = { replicas: 2, shards: 2, steps: 300, batchSize: 16, nFetch: 1, nPush: 1, rule: { name: 'adagrad', lr: 0.2 } as ServerRule };
    const { downpour } = await import('../lib/async/downpour');
    const inProcess = await downpour({ model, data, ...settings, seed: 3 });

    const config = path.join(tempDir(), 'job.json');
    fs.writeFileSync(config, JSON.stringify({
      redis: { url: redis.url }, job, algorithm: 'downpour', model, data, shards: 2, replicas: 2, rule: settings.rule,
      options: { steps: settings.steps, batchSize: settings.batchSize, nFetch: 1, nPush: 1, seed: 3 },
    }));
    const run = descentPs(['run', '--config', config, '--progress-ms', '200']);
    expect(await exited(run), run.output()).toBe(0);
    expect(run.output()).toMatch(/job '.*' created: 20 parameters, 2 shards, 2 servers, 2 downpour workers, rule adagrad/);
    expect(run.output()).toMatch(/applied \d+ \d+ \| queued 0 \| workers running 0\/2 \| loss \d/);

    const st = await redisJobStatus({ url: redis.url }, job);
    // Each replica pushes to each shard after every step (nPush = 1): 2 × 300 per shard, none lost or doubled.
    expect(st.shards.map((s) => s.version)).toEqual([600, 600]);
    expect(st.workers.map((w) => [w.name, w.state, w.dead])).toEqual([['0', 'done', false], ['1', 'done', false]]);
    const t = await openRedisTransport({ url: redis.url, job });
    const params = new Float32Array(20);
    for (let s = 0; s < 2; s++) {
      const { offset, length } = t.layout.shards[s]!;
      await t.fetch(s, params.subarray(offset, offset + length));
    }
    await t.close();
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const m = (require(model) as { createModel: (d: unknown) => import('../lib/async/model').AsyncModel }).createModel(data);
    const initial = m.loss!(new Float32Array(20));
    const redisLoss = m.loss!(params);
    console.log(`Downpour loss from ${initial.toFixed(3)}: in-process ${inProcess.loss.toFixed(5)}, Redis (processes) ${redisLoss.toFixed(5)}`);
    // Both come down by three orders of magnitude to near the noise floor (the optimum is ≈ noise² / 2
    // = 0.00125), and end within 0.1% of the initial loss of each other. Not closer: pushes wait in
    // Redis streams before a shard server applies them, so staleness (and the last steps' noise)
    // differs from run to run.
    expect(inProcess.loss).toBeLessThan(1e-3 * initial);
    expect(redisLoss).toBeLessThan(1e-3 * initial);
    expect(Math.abs(redisLoss - inProcess.loss)).toBeLessThan(1e-3 * initial);
  });
});

describeRedis.runIf(built && fs.existsSync(path.join(root, 'dist', 'cjs', 'async', 'downpour-replica.js')))('descent-ps run: failures and shutdown', () => {
  it('reports a worker killed mid-run as dead, and on SIGINT stops every process cleanly with exit code 130', async () => {
    const redis = await startRedis();
    const job = newJob();
    const config = path.join(tempDir(), 'job.json');
    fs.writeFileSync(config, JSON.stringify({
      redis: { url: redis.url }, job, algorithm: 'downpour', model: seededModelModule(), data: { rows: 500, cols: 8, seed: 2, noise: 0.1 },
      shards: 2, replicas: 2, heartbeatTtlMs: 600, options: { steps: 10_000_000, batchSize: 8 },
    }));
    const run = descentPs(['run', '--config', config, '--progress-ms', '100']);
    await waitFor('both workers to push', async () => {
      const st = await redisJobStatus({ url: redis.url }, job).catch(() => null);
      return st !== null && st.workers.length === 2 && st.shards.every((s) => s.version > 10);
    });
    const victim = (await redisJobStatus({ url: redis.url }, job)).workers.find((w) => w.name === '1')!;
    process.kill(victim.pid, 'SIGKILL');
    await waitFor('the launcher to report the dead worker', () => /worker 1 is dead: no heartbeat/.test(run.output()), 10_000);
    const before = (await redisJobStatus({ url: redis.url }, job)).shards[0]!.version;
    await waitFor('the other worker to keep training', async () => (await redisJobStatus({ url: redis.url }, job)).shards[0]!.version > before + 10);
    run.kill('SIGINT');
    expect(await exited(run), run.output()).toBe(130);
    expect(run.output()).toMatch(/stopping \(SIGINT\)/);
    const st = await redisJobStatus({ url: redis.url }, job);
    // The surviving worker and both shard servers recorded a clean stop; the killed worker stays dead.
    expect(st.workers.map((w) => [w.name, w.state, w.dead])).toEqual([['0', 'done', false], ['1', 'running', true]]);
    expect(st.servers.map((p) => p.state)).toEqual(['done', 'done']);
  });
});

describe.runIf(built)('without ioredis installed', () => {
  it('loads the package, and the Redis functions reject with an error that says to npm install ioredis', () => {
    // A child Node in which resolving 'ioredis' fails, as in an installation without the optional peer dependency.
    const script = `
      const Module = require('node:module');
      const resolve = Module._resolveFilename;
      Module._resolveFilename = function (request, ...rest) {
        if (request === 'ioredis') { const e = new Error("Cannot find module 'ioredis'"); e.code = 'MODULE_NOT_FOUND'; throw e; }
        return resolve.call(this, request, ...rest);
      };
      const descent = require(${JSON.stringify(path.join(root, 'dist', 'cjs', 'index.js'))});
      descent.openRedisTransport({ url: 'redis://127.0.0.1:1', job: 'j' }).then(
        () => console.log('opened?'), (err) => console.log('rejected: ' + err.message));`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/rejected: .*needs the 'ioredis' package.*npm install ioredis/);
  });
});
