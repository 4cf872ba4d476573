/*
 * Printing list/find results as OVS's table library does: `list` format (`name : value`
 * lines, records separated by blank lines), `table` format (aligned columns under a
 * dashed heading rule), cells as OVSDB strings or bare values, headings optional.
 */
import type { ResultTable } from './context.js';

export interface TableStyle {
  format: 'list' | 'table';
  data: 'string' | 'bare';
  headings: boolean;
}

export const DEFAULT_STYLE: TableStyle = { format: 'list', data: 'string', headings: true };

/** Prints one table; `first` is false for every table after the first (blank line before). */
export function formatTable(t: ResultTable, style: TableStyle, first: boolean): string {
  const cell = (c: { text: string; bare: string }): string => (style.data === 'bare' ? c.bare : c.text);
  let s = first ? '' : '\n';
  if (style.format === 'list') {
    t.rows.forEach((row, y) => {
      if (y > 0) s += '\n';
      row.forEach((c, x) => {
        s += style.headings ? `${t.headings[x].padEnd(20)}: ${cell(c)}\n` : `${cell(c)}\n`;
      });
    });
    return s;
  }
  const widths = t.headings.map((h, x) => Math.max(style.headings ? h.length : 0, ...t.rows.map((r) => cell(r[x]).length)));
  const line = (cells: string[]): string => `${cells.map((c, x) => c.padEnd(widths[x])).join(' ').trimEnd()}\n`;
  if (style.headings) {
    s += line(t.headings);
    s += line(widths.map((w) => '-'.repeat(w)));
  }
  for (const r of t.rows) s += line(r.map(cell));
  return s;
}
