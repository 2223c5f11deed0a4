/**
 * Point markers (start, end, minimum) and the legend that names every series and marker.
 * @packageDocumentation
 */
import { el, num, text } from './svg';

export type MarkerKind = 'start' | 'end' | 'minimum' | 'saddle';

/** Five-pointed star centred on (cx, cy) with outer radius r. */
function starPoints(cx: number, cy: number, r: number): string {
  const pts: string[] = [];
  for (let k = 0; k < 10; k++) {
    const radius = k % 2 === 0 ? r : r * 0.45;
    const angle = -Math.PI / 2 + (k * Math.PI) / 5;
    pts.push(`${num(cx + radius * Math.cos(angle))},${num(cy + radius * Math.sin(angle))}`);
  }
  return pts.join(' ');
}

/**
 * A marker: start is a hollow circle, end a filled dot in the series colour, minimum a hollow star
 * and saddle a cross (both hollow, so that end dots under them stay visible).
 */
export function marker(kind: MarkerKind, x: number, y: number, color: string): string {
  switch (kind) {
    case 'start':
      return el('circle', { class: 'marker-start', cx: x, cy: y, r: 6, fill: '#ffffff', stroke: color, 'stroke-width': 2 });
    case 'end':
      return el('circle', { class: 'marker-end', cx: x, cy: y, r: 4, fill: color, stroke: '#ffffff', 'stroke-width': 1 });
    case 'minimum':
      return el('polygon', { class: 'marker-minimum', points: starPoints(x, y, 11), fill: 'none', stroke: color, 'stroke-width': 1.8, 'stroke-linejoin': 'round' });
    default:
      return el('path', {
        class: 'marker-saddle', d: `M${num(x - 7)} ${num(y - 7)}L${num(x + 7)} ${num(y + 7)}M${num(x - 7)} ${num(y + 7)}L${num(x + 7)} ${num(y - 7)}`,
        fill: 'none', stroke: color, 'stroke-width': 2.2, 'stroke-linecap': 'round',
      });
  }
}

export interface LegendEntry {
  name: string;
  color: string;
  /** A series draws a line swatch; a marker entry explains a marker. */
  kind: 'series' | MarkerKind;
  /** A series' `stroke-dasharray` value (from `dashArray`), so that the swatch is dashed like its line. */
  dash?: string;
}

const ROW_HEIGHT = 21;

/** The legend as a column of entries whose top-left corner is (x, y). */
export function legend(entries: readonly LegendEntry[], x: number, y: number): string {
  const rows = entries.map((e, k) => {
    const cy = y + 10 + k * ROW_HEIGHT;
    const swatch = e.kind === 'series'
      ? el('line', {
        x1: x + 4, y1: cy, x2: x + 30, y2: cy, stroke: e.color, 'stroke-width': 3,
        'stroke-linecap': e.dash ? 'butt' : 'round', 'stroke-dasharray': e.dash,
      })
      : marker(e.kind, x + 17, cy, e.color);
    return el('g', { class: `legend-entry legend-${e.kind}` }, [
      swatch,
      text(e.name, { x: x + 38, y: cy + 4.5, 'font-size': 13, fill: '#111111' }),
    ]);
  });
  return el('g', { class: 'legend' }, rows);
}
