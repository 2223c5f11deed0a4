// The 2-D test functions of the demo, with analytic gradients. Values and gradients are computed in
// double precision from the float32 parameters, so the optimizers' own rounding is what the table shows.

/** @typedef {{ name: string, formula: string, start: [number, number], minimizer: [number, number] | null,
 *   bounds: { x: [number, number], y: [number, number] },
 *   value: (x: number, y: number) => number,
 *   gradient: (x: number, y: number, out: Float32Array) => void }} TestFunction */

/** @type {TestFunction} */
export const rosenbrock = {
  name: 'Rosenbrock',
  formula: 'f(x,y) = (1-x)^2 + 100(y-x^2)^2',
  start: [-1.5, 2],
  minimizer: [1, 1],
  // Plot window for the contour figures a later version draws.
  bounds: { x: [-2, 2], y: [-1, 3] },
  value(x, y) {
    const a = 1 - x, b = y - x * x;
    return a * a + 100 * b * b;
  },
  gradient(x, y, out) {
    const b = y - x * x;
    out[0] = -2 * (1 - x) - 400 * x * b;
    out[1] = 200 * b;
  },
};

/** @type {TestFunction} */
export const beale = {
  name: 'Beale',
  formula: 'f(x,y) = (1.5-x+xy)^2 + (2.25-x+xy^2)^2 + (2.625-x+xy^3)^2',
  // A point on the ridge between the basin of (3, 0.5) and a long valley that descends towards
  // x → −∞ along y → 1 (f falls to about 0.45 there but never to 0): the first few steps decide
  // which way a method goes, so some reach the minimum and some slide away, whatever their lr.
  start: [-1, 1.5],
  minimizer: [3, 0.5],
  bounds: { x: [-4.5, 4.5], y: [-4.5, 4.5] },
  value(x, y) {
    const t1 = 1.5 - x + x * y, t2 = 2.25 - x + x * y * y, t3 = 2.625 - x + x * y * y * y;
    return t1 * t1 + t2 * t2 + t3 * t3;
  },
  gradient(x, y, out) {
    const y2 = y * y, y3 = y2 * y;
    const t1 = 1.5 - x + x * y, t2 = 2.25 - x + x * y2, t3 = 2.625 - x + x * y3;
    out[0] = 2 * (t1 * (y - 1) + t2 * (y2 - 1) + t3 * (y3 - 1));
    out[1] = 2 * x * (t1 + 2 * y * t2 + 3 * y2 * t3);
  },
};

/**
 * The saddle of Figure 4b: flat ridge along y = 0, minimum along x, maximum along y (unbounded
 * below). Not in the tables (it has no minimum to reach); the figures start just off its ridge.
 * @type {TestFunction}
 */
export const saddle = {
  name: 'Saddle',
  formula: 'f(x,y) = x^2 - y^2',
  start: [1, 1e-3],
  minimizer: null,
  bounds: { x: [-1.5, 1.5], y: [-1.5, 1.5] },
  value(x, y) {
    return x * x - y * y;
  },
  gradient(x, y, out) {
    out[0] = 2 * x;
    out[1] = -2 * y;
  },
};

export const TEST_FUNCTIONS = [rosenbrock, beale];
