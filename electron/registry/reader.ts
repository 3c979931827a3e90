/**
 * A subscriber file read as it arrives, a piece at a time (the bridge's upload parts, the
 * CLI's file chunks), in the import worker (electron/parse/). Every rule refuses the whole
 * file with its line number as soon as the offending line is seen, not after the whole file:
 * a 20 MiB field is refused when its line passes 64 KiB.
 *
 * CSV: no column holds a multi-line value, so a record is exactly one line. Each line is
 * checked on its own (NUL, U+FFFD from a browser's decoding of non-UTF-8 bytes, length, an
 * odd number of quotes = a quoted field left open), then lines are parsed in batches by
 * csv-parse (RFC 4180, as Danish Excel writes it: ';' or ',' as separator, detected from the
 * header line) with exactly the header's number of cells per record. A quote left open used
 * to swallow the following people into one person's field and the import said "all imported".
 * JSON: collected up to the file limit and parsed at the end (in the worker).
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { TrykError } from '../../shared/bridge/result';
import type { RawRecord } from '../../shared/registry/subscriber';

export type ImportFormat = 'csv' | 'json';

/** One record may not be longer than this (the longest valid row is about 3 KiB). */
export const MAX_RECORD_CHARS = 64 * 1024;
/** One import file, in characters: one import is one transaction held in memory. */
export const MAX_IMPORT_CHARS = 64 * 1024 * 1024;
/** Lines parsed by csv-parse at a time. */
const BATCH_LINES = 2000;

export type RecordSink = (records: { row: number; record: RawRecord }[]) => void;

export function notUtf8(name: string, bytes?: Uint8Array): TrykError {
  // Windows-1252 letters æøåÆØÅé are single bytes 0xC0-0xFF followed by ASCII.
  const looks1252 = bytes ? bytes.some((b, i) => b >= 0xc0 && (bytes[i + 1] ?? 0) < 0x80) : true;
  return new TrykError(
    'bad_request',
    `${name}: not UTF-8 text${looks1252 ? ' (it looks like Windows-1252, what Excel writes as plain "CSV")' : ''}: save it as "CSV UTF-8" and import again; nothing was imported`,
  );
}

const refused = (name: string, why: string) => new TrykError('bad_request', `${name}: ${why}; nothing was imported`);
const nulAt = (name: string, line: number) => refused(name, `line ${line} holds a NUL byte: not a UTF-8 text file (UTF-16 or binary?)`);
const tooLong = (name: string, line: number) => refused(name, `line ${line} is longer than ${MAX_RECORD_CHARS} characters`);

const lineAt = (text: string, index: number) => {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
};

interface CsvError extends Error {
  code?: string;
  lines?: number;
}

export class SubscriberFileReader {
  private chars = 0;
  private started = false;
  /** CSV: the part of a line not yet ended by a newline (at most MAX_RECORD_CHARS). */
  private rest = '';
  private line = 0;
  private header: string[] | null = null;
  private delimiter = ',';
  private batch: { line: number; text: string }[] = [];
  private readonly json: string[] = [];

  constructor(
    readonly format: ImportFormat,
    readonly name: string,
    private readonly sink: RecordSink,
    /** Subscriber files must name a `phone` column; a plain table (tests) need not. */
    private readonly requirePhone = true,
  ) {}

  /** The header's column names (CSV), once its line has been read. */
  get columns(): readonly string[] {
    return this.header ?? [];
  }

  push(text: string): void {
    this.chars += text.length;
    if (this.chars > MAX_IMPORT_CHARS) {
      throw new TrykError('too_large', `${this.name}: over the limit of ${MAX_IMPORT_CHARS / 1024 / 1024} MiB for import files (split a national register); nothing was imported`);
    }
    if (!this.started && text.length) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.format === 'json') {
      this.json.push(text);
      return;
    }
    const data = this.rest + text;
    let pos = 0;
    for (let nl = data.indexOf('\n'); nl !== -1; nl = data.indexOf('\n', pos)) {
      this.completeLine(data.slice(pos, nl));
      pos = nl + 1;
    }
    this.rest = data.slice(pos);
    // A line not yet ended: refused as soon as it is over the limit, not when (if ever) it ends.
    if (this.rest.includes('\0')) throw nulAt(this.name, this.line + 1);
    if (this.rest.length > MAX_RECORD_CHARS + 1) throw tooLong(this.name, this.line + 1);
  }

  end(): void {
    if (this.format === 'json') return this.endJson();
    if (this.rest.length) this.completeLine(this.rest);
    this.rest = '';
    if (!this.header && this.requirePhone) throw new TrykError('bad_request', `${this.name}: the first line must name the columns, including "phone"`);
    this.flush();
  }

  private completeLine(raw: string): void {
    const line = ++this.line;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.includes('\0')) throw nulAt(this.name, line);
    if (text.includes('\ufffd')) throw notUtf8(this.name);
    if (text.length > MAX_RECORD_CHARS) throw tooLong(this.name, line);
    let quotes = 0;
    for (let q = text.indexOf('"'); q !== -1; q = text.indexOf('"', q + 1)) quotes++;
    if (quotes % 2 === 1) {
      throw refused(this.name, `line ${line} opens a quoted field it does not close (a field may not span lines; write a quote inside a quoted field as "")`);
    }
    if (!text.length) return;
    if (!this.header) {
      this.delimiter = (text.match(/;/g)?.length ?? 0) > (text.match(/,/g)?.length ?? 0) ? ';' : ',';
      const [head] = this.parse([{ line, text }]);
      this.header = (head ?? []).map((h) => h.trim().toLowerCase());
      if (this.requirePhone && !this.header.includes('phone')) throw new TrykError('bad_request', `${this.name}: the first line must name the columns, including "phone"`);
      return;
    }
    this.batch.push({ line, text });
    if (this.batch.length >= BATCH_LINES) this.flush();
  }

  private parse(lines: { line: number; text: string }[]): string[][] {
    let records: string[][];
    try {
      records = parseCsv(lines.map((l) => l.text).join('\n'), {
        delimiter: this.delimiter,
        relax_column_count: true,
        relax_quotes: false,
        skip_empty_lines: false,
        max_record_size: MAX_RECORD_CHARS,
      });
    } catch (e) {
      const err = e as CsvError;
      const where = lines[Math.min(lines.length, Math.max(1, err.lines ?? 1)) - 1]!.line;
      const why: Record<string, string> = {
        CSV_INVALID_CLOSING_QUOTE: `line ${where}: a quote closes in the middle of a field (write a quote inside a quoted field as "")`,
        CSV_MAX_RECORD_SIZE: `line ${where} is longer than ${MAX_RECORD_CHARS} characters`,
        CSV_QUOTE_NOT_CLOSED: `line ${where}: a quoted field is not closed`,
      };
      throw refused(this.name, why[err.code ?? ''] ?? `line ${where}: not valid CSV`);
    }
    // Only a record spanning lines can make these differ, and the quote check refused those.
    if (records.length !== lines.length) throw refused(this.name, 'a field spans lines');
    return records;
  }

  private flush(): void {
    const lines = this.batch.splice(0);
    if (!lines.length) return;
    const header = this.header!;
    const records = this.parse(lines);
    this.sink(
      records.map((cells, i) => {
        const { line } = lines[i]!;
        if (cells.length !== header.length) {
          throw refused(this.name, `line ${line} has a different number of cells than the header (${cells.length}, not ${header.length})`);
        }
        return { row: line, record: Object.fromEntries(header.map((h, k) => [h, cells[k] ?? ''])) };
      }),
    );
  }

  private endJson(): void {
    const content = this.json.splice(0).join('');
    const nul = content.indexOf('\0');
    if (nul !== -1) throw nulAt(this.name, lineAt(content, nul));
    if (content.includes('\ufffd')) throw notUtf8(this.name);
    let json: unknown;
    try {
      json = JSON.parse(content);
    } catch {
      throw new TrykError('bad_request', `${this.name}: not valid JSON`);
    }
    const list = Array.isArray(json) ? json : (json as { subscribers?: unknown })?.subscribers;
    if (!Array.isArray(list)) throw new TrykError('bad_request', `${this.name}: expected an array of subscribers (or { "subscribers": [...] })`);
    for (let i = 0; i < list.length; i += BATCH_LINES) {
      this.sink(
        list.slice(i, i + BATCH_LINES).map((record: unknown, k) => ({
          row: i + k + 1,
          record: record && typeof record === 'object' && !Array.isArray(record) ? (record as RawRecord) : { __invalid: true },
        })),
      );
    }
  }
}
