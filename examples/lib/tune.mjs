// The learning-rate grid search: every optimizer tries the same grid on each function and keeps the
// learning rate that reaches the minimum (for good) in the fewest steps, or, when none does, ends lowest.

import { runTrajectory } from './trajectory.mjs';

/** Half-decade grid from 1e-5 to 10: wide enough for plain SGD (≤ 1e-3 here) and Adadelta (≈ 1–10). */
export const LR_GRID = [1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1, 3, 10];

/** Orders two complete runs: at the minimum sooner, then lower final loss, then the smaller (safer) lr. */
function better(a, b) {
  const ra = a.reachedAt ?? Infinity, rb = b.reachedAt ?? Infinity;
  if (ra !== rb) return ra < rb;
  if (a.finalLoss !== b.finalLoss) return a.finalLoss < b.finalLoss;
  return a.lr < b.lr;
}

/**
 * Tries every lr of the grid, largest first (large rates diverge or settle fast, which gives an early
 * bound); a run still away from the minimum at the best run's `reachedAt` is abandoned.
 * @returns {{ best: ReturnType<typeof runTrajectory>, grid: object[] }} the winning run, with its path,
 *   and one summary per grid point in grid order
 */
export function tuneLearningRate(fn, optimizer, steps, grid = LR_GRID) {
  let best = null;
  const results = new Map();
  for (const lr of [...grid].sort((a, b) => b - a)) {
    const run = runTrajectory(fn, optimizer, lr, { steps, beat: best?.reachedAt ?? null });
    results.set(lr, run);
    if (run.abandonedAt === null && (best === null || better(run, best))) best = run;
  }
  const summary = grid.map((lr) => {
    const { reachedAt, firstReachedAt, abandonedAt, diverged, finalLoss } = results.get(lr);
    return { lr, reachedAt, firstReachedAt, abandonedAt, diverged, finalLoss };
  });
  return { best, grid: summary };
}
