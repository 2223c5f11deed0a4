// A small dependency-free SVG line chart with logarithmic axes, enough for the benchmark's
// "ns per element vs n" plots. Every series becomes one <polyline> tagged with data-series so that
// tests (and people reading the file) can find it.

const PALETTE = [
  '#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b',
  '#e377c2', '#17becf', '#7f7f7f', '#bcbd22', '#000000', '#393b79',
];

/** Escapes text for use in SVG content and attribute values. */
export function escapeXml(text) {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** Powers of ten covering [lo, hi], widened to whole decades so the data never touches the frame. */
function decadeRange(lo, hi) {
  const a = Math.floor(Math.log10(lo));
  let b = Math.ceil(Math.log10(hi));
  if (b === a) b = a + 1;
  return [a, b];
}

/** "1e3"-style labels read better than 1000 on a log axis; small decades stay plain. */
function decadeLabel(exp) {
  if (exp >= 0 && exp <= 2) return String(10 ** exp);
  if (exp < 0 && exp >= -2) return (10 ** exp).toFixed(-exp);
  return `1e${exp}`;
}

function fmt(x) {
  return Number(x.toFixed(1));
}

/**
 * Renders a log-log line chart.
 * @param {object} spec
 * @param {string} spec.title
 * @param {string} spec.xLabel
 * @param {string} spec.yLabel
 * @param {{name: string, points: [number, number][], color?: string, dashed?: boolean}[]} spec.series
 *   points with non-positive or non-finite coordinates are dropped (they have no place on a log axis)
 * @param {number} [spec.width]
 * @param {number} [spec.height]
 * @returns {string} a complete SVG document
 */
export function logLogChart({ title, xLabel, yLabel, series, width = 960, height = 540 }) {
  const clean = series
    .map((s) => ({ ...s, points: s.points.filter(([x, y]) => x > 0 && y > 0 && Number.isFinite(x) && Number.isFinite(y)) }))
    .filter((s) => s.points.length > 0);
  const xs = clean.flatMap((s) => s.points.map((p) => p[0]));
  const ys = clean.flatMap((s) => s.points.map((p) => p[1]));
  const [x0, x1] = xs.length ? decadeRange(Math.min(...xs), Math.max(...xs)) : [0, 1];
  const [y0, y1] = ys.length ? decadeRange(Math.min(...ys), Math.max(...ys)) : [0, 1];

  // Wide enough for the longest name at about 7 px a character.
  const legendWidth = Math.max(160, 50 + 7 * Math.max(0, ...clean.map((s) => String(s.name).length)));
  const m = { left: 70, right: legendWidth + 20, top: 50, bottom: 60 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const sx = (x) => m.left + ((Math.log10(x) - x0) / (x1 - x0)) * pw;
  const sy = (y) => m.top + ph - ((Math.log10(y) - y0) / (y1 - y0)) * ph;

  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${fmt(m.left + pw / 2)}" y="28" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(title)}</text>`);

  // Grid: a solid line per decade, faint lines at 2..9 times it.
  const grid = [];
  for (let e = x0; e <= x1; e++) {
    const x = fmt(sx(10 ** e));
    grid.push(`<line x1="${x}" y1="${m.top}" x2="${x}" y2="${m.top + ph}" stroke="#cccccc"/>`);
    grid.push(`<text x="${x}" y="${m.top + ph + 18}" text-anchor="middle">${decadeLabel(e)}</text>`);
  }
  for (let e = y0; e <= y1; e++) {
    const y = fmt(sy(10 ** e));
    grid.push(`<line x1="${m.left}" y1="${y}" x2="${m.left + pw}" y2="${y}" stroke="#cccccc"/>`);
    grid.push(`<text x="${m.left - 8}" y="${fmt(y + 4)}" text-anchor="end">${decadeLabel(e)}</text>`);
    if (e < y1) {
      for (let k = 2; k <= 9; k++) {
        const yk = fmt(sy(k * 10 ** e));
        grid.push(`<line x1="${m.left}" y1="${yk}" x2="${m.left + pw}" y2="${yk}" stroke="#eeeeee"/>`);
      }
    }
  }
  out.push(`<g class="grid">${grid.join('')}</g>`);
  out.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#333333"/>`);
  out.push(`<text x="${fmt(m.left + pw / 2)}" y="${height - 18}" text-anchor="middle" font-size="13">${escapeXml(xLabel)}</text>`);
  out.push(`<text transform="translate(18 ${fmt(m.top + ph / 2)}) rotate(-90)" text-anchor="middle" font-size="13">${escapeXml(yLabel)}</text>`);

  clean.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const pts = s.points.map(([x, y]) => `${fmt(sx(x))},${fmt(sy(y))}`).join(' ');
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    out.push(`<polyline data-series="${escapeXml(s.name)}" points="${pts}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`);
    for (const [x, y] of s.points)
      out.push(`<circle cx="${fmt(sx(x))}" cy="${fmt(sy(y))}" r="3" fill="${color}"><title>${escapeXml(`${s.name}: n=${x}, ${y.toPrecision(3)}`)}</title></circle>`);
    const ly = m.top + 10 + i * 20;
    const lx = width - legendWidth;
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 28}" y2="${ly}" stroke="${color}" stroke-width="2"${dash}/>`);
    out.push(`<text x="${lx + 36}" y="${ly + 4}">${escapeXml(s.name)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/**
 * Renders a horizontal bar chart on a logarithmic value axis (the values span decades: native
 * microseconds next to tfjs-cpu milliseconds). Every bar is a <rect> tagged with data-series.
 * @param {object} spec
 * @param {string} spec.title
 * @param {string} spec.xLabel the value axis
 * @param {{name: string, value: number, color?: string}[]} spec.bars top to bottom; bars without a
 *   positive finite value are dropped
 * @param {number} [spec.width]
 * @returns {string} a complete SVG document
 */
export function logBarChart({ title, xLabel, bars, width = 960 }) {
  const clean = bars.filter((b) => b.value > 0 && Number.isFinite(b.value));
  const [x0, x1] = clean.length ? decadeRange(Math.min(...clean.map((b) => b.value)), Math.max(...clean.map((b) => b.value))) : [0, 1];
  const labelWidth = Math.max(120, 20 + 7 * Math.max(0, ...clean.map((b) => String(b.name).length)));
  const barHeight = 24;
  const m = { left: labelWidth, right: 90, top: 50, bottom: 60 };
  const ph = clean.length * (barHeight + 8) + 8;
  const height = m.top + ph + m.bottom;
  const pw = width - m.left - m.right;
  const sx = (x) => m.left + ((Math.log10(x) - x0) / (x1 - x0)) * pw;

  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${fmt(m.left + pw / 2)}" y="28" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(title)}</text>`);
  const grid = [];
  for (let e = x0; e <= x1; e++) {
    const x = fmt(sx(10 ** e));
    grid.push(`<line x1="${x}" y1="${m.top}" x2="${x}" y2="${m.top + ph}" stroke="#cccccc"/>`);
    grid.push(`<text x="${x}" y="${m.top + ph + 18}" text-anchor="middle">${decadeLabel(e)}</text>`);
    if (e < x1) {
      for (let k = 2; k <= 9; k++) {
        const xk = fmt(sx(k * 10 ** e));
        grid.push(`<line x1="${xk}" y1="${m.top}" x2="${xk}" y2="${m.top + ph}" stroke="#eeeeee"/>`);
      }
    }
  }
  out.push(`<g class="grid">${grid.join('')}</g>`);
  clean.forEach((b, i) => {
    const color = b.color ?? PALETTE[i % PALETTE.length];
    const y = m.top + 8 + i * (barHeight + 8);
    const w = Math.max(1, sx(b.value) - m.left);
    out.push(`<text x="${m.left - 8}" y="${fmt(y + barHeight / 2 + 4)}" text-anchor="end">${escapeXml(b.name)}</text>`);
    out.push(`<rect data-series="${escapeXml(b.name)}" x="${m.left}" y="${y}" width="${fmt(w)}" height="${barHeight}" fill="${color}"><title>${escapeXml(`${b.name}: ${b.value.toPrecision(3)}`)}</title></rect>`);
    const shown = b.value >= 100 ? String(Math.round(b.value)) : b.value.toPrecision(3);
    out.push(`<text x="${fmt(m.left + w + 6)}" y="${fmt(y + barHeight / 2 + 4)}">${escapeXml(shown)}</text>`);
  });
  out.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#333333"/>`);
  out.push(`<text x="${fmt(m.left + pw / 2)}" y="${height - 18}" text-anchor="middle" font-size="13">${escapeXml(xLabel)}</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
