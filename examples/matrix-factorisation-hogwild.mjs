// Matrix factorisation with Hogwild! (Niu et al. 2011; seed paper §5.1): a Netflix-like ratings
// set (Zipf-distributed users and items, ratings from a rank-5 truth plus noise of σ 0.5, so an
// RMSE of 0.5 is the best any model can reach), factorised at rank 10 by lock-free native SGD
// threads. The same run with one thread and with every core: the held-out RMSE per epoch should
// match closely (lock-free updates lose little on sparse data) while the updates per second grow.
//
//   node examples/matrix-factorisation-hogwild.mjs [--quick]

import * as os from 'node:os';
import { generateRatings, hogwild, splitRatings } from 'descent';
import { exampleArgs } from './lib/example-args.mjs';
import { fmt, textTable } from './lib/table.mjs';

const USAGE = `usage: node examples/matrix-factorisation-hogwild.mjs [--quick]
  --quick   200 000 ratings, 6 epochs (default 2 000 000 ratings, 10 epochs)`;

const NOISE = 0.5;
const SETTINGS = { objective: 'mf', rank: 10, lr: 0.05, l2: 0.05, decay: 0.9, seed: 3 };

async function main() {
  const opts = exampleArgs(USAGE);
  const [ratings, epochs] = opts.quick ? [200_000, 6] : [2_000_000, 10];
  // Netflix's shape scaled down: about 20 ratings per user, ~560 per item.
  const users = Math.round(ratings / 20), items = Math.max(50, Math.round(ratings / 560));
  const all = await generateRatings({ ratings, users, items, rank: 5, noise: NOISE, seed: 1 });
  const { train, validation } = splitRatings(all, { validationFraction: 0.05, seed: 2 });
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const threadCounts = cores > 1 ? [1, cores] : [1];
  console.log(`Netflix-like ratings: ${train.ratings.length} for training, ${validation.ratings.length} held out; ` +
    `${users} users, ${items} items. Rank ${SETTINGS.rank}, lr ${SETTINGS.lr}·${SETTINGS.decay}^epoch, λ ${SETTINGS.l2}, ${epochs} epochs.`);

  const runs = [];
  for (const threads of threadCounts) {
    const { history } = await hogwild({
      ...SETTINGS, data: train, validation, epochs, threads,
      onEpoch: (e) => console.error(`${threads} thread${threads > 1 ? 's' : ''}: epoch ${e.epoch + 1}/${epochs}, ` +
        `held-out RMSE ${e.valMetric.toFixed(4)}, ${(e.updatesPerSecond / 1e6).toFixed(2)} M updates/s`),
    });
    runs.push({ threads, history });
  }

  const label = (run) => `${run.threads} thread${run.threads > 1 ? 's' : ''}`;
  const columns = [
    { title: 'epoch', cell: (r) => String(r.epoch + 1), right: true },
    ...runs.map((run) => ({ title: `held-out RMSE, ${label(run)}`, cell: (r) => fmt(run.history[r.epoch].valMetric), right: true })),
    ...runs.map((run) => ({ title: `train RMSE, ${label(run)}`, cell: (r) => fmt(run.history[r.epoch].metric), right: true })),
    ...runs.map((run) => ({ title: `M updates/s, ${label(run)}`, cell: (r) => (run.history[r.epoch].updatesPerSecond / 1e6).toFixed(2), right: true })),
  ];
  console.log(`\n${textTable(columns, runs[0].history.map((e) => ({ epoch: e.epoch })))}`);
  const rate = (run) => run.history.reduce((s, e) => s + e.updates, 0) / run.history.reduce((s, e) => s + e.seconds, 0);
  const last = runs.at(-1);
  console.log(`\nThe noise floor is RMSE ${NOISE}; with about 20 ratings per user the held-out error stays above the training error. ` + (runs.length > 1
    ? `${last.threads} threads: ${(rate(last) / rate(runs[0])).toFixed(2)}× the updates per second of 1 thread ` +
      `(load average ${os.loadavg()[0].toFixed(2)}: other work on the machine takes cores too).`
    : 'One core: no parallel run to compare.'));
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
