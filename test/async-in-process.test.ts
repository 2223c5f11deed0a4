import { execFileSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { compiledModule } from '../lib/async/compiled';
import { withDelay } from '../lib/async/delay';
import { createInProcessServer } from '../lib/async/in-process/server';
import type { Push } from '../lib/async/transport';

function push(id: string, shard: number, values: number[], extra: Partial<Push> = {}): Push {
  return { id, worker: 0, shard, kind: 'gradient', values: Float32Array.from(values), readVersion: 0, ...extra };
}

/** Runs `pushes` pushes of +1 on every coordinate from each of `threads` worker threads through the endpoint. */
async function pushFromThreads(endpoint: unknown, threads: number, pushes: number, repeatIds: boolean): Promise<void> {
  const code = `
    const { workerData, parentPort } = require('node:worker_threads');
    (async () => {
      const { openTransport } = require(workerData.endpoint.module);
      const t = await openTransport(workerData.endpoint.config);
      for (let k = 0; k < workerData.pushes; k++) {
        for (let s = 0; s < t.layout.shards.length; s++) {
          const values = new Float32Array(t.layout.shards[s].length).fill(-1);
          const id = workerData.repeatIds ? 'same-' + s + '-' + k : 'w' + workerData.w + '-' + s + '-' + k;
          await t.push({ id, worker: workerData.w, shard: s, kind: 'gradient', values, readVersion: 0 });
        }
      }
      await t.close();
      parentPort.postMessage('done');
    })().catch((e) => { parentPort.postMessage('error: ' + e.message); });`;
  await Promise.all(Array.from({ length: threads }, (_, w) => new Promise<void>((resolve, reject) => {
    const worker = new Worker(code, { eval: true, workerData: { endpoint, pushes, w, repeatIds } });
    worker.on('message', (m: string) => (m === 'done' ? resolve() : reject(new Error(m))));
    worker.on('error', reject);
  })));
}

describe.each(['lock', 'owner'] as const)('the in-process server in %s mode', (mode) => {
  it('applies every push from several worker threads exactly once, with sgd on every shard', async () => {
    const server = createInProcessServer({ size: 10, shards: 3, rule: { name: 'sgd', lr: 1 }, mode });
    try {
      await pushFromThreads(server.endpoint(), 3, 50, false);
      await server.drain();
      // x ← x − lr·g with g = −1, 150 times: exact in float32.
      expect(Array.from(server.snapshot())).toEqual(new Array(10).fill(150));
      expect(server.stats().versions).toEqual([150, 150, 150]);
      expect(server.stats().duplicates).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('applies a push id at most once, even when several threads send it', async () => {
    const server = createInProcessServer({ size: 4, shards: 2, rule: { name: 'sgd', lr: 1 }, mode });
    try {
      await pushFromThreads(server.endpoint(), 3, 20, true);
      await server.drain();
      expect(Array.from(server.snapshot())).toEqual([20, 20, 20, 20]);
      expect(server.stats().applied).toBe(40);
      expect(server.stats().duplicates).toBe(80);
    } finally {
      await server.close();
    }
  });
});

describe('closing an owner-mode server', () => {
  it('resolves in a process with nothing else to keep it alive (owner threads are waited for)', () => {
    const server = JSON.stringify(compiledModule('async/in-process/server'));
    const out = execFileSync(process.execPath, ['-e', `
      const { createInProcessServer } = require(${server});
      const s = createInProcessServer({ size: 4, shards: 2, mode: 'owner', rule: { name: 'sgd', lr: 1 } });
      s.connect().push({ id: 'a', worker: 0, shard: 1, kind: 'gradient', values: new Float32Array([-1, -1]), readVersion: 0 })
        .then(() => s.close()).then(() => console.log('closed', Array.from(s.snapshot()).join(',')));`], { encoding: 'utf8', timeout: 30_000 });
    expect(out.trim()).toBe('closed 0,0,1,1');
  });
});

describe('the in-process transport', () => {
  it('returns the version read with the parameters and ḡ for adaptive revision', async () => {
    const server = createInProcessServer({ init: Float32Array.from([1, 2, 3]), shards: 2, rule: 'adaptive-revision' });
    const t = server.connect();
    const x = new Float32Array(2), g = new Float32Array(2);
    expect(await t.fetch(0, x, g)).toBe(0);
    expect(Array.from(x)).toEqual([1, 2]);
    await t.push(push('a', 0, [0.5, -0.5], { gradSumAtRead: g }));
    expect(await t.fetch(0, x, g)).toBe(1);
    expect(Array.from(g)).toEqual([0.5, -0.5]);
    expect(t.stats()).toMatchObject({ fetches: 2, pushes: 1 });
    await server.close();
  });

  it('rejects a bad shard, a wrong length and ḡ requests on a non-adaptive server without applying anything', async () => {
    const server = createInProcessServer({ size: 3, rule: 'adagrad' });
    const t = server.connect();
    await expect(t.push(push('a', 1, [1, 1, 1]))).rejects.toThrow(RangeError);
    await expect(t.push(push('b', 0, [1, 1]))).rejects.toThrow(/3 elements/);
    await expect(t.fetch(0, new Float32Array(3), new Float32Array(3))).rejects.toThrow(/adaptive-revision/);
    await expect(t.push(push('c', 0, [1, 1, 1], { readVersion: -1 }))).rejects.toThrow(/readVersion/);
    expect(server.stats().applied).toBe(0);
    await server.close();
  });

  it('records the staleness of each applied push', async () => {
    const server = createInProcessServer({ size: 1, rule: { name: 'sgd', lr: 1 } });
    const t = server.connect();
    for (let k = 0; k < 5; k++) await t.push(push(`p${k}`, 0, [1], { readVersion: 0 }));
    expect(server.stats()).toMatchObject({ applied: 5, maxStaleness: 4, meanStaleness: 2 });
    await server.close();
  });
});

describe('the delay injector', () => {
  it('holds a push for exactly `delay` later pushes to its shard, and flush releases the rest', async () => {
    const server = createInProcessServer({ size: 2, shards: 2, rule: { name: 'sgd', lr: 1 } });
    const t = withDelay(server.connect(), { kind: 'fixed', delay: 3 });
    for (let k = 0; k < 5; k++) await t.push(push(`p${k}`, 0, [-1]));
    expect(server.stats().versions).toEqual([2, 0]);
    expect(t.held).toBe(3);
    await t.close();
    expect(server.stats().versions).toEqual([5, 0]);
    await server.close();
  });

  it('draws the same delays for the same seed', async () => {
    const run = async (seed: number): Promise<number[]> => {
      const server = createInProcessServer({ size: 1, rule: { name: 'sgd', lr: 1 } });
      const t = withDelay(server.connect(), { kind: 'heavy-tailed', scale: 4, seed });
      const versions: number[] = [];
      for (let k = 0; k < 200; k++) {
        await t.push(push(`p${k}`, 0, [-1]));
        versions.push(server.stats().versions[0]!);
      }
      await server.close();
      return versions;
    };
    const a = await run(1);
    expect(await run(1)).toEqual(a);
    expect(await run(2)).not.toEqual(a);
  });
});
