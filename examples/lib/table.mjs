// Aligned plain-text tables for the examples' results: a header, a rule, one line per row.

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

/** A number for a table cell: fixed digits in a readable range, else exponent form; '—' when missing. */
export function fmt(v, digits = 4) {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e5 ? v.toFixed(digits) : v.toExponential(2);
}
