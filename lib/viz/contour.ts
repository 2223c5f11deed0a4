/**
 * Contour lines of a sampled 2-D function by marching squares: each grid cell whose corners lie on
 * both sides of a level gets one segment (two in the ambiguous saddle cases, split by the cell's
 * centre value), and segments that share a grid edge are joined into polylines.
 * @packageDocumentation
 */

/** A point in data coordinates. */
export type XY = readonly [number, number];

/** f sampled on a regular grid: values[j * xs.length + i] = f(xs[i], ys[j]). */
export interface SampledGrid {
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  readonly values: Float64Array;
}

/** Samples f on nx × ny points spanning [x0, x1] × [y0, y1], corners included. */
export function sampleGrid(
  f: (x: number, y: number) => number,
  bounds: readonly [number, number, number, number],
  nx: number,
  ny: number,
): SampledGrid {
  if (!Number.isInteger(nx) || !Number.isInteger(ny) || nx < 2 || ny < 2) {
    throw new RangeError(`a grid needs at least 2 × 2 integer samples (got ${nx} × ${ny})`);
  }
  const [x0, x1, y0, y1] = bounds;
  const xs = new Float64Array(nx), ys = new Float64Array(ny), values = new Float64Array(nx * ny);
  for (let i = 0; i < nx; i++) xs[i] = x0 + ((x1 - x0) * i) / (nx - 1);
  for (let j = 0; j < ny; j++) ys[j] = y0 + ((y1 - y0) * j) / (ny - 1);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) values[j * nx + i] = f(xs[i]!, ys[j]!);
  }
  return { xs, ys, values };
}

/** Smallest and largest finite value of a grid (NaN, NaN when it has none). */
export function finiteRange(values: Float64Array): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [Number.NaN, Number.NaN];
}

/** `count` levels spaced evenly in log10, strictly between lo and hi (both > 0). */
export function logLevels(lo: number, hi: number, count: number): number[] {
  if (!(lo > 0) || !(hi > lo)) throw new RangeError(`log levels need 0 < lo < hi (got ${lo}, ${hi})`);
  const a = Math.log10(lo), b = Math.log10(hi);
  return Array.from({ length: count }, (_, k) => 10 ** (a + ((b - a) * (k + 1)) / (count + 1)));
}

/** `count` levels spaced evenly, strictly between lo and hi. */
export function linearLevels(lo: number, hi: number, count: number): number[] {
  if (!(hi > lo)) throw new RangeError(`levels need lo < hi (got ${lo}, ${hi})`);
  // Snapped to 1e-12 of the range, so that a symmetric range gets an exact 0 level, not 1e-17.
  const quantum = (hi - lo) * 1e-12;
  return Array.from({ length: count }, (_, k) => Math.round((lo + ((hi - lo) * (k + 1)) / (count + 1)) / quantum) * quantum);
}

// Cell edges: 0 bottom (j), 1 right (i+1), 2 top (j+1), 3 left (i). For each corner code
// (bit 0: (i,j), 1: (i+1,j), 2: (i+1,j+1), 3: (i,j+1) above the level) the edge pairs to join.
// Codes 5 and 10 are the saddle cases; their second entry applies when the centre is above.
const SEGMENTS: readonly (readonly (readonly [number, number])[])[] = [
  [], [[3, 0]], [[0, 1]], [[3, 1]], [[1, 2]], [[3, 0], [1, 2]], [[0, 2]], [[3, 2]],
  [[2, 3]], [[0, 2]], [[0, 1], [2, 3]], [[1, 2]], [[3, 1]], [[0, 1]], [[3, 0]], [],
];
const SADDLE_CENTRE_ABOVE: Readonly<Record<number, readonly (readonly [number, number])[]>> = {
  5: [[0, 1], [2, 3]],
  10: [[3, 0], [1, 2]],
};

/**
 * The polylines where the sampled function equals `level`, in data coordinates. A closed contour
 * ends at its first point. Cells with a non-finite corner are skipped.
 */
export function contourLines(grid: SampledGrid, level: number): XY[][] {
  const { xs, ys, values } = grid;
  const nx = xs.length, ny = ys.length;
  const horizontalEdges = ny * (nx - 1);
  const edgeCount = horizontalEdges + nx * (ny - 1);
  // Edge ids are unique per grid edge, so the two cells that share an edge name the same point.
  // Typed arrays indexed by edge id keep this allocation-free per cell: a plot asks for ~30 levels.
  const edgeId = (i: number, j: number, side: number): number => {
    switch (side) {
      case 0: return j * (nx - 1) + i;
      case 1: return horizontalEdges + j * nx + i + 1;
      case 2: return (j + 1) * (nx - 1) + i;
      default: return horizontalEdges + j * nx + i;
    }
  };
  const scratch = scratchFor(grid, edgeCount);
  const { px, py, known } = scratch;
  const segA: number[] = [], segB: number[] = [];
  const crossing = (id: number, va: number, vb: number, xa: number, ya: number, xb: number, yb: number): void => {
    const t = (level - va) / (vb - va);
    px[id] = xa + t * (xb - xa);
    py[id] = ya + t * (yb - ya);
    known[id] = 1;
  };
  for (let j = 0; j < ny - 1; j++) {
    const y0 = ys[j]!, y1 = ys[j + 1]!;
    for (let i = 0; i < nx - 1; i++) {
      const v00 = values[j * nx + i]!, v10 = values[j * nx + i + 1]!;
      const v11 = values[(j + 1) * nx + i + 1]!, v01 = values[(j + 1) * nx + i]!;
      const code = (v00 > level ? 1 : 0) | (v10 > level ? 2 : 0) | (v11 > level ? 4 : 0) | (v01 > level ? 8 : 0);
      if (code === 0 || code === 15) continue;
      if (!Number.isFinite(v00) || !Number.isFinite(v10) || !Number.isFinite(v11) || !Number.isFinite(v01)) continue;
      const pairs = code === 5 || code === 10
        ? ((v00 + v10 + v11 + v01) / 4 > level ? SADDLE_CENTRE_ABOVE[code]! : SEGMENTS[code]!)
        : SEGMENTS[code]!;
      const x0 = xs[i]!, x1 = xs[i + 1]!;
      for (const pair of pairs) {
        for (let end = 0; end < 2; end++) {
          const side = pair[end]!;
          const id = edgeId(i, j, side);
          if (known[id]) continue;
          if (side === 0) crossing(id, v00, v10, x0, y0, x1, y0);
          else if (side === 1) crossing(id, v10, v11, x1, y0, x1, y1);
          else if (side === 2) crossing(id, v01, v11, x0, y1, x1, y1);
          else crossing(id, v00, v01, x0, y0, x0, y1);
        }
        segA.push(edgeId(i, j, pair[0]));
        segB.push(edgeId(i, j, pair[1]));
      }
    }
  }
  const lines = joinSegments(segA, segB, scratch);
  for (const id of segA) known[id] = 0;
  for (const id of segB) known[id] = 0;
  return lines;
}

/** Per-edge working arrays of one grid, kept between levels; every call leaves them as it found them. */
interface Scratch {
  px: Float64Array;
  py: Float64Array;
  known: Uint8Array;
  /** The (up to two) segments that end on each edge; -1 for none. */
  first: Int32Array;
  second: Int32Array;
}

const scratchByGrid = new WeakMap<SampledGrid, Scratch>();

function scratchFor(grid: SampledGrid, edgeCount: number): Scratch {
  let s = scratchByGrid.get(grid);
  if (!s || s.known.length !== edgeCount) {
    s = {
      px: new Float64Array(edgeCount), py: new Float64Array(edgeCount), known: new Uint8Array(edgeCount),
      first: new Int32Array(edgeCount).fill(-1), second: new Int32Array(edgeCount).fill(-1),
    };
    scratchByGrid.set(grid, s);
  }
  return s;
}

/**
 * Joins segments that share an end into polylines: open chains first (from an end used once), then
 * loops. Every grid edge is shared by at most two cells, so an end belongs to at most two segments.
 */
function joinSegments(segA: readonly number[], segB: readonly number[], scratch: Scratch): XY[][] {
  const { first, second, px, py } = scratch;
  const point = (id: number): XY => [px[id]!, py[id]!];
  const link = (node: number, seg: number): void => {
    if (first[node]! < 0) first[node] = seg;
    else second[node] = seg;
  };
  for (let s = 0; s < segA.length; s++) {
    link(segA[s]!, s);
    link(segB[s]!, s);
  }
  const used = new Uint8Array(segA.length);
  const walk = (start: number): XY[] => {
    const line: XY[] = [point(start)];
    let node = start;
    for (;;) {
      const a = first[node]!, b = second[node]!;
      const next = a >= 0 && !used[a] ? a : b >= 0 && !used[b] ? b : -1;
      if (next < 0) return line;
      used[next] = 1;
      node = segA[next] === node ? segB[next]! : segA[next]!;
      line.push(point(node));
    }
  };
  const lines: XY[][] = [];
  const isChainEnd = (node: number): boolean => second[node]! < 0;
  for (let s = 0; s < segA.length; s++) {
    if (used[s]) continue;
    if (isChainEnd(segA[s]!)) lines.push(walk(segA[s]!));
    else if (isChainEnd(segB[s]!)) lines.push(walk(segB[s]!));
  }
  for (let s = 0; s < segA.length; s++) {
    if (!used[s]) lines.push(walk(segA[s]!));
  }
  for (let s = 0; s < segA.length; s++) {
    first[segA[s]!] = second[segA[s]!] = -1;
    first[segB[s]!] = second[segB[s]!] = -1;
  }
  return lines;
}
