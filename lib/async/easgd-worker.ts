/**
 * The worker-thread side of {@link easgd}: loads the user's model module and the transport module
 * named by the endpoint, waits for the start signal, runs {@link easgdWorkerLoop} and reports.
 * Loaded by file name (dist/cjs/async/easgd-worker.js, or the development copy that
 * lib/async/compiled.ts transpiles when the library runs from its TypeScript sources); the addon
 * comes by path in workerData, so the worker loads the same binary as the main thread.
 * @internal
 * @packageDocumentation
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EasgdStopped, easgdWorkerLoop, type EasgdBarrier, type EasgdKernels, type EasgdWorkerLoopOptions } from './easgd-loop';
import { loadAsyncModel, openEndpoint } from './load-module';
import type { AsyncModel } from './model';
import type { ParameterTransport, TransportEndpoint } from './transport';

/** @internal What every worker receives as workerData. */
export interface EasgdWorkerInit {
  /** File URL of the model module. */
  model: string;
  data: unknown;
  endpoint: TransportEndpoint;
  /** Path of the native addon the main thread loaded. */
  addon: string;
  /** control[0] != 0: stop before the next local step. */
  control: Int32Array;
  /** [arrived, generation] of the synchronous barrier. */
  barrier: Int32Array;
  loop: Omit<EasgdWorkerLoopOptions, 'shouldStop' | 'barrier' | 'onExchange'>;
  /** Minimum milliseconds between two progress messages. */
  reportEveryMs: number;
}

/** @internal Messages from a worker. */
export type EasgdWorkerReply =
  | { type: 'ready' }
  | { type: 'progress'; steps: number; exchanges: number; examples: number; staleness: number; batchLoss: number }
  | { type: 'done'; steps: number; exchanges: number; examples: number; stopped: boolean; seconds: number }
  | { type: 'error'; message: string };

/** A reusable barrier on shared memory: the last worker to arrive bumps the generation and wakes the rest. */
function atomicsBarrier(cell: Int32Array, parties: number, shouldStop: () => boolean): EasgdBarrier {
  return {
    wait(): void {
      const generation = Atomics.load(cell, 1);
      if (Atomics.add(cell, 0, 1) === parties - 1) {
        Atomics.store(cell, 0, 0);
        Atomics.add(cell, 1, 1);
        Atomics.notify(cell, 1);
        return;
      }
      while (Atomics.load(cell, 1) === generation) {
        if (shouldStop()) throw new EasgdStopped();
        Atomics.wait(cell, 1, generation, 20);
      }
    },
  };
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('easgd-worker must run in a worker thread');
  const init = workerData as EasgdWorkerInit;
  const send = (reply: EasgdWorkerReply): void => port.postMessage(reply);
  let model: AsyncModel;
  let transport: ParameterTransport;
  try {
    model = await loadAsyncModel(init.model, init.data);
  } catch (err) {
    send({ type: 'error', message: `loading the model failed: ${(err as Error).message}` });
    return;
  }
  try {
    transport = await openEndpoint(init.endpoint);
  } catch (err) {
    send({ type: 'error', message: `opening the transport failed: ${(err as Error).message}` });
    return;
  }
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const kernels = require(init.addon) as EasgdKernels;
  const shouldStop = (): boolean => Atomics.load(init.control, 0) !== 0;
  await new Promise<void>((resolve) => {
    port.once('message', () => resolve());
    send({ type: 'ready' });
  });
  const started = performance.now();
  let lastReport = 0;
  let examplesSoFar = 0;
  try {
    const result = await easgdWorkerLoop(transport, model, kernels, {
      ...init.loop,
      shouldStop,
      barrier: atomicsBarrier(init.barrier, init.loop.workers, shouldStop),
      onExchange(info) {
        examplesSoFar = info.steps * init.loop.batchSize;
        const now = performance.now();
        if (now - lastReport < init.reportEveryMs) return;
        lastReport = now;
        send({ type: 'progress', steps: info.steps, exchanges: info.exchanges, examples: examplesSoFar, staleness: info.staleness, batchLoss: info.batchLoss });
      },
    });
    send({
      type: 'done', steps: result.steps, exchanges: result.exchanges, examples: result.examples, stopped: result.stopped,
      seconds: (performance.now() - started) / 1000,
    });
  } catch (err) {
    send({ type: 'error', message: (err as Error).message });
  } finally {
    await transport.close().catch(() => undefined);
  }
}

main().catch((err: unknown) => {
  parentPort?.postMessage({ type: 'error', message: (err as Error).message } satisfies EasgdWorkerReply);
});
