/**
 * CAP 1.2 documents checked against the official schema with libxml2 built to WebAssembly
 * (xmllint-wasm): no xmllint program, no network, and off the main thread (the library runs
 * each check in a worker). Our own reader (shared/cap, in the parse worker) goes first for what
 * must never reach a parser — size, DTDs and entities, depth — so libxml2 only sees documents
 * that passed those.
 */
import { validateXML } from 'xmllint-wasm';
import type { CapDraft } from '../../../shared/cap';
import type { ParseClient } from '../../parse/client';
import type { CapRead } from '../../parse/protocol';
import { TrykError } from '../../../shared/bridge/result';
import { CAP_1_2_XSD } from './xsd';

/** The schema's complaints shown in a message: the first few say what to fix. */
const SHOWN = 3;

export interface SchemaResult {
  valid: boolean;
  /** libxml2's own words, "line N: …", without the temporary file names. */
  problems: string[];
}

export async function checkCapSchema(xml: string): Promise<SchemaResult> {
  const result = await validateXML({
    xml: { fileName: 'alert.xml', contents: xml },
    schema: { fileName: 'CAP-v1.2.xsd', contents: CAP_1_2_XSD },
  });
  const problems = result.errors.map((e) => {
    const text = e.message.replace(/^\s*(element \S+:\s*)?Schemas validity error\s*:\s*/i, '').replace(/\{urn:oasis:names:tc:emergency:cap:1\.2\}/g, '');
    return e.loc ? `line ${e.loc.lineNumber}: ${text}` : text;
  });
  return { valid: result.valid, problems: problems.filter((p) => p && !/fails to validate$/.test(p)) };
}

/**
 * Reads a CAP document for import: refused with the schema's complaint when it breaks the
 * CAP 1.2 schema, with our reader's reason when it is valid CAP we cannot represent, with the
 * area's when its area cannot be targeted. Our reader and the area checks run in the parse
 * worker, the schema in xmllint-wasm's: this thread only hands the text on.
 */
export async function readCap(xml: string, parse: ParseClient): Promise<{ draft: CapDraft; warnings: string[]; area: Extract<CapRead, { ok: true }>['area'] }> {
  const read = await parse.readCap(xml);
  if (!read.ok && read.unsafe) {
    throw new TrykError(read.code === 'cap_too_large' ? 'too_large' : 'bad_request', `Not an acceptable CAP 1.2 alert: ${read.message}`, { cap: read.code });
  }
  const schema = await checkCapSchema(xml);
  if (!schema.valid) {
    const more = schema.problems.length > SHOWN ? ` (and ${schema.problems.length - SHOWN} more)` : '';
    throw new TrykError('bad_request', `The document breaks the CAP 1.2 schema: ${schema.problems.slice(0, SHOWN).join('; ')}${more}`, {
      cap: 'cap_schema',
      schema: schema.problems.slice(0, 20),
    });
  }
  if (!read.ok) throw new TrykError('bad_request', `Not an acceptable CAP 1.2 alert: ${read.message}`, { cap: read.code });
  return { draft: read.draft, warnings: read.warnings, area: read.area };
}
