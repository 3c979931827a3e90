/**
 * The audit trail: an append-only, hash-chained log of who did what and when.
 *
 * Each entry's hash covers its fields and the previous entry's hash, so editing, removing or
 * moving a row with plain SQL tools breaks the chain at that row. Removing the *last* rows
 * leaves a shorter chain that is still consistent, so the latest seq and hash (the head) are
 * also kept in `settings` ('audit.head'), written in the same transaction as the entry.
 *
 * What this does not protect against: someone with the store key who knows this scheme can
 * recompute every hash and the head and rewrite history undetectably. The chain detects
 * tampering by people who change rows without recomputing it (a SQL shell, a careless
 * script); protection against a knowing insider needs the head anchored outside the store
 * (printed, sent to another system), which this does not do.
 */
import { TrykError } from '../../shared/bridge/result';
import type { Db, Param, Queryable } from '../store/db';
import { canonicalJson, entryHash, GENESIS_HASH } from './chain';
import { putSetting } from '../config/settings';

/** What the trail records. Add new actions at the end; the store accepts any string. */
export const auditActions = [
  'sign_in',
  'sign_in_failed',
  'sign_out',
  'lock',
  'draft_created',
  'draft_changed',
  'submitted',
  'approved',
  'rejected',
  'sent',
  'cancelled',
  'closed',
  'export',
  'erase',
  'import',
  'settings_changed',
  'gateway_added',
  'boundaries_imported',
  // --- tips ---
  'opted_out',
  'signed_up',
  'tip_opened',
  'tip_changed',
  'tip_replied',
  'tips_deleted',
  // --- evaluation ---
  'outcome_recorded',
  'social_channel_added',
  'gateway_removed',
  'gateway_updated',
  // --- harden: every security-relevant action (issue 8 §3) ---
  'officer_created',
  'send_paused',
  'send_resumed',
  'send_cancelled',
  'lookup',
  // --- session helper: test SMS to an officer's own phone ---
  'officer_phone_set',
  'test_sms',
  'send_resent',
  // --- surveys ---
  'survey_created',
  'survey_approved',
  'survey_sent',
  'survey_closed',
  'panel_joined',
  'panel_added',
] as const;
export type AuditAction = (typeof auditActions)[number];

export const isAuditAction = (s: string): s is AuditAction => (auditActions as readonly string[]).includes(s);

/** Who did an audited change and how (host, or the store passphrase alone for a CLI run without --as). */
export interface AuditBy {
  officer: string | null;
  details: Record<string, unknown>;
}

export interface AuditEntryInput {
  /** The signed-in officer's username; null for the console itself. */
  officer: string | null;
  action: AuditAction;
  /** What the action was about, e.g. "alert:42" or "subscriber:17" (never a phone number in clear). */
  subject?: string | null;
  /** JSON-serialisable facts (counts, old and new values); no personal data in clear. */
  details?: Record<string, unknown> | null;
}

export interface AuditEntry {
  seq: number;
  /** ISO 8601, UTC. */
  at: string;
  officer: string | null;
  action: string;
  subject: string | null;
  details: unknown;
}

export interface AuditFilter {
  /** Inclusive: entries at or after this instant. */
  from?: Date | string;
  /** Exclusive: entries before this instant. */
  to?: Date | string;
  officer?: string;
  action?: string;
  subject?: string;
  /** Default 100, at most 10,000. */
  limit?: number;
  offset?: number;
}

export type AuditBreak = 'edited' | 'deleted' | 'reordered' | 'inserted' | 'rewritten' | 'head_missing';

export type AuditVerdict =
  | { ok: true; entries: number }
  | { ok: false; entries: number; firstBroken: number; reason: AuditBreak; message: string };

export interface AuditHead {
  seq: number;
  hash: string;
}

export const AUDIT_HEAD_KEY = 'audit.head';
const MAX_LIMIT = 10_000;

/** A row of audit_log as stored (exported for tests that tamper with it). */
export interface AuditRow {
  seq: number;
  at: string;
  officer: string | null;
  action: string;
  subject: string | null;
  details: string | null;
  prev_hash: string;
  hash: string;
}

/** "+4512345678" → "+45******78": enough to tell two people apart in a list, not to call them. */
export function maskPhone(e164: string): string {
  const digits = e164.replace(/\D/g, '');
  if (digits.length <= 4) return '*'.repeat(digits.length);
  return `+${digits.slice(0, 2)}${'*'.repeat(digits.length - 4)}${digits.slice(-2)}`;
}

/** E.164 anywhere, or a whole value that is a Danish number; spaces ignored ("+45 12 34 56 78"). */
const PHONE_LIKE = /\+\d{8,15}|^(\+?45)?\d{8}$/;

/** A safety net for callers: the trail must never become a second copy of the registry. */
function refusePhoneNumbers(value: unknown, where: string): void {
  if (typeof value === 'string') {
    if (PHONE_LIKE.test(value.replace(/\s/g, ''))) {
      throw new TrykError('bad_request', `audit ${where} looks like a phone number in clear: mask it (maskPhone) or use the subscriber id`);
    }
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => refusePhoneNumbers(v, `${where}[${i}]`));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) refusePhoneNumbers(v, `${where}.${k}`);
  }
}

export async function readAuditHead(q: Queryable): Promise<AuditHead | null> {
  const row = await q.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', [AUDIT_HEAD_KEY]);
  if (!row) return null;
  try {
    const head = JSON.parse(row.value) as AuditHead;
    if (Number.isInteger(head.seq) && typeof head.hash === 'string') return head;
  } catch {
    // fall through: an unreadable head is as good as none, and verify says so
  }
  return null;
}

/**
 * Appends one entry. Call it with the transaction that makes the change it records, so the
 * change and its entry commit together or not at all; outside a transaction, use
 * `auditService(...).append`, which opens one.
 */
export async function appendAudit(q: Queryable, entry: AuditEntryInput & { at: Date }): Promise<AuditEntry> {
  if (!isAuditAction(entry.action)) throw new TrykError('bad_request', `unknown audit action "${String(entry.action)}"`);
  if (entry.officer !== null && (typeof entry.officer !== 'string' || entry.officer.length === 0)) {
    throw new TrykError('bad_request', 'audit officer must be a username or null');
  }
  const subject = entry.subject ?? null;
  refusePhoneNumbers(subject, 'subject');
  refusePhoneNumbers(entry.details ?? null, 'details');
  const details = entry.details == null ? null : canonicalJson(entry.details);

  const head = await readAuditHead(q);
  const last = await q.get<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
  // Past whatever is there, so a row planted beyond the head cannot block the console;
  // linked to the head, so verify still reports the plant and any rows deleted at the end.
  const seq = Math.max(head?.seq ?? 0, last?.seq ?? 0) + 1;
  const prev_hash = head?.hash ?? last?.hash ?? GENESIS_HASH;
  const row = { seq, at: entry.at.toISOString(), officer: entry.officer, action: entry.action, subject, details, prev_hash };
  const hash = entryHash(row);
  await q.run(
    'INSERT INTO audit_log (seq, at, officer, action, subject, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    [row.seq, row.at, row.officer, row.action, row.subject, row.details, row.prev_hash, hash],
  );
  await putSetting(q, AUDIT_HEAD_KEY, { seq, hash } satisfies AuditHead);
  return { seq, at: row.at, officer: row.officer, action: row.action, subject, details: entry.details ?? null };
}

const iso = (v: Date | string, name: string): string => {
  const d = v instanceof Date ? v : new Date(v);
  if (Number.isNaN(d.getTime())) throw new TrykError('bad_request', `audit filter "${name}" is not a date or time`);
  return d.toISOString();
};

export async function listAudit(q: Queryable, filter: AuditFilter = {}): Promise<AuditEntry[]> {
  const where: string[] = [];
  const params: Param[] = [];
  const add = (clause: string, value: Param) => {
    where.push(clause);
    params.push(value);
  };
  if (filter.from !== undefined) add('at >= ?', iso(filter.from, 'from'));
  if (filter.to !== undefined) add('at < ?', iso(filter.to, 'to'));
  if (filter.officer !== undefined) add('officer = ?', filter.officer);
  if (filter.action !== undefined) add('action = ?', filter.action);
  if (filter.subject !== undefined) add('subject = ?', filter.subject);
  const limit = filter.limit ?? 100;
  const offset = filter.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new TrykError('bad_request', `limit must be 1..${MAX_LIMIT}`);
  if (!Number.isInteger(offset) || offset < 0) throw new TrykError('bad_request', 'offset must be 0 or more');
  const rows = await q.all<AuditRow>(
    `SELECT seq, at, officer, action, subject, details FROM audit_log
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ? OFFSET ?`,
    [...params, limit, offset],
  );
  return rows.map((r) => ({
    seq: r.seq,
    at: r.at,
    officer: r.officer,
    action: r.action,
    subject: r.subject,
    details: parseDetails(r.details),
  }));
}

function parseDetails(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text; // a tampered row still lists; verify is what judges it
  }
}

interface Suspect {
  seq: number;
  kind: 'edited' | 'deleted' | 'unlinked';
  /** The prev_hash the row claims, to tell a moved row from an edited one. */
  claimedPrev: string;
}

/**
 * Recomputes the chain from the first entry and compares its end with the head. Runs in a
 * transaction so an append cannot land between reading the rows and reading the head.
 */
export async function verifyAudit(db: Db): Promise<AuditVerdict> {
  return db.transaction(async (tx) => {
    const head = await readAuditHead(tx);
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    let count = 0;
    let suspect: Suspect | null = null;
    // Streamed: the trail grows without bound and must not be held in memory to be checked.
    await tx.each<AuditRow>('SELECT seq, at, officer, action, subject, details, prev_hash, hash FROM audit_log ORDER BY seq', [], (row) => {
      count++;
      if (suspect) return;
      if (row.seq !== expectedSeq) {
        suspect = { seq: expectedSeq, kind: 'deleted', claimedPrev: row.prev_hash };
      } else if (entryHash(row) !== row.hash) {
        suspect = { seq: row.seq, kind: 'edited', claimedPrev: row.prev_hash };
      } else if (row.prev_hash !== prevHash) {
        suspect = { seq: row.seq, kind: 'unlinked', claimedPrev: row.prev_hash };
      }
      expectedSeq = row.seq + 1;
      prevHash = row.hash;
    });
    const lastSeq = expectedSeq - 1;
    const broken = (firstBroken: number, reason: AuditBreak, message: string): AuditVerdict => ({
      ok: false,
      entries: count,
      firstBroken,
      reason,
      message,
    });

    if (suspect !== null) {
      const s: Suspect = suspect;
      // A row whose recorded predecessor comes later in the log was moved, not edited.
      const owner = await tx.get<{ seq: number }>('SELECT seq FROM audit_log WHERE hash = ? AND seq > ? LIMIT 1', [s.claimedPrev, s.seq]);
      if (s.kind === 'deleted') {
        return broken(s.seq, 'deleted', `entry ${s.seq} is missing: the log jumps from ${s.seq - 1} to a later entry`);
      }
      if (owner) {
        return broken(s.seq, 'reordered', `entry ${s.seq} is out of place: it follows entry ${owner.seq} in the chain`);
      }
      if (s.kind === 'edited') {
        return broken(s.seq, 'edited', `entry ${s.seq} was changed after it was written: its contents no longer match its hash`);
      }
      // The row itself is consistent but does not follow its predecessor: the predecessor was
      // changed and given a freshly computed hash, or this row was planted in its place.
      const prev = s.seq - 1;
      return broken(prev, 'edited', `entry ${prev} was changed after entry ${s.seq} was written: the chain between them is broken`);
    }
    if (count === 0 && head === null) return { ok: true, entries: 0 };
    if (head === null) {
      return broken(lastSeq, 'head_missing', 'the record of the latest entry (audit.head) is missing: the end of the log cannot be checked');
    }
    if (lastSeq < head.seq) {
      return broken(lastSeq + 1, 'deleted', `entries ${lastSeq + 1}..${head.seq} are missing from the end of the log`);
    }
    if (lastSeq > head.seq) {
      return broken(head.seq + 1, 'inserted', `entries after ${head.seq} were added without the console`);
    }
    if (prevHash !== head.hash) {
      return broken(lastSeq, 'rewritten', 'the chain is consistent but does not end at the recorded head: entries were rewritten with recomputed hashes');
    }
    return { ok: true, entries: count };
  });
}

export interface AuditService {
  /** Appends in its own transaction; for a change, use `appendIn` inside the change's transaction. */
  append(entry: AuditEntryInput): Promise<AuditEntry>;
  /** Appends inside the caller's transaction, stamped with this service's clock. */
  appendIn(tx: Queryable, entry: AuditEntryInput): Promise<AuditEntry>;
  list(filter?: AuditFilter): Promise<AuditEntry[]>;
  verify(): Promise<AuditVerdict>;
}

export function auditService(db: Db, now: () => Date = () => new Date()): AuditService {
  return {
    append: (entry) => db.transaction((tx) => appendAudit(tx, { ...entry, at: now() })),
    appendIn: (tx, entry) => appendAudit(tx, { ...entry, at: now() }),
    list: (filter) => listAudit(db, filter),
    verify: () => verifyAudit(db),
  };
}
