/**
 * Interleaved spirals: a seeded, multi-class toy problem that no linear model separates. Each class
 * is one arm; its points run from the centre outwards while the angle winds, with Gaussian jitter
 * on the angle. The two coordinates can be put on very different scales (and offsets), the
 * situation input normalisation and batch norm are meant to cure.
 * @packageDocumentation
 */
import { checkNumber, describe } from '../optimizers/validate';
import { optionsRecord } from '../train/check';
import { SeededRandom } from '../train/random';

/** Options of {@link makeSpirals}. */
export interface SpiralsOptions {
  /** Number of points (integer ≥ 1). Default 2000. */
  points?: number;
  /** Number of arms, one class each (integer ≥ 2). Default 3. */
  classes?: number;
  /** Full turns each arm makes from the centre to radius 1. Default 1. */
  turns?: number;
  /** Standard deviation of the angle jitter, in radians. Default 0.2. */
  noise?: number;
  /** Seed of the point positions. Default 0. */
  seed?: number;
  /** Multipliers of the two coordinates `[x, y]` (finite, non-zero). Default [1, 1]. */
  scales?: readonly [number, number];
  /** Added to the two coordinates after scaling. Default [0, 0]. */
  offsets?: readonly [number, number];
}

/** A dense data set: X is rows × cols row-major, y holds class ids. */
export interface ClassificationData {
  X: Float32Array;
  y: Int32Array;
  rows: number;
  cols: number;
  classes: number;
}

function pair(where: string, name: string, v: unknown, fallback: [number, number], nonZero: boolean): [number, number] {
  if (v === undefined) return fallback;
  if (!Array.isArray(v) || v.length !== 2) throw new TypeError(`${where}: ${name} must be an array of two numbers, got ${describe(v)}`);
  const out = v.map((x: unknown, i) => checkNumber(where, `${name}[${i}]`, x)) as [number, number];
  if (nonZero && out.includes(0)) throw new RangeError(`${where}: ${name} must not contain 0 (it would erase a coordinate)`);
  return out;
}

/** Row i belongs to class `i mod classes`, so any prefix of the rows is nearly balanced. */
export function makeSpirals(options: SpiralsOptions = {}): ClassificationData {
  const where = 'makeSpirals';
  const o = optionsRecord<SpiralsOptions>(where, options, ['points', 'classes', 'turns', 'noise', 'seed', 'scales', 'offsets']);
  const points = checkNumber(where, 'points', o.points ?? 2000, { min: 1, integer: true });
  const classes = checkNumber(where, 'classes', o.classes ?? 3, { min: 2, integer: true });
  const turns = checkNumber(where, 'turns', o.turns ?? 1, { min: 0 });
  const noise = checkNumber(where, 'noise', o.noise ?? 0.2, { min: 0 });
  const seed = checkNumber(where, 'seed', o.seed ?? 0, { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true });
  const [sx, sy] = pair(where, 'scales', o.scales, [1, 1], true);
  const [ox, oy] = pair(where, 'offsets', o.offsets, [0, 0], false);
  const rng = new SeededRandom(seed);
  const X = new Float32Array(points * 2);
  const y = new Int32Array(points);
  for (let i = 0; i < points; i++) {
    const c = i % classes;
    const t = rng.nextFloat();
    const angle = 2 * Math.PI * (c / classes + turns * t) + noise * rng.normal();
    X[2 * i] = sx * t * Math.cos(angle) + ox;
    X[2 * i + 1] = sy * t * Math.sin(angle) + oy;
    y[i] = c;
  }
  return { X, y, rows: points, cols: 2, classes };
}
