/**
 * One Downpour SGD replica (Dean et al. 2012), independent of where it runs and which transport it
 * talks through: the worker threads of {@link downpour} run it, and so can processes on other
 * machines (the Redis transport's launcher).
 *
 * Every `nFetch` steps the replica fetches every shard (and, for adaptive revision, the shards' ḡ);
 * every step it adds the mean gradient of one mini-batch of its own data shard, computed at the
 * parameters it last fetched, into an accumulator; every `nPush` steps (and after the last step) it
 * pushes the accumulated sum to each shard and clears it. It applies nothing locally: the server's
 * rule is the only update.
 * @packageDocumentation
 */
import { shuffle, Xoshiro128 } from '../data/shuffle';
import { checkBoolean, checkNumber, describe } from '../optimizers/validate';
import type { AsyncModel } from './model';
import type { ParameterTransport } from './transport';

/** Options of {@link runDownpourReplica}. */
export interface DownpourReplicaOptions {
  /** This replica's index in [0, replicas); sent as `Push.worker`. */
  replica: number;
  /** Replicas in the job: the model's examples are split into that many contiguous shards. */
  replicas: number;
  /** Mini-batch steps to run. */
  steps: number;
  /** Examples per mini-batch. Default 32. */
  batchSize?: number;
  /** Fetch the parameters every this many steps. Default 1. */
  nFetch?: number;
  /** Push the accumulated gradient every this many steps. Default 1. */
  nPush?: number;
  /** Fetch ḡ with the parameters and send it back (`'adaptive-revision'` servers). Default false. */
  gradSum?: boolean;
  /** Seeds this replica's shuffling (mixed with the replica index). Default 0. */
  seed?: number;
  /** Prefix of this run's push ids; ids are `${idPrefix}:${replica}:${shard}:${n}`. Default 'downpour'. */
  idPrefix?: string;
  /** Checked before every step; the replica stops when it returns true. */
  shouldStop?: () => boolean;
  /** Called every `reportEvery` steps and after the last one. */
  onReport?: (report: DownpourReplicaReport) => void;
  /** Steps between reports. Default 10. */
  reportEvery?: number;
}

/** Progress of one replica since its previous report. */
export interface DownpourReplicaReport {
  /** Steps done since the previous report. */
  steps: number;
  /** Examples processed since the previous report. */
  examples: number;
  /** Sum of the mini-batch mean losses since the previous report (divide by steps). */
  lossSum: number;
  /** Pushes since the previous report (one per shard per push step). */
  pushes: number;
}

/** What {@link runDownpourReplica} did. */
export interface DownpourReplicaResult {
  steps: number;
  examples: number;
  pushes: number;
  fetches: number;
  /** Mean mini-batch loss over all steps (NaN with no step). */
  meanBatchLoss: number;
  /** Whether `shouldStop` ended it early. */
  stopped: boolean;
}

const WHERE = 'runDownpourReplica';

/** The examples [begin, end) of replica `r` out of `replicas`. */
export function replicaExamples(examples: number, replica: number, replicas: number): [number, number] {
  return [Math.floor((examples * replica) / replicas), Math.floor((examples * (replica + 1)) / replicas)];
}

/** Runs one replica (see the module docs). Rejects with the model's or the transport's error. */
export async function runDownpourReplica(transport: ParameterTransport, model: AsyncModel, options: DownpourReplicaOptions): Promise<DownpourReplicaResult> {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${WHERE}: options must be an object, got ${describe(options)}`);
  const replicas = checkNumber(WHERE, 'replicas', options.replicas, { min: 1, integer: true });
  const replica = checkNumber(WHERE, 'replica', options.replica, { min: 0, max: replicas - 1, integer: true });
  const steps = checkNumber(WHERE, 'steps', options.steps, { min: 0, integer: true });
  const batchSize = checkNumber(WHERE, 'batchSize', options.batchSize ?? 32, { min: 1, integer: true });
  const nFetch = checkNumber(WHERE, 'nFetch', options.nFetch ?? 1, { min: 1, integer: true });
  const nPush = checkNumber(WHERE, 'nPush', options.nPush ?? 1, { min: 1, integer: true });
  const wantGradSum = checkBoolean(WHERE, 'gradSum', options.gradSum ?? false);
  const seed = checkNumber(WHERE, 'seed', options.seed ?? 0, { min: 0, integer: true });
  const reportEvery = checkNumber(WHERE, 'reportEvery', options.reportEvery ?? 10, { min: 1, integer: true });
  const idPrefix = options.idPrefix ?? 'downpour';
  if (typeof model?.gradient !== 'function') throw new TypeError(`${WHERE}: model must be an AsyncModel with a gradient() method, got ${describe(model)}`);
  const layout = transport.layout;
  if (model.size !== layout.size) throw new RangeError(`${WHERE}: the model has ${model.size} parameters, the server ${layout.size}`);

  const [begin, end] = replicaExamples(model.examples, replica, replicas);
  if (end <= begin) throw new RangeError(`${WHERE}: replica ${replica} of ${replicas} gets no examples (the model has ${model.examples})`);
  const order = new Uint32Array(end - begin);
  for (let i = 0; i < order.length; i++) order[i] = begin + i;
  const rng = new Xoshiro128(seed * 65_537 + replica);
  shuffle(order, rng, 'js');
  let cursor = 0;
  const batch = new Int32Array(batchSize);

  const params = new Float32Array(layout.size);
  const grad = new Float32Array(layout.size);
  const gradSum = wantGradSum ? new Float32Array(layout.size) : null;
  const versions = new Array<number>(layout.shards.length).fill(0);
  const view = (a: Float32Array, s: number): Float32Array => a.subarray(layout.shards[s]!.offset, layout.shards[s]!.offset + layout.shards[s]!.length);

  const result: DownpourReplicaResult = { steps: 0, examples: 0, pushes: 0, fetches: 0, meanBatchLoss: NaN, stopped: false };
  let totalLoss = 0;
  const pending: DownpourReplicaReport = { steps: 0, examples: 0, lossSum: 0, pushes: 0 };
  let pushSeq = 0;
  let accumulated = 0;
  const report = (): void => {
    if (pending.steps === 0 && pending.pushes === 0) return;
    options.onReport?.({ ...pending });
    pending.steps = pending.examples = pending.lossSum = pending.pushes = 0;
  };
  const pushAll = async (): Promise<void> => {
    for (let s = 0; s < layout.shards.length; s++) {
      await transport.push({
        id: `${idPrefix}:${replica}:${s}:${pushSeq}`, worker: replica, shard: s, kind: 'gradient', values: view(grad, s),
        readVersion: versions[s]!, ...(gradSum ? { gradSumAtRead: view(gradSum, s) } : {}),
      });
      result.pushes++;
      pending.pushes++;
    }
    pushSeq++;
    grad.fill(0);
    accumulated = 0;
  };

  for (let step = 0; step < steps; step++) {
    if (options.shouldStop?.()) {
      result.stopped = true;
      break;
    }
    if (step % nFetch === 0) {
      for (let s = 0; s < layout.shards.length; s++) {
        versions[s] = await transport.fetch(s, view(params, s), gradSum ? view(gradSum, s) : undefined);
        result.fetches++;
      }
    }
    let n = 0;
    while (n < batchSize) {
      if (cursor === order.length) {
        shuffle(order, rng, 'js');
        cursor = 0;
      }
      batch[n++] = order[cursor++]!;
      if (n >= order.length) break; // a shard smaller than one batch: one pass per batch
    }
    const b = n === batchSize ? batch : batch.subarray(0, n);
    const loss = model.gradient(params, b, grad);
    accumulated++;
    totalLoss += loss;
    result.steps++;
    result.examples += n;
    pending.steps++;
    pending.examples += n;
    pending.lossSum += loss;
    if (accumulated === nPush) await pushAll();
    if (result.steps % reportEvery === 0) report();
  }
  if (accumulated > 0 && !result.stopped) await pushAll();
  report();
  result.meanBatchLoss = result.steps ? totalLoss / result.steps : NaN;
  return result;
}
