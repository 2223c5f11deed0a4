/**
 * A line chart of several series (loss against step), each axis linear or logarithmic. On a log
 * axis a value ≤ 0 cannot be placed: the line breaks there instead of diving to the frame.
 * @packageDocumentation
 */
import {
  axes, clipPathDef, DEFAULT_HEIGHT, DEFAULT_WIDTH, grow, legendWidth, PLOT_CLIP_ID, plotArea, polylineData, titleBlock,
  type PixelPoint,
} from './frame';
import { legend, type LegendEntry } from './legend';
import { seriesColor } from './palette';
import { linearScale, logScale, niceDomain, type Scale, type ScaleKind } from './scale';
import { dashArray, el, svgDocument } from './svg';

export interface LineSeries {
  name: string;
  x: readonly number[];
  /** Same length as x. */
  y: readonly number[];
  /** Defaults to the palette colour of the series' position. */
  color?: string;
  /**
   * Dash pattern in pixels, alternately dash and gap (`[7, 5]`); default a solid line. Tells apart
   * a series that runs on top of another.
   */
  dash?: readonly number[];
}

export interface LineChartOptions {
  series: readonly LineSeries[];
  title: string;
  /** A smaller line under the title (settings, budget). */
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  logX?: boolean;
  logY?: boolean;
  /** Shown interval of x; default: the data's, widened to nice ticks. Data outside is clipped. */
  xDomain?: readonly [number, number];
  /** Shown interval of y; default: the data's, widened to nice ticks. Data outside is clipped. */
  yDomain?: readonly [number, number];
  width?: number;
  height?: number;
}

/** Whether a value can be placed on an axis of this kind. */
const placeable = (v: number, kind: ScaleKind): boolean => Number.isFinite(v) && (kind === 'linear' || v > 0);

function dataDomain(values: readonly number[], kind: ScaleKind): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) {
    if (!placeable(v, kind)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return kind === 'log' ? [1, 10] : [0, 1];
  return niceDomain(lo, hi, kind);
}

/** The line chart as an SVG document. */
export function lineChart(options: LineChartOptions): string {
  const width = options.width ?? DEFAULT_WIDTH, height = options.height ?? DEFAULT_HEIGHT;
  const xKind: ScaleKind = options.logX ? 'log' : 'linear', yKind: ScaleKind = options.logY ? 'log' : 'linear';
  for (const s of options.series) {
    if (s.x.length !== s.y.length) throw new RangeError(`series ${s.name}: x has ${s.x.length} values, y has ${s.y.length}`);
  }
  const legendPx = legendWidth(options.series.map((s) => s.name));
  const area = plotArea(width, height, options.subtitle !== undefined, legendPx);
  const make = (kind: ScaleKind, d: readonly [number, number], r: readonly [number, number]): Scale =>
    kind === 'log' ? logScale(d, r) : linearScale(d, r);
  const xDomain = options.xDomain ?? dataDomain(options.series.flatMap((s) => s.x), xKind);
  const yDomain = options.yDomain ?? dataDomain(options.series.flatMap((s) => s.y), yKind);
  const xs = make(xKind, xDomain, [area.left, area.left + area.width]);
  const ys = make(yKind, yDomain, [area.top + area.height, area.top]);

  const colors = options.series.map((s, k) => s.color ?? seriesColor(k));
  const dashes = options.series.map((s, k) => dashArray(s.dash, `series[${k}].dash`));
  const clip = grow(area, 4);
  const lines = options.series.map((s, k) => {
    const pts: PixelPoint[] = s.x.map((x, i) => {
      const y = s.y[i]!;
      return placeable(x, xKind) && placeable(y, yKind) ? [xs.map(x), ys.map(y)] : [Number.NaN, Number.NaN];
    });
    return el('path', {
      class: 'series', 'data-name': s.name, d: polylineData(pts, clip),
      fill: 'none', stroke: colors[k], 'stroke-width': 2, 'stroke-linejoin': 'round', 'stroke-linecap': dashes[k] ? 'butt' : 'round',
      'stroke-opacity': 0.9, 'stroke-dasharray': dashes[k],
    });
  });
  const { under, over } = axes(area, xs, ys, { xLabel: options.xLabel, yLabel: options.yLabel, grid: true });
  const entries: LegendEntry[] = options.series.map((s, k) => ({ name: s.name, color: colors[k]!, kind: 'series', dash: dashes[k] }));
  return svgDocument(width, height, options.title, [
    clipPathDef(area),
    ...under,
    el('g', { class: 'lines', 'clip-path': `url(#${PLOT_CLIP_ID})` }, lines),
    ...over,
    legend(entries, width - legendPx, area.top),
    ...titleBlock(area, options.title, options.subtitle),
  ]);
}
