// Every step of one run, for the figures: the points of the path and the loss after each step.
// (trajectory.mjs keeps a sparse path for the JSON; a drawn path needs all of its corners.)

/**
 * Runs up to `steps` steps from `start` (default: the function's start). Stops early when the run
 * diverges (the non-finite point is not kept).
 * @param {import('./functions.mjs').TestFunction} fn
 * @param {import('./optimizers.mjs').OptimizerEntry} optimizer
 * @param {number} lr
 * @param {number} steps
 * @param {[number, number]} [start]
 * @returns {{ lr: number, stepsRun: number, diverged: boolean, x: Float64Array, y: Float64Array, loss: Float64Array }}
 *   x, y, loss at steps 0 … stepsRun (index = step)
 */
export function traceRun(fn, optimizer, lr, steps, start = fn.start) {
  const params = new Float32Array(start);
  const grads = new Float32Array(2);
  const opt = optimizer.create(params, lr);
  const x = new Float64Array(steps + 1), y = new Float64Array(steps + 1), loss = new Float64Array(steps + 1);
  x[0] = params[0];
  y[0] = params[1];
  loss[0] = fn.value(params[0], params[1]);
  let t = 0;
  let diverged = false;
  while (t < steps) {
    fn.gradient(params[0], params[1], grads);
    opt.step(grads);
    const f = fn.value(params[0], params[1]);
    if (!Number.isFinite(params[0]) || !Number.isFinite(params[1]) || Number.isNaN(f)) {
      diverged = true;
      break;
    }
    t++;
    x[t] = params[0];
    y[t] = params[1];
    loss[t] = f;
  }
  return { lr, stepsRun: t, diverged, x: x.subarray(0, t + 1), y: y.subarray(0, t + 1), loss: loss.subarray(0, t + 1) };
}

/** The trace as [x, y] points, for a path on a contour plot. */
export function tracePoints(trace) {
  return Array.from(trace.x, (v, i) => [v, trace.y[i]]);
}

/** Euclidean length of the traced path. */
export function pathLength(trace) {
  let len = 0;
  for (let i = 1; i < trace.x.length; i++) len += Math.hypot(trace.x[i] - trace.x[i - 1], trace.y[i] - trace.y[i - 1]);
  return len;
}
