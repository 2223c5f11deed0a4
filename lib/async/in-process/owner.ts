/**
 * The owner thread of one in-process shard (owner mode): takes pushes from the shard's queue in
 * order and applies them under the shard's mutex (fetches take it too). Exits once the server is
 * closed and no push is ready at the head of the queue.
 * @internal
 * @packageDocumentation
 */
import { parentPort, workerData } from 'node:worker_threads';
import { peek, QueueSlot, release } from './queue';
import { applyLocked, type InProcessConfig } from './transport';

/** workerData of an owner thread. */
export interface OwnerInit {
  config: InProcessConfig;
  shard: number;
}

function run(init: OwnerInit): void {
  const q = init.config.queues[init.shard]!;
  const s = init.config.shards[init.shard]!;
  const kind = init.config.rule.name === 'elastic' ? 'elastic' : 'gradient';
  for (;;) {
    const item = peek(q, 50);
    if (!item) {
      // Closed and nothing ready at the head for one wait: done. (A ticket taken by a pusher that was
      // terminated mid-push never becomes ready; waiting for it would hang close().)
      if (Atomics.load(q.ctrl, QueueSlot.Closed)) return;
      continue;
    }
    try {
      applyLocked(init.config.rule, s, item.hash, {
        kind, values: item.values, gradSumAtRead: item.gradSumAtRead, readVersion: item.readVersion, worker: item.worker, shard: init.shard,
      });
    } finally {
      release(q, item);
    }
  }
}

if (parentPort && workerData && (workerData as { ownerOf?: unknown }).ownerOf === 'descent-in-process-shard') {
  try {
    run(workerData as OwnerInit);
  } catch (err) {
    parentPort.postMessage({ type: 'error', message: (err as Error).message });
  }
}
