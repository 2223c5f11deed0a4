import { describe, expect, it } from 'vitest';
import { contourLines, contourPlot, escapeXml, lineChart, logLevels, sampleGrid, SERIES_COLORS } from '../lib/viz/index';
import { formatTickValue, linearTicks, logTicks, niceDomain } from '../lib/viz/scale';

/**
 * A small XML well-formedness check: every tag closes in order, attribute values are quoted, and
 * character data holds no raw '<' and no '&' outside an entity. Returns the problem, or null.
 */
function xmlProblem(doc: string): string | null {
  const body = doc.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  let m: RegExpExecArray | null;
  while ((m = token.exec(body)) !== null) {
    const [, closing, name, attrs, selfClosing, chars, stray] = m;
    if (stray) return `stray '<' at ${m.index}: ${body.slice(m.index, m.index + 40)}`;
    if (chars !== undefined) {
      if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(chars)) return `bare '&' in text: ${chars.slice(0, 40)}`;
      continue;
    }
    if (attrs && /&(?!(amp|lt|gt|quot|apos);)/.test(attrs)) return `bare '&' in attributes of <${name}>`;
    if (closing) {
      const open = stack.pop();
      if (open !== name) return `</${name}> closes <${open}>`;
    } else if (!selfClosing) {
      stack.push(name!);
    }
  }
  return stack.length === 0 ? null : `unclosed <${stack.join('> <')}>`;
}

/** The elements with class `cls` (self-closing or not), as their opening tags. */
function tagsWithClass(svg: string, cls: string): string[] {
  return svg.match(new RegExp(`<[a-z]+ class="${cls}"[^>]*>`, 'g')) ?? [];
}

/** The markup inside `<g class="cls">…</g>` (a group without nested groups). */
function group(svg: string, cls: string): string {
  const start = svg.indexOf(`<g class="${cls}"`);
  if (start < 0) throw new Error(`no group ${cls}`);
  return svg.slice(start, svg.indexOf('</g>', start));
}

function attr(tag: string, name: string): string {
  const m = tag.match(new RegExp(` ${name}="([^"]*)"`));
  if (!m) throw new Error(`no ${name} in ${tag}`);
  return m[1]!;
}

/** Tick labels of one axis: label text → pixel position along that axis. */
function tickLabels(svg: string, axis: 'x' | 'y'): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of svg.matchAll(new RegExp(`<text class="tick-label-${axis}"([^>]*)>([^<]*)</text>`, 'g'))) {
    out.set(m[2]!, Number(attr(m[1]!, axis)));
  }
  return out;
}

const bowl = (x: number, y: number): number => x * x + y * y;
const line = (points: number): [number, number][] => Array.from({ length: points }, (_, i) => [i / points, i / points]);

describe('contourPlot', () => {
  const paths = [
    { name: 'first', points: line(20) },
    { name: 'second', points: [[0.5, -0.5], [-0.5, 0.5]] as [number, number][] },
    { name: 'third', points: [[-1, -1], [1, 1]] as [number, number][] },
  ];
  const svg = contourPlot({ f: bowl, bounds: [-2, 2, -2, 2], paths, title: 'A bowl', minima: [{ x: 0, y: 0 }] });

  it('writes well-formed XML with a white background', () => {
    expect(xmlProblem(svg)).toBeNull();
    expect(svg).toMatch(/<rect class="background"[^>]* fill="#ffffff"\/>/);
  });

  it('draws one path element per series, named in order', () => {
    const series = tagsWithClass(svg, 'series');
    expect(series.map((t) => attr(t, 'data-name'))).toEqual(['first', 'second', 'third']);
    for (const t of series) expect(attr(t, 'd')).toMatch(/^M[\d.]+ [\d.]+L/);
  });

  it('gives each series its own palette colour, and the legend names every series', () => {
    const strokes = tagsWithClass(svg, 'series').map((t) => attr(t, 'stroke'));
    expect(strokes).toEqual(SERIES_COLORS.slice(0, 3));
    const legend = svg.slice(svg.indexOf('<g class="legend">'));
    for (const p of paths) expect(legend).toContain(`>${p.name}</text>`);
  });

  it('draws 30 log-spaced contour levels by default for a non-negative function', () => {
    const levels = tagsWithClass(svg, 'contour').map((t) => Number(attr(t, 'data-level')));
    expect(levels).toHaveLength(30);
    const ratios = levels.slice(1).map((v, i) => v / levels[i]!);
    for (const r of ratios) expect(r).toBeCloseTo(ratios[0]!, 2);
    expect(ratios[0]).toBeGreaterThan(1);
  });

  it('draws the levels it is given, each as a non-empty path', () => {
    const given = contourPlot({ f: bowl, bounds: [-2, 2, -2, 2], paths: [], title: 't', levels: [0.25, 1, 2.25] });
    const tags = tagsWithClass(given, 'contour');
    expect(tags.map((t) => Number(attr(t, 'data-level')))).toEqual([0.25, 1, 2.25]);
    for (const t of tags) expect(attr(t, 'd').length).toBeGreaterThan(50);
  });

  it('rejects a level count that is not a positive integer', () => {
    for (const levels of [0, 2.5, -3]) {
      expect(() => contourPlot({ f: bowl, bounds: [-1, 1, -1, 1], paths: [], title: 't', levels })).toThrow(RangeError);
    }
  });

  it('spaces the levels evenly when the function goes negative', () => {
    const saddle = contourPlot({ f: (x, y) => x * x - y * y, bounds: [-1, 1, -1, 1], paths: [], title: 't', levels: 7 });
    const levels = tagsWithClass(saddle, 'contour').map((t) => Number(attr(t, 'data-level')));
    expect(levels).toHaveLength(7);
    const gaps = levels.slice(1).map((v, i) => v - levels[i]!);
    for (const g of gaps) expect(g).toBeCloseTo(gaps[0]!, 3);
    expect(levels[0]).toBeLessThan(0);
    expect(levels[6]).toBeGreaterThan(0);
    expect(levels[0]! - gaps[0]!).toBeCloseTo(-1, 2);
  });

  it('marks one shared start, an end per path, the minima and the saddle points', () => {
    const s = contourPlot({
      f: bowl, bounds: [-2, 2, -2, 2], title: 't', minima: [{ x: 0, y: 0 }], saddles: [{ x: 1, y: 1 }],
      paths: [{ name: 'a', points: [[1, 0], [0.5, 0]] }, { name: 'b', points: [[1, 0], [0, 0.5]] }],
    });
    const markers = group(s, 'markers');
    expect(tagsWithClass(markers, 'marker-start')).toHaveLength(1);
    expect(tagsWithClass(markers, 'marker-end')).toHaveLength(2);
    expect(tagsWithClass(markers, 'marker-minimum')).toHaveLength(1);
    expect(tagsWithClass(markers, 'marker-saddle')).toHaveLength(1);
  });

  it('escapes names and titles, so that markup in them stays text', () => {
    const name = 'A<b> & "c" \'d\'';
    const s = contourPlot({ f: bowl, bounds: [-1, 1, -1, 1], title: 'x < y & z', subtitle: '<sub>', paths: [{ name, points: line(3) }] });
    expect(xmlProblem(s)).toBeNull();
    expect(s).toContain(`>${escapeXml(name)}</text>`);
    expect(s).toContain('data-name="A&lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;"');
    expect(s).toContain('<title>x &lt; y &amp; z</title>');
    expect(s).not.toContain('<b>');
    expect(s).not.toContain('<sub>');
  });

  it('keeps paths that run far off the window at bounded coordinates, and breaks them at non-finite points', () => {
    const s = contourPlot({
      f: bowl, bounds: [-1, 1, -1, 1], title: 't',
      paths: [{ name: 'far', points: [[0, 0], [0.5, 0.5], [1e30, 1e30], [Number.NaN, 0], [0.2, -0.2], [-0.5, -0.5]] }],
    });
    const d = attr(tagsWithClass(s, 'series')[0]!, 'd');
    const numbers = d.match(/-?[\d.]+/g)!.map(Number);
    for (const v of numbers) expect(Math.abs(v)).toBeLessThan(2000);
    expect(d.match(/M/g)).toHaveLength(2);
  });

  it('draws a path given a dash pattern dashed, with a dashed legend swatch, and leaves the others solid', () => {
    const s = contourPlot({
      f: bowl, bounds: [-2, 2, -2, 2], title: 't',
      paths: [{ name: 'under', points: line(5) }, { name: 'over', points: line(5), dash: [7, 5] }],
    });
    expect(xmlProblem(s)).toBeNull();
    const [under, over] = tagsWithClass(s, 'series');
    expect(under).not.toContain('stroke-dasharray');
    expect(attr(over!, 'stroke-dasharray')).toBe('7 5');
    const swatches = s.slice(s.indexOf('<g class="legend">')).match(/<line [^>]*>/g)!;
    expect(swatches[0]).not.toContain('stroke-dasharray');
    expect(attr(swatches[1]!, 'stroke-dasharray')).toBe('7 5');
  });

  it('rejects a dash pattern that is empty, negative, not finite or all zeros, naming the path', () => {
    for (const dash of [[], [-1, 2], [Number.NaN], [Infinity, 1], [0, 0]]) {
      expect(() => contourPlot({ f: bowl, bounds: [-1, 1, -1, 1], title: 't', paths: [{ name: 'p', points: line(3), dash }] }))
        .toThrow(/paths\[0\]\.dash/);
    }
  });

  it('writes the same bytes for the same input', () => {
    const again = contourPlot({ f: bowl, bounds: [-2, 2, -2, 2], paths, title: 'A bowl', minima: [{ x: 0, y: 0 }] });
    expect(again).toBe(svg);
  });
});

describe('marching squares', () => {
  const grid = sampleGrid(bowl, [-2, 2, -2, 2], 81, 81);

  it('traces a circle as one closed polyline on the level set', () => {
    const lines = contourLines(grid, 1);
    expect(lines).toHaveLength(1);
    const ring = lines[0]!;
    expect(ring[0]).toEqual(ring[ring.length - 1]);
    expect(ring.length).toBeGreaterThan(40);
    for (const [x, y] of ring) expect(Math.hypot(x, y)).toBeCloseTo(1, 2);
  });

  it('joins an open contour into one polyline from edge to edge', () => {
    const ramp = sampleGrid((x) => x, [-1, 1, -1, 1], 11, 11);
    const lines = contourLines(ramp, 0.05);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toHaveLength(11);
    for (const [x] of lines[0]!) expect(x).toBeCloseTo(0.05, 12);
  });

  it('separates the two arms of a saddle', () => {
    const saddle = sampleGrid((x, y) => x * x - y * y, [-1, 1, -1, 1], 40, 40);
    const lines = contourLines(saddle, 0.25);
    expect(lines).toHaveLength(2);
    for (const l of lines) {
      const sides = new Set(l.map(([x]) => Math.sign(x)));
      expect(sides.size).toBe(1);
    }
  });

  it('skips cells with a non-finite corner', () => {
    const holed = sampleGrid((x, y) => (Math.abs(x) < 0.3 && y > 0 ? Number.NaN : bowl(x, y)), [-2, 2, -2, 2], 41, 41);
    for (const l of contourLines(holed, 1)) for (const [x, y] of l) expect(Number.isFinite(x) && Number.isFinite(y)).toBe(true);
  });

  it('spaces log levels by a constant ratio strictly inside the range', () => {
    const levels = logLevels(1e-3, 1e3, 5);
    expect(levels.map((v) => Math.log10(v))).toEqual([-2, -1, 0, 1, 2].map((e) => expect.closeTo(e, 12)));
  });
});

describe('lineChart', () => {
  const x = Array.from({ length: 100 }, (_, i) => i + 1);
  const series = [
    { name: 'inverse', x, y: x.map((t) => 1 / t) },
    { name: 'decay', x, y: x.map((t) => 10 * Math.exp(-t / 10)) },
  ];

  it('writes well-formed XML with one path per series and a legend entry for each', () => {
    const svg = lineChart({ series, logY: true, title: 't', xLabel: 'step', yLabel: 'loss' });
    expect(xmlProblem(svg)).toBeNull();
    expect(tagsWithClass(svg, 'series').map((t) => attr(t, 'data-name'))).toEqual(['inverse', 'decay']);
    expect(svg).toContain('>inverse</text>');
    expect(svg).toContain('>decay</text>');
  });

  it('puts the decades of a log axis at equal distances, larger values higher', () => {
    const svg = lineChart({ series: [{ name: 's', x: [0, 1], y: [1e-3, 1e3] }], logY: true, title: 't', xLabel: 'x', yLabel: 'y' });
    const ticks = tickLabels(svg, 'y');
    const labels = ['0.001', '0.01', '0.1', '1', '10', '100', '1000'];
    expect([...ticks.keys()]).toEqual(labels);
    const ys = labels.map((l) => ticks.get(l)!);
    const gaps = ys.slice(1).map((v, i) => ys[i]! - v);
    for (const g of gaps) expect(g).toBeCloseTo(gaps[0]!, 1);
    expect(gaps[0]).toBeGreaterThan(0);
  });

  it('places a log x axis by log10: 10 sits halfway between 1 and 100', () => {
    const svg = lineChart({ series: [{ name: 's', x: [1, 100], y: [1, 2] }], logX: true, title: 't', xLabel: 'x', yLabel: 'y' });
    const ticks = tickLabels(svg, 'x');
    expect(ticks.get('10')! - ticks.get('1')!).toBeCloseTo(ticks.get('100')! - ticks.get('10')!, 1);
    expect(ticks.get('100')).toBeGreaterThan(ticks.get('1')!);
  });

  it('places a linear axis on nice steps at equal distances', () => {
    const svg = lineChart({ series: [{ name: 's', x: [0, 600], y: [0, 1] }], title: 't', xLabel: 'x', yLabel: 'y' });
    const ticks = tickLabels(svg, 'x');
    expect([...ticks.keys()]).toEqual(['0', '100', '200', '300', '400', '500', '600']);
  });

  it('breaks the line at values a log axis cannot show instead of drawing them', () => {
    const svg = lineChart({ series: [{ name: 's', x: [1, 2, 3, 4, 5], y: [1, 0.5, 0, 0.2, 0.1] }], logY: true, title: 't', xLabel: 'x', yLabel: 'y' });
    const d = attr(tagsWithClass(svg, 'series')[0]!, 'd');
    expect(d.match(/M/g)).toHaveLength(2);
  });

  it('rejects a series whose x and y differ in length', () => {
    expect(() => lineChart({ series: [{ name: 's', x: [1, 2], y: [1] }], title: 't', xLabel: 'x', yLabel: 'y' })).toThrow(RangeError);
  });

  it('draws a series given a dash pattern dashed, in the legend too', () => {
    const svg = lineChart({ series: [series[0]!, { ...series[1]!, dash: [2, 3.5] }], title: 't', xLabel: 'x', yLabel: 'y' });
    const [solid, dashed] = tagsWithClass(svg, 'series');
    expect(solid).not.toContain('stroke-dasharray');
    expect(attr(dashed!, 'stroke-dasharray')).toBe('2 3.5');
    expect(attr(svg.slice(svg.indexOf('<g class="legend">')).match(/<line [^>]*>/g)![1]!, 'stroke-dasharray')).toBe('2 3.5');
  });

  it('rejects a bad dash pattern with a RangeError naming the series', () => {
    expect(() => lineChart({ series: [{ name: 's', x: [1], y: [1], dash: [-2] }], title: 't', xLabel: 'x', yLabel: 'y' }))
      .toThrow(/series\[0\]\.dash/);
  });

  it('gives eleven series eleven different colours', () => {
    const many = Array.from({ length: 11 }, (_, k) => ({ name: `s${k}`, x: [0, 1], y: [k, k + 1] }));
    const svg = lineChart({ series: many, title: 't', xLabel: 'x', yLabel: 'y' });
    const strokes = tagsWithClass(svg, 'series').map((t) => attr(t, 'stroke'));
    expect(new Set(strokes).size).toBe(11);
  });
});

describe('axis ticks', () => {
  it('labels powers of ten, and also 2 and 5 when the axis spans under two decades', () => {
    expect(logTicks(1, 1000).filter((t) => t.label).map((t) => t.label)).toEqual(['1', '10', '100', '1000']);
    expect(logTicks(1, 50).filter((t) => t.label).map((t) => t.label)).toEqual(['1', '2', '5', '10', '20', '50']);
  });

  it('labels every k-th decade of a long log axis, at most about eight', () => {
    const labelled = logTicks(1e-16, 1e4).filter((t) => t.label);
    expect(labelled.length).toBeLessThanOrEqual(8);
    expect(labelled[0]!.label).toBe('1e-16');
  });

  it('steps linear ticks by 1, 2 or 5 × 10^k without rounding noise', () => {
    expect(linearTicks(-1.5, 1.5).map((t) => t.label)).toEqual(['-1.5', '-1.0', '-0.5', '0', '0.5', '1.0', '1.5']);
    expect(linearTicks(0, 0.3).map((t) => t.value)).toEqual([0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]);
  });

  it('widens a log domain to 1, 2 or 5 × 10^k', () => {
    expect(niceDomain(1, 2000, 'log')).toEqual([1, 2000]);
    expect(niceDomain(3e-14, 40, 'log')).toEqual([2e-14, 50]);
  });

  it('writes very small and very large tick values in exponent form', () => {
    expect(formatTickValue(1e-6)).toBe('1e-6');
    expect(formatTickValue(2e5)).toBe('2e5');
    expect(formatTickValue(0.01, 2)).toBe('0.01');
  });
});
