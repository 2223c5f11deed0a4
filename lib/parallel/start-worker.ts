import { Worker } from 'node:worker_threads';

/**
 * A worker thread with `init` as its workerData. Data that cannot be structured-cloned is a
 * TypeError naming `where`, not the DOMException `new Worker` throws.
 * @internal
 */
export function startWorker(where: string, script: string, init: unknown): Worker {
  try {
    return new Worker(script, { workerData: init });
  } catch (err) {
    if (err instanceof Error && err.name === 'DataCloneError')
      throw new TypeError(`${where}: data must be structured-cloneable (plain objects, arrays, numbers, strings, typed arrays...): ${err.message}`);
    throw err;
  }
}
