/**
 * Writing RFC 4180 CSV for exports (reading is csv-parse's, in electron/registry/files.ts).
 */
const needsQuotes = /[",;\r\n]|^\s|\s$/;
/** Also neutralises spreadsheet formulas: a cell starting with = + - @ is prefixed with '. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s) && !/^\+\d+$/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return needsQuotes.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: readonly string[], rows: Iterable<readonly (string | number | null | undefined)[]>): string {
  const lines = [header.join(',')];
  for (const r of rows) lines.push(r.map(csvCell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
