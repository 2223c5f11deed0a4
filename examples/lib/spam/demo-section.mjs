// The demo's spam-filter section: reads and hashes the corpus, then trains every optimizer of the
// table at its searched rate. Skipped, with the reason, where the corpus package is not installed
// (it is a dev dependency: a clone has it, an installed package does not).

import { DEMO_SPAM_EPOCHS, DEMO_SPAM_OPTIMIZERS, QUICK_DEMO_SPAM_EPOCHS, runTunedComparison } from './comparison.mjs';
import { corpusAvailable, loadSpamData } from './dataset.mjs';

/** Seed of the split and the shuffling: the spam filter's default, so that the rates fit this split. */
const SEED = 1;

/**
 * @param {Record<string, any>} descent - the package's exports
 * @param {{ root: string, quick: boolean, progress: { update: (message: string) => void }, everyEpoch: boolean }} options
 *   everyEpoch: a progress update per epoch (on a terminal) rather than one per optimizer (in logs)
 * @returns {Promise<{ skipped: string } | { skipped: null, trainSize: number, testSize: number, epochs: number,
 *   seconds: { load: number, features: number }, rows: object[] }>}
 */
export async function runSpamSection(descent, { root, quick, progress, everyEpoch }) {
  const { available, reason } = corpusAvailable();
  if (!available) return { skipped: reason };
  const epochs = quick ? QUICK_DEMO_SPAM_EPOCHS : DEMO_SPAM_EPOCHS;
  const data = loadSpamData(descent, root, { seed: SEED, onProgress: (m) => progress.update(`spam filter: ${m}`) });
  const rows = await runTunedComparison(descent, data, {
    names: DEMO_SPAM_OPTIMIZERS,
    epochs,
    seed: SEED,
    onProgress: ({ optimizer, index, count, lr, epochsDone }) => {
      if (everyEpoch || epochsDone === 0) {
        progress.update(`spam filter: ${optimizer} (${index + 1}/${count}), lr ${lr}, epoch ${Math.min(epochsDone + 1, epochs)}/${epochs}`);
      }
    },
  });
  return { skipped: null, trainSize: data.train.y.length, testSize: data.test.y.length, epochs, seconds: data.seconds, rows };
}
