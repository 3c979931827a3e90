/**
 * Where the evaluation reads tips and social reach, each in one place: tips from the tips
 * domain's table (migration 0013: SMS replies and social comments tied to an alert; a repeat
 * of the same text counts once, as the inbox shows it); social
 * reach from the social domain's posts and their polled metrics (migration 0010): per channel,
 * the alerts' own posts (not comments or replies) that went out, each counted at its latest
 * reach figure (Facebook's views, X's impressions). Tips deleted after the retention still
 * count: the sweep keeps each alert's counts in alert_tip_counts before deleting them.
 */
import type { Queryable } from '../store/db';
import { selectWhereIn } from '../dispatch/outbox';

export const TIPS_SOURCE = 'tips';

export interface TipFigures {
  count: number;
  /** ISO UTC of the first tip. */
  first: string | null;
}

/** Tips per alert: how many, and when the first came. Never who sent them. */
export async function tipsByAlert(q: Queryable, alertIds: readonly number[]): Promise<Map<number, TipFigures>> {
  const rows = await selectWhereIn<{ alert_id: number; n: number; first: string }>(
    q,
    'SELECT alert_id, count(*) AS n, min(received_at) AS first FROM tips WHERE',
    [],
    'alert_id',
    alertIds,
    'GROUP BY alert_id',
  );
  const out = new Map<number, TipFigures>(rows.map((r) => [r.alert_id, { count: r.n, first: r.first }]));
  // Tips past the retention are deleted; their counts were kept per alert first (migration 0016).
  const kept = await selectWhereIn<{ alert_id: number; tips: number; first_tip_at: string | null }>(q, 'SELECT alert_id, tips, first_tip_at FROM alert_tip_counts WHERE', [], 'alert_id', alertIds);
  for (const k of kept) {
    const t = out.get(k.alert_id);
    const first = [t?.first ?? null, k.first_tip_at].filter((x): x is string => x !== null).sort()[0] ?? null;
    out.set(k.alert_id, { count: (t?.count ?? 0) + k.tips, first });
  }
  return out;
}

/** When the first tip for an alert came (ISO UTC), also when it has been deleted after the retention. */
export async function firstTipAt(q: Queryable, alertId: number): Promise<string | null> {
  return (await tipsByAlert(q, [alertId])).get(alertId)?.first ?? null;
}

/** The times the tips for one alert arrived (ISO UTC, ascending). */
export async function tipTimes(q: Queryable, alertId: number): Promise<string[]> {
  const rows = await q.all<{ received_at: string }>('SELECT received_at FROM tips WHERE alert_id = ? ORDER BY received_at', [alertId]);
  return rows.map((r) => r.received_at);
}

export interface ChannelReach {
  channel: string;
  posts: number;
  reach: number;
}


/** Social posts and their last known reach per channel, for these alerts. */
export async function reachByChannel(q: Queryable, alertIds: readonly number[]): Promise<ChannelReach[]> {
  const rows = await selectWhereIn<{ kind: string; posts: number; reach: number | null }>(
    q,
    `SELECT c.kind, count(*) AS posts,
            sum((SELECT m.value FROM social_metrics m WHERE m.post_id = p.id AND m.metric = CASE c.kind WHEN 'facebook' THEN 'views' ELSE 'impressions' END
                 ORDER BY m.at DESC LIMIT 1)) AS reach
       FROM social_posts p JOIN social_channels c ON c.id = p.channel_id
      WHERE p.kind = 'post' AND p.status IN ('posted', 'deleted') AND`,
    [],
    'p.alert_id',
    alertIds,
    'GROUP BY c.kind',
  );
  const by = new Map<string, ChannelReach>();
  for (const r of rows) {
    const c = by.get(r.kind) ?? { channel: r.kind, posts: 0, reach: 0 };
    c.posts += r.posts;
    c.reach += r.reach ?? 0;
    by.set(r.kind, c);
  }
  return [...by.values()].sort((a, b) => a.channel.localeCompare(b.channel));
}

/** When each of an alert's own social posts went out, by channel kind. */
export async function socialPostTimes(q: Queryable, alertId: number): Promise<{ channel: string; at: string }[]> {
  return q.all<{ channel: string; at: string }>(
    `SELECT c.kind AS channel, p.posted_at AS at FROM social_posts p JOIN social_channels c ON c.id = p.channel_id
      WHERE p.alert_id = ? AND p.kind = 'post' AND p.posted_at IS NOT NULL ORDER BY p.posted_at`,
    [alertId],
  );
}
