/** Plain-text tables for the terminal: first column left-aligned, the rest right-aligned. */

export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  indent = '',
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    indent +
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/**
 * One formatter for every printed number: `toLocaleString` builds a new Intl formatter per call
 * (about 50 µs each, 52 ms over a summary), this one is built once and formats the same text.
 */
const EN_US = new Intl.NumberFormat('en-US');

/** 1234567 → "1,234,567"; non-integers keep one decimal. */
export function formatCount(value: number): string {
  const rounded = Number.isInteger(value) ? value : Math.round(value * 10) / 10;
  return EN_US.format(rounded);
}
