import { extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { readBoundedBytes } from '../cli/read-file';
import type { RawRecord } from '../../shared/registry/subscriber';
import { TrykError } from '../../shared/bridge/result';

export type ImportFormat = 'csv' | 'json';

/**
 * A subscriber file's text, or a refusal saying why it cannot be read as one. Files must be
 * UTF-8 (with or without BOM). Rule for everything else: refused, not guessed at, because a
 * wrong guess stores every "æ, ø, å" garbled for good. Danish Excel's plain "CSV" is
 * Windows-1252: the message says to save as "CSV UTF-8". NUL bytes mean a binary or UTF-16
 * file. (The console reads the file in the browser, which turns bytes that are not UTF-8 into
 * U+FFFD; that is refused the same way.)
 */
export function decodeImport(bytes: Uint8Array, name: string): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw notUtf8(name, bytes);
  }
  return text;
}

function notUtf8(name: string, bytes?: Uint8Array): TrykError {
  // Windows-1252 letters æøåÆØÅé are single bytes 0xC0-0xFF followed by ASCII.
  const looks1252 = bytes ? bytes.some((b, i) => b >= 0xc0 && (bytes[i + 1] ?? 0) < 0x80) : true;
  return new TrykError(
    'bad_request',
    `${name}: not UTF-8 text${looks1252 ? ' (it looks like Windows-1252, what Excel writes as plain "CSV")' : ''}: save it as "CSV UTF-8" and import again; nothing was imported`,
  );
}

/** The one rule both paths share: text that holds NUL or U+FFFD is not a readable subscriber file. */
function checkText(content: string, name: string): void {
  const nul = content.indexOf('\0');
  if (nul !== -1) {
    const line = lineAt(content, nul);
    throw new TrykError('bad_request', `${name}: line ${line} holds a NUL byte: not a UTF-8 text file (UTF-16 or binary?); nothing was imported`);
  }
  if (content.includes('\ufffd')) throw notUtf8(name);
}

const lineAt = (text: string, index: number) => {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
};

/** One record may not be longer than this (the longest valid row is about 3 KiB). */
const MAX_RECORD_CHARS = 64 * 1024;

interface CsvError extends Error {
  code?: string;
  lines?: number;
}

/**
 * The line number of every non-empty line, and the first line whose quotes do not pair up.
 * No column holds a multi-line value, so a record is exactly one line: a line with an odd
 * number of quotes opens a field it does not close (a doubled quote inside a field counts 2).
 * One pass with indexOf: csv-parse's own per-record line info cost as much again as parsing.
 */
function scanLines(content: string, name: string): number[] {
  const lines: number[] = [];
  let pos = content.charCodeAt(0) === 0xfeff ? 1 : 0;
  let quote = content.indexOf('"', pos);
  for (let line = 1; pos <= content.length; line++) {
    const nl = content.indexOf('\n', pos);
    const end = nl === -1 ? content.length : nl;
    let quotes = 0;
    while (quote !== -1 && quote < end) {
      quotes++;
      quote = content.indexOf('"', quote + 1);
    }
    if (quotes % 2 === 1) {
      throw new TrykError(
        'bad_request',
        `${name}: line ${line} opens a quoted field it does not close (a field may not span lines; write a quote inside a quoted field as ""); nothing was imported`,
      );
    }
    if (end > pos && !(end === pos + 1 && content.charCodeAt(pos) === 13)) lines.push(line);
    if (nl === -1) break;
    pos = nl + 1;
  }
  return lines;
}

interface CsvError extends Error {
  code?: string;
  lines?: number;
}

/**
 * CSV with csv-parse (RFC 4180, as Danish Excel writes it: ';' or ',' as separator, detected
 * from the header line): every record must have exactly the header's number of cells, a
 * quote must close on the line it opened on (no column holds a multi-line value), and any
 * structural error refuses the whole file with its line number: a quote left open used to
 * swallow the following people into one person's field, and the import said "all imported".
 */
export function parseCsvTable(content: string, name: string): { header: string[]; rows: { line: number; cells: string[] }[] } {
  const lines = scanLines(content, name);
  const firstLine = content.slice(0, content.search(/\r?\n|$/));
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  let records: string[][];
  try {
    records = parseCsv(content, {
      delimiter,
      bom: true,
      relax_column_count: false,
      relax_quotes: false,
      skip_empty_lines: true,
      max_record_size: MAX_RECORD_CHARS,
    });
  } catch (e) {
    const err = e as CsvError;
    const where = err.lines ?? 0;
    const why: Record<string, string> = {
      CSV_RECORD_INCONSISTENT_FIELDS_LENGTH: `line ${where} has a different number of cells than the header (${err.message.replace(/^.*expect (\d+), got (\d+).*$/s, '$2, not $1')})`,
      CSV_INVALID_CLOSING_QUOTE: `line ${where}: a quote closes in the middle of a field (write a quote inside a quoted field as "")`,
      CSV_MAX_RECORD_SIZE: `line ${where} is longer than ${MAX_RECORD_CHARS} characters`,
      CSV_QUOTE_NOT_CLOSED: `line ${where}: a quoted field is not closed`,
    };
    throw new TrykError('bad_request', `${name}: ${why[err.code ?? ''] ?? `line ${where}: not valid CSV`}; nothing was imported`);
  }
  if (records.length !== lines.length) {
    // Only a record spanning lines can make these differ, and scanLines refused those.
    throw new TrykError('bad_request', `${name}: a field spans lines; nothing was imported`);
  }
  const [head, ...rest] = records;
  return {
    header: (head ?? []).map((h) => h.trim().toLowerCase()),
    rows: rest.map((cells, i) => ({ line: lines[i + 1]!, cells })),
  };
}

/** Records of an import file with their row numbers (CSV: the line in the file; JSON: the array position, from 1). */
export function recordsFromText(content: string, format: ImportFormat, name: string): { row: number; record: RawRecord }[] {
  checkText(content, name);
  if (format === 'csv') {
    const table = parseCsvTable(content, name);
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
  return recordsFromText(decodeImport(readBoundedBytes(file, 'import'), file), format, file);
}
