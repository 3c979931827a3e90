/**
 * Submit outcomes: each answer a gateway gave becomes the row's next state — accepted (or
 * settled at once by a receipt that came with it), queued again after a backoff or a throttle,
 * or failed, expired or cancelled — written in grouped statements within the turn.
 */
import type { Param, Queryable } from '../store/db';
import { insertMany } from '../store/db';
import { appendLog, updateWhereIn } from './outbox';
import type { OutboxState } from './outbox';
import { isConnectionError, isThrottle, retryDelayMs } from './policy';
import { receiptKey, receiptPartState } from './receipts';
import type { PartFinal } from './receipts';
import type { Claimed, Deltas, DispatchTuning, PendingReceipt, Recorded, SendRuntime } from './runtime';

export interface OutcomeContext {
  sendOf(sendId: number): SendRuntime | undefined;
  tuning: Pick<DispatchTuning, 'maxAttempts' | 'retryBaseMs' | 'retryMaxMs'>;
}

/**
 * Writes submit outcomes. A receipt taken in the same turn as its message's outcome (an SMSC
 * that answers and delivers at once) settles the row in the same write, so the row goes
 * submitting → delivered in one statement; returns the receipts left for writeReceipts.
 */
export async function writeOutcomes(
  tx: Queryable,
  list: readonly Recorded[],
  pending: readonly PendingReceipt[],
  t: number,
  d: Deltas,
  ctx: OutcomeContext,
): Promise<PendingReceipt[]> {
  if (list.length === 0) return [...pending];
  const { tuning } = ctx;
  const finalById = new Map<string, { p: PendingReceipt; final: PartFinal }>();
  const rest: PendingReceipt[] = [];
  for (const p of pending) {
    const final = receiptPartState(p.receipt);
    if (!final) continue; // enroute and the like change nothing
    rest.push(p);
    finalById.set(receiptKey(p.lane.name, p.receipt.messageId), { p, final });
  }
  const consumed = new Set<PendingReceipt>();
  const parts: Param[][] = [];
  // key: state|reason|next|gateway → ids
  const groups = new Map<string, { state: OutboxState; reason: string | null; next: number; gateway: string; rows: Claimed[] }>();
  const put = (row: Claimed, state: OutboxState, reason: string | null, next: number) => {
    const key = `${state}|${reason ?? ''}|${next}|${row.lane.name}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { state, reason, next, gateway: row.lane.name, rows: [] }));
    g.rows.push(row);
  };
  for (const { row, outcome } of list) {
    const send = ctx.sendOf(row.sendId);
    const attempts = row.attempts + 1;
    if (outcome.kind === 'accepted') {
      const finals = outcome.messageIds.map((id) => finalById.get(receiptKey(row.lane.name, id)));
      const settled = finals.length > 0 && finals.every((f) => f !== undefined);
      outcome.messageIds.forEach((id, i) => {
        const f = settled ? finals[i] : undefined;
        parts.push([row.lane.name, id, row.id, f ? f.final.state : 'accepted', f ? f.final.reason : null]);
      });
      d.add(d.submitted, row.sendId, 1);
      if (settled) {
        const all = finals;
        for (const f of all) consumed.add(f.p);
        const bad = all.find((f) => f.final.state === 'failed') ?? all.find((f) => f.final.state === 'expired');
        const final = bad ? bad.final : { state: 'delivered' as const, reason: null };
        put(row, final.state, final.reason, t);
        d.move(row.sendId, 'submitting', final.state, 1, final.reason);
      } else {
        put(row, 'accepted', null, t);
        d.move(row.sendId, 'submitting', 'accepted');
        d.acceptedMessages.push({ row, messageIds: outcome.messageIds });
      }
      continue;
    }
    if (outcome.maybeSubmitted || outcome.messageIds.length > 0) d.add(d.duplicates, row.sendId, 1);
    let state: OutboxState;
    let next = t;
    const aboutGateway = outcome.about === 'gateway';
    if (!outcome.temporary && !aboutGateway) {
      state = 'failed';
      d.add(d.submitted, row.sendId, 1);
    } else if (send?.row.state === 'cancelled') {
      state = 'cancelled';
    } else if (send && t >= send.expiresAt) {
      state = 'expired';
    } else if (aboutGateway) {
      // Not this recipient's fault: every message would be refused alike. The row waits in the
      // queue (never failed for it) while the run of refusals decides whether to pause the send.
      state = 'queued';
      next = t + retryDelayMs(attempts, tuning.retryBaseMs, tuning.retryMaxMs);
      d.gatewayRefusals.push({ lane: row.lane, code: outcome.code, reason: outcome.reason });
    } else if (isThrottle(outcome)) {
      state = 'queued';
      next = Math.max(t + 1, row.lane.flow.resumeAt(t));
    } else if (!isConnectionError(outcome) && attempts >= tuning.maxAttempts) {
      state = 'failed';
    } else {
      state = 'queued';
      next = t + retryDelayMs(attempts, tuning.retryBaseMs, tuning.retryMaxMs);
    }
    const reason = state === 'cancelled' ? 'CANCELLED' : state === 'expired' ? 'VALIDITY_EXPIRED' : outcome.code;
    put(row, state, reason, next);
    d.move(row.sendId, 'submitting', state, 1, reason);
  }
  if (parts.length) {
    // A reused id (SMSCs wrap their counters) belongs to the newest message.
    await insertMany(tx, 'INSERT OR REPLACE INTO outbox_parts (gateway, message_id, outbox_id, state, reason_code)', 5, parts);
  }
  for (const g of groups.values()) {
    await updateWhereIn(
      tx,
      'UPDATE outbox SET state = ?, reason_code = ?, next_attempt_at = ?, gateway = ?, attempts = attempts + 1, updated_at = ?',
      [g.state, g.reason, g.next, g.gateway, t],
      'id',
      g.rows.map((r) => r.id),
    );
  }
  for (const [sendId, n] of d.duplicates) {
    await tx.run('UPDATE sends SET possible_duplicates = possible_duplicates + ? WHERE id = ?', [n, sendId]);
    await appendLog(tx, sendId, t, 'possible_duplicates', n, { cause: 'no_answer', detail: 'submitted without a definite answer; retried' });
  }
  return rest.filter((p) => !consumed.has(p));
}
