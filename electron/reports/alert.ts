/**
 * The after-action report of one alert: its figures (electron/reports/figures.ts), the
 * timeline, failures by reason, tips by hour after release (counts only, never who), reach
 * per channel, and a map of its area with delivery by cell (cells under five recipients
 * left out, as on the monitor's map).
 */
import type { AlertReport } from '../../shared/reports/schema';
import type { TargetArea } from '../../shared/targeting/area';
import type { BoundaryResolver } from '../../shared/targeting/compile';
import type { Db } from '../store/db';
import { failuresFor, sortedFailures } from '../dispatch/outbox';
import { deliveryCells } from '../sending/cells';
import { figuresForAlert } from './figures';
import type { ReportDeps } from './figures';
import { firstTipAt, reachByChannel, socialPostTimes, tipTimes } from './sources';

type Ring = [number, number][];

/** A circle as a 64-sided polygon, good enough for a map at report scale. */
function circleRing(center: [number, number], radiusM: number): Ring {
  const [lon, lat] = center;
  const dLat = radiusM / 111_320;
  const dLon = dLat / Math.max(0.01, Math.cos((lat * Math.PI) / 180));
  const ring: Ring = [];
  for (let i = 0; i <= 64; i++) {
    const a = (i / 64) * 2 * Math.PI;
    ring.push([lon + dLon * Math.cos(a), lat + dLat * Math.sin(a)]);
  }
  return ring;
}

/** The outlines of the included parts of an area, as polygons of [lon, lat] rings. */
export function areaOutline(area: TargetArea | null, resolve: BoundaryResolver): Ring[][] {
  if (!area) return [];
  const out: Ring[][] = [];
  for (const { mode, shape } of area.parts) {
    if (mode !== 'include') continue;
    if (shape.type === 'polygon') out.push(shape.coordinates);
    else if (shape.type === 'multipolygon') out.push(...(shape.coordinates as Ring[][]));
    else if (shape.type === 'circle') out.push([circleRing(shape.center, shape.radiusM)]);
    else {
      const g = resolve(shape.kind, shape.code);
      if (g?.type === 'Polygon') out.push(g.coordinates);
      else if (g?.type === 'MultiPolygon') out.push(...(g.coordinates as Ring[][]));
    }
  }
  return out;
}

/** A zoom whose delivery cells are about a twentieth of the area's width. */
export function zoomFor(outline: Ring[][]): number {
  let x0 = Infinity,
    x1 = -Infinity;
  for (const poly of outline) {
    for (const [lon] of poly[0] ?? []) {
      x0 = Math.min(x0, lon);
      x1 = Math.max(x1, lon);
    }
  }
  const span = Number.isFinite(x0) ? Math.max(x1 - x0, 0.001) : 0.1;
  return Math.max(6, Math.min(18, Math.round(Math.log2((360 * 20) / (8 * span)))));
}

interface AlertMeta {
  created_at: string;
  submitted_at: string | null;
  approved_at: string | null;
  released_at: string;
  sms_text: string;
  area: string | null;
  created_by_name: string | null;
  approved_by_name: string | null;
  send_id: number | null;
  finished_at: string | null;
  send_released_at: string | null;
}

export async function alertReport(deps: ReportDeps & { db: Db }, alertId: number): Promise<AlertReport> {
  const figures = await figuresForAlert(deps, alertId); // refuses an alert that never went out
  const { db } = deps;
  const meta = (await db.get<AlertMeta>(
    `SELECT a.created_at, a.submitted_at, a.approved_at, a.released_at, a.sms_text, a.area,
            c.display_name AS created_by_name, ap.display_name AS approved_by_name,
            s.id AS send_id, s.finished_at, s.released_at AS send_released_at
       FROM alerts a LEFT JOIN officers c ON c.id = a.created_by LEFT JOIN officers ap ON ap.id = a.approved_by
       LEFT JOIN sends s ON s.id = (SELECT min(id) FROM sends WHERE alert_ref = 'alert:' || a.id)
      WHERE a.id = ?`,
    [alertId],
  ))!;
  const outline = areaOutline(meta.area ? (JSON.parse(meta.area) as TargetArea) : null, await deps.boundariesFor([meta.area]));
  const tips = await tipTimes(db, alertId);
  const releaseMs = Date.parse(meta.send_released_at ?? meta.released_at);
  const plus = (s: number | null) => (s === null ? null : new Date(releaseMs + s * 1000).toISOString());

  const timeline: AlertReport['timeline'] = [];
  const add = (at: string | null, event: string, detail?: string) => {
    if (at) timeline.push({ at, event, ...(detail ? { detail } : {}) });
  };
  add(meta.created_at, 'drafted', meta.created_by_name ?? undefined);
  add(meta.submitted_at, 'submitted');
  add(meta.approved_at, 'approved', meta.approved_by_name ?? undefined);
  add(meta.released_at, 'released', `${figures.delivery.recipients}`);
  add(plus(figures.delivery.t50), 'delivered50');
  add(plus(figures.delivery.t90), 'delivered90');
  add(await firstTipAt(db, alertId), 'first_tip');
  for (const p of await socialPostTimes(db, alertId)) add(p.at, 'social_post', p.channel);
  add(meta.finished_at, 'finished');
  for (const f of await db.all<{ id: number; kind: string; released_at: string }>(
    'SELECT id, kind, released_at FROM alerts WHERE parent_id = ? AND released_at IS NOT NULL ORDER BY released_at',
    [alertId],
  )) {
    add(f.released_at, f.kind === 'close' ? 'follow_up_close' : 'follow_up', `#${f.id}`);
  }
  add(figures.outcome?.recordedAt ?? null, 'outcome', figures.outcome?.outcome);
  timeline.sort((a, b) => a.at.localeCompare(b.at));

  const byHour = new Map<number, number>();
  for (const t of tips) {
    const h = Math.max(0, Math.floor((Date.parse(t) - releaseMs) / 3_600_000));
    byHour.set(h, (byHour.get(h) ?? 0) + 1);
  }
  return {
    alert: { ...figures, smsText: meta.sms_text, createdBy: meta.created_by_name, approvedBy: meta.approved_by_name },
    timeline,
    failures: meta.send_id === null ? [] : sortedFailures(await failuresFor(db, meta.send_id)),
    tipsByHour: [...byHour].sort((a, b) => a[0] - b[0]).map(([hour, count]) => ({ hour, count })),
    reach: { channels: await reachByChannel(db, [alertId]) },
    cells: meta.send_id === null ? { cellSizeDeg: 0, minCount: 5, cells: [] } : await deliveryCells(db, meta.send_id, zoomFor(outline)),
    outline,
    generatedAt: (deps.now?.() ?? new Date()).toISOString(),
  };
}
