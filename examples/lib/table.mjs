// The examples' result tables: aligned plain text for the terminal (a header, a rule, one line per
// row) and Markdown for the results files, from one list of columns.

/**
 * @param {{ title: string, cell: (row: any) => string, right?: boolean }[]} columns
 * @param {object[]} rows
 * @returns {string}
 */
export function textTable(columns, rows) {
  const cells = rows.map((r) => columns.map((c) => c.cell(r)));
  const widths = columns.map((c, i) => Math.max(c.title.length, ...cells.map((row) => row[i].length)));
  const line = (row) => row.map((v, i) => (columns[i].right ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(columns.map((c) => c.title)), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

/**
 * The same columns as a Markdown table (right-aligned columns stay right-aligned; `|` in a cell is escaped).
 * @param {{ title: string, cell: (row: any) => string, right?: boolean }[]} columns
 * @param {object[]} rows
 * @returns {string}
 */
export function markdownTable(columns, rows) {
  const esc = (s) => s.replace(/\|/g, '\\|');
  return [
    `| ${columns.map((c) => esc(c.title)).join(' | ')} |`,
    `|${columns.map((c) => (c.right ? '---:' : ':---')).join('|')}|`,
    ...rows.map((r) => `| ${columns.map((c) => esc(c.cell(r))).join(' | ')} |`),
  ].join('\n');
}

/** A number for a table cell: fixed digits in a readable range, else exponent form; '—' when missing. */
export function fmt(v, digits = 4) {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e5 ? v.toFixed(digits) : v.toExponential(2);
}
