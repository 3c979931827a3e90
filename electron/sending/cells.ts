import { cellSizeForZoom } from '../targeting/engine';
import type { Db } from '../store/db';

/** Cells with fewer recipients than this are left out: the map never shows single people. */
export const CELL_MIN_COUNT = 5;

const PENDING = new Set(['queued', 'deferred', 'submitting', 'accepted']);

/**
 * Delivery of one send by area cell, for the monitor's map: each recipient counted once, at
 * their first place. Only shares per cell leave the main process.
 */
export async function deliveryCells(db: Db, sendId: number, zoom: number) {
  const size = cellSizeForZoom(zoom);
  const cells = new Map<string, { lon: number; lat: number; delivered: number; pending: number; failed: number }>();
  await db.each<{ state: string; lat: number; lon: number }>(
    `SELECT o.state, p.lat, p.lon FROM outbox o
       JOIN places p ON p.id = (SELECT min(id) FROM places WHERE subscriber_id = o.subscriber_id)
     WHERE o.send_id = ?`,
    [sendId],
    (r) => {
      const lon = Math.floor(r.lon / size) * size;
      const lat = Math.floor(r.lat / size) * size;
      const key = `${lon}:${lat}`;
      let c = cells.get(key);
      if (!c) cells.set(key, (c = { lon, lat, delivered: 0, pending: 0, failed: 0 }));
      if (r.state === 'delivered') c.delivered++;
      else if (PENDING.has(r.state)) c.pending++;
      else if (r.state !== 'cancelled') c.failed++;
    },
  );
  return {
    cellSizeDeg: size,
    minCount: CELL_MIN_COUNT,
    cells: [...cells.values()].filter((c) => c.delivered + c.pending + c.failed >= CELL_MIN_COUNT),
  };
}
