/**
 * CAP 1.2 documents checked against the official schema with libxml2 built to WebAssembly
 * (xmllint-wasm): no xmllint program, no network, and off the main thread (the library runs
 * each check in a worker). Our own reader (shared/cap) goes first for what must never reach a
 * parser — size, DTDs and entities, depth — so libxml2 only sees documents that passed those.
 */
import { validateXML } from 'xmllint-wasm';
import { fromCap } from '../../../shared/cap';
import type { CapDraft } from '../../../shared/cap';
import { TrykError } from '../../../shared/bridge/result';
import { CAP_1_2_XSD } from './xsd';

/** Refusals of the reader that mean "do not parse this at all". */
const UNSAFE = new Set(['cap_invalid_input', 'cap_too_large', 'cap_not_xml', 'cap_doctype', 'cap_too_deep']);
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
 * CAP 1.2 schema, with our reader's reason when it is valid CAP we cannot represent.
 */
export async function readCap(xml: string): Promise<{ draft: CapDraft; warnings: string[] }> {
  const read = fromCap(xml);
  if (!read.ok && UNSAFE.has(read.code)) {
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
  return { draft: read.value, warnings: read.warnings };
}
