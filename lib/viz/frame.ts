/**
 * The parts every chart shares: where the plot area sits on the canvas, the title, the axes with
 * their ticks and labels, the clip path that keeps data inside the plot area, and path data for
 * polylines (clipped and thinned so that far-off or dense points cost nothing).
 * @packageDocumentation
 */
import type { Scale } from './scale';
import { el, num, text } from './svg';

/** A rectangle in pixels. */
export interface Rect {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export const DEFAULT_WIDTH = 800;
export const DEFAULT_HEIGHT = 600;
/** Average advance of a legend character (13 px DejaVu Sans), to size the legend column. */
const LEGEND_CHAR_PX = 7.6;
/** The id of the clip path of the plot area (one per document). */
export const PLOT_CLIP_ID = 'plot-area';

const AXIS_COLOR = '#333333';
const GRID_COLOR = '#e6e6e6';

/** Width of the legend column for these entry names: swatch, gap, the longest name. */
export function legendWidth(names: readonly string[]): number {
  const longest = Math.max(0, ...names.map((n) => n.length));
  return Math.min(320, Math.max(110, Math.ceil(46 + longest * LEGEND_CHAR_PX)));
}

/**
 * The plot area of a width × height canvas: room for the title above, tick labels and axis titles
 * left and below, a legend column of `legendPx` on the right.
 */
export function plotArea(width: number, height: number, hasSubtitle: boolean, legendPx: number): Rect {
  const top = hasSubtitle ? 66 : 48, left = 76, bottom = 58;
  return { left, top, width: width - left - legendPx - 12, height: height - top - bottom };
}

/** The title, centred over the plot area, and an optional smaller line under it. */
export function titleBlock(area: Rect, title: string, subtitle: string | undefined): string[] {
  const cx = area.left + area.width / 2;
  const out = [text(title, { class: 'title', x: cx, y: 28, 'text-anchor': 'middle', 'font-size': 18, 'font-weight': 'bold', fill: '#111111' })];
  if (subtitle) out.push(text(subtitle, { class: 'subtitle', x: cx, y: 50, 'text-anchor': 'middle', 'font-size': 12.5, fill: '#444444' }));
  return out;
}

export function clipPathDef(area: Rect): string {
  return el('defs', {}, el('clipPath', { id: PLOT_CLIP_ID }, el('rect', { x: area.left, y: area.top, width: area.width, height: area.height })));
}

export interface AxesOptions {
  xLabel: string;
  yLabel: string;
  /** Light lines across the plot at the labelled ticks. */
  grid: boolean;
}

/** Frame, ticks (long where labelled), tick labels, axis titles; and grid lines under the data when asked. */
export function axes(area: Rect, x: Scale, y: Scale, options: AxesOptions): { under: string[]; over: string[] } {
  const right = area.left + area.width, bottom = area.top + area.height;
  const under: string[] = [], over: string[] = [];
  const fontSize = 12;
  for (const t of x.ticks()) {
    const px = x.map(t.value);
    const len = t.label ? 6 : 3;
    if (options.grid && t.label) under.push(el('line', { class: 'grid-x', x1: px, y1: area.top, x2: px, y2: bottom, stroke: GRID_COLOR }));
    over.push(el('line', { class: 'tick-x', x1: px, y1: bottom, x2: px, y2: bottom + len, stroke: AXIS_COLOR }));
    if (t.label) over.push(text(t.label, { class: 'tick-label-x', x: px, y: bottom + 20, 'text-anchor': 'middle', 'font-size': fontSize, fill: AXIS_COLOR }));
  }
  for (const t of y.ticks()) {
    const py = y.map(t.value);
    const len = t.label ? 6 : 3;
    if (options.grid && t.label) under.push(el('line', { class: 'grid-y', x1: area.left, y1: py, x2: right, y2: py, stroke: GRID_COLOR }));
    over.push(el('line', { class: 'tick-y', x1: area.left - len, y1: py, x2: area.left, y2: py, stroke: AXIS_COLOR }));
    if (t.label) over.push(text(t.label, { class: 'tick-label-y', x: area.left - 9, y: py + 4, 'text-anchor': 'end', 'font-size': fontSize, fill: AXIS_COLOR }));
  }
  over.push(el('rect', { class: 'frame', x: area.left, y: area.top, width: area.width, height: area.height, fill: 'none', stroke: AXIS_COLOR }));
  over.push(text(options.xLabel, { class: 'axis-label-x', x: area.left + area.width / 2, y: bottom + 44, 'text-anchor': 'middle', 'font-size': 14, fill: '#111111' }));
  const ly = area.top + area.height / 2;
  over.push(text(options.yLabel, {
    class: 'axis-label-y', x: 20, y: ly, 'text-anchor': 'middle', 'font-size': 14, fill: '#111111',
    transform: `rotate(-90 20 ${num(ly)})`,
  }));
  return { under, over };
}

/** A pixel point; NaN coordinates break the line. */
export type PixelPoint = readonly [number, number];

/** Liang–Barsky: the part of segment p→q inside rect r, as [t0, t1] along it, or null. */
function clipSegment(p: PixelPoint, q: PixelPoint, r: Rect): [number, number] | null {
  const dx = q[0] - p[0], dy = q[1] - p[1];
  let t0 = 0, t1 = 1;
  const edges: [number, number][] = [
    [-dx, p[0] - r.left], [dx, r.left + r.width - p[0]], [-dy, p[1] - r.top], [dy, r.top + r.height - p[1]],
  ];
  for (const [pk, qk] of edges) {
    if (pk === 0) {
      if (qk < 0) return null;
      continue;
    }
    const t = qk / pk;
    if (pk < 0) {
      if (t > t1) return null;
      if (t > t0) t0 = t;
    } else {
      if (t < t0) return null;
      if (t < t1) t1 = t;
    }
  }
  return [t0, t1];
}

/** Points closer than this (px) to the last point written are skipped: invisible, and they make files large. */
const MIN_STEP_PX = 0.3;

/**
 * SVG path data for a polyline in pixels: segments are clipped to `clip` (give it a margin around the
 * plot area; the clip path does the exact cut), a non-finite point lifts the pen. '' when nothing is inside.
 */
export function polylineData(points: readonly PixelPoint[], clip: Rect): string {
  const parts: string[] = [];
  let penDown = false;
  let last: PixelPoint = [Number.NaN, Number.NaN];
  const finite = (p: PixelPoint): boolean => Number.isFinite(p[0]) && Number.isFinite(p[1]);
  const put = (cmd: 'M' | 'L', p: PixelPoint, force: boolean): void => {
    if (cmd === 'L' && !force && Math.hypot(p[0] - last[0], p[1] - last[1]) < MIN_STEP_PX) return;
    parts.push(`${cmd}${num(p[0])} ${num(p[1])}`);
    last = p;
  };
  if (points.length === 1 && finite(points[0]!)) {
    const p = points[0]!;
    if (clipSegment(p, p, clip)) return `M${num(p[0])} ${num(p[1])}`;
    return '';
  }
  for (let k = 1; k < points.length; k++) {
    const p = points[k - 1]!, q = points[k]!;
    if (!finite(p) || !finite(q)) {
      penDown = false;
      continue;
    }
    const inside = clipSegment(p, q, clip);
    if (!inside) {
      penDown = false;
      continue;
    }
    const [t0, t1] = inside;
    const a: PixelPoint = t0 === 0 ? p : [p[0] + t0 * (q[0] - p[0]), p[1] + t0 * (q[1] - p[1])];
    const b: PixelPoint = t1 === 1 ? q : [p[0] + t1 * (q[0] - p[0]), p[1] + t1 * (q[1] - p[1])];
    if (!penDown) put('M', a, true);
    // The end of the polyline and the point where it leaves the clip are always written.
    put('L', b, t1 !== 1 || k === points.length - 1);
    penDown = t1 === 1;
  }
  return parts.join('');
}

/** A rect grown by `margin` pixels on every side. */
export function grow(r: Rect, margin: number): Rect {
  return { left: r.left - margin, top: r.top - margin, width: r.width + 2 * margin, height: r.height + 2 * margin };
}
