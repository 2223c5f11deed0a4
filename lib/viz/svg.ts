/**
 * The SVG text writer every chart uses: escaping, number formatting and element strings. Output is
 * a pure function of its input (no clocks, no random ids), so the same data gives the same bytes.
 * @packageDocumentation
 */

/** An attribute value; `undefined` leaves the attribute out. */
export type AttrValue = string | number | undefined;
export type Attrs = Readonly<Record<string, AttrValue>>;

const XML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;',
};

/** Escapes text for XML content and for double- or single-quoted attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}

/**
 * A coordinate or size with at most `digits` decimals and no trailing zeros. Two decimals are a
 * hundredth of a pixel: finer than any renderer draws, short enough to keep the files small.
 */
export function num(value: number, digits = 2): string {
  if (!Number.isFinite(value)) throw new RangeError(`cannot write ${value} into an SVG coordinate`);
  const s = value.toFixed(digits);
  const trimmed = s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
  return trimmed === '-0' ? '0' : trimmed;
}

function attrText(attrs: Attrs): string {
  let out = '';
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined) continue;
    out += ` ${name}="${typeof value === 'number' ? num(value) : escapeXml(value)}"`;
  }
  return out;
}

/** An element; `children` is already-serialised markup (use `text` for escaped character data). */
export function el(name: string, attrs: Attrs = {}, children: string | readonly string[] = ''): string {
  const inner = typeof children === 'string' ? children : children.join('');
  return inner === '' ? `<${name}${attrText(attrs)}/>` : `<${name}${attrText(attrs)}>${inner}</${name}>`;
}

/**
 * The value of a `stroke-dasharray` attribute: lengths in pixels, alternately dash and gap (`[6, 4]`
 * draws 6 px, leaves 4 px). `undefined` for no pattern (a solid line), so that `el` leaves the
 * attribute out. `where` names the option in the error.
 * @throws RangeError when the pattern is empty, has a length that is negative or not finite, or is
 *   all zeros (a line that would never be drawn).
 */
export function dashArray(dash: readonly number[] | undefined, where: string): string | undefined {
  if (dash === undefined) return undefined;
  if (!Array.isArray(dash) || dash.length === 0 || !dash.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0) || !dash.some((v) => v > 0)) {
    throw new RangeError(`${where} must be a non-empty list of finite lengths ≥ 0 in pixels, not all 0 (got ${JSON.stringify(dash)})`);
  }
  return dash.map((v) => num(v)).join(' ');
}

/** A text element whose content is escaped. */
export function text(content: string, attrs: Attrs = {}): string {
  return el('text', attrs, escapeXml(content));
}

/** Fonts resvg and browsers both find on common systems; DejaVu ships with most Linux installs. */
export const FONT_FAMILY = 'DejaVu Sans, Helvetica, Arial, sans-serif';

/** A complete SVG document with a white background, the given title (for screen readers) and body. */
export function svgDocument(width: number, height: number, title: string, body: readonly string[]): string {
  const open =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(width)}" height="${num(height)}" ` +
    `viewBox="0 0 ${num(width)} ${num(height)}" font-family="${escapeXml(FONT_FAMILY)}">`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    open,
    el('title', {}, escapeXml(title)),
    el('rect', { class: 'background', x: 0, y: 0, width, height, fill: '#ffffff' }),
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
