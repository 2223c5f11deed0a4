/**
 * The worker-thread side of {@link downpour}: one replica, or the evaluator that computes the
 * model's full loss at parameter snapshots for the history. Loaded by file name (see compiled.ts).
 * @internal
 * @packageDocumentation
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { DownpourWorkerInit, DownpourWorkerReply, DownpourWorkerRequest } from './downpour';
import { runDownpourReplica } from './downpour-replica';
import { loadAsyncModel, openEndpoint } from './load-module';

async function main(): Promise<void> {
  const port = parentPort!;
  const init = workerData as DownpourWorkerInit;
  const send = (reply: DownpourWorkerReply): void => port.postMessage(reply);
  const fail = (err: unknown): void => send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  try {
    const model = await loadAsyncModel(init.model, init.data);
    if (init.role === 'evaluator') {
      port.on('message', (params: Float32Array) => {
        try {
          send({ type: 'loss', value: model.loss ? model.loss(params) : NaN });
        } catch (err) {
          fail(err);
        }
      });
      send({ type: 'ready', size: model.size, examples: model.examples, hasLoss: typeof model.loss === 'function' });
      return;
    }
    const transport = await openEndpoint(init.endpoint);
    send({ type: 'ready', size: model.size, examples: model.examples, hasLoss: typeof model.loss === 'function' });
    port.on('message', (request: DownpourWorkerRequest) => {
      runDownpourReplica(transport, model, {
        ...init.options,
        steps: request.steps,
        idPrefix: `${init.options.idPrefix}:${request.phase}`,
        shouldStop: () => Atomics.load(init.control, 0) !== 0,
        onReport: (r) => send({ type: 'report', ...r }),
      }).then(
        (result) => send({ type: 'done', result, stats: transport.stats() }),
        fail,
      );
    });
  } catch (err) {
    fail(err);
  }
}

void main();
