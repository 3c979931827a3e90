/**
 * Every evaluation figure, computed from the raw rows, in one place: the Evaluering screen, the
 * CLI's `tryk report … --json` and both PDFs call these functions, so a figure has exactly one
 * definition. The definitions:
 *
 * - Period: local (Copenhagen) midnight of `from` to local midnight after `to`
 *   (electron/reports/period.ts). An alert belongs to the period when it was released in it.
 *   Alerts (per month, by category) and outcomes count new cases; follow-ups ("update",
 *   "case closed") are counted apart, and their sends count in delivery, cost and tips.
 * - Subscribed: active or paused. A sign-up is a `signup` or `opt_in` event, a leave an
 *   `opt_out` or `erase` event (subscriber_events, migration 0009); the total at an instant is
 *   sign-ups minus leaves before it. By group: the person's groups as they are now.
 * - District: a subscriber is in a district when one of their places is (as targeting counts
 *   them); an alert is in the district that holds the middle of its area's bounding box.
 *   The category narrows the alerts, not the subscribers.
 * - Delivery of an alert: its send's outbox rows by state. Rate = delivered ÷ (rows −
 *   cancelled). Time to p % delivered = from the send's release until the ⌈p·n⌉-th of the n
 *   delivered messages arrived (a receipt's time is the row's last update): the spread of the
 *   messages that arrived, so an alert with failures still has a 99 % figure. For a period:
 *   rates from the summed rows; times are the median over the alerts with receipts.
 * - Parts: the parts the gateway accepted (outbox_parts rows); cost = parts × the part price
 *   setting (øre, as set now), rounded.
 * - Tips: electron/reports/sources.ts (one place to repoint when the tips domain lands);
 *   first tip = seconds from the alert's release to its first tip.
 */
import type { AlertFigures, DeliveryFigures, EvaluationReport, OutcomeRecord, PeriodQuery } from '../../shared/reports/schema';
import type { Category } from '../../shared/registry/subscriber';
import { categories } from '../../shared/registry/subscriber';
import { TrykError } from '../../shared/bridge/result';
import type { TargetArea } from '../../shared/targeting/area';
import { compileArea } from '../../shared/targeting/compile';
import type { BoundaryResolver } from '../../shared/targeting/compile';
import { PreparedPolygon } from '../../shared/geo/pointInPolygon';
import type { Queryable } from '../store/db';
import { selectWhereIn } from '../dispatch/outbox';
import { monthIndex, periodOf } from './period';
import { reachByChannel, tipsByAlert, TIPS_SOURCE } from './sources';

export interface ReportDeps {
  db: Queryable;
  /** Boundaries by kind and code (targeting's resolver): for areas made of postcodes and the like. */
  resolveBoundary: BoundaryResolver;
  /** Ids of every subscriber (any status) with a place in the district. */
  districtMembers(code: string): Promise<ReadonlySet<number>>;
  pricePerPartOre(): Promise<number>;
  now?: () => Date;
}

const PENDING = ['queued', 'deferred', 'submitting', 'accepted'] as const;

/** The ⌈p·n⌉-th smallest of `sorted` (ascending), or null for none. */
export function quantile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

/** The middle value (the mean of the two middle ones for an even count), or null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const round1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

interface AlertRow {
  id: number;
  kind: 'alert' | 'update' | 'close';
  parent_id: number | null;
  category: Category;
  urgency: 'urgent' | 'routine';
  status: string;
  released_at: string;
  area: string | null;
  send_id: number | null;
  segments: number | null;
  send_released_at: string | null;
}

interface SendFacts {
  counts: Record<string, number>;
  /** ms after the send's release, ascending. */
  deliveredAfter: Float64Array;
  parts: number;
}

const ALERT_COLUMNS = `a.id, a.kind, a.parent_id, a.category, a.urgency, a.status, a.released_at, a.area,
  s.id AS send_id, s.segments, s.released_at AS send_released_at
  FROM alerts a LEFT JOIN sends s ON s.id = (SELECT min(id) FROM sends WHERE alert_ref = 'alert:' || a.id)`;

/** Outbox facts per send, read in a few bounded scans (the heaviest reads of a report). */
async function sendFacts(db: Queryable, sends: readonly { id: number; releasedAt: string | null }[]): Promise<Map<number, SendFacts>> {
  const out = new Map<number, SendFacts>();
  if (sends.length === 0) return out;
  const ids = sends.map((s) => s.id);
  const release = new Map(sends.map((s) => [s.id, s.releasedAt ? Date.parse(s.releasedAt) : NaN]));
  for (const id of ids) out.set(id, { counts: {}, deliveredAfter: new Float64Array(0), parts: 0 });
  for (const r of await selectWhereIn<{ send_id: number; state: string; n: number }>(
    db,
    'SELECT send_id, state, count(*) AS n FROM outbox WHERE',
    [],
    'send_id',
    ids,
    'GROUP BY send_id, state',
  )) {
    out.get(r.send_id)!.counts[r.state] = r.n;
  }
  const times = new Map<number, number[]>();
  for (const r of await selectWhereIn<{ send_id: number; updated_at: number }>(
    db,
    "SELECT send_id, updated_at FROM outbox WHERE state = 'delivered' AND",
    [],
    'send_id',
    ids,
  )) {
    const list = times.get(r.send_id);
    const t = r.updated_at - release.get(r.send_id)!;
    if (list) list.push(t);
    else times.set(r.send_id, [t]);
  }
  for (const [id, list] of times) out.get(id)!.deliveredAfter = Float64Array.from(list).sort();
  for (const r of await selectWhereIn<{ send_id: number; n: number }>(
    db,
    'SELECT o.send_id, count(*) AS n FROM outbox_parts p JOIN outbox o ON o.id = p.outbox_id WHERE',
    [],
    'o.send_id',
    ids,
    'GROUP BY o.send_id',
  )) {
    out.get(r.send_id)!.parts = r.n;
  }
  return out;
}

export function deliveryOf(facts: SendFacts | undefined): DeliveryFigures {
  const c = facts?.counts ?? {};
  const n = (s: string) => c[s] ?? 0;
  const recipients = Object.values(c).reduce((a, b) => a + b, 0);
  const meant = recipients - n('cancelled');
  const d = facts?.deliveredAfter ?? new Float64Array(0);
  const sec = (p: number) => round1(quantile(d, p) === null ? null : quantile(d, p)! / 1000);
  return {
    recipients,
    delivered: n('delivered'),
    failed: n('failed'),
    expired: n('expired'),
    cancelled: n('cancelled'),
    pending: PENDING.reduce((a, s) => a + n(s), 0),
    rate: meant > 0 ? n('delivered') / meant : null,
    t50: sec(0.5),
    t90: sec(0.9),
    t99: sec(0.99),
  };
}

/** The police districts as prepared polygons, to place an alert's area in one. */
export async function districtLocator(db: Queryable): Promise<{ codeAt(lon: number, lat: number): string | null; name(code: string): string | null }> {
  const rows = await db.all<{ code: string; name: string; geometry: string }>("SELECT code, name, geometry FROM boundaries WHERE kind = 'district' ORDER BY code");
  const shapes = rows.map((r) => {
    const g = JSON.parse(r.geometry) as { type: 'Polygon' | 'MultiPolygon'; coordinates: number[][][] | number[][][][] };
    const polys = g.type === 'Polygon' ? [g.coordinates as [number, number][][]] : (g.coordinates as [number, number][][][]);
    return { code: r.code, polygons: polys.map((p) => new PreparedPolygon(p)) };
  });
  const names = new Map(rows.map((r) => [r.code, r.name]));
  return {
    codeAt: (lon, lat) => shapes.find((s) => s.polygons.some((p) => p.contains(lon, lat)))?.code ?? null,
    name: (code) => names.get(code) ?? null,
  };
}

/** The middle of an alert's area (its bounding box's centre), or null for none or an unusable area. */
export function areaMiddle(areaJson: string | null, resolve: BoundaryResolver): [number, number] | null {
  if (!areaJson) return null;
  const compiled = compileArea(JSON.parse(areaJson) as TargetArea, { resolveBoundary: resolve });
  if (!compiled.ok) return null;
  const [x0, y0, x1, y1] = compiled.value.bbox;
  return Number.isFinite(x0) ? [(x0 + x1) / 2, (y0 + y1) / 2] : null;
}

async function outcomesOf(db: Queryable, ids: readonly number[]): Promise<Map<number, OutcomeRecord>> {
  const rows = await selectWhereIn<{ alert_id: number; outcome: OutcomeRecord['outcome']; tips_helped: number | null; note: string; recorded_at: string; username: string }>(
    db,
    'SELECT o.alert_id, o.outcome, o.tips_helped, o.note, o.recorded_at, f.username FROM alert_outcomes o JOIN officers f ON f.id = o.recorded_by WHERE',
    [],
    'o.alert_id',
    ids,
  );
  return new Map(
    rows.map((r) => [r.alert_id, { outcome: r.outcome, tipsHelped: r.tips_helped === null ? null : r.tips_helped === 1, note: r.note, recordedBy: r.username, recordedAt: r.recorded_at }]),
  );
}

/** The figures of a list of alert rows (one per alert), in release order. */
async function alertFigures(deps: ReportDeps, rows: readonly AlertRow[], districtOf: (r: AlertRow) => string | null): Promise<AlertFigures[]> {
  const { db } = deps;
  const sends = rows.filter((r) => r.send_id !== null).map((r) => ({ id: r.send_id!, releasedAt: r.send_released_at }));
  const facts = await sendFacts(db, sends);
  const ids = rows.map((r) => r.id);
  const tips = await tipsByAlert(db, ids);
  const outcomes = await outcomesOf(db, ids);
  const price = await deps.pricePerPartOre();
  return rows.map((r) => {
    const f = r.send_id === null ? undefined : facts.get(r.send_id);
    const t = tips.get(r.id);
    const parts = f?.parts ?? 0;
    return {
      id: r.id,
      kind: r.kind,
      parentId: r.parent_id,
      category: r.category,
      urgency: r.urgency,
      status: r.status,
      releasedAt: r.released_at,
      district: districtOf(r),
      delivery: deliveryOf(f),
      segments: r.segments ?? 0,
      parts,
      costOre: Math.round(parts * price),
      tips: t?.count ?? 0,
      firstTipSeconds: t?.first ? round1((Date.parse(t.first) - Date.parse(r.released_at)) / 1000) : null,
      outcome: outcomes.get(r.id) ?? null,
    };
  });
}

/** One alert's figures; a clear refusal for an alert that never went out. */
export async function figuresForAlert(deps: ReportDeps, alertId: number): Promise<AlertFigures> {
  const row = await deps.db.get<AlertRow & { released_at: string | null }>(`SELECT ${ALERT_COLUMNS} WHERE a.id = ?`, [alertId]);
  if (!row) throw new TrykError('not_found', `No alert with id ${alertId}`);
  if (!row.released_at) {
    throw new TrykError('conflict', `Alert ${alertId} never went out (it is ${row.status}): there is nothing to report on yet`, { status: row.status });
  }
  const locate = await districtLocator(deps.db);
  const [figures] = await alertFigures(deps, [row as AlertRow], (r) => {
    const m = areaMiddle(r.area, deps.resolveBoundary);
    return m ? locate.codeAt(m[0], m[1]) : null;
  });
  return figures!;
}

/** The period report: the Evaluering screen, `tryk report period` and the period PDF. */
export async function evaluation(deps: ReportDeps, query: PeriodQuery): Promise<EvaluationReport> {
  const { db } = deps;
  const period = periodOf(query.from, query.to);
  const locate = await districtLocator(db);
  let district: { code: string; name: string } | null = null;
  if (query.district) {
    const name = locate.name(query.district);
    if (!name) throw new TrykError('bad_request', `No police district with code ${query.district}`, { field: 'district' });
    district = { code: query.district, name };
  }
  const members = district ? await deps.districtMembers(district.code) : null;

  // --- subscribers ---------------------------------------------------------------------
  const sign = (kind: string) => (kind === 'signup' || kind === 'opt_in' ? 1 : -1);
  let atStart = 0;
  if (members) {
    await db.each<{ subscriber_id: number; kind: string }>('SELECT subscriber_id, kind FROM subscriber_events WHERE at < ?', [period.startIso], (r) => {
      if (members.has(r.subscriber_id)) atStart += sign(r.kind);
    });
  } else {
    for (const r of await db.all<{ kind: string; n: number }>('SELECT kind, count(*) AS n FROM subscriber_events WHERE at < ? GROUP BY kind', [period.startIso])) {
      atStart += sign(r.kind) * r.n;
    }
  }
  const months = period.months.map((m) => ({ month: m.month, signups: 0, leaves: 0, net: 0, total: 0 }));
  const groups = new Map<string, { group: string; signups: number; leaves: number }>();
  for (const g of await db.all<{ code: string }>('SELECT code FROM groups ORDER BY id')) groups.set(g.code, { group: g.code, signups: 0, leaves: 0 });
  let unknownGroup = 0;
  let lastEvent = -1;
  await db.each<{ id: number; at: string; subscriber_id: number; kind: string; code: string | null }>(
    `SELECT e.id, e.at, e.subscriber_id, e.kind, g.code FROM subscriber_events e
       LEFT JOIN subscriber_groups sg ON sg.subscriber_id = e.subscriber_id
       LEFT JOIN groups g ON g.id = sg.group_id
     WHERE e.at >= ? AND e.at < ? ORDER BY e.id`,
    [period.startIso, period.endIso],
    (r) => {
      if (members && !members.has(r.subscriber_id)) return;
      const s = sign(r.kind);
      if (r.id !== lastEvent) {
        lastEvent = r.id;
        const m = months[monthIndex(period, r.at)]!;
        if (s > 0) m.signups++;
        else m.leaves++;
        if (r.code === null) unknownGroup++;
      }
      if (r.code !== null) {
        const g = groups.get(r.code) ?? { group: r.code, signups: 0, leaves: 0 };
        groups.set(r.code, g);
        if (s > 0) g.signups++;
        else g.leaves++;
      }
    },
  );
  let running = atStart;
  for (const m of months) {
    m.net = m.signups - m.leaves;
    running += m.net;
    m.total = running;
  }
  const signups = months.reduce((a, m) => a + m.signups, 0);
  const leaves = months.reduce((a, m) => a + m.leaves, 0);

  // --- alerts --------------------------------------------------------------------------
  let rows = await db.all<AlertRow>(`SELECT ${ALERT_COLUMNS} WHERE a.released_at >= ? AND a.released_at < ? ORDER BY a.released_at, a.id`, [
    period.startIso,
    period.endIso,
  ]);
  if (query.category) rows = rows.filter((r) => r.category === query.category);
  const districtOfRow = new Map<number, string | null>();
  for (const r of rows) {
    const m = areaMiddle(r.area, deps.resolveBoundary);
    districtOfRow.set(r.id, m ? locate.codeAt(m[0], m[1]) : null);
  }
  if (district) rows = rows.filter((r) => districtOfRow.get(r.id) === district.code);
  const perAlert = await alertFigures(deps, rows, (r) => districtOfRow.get(r.id) ?? null);

  const byCategory: Record<string, number> = {};
  for (const c of categories) byCategory[c] = 0;
  const byMonth = period.months.map((m) => ({ month: m.month, byCategory: { ...byCategory }, total: 0 }));
  const cases = perAlert.filter((a) => a.kind === 'alert');
  for (const a of cases) {
    byCategory[a.category] = (byCategory[a.category] ?? 0) + 1;
    const m = byMonth[monthIndex(period, a.releasedAt)]!;
    m.byCategory[a.category] = (m.byCategory[a.category] ?? 0) + 1;
    m.total++;
  }

  // --- delivery, cost, tips, reach, outcomes ---------------------------------------------
  const sum = (f: (a: AlertFigures) => number) => perAlert.reduce((acc, a) => acc + f(a), 0);
  const recipients = sum((a) => a.delivery.recipients);
  const cancelled = sum((a) => a.delivery.cancelled);
  const delivered = sum((a) => a.delivery.delivered);
  const withReceipts = perAlert.filter((a) => a.delivery.delivered > 0);
  const mid = (f: (a: AlertFigures) => number | null) => round1(median(withReceipts.map(f).filter((x): x is number => x !== null)));
  const price = await deps.pricePerPartOre();
  const parts = sum((a) => a.parts);
  const tipsTotal = sum((a) => a.tips);
  const byOutcome: Record<string, number> = {};
  for (const a of cases) if (a.outcome) byOutcome[a.outcome.outcome] = (byOutcome[a.outcome.outcome] ?? 0) + 1;
  const recorded = cases.filter((a) => a.outcome).length;

  return {
    query: { from: query.from, to: query.to, district, category: query.category ?? null },
    generatedAt: (deps.now?.() ?? new Date()).toISOString(),
    subscribers: {
      atStart,
      atEnd: running,
      signups,
      leaves,
      net: signups - leaves,
      byMonth: months,
      byGroup: [...groups.values()],
      unknownGroup,
    },
    alerts: { count: cases.length, followUps: perAlert.length - cases.length, byCategory, byMonth },
    delivery: {
      recipients,
      delivered,
      failed: sum((a) => a.delivery.failed),
      expired: sum((a) => a.delivery.expired),
      cancelled,
      pending: sum((a) => a.delivery.pending),
      rate: recipients - cancelled > 0 ? delivered / (recipients - cancelled) : null,
      t50: mid((a) => a.delivery.t50),
      t90: mid((a) => a.delivery.t90),
      t99: mid((a) => a.delivery.t99),
      alertsWithReceipts: withReceipts.length,
    },
    cost: { parts, pricePerPartOre: price, totalOre: Math.round(parts * price) },
    tips: {
      total: tipsTotal,
      perAlert: perAlert.length ? tipsTotal / perAlert.length : null,
      medianFirstTipSeconds: round1(median(perAlert.map((a) => a.firstTipSeconds).filter((x): x is number => x !== null))),
      source: TIPS_SOURCE,
    },
    reach: { channels: await reachByChannel(db, perAlert.map((a) => a.id)) },
    outcomes: { recorded, notRecorded: cases.length - recorded, byOutcome, tipsHelped: cases.filter((a) => a.outcome?.tipsHelped === true).length },
    perAlert,
  };
}
