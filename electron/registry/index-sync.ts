import type { SubscriberRecord } from '../targeting/placeIndex';
import type { Db } from '../store/db';

/** The targeting index's view of some subscribers, read after the registry changed them. */
export async function subscriberRecords(db: Db, ids: readonly number[]): Promise<SubscriberRecord[]> {
  const out: SubscriberRecord[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const part = ids.slice(i, i + 500);
    const marks = part.map(() => '?').join(',');
    const subs = await db.all<{ id: number; status: SubscriberRecord['status'] }>(`SELECT id, status FROM subscribers WHERE id IN (${marks})`, part);
    const places = await db.all<{ subscriber_id: number; lat: number; lon: number }>(
      `SELECT subscriber_id, lat, lon FROM places WHERE subscriber_id IN (${marks})`,
      part,
    );
    const groups = await db.all<{ subscriber_id: number; code: string }>(
      `SELECT sg.subscriber_id, g.code FROM subscriber_groups sg JOIN groups g ON g.id = sg.group_id WHERE sg.subscriber_id IN (${marks})`,
      part,
    );
    const cats = await db.all<{ subscriber_id: number; category: string }>(
      `SELECT subscriber_id, category FROM subscriber_categories WHERE subscriber_id IN (${marks})`,
      part,
    );
    const byId = new Map(subs.map((s) => [s.id, { id: s.id, status: s.status, groups: [] as string[], categories: [] as string[], places: [] as { lat: number; lon: number }[] }]));
    for (const p of places) byId.get(p.subscriber_id)?.places.push({ lat: p.lat, lon: p.lon });
    for (const g of groups) byId.get(g.subscriber_id)?.groups.push(g.code);
    for (const c of cats) byId.get(c.subscriber_id)?.categories.push(c.category);
    out.push(...byId.values());
  }
  return out;
}
