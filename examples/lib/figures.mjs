// Figure 4 of Ruder's overview, redrawn from our own runs: (a) every optimizer's path on the
// Beale function from one start, (b) every optimizer started next to a saddle point.
//
// One learning rate per optimizer serves both panels. They are set on Beale, whose gradients span
// four decades over the window: plain SGD and the momentum methods need a step small enough for
// the steep walls (0.005), while the adaptive methods divide by the gradient's own scale and move
// about `lr` per coordinate from the first step (RMSprop 10·lr: its average of g² starts at 0 with
// no bias correction; Adadelta keeps the package default 1, i.e. the paper's rule, whose first
// steps are set by eps). The saddle then shows what the paper describes: with the same settings
// the gradient methods sit on the ridge, where the gradient across it is tiny, and the adaptive
// ones leave at once.

import { REACHED_DISTANCE, REACHED_LOSS } from './trajectory.mjs';
import { beale, saddle } from './functions.mjs';
import { pathLength, traceRun } from './trace.mjs';

/** Learning rate per optimizer, both panels (see the comment at the top). */
export const FIGURE_LRS = {
  SGD: 0.005,
  Momentum: 0.005,
  Nesterov: 0.005,
  Adagrad: 0.3,
  Adadelta: 1,
  RMSprop: 0.01,
  Adam: 0.05,
  AdamW: 0.05,
  AdaMax: 0.05,
  Nadam: 0.05,
  AMSGrad: 0.05,
};

/**
 * Beale from below and right of the minimum: the gradient there points mostly up the steep wall,
 * the direction to the minimum is diagonal. Methods that follow the raw gradient climb onto the
 * valley floor and then crawl (SGD) or overshoot along it (momentum); per-coordinate methods take
 * the diagonal.
 */
export const FIGURE_4A = {
  id: 'figure-4a-beale',
  panel: 'Figure 4a',
  fn: beale,
  start: [4, -0.5],
  steps: 600,
  /** [xMin, xMax, yMin, yMax]: the part of the surface the paths use. */
  window: [1, 4.5, -1.5, 1.5],
};

/** x² − y² from just off the ridge y = 0: escaping means growing y, whose gradient starts at 2e-3. */
export const FIGURE_4B = {
  id: 'figure-4b-saddle',
  panel: 'Figure 4b',
  fn: saddle,
  start: [1, 1e-3],
  steps: 300,
  window: [-1.5, 1.5, -1.5, 1.5],
  /** A run has escaped once |y| reaches this (the edge of the window's inner part). */
  escapeY: 1,
};

/** "Near the minimum" for the figure tables: what the eye sees on the plot (the window is 3.5 wide). */
export const NEAR_DISTANCE = 0.01;

/** The step from which the run stays at the minimum (the tables' criterion), or null. */
function reachedAt(fn, trace) {
  const [mx, my] = fn.minimizer;
  let at = null;
  for (let t = 0; t < trace.x.length; t++) {
    const near = trace.loss[t] < REACHED_LOSS || Math.hypot(trace.x[t] - mx, trace.y[t] - my) < REACHED_DISTANCE;
    if (!near) at = null;
    else at ??= t;
  }
  return at;
}

function firstStepWith(trace, test) {
  for (let t = 0; t < trace.x.length; t++) if (test(t)) return t;
  return null;
}

/**
 * Runs every optimizer on the panel's function.
 * @param {typeof FIGURE_4A | typeof FIGURE_4B} figure
 * @param {import('./optimizers.mjs').OptimizerEntry[]} optimizers
 * @param {(message: string) => void} [onRun]
 */
export function runFigure(figure, optimizers, onRun = () => {}) {
  const { fn, start, steps } = figure;
  const [mx, my] = fn.minimizer ?? [Number.NaN, Number.NaN];
  const direct = Math.hypot(start[0] - mx, start[1] - my);
  const rows = optimizers.map((optimizer, i) => {
    onRun(`${figure.panel} (${fn.name}): ${optimizer.name} (${i + 1}/${optimizers.length}), ${steps} steps`);
    const lr = FIGURE_LRS[optimizer.name];
    if (lr === undefined) throw new Error(`no figure learning rate for ${optimizer.name}`);
    const trace = traceRun(fn, optimizer, lr, steps, start);
    const last = trace.x.length - 1;
    const row = {
      optimizer: optimizer.name,
      lr,
      trace,
      diverged: trace.diverged,
      stepsRun: trace.stepsRun,
      final: [trace.x[last], trace.y[last]],
      finalLoss: trace.loss[last],
    };
    if (fn.minimizer) {
      row.reachedAt = reachedAt(fn, trace);
      row.nearAt = firstStepWith(trace, (t) => Math.hypot(trace.x[t] - mx, trace.y[t] - my) < NEAR_DISTANCE);
      // Against the straight line to the minimum (`direct`): overshoots and detours add to it.
      row.pathLength = pathLength(trace);
    } else {
      row.escapedAt = firstStepWith(trace, (t) => Math.abs(trace.y[t]) >= figure.escapeY);
    }
    return row;
  });
  return { figure, rows, direct };
}
