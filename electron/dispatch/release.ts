/**
 * Releasing a send: the request checked, then every recipient frozen as an outbox row in
 * bounded transactions before anything is submitted — invalid numbers as failed
 * (INVALID_NUMBER, never dropped), recipients in their quiet hours deferred to the end of
 * them, the same number twice sent once. The send stays 'queued' (not yet the engine's) until
 * the engine marks it 'sending'.
 */
import { TrykError } from '../../shared/bridge/result';
import { E164 } from '../../shared/phone';
import { analyzeSms } from '../../shared/sms';
import type { Db, Param } from '../store/db';
import { insertMany } from '../store/db';
import { chunks, iso, selectWhereIn } from './outbox';
import type { SendPriority } from './outbox';
import { quietHoursClock } from './quiet';

export interface RecipientInput {
  subscriberId?: number | null;
  /** E.164; rows with anything else are frozen as failed (INVALID_NUMBER), never dropped. */
  phone: string;
  quietStart?: number | null;
  quietEnd?: number | null;
  /** The recipient's registered language: picks their text among the request's languageTexts. */
  language?: string | null;
}

export interface ReleaseRequest {
  alertRef?: string | null;
  text: string;
  /**
   * The same message in other languages (variants 1, 2, …): a recipient registered in one of
   * them is frozen with that variant, everybody else (and anyone with no language) with `text`.
   */
  languageTexts?: readonly { language: 'da' | 'en'; text: string }[];
  /** The recipients themselves, or subscriber ids resolved from the store (active ones only). */
  recipients: readonly RecipientInput[] | readonly number[];
  priority: SendPriority;
  validityMinutes: number;
  primary: string;
  fallback?: string | null;
  /** Routine alerts wait out a recipient's quiet hours; urgent alerts never do. */
  respectQuietHours: boolean;
}

export interface ReleaseResult {
  sendId: number;
  recipients: number;
  queued: number;
  deferred: number;
  /** Frozen as failed because the number is not E.164. */
  invalid: number;
  /** Subscriber ids that were not found, or not active (opted out, paused). */
  skipped: number;
  /** The same number twice in the list: sent once. */
  duplicates: number;
}

/**
 * Which of a send's texts a recipient gets: the variant (1-based) in their registered language,
 * or 0, the send's own text, when it has none in their language or they have no language.
 */
export function chooseVariant(language: string | null | undefined, languageTexts: ReleaseRequest['languageTexts']): number {
  if (!language || !languageTexts) return 0;
  const i = languageTexts.findIndex((t) => t.language === language);
  return i + 1;
}

/** Refuses a request the engine could not carry out, before anything is written. */
export function checkRelease(req: ReleaseRequest, hasGateway: (name: string) => boolean): void {
  const analysis = analyzeSms(req.text);
  if (analysis.segments < 1) throw new TrykError('bad_request', 'The message text is empty');
  const languages = new Set<string>();
  for (const t of req.languageTexts ?? []) {
    if (analyzeSms(t.text).segments < 1) throw new TrykError('bad_request', `The ${t.language} text is empty`);
    if (languages.has(t.language)) throw new TrykError('bad_request', `Two texts for language ${t.language}`);
    languages.add(t.language);
  }
  if (!hasGateway(req.primary)) throw new TrykError('bad_request', `No gateway named ${req.primary}`);
  const fallback = req.fallback ?? null;
  if (fallback !== null && (!hasGateway(fallback) || fallback === req.primary)) {
    throw new TrykError('bad_request', `The fallback gateway must be another configured gateway (got ${fallback})`);
  }
  if (!Number.isInteger(req.validityMinutes) || req.validityMinutes < 1 || req.validityMinutes > 7 * 1440) {
    throw new TrykError('bad_request', 'The validity must be 1 minute to 7 days, in whole minutes');
  }
  if (req.priority !== 'urgent' && req.priority !== 'routine') throw new TrykError('bad_request', 'The priority must be urgent or routine');
}

async function resolveRecipients(db: Db, ids: readonly number[]): Promise<{ list: RecipientInput[]; skipped: number }> {
  const list: RecipientInput[] = [];
  const unique = [...new Set(ids)];
  for (const part of chunks(unique)) {
    const rows = await selectWhereIn<{ id: number; phone: string; status: string; quiet_start: number | null; quiet_end: number | null; language: string }>(
      db,
      'SELECT id, phone, status, quiet_start, quiet_end, language FROM subscribers WHERE',
      [],
      'id',
      part,
    );
    for (const r of rows) {
      if (r.status !== 'active') continue;
      list.push({ subscriberId: r.id, phone: r.phone, quietStart: r.quiet_start, quietEnd: r.quiet_end, language: r.language });
    }
  }
  return { list, skipped: unique.length - list.length };
}

/** Writes the send (state 'queued') and freezes its recipients; returns what was frozen. */
export async function freezeRecipients(db: Db, req: ReleaseRequest, t: number, batchRows: number): Promise<ReleaseResult> {
  const analysis = analyzeSms(req.text);
  let recipients: readonly RecipientInput[];
  let skipped = 0;
  if (req.recipients.length > 0 && typeof req.recipients[0] === 'number') {
    const resolved = await resolveRecipients(db, req.recipients as readonly number[]);
    recipients = resolved.list;
    skipped = resolved.skipped;
  } else {
    recipients = req.recipients as readonly RecipientInput[];
  }

  // The send and its texts together: a send is never without the texts its rows point at.
  const languageTexts = req.languageTexts ?? [];
  const sendId = await db.transaction(async (tx) => {
    const { lastID: sendId } = await tx.run(
      `INSERT INTO sends (alert_ref, text, encoding, segments, priority, state, primary_gateway, fallback_gateway, active_gateway,
                          validity_minutes, respect_quiet_hours, recipients, created_at, possible_duplicates)
       VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, 0, ?, 0)`,
      [
        req.alertRef ?? null,
        req.text,
        analysis.encoding,
        analysis.segments,
        req.priority,
        req.primary,
        req.fallback ?? null,
        req.primary,
        req.validityMinutes,
        req.respectQuietHours ? 1 : 0,
        iso(t),
      ],
    );
    for (const [i, v] of languageTexts.entries()) {
      const facts = analyzeSms(v.text);
      await tx.run('INSERT INTO send_texts (send_id, variant, language, text, encoding, segments) VALUES (?, ?, ?, ?, ?, ?)', [
        sendId,
        i + 1,
        v.language,
        v.text,
        facts.encoding,
        facts.segments,
      ]);
    }
    return sendId;
  });

  // Freeze the list in bounded transactions, so the store stays responsive to everyone
  // else (other sends' receipts, the bridge) while six million rows go in.
  const quiet = quietHoursClock(t);
  const useQuiet = req.respectQuietHours && req.priority !== 'urgent';
  const seen = new Set<string>();
  let queued = 0;
  let deferred = 0;
  let invalid = 0;
  let duplicates = 0;
  let batch: Param[][] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    await db.transaction((tx) =>
      insertMany(tx, 'INSERT INTO outbox (send_id, subscriber_id, phone, state, attempts, next_attempt_at, reason_code, updated_at, variant)', 9, rows),
    );
  };
  for (const r of recipients) {
    if (seen.has(r.phone)) {
      duplicates++;
      continue;
    }
    seen.add(r.phone);
    const variant = chooseVariant(r.language, languageTexts);
    if (!E164.test(r.phone)) {
      invalid++;
      batch.push([sendId, r.subscriberId ?? null, r.phone, 'failed', 0, t, 'INVALID_NUMBER', t, variant]);
    } else {
      const until = useQuiet ? quiet(r.quietStart, r.quietEnd) : null;
      if (until !== null) {
        deferred++;
        batch.push([sendId, r.subscriberId ?? null, r.phone, 'deferred', 0, until, null, t, variant]);
      } else {
        queued++;
        batch.push([sendId, r.subscriberId ?? null, r.phone, 'queued', 0, t, null, t, variant]);
      }
    }
    if (batch.length >= batchRows) await flush();
  }
  await flush();
  return { sendId, recipients: queued + deferred + invalid, queued, deferred, invalid, skipped, duplicates };
}
