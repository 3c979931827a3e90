/**
 * The reply pump: answers recorded as intents (sms_replies) go to the dispatch engine as a
 * send of one recipient each, alert_ref 'reply:<id>'. The intent is committed before the
 * release and the send is found by that ref after a crash, so an answer is never lost and
 * never sent twice; the engine then gives it the same care as an alert (window, rate,
 * retries, receipts).
 */
import type { DispatchEngine } from '../dispatch/engine';
import type { Db } from '../store/db';

export interface ReplyPump {
  /** Hands every pending answer to the engine; resolves with the send ids started. */
  pump(): Promise<number[]>;
}

/** Answers expire at the SMSC after this long: a STOP confirmation a day late helps nobody. */
export const REPLY_VALIDITY_MINUTES = 240;

export function replyPump(db: Db, engine: () => DispatchEngine | null, gateways: () => { names: string[]; primary: string | null }): ReplyPump {
  // One pass at a time: two passes could release the same answer twice.
  let chain: Promise<number[]> = Promise.resolve([]);

  async function once(): Promise<number[]> {
    const e = engine();
    if (!e) return [];
    const started: number[] = [];
    const pending = await db.all<{ id: number; kind: string; phone: string; gateway: string; text: string }>(
      "SELECT id, kind, phone, gateway, text FROM sms_replies WHERE state = 'pending' ORDER BY id LIMIT 100",
    );
    for (const r of pending) {
      const ref = `reply:${r.id}`;
      const existing = await db.get<{ id: number }>('SELECT id FROM sends WHERE alert_ref = ?', [ref]);
      if (existing) {
        await db.run("UPDATE sms_replies SET state = 'released', send_id = ? WHERE id = ?", [existing.id, r.id]);
        continue;
      }
      // Checked again at release: the number may have opted out since the answer was recorded.
      const status = (await db.get<{ status: string }>('SELECT status FROM subscribers WHERE phone = ?', [r.phone]))?.status;
      if (status === 'opted_out' && r.kind !== 'stop_confirm') {
        await db.run("UPDATE sms_replies SET state = 'suppressed', reason = 'opted_out' WHERE id = ?", [r.id]);
        continue;
      }
      const g = gateways();
      const gateway = g.names.includes(r.gateway) ? r.gateway : g.primary;
      if (!gateway) return started;
      const released = await e.release({
        alertRef: ref,
        text: r.text,
        recipients: [{ phone: r.phone }],
        priority: 'urgent',
        validityMinutes: REPLY_VALIDITY_MINUTES,
        primary: gateway,
        respectQuietHours: false,
      });
      await db.run("UPDATE sms_replies SET state = 'released', send_id = ? WHERE id = ?", [released.sendId, r.id]);
      started.push(released.sendId);
    }
    return started;
  }

  return {
    pump() {
      chain = chain.catch(() => []).then(() => once());
      return chain;
    },
  };
}
