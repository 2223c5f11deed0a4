// The SpamAssassin hashed logistic-regression task of examples/spam-filter.mjs, timed for the
// Hogwild! benchmark: our sparse logistic loop on 1 thread against scikit-learn's SGDClassifier
// (bench/spam-sklearn.py, run as a child process under /usr/bin/python3) on the very same hashed
// features, the same split and the same number of epochs. Both run plain per-example SGD on the
// unregularised logistic loss in float64 (theirs) / float32 (ours); the figure of merit is wall time per nonzero per
// epoch, each side's whole training call (our hogwild() including its native job's dispatch, the
// feature degrees and the shuffles; their fit() including its input checks), as wall time and as
// the process's CPU time (every thread; what other processes on a busy machine take is not in it).

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..', '..');
const PYTHON = '/usr/bin/python3';

/**
 * The task's settings: the example's features and split, the loop's step, and no L2 on either side:
 * ours (μ/n spread over the features by degree) and SGDClassifier's (α/2‖w‖², shrinking every
 * weight each step) are different objectives, so the like-for-like comparison is the unregularised
 * logistic loss (our l2 0, their penalty=None).
 */
export const SPAM = Object.freeze({ epochs: 10, seed: 1, testFraction: 0.2, lr: 1, decay: 0.9, l2: 0 });

/**
 * Loads the corpus (the example's dev dependency), featurises it as the example does and splits it
 * as the example does (test side stratified by corpus group). Null with a reason when unavailable.
 */
export async function loadSpamTask(lib) {
  let corpus, features, svmlight;
  try {
    ({ loadSpamAssassin: corpus } = await import('../../examples/lib/spam/corpus.mjs'));
    features = await import('../../examples/lib/spam/features.mjs');
    ({ writeSvmlight: svmlight } = await import('../../examples/lib/spam/svmlight.mjs'));
  } catch (e) {
    return { skipped: `the spam example's modules did not load (${e.message.split('\n')[0]})` };
  }
  let messages;
  try {
    messages = corpus();
  } catch (e) {
    return { skipped: e.message.split('\n')[0] };
  }
  const hashedBagOfWords = features.loadFeaturiser(lib, root);
  const X = hashedBagOfWords(messages.texts, features.FEATURES);
  const split = lib.trainValidationSplit(messages.labels.length, { validationFraction: SPAM.testFraction, seed: SPAM.seed, stratify: messages.groups });
  const side = (rows) => ({ X: lib.selectRows(X, rows), y: lib.selectLabels(messages.labels, rows) });
  const train = side(split.train), test = side(split.validation);
  return { train, test, nnz: train.X.indices.length, features: features.FEATURES.nFeatures, writeSvmlight: svmlight };
}

/**
 * Trains our logistic loop on 1 thread: `repeats` timed runs (evaluation off, best wall time kept),
 * then one run with evaluation for the test accuracy.
 */
export async function runOurs(lib, task, { repeats = 3, threads = 1 } = {}) {
  const options = {
    objective: 'logistic', data: task.train, bias: true, epochs: SPAM.epochs, lr: SPAM.lr, decay: SPAM.decay, l2: SPAM.l2,
    threads, mode: threads === 1 ? 'sequential' : 'hogwild',
  };
  let best = Infinity, loopBest = Infinity, cpuBest = Infinity;
  for (let rep = 0; rep < repeats; rep++) {
    const started = performance.now(), cpuStarted = process.cpuUsage();
    const r = await lib.hogwild({ ...options, evaluate: false, seed: rep });
    best = Math.min(best, (performance.now() - started) / 1000);
    const cpu = process.cpuUsage(cpuStarted); // this process's CPU time, every thread
    cpuBest = Math.min(cpuBest, (cpu.user + cpu.system) / 1e6);
    loopBest = Math.min(loopBest, r.history.reduce((s, h) => s + h.seconds, 0));
  }
  const checked = await lib.hogwild({ ...options, validation: task.test, seed: 0 });
  const last = checked.history.at(-1);
  const perNonzero = (seconds) => (1e9 * seconds) / (task.nnz * SPAM.epochs);
  return {
    name: `descent hogwild() logistic, ${threads} thread${threads === 1 ? '' : 's'}`, threads, epochs: SPAM.epochs,
    seconds: best, nsPerNonzero: perNonzero(best), loopNsPerNonzero: perNonzero(loopBest), cpuNsPerNonzero: perNonzero(cpuBest),
    testAccuracy: last.valMetric, testLoss: last.valLoss,
  };
}

/**
 * SGDClassifier on the same data, via bench/spam-sklearn.py. Returns { rows } or { skipped: reason }.
 */
export function runSklearn(task, { repeats = 3 } = {}) {
  if (!fs.existsSync(PYTHON)) return { skipped: `${PYTHON} not found` };
  const probe = spawnSync(PYTHON, ['-c', 'import sklearn, numpy; print(sklearn.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0) return { skipped: `scikit-learn is not importable by ${PYTHON} (apt-get install python3-sklearn)` };
  // The svmlight files are written once per task (releaseSklearnFiles removes them): writing them
  // every round filled this process's heap with garbage that the collector then cleared during our
  // next timed calls, a cost the Python side never paid.
  if (!task.sklearnDir) {
    task.sklearnDir = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-spam-'));
    task.writeSvmlight(path.join(task.sklearnDir, 'spam-train.svmlight'), task.train.X, task.train.y);
    task.writeSvmlight(path.join(task.sklearnDir, 'spam-test.svmlight'), task.test.X, task.test.y);
  }
  const dir = task.sklearnDir;
  const json = path.join(dir, 'sklearn.json');
  const run = spawnSync(PYTHON, [
    path.join(root, 'bench', 'spam-sklearn.py'), dir, '--epochs', String(SPAM.epochs), '--l2', String(SPAM.l2),
    '--models', 'sgd', '--repeats', String(repeats), '--json', json,
  ], { encoding: 'utf8', timeout: 600_000 });
  if (run.status !== 0) return { skipped: `bench/spam-sklearn.py failed (${(run.stderr || run.error?.message || '').trim().split('\n').at(-1)})` };
  const out = JSON.parse(fs.readFileSync(json, 'utf8'));
  return {
    version: out.sklearn,
    rows: out.rows.map((r) => ({
      name: `scikit-learn ${out.sklearn} ${r.model}`, threads: 1, epochs: r.epochs, seconds: r.trainSeconds,
      nsPerNonzero: (1e9 * r.trainSeconds) / (task.nnz * r.epochs), cpuNsPerNonzero: (1e9 * r.trainCpuSeconds) / (task.nnz * r.epochs), testAccuracy: r.test.accuracy, testLoss: r.testLoss,
    })),
  };
}

/** Removes the svmlight files runSklearn wrote for the task, if any. */
export function releaseSklearnFiles(task) {
  if (task.sklearnDir) fs.rmSync(task.sklearnDir, { recursive: true, force: true });
  task.sklearnDir = undefined;
}

