// The Hogwild! benchmark (`npm run bench:hogwild`): how much faster 2 threads update than 1, lock-free
// ('hogwild') and with one mutex around each example ('locked', the paper's baseline), on the
// RCV1-like sparse set (linear SVM with the paper's degree-scaled L2), and matrix-factorisation
// updates per second at rank 10 on the Netflix-like ratings set; next to them the no-sharing
// ceiling ('private': each thread its own copy of the parameters, same work) and the contention
// options (a per-thread buffer of the parameters merged every k examples), a cache-coherence count
// that explains the timings (bench/lib/sharing-model.mjs), and the SpamAssassin hashed
// logistic-regression task against scikit-learn's SGDClassifier (bench/lib/spam-task.mjs). Prints
// Markdown and writes hogwild.json, hogwild.md and two SVG charts to the results directory.
//
//   node bench/hogwild.mjs [--quick] [--rows N] [--ratings N] [--epochs E] [--repeats R] [--out DIR]
//                          [--peer MODULE] [--no-sklearn] [--only spam]
//
// Timing: every configuration runs `repeats` times, interleaved (1 thread, 2 threads, 1, 2, ...) so
// that a drift in machine load hits both alike; each run trains `epochs` passes without evaluation,
// and each pass gives one updates/s sample (the pass's updates over its wall time; the loss
// evaluation and the shuffle are outside it). The table shows the best sample (other processes can
// only slow a run down, so the best is the least disturbed) and the median. The machine's load
// from other processes during the run is reported next to the numbers.
//
// Peer hook (--peer MODULE): a module exporting `async function run(context)` is called after the
// descent runs with context = { train: { X, y }, test: { X, y }, settings, hogwild, results } (CSR
// matrices as descent uses them; settings holds epochs, lr, l2) and returns rows
// { name, threads, updatesPerSecond, testLoss?, testAccuracy?, seconds?, note? } that are added to
// the table and to the JSON under "peers" (e.g. scikit-learn's SGDClassifier on the same data).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { concurrentRate } from './lib/concurrency.mjs';
import { writeCharts } from './lib/hogwild-charts.mjs';
import { machineInfo, watchLoad } from './lib/machine.mjs';
import { Progress } from './lib/progress.mjs';
import { countSharing } from './lib/sharing-model.mjs';
import { loadSpamTask, releaseSklearnFiles, runOurs, runSklearn, SPAM } from './lib/spam-task.mjs';
import { parseCommandLine } from './lib/command-line.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

const USAGE = `usage: node bench/hogwild.mjs [--quick] [--rows N] [--ratings N] [--epochs E] [--repeats R] [--out DIR] [--peer MODULE]
  --quick      small sets and one repeat (a smoke run, not a measurement)
  --rows       rows of the RCV1-like set (default 800000)
  --ratings    ratings of the Netflix-like set (default 10000000)
  --epochs     timed passes per run (default 2)
  --repeats    runs per configuration (default 3)
  --out        results directory (default bench/results)
  --peer       module whose run(context) adds peer rows (see the file header)
  --no-sklearn skip the SpamAssassin comparison with scikit-learn
  --only spam  run the SpamAssassin comparison alone (descent and scikit-learn, same run) and replace
               that section of hogwild.md and hogwild.json in --out, keeping the other sections`;

function parseArgs(argv) {
  const args = { quick: false, rows: null, ratings: null, epochs: 2, repeats: 3, out: join(here, 'results'), peer: null, sklearn: true, only: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const integer = () => {
      const v = Number(value());
      if (!Number.isInteger(v) || v < 1) throw new Error(`${a} must be a positive integer`);
      return v;
    };
    if (a === '--quick') args.quick = true;
    else if (a === '--rows') args.rows = integer();
    else if (a === '--ratings') args.ratings = integer();
    else if (a === '--epochs') args.epochs = integer();
    else if (a === '--repeats') args.repeats = integer();
    else if (a === '--out') args.out = resolve(value());
    else if (a === '--peer') args.peer = resolve(value());
    else if (a === '--no-sklearn') args.sklearn = false;
    else if (a === '--only') {
      args.only = value();
      if (args.only !== 'spam') throw new Error(`--only takes 'spam', got '${args.only}'`);
    }
    else if (a === '--help' || a === '-h') args.help = true;
    else throw new Error(`unknown argument ${a}`);
  }
  if (args.quick) {
    args.rows ??= 50_000;
    args.ratings ??= 500_000;
    args.repeats = 1;
  }
  args.rows ??= 800_000;
  args.ratings ??= 10_000_000;
  return args;
}

const args = parseCommandLine('bench:hogwild', USAGE, parseArgs);

let lib;
try {
  lib = {
    ...require('../dist/cjs/index.js'),
    ...require('../dist/cjs/parallel/hogwild.js'),
    ...require('../dist/cjs/data/generate.js'),
    ...require('../dist/cjs/data/split.js'),
  };
} catch (err) {
  process.stderr.write(`bench:hogwild: cannot load the package (${err.message.split('\n')[0]}); build it first: npm run build\n`);
  process.exit(1);
}
const { hogwild, generateSparse, generateRatings, splitData, splitRatings, nativeInfo } = lib;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x, digits = 3) => Number(x.toPrecision(digits));

/** The SpamAssassin task, ours and scikit-learn's SGDClassifier in interleaved rounds (best of each). */
async function measureSpam() {
  progress.start('spam: descent vs scikit-learn SGDClassifier');
  let spam;
  const task = await loadSpamTask(lib);
  if (task.skipped) {
    spam = { skipped: task.skipped };
  } else {
    // Interleaved rounds, best of each side: the machine's other load only slows a run down.
    const stop = watchLoad();
    let ours = null, theirs = null;
    for (let round = 0; round < Math.max(1, args.repeats); round++) {
      const o = await runOurs(lib, task, { repeats: 5 });
      if (!ours || o.seconds < ours.seconds) ours = { ...o, loopNsPerNonzero: Math.min(o.loopNsPerNonzero, ours?.loopNsPerNonzero ?? Infinity), cpuNsPerNonzero: Math.min(o.cpuNsPerNonzero, ours?.cpuNsPerNonzero ?? Infinity) };
      else ours = { ...ours, loopNsPerNonzero: Math.min(o.loopNsPerNonzero, ours.loopNsPerNonzero), cpuNsPerNonzero: Math.min(o.cpuNsPerNonzero, ours.cpuNsPerNonzero) };
      const s = runSklearn(task, { repeats: 5 });
      if (s.skipped) {
        theirs = s;
        break;
      }
      const keep = (r, prev) => ({ ...(r.seconds < prev.seconds ? r : prev), cpuNsPerNonzero: Math.min(r.cpuNsPerNonzero, prev.cpuNsPerNonzero) });
      theirs = theirs?.rows ? { ...s, rows: s.rows.map((r, k) => keep(r, theirs.rows[k])) } : s;
    }
    releaseSklearnFiles(task);
    spam = { task: { train: task.train.y.length, test: task.test.y.length, nnz: task.nnz, features: task.features, ...SPAM }, ours, sklearn: theirs, load: stop() };
  }
  progress.step();
  return spam;
}

/** The Markdown lines of the SpamAssassin section. */
function spamSection(spam) {
  const ns = (x) => x.toFixed(2);
  return spam.skipped ? [`scikit-learn comparison: skipped (${spam.skipped}).`] : (() => {
  const sk = spam.sklearn.rows ? spam.sklearn.rows : null;
  const best = sk ? sk.reduce((a, b) => (a.nsPerNonzero < b.nsPerNonzero ? a : b)) : null;
  const bestCpu = sk ? sk.reduce((a, b) => (a.cpuNsPerNonzero < b.cpuNsPerNonzero ? a : b)) : null;
  return [
    `${spam.task.train} training and ${spam.task.test} test messages (the example's stratified split, seed ${SPAM.seed}), ` +
      `${spam.task.features} hashed features, ${spam.task.nnz} training nonzeros; logistic loss with a bias, ` +
      `${SPAM.l2 > 0 ? `L2 ${SPAM.l2} (ours degree-scaled, theirs α/2‖w‖²: not the same objective)` : 'no L2 on either side (ours l2 0, theirs penalty=None; their \'optimal\' schedule keeps its default α = 1e-4 as a step-size setting only)'}, ` +
      `${SPAM.epochs} epochs, shuffled. Ours: lr ${SPAM.lr}·${SPAM.decay}^epoch, float32. Times: best of interleaved runs, each side's whole training call (ours: one hogwild() call, all epochs in one native job; theirs: one fit()).`,
    '',
    '| implementation | threads | epochs | train s | ns / nonzero / epoch | CPU ns / nonzero / epoch | test accuracy | test log-loss | time vs SGDClassifier | CPU time vs SGDClassifier |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${spam.ours.name} | 1 | ${spam.ours.epochs} | ${spam.ours.seconds.toFixed(3)} | ${ns(spam.ours.nsPerNonzero)} (loop alone ${ns(spam.ours.loopNsPerNonzero)}) | ${ns(spam.ours.cpuNsPerNonzero)} | ${spam.ours.testAccuracy.toFixed(4)} | ${spam.ours.testLoss.toFixed(4)} | ${best ? `${(spam.ours.nsPerNonzero / best.nsPerNonzero).toFixed(2)}×` : '–'} | ${bestCpu ? `${(spam.ours.cpuNsPerNonzero / bestCpu.cpuNsPerNonzero).toFixed(2)}×` : '–'} |`,
    ...(sk ? sk.map((r) => `| ${r.name} | 1 | ${r.epochs} | ${r.seconds.toFixed(3)} | ${ns(r.nsPerNonzero)} | ${ns(r.cpuNsPerNonzero)} | ${r.testAccuracy.toFixed(4)} | ${r.testLoss.toFixed(4)} | ${(r.nsPerNonzero / best.nsPerNonzero).toFixed(2)}× | ${(r.cpuNsPerNonzero / bestCpu.cpuNsPerNonzero).toFixed(2)}× |`)
      : [`| scikit-learn SGDClassifier | | | | skipped: ${spam.sklearn.skipped} | | | | | |`]),
    '',
    loadLine(spam.load),
    ...(best ? [`Target: ≤ 1.0× SGDClassifier's time per nonzero on 1 thread at test accuracy ≥ 0.97: ` +
      `${spam.ours.nsPerNonzero <= best.nsPerNonzero && spam.ours.testAccuracy >= 0.97 ? 'met' : 'not met'} ` +
      `(${(spam.ours.nsPerNonzero / best.nsPerNonzero).toFixed(2)}× its fastest row; loop alone ${(spam.ours.loopNsPerNonzero / best.nsPerNonzero).toFixed(2)}×; ` +
      `CPU time ${(spam.ours.cpuNsPerNonzero / bestCpu.cpuNsPerNonzero).toFixed(2)}×; accuracy ${spam.ours.testAccuracy.toFixed(4)}). ` +
      'Wall time is the target\'s measure; CPU time (each process, every thread, the whole call) is the comparison that other load on the machine disturbs least.'] : []),
  ];
})();
}

/** Peak resident memory of this process so far (VmHWM), in bytes; null off Linux. */
function peakRss() {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

/** A sample is clean when every training thread had a core to itself for (nearly) the whole epoch. */
const CLEAN = 0.9;
/** Examples per traced chunk: short enough (~0.1-0.5 ms) that many run undisturbed on a busy machine. */
const TRACE_CHUNK = 250;
/** Examples a thread buffers before merging, in the 'hogwild + buffer' rows. */
const FLUSH_EVERY = 4096;

// The configurations timed on each set: `base` names the 1-thread row a speed-up is taken against.
const MODES = [
  { label: 'hogwild', mode: 'hogwild', threads: 1, base: 'hogwild' },
  { label: 'hogwild', mode: 'hogwild', threads: 2, base: 'hogwild' },
  { label: 'locked', mode: 'locked', threads: 1, base: 'locked' },
  { label: 'locked', mode: 'locked', threads: 2, base: 'locked' },
  { label: 'private (ceiling)', mode: 'private', threads: 2, base: 'hogwild' },
];
const BUFFERED = (cols) => ({
  label: `hogwild + buffer (k = ${FLUSH_EVERY})`, mode: 'hogwild', threads: 2, base: 'hogwild',
  options: { hotFeatures: cols, flushEvery: FLUSH_EVERY },
});

const progress = new Progress(0);
const log = (line) => progress.note(line);

/**
 * Runs every configuration `repeats` times, interleaved; returns per configuration its samples (one
 * per epoch: updates/s, how much of the epoch its threads actually ran, and updates per CPU-second
 * times threads: the rate if each thread had had its own core), best and median over all samples
 * and over the clean ones, and the load of other processes while it ran.
 */
async function timeConfigs(name, configs, base) {
  const samples = configs.map(() => []);
  const histories = configs.map(() => []);
  const stop = watchLoad();
  for (let rep = 0; rep < args.repeats; rep++) {
    for (const [c, config] of configs.entries()) {
      progress.start(`${name}: ${config.label}, ${config.threads} thread(s), run ${rep + 1}/${args.repeats}`);
      const r = await hogwild({
        ...base, ...config.options, mode: config.mode, threads: config.threads, epochs: args.epochs, evaluate: false, seed: rep,
        trace: true, chunk: TRACE_CHUNK,
      });
      histories[c].push(...r.history);
      samples[c].push(...r.history.map((h) => ({
        updatesPerSecond: h.updatesPerSecond, running: h.cpuSeconds / (h.seconds * config.threads),
        perCoreRate: (h.updates / h.cpuSeconds) * config.threads,
      })));
      progress.step();
    }
  }
  const load = stop();
  return configs.map((config, c) => {
    const all = samples[c].map((x) => x.updatesPerSecond);
    const clean = samples[c].filter((x) => x.running >= CLEAN).map((x) => x.updatesPerSecond);
    return {
      label: config.label, mode: config.mode, threads: config.threads, base: config.base, options: config.options ?? {},
      samples: samples[c].map((x) => ({ updatesPerSecond: round(x.updatesPerSecond, 4), running: round(x.running, 3), perCoreRate: round(x.perCoreRate, 4) })),
      best: Math.max(...all), median: median(all),
      clean: clean.length, cleanBest: clean.length ? Math.max(...clean) : null, cleanMedian: clean.length ? median(clean) : null,
      perCoreMedian: median(samples[c].map((x) => x.perCoreRate)),
      together: (({ rate, perThread, chunks, used }) => ({ rate, perThread, chunks, used }))(concurrentRate(histories[c], config.threads)),
      load,
    };
  });
}

/**
 * Adds the speed-up over the base 1-thread row: from clean samples when both rows have some (the
 * measurement the machine's other load did not disturb), else from all samples; and the CPU-time
 * speed-up (per-core rates), which a busy machine disturbs less but flatters contention (a thread
 * waiting for its core is not contending).
 */
function withSpeedups(rows) {
  return rows.map((row) => {
    const one = rows.find((r) => r.label === row.base && r.threads === 1);
    const fromClean = row.clean > 0 && one.clean > 0;
    return {
      ...row,
      speedupFrom: fromClean ? 'clean samples' : 'all samples',
      speedupBest: fromClean ? row.cleanBest / one.cleanBest : row.best / one.best,
      speedupMedian: fromClean ? row.cleanMedian / one.cleanMedian : row.median / one.median,
      perCoreSpeedup: row.perCoreMedian / one.perCoreMedian,
      togetherSpeedup: row.together.rate !== null && one.together.rate !== null ? row.together.rate / one.together.rate : null,
    };
  });
}

/** Trains with evaluation after every epoch: the loss against cumulative training wall time. */
async function lossCurve(options, label) {
  const r = await hogwild(options);
  let t = 0;
  const points = r.history.map((h) => {
    t += h.seconds;
    return { seconds: round(t, 4), loss: h.loss, valLoss: h.valLoss, valMetric: h.valMetric };
  });
  return { label, threads: options.threads, points, last: r.history.at(-1) };
}

const info = nativeInfo();
const machine = machineInfo(info);
function loadLine(l) {
  return l.busyCoresOthers === null ? '' : `Other processes kept ${l.busyCoresOthers} of ${machine.logicalCpus} cores busy on average during these ${l.seconds} s.`;
}

if (args.only === 'spam') {
  // The SpamAssassin section alone, both sides measured in this run; the rest of the results stays.
  const spam = await measureSpam();
  progress.finish();
  const date = new Date().toISOString();
  const heading = '## SpamAssassin hashed logistic regression against scikit-learn';
  const section = [heading, '', `Measured ${date} with \`--only spam\` (the sections above are from the full run).`, '', ...spamSection(spam), '', ''].join('\n');
  const mdFile = join(args.out, 'hogwild.md'), jsonFile = join(args.out, 'hogwild.json');
  let md = '', json = {};
  try {
    md = readFileSync(mdFile, 'utf8');
    json = JSON.parse(readFileSync(jsonFile, 'utf8'));
  } catch {
    // no earlier full run there: the files hold this section alone
  }
  const start = md.indexOf(heading);
  if (start < 0) {
    md = md ? `${md.trimEnd()}\n\n${section}` : `# Hogwild! benchmark\n\n${section}`;
  } else {
    const rest = md.slice(start + heading.length);
    const next = rest.search(/\n(## |Charts: )/);
    md = md.slice(0, start) + section + (next < 0 ? '' : rest.slice(next + 1));
  }
  json.spam = { ...spam, date, machine };
  mkdirSync(args.out, { recursive: true });
  writeFileSync(mdFile, md.endsWith('\n') ? md : `${md}\n`);
  writeFileSync(jsonFile, `${JSON.stringify(json, null, 2)}\n`);
  process.stdout.write(`${section}\n`);
  process.stderr.write(`updated the SpamAssassin section of ${mdFile} and hogwild.json\n`);
  process.exit(0);
}
// Progress cases: the timed runs of both sets, the coherence count, 4 loss curves, 2 MF quality runs, the spam task.
progress.total = args.repeats * (MODES.length + 1) + args.repeats * MODES.length + 1 + 4 + 2 + (args.sklearn ? 1 : 0);
log(`machine: ${machine.cpuModel}, ${machine.logicalCpus} cores; descent ${info.version} (${info.isa}); load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);

// --- RCV1-like sparse SVM ------------------------------------------------------------------------
log(`generating the RCV1-like set: ${args.rows} rows x 47236 features, ~75 nonzeros a row`);
const rssBefore = peakRss();
let started = performance.now();
const sparse = await generateSparse({ rows: args.rows, seed: 1 });
const generateSeconds = (performance.now() - started) / 1000;
const rssAfter = peakRss();
const nnz = sparse.X.indices.length;
const rawBytes = (args.rows + 1) * 4 + nnz * 8 + args.rows * 4;
const memory = {
  rows: args.rows, nnz, rawBytes, generateSeconds: round(generateSeconds),
  peakRssGrowthBytes: rssBefore !== null && rssAfter !== null ? rssAfter - rssBefore : null,
};
memory.ratio = memory.peakRssGrowthBytes === null ? null : round(memory.peakRssGrowthBytes / rawBytes);
log(`  ${nnz} nonzeros in ${generateSeconds.toFixed(1)} s; peak memory growth ${memory.ratio ?? '?'}x the raw CSR (labels included)`);

const svm = { objective: 'hinge', lr: 0.2, l2: 1e-4 };
const split = splitData(sparse.X, sparse.y, { validationFraction: 0.05, seed: 2 });
const cols = sparse.X.cols;
const sparseRows = withSpeedups(await timeConfigs('svm', [...MODES, BUFFERED(cols)], { ...svm, data: split.train }));

progress.start('svm: cache-coherence count (2 simulated threads, 2 epochs)');
const sharing = countSharing(split.train, {
  ...svm, epochs: 2,
  hot: [{ H: 4096, k: 1024, lazy: false }, { H: cols, k: FLUSH_EVERY, lazy: false }],
}).map((v) => ({ ...v, variant: v.variant === `hot ${cols}/${FLUSH_EVERY}` ? `buffer, all features, k = ${FLUSH_EVERY}` : v.variant }));
progress.step();

// Quality: 5 epochs with evaluation after each, held-out 5%: 2 threads must learn as well as 1.
const quality = [];
const curves = [];
for (const config of [{ label: 'hogwild', threads: 1 }, { label: 'hogwild', threads: 2 }, { label: 'private (ceiling)', threads: 2, mode: 'private' },
  { label: BUFFERED(cols).label, threads: 2, options: BUFFERED(cols).options }]) {
  progress.start(`svm: loss curve, ${config.label}, ${config.threads} thread(s)`);
  const curve = await lossCurve({ ...svm, ...config.options, mode: config.mode ?? 'hogwild', data: split.train, validation: split.validation, epochs: 5, threads: config.threads },
    `${config.label}, ${config.threads} thread${config.threads === 1 ? '' : 's'}`);
  curves.push(curve);
  quality.push({ label: config.label, threads: config.threads, trainObjective: round(curve.last.loss, 5), testHingeLoss: round(curve.last.valLoss, 5), testAccuracy: round(curve.last.valMetric, 4) });
  progress.step();
}

// --- Netflix-like matrix factorisation -----------------------------------------------------------
log(`generating the Netflix-like set: ${args.ratings} ratings`);
// Netflix's users and items, scaled down with the rating count for smaller runs (so that each user
// keeps about 20 ratings, as in Netflix).
const scale = Math.min(1, args.ratings / 10_000_000);
const ratingsAll = await generateRatings({
  ratings: args.ratings, users: Math.max(100, Math.round(480_189 * scale)), items: Math.max(50, Math.round(17_770 * scale)), seed: 1,
});
const ratings = splitRatings(ratingsAll, { validationFraction: 0.02, seed: 2 });
const mfBase = { objective: 'mf', rank: 10, lr: 0.05, l2: 0.05, data: ratings.train };
const mfRows = withSpeedups(await timeConfigs('mf', MODES, mfBase));
const mfQuality = [];
for (const threads of [1, 2]) {
  progress.start(`mf: quality, ${threads} thread(s)`);
  const r = await hogwild({ ...mfBase, validation: ratings.validation, epochs: 5, threads });
  mfQuality.push({ threads, trainRmse: round(r.history.at(-1).metric, 4), testRmse: round(r.history.at(-1).valMetric, 4) });
  progress.step();
}

// --- SpamAssassin vs scikit-learn ----------------------------------------------------------------
let spam = { skipped: 'not run (--no-sklearn)' };
if (args.sklearn) spam = await measureSpam();

// --- peers ---------------------------------------------------------------------------------------
let peers = [];
if (args.peer) {
  log(`running the peer hook ${args.peer}`);
  const peer = await import(pathToFileURL(args.peer).href);
  peers = await peer.run({
    train: split.train, test: split.validation, settings: { ...svm, epochs: 5 }, hogwild,
    results: { sparse: sparseRows, quality },
  });
}
progress.finish();

// --- report --------------------------------------------------------------------------------------
const fmt = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(3)} M` : `${(x / 1e3).toFixed(1)} k`);
const table = (rows, unit) => [
  `| mode | threads | ${unit}/s together | **speed-up together** | chunks together | ${unit}/s best epoch | median | clean epochs | epoch speed-up (best) | (median) | CPU-time speed-up |`,
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.label} | ${r.threads} | ${r.together.rate === null ? '–' : fmt(r.together.rate)} | ` +
    `${r.togetherSpeedup === null ? '–' : `**${r.togetherSpeedup.toFixed(2)}×**`} | ${r.together.used}/${r.together.chunks} | ` +
    `${fmt(r.best)} | ${fmt(r.median)} | ${r.clean}/${r.samples.length} | ` +
    `${r.speedupBest.toFixed(2)}×${r.speedupFrom === 'all samples' ? ' (all)' : ''} | ${r.speedupMedian.toFixed(2)}× | ${r.perCoreSpeedup.toFixed(2)}× |`),
];
const row = (rows, label, threads) => rows.find((r) => r.label === label && r.threads === threads);
const hogwild2 = row(sparseRows, 'hogwild', 2);
const ceiling2 = row(sparseRows, 'private (ceiling)', 2);
const buffered2 = row(sparseRows, BUFFERED(cols).label, 2);
const ns = (x) => x.toFixed(1);
const x = (v) => (v === null ? 'not measured (no chunk ran together)' : `${v.toFixed(2)}×`);
const verdict = (r) => (r.togetherSpeedup === null ? 'not measured (no chunk ran together)' : `${r.togetherSpeedup >= 1.8 ? 'met' : 'not met'} (${r.togetherSpeedup.toFixed(2)}×)`);
const spamLines = spamSection(spam);
const md = [
  '# Hogwild! benchmark',
  '',
  `${machine.cpuModel}, ${machine.logicalCpus} cores, Node ${machine.node}, descent ${info.version} (${info.isa}). ` +
    `${args.repeats} interleaved runs × ${args.epochs} epochs per configuration; updates/s per epoch, evaluation excluded.`,
  '',
  `**Speed-up together** (the headline): every epoch is traced in chunks of ${TRACE_CHUNK} examples (wall and CPU time per ` +
    'chunk, option `trace`); a chunk counts when its thread kept its core throughout (CPU ≥ 95% of wall) and, for 2 threads, ' +
    'the other thread also ran uninterrupted over the whole chunk. The rate over those chunks, summed over threads, is what ' +
    'the threads do when each has a core and both contend for memory — what a quiet machine shows — and it survives a busy ' +
    'machine, which whole epochs do not (bench/lib/concurrency.mjs). Speed-ups are over the base 1-thread row measured the same way. ' +
    'Caveats: a 2-thread chunk only counts while no other process ran on either core, whereas a 1-thread chunk may share the ' +
    'L3 and memory with another process on the other core, so speed-ups of 2 threads come out somewhat high (above 2× at ' +
    'times); chunks that hold a buffer merge take longer and count a little less often; and few counted chunks (column 5) ' +
    'mean a noisy figure. Compare 2-thread rows with the ceiling row of the same run.',
  '',
  `Epoch columns: an epoch is clean when the training threads got at least ${CLEAN * 100}% of its wall time as CPU time each; ` +
    'epoch speed-ups compare clean epochs when both rows have some, else all epochs (marked "(all)"): on a busy machine those ' +
    'understate what 2 threads can do. "CPU-time speed-up" compares updates per CPU-second × threads: it flatters the shared ' +
    'modes on a busy machine, since a thread waiting for its core is not contending.',
  '',
  'Modes: *private (ceiling)* is the same work with nothing shared (each thread its own copy of the parameters, averaged ' +
    `after the epoch): the most 2 threads can give on this machine. *hogwild + buffer* keeps a private copy of every ` +
    `feature's weight per thread and adds its change to the shared weights every ${FLUSH_EVERY} examples (options ` +
    `\`hotFeatures: cols, flushEvery: ${FLUSH_EVERY}\`; staleness up to ${FLUSH_EVERY} examples per thread). Speed-ups are over plain hogwild on 1 thread.`,
  '',
  'Many-core curve (1, 2, 4, 8, 16 threads): not measured, no machine with > 2 cores.',
  '',
  `## Sparse SVM on the RCV1-like set (${args.rows} rows, 47 236 features, ${nnz} nonzeros; hinge, lr ${svm.lr}, L2 ${svm.l2} by degree)`,
  '',
  ...table(sparseRows, 'rows'),
  '',
  loadLine(sparseRows[0].load),
  `Target: hogwild 2-thread speed-up ≥ 1.8× (speed-up together): plain hogwild ${verdict(hogwild2)}; ` +
    `with the per-thread buffer ${verdict(buffered2)}; the machine's ceiling (private) ${x(ceiling2.togetherSpeedup)}. ` +
    `Whole epochs: plain ${hogwild2.speedupBest.toFixed(2)}×, buffer ${buffered2.speedupBest.toFixed(2)}×, ceiling ${ceiling2.speedupBest.toFixed(2)}× (best, ${hogwild2.speedupFrom}).`,
  '',
  '### Why: cache lines taken from the other core, per row',
  '',
  'Two simulated threads on alternate rows of the same shuffled epoch (second epoch), one 64-byte line per 16 weights, ' +
    'the weights fit in cache (bench/lib/sharing-model.mjs). A miss is a read of a line the other thread wrote since; ' +
    'each costs a transfer between cores. Rows with a nonzero loss derivative write all their weights.',
  '',
  '| variant | line misses / row | line steals / row | rows that write |',
  '| --- | ---: | ---: | ---: |',
  ...sharing.map((v) => `| ${v.variant} | ${v.missesPerRow.toFixed(2)} | ${v.stealsPerRow.toFixed(2)} | ${(100 * v.activeRowShare).toFixed(0)}% |`),
  '',
  '| run (5 epochs) | threads | training objective | test hinge loss | test accuracy |',
  '| --- | ---: | ---: | ---: | ---: |',
  ...quality.map((q) => `| ${q.label} | ${q.threads} | ${q.trainObjective} | ${q.testHingeLoss} | ${q.testAccuracy} |`),
  '',
  `Generating the set took ${memory.generateSeconds} s; peak memory grew by ${memory.ratio ?? '?'}× the raw CSR size ` +
    `(${(rawBytes / 2 ** 20).toFixed(0)} MiB with labels).`,
  '',
  `## Matrix factorisation on the Netflix-like set (${ratings.train.ratings.length} ratings, ${ratingsAll.userCount} users, ${ratingsAll.itemCount} items; rank 10)`,
  '',
  ...table(mfRows, 'ratings'),
  '',
  loadLine(mfRows[0].load),
  '',
  'Ratings carry Gaussian noise of standard deviation 0.5: the best RMSE any model can reach.',
  '',
  '| threads | train RMSE (5 epochs) | test RMSE |',
  '| ---: | ---: | ---: |',
  ...mfQuality.map((q) => `| ${q.threads} | ${q.trainRmse} | ${q.testRmse} |`),
  '',
  '## SpamAssassin hashed logistic regression against scikit-learn',
  '',
  ...spamLines,
  '',
  ...(peers.length ? [
    '## Peers (same sparse data)',
    '',
    '| name | threads | rows/s | test loss | test accuracy | note |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
    ...peers.map((p) => `| ${p.name} | ${p.threads ?? ''} | ${p.updatesPerSecond ? fmt(p.updatesPerSecond) : ''} | ${p.testLoss ?? ''} | ${p.testAccuracy ?? ''} | ${p.note ?? ''} |`),
    '',
  ] : []),
  'Charts: hogwild-speedup.svg (speed-up against threads per mode, the ceiling included) and hogwild-loss.svg (training objective against training wall time).',
].join('\n');

mkdirSync(args.out, { recursive: true });
const json = {
  date: new Date().toISOString(), machine, settings: { ...args, out: undefined },
  manyCore: 'not measured: no machine with > 2 cores',
  sparse: { task: { rows: args.rows, cols: 47236, nnz, ...svm }, timing: sparseRows, sharing, quality, curves, memory },
  mf: { task: { ratings: ratings.train.ratings.length, users: ratingsAll.userCount, items: ratingsAll.itemCount, rank: 10, lr: mfBase.lr, l2: mfBase.l2 }, timing: mfRows, quality: mfQuality },
  spam,
  peers,
};
writeFileSync(join(args.out, 'hogwild.json'), `${JSON.stringify(json, null, 2)}\n`);
writeFileSync(join(args.out, 'hogwild.md'), `${md}\n`);
writeCharts(lib, args.out, { sparse: sparseRows, mf: mfRows, curves });
process.stdout.write(`${md}\n`);
process.stderr.write(`wrote ${join(args.out, 'hogwild.json')}, hogwild.md, hogwild-speedup.svg and hogwild-loss.svg\n`);
