// A small in-memory ParameterTransport for tests (not a product): shards live in SharedArrayBuffers
// so worker threads can open the same server from its endpoint; pushes are applied at once under a
// per-shard spin lock. Rules: 'elastic' pushes add their values (EASGD's center), 'gradient' pushes
// take an SGD step with config.lr. Options: delayMs (every fetch and push waits that long first),
// failAfterPushes (push number N and later throw, to test failing workers), applyLaterMs (a push is
// accepted at once and applied that much later, like a queueing server; same thread only).
'use strict';

/**
 * Creates a server of `size` parameters cut into `shards` contiguous shards.
 * @returns {{ endpoint: { module: string, config: object }, params: Float32Array, versions: Int32Array, pushes: () => number }}
 */
function createMemoryServer({ size, shards = 1, initial = null, lr = 0.1, delayMs = 0, failAfterPushes = -1, applyLaterMs = 0 }) {
  const layout = { size, shards: [] };
  const base = Math.floor(size / shards);
  const extra = size % shards;
  let offset = 0;
  for (let s = 0; s < shards; s++) {
    const length = base + (s < extra ? 1 : 0);
    layout.shards.push({ offset, length });
    offset += length;
  }
  const params = new Float32Array(new SharedArrayBuffer(size * 4));
  if (initial) params.set(initial);
  const versions = new Int32Array(new SharedArrayBuffer(shards * 4));
  const locks = new Int32Array(new SharedArrayBuffer(shards * 4));
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const config = { layout, params, versions, locks, counter, lr, delayMs, failAfterPushes, applyLaterMs };
  return { endpoint: { module: __filename, config }, params, versions, pushes: () => Atomics.load(counter, 0) };
}

const sleep = (ms) => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

function lock(locks, s) {
  while (Atomics.compareExchange(locks, s, 0, 1) !== 0) Atomics.wait(locks, s, 1, 1);
}
function unlock(locks, s) {
  Atomics.store(locks, s, 0);
  Atomics.notify(locks, s, 1);
}

/** The ParameterTransport of one endpoint. */
async function openTransport(config) {
  const { layout, params, versions, locks, counter, lr, delayMs, failAfterPushes, applyLaterMs } = config;
  const stats = { fetches: 0, pushes: 0, bytesSent: 0, bytesReceived: 0 };
  const view = (s) => {
    const shard = layout.shards[s];
    if (!shard) throw new RangeError(`shard ${s} does not exist`);
    return params.subarray(shard.offset, shard.offset + shard.length);
  };
  return {
    layout,
    async fetch(s, into) {
      await sleep(delayMs);
      const p = view(s);
      lock(locks, s);
      into.set(p);
      const version = versions[s];
      unlock(locks, s);
      stats.fetches++;
      stats.bytesReceived += p.byteLength;
      return version;
    },
    async push(push) {
      await sleep(delayMs);
      const n = Atomics.add(counter, 0, 1);
      if (failAfterPushes >= 0 && n >= failAfterPushes) throw new Error(`memory transport: push ${n} refused (failAfterPushes)`);
      const p = view(push.shard);
      if (push.values.length !== p.length) throw new RangeError(`push for shard ${push.shard} has ${push.values.length} values, expected ${p.length}`);
      const values = push.values.slice();
      const apply = () => {
        lock(locks, push.shard);
        if (push.kind === 'elastic') for (let k = 0; k < p.length; k++) p[k] += values[k];
        else for (let k = 0; k < p.length; k++) p[k] -= lr * values[k];
        versions[push.shard]++;
        unlock(locks, push.shard);
      };
      if (applyLaterMs > 0) setTimeout(apply, applyLaterMs);
      else apply();
      stats.pushes++;
      stats.bytesSent += push.values.byteLength;
    },
    stats: () => ({ ...stats }),
    async close() {},
  };
}

module.exports = { createMemoryServer, openTransport };
