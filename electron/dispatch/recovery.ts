/**
 * Start-up: what a crash or a stop left in the store. A release that died while freezing its
 * list is cancelled whole (nothing of it was sent); rows found 'submitting' may or may not
 * have reached the gateway, so they are queued again and counted as possible duplicates.
 */
import type { Db } from '../store/db';
import { appendLog, cancelInStore, countsFor, failuresFor, getSend, pausedFor } from './outbox';
import type { SendRow } from './outbox';
import { ThroughputMeter } from './progress';
import type { DispatchLogger, SendRuntime, SendText } from './runtime';

/** A send's language variants (migration 0016), by variant number. */
export async function loadSendTexts(db: Db, sendId: number): Promise<Map<number, SendText>> {
  const rows = await db.all<{ variant: number; text: string; encoding: SendText['encoding'] }>('SELECT variant, text, encoding FROM send_texts WHERE send_id = ?', [sendId]);
  return new Map(rows.map((r) => [r.variant, { text: r.text, encoding: r.encoding }]));
}

export async function loadSend(db: Db, send: SendRow, throughputWindowMs: number): Promise<SendRuntime> {
  const released = Date.parse(send.released_at ?? send.created_at);
  return {
    row: send,
    expiresAt: released + send.validity_minutes * 60_000,
    counts: await countsFor(db, send.id),
    failures: await failuresFor(db, send.id),
    meter: new ThroughputMeter(throughputWindowMs),
    switched: send.active_gateway !== send.primary_gateway,
    finishedWaiters: [],
    attention: send.state === 'paused' ? await pausedFor(db, send.id) : null,
    texts: await loadSendTexts(db, send.id),
  };
}

/** Repairs what the last run left and returns the sends still open, as the engine runs them. */
export async function recoverSends(db: Db, t: number, log: DispatchLogger, throughputWindowMs: number): Promise<SendRuntime[]> {
  // A release that died while freezing its list sent nothing: cancel it whole, so an
  // officer re-releases rather than a part of the list going out.
  const interrupted = await db.all<{ id: number }>("SELECT id FROM sends WHERE state = 'queued'");
  for (const { id } of interrupted) {
    await db.transaction(async (tx) => {
      await tx.run("UPDATE sends SET state = 'sending' WHERE id = ?", [id]);
      await cancelInStore(tx, id, t, 'release_interrupted');
    });
    log.warn(`send ${id}: its release was interrupted before the list was complete; cancelled, nothing was sent`);
  }
  const open = await db.all<SendRow>("SELECT * FROM sends WHERE state IN ('sending', 'paused') OR (state = 'cancelled' AND finished_at IS NULL) ORDER BY id");
  const out: SendRuntime[] = [];
  for (const send of open) {
    const n = await db.transaction(async (tx) => {
      const changes = (
        await tx.run("UPDATE outbox SET state = 'queued', next_attempt_at = ?, attempts = attempts + 1, updated_at = ? WHERE send_id = ? AND state = 'submitting'", [
          t,
          t,
          send.id,
        ])
      ).changes;
      if (changes > 0) {
        await tx.run('UPDATE sends SET possible_duplicates = possible_duplicates + ? WHERE id = ?', [changes, send.id]);
        await appendLog(tx, send.id, t, 'possible_duplicates', changes, { cause: 'restart', detail: 'in flight when the console stopped; re-queued' });
        if (send.state === 'cancelled') {
          await tx.run("UPDATE outbox SET state = 'cancelled', reason_code = 'CANCELLED' WHERE send_id = ? AND state = 'queued'", [send.id]);
        }
      }
      return changes;
    });
    if (n > 0) log.warn(`send ${send.id}: ${n} message(s) were in flight at the last stop; re-queued as possible duplicates`);
    const fresh = (await getSend(db, send.id)) as SendRow;
    out.push(await loadSend(db, fresh, throughputWindowMs));
  }
  return out;
}
