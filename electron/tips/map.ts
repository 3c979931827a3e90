/**
 * The tip map: where an alert's tipsters are registered, at the place that put them inside
 * the alert's area. The layer leaves the main process only as cells (the delivery map's grid
 * and minimum, counted in distinct tipsters so one person's flood never fills a cell); the
 * exact place is revealed only by opening one tip, which is audited.
 */
import { TrykError } from '../../shared/bridge/result';
import { compileArea } from '../../shared/targeting/compile';
import type { CompiledArea } from '../../shared/targeting/compile';
import type { TargetArea } from '../../shared/targeting/area';
import { boundariesFor } from '../reports/deps';
import { CELL_MIN_COUNT } from '../sending/cells';
import { cellSizeForZoom } from '../targeting/engine';
import type { Queryable } from '../store/db';

export interface TipCells {
  alertId: number;
  cellSizeDeg: number;
  /** Cells with fewer distinct tipsters than this are left out. */
  minCount: number;
  cells: { lon: number; lat: number; tips: number; tipsters: number }[];
  /** SMS tips in cells left out for having too few tipsters. */
  hiddenTips: number;
  /** SMS tips whose sender has no registered place inside the area (not a subscriber, or moved). */
  unplacedTips: number;
}

/** Tipsters read per query: a page is a few milliseconds of the main thread however large the alert. */
const TIPSTERS_PER_PAGE = 1000;

interface PlaceRow {
  lat: number;
  lon: number;
}

/** The alert's area, compiled; null when it has none or it no longer compiles (its boundary is gone). */
async function alertArea(db: Queryable, alertId: number): Promise<CompiledArea | null> {
  const row = await db.get<{ area: string | null }>('SELECT area FROM alerts WHERE id = ?', [alertId]);
  if (!row) throw new TrykError('not_found', `No alert ${alertId}`);
  if (!row.area) return null;
  let area: TargetArea;
  try {
    area = JSON.parse(row.area) as TargetArea;
  } catch {
    return null;
  }
  const compiled = compileArea(area, { resolveBoundary: await boundariesFor(db, [row.area]) });
  return compiled.ok ? compiled.value : null;
}

/**
 * The one place a tipster stands for on the map: their first registered place (home first)
 * inside the area; without a usable area, the home place. Places come ordered home first.
 */
export function placeInArea(places: readonly PlaceRow[], area: CompiledArea | null): PlaceRow | null {
  if (area === null) return places[0] ?? null;
  return places.find((p) => area.contains(p.lon, p.lat)) ?? null;
}

const PLACES_OF = "SELECT p.lat, p.lon FROM places p JOIN subscribers s ON s.id = p.subscriber_id WHERE s.phone = ? ORDER BY p.kind = 'home' DESC, p.id";

/** Where the sender of one tip stands on the tip map (for the officer who opened it). */
export async function tipPlace(db: Queryable, sender: string, alertId: number): Promise<PlaceRow | null> {
  if (!(await db.get('SELECT 1 AS x FROM alerts WHERE id = ?', [alertId]))) return null;
  const area = await alertArea(db, alertId);
  const place = placeInArea(await db.all<PlaceRow>(PLACES_OF, [sender]), area);
  return place ? { lat: place.lat, lon: place.lon } : null;
}

/** The SMS tips of one alert by map cell at `zoom`: counts only, never a number or a place. */
export async function tipCells(db: Queryable, alertId: number, zoom: number, pageSize = TIPSTERS_PER_PAGE): Promise<TipCells> {
  const area = await alertArea(db, alertId);
  const size = cellSizeForZoom(zoom);
  const cells = new Map<string, { lon: number; lat: number; tips: number; tipsters: number }>();
  let placedTips = 0;
  // One row per place of each tipster, ordered so a tipster's rows come together, home first;
  // a page of tipsters at a time, so a huge alert never holds the main thread on one answer.
  let current = null as { sid: number; tips: number; places: PlaceRow[] } | null;
  const settle = () => {
    if (!current) return;
    const place = placeInArea(current.places, area);
    if (place) {
      const lon = Math.floor(place.lon / size) * size;
      const lat = Math.floor(place.lat / size) * size;
      const key = `${lon}:${lat}`;
      let c = cells.get(key);
      if (!c) cells.set(key, (c = { lon, lat, tips: 0, tipsters: 0 }));
      c.tips += current.tips;
      c.tipsters++;
      placedTips += current.tips;
    }
    current = null;
  };
  const allTips = (await db.get<{ n: number }>("SELECT count(*) AS n FROM tips WHERE alert_id = ? AND channel = 'sms'", [alertId]))?.n ?? 0;
  for (let after = 0; ; ) {
    const rows = await db.all<{ sid: number; tips: number; lat: number | null; lon: number | null }>(
      `WITH senders AS (SELECT sender, count(*) AS tips FROM tips WHERE alert_id = ? AND channel = 'sms' GROUP BY sender),
            page AS (SELECT s.id AS sid, senders.tips FROM senders JOIN subscribers s ON s.phone = senders.sender WHERE s.id > ? ORDER BY s.id LIMIT ?)
       SELECT page.sid, page.tips, p.lat, p.lon FROM page LEFT JOIN places p ON p.subscriber_id = page.sid
       ORDER BY page.sid, p.kind = 'home' DESC, p.id`,
      [alertId, after, pageSize],
    );
    if (rows.length === 0) break;
    for (const r of rows) {
      if (current?.sid !== r.sid) {
        settle();
        current = { sid: r.sid, tips: r.tips, places: [] };
      }
      if (r.lat !== null && r.lon !== null) current.places.push({ lat: r.lat, lon: r.lon });
    }
    after = rows[rows.length - 1]!.sid;
  }
  settle();
  const shown = [...cells.values()].filter((c) => c.tipsters >= CELL_MIN_COUNT);
  const shownTips = shown.reduce((n, c) => n + c.tips, 0);
  return {
    alertId,
    cellSizeDeg: size,
    minCount: CELL_MIN_COUNT,
    cells: shown,
    hiddenTips: placedTips - shownTips,
    unplacedTips: allTips - placedTips,
  };
}
