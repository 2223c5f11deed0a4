/**
 * Two-dimensional test functions for optimizer studies: value, gradient, known minima, and a
 * customary start and plot window. Each shows a different difficulty: a curved valley
 * (Rosenbrock), flat regions and steep walls (Beale), a saddle, an ill-conditioned ravine whose
 * axes are not the coordinate axes, and several minima (Himmelblau).
 * @packageDocumentation
 */

/** A point in the plane. */
export interface Point2D {
  x: number;
  y: number;
}

/** A 2-D objective with what an optimizer study needs to know about it. */
export interface TestFunction2D {
  readonly name: string;
  value(x: number, y: number): number;
  /** [∂f/∂x, ∂f/∂y] at (x, y). */
  gradient(x: number, y: number): [number, number];
  /** Every global minimum with its value; empty when the function is unbounded below. */
  readonly minima: readonly (Point2D & { value: number })[];
  /** Stationary points that are saddles (inside the plot window). */
  readonly saddles: readonly Point2D[];
  /** A customary starting point. */
  readonly start: readonly [number, number];
  /** Plot window: [xMin, xMax, yMin, yMax]. */
  readonly bounds: readonly [number, number, number, number];
}

/** Beale: f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²; minimum 0 at (3, 0.5). */
export const beale: TestFunction2D = {
  name: 'beale',
  value(x, y) {
    const a = 1.5 - x + x * y, b = 2.25 - x + x * y * y, c = 2.625 - x + x * y ** 3;
    return a * a + b * b + c * c;
  },
  gradient(x, y) {
    const a = 1.5 - x + x * y, b = 2.25 - x + x * y * y, c = 2.625 - x + x * y ** 3;
    return [
      2 * a * (y - 1) + 2 * b * (y * y - 1) + 2 * c * (y ** 3 - 1),
      2 * a * x + 4 * b * x * y + 6 * c * x * y * y,
    ];
  },
  minima: [{ x: 3, y: 0.5, value: 0 }],
  saddles: [{ x: 0, y: 1 }, { x: 0.1005379373241584, y: -2.6445135850231245 }],
  start: [1, 1.5],
  bounds: [-4.5, 4.5, -4.5, 4.5],
};

/** Rosenbrock (a = 1, b = 100): f = (1 − x)² + 100(y − x²)²; minimum 0 at (1, 1) in a curved valley. */
export const rosenbrock: TestFunction2D = {
  name: 'rosenbrock',
  value(x, y) {
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2;
  },
  gradient(x, y) {
    return [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)];
  },
  minima: [{ x: 1, y: 1, value: 0 }],
  saddles: [],
  start: [-1.5, 2],
  bounds: [-2, 2, -1, 3],
};

/** Saddle: f = x² − y²; a saddle at the origin, unbounded below along y. Starts just off the ridge. */
export const saddle: TestFunction2D = {
  name: 'saddle',
  value(x, y) {
    return x * x - y * y;
  },
  gradient(x, y) {
    return [2 * x, -2 * y];
  },
  minima: [],
  saddles: [{ x: 0, y: 0 }],
  start: [1, 1e-3],
  bounds: [-2, 2, -2, 2],
};

const RAVINE_ANGLE = Math.PI / 6;
const RAVINE_COS = Math.cos(RAVINE_ANGLE), RAVINE_SIN = Math.sin(RAVINE_ANGLE);
/** Curvature ratio of the ravine's two axes (its condition number). */
export const RAVINE_CONDITION = 100;

/**
 * Ravine: f = ½(u² + 100·v²) in coordinates (u, v) rotated by 30° from (x, y); condition number 100,
 * axes not aligned with the parameters (so per-coordinate methods cannot simply rescale it away).
 * Minimum 0 at the origin.
 */
export const ravine: TestFunction2D = {
  name: 'ravine',
  value(x, y) {
    const u = RAVINE_COS * x + RAVINE_SIN * y, v = -RAVINE_SIN * x + RAVINE_COS * y;
    return 0.5 * (u * u + RAVINE_CONDITION * v * v);
  },
  gradient(x, y) {
    const u = RAVINE_COS * x + RAVINE_SIN * y, v = -RAVINE_SIN * x + RAVINE_COS * y;
    const dv = RAVINE_CONDITION * v;
    return [u * RAVINE_COS - dv * RAVINE_SIN, u * RAVINE_SIN + dv * RAVINE_COS];
  },
  minima: [{ x: 0, y: 0, value: 0 }],
  saddles: [],
  start: [-4, 2],
  bounds: [-5, 5, -5, 5],
};

/** Himmelblau: f = (x² + y − 11)² + (x + y² − 7)²; four minima of value 0, four saddles. */
export const himmelblau: TestFunction2D = {
  name: 'himmelblau',
  value(x, y) {
    return (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2;
  },
  gradient(x, y) {
    const a = x * x + y - 11, b = x + y * y - 7;
    return [4 * x * a + 2 * b, 2 * a + 4 * y * b];
  },
  minima: [
    { x: 3, y: 2, value: 0 },
    { x: -2.805118086952745, y: 3.131312518250573, value: 0 },
    { x: -3.779310253377747, y: -3.283185991286169, value: 0 },
    { x: 3.5844283403304917, y: -1.8481265269644034, value: 0 },
  ],
  // Found by Newton's method from a grid of starts; a local maximum sits at (−0.27084, −0.92304).
  saddles: [
    { x: -3.0730257507643897, y: -0.08135304428796751 },
    { x: 3.385154183607021, y: 0.07385187983774928 },
    { x: -0.12796134673068005, y: -1.9537149802445766 },
    { x: 0.08667750455539634, y: 2.884254701174776 },
  ],
  start: [0, 0],
  bounds: [-5, 5, -5, 5],
};

/** Every test function, by name. */
export const testFunctions: Readonly<Record<string, TestFunction2D>> = { beale, rosenbrock, saddle, ravine, himmelblau };

/**
 * Evaluates f at params = [x, y] and OVERWRITES grad with its gradient, in the shape an optimizer
 * step wants (`opt.step(grad)` after this). Returns the value.
 */
export function valueAndGrad(f: TestFunction2D, params: Float32Array, grad: Float32Array): number {
  if (params.length !== 2 || grad.length !== 2) throw new RangeError('params and grad must both have 2 elements');
  const x = params[0]!, y = params[1]!;
  const [gx, gy] = f.gradient(x, y);
  grad[0] = gx;
  grad[1] = gy;
  return f.value(x, y);
}
