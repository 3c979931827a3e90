/**
 * The hash chain of the audit trail, free of I/O: how an entry is serialised and hashed,
 * and how details become the canonical JSON text that is stored and hashed as stored.
 */
import { createHash } from 'node:crypto';

/** The prev_hash of the first entry: no entry before it. */
export const GENESIS_HASH = '0'.repeat(64);

/** Bumped if the serialisation ever changes, so old and new chains can never be confused. */
const DOMAIN = 'tryk-audit-v1';

/** The fields an entry's hash covers, exactly as stored. */
export interface ChainFields {
  seq: number;
  at: string;
  officer: string | null;
  action: string;
  subject: string | null;
  details: string | null;
  prev_hash: string;
}

/**
 * A JSON array of strings, numbers and nulls has exactly one JSON.stringify form, so this is
 * canonical without a canonicalisation library; the domain prefix keeps the hash from ever
 * matching one computed for another purpose.
 */
export function canonicalEntry(e: ChainFields): string {
  return JSON.stringify([DOMAIN, e.seq, e.at, e.officer, e.action, e.subject, e.details, e.prev_hash]);
}

export function entryHash(e: ChainFields): string {
  return createHash('sha256').update(canonicalEntry(e), 'utf8').digest('hex');
}

/** JSON with object keys sorted at every level, so equal details always give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}
