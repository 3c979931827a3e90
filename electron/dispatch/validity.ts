/**
 * Time moving on for each open send: deferred rows become due when their quiet hours end, and
 * when the send's validity ends what was never submitted expires, as does (after a grace
 * period) what was accepted but never got a receipt.
 */
import type { Queryable } from '../store/db';
import { isOpen } from './runtime';
import type { Deltas, SendRuntime } from './runtime';

export async function promoteAndExpire(tx: Queryable, sends: Iterable<SendRuntime>, t: number, d: Deltas, receiptGraceMs: number): Promise<void> {
  for (const s of sends) {
    if (!isOpen(s)) continue;
    const id = s.row.id;
    if (s.counts.deferred > 0 && (s.row.state === 'sending' || s.row.state === 'paused') && t < s.expiresAt) {
      const n = (await tx.run("UPDATE outbox SET state = 'queued', updated_at = ? WHERE send_id = ? AND state = 'deferred' AND next_attempt_at <= ?", [t, id, t])).changes;
      d.move(id, 'deferred', 'queued', n);
    }
    if (t >= s.expiresAt) {
      for (const from of ['queued', 'deferred'] as const) {
        if (s.counts[from] === 0) continue;
        const n = (await tx.run("UPDATE outbox SET state = 'expired', reason_code = 'VALIDITY_EXPIRED', updated_at = ? WHERE send_id = ? AND state = ?", [t, id, from])).changes;
        d.move(id, from, 'expired', n, 'VALIDITY_EXPIRED');
      }
      if (t >= s.expiresAt + receiptGraceMs && s.counts.accepted > 0) {
        const n = (await tx.run("UPDATE outbox SET state = 'expired', reason_code = 'NO_RECEIPT', updated_at = ? WHERE send_id = ? AND state = 'accepted'", [t, id])).changes;
        d.move(id, 'accepted', 'expired', n, 'NO_RECEIPT');
      }
    }
  }
}
