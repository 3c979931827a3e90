/**
 * The outbox in the store: the queries the dispatch engine and the CLI share. Every
 * function takes the database (or a transaction) first; nothing here holds state.
 */
import { TrykError } from '../../shared/bridge/result';
import type { Param, Queryable } from '../store/db';

export const OUTBOX_STATES = ['queued', 'deferred', 'submitting', 'accepted', 'delivered', 'failed', 'expired', 'cancelled'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];
export type OutboxCounts = Record<OutboxState, number>;

export type SendState = 'queued' | 'sending' | 'paused' | 'done' | 'cancelled';
export type SendPriority = 'urgent' | 'routine';

export interface SendRow {
  id: number;
  alert_ref: string | null;
  text: string;
  encoding: 'GSM-7' | 'UCS-2';
  segments: number;
  priority: SendPriority;
  state: SendState;
  primary_gateway: string;
  fallback_gateway: string | null;
  active_gateway: string;
  validity_minutes: number;
  respect_quiet_hours: number;
  recipients: number;
  created_at: string;
  released_at: string | null;
  finished_at: string | null;
  possible_duplicates: number;
}

export interface SendLogEntry {
  at: string;
  kind: string;
  count: number | null;
  detail: Record<string, unknown> | null;
}

/** What an officer (or a script) sees of a send: no phone numbers, no text. */
export interface SendStatus {
  sendId: number;
  alertRef: string | null;
  state: SendState;
  priority: SendPriority;
  gateways: { primary: string; fallback: string | null; active: string };
  recipients: number;
  counts: OutboxCounts;
  /** Recipients in a final state (delivered, failed, expired, cancelled). */
  finished: number;
  possibleDuplicates: number;
  /** Messages handed to the gateway per second over the last few seconds. */
  throughput: number;
  /** Seconds until what is queued now has been submitted at the current rate; null when unknown. */
  etaSeconds: number | null;
  /** Failed and expired recipients by reason code, most frequent first. */
  failures: { reason: string; count: number }[];
  /** When the engine paused the send because its gateway refuses every message: the gateway's words. */
  attention: { gateway: string; code: string; reason: string; since: string } | null;
  createdAt: string;
  releasedAt: string | null;
  finishedAt: string | null;
}

/** Rows per statement and per transaction on hot paths: bounded so no caller waits long. */
export const CHUNK = 5000;

export const emptyCounts = (): OutboxCounts => ({
  queued: 0,
  deferred: 0,
  submitting: 0,
  accepted: 0,
  delivered: 0,
  failed: 0,
  expired: 0,
  cancelled: 0,
});

export const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(',');

export function* chunks<T>(items: readonly T[], size = CHUNK): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

export const iso = (ms: number) => new Date(ms).toISOString();

export async function getSend(q: Queryable, sendId: number): Promise<SendRow | undefined> {
  return q.get<SendRow>('SELECT * FROM sends WHERE id = ?', [sendId]);
}

async function requireSend(q: Queryable, sendId: number): Promise<SendRow> {
  const send = await getSend(q, sendId);
  if (!send) throw new TrykError('not_found', `No send with id ${sendId}`);
  return send;
}

export async function countsFor(q: Queryable, sendId: number): Promise<OutboxCounts> {
  const counts = emptyCounts();
  const rows = await q.all<{ state: OutboxState; n: number }>(
    'SELECT state, count(*) AS n FROM outbox WHERE send_id = ? GROUP BY state',
    [sendId],
  );
  for (const r of rows) counts[r.state] = r.n;
  return counts;
}

export async function failuresFor(q: Queryable, sendId: number): Promise<Map<string, number>> {
  const rows = await q.all<{ reason: string | null; n: number }>(
    `SELECT reason_code AS reason, count(*) AS n FROM outbox
      WHERE send_id = ? AND state IN ('failed', 'expired') GROUP BY reason_code`,
    [sendId],
  );
  return new Map(rows.map((r) => [r.reason ?? 'UNKNOWN', r.n]));
}

export async function appendLog(
  q: Queryable,
  sendId: number,
  atMs: number,
  kind: string,
  count: number | null = null,
  detail: Record<string, unknown> | null = null,
): Promise<void> {
  await q.run('INSERT INTO send_log (send_id, at, kind, count, detail) VALUES (?, ?, ?, ?, ?)', [
    sendId,
    iso(atMs),
    kind,
    count,
    detail === null ? null : JSON.stringify(detail),
  ]);
}

export async function readLog(q: Queryable, sendId: number): Promise<SendLogEntry[]> {
  const rows = await q.all<{ at: string; kind: string; count: number | null; detail: string | null }>(
    'SELECT at, kind, count, detail FROM send_log WHERE send_id = ? ORDER BY id',
    [sendId],
  );
  return rows.map((r) => ({ ...r, detail: r.detail === null ? null : (JSON.parse(r.detail) as Record<string, unknown>) }));
}

export function sortedFailures(failures: ReadonlyMap<string, number>): { reason: string; count: number }[] {
  return [...failures]
    .filter(([, count]) => count > 0)
    .map(([reason, count]) => ({ reason, count }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

export function finishedCount(counts: OutboxCounts): number {
  return counts.delivered + counts.failed + counts.expired + counts.cancelled;
}

/** Why a paused send was paused by the engine (its gateway refusing everything), or null for an officer's pause. */
export async function pausedFor(q: Queryable, sendId: number): Promise<SendStatus['attention']> {
  const last = await q.get<{ at: string; kind: string; detail: string | null }>(
    "SELECT at, kind, detail FROM send_log WHERE send_id = ? AND kind IN ('paused', 'paused_gateway', 'resumed') ORDER BY id DESC LIMIT 1",
    [sendId],
  );
  if (last?.kind !== 'paused_gateway' || !last.detail) return null;
  const d = JSON.parse(last.detail) as { gateway: string; code: string; reason: string };
  return { gateway: d.gateway, code: d.code, reason: d.reason, since: last.at };
}

/** A send's status read from the store alone (no engine running: the CLI, a finished send). */
export async function storedStatus(q: Queryable, sendId: number): Promise<SendStatus> {
  const send = await requireSend(q, sendId);
  const counts = await countsFor(q, sendId);
  return {
    sendId,
    alertRef: send.alert_ref,
    state: send.state,
    priority: send.priority,
    gateways: { primary: send.primary_gateway, fallback: send.fallback_gateway, active: send.active_gateway },
    recipients: send.recipients,
    counts,
    finished: finishedCount(counts),
    possibleDuplicates: send.possible_duplicates,
    throughput: 0,
    etaSeconds: counts.queued + counts.submitting === 0 ? 0 : null,
    failures: sortedFailures(await failuresFor(q, sendId)),
    attention: send.state === 'paused' ? await pausedFor(q, sendId) : null,
    createdAt: send.created_at,
    releasedAt: send.released_at,
    finishedAt: send.finished_at,
  };
}

/** Stops claiming a send's rows; what is in flight finishes. */
export async function pauseInStore(q: Queryable, sendId: number, nowMs: number): Promise<SendRow> {
  const send = await requireSend(q, sendId);
  if (send.state === 'paused') return send;
  if (send.state !== 'sending') throw new TrykError('conflict', `Send ${sendId} is ${send.state}: only a sending send can be paused`);
  await q.run("UPDATE sends SET state = 'paused' WHERE id = ?", [sendId]);
  await appendLog(q, sendId, nowMs, 'paused');
  return { ...send, state: 'paused' };
}

export async function resumeInStore(q: Queryable, sendId: number, nowMs: number): Promise<SendRow> {
  const send = await requireSend(q, sendId);
  if (send.state === 'sending') return send;
  if (send.state !== 'paused') throw new TrykError('conflict', `Send ${sendId} is ${send.state}: only a paused send can be resumed`);
  await q.run("UPDATE sends SET state = 'sending' WHERE id = ?", [sendId]);
  await appendLog(q, sendId, nowMs, 'resumed');
  return { ...send, state: 'sending' };
}

/** Failed for a reason no resend can cure: the number itself. */
const NEVER_RESENT = 'INVALID_NUMBER';

/**
 * Queues a send's failed recipients again (after a gateway fix, or a temporary cause), and
 * only them: delivered, accepted, expired and cancelled rows are not touched, so nobody who
 * got the message gets it twice. A finished send reopens. Must run inside a transaction.
 */
export async function resendFailedInStore(q: Queryable, sendId: number, nowMs: number): Promise<{ resent: number }> {
  const send = await requireSend(q, sendId);
  if (send.state === 'cancelled' || send.state === 'queued') {
    throw new TrykError('conflict', `Send ${sendId} is ${send.state}: only a sending, paused or finished send can be resent to`, { state: send.state });
  }
  const failed = `SELECT id FROM outbox WHERE send_id = ? AND state = 'failed' AND coalesce(reason_code, '') <> '${NEVER_RESENT}'`;
  // The old parts' receipts belong to the failed attempt; a multi-part message is judged by its new parts only.
  await q.run(`DELETE FROM outbox_parts WHERE outbox_id IN (${failed})`, [sendId]);
  const resent = (
    await q.run(
      `UPDATE outbox SET state = 'queued', reason_code = NULL, next_attempt_at = ?, attempts = 0, updated_at = ? WHERE id IN (${failed})`,
      [nowMs, nowMs, sendId],
    )
  ).changes;
  if (resent === 0) throw new TrykError('bad_request', `Send ${sendId} has no failed recipients to resend to`, { failed: 0 });
  if (send.state === 'done') await q.run("UPDATE sends SET state = 'sending', finished_at = NULL WHERE id = ?", [sendId]);
  await appendLog(q, sendId, nowMs, 'resent', resent);
  return { resent };
}

/**
 * Cancels what has not left: queued and deferred rows become cancelled at once; rows in
 * flight or accepted finish as the gateway says. Must run inside a transaction.
 */
export async function cancelInStore(
  q: Queryable,
  sendId: number,
  nowMs: number,
  reason = 'cancelled',
): Promise<{ send: SendRow; queued: number; deferred: number }> {
  const send = await requireSend(q, sendId);
  if (send.state === 'cancelled') return { send, queued: 0, deferred: 0 };
  if (send.state === 'done') throw new TrykError('conflict', `Send ${sendId} is done: there is nothing left to cancel`);
  const update = "UPDATE outbox SET state = 'cancelled', reason_code = ?, updated_at = ? WHERE send_id = ? AND state = ?";
  const queued = (await q.run(update, [reason.toUpperCase(), nowMs, sendId, 'queued'])).changes;
  const deferred = (await q.run(update, [reason.toUpperCase(), nowMs, sendId, 'deferred'])).changes;
  await q.run("UPDATE sends SET state = 'cancelled' WHERE id = ?", [sendId]);
  await appendLog(q, sendId, nowMs, reason, queued + deferred);
  const left = await q.get<{ n: number }>(
    "SELECT count(*) AS n FROM outbox WHERE send_id = ? AND state IN ('submitting', 'accepted')",
    [sendId],
  );
  if ((left?.n ?? 0) === 0) await q.run('UPDATE sends SET finished_at = ? WHERE id = ?', [iso(nowMs), sendId]);
  return { send: { ...send, state: 'cancelled' }, queued, deferred };
}

/** Runs `UPDATE … WHERE <column> IN (…)` over `ids` in bounded statements; returns rows changed. */
export async function updateWhereIn(
  q: Queryable,
  sqlHead: string,
  params: readonly Param[],
  column: string,
  ids: readonly Param[],
): Promise<number> {
  let changed = 0;
  for (const part of chunks(ids)) {
    changed += (await q.run(`${sqlHead} WHERE ${column} IN (${placeholders(part.length)})`, [...params, ...part])).changes;
  }
  return changed;
}

export async function selectWhereIn<T>(
  q: Queryable,
  sqlHead: string,
  params: readonly Param[],
  column: string,
  ids: readonly Param[],
  sqlTail = '',
): Promise<T[]> {
  const out: T[] = [];
  for (const part of chunks(ids)) {
    const rows = await q.all<T>(`${sqlHead} ${column} IN (${placeholders(part.length)}) ${sqlTail}`, [...params, ...part]);
    for (const r of rows) out.push(r);
  }
  return out;
}
