/**
 * Where the evaluation reads tips and social reach. Isolated here so that each has one
 * place to change when its domain's own tables land: tips are read from the stored inbound
 * messages tied to an alert (migration 0007) until the tips domain has its own table; social
 * reach has no store yet, so every alert has "no social posts".
 */
import type { Queryable } from '../store/db';
import { selectWhereIn } from '../dispatch/outbox';

export const TIPS_SOURCE = 'inbound_messages';

export interface TipFigures {
  count: number;
  /** ISO UTC of the first tip. */
  first: string | null;
}

/** Tips per alert: how many, and when the first came. Never who sent them. */
export async function tipsByAlert(q: Queryable, alertIds: readonly number[]): Promise<Map<number, TipFigures>> {
  const rows = await selectWhereIn<{ alert_id: number; n: number; first: string }>(
    q,
    'SELECT alert_id, count(*) AS n, min(received_at) AS first FROM inbound_messages WHERE',
    [],
    'alert_id',
    alertIds,
    'GROUP BY alert_id',
  );
  return new Map(rows.map((r) => [r.alert_id, { count: r.n, first: r.first }]));
}

/** The times the tips for one alert arrived (ISO UTC, ascending). */
export async function tipTimes(q: Queryable, alertId: number): Promise<string[]> {
  const rows = await q.all<{ received_at: string }>('SELECT received_at FROM inbound_messages WHERE alert_id = ? ORDER BY received_at', [alertId]);
  return rows.map((r) => r.received_at);
}

export interface ChannelReach {
  channel: string;
  posts: number;
  reach: number;
}

/** Social posts and their last known reach per channel, for these alerts: none are stored yet. */
export async function reachByChannel(_q: Queryable, _alertIds: readonly number[]): Promise<ChannelReach[]> {
  return [];
}
