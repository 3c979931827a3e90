/**
 * Subscriber files from disk (the CLI) and from text (tests, the in-process import): the
 * reading rules are electron/registry/reader.ts's, the same the import worker applies.
 */
import { createReadStream, fstatSync, openSync } from 'node:fs';
import { extname } from 'node:path';
import { FILE_LIMITS } from '../cli/read-file';
import type { RawRecord } from '../../shared/registry/subscriber';
import { TrykError } from '../../shared/bridge/result';
import { notUtf8, SubscriberFileReader } from './reader';
import type { ImportFormat } from './reader';

export type { ImportFormat } from './reader';

/** CSV as a table (header and cells with their line numbers), by the import's rules. */
export function parseCsvTable(content: string, name: string): { header: string[]; rows: { line: number; cells: string[] }[] } {
  const rows: { line: number; cells: string[] }[] = [];
  const reader = new SubscriberFileReader('csv', name, (records) => {
    for (const { row, record } of records) rows.push({ line: row, cells: reader.columns.map((h) => String(record[h] ?? '')) });
  }, false);
  reader.push(content);
  reader.end();
  return { header: [...reader.columns], rows };
}

/** Records of an import file with their row numbers (CSV: the line in the file; JSON: the array position, from 1). */
export function recordsFromText(content: string, format: ImportFormat, name: string): { row: number; record: RawRecord }[] {
  const out: { row: number; record: RawRecord }[] = [];
  const reader = new SubscriberFileReader(format, name, (records) => {
    for (const r of records) out.push(r);
  });
  reader.push(content);
  reader.end();
  return out;
}

export function formatOf(file: string, given?: string): ImportFormat {
  const f = (given ?? extname(file).slice(1)).toLowerCase();
  if (f === 'csv' || f === 'json') return f;
  throw new TrykError('bad_request', `${file}: say --format csv or --format json`);
}

/**
 * A subscriber file's text in pieces of about 1 MiB, decoded as strict UTF-8 across the
 * pieces, for the import worker to read as it arrives: the file is never held whole on this
 * thread. Its size is checked first (a regular file, at most the import limit).
 */
export async function* importFileChunks(file: string): AsyncGenerator<string> {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw new TrykError('bad_request', `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const st = fstatSync(fd);
  const stream = createReadStream('', { fd, highWaterMark: 1024 * 1024 });
  if (!st.isFile() || st.size > FILE_LIMITS.import) {
    stream.destroy();
    if (!st.isFile()) throw new TrykError('bad_request', `${file}: not a regular file`);
    throw new TrykError('too_large', `${file}: ${(st.size / 1024 / 1024).toFixed(1)} MiB is over the limit of ${FILE_LIMITS.import / 1024 / 1024} MiB for import files`);
  }
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for await (const piece of stream) {
    const bytes = piece as Buffer;
    try {
      yield decoder.decode(bytes, { stream: true });
    } catch {
      throw notUtf8(file, bytes);
    }
  }
  try {
    yield decoder.decode();
  } catch {
    throw notUtf8(file);
  }
}
