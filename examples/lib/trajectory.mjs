// One optimizer run on one test function: when it reaches the minimum for good, where it ends, and a
// subsampled path for plots.

/** "At the minimum": f below this, or the point this close to the minimizer (Euclidean). */
export const REACHED_LOSS = 1e-6;
export const REACHED_DISTANCE = 1e-3;

/** Every step up to this one is kept in the path; after it the stride doubles each time the step does. */
const DENSE_STEPS = 64;

/**
 * Keep step t of a path? Dense at the start, where the moves are large and the shape of the path is
 * decided, then logarithmically sparser: about DENSE_STEPS · (1 + log2(steps / DENSE_STEPS)) points.
 */
export function keepInPath(t) {
  if (t <= DENSE_STEPS) return true;
  const stride = 2 ** Math.floor(Math.log2(t / DENSE_STEPS));
  return t % stride === 0;
}

/** Rounds for the JSON file: float32 carries about 7 significant digits, more would be noise. */
const round = (v) => (Number.isFinite(v) ? Number(v.toPrecision(7)) : v);

/**
 * Runs `steps` steps, or fewer when the run diverges or cannot beat `beat`.
 *
 * `reachedAt` is the step from which the run stays at the minimum until the end of the budget: a large
 * learning rate can pass through the region and leave it again (`firstReachedAt` records that).
 * With `beat` set, a run that is still away from the minimum at step `beat` is abandoned: its
 * `reachedAt` could only be later, so it cannot win a grid search whose best so far is `beat`.
 *
 * @param {import('./functions.mjs').TestFunction} fn
 * @param {import('./optimizers.mjs').OptimizerEntry} optimizer
 * @param {number} lr
 * @param {{ steps: number, beat?: number | null }} options
 */
export function runTrajectory(fn, optimizer, lr, { steps, beat = null }) {
  const params = new Float32Array(fn.start);
  const grads = new Float32Array(2);
  const opt = optimizer.create(params, lr);
  const [mx, my] = fn.minimizer;
  const path = [[0, params[0], params[1]]];
  let reachedAt = null;
  let firstReachedAt = null;
  let diverged = false;
  let abandonedAt = null;
  let t = 0;
  const started = process.hrtime.bigint();
  while (t < steps) {
    fn.gradient(params[0], params[1], grads);
    opt.step(grads);
    t++;
    const x = params[0], y = params[1];
    if (keepInPath(t) || t === steps) path.push([t, round(x), round(y)]);
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      diverged = true;
      reachedAt = null;
      break;
    }
    if (fn.value(x, y) < REACHED_LOSS || Math.hypot(x - mx, y - my) < REACHED_DISTANCE) {
      reachedAt ??= t;
      firstReachedAt ??= t;
    } else {
      reachedAt = null;
      if (beat !== null && t >= beat) {
        abandonedAt = t;
        break;
      }
    }
  }
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (path[path.length - 1][0] !== t) path.push([t, round(params[0]), round(params[1])]);
  const loss = fn.value(params[0], params[1]);
  return {
    lr,
    stepsRun: t,
    reachedAt: abandonedAt === null ? reachedAt : null,
    firstReachedAt,
    abandonedAt,
    diverged,
    finalLoss: Number.isFinite(loss) ? loss : Infinity,
    final: [params[0], params[1]],
    wallMs,
    path,
  };
}
