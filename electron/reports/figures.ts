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
import { insertMany } from '../store/db';
import type { Param, Queryable } from '../store/db';
import { selectWhereIn } from '../dispatch/outbox';
import { monthIndex, periodOf } from './period';
import { reachByChannel, tipsByAlert, TIPS_SOURCE } from './sources';

export interface ReportDeps {
  db: Queryable;
  /** The boundaries these areas name (postcodes and the like), read once per report. */
  boundariesFor(areas: readonly (string | null)[]): Promise<BoundaryResolver>;
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

/** What a report needs of one send; the same whether computed now or read from send_figures. */
export interface SendFacts {
  counts: Record<string, number>;
  /** ms after the send's release by which 50/90/99 % of the delivered messages had arrived. */
  t50: number | null;
  t90: number | null;
  t99: number | null;
  parts: number;
}

const ALERT_COLUMNS = `a.id, a.kind, a.parent_id, a.category, a.urgency, a.status, a.released_at, a.area,
  s.id AS send_id, s.segments, s.released_at AS send_released_at
  FROM alerts a LEFT JOIN sends s ON s.id = (SELECT min(id) FROM sends WHERE alert_ref = 'alert:' || a.id)`;

/** A send's facts from its raw outbox rows (the one definition; send_figures only keeps its result). */
export async function computeSendFacts(db: Queryable, sends: readonly { id: number; releasedAt: string | null }[]): Promise<Map<number, SendFacts>> {
  const out = new Map<number, SendFacts>();
  if (sends.length === 0) return out;
  const ids = sends.map((s) => s.id);
  const release = new Map(sends.map((s) => [s.id, s.releasedAt ? Date.parse(s.releasedAt) : NaN]));
  const counts = new Map<number, Record<string, number>>(ids.map((id) => [id, {}]));
  for (const r of await selectWhereIn<{ send_id: number; state: string; n: number }>(
    db,
    'SELECT send_id, state, count(*) AS n FROM outbox WHERE',
    [],
    'send_id',
    ids,
    'GROUP BY send_id, state',
  )) {
    counts.get(r.send_id)![r.state] = r.n;
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
  const parts = new Map<number, number>();
  for (const r of await selectWhereIn<{ send_id: number; n: number }>(
    db,
    'SELECT o.send_id, count(*) AS n FROM outbox_parts p JOIN outbox o ON o.id = p.outbox_id WHERE',
    [],
    'o.send_id',
    ids,
    'GROUP BY o.send_id',
  )) {
    parts.set(r.send_id, r.n);
  }
  for (const id of ids) {
    const d = Float64Array.from(times.get(id) ?? []).sort();
    out.set(id, { counts: counts.get(id)!, t50: quantile(d, 0.5), t90: quantile(d, 0.9), t99: quantile(d, 0.99), parts: parts.get(id) ?? 0 });
  }
  return out;
}

/** Facts per send: finished sends from send_figures when it matches, the rest computed (and finished ones kept). */
export async function sendFacts(db: Queryable, sends: readonly { id: number; releasedAt: string | null }[]): Promise<Map<number, SendFacts>> {
  const out = new Map<number, SendFacts>();
  if (sends.length === 0) return out;
  const ids = sends.map((s) => s.id);
  const finished = new Map<number, string>();
  for (const r of await selectWhereIn<{ id: number; finished_at: string }>(
    db,
    "SELECT id, finished_at FROM sends WHERE state IN ('done', 'cancelled') AND finished_at IS NOT NULL AND",
    [],
    'id',
    ids,
  )) {
    finished.set(r.id, r.finished_at);
  }
  for (const r of await selectWhereIn<{ send_id: number; finished_at: string; counts: string; t50_ms: number | null; t90_ms: number | null; t99_ms: number | null; parts: number }>(
    db,
    'SELECT * FROM send_figures WHERE',
    [],
    'send_id',
    [...finished.keys()],
  )) {
    if (finished.get(r.send_id) !== r.finished_at) continue;
    out.set(r.send_id, { counts: JSON.parse(r.counts) as Record<string, number>, t50: r.t50_ms, t90: r.t90_ms, t99: r.t99_ms, parts: r.parts });
  }
  const missing = sends.filter((s) => !out.has(s.id));
  const computed = await computeSendFacts(db, missing);
  const keep: Param[][] = [];
  for (const [id, f] of computed) {
    out.set(id, f);
    const at = finished.get(id);
    // Only a finished send with nothing left in flight can never change again.
    if (at && PENDING.every((p) => !f.counts[p])) keep.push([id, at, JSON.stringify(f.counts), f.t50, f.t90, f.t99, f.parts]);
  }
  if (keep.length) {
    await insertMany(db, 'INSERT INTO send_figures (send_id, finished_at, counts, t50_ms, t90_ms, t99_ms, parts)', 7, keep,
      'ON CONFLICT (send_id) DO UPDATE SET finished_at = excluded.finished_at, counts = excluded.counts, t50_ms = excluded.t50_ms, t90_ms = excluded.t90_ms, t99_ms = excluded.t99_ms, parts = excluded.parts');
  }
  return out;
}

export function deliveryOf(facts: SendFacts | undefined): DeliveryFigures {
  const c = facts?.counts ?? {};
  const n = (s: string) => c[s] ?? 0;
  const recipients = Object.values(c).reduce((a, b) => a + b, 0);
  const meant = recipients - n('cancelled');
  const sec = (ms: number | null | undefined) => round1(ms === null || ms === undefined ? null : ms / 1000);
  return {
    recipients,
    delivered: n('delivered'),
    failed: n('failed'),
    expired: n('expired'),
    cancelled: n('cancelled'),
    pending: PENDING.reduce((a, s) => a + n(s), 0),
    rate: meant > 0 ? n('delivered') / meant : null,
    t50: sec(facts?.t50),
    t90: sec(facts?.t90),
    t99: sec(facts?.t99),
  };
}

type Locator = { codeAt(lon: number, lat: number): string | null; name(code: string): string | null };
const locators = new WeakMap<object, { stamp: string; locator: Locator }>();

/**
 * The police districts as prepared polygons, to place an alert's area in one. Kept per store
 * until the districts change (parsing and preparing them is most of a small report's time).
 */
export async function districtLocator(db: Queryable): Promise<Locator> {
  const stamp = (await db.get<{ s: string }>("SELECT count(*) || '|' || coalesce(max(imported_at), '') AS s FROM boundaries WHERE kind = 'district'"))!.s;
  const kept = locators.get(db);
  if (kept?.stamp === stamp) return kept.locator;
  const rows = await db.all<{ code: string; name: string; geometry: string }>("SELECT code, name, geometry FROM boundaries WHERE kind = 'district' ORDER BY code");
  const shapes = rows.map((r) => {
    const g = JSON.parse(r.geometry) as { type: 'Polygon' | 'MultiPolygon'; coordinates: number[][][] | number[][][][] };
    const polys = g.type === 'Polygon' ? [g.coordinates as [number, number][][]] : (g.coordinates as [number, number][][][]);
    return { code: r.code, polygons: polys.map((p) => new PreparedPolygon(p)) };
  });
  const names = new Map(rows.map((r) => [r.code, r.name]));
  const locator: Locator = {
    codeAt: (lon, lat) => shapes.find((s) => s.polygons.some((p) => p.contains(lon, lat)))?.code ?? null,
    name: (code) => names.get(code) ?? null,
  };
  locators.set(db, { stamp, locator });
  return locator;
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
  const resolve = await deps.boundariesFor([row.area]);
  const [figures] = await alertFigures(deps, [row], (r) => {
    const m = areaMiddle(r.area, resolve);
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
  const resolve = await deps.boundariesFor(rows.map((r) => r.area));
  for (const r of rows) {
    const m = areaMiddle(r.area, resolve);
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

/**
 * Computes and keeps the figures of every finished send not yet kept, a few sends at a time so
 * no single step holds the store long: the console runs it in the background at start, the
 * demo after writing its history, so the Evaluering screen opens on kept figures.
 */
export async function warmSendFigures(db: Queryable, batch = 20): Promise<number> {
  const todo = await db.all<{ id: number; released_at: string | null }>(
    `SELECT s.id, s.released_at FROM sends s LEFT JOIN send_figures f ON f.send_id = s.id
      WHERE s.state IN ('done', 'cancelled') AND s.finished_at IS NOT NULL AND (f.send_id IS NULL OR f.finished_at != s.finished_at) ORDER BY s.id`,
  );
  for (let i = 0; i < todo.length; i += batch) {
    await sendFacts(db, todo.slice(i, i + batch).map((s) => ({ id: s.id, releasedAt: s.released_at })));
  }
  return todo.length;
}
