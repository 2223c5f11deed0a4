/**
 * The worker-thread side of {@link hogwildWorkers}: loads the user's model module, then, for each
 * epoch the main thread asks for, runs its slice of the shared example order: the model's JS
 * computes a sparse gradient at the current shared parameters and the native sparse SGD kernel
 * applies it in place, with no lock. Loaded by file name from dist/cjs/parallel/, so it must stay a
 * plain script with no exports; it imports nothing but Node built-ins (the addon comes by path in
 * workerData), so that when the library runs from its TypeScript source this one file can be
 * transpiled on its own (see workerScript() in hogwild-workers.ts).
 * @internal
 * @packageDocumentation
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { KernelSet } from '../kernels';
import type { HogwildWorkerModel, WorkerInit, WorkerReply, WorkerRequest } from './hogwild-workers';

// TypeScript compiles import() to require() under CommonJS, which cannot load ES modules: keep a
// real dynamic import so a model may be either kind of module.
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

type Factory = (data: unknown) => HogwildWorkerModel | Promise<HogwildWorkerModel>;

function factoryOf(mod: unknown): Factory {
  const m = mod as { createModel?: unknown; default?: unknown };
  const candidates = [m.createModel, (m.default as { createModel?: unknown } | undefined)?.createModel, m.default];
  const found = candidates.find((c) => typeof c === 'function');
  if (!found) throw new TypeError('the model module must export a function createModel(data) (or a default export of one)');
  return found as Factory;
}

function checkModel(model: HogwildWorkerModel): void {
  if (typeof model !== 'object' || model === null) throw new TypeError('createModel(data) must return an object');
  if (!Number.isInteger(model.examples) || model.examples < 0) throw new RangeError('model.examples must be a non-negative integer');
  if (!Number.isInteger(model.maxNonzeros) || model.maxNonzeros < 1) throw new RangeError('model.maxNonzeros must be a positive integer');
  if (typeof model.gradient !== 'function') throw new TypeError('model.gradient must be a function');
  if (model.loss !== undefined && typeof model.loss !== 'function') throw new TypeError('model.loss must be a function when present');
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('hogwild-worker must run in a worker thread');
  const init = workerData as WorkerInit;
  const send = (reply: WorkerReply): void => port.postMessage(reply);
  let model: HogwildWorkerModel;
  try {
    model = await factoryOf(await importModule(init.model))(init.data);
    checkModel(model);
  } catch (err) {
    send({ type: 'error', message: `loading the model failed: ${(err as Error).message}` });
    return;
  }
  const { params, control, chunk } = init;
  const indices = new Int32Array(model.maxNonzeros);
  const values = new Float32Array(model.maxNonzeros);
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const kernels = require(init.addon) as Pick<KernelSet, 'sgdSparse'>;
  send({ type: 'ready', examples: model.examples, hasLoss: typeof model.loss === 'function' });

  port.on('message', (request: WorkerRequest) => {
    try {
      if (request.type === 'loss') {
        send({ type: 'loss', value: model.loss ? model.loss(params) : NaN });
        return;
      }
      const { order } = request;
      const started = performance.now();
      let i = request.begin;
      for (; i < request.end; i++) {
        if ((i - request.begin) % chunk === 0 && Atomics.load(control, 0) !== 0) break;
        const count = model.gradient(params, order[i]!, indices, values);
        if (!Number.isInteger(count) || count < 0 || count > indices.length)
          throw new RangeError(`model.gradient returned ${count}; expected an integer in [0, maxNonzeros = ${indices.length}]`);
        if (count === 0) continue;
        const idx = count === indices.length ? indices : indices.subarray(0, count);
        const vals = count === values.length ? values : values.subarray(0, count);
        // Plain SGD (no momentum, no weight decay): p[idx] -= lr * vals.
        kernels.sgdSparse(params, idx, vals, 1, null, 1, 0, 0, 1, 1, 0, request.lr, false);
      }
      send({ type: 'done', updates: i - request.begin, seconds: (performance.now() - started) / 1000 });
    } catch (err) {
      send({ type: 'error', message: (err as Error).message });
    }
  });
}

main().catch((err: unknown) => {
  parentPort?.postMessage({ type: 'error', message: (err as Error).message } satisfies WorkerReply);
});
