/**
 * The parse worker: reads and checks untrusted files off the main thread, so no import holds
 * the bridge (issue 9: a 10,000-vertex CAP area took 436 ms of the main thread, a 20 MiB CSV
 * field 311 ms). It runs our CAP reader and the area checks (vertex limits, the O(n log n)
 * crossing check), and reads and validates subscriber files as they arrive, keeping the good
 * rows until the main thread takes them a page at a time into its one transaction. Messages
 * are handled one at a time in arrival order. The CAP schema check (libxml2 in WebAssembly)
 * runs in xmllint-wasm's own worker, started by the main thread.
 *
 * Bundled on its own (build/worker.mjs → dist/worker/parse.cjs) without external packages,
 * like the targeting worker.
 */
import { parentPort } from 'node:worker_threads';
import { TrykError } from '../../shared/bridge/result';
import { fromCap, targetAreaFromCap } from '../../shared/cap';
import { DistrictBounds } from '../../shared/registry/district';
import type { DistrictOutline } from '../../shared/registry/district';
import { ImportValidator } from '../../shared/registry/import';
import { SubscriberFileReader } from '../registry/reader';
import type { CapRead, Envelope, ParseResults, Reply } from './protocol';

const port = parentPort;
if (!port) throw new Error('electron/parse/worker.ts runs only as a worker thread');

/** Refusals of the reader that mean "do not parse this at all". */
const UNSAFE = new Set(['cap_invalid_input', 'cap_too_large', 'cap_not_xml', 'cap_doctype', 'cap_too_deep']);

interface Job {
  reader: SubscriberFileReader;
  validator: ImportValidator;
  ended: boolean;
}
const jobs = new Map<number, Job>();

function readCapDocument(xml: string): CapRead {
  const read = fromCap(xml);
  if (!read.ok) return { ok: false, unsafe: UNSAFE.has(read.code), code: read.code, message: read.message };
  const area = targetAreaFromCap(read.value.areas);
  return {
    ok: true,
    draft: read.value,
    warnings: read.warnings,
    area: area.ok ? { ok: true, value: area.value, warnings: area.warnings } : { ok: false, code: area.code, message: area.message },
  };
}

function job(id: number): Job {
  const j = jobs.get(id);
  if (!j) throw new TrykError('not_found', 'That import is no longer open: choose the file again');
  return j;
}

function handle(msg: Envelope): ParseResults[keyof ParseResults] {
  switch (msg.type) {
    case 'cap':
      return readCapDocument(msg.xml);
    case 'import.begin': {
      const validator = new ImportValidator(new Set(msg.groups), msg.district ? new DistrictBounds({ ...msg.district, geometry: JSON.parse(msg.district.geometry) as DistrictOutline['geometry'] }) : null);
      jobs.set(msg.job, { reader: new SubscriberFileReader(msg.format, msg.name, (records) => validator.add(records)), validator, ended: false });
      return null;
    }
    case 'import.part':
      job(msg.job).reader.push(msg.text);
      return null;
    case 'import.end': {
      const j = job(msg.job);
      if (!j.ended) {
        j.reader.end();
        j.ended = true;
      }
      return j.validator.result();
    }
    case 'import.page':
      return job(msg.job).validator.accepted.slice(msg.from, msg.from + msg.count);
    case 'import.drop':
      jobs.delete(msg.job);
      return null;
  }
}

port.on('message', (msg: Envelope) => {
  let reply: Reply;
  try {
    reply = { id: msg.id, ok: true, value: handle(msg) };
  } catch (e) {
    // A refused file is finished: its job is dropped, so the rows read so far are freed.
    if ('job' in msg) jobs.delete(msg.job);
    reply =
      e instanceof TrykError
        ? { id: msg.id, ok: false, code: e.code, message: e.message, details: e.details }
        : { id: msg.id, ok: false, code: 'internal', message: `parse worker: ${(e as Error).message}` };
  }
  port.postMessage(reply);
});
