/**
 * A subscriber import as the console and the CLI run it: the file's text goes to the parse
 * worker as it arrives (electron/parse/), which reads and validates it; this thread then
 * writes the good rows a page at a time in one transaction (all or nothing, or the accepted
 * rows only). Places outside the import's police district are imported with a warning.
 */
import { TrykError } from '../../shared/bridge/result';
import type { ImportJob, ParseClient } from '../parse/client';
import type { DistrictText } from '../parse/protocol';
import type { Queryable } from '../store/db';
import type { ImportFormat } from './reader';
import type { Actor, ImportMode, ImportReport, RegistryService } from './service';

/** Rows taken from the worker per page (and per write). */
const PAGE = 500;

/**
 * The police district an import is checked against: the one it names (code or name), else
 * the district the console serves (setting `console.district`), else none.
 */
export async function importDistrict(db: Queryable, named: string | null | undefined): Promise<DistrictText | null> {
  const all = await db.all<{ code: string; name: string }>("SELECT code, name FROM boundaries WHERE kind = 'district'");
  let code: string | null = null;
  if (named?.trim()) {
    const wanted = named.trim().toLocaleLowerCase('da');
    const found = all.find((d) => d.code === named.trim() || d.name.toLocaleLowerCase('da') === wanted);
    if (!found) throw new TrykError('bad_request', `No police district called ${named.trim().slice(0, 80)}`, { district: 'unknown' });
    code = found.code;
  } else {
    const setting = await db.get<{ value: string }>("SELECT value FROM settings WHERE key = 'console.district'");
    code = setting ? (JSON.parse(setting.value) as string | null) : null;
    if (!code || !all.some((d) => d.code === code)) return null;
  }
  const row = await db.get<{ code: string; name: string; geometry: string }>("SELECT code, name, geometry FROM boundaries WHERE kind = 'district' AND code = ?", [code]);
  return row ?? null;
}

export interface ImportStart {
  format: ImportFormat;
  name: string;
  district: DistrictText | null;
}

export async function beginImport(parse: ParseClient, registry: RegistryService, start: ImportStart): Promise<ImportJob> {
  return parse.beginImport({ ...start, groups: [...(await registry.groups()).keys()] });
}

/** Ends the worker's reading and writes what it validated; the job stays open (a second mode may follow). */
export async function finishImport(registry: RegistryService, job: ImportJob, mode: ImportMode, actor: Actor): Promise<ImportReport> {
  const summary = await job.end();
  return registry.importValidated({ ...summary, page: (from, count) => job.page(from, Math.min(count, PAGE)) }, mode, actor);
}

/** A whole import from pieces of text (the CLI's file chunks). */
export async function importPieces(
  parse: ParseClient,
  registry: RegistryService,
  start: ImportStart,
  pieces: AsyncIterable<string>,
  mode: ImportMode,
  actor: Actor,
): Promise<ImportReport> {
  const job = await beginImport(parse, registry, start);
  try {
    for await (const text of pieces) if (text.length) await job.push(text);
    return await finishImport(registry, job, mode, actor);
  } finally {
    job.drop();
  }
}
