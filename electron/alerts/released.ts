/**
 * What an alert went out to: the recipients frozen at release and the send carrying them. A
 * released alert shows these, never a fresh count of its area (which moves with every import).
 */
import type { Queryable } from '../store/db';

export interface ReleasedFacts {
  frozenRecipients: number;
  /** The newest send of this alert (null between release and the engine taking it). */
  sendId: number | null;
  releasedAt: string;
}

export async function releasedFacts(q: Queryable, alert: { id: number; released_at: string | null }): Promise<ReleasedFacts | null> {
  if (alert.released_at === null) return null;
  const frozen = await q.get<{ n: number }>('SELECT count(*) AS n FROM alert_recipients WHERE alert_id = ?', [alert.id]);
  const send = await q.get<{ id: number }>('SELECT id FROM sends WHERE alert_ref = ? ORDER BY id DESC LIMIT 1', [`alert:${alert.id}`]);
  return { frozenRecipients: frozen?.n ?? 0, sendId: send?.id ?? null, releasedAt: alert.released_at };
}
