/**
 * A contour plot of a 2-D function with paths drawn over it: the picture of optimizers walking
 * on a loss surface (Ruder's Figure 4). Levels are log-spaced when the function is non-negative on
 * the window (a loss that falls over decades reads best that way), evenly spaced otherwise.
 * @packageDocumentation
 */
import { contourLines, finiteRange, linearLevels, logLevels, sampleGrid, type XY } from './contour';
import {
  axes, clipPathDef, DEFAULT_HEIGHT, DEFAULT_WIDTH, grow, legendWidth, PLOT_CLIP_ID, plotArea, polylineData, titleBlock,
  type PixelPoint,
} from './frame';
import { legend, marker, type LegendEntry } from './legend';
import { seriesColor } from './palette';
import { linearScale } from './scale';
import { dashArray, el, num, svgDocument } from './svg';

/** A path to draw: its points in data coordinates, first the start. */
export interface PathSeries {
  name: string;
  points: readonly XY[];
  /** Defaults to the palette colour of the series' position. */
  color?: string;
  /**
   * Dash pattern in pixels, alternately dash and gap (`[7, 5]`); default a solid line. Shows a path
   * that runs on top of another (AMSGrad's on Adam's) without hiding the one under it.
   */
  dash?: readonly number[];
}

export interface ContourPlotOptions {
  f: (x: number, y: number) => number;
  /** Plot window [xMin, xMax, yMin, yMax] (the `bounds` of a TestFunction2D). */
  bounds: readonly [number, number, number, number];
  paths: readonly PathSeries[];
  title: string;
  /** A smaller line under the title (settings, budget). */
  subtitle?: string;
  /** A number of levels (default 30 log-spaced, 16 linear), or the levels themselves. */
  levels?: number | readonly number[];
  /** 'log' needs f > 0 somewhere on the window; default: 'log' when f ≥ 0 on the whole window. */
  levelScale?: 'log' | 'linear';
  /** Points marked with a star (the minimizers). */
  minima?: readonly { x: number; y: number }[];
  /** Points marked with a cross (saddle points). */
  saddles?: readonly { x: number; y: number }[];
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
  /** Grid samples along the wider side of the plot area (default 240). */
  resolution?: number;
}

const LOW_LEVEL_RGB = [62, 96, 140] as const;
const HIGH_LEVEL_RGB = [214, 222, 232] as const;

/** Level colour from dark blue-grey (lowest) to pale (highest): the eye finds the valleys first. */
function levelColor(position: number): string {
  const c = LOW_LEVEL_RGB.map((lo, k) => Math.round(lo + (HIGH_LEVEL_RGB[k]! - lo) * position));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

function chooseLevels(values: Float64Array, options: ContourPlotOptions): number[] {
  const given = options.levels;
  if (given !== undefined && typeof given !== 'number') return [...given].sort((a, b) => a - b);
  if (given !== undefined && !(Number.isInteger(given) && given >= 1)) {
    throw new RangeError(`levels must be a positive integer or a list of levels (got ${given})`);
  }
  const [lo, hi] = finiteRange(values);
  if (!(hi > lo)) return [];
  const scale = options.levelScale ?? (lo >= 0 ? 'log' : 'linear');
  const count = given ?? (scale === 'log' ? 30 : 16);
  if (scale === 'linear') return linearLevels(lo, hi, count);
  let minPositive = Infinity;
  for (const v of values) if (v > 0 && v < minPositive) minPositive = v;
  if (!(minPositive < hi)) throw new RangeError('levelScale \'log\' needs f to take two positive values in the window');
  // A sampled zero (an exact minimum on the grid) must not stretch the levels over dozens of decades.
  return logLevels(Math.max(minPositive, hi * 1e-9), hi, count);
}

/** The contour plot as an SVG document. */
export function contourPlot(options: ContourPlotOptions): string {
  const width = options.width ?? DEFAULT_WIDTH, height = options.height ?? DEFAULT_HEIGHT;
  const [x0, x1, y0, y1] = options.bounds;
  const dashes = options.paths.map((p, k) => dashArray(p.dash, `paths[${k}].dash`));
  const legendPx = legendWidth([...options.paths.map((p) => p.name), 'saddle point']);
  const area = plotArea(width, height, options.subtitle !== undefined, legendPx);
  const xs = linearScale([x0, x1], [area.left, area.left + area.width]);
  const ys = linearScale([y0, y1], [area.top + area.height, area.top]);
  const toPx = ([x, y]: XY): PixelPoint => [xs.map(x), ys.map(y)];

  const resolution = options.resolution ?? 240;
  const nx = area.width >= area.height ? resolution : Math.max(2, Math.round((resolution * area.width) / area.height));
  const ny = area.width >= area.height ? Math.max(2, Math.round((resolution * area.height) / area.width)) : resolution;
  const grid = sampleGrid(options.f, options.bounds, nx, ny);
  const levels = chooseLevels(grid.values, options);
  const clip = grow(area, 4);
  const contours = levels.map((level, k) => {
    const d = contourLines(grid, level).map((line) => polylineData(line.map(toPx), clip)).join('');
    return el('path', {
      class: 'contour', 'data-level': level.toPrecision(4), d,
      fill: 'none', stroke: levelColor(levels.length > 1 ? k / (levels.length - 1) : 0), 'stroke-width': 1,
    });
  });

  const { under, over } = axes(area, xs, ys, { xLabel: options.xLabel ?? 'x', yLabel: options.yLabel ?? 'y', grid: false });
  const colors = options.paths.map((p, k) => p.color ?? seriesColor(k));
  const wide = grow(area, 50);
  const seriesPaths = options.paths.map((p, k) =>
    el('path', {
      class: 'series', 'data-name': p.name, d: polylineData(p.points.map(toPx), wide),
      fill: 'none', stroke: colors[k], 'stroke-width': 2.2, 'stroke-linejoin': 'round', 'stroke-linecap': dashes[k] ? 'butt' : 'round',
      'stroke-opacity': 0.9, 'stroke-dasharray': dashes[k],
    }));
  const inside = ([px, py]: PixelPoint): boolean =>
    px >= area.left && px <= area.left + area.width && py >= area.top && py <= area.top + area.height;
  // One start marker per distinct start (paths that share a start share one circle), one end dot per path.
  const starts = new Map<string, PixelPoint>();
  const ends: string[] = [];
  options.paths.forEach((p, k) => {
    const finitePoints = p.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (finitePoints.length === 0) return;
    const s = toPx(finitePoints[0]!);
    starts.set(`${num(s[0], 0)},${num(s[1], 0)}`, s);
    const e = toPx(finitePoints[finitePoints.length - 1]!);
    if (inside(e)) ends.push(marker('end', e[0], e[1], colors[k]!));
  });
  const startMarks = [...starts.values()].filter(inside).map(([px, py]) => marker('start', px, py, '#111111'));
  const pointMarks = (kind: 'minimum' | 'saddle', points: readonly { x: number; y: number }[] | undefined): string[] =>
    (points ?? []).map((m) => toPx([m.x, m.y])).filter(inside).map(([px, py]) => marker(kind, px, py, '#111111'));
  const minimaMarks = pointMarks('minimum', options.minima);
  const saddleMarks = pointMarks('saddle', options.saddles);

  const entries: LegendEntry[] = options.paths.map((p, k) => ({ name: p.name, color: colors[k]!, kind: 'series', dash: dashes[k] }));
  entries.push({ name: 'start', color: '#111111', kind: 'start' }, { name: 'end', color: '#555555', kind: 'end' });
  if (minimaMarks.length > 0) entries.push({ name: 'minimum', color: '#111111', kind: 'minimum' });
  if (saddleMarks.length > 0) entries.push({ name: 'saddle point', color: '#111111', kind: 'saddle' });

  return svgDocument(width, height, options.title, [
    clipPathDef(area),
    ...under,
    el('g', { class: 'contours', 'clip-path': `url(#${PLOT_CLIP_ID})` }, contours),
    el('g', { class: 'paths', 'clip-path': `url(#${PLOT_CLIP_ID})` }, seriesPaths),
    // Points of the surface go on top: hollow, they leave the end dots under them visible.
    el('g', { class: 'markers' }, [...startMarks, ...ends, ...minimaMarks, ...saddleMarks]),
    ...over,
    legend(entries, width - legendPx, area.top),
    ...titleBlock(area, options.title, options.subtitle),
  ]);
}
