/**
 * Renders rows as a plain-text table with a header rule, each column as wide as its widest cell (cells
 * longer than `maxWidth` are cut with an ellipsis).
 *
 * @example
 * renderTable(['Login', 'Status'], [['ada@example.com', 'created']]);
 */
export function renderTable(headers: string[], rows: string[][], maxWidth = 60): string {
  const clip = (cell: string) => (cell.length > maxWidth ? `${cell.slice(0, maxWidth - 1)}…` : cell);
  const body = rows.map((row) => headers.map((_, i) => clip(row[i] ?? '')));
  const widths = headers.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
