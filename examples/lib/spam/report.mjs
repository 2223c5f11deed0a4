// The comparison table for the terminal.

import { textTable as alignedTable } from '../table.mjs';

const fix = (digits) => (v) => (v === null || !Number.isFinite(v) ? '—' : v.toFixed(digits));

const COLUMNS = [
  { title: 'optimizer', cell: (r) => r.optimizer, right: false },
  { title: 'lr', cell: (r) => String(r.lr), right: true },
  { title: 'epochs', cell: (r) => String(r.epochs), right: true },
  { title: 'train s', cell: (r) => fix(2)(r.trainSeconds), right: true },
  { title: 'train loss', cell: (r) => fix(4)(r.trainLoss), right: true },
  { title: 'test loss', cell: (r) => fix(4)(r.testLoss), right: true },
  { title: 'test acc', cell: (r) => fix(4)(r.test.accuracy), right: true },
  { title: 'spam prec', cell: (r) => fix(4)(r.test.precision), right: true },
  { title: 'spam recall', cell: (r) => fix(4)(r.test.recall), right: true },
  { title: 'val loss (tuning)', cell: (r) => fix(4)(r.tuning.grid.find((g) => g.lr === r.lr)?.valLoss ?? null), right: true },
];

/** @param {object[]} rows - one result per optimizer */
export function textTable(rows) {
  return alignedTable(COLUMNS, rows);
}

/** The sentences under the table: what each column is. */
export function legend({ epochs, batchSize, l2, tuneSize }) {
  return [
    `lr: of a 5-point half-decade grid per optimizer (3 points with --quick; all in the JSON), the one with the lowest`,
    `validation log-loss after ${epochs} epochs on 80% of the training set, scored on the other 20% (${tuneSize} mails,`,
    'stratified); the test set is never used to choose. Then each optimizer trains on the whole training set:',
    `${epochs} epochs of shuffled mini-batches of ${batchSize}, logistic loss + ½·${l2}·‖w‖², same seed for all.`,
    'train s: wall-clock seconds of that run (native epochs, no evaluation inside). train loss: logistic loss + ridge',
    'on the whole training set after it. spam prec / recall: spam is the positive class. val loss: the lr search score.',
  ].join('\n');
}
