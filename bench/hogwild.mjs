// The Hogwild! benchmark (`npm run bench:hogwild`): how much faster 2 threads update than 1, lock-free
// ('hogwild') and with one mutex around each example ('locked', the paper's baseline), on the
// RCV1-like sparse set (linear SVM with the paper's degree-scaled L2), and matrix-factorisation
// updates per second at rank 10 on the Netflix-like ratings set. Prints a Markdown table and writes
// hogwild.json and hogwild.md to the results directory.
//
//   node bench/hogwild.mjs [--quick] [--rows N] [--ratings N] [--epochs E] [--repeats R] [--out DIR]
//                          [--peer MODULE]
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
import { machineInfo, watchLoad } from './lib/machine.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

const USAGE = `usage: node bench/hogwild.mjs [--quick] [--rows N] [--ratings N] [--epochs E] [--repeats R] [--out DIR] [--peer MODULE]
  --quick      small sets and one repeat (a smoke run, not a measurement)
  --rows       rows of the RCV1-like set (default 800000)
  --ratings    ratings of the Netflix-like set (default 10000000)
  --epochs     timed passes per run (default 2)
  --repeats    runs per configuration (default 3)
  --out        results directory (default bench/results)
  --peer       module whose run(context) adds peer rows (see the file header)`;

function parseArgs(argv) {
  const args = { quick: false, rows: null, ratings: null, epochs: 2, repeats: 3, out: join(here, 'results'), peer: null };
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

let args;
try {
  args = parseArgs(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`bench:hogwild: ${err.message}\n${USAGE}\n`);
  process.exit(2);
}
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

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

const log = (line) => process.stderr.write(`${line}\n`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x, digits = 3) => Number(x.toPrecision(digits));

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

/**
 * Runs every configuration `repeats` times, interleaved; returns per configuration its samples (one
 * per epoch: updates/s and how much of the epoch its threads actually ran), best and median over
 * all samples and over the clean ones, and the load of other processes while it ran.
 */
async function timeConfigs(name, configs, base) {
  const samples = configs.map(() => []);
  const stop = watchLoad();
  for (let rep = 0; rep < args.repeats; rep++) {
    for (const [c, config] of configs.entries()) {
      const r = await hogwild({ ...base, ...config, epochs: args.epochs, evaluate: false, seed: rep });
      samples[c].push(...r.history.map((h) => ({
        updatesPerSecond: h.updatesPerSecond, running: h.cpuSeconds / (h.seconds * config.threads),
      })));
      log(`  ${name} ${config.mode} ${config.threads} thread(s), run ${rep + 1}/${args.repeats}: ` +
        r.history.map((h) => `${(h.updatesPerSecond / 1e6).toFixed(3)} M/s (ran ${(100 * h.cpuSeconds / (h.seconds * config.threads)).toFixed(0)}%)`).join(', '));
    }
  }
  const load = stop();
  return configs.map((config, c) => {
    const all = samples[c].map((x) => x.updatesPerSecond);
    const clean = samples[c].filter((x) => x.running >= CLEAN).map((x) => x.updatesPerSecond);
    return {
      mode: config.mode, threads: config.threads,
      samples: samples[c].map((x) => ({ updatesPerSecond: round(x.updatesPerSecond, 4), running: round(x.running, 3) })),
      best: Math.max(...all), median: median(all),
      clean: clean.length, cleanBest: clean.length ? Math.max(...clean) : null, cleanMedian: clean.length ? median(clean) : null,
      load,
    };
  });
}

/**
 * Adds the speed-up over the same mode's 1-thread row: from clean samples when both rows have some
 * (the measurement the machine's other load did not disturb), else from all samples.
 */
function withSpeedups(rows) {
  return rows.map((row) => {
    const one = rows.find((r) => r.mode === row.mode && r.threads === 1);
    const fromClean = row.clean > 0 && one.clean > 0;
    return {
      ...row,
      speedupFrom: fromClean ? 'clean samples' : 'all samples',
      speedupBest: fromClean ? row.cleanBest / one.cleanBest : row.best / one.best,
      speedupMedian: fromClean ? row.cleanMedian / one.cleanMedian : row.median / one.median,
    };
  });
}

const info = nativeInfo();
const machine = machineInfo(info);
log(`machine: ${machine.cpuModel}, ${machine.logicalCpus} cores; descent ${info.version} (${info.isa})`);

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
log('timing the sparse SVM');
const sparseRows = withSpeedups(await timeConfigs('svm', [
  { mode: 'hogwild', threads: 1 }, { mode: 'hogwild', threads: 2 },
  { mode: 'locked', threads: 1 }, { mode: 'locked', threads: 2 },
], { ...svm, data: split.train }));

log('checking that 2 threads learn as well as 1 (5 epochs, held-out 5%)');
const quality = [];
for (const threads of [1, 2]) {
  const r = await hogwild({ ...svm, data: split.train, validation: split.validation, epochs: 5, threads });
  const last = r.history.at(-1);
  quality.push({ threads, trainObjective: round(last.loss, 5), testHingeLoss: round(last.valLoss, 5), testAccuracy: round(last.valMetric, 4) });
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
log('timing matrix factorisation (rank 10)');
const mfRows = withSpeedups(await timeConfigs('mf', [
  { mode: 'hogwild', threads: 1 }, { mode: 'hogwild', threads: 2 },
  { mode: 'locked', threads: 1 }, { mode: 'locked', threads: 2 },
], mfBase));
const mfQuality = [];
for (const threads of [1, 2]) {
  const r = await hogwild({ ...mfBase, validation: ratings.validation, epochs: 5, threads });
  mfQuality.push({ threads, trainRmse: round(r.history.at(-1).metric, 4), testRmse: round(r.history.at(-1).valMetric, 4) });
}

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

// --- report --------------------------------------------------------------------------------------
const fmt = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(3)} M` : `${(x / 1e3).toFixed(1)} k`);
const table = (rows, unit) => [
  `| mode | threads | ${unit}/s best | median | clean samples | clean best | clean median | speed-up (best) | speed-up (median) |`,
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.mode} | ${r.threads} | ${fmt(r.best)} | ${fmt(r.median)} | ${r.clean}/${r.samples.length} | ` +
    `${r.cleanBest === null ? '–' : fmt(r.cleanBest)} | ${r.cleanMedian === null ? '–' : fmt(r.cleanMedian)} | ` +
    `${r.speedupBest.toFixed(2)}× | ${r.speedupMedian.toFixed(2)}×${r.speedupFrom === 'all samples' ? ' (all)' : ''} |`),
];
const loadLine = (rows) => {
  const l = rows[0].load;
  return l.busyCoresOthers === null ? '' : `Other processes kept ${l.busyCoresOthers} of ${machine.logicalCpus} cores busy on average during these ${l.seconds} s.`;
};
const hogwild2 = sparseRows.find((r) => r.mode === 'hogwild' && r.threads === 2);
const md = [
  '# Hogwild! benchmark',
  '',
  `${machine.cpuModel}, ${machine.logicalCpus} cores, Node ${machine.node}, descent ${info.version} (${info.isa}). ` +
    `${args.repeats} interleaved runs × ${args.epochs} epochs per configuration; updates/s per epoch, evaluation excluded.`,
  '',
  `A sample is clean when the training threads got at least ${CLEAN * 100}% of the epoch's wall time as CPU time each ` +
    '(no other process took their core). Speed-ups compare clean samples when both rows have some, else all samples ' +
    '(marked "(all)"): on a busy machine those understate what 2 threads can do.',
  '',
  `## Sparse SVM on the RCV1-like set (${args.rows} rows, 47 236 features, ${nnz} nonzeros; hinge, lr ${svm.lr}, L2 ${svm.l2} by degree)`,
  '',
  ...table(sparseRows, 'rows'),
  '',
  loadLine(sparseRows),
  `Target: hogwild 2-thread speed-up ≥ 1.8×: ${hogwild2.speedupBest >= 1.8 ? 'met' : 'not met'} ` +
    `(${hogwild2.speedupBest.toFixed(2)}× best, ${hogwild2.speedupMedian.toFixed(2)}× median, from ${hogwild2.speedupFrom}).`,
  '',
  '| threads | training objective | test hinge loss | test accuracy |',
  '| ---: | ---: | ---: | ---: |',
  ...quality.map((q) => `| ${q.threads} | ${q.trainObjective} | ${q.testHingeLoss} | ${q.testAccuracy} |`),
  '',
  `Generating the set took ${memory.generateSeconds} s; peak memory grew by ${memory.ratio ?? '?'}× the raw CSR size ` +
    `(${(rawBytes / 2 ** 20).toFixed(0)} MiB with labels).`,
  '',
  `## Matrix factorisation on the Netflix-like set (${ratings.train.ratings.length} ratings, ${ratingsAll.userCount} users, ${ratingsAll.itemCount} items; rank 10)`,
  '',
  ...table(mfRows, 'ratings'),
  '',
  loadLine(mfRows),
  '',
  'Ratings carry Gaussian noise of standard deviation 0.5: the best RMSE any model can reach.',
  '',
  '| threads | train RMSE (5 epochs) | test RMSE |',
  '| ---: | ---: | ---: |',
  ...mfQuality.map((q) => `| ${q.threads} | ${q.trainRmse} | ${q.testRmse} |`),
  '',
  ...(peers.length ? [
    '## Peers (same sparse data)',
    '',
    '| name | threads | rows/s | test loss | test accuracy | note |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
    ...peers.map((p) => `| ${p.name} | ${p.threads ?? ''} | ${p.updatesPerSecond ? fmt(p.updatesPerSecond) : ''} | ${p.testLoss ?? ''} | ${p.testAccuracy ?? ''} | ${p.note ?? ''} |`),
    '',
  ] : []),
].join('\n');

mkdirSync(args.out, { recursive: true });
const json = {
  date: new Date().toISOString(), machine, settings: { ...args, out: undefined },
  sparse: { task: { rows: args.rows, cols: 47236, nnz, ...svm }, timing: sparseRows, quality, memory },
  mf: { task: { ratings: ratings.train.ratings.length, users: ratingsAll.userCount, items: ratingsAll.itemCount, rank: 10, lr: mfBase.lr, l2: mfBase.l2 }, timing: mfRows, quality: mfQuality },
  peers,
};
writeFileSync(join(args.out, 'hogwild.json'), `${JSON.stringify(json, null, 2)}\n`);
writeFileSync(join(args.out, 'hogwild.md'), `${md}\n`);
process.stdout.write(`${md}\n`);
log(`wrote ${join(args.out, 'hogwild.json')} and hogwild.md`);
