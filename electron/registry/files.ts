import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { parseCsv } from '../../shared/registry/csv';
import type { RawRecord } from '../../shared/registry/subscriber';
import { TrykError } from '../../shared/bridge/result';

export type ImportFormat = 'csv' | 'json';
export const MAX_IMPORT_BYTES = 512 * 1024 * 1024;

/** Records of an import file with their row numbers (CSV: the line in the file; JSON: the array position, from 1). */
export function recordsFromText(content: string, format: ImportFormat, name: string): { row: number; record: RawRecord }[] {
  if (format === 'csv') {
    let table;
    try {
      table = parseCsv(content);
    } catch (e) {
      throw new TrykError('bad_request', `${name}: ${(e as Error).message}`);
    }
    if (!table.header.includes('phone')) throw new TrykError('bad_request', `${name}: the first line must name the columns, including "phone"`);
    return table.rows.map(({ line, cells }) => ({
      row: line,
      record: Object.fromEntries(table.header.map((h, i) => [h, cells[i] ?? ''])),
    }));
  }
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    throw new TrykError('bad_request', `${name}: not valid JSON`);
  }
  const list = Array.isArray(json) ? json : (json as { subscribers?: unknown })?.subscribers;
  if (!Array.isArray(list)) throw new TrykError('bad_request', `${name}: expected an array of subscribers (or { "subscribers": [...] })`);
  return list.map((record, i) => ({
    row: i + 1,
    record: record && typeof record === 'object' && !Array.isArray(record) ? (record as RawRecord) : { __invalid: true },
  }));
}

export function formatOf(file: string, given?: string): ImportFormat {
  const f = (given ?? extname(file).slice(1)).toLowerCase();
  if (f === 'csv' || f === 'json') return f;
  throw new TrykError('bad_request', `${file}: say --format csv or --format json`);
}

export function readImportFile(file: string, given?: string) {
  const format = formatOf(file, given);
  let content: string;
  try {
    if (statSync(file).size > MAX_IMPORT_BYTES) throw new TrykError('too_large', `${file}: larger than 512 MiB`);
    content = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof TrykError) throw e;
    throw new TrykError('bad_request', `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return recordsFromText(content, format, file);
}
