/**
 * The citizen panel: the subscriber group `borgerpanel`. Members join by the SMS keyword PANEL
 * (the inbound router), an import's group column, or `tryk panel add`; leaving the service
 * (STOP) takes them out of every survey, since only active subscribers are asked.
 */
import { normalizePhone } from '../../shared/phone';
import { PANEL_GROUP } from '../../shared/surveys/schema';
import { appendAudit } from '../audit/service';
import type { Db, Queryable } from '../store/db';

/** Adds a subscriber to the panel; false when already a member. */
export async function joinPanel(q: Queryable, subscriberId: number): Promise<boolean> {
  const r = await q.run(
    `INSERT OR IGNORE INTO subscriber_groups (subscriber_id, group_id) SELECT ?, id FROM groups WHERE code = ?`,
    [subscriberId, PANEL_GROUP],
  );
  return r.changes > 0;
}

export interface PanelAddResult {
  added: number;
  already: number;
  /** Input lines that are not a subscriber's number (as given, cut to 20 characters). */
  unknown: string[];
}

/** `tryk panel add`: adds existing subscribers by phone number, all in one transaction, audited. */
export async function addToPanel(db: Db, phones: readonly string[], officer: string | null, at: Date): Promise<PanelAddResult> {
  const result: PanelAddResult = { added: 0, already: 0, unknown: [] };
  await db.transaction(async (tx) => {
    for (const raw of phones) {
      const phone = normalizePhone(raw);
      const sub = phone.ok ? await tx.get<{ id: number; status: string }>('SELECT id, status FROM subscribers WHERE phone = ?', [phone.e164]) : undefined;
      if (!sub) {
        result.unknown.push(raw.slice(0, 20));
        continue;
      }
      if (await joinPanel(tx, sub.id)) result.added++;
      else result.already++;
    }
    await appendAudit(tx, { at, officer, action: 'panel_added', subject: 'group:borgerpanel', details: { added: result.added, already: result.already, unknown: result.unknown.length } });
  });
  return result;
}

/** Active panel members. */
export async function panelSize(q: Queryable): Promise<number> {
  return (
    (await q.get<{ n: number }>(
      `SELECT count(*) AS n FROM subscriber_groups sg JOIN groups g ON g.id = sg.group_id JOIN subscribers s ON s.id = sg.subscriber_id WHERE g.code = ? AND s.status = 'active'`,
      [PANEL_GROUP],
    ))?.n ?? 0
  );
}
