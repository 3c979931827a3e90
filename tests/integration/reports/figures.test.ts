/**
 * Every evaluation figure recomputed here from the raw rows, by code written independently of
 * electron/reports, for a seeded year of history in a real store; then the PDFs' text against
 * `tryk report … --json`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EvaluationReport } from '../../../shared/reports/schema';
import { fmtInt, fmtOre, fmtPct, fmtSeconds } from '../../../shared/reports/format';
import { run } from '../../../electron/cli/main';
import { writeHistory } from '../../../electron/demo/history';
import { insertSubscribers, sfc32 } from '../../../electron/demo/synthesize';
import type { SyntheticSubscriber } from '../../../electron/demo/synthesize';
import { alertReport } from '../../../electron/reports/alert';
import { reportDeps } from '../../../electron/reports/deps';
import { evaluation, figuresForAlert } from '../../../electron/reports/figures';
import { recordOutcome } from '../../../electron/reports/outcomes';
import { PdfClient } from '../../../electron/reports/pdfClient';
import { createServices } from '../../../electron/services';
import type { Services } from '../../../electron/services';
import { testStore, TEST_PASSPHRASE } from '../../support/store';

const square = (x0: number, y0: number, x1: number, y1: number) => ({
  type: 'MultiPolygon' as const,
  coordinates: [[[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]],
});
const A = [12.0, 55.8, 12.5, 56.1] as const; // district 91
const B = [12.5, 55.8, 13.0, 56.1] as const; // district 92
const inBox = (b: readonly number[], lon: number, lat: number) => lon >= b[0]! && lon <= b[2]! && lat >= b[1]! && lat <= b[3]!;

const monthOf = (iso: string) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Copenhagen', year: 'numeric', month: '2-digit' }).format(new Date(iso)).replace(/\D+$/, '');
const localDay = (d: Date) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Copenhagen' }).format(d);
const r1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);
const median = (xs: number[]) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function people(n: number, seed: number): SyntheticSubscriber[] {
  const rnd = sfc32(seed);
  return Array.from({ length: n }, (_, i) => ({
    phone: `+4520${String(100000 + i).padStart(6, '0')}`,
    name: null,
    language: 'da',
    status: rnd() < 0.95 ? 'active' : 'paused',
    quietStart: null,
    quietEnd: null,
    // Two dense towns, one in each district, so circles catch people.
    places: [{ kind: 'home', address: 'x', lon: (i % 2 ? 12.75 : 12.25) + (rnd() - 0.5) * 0.06, lat: 55.95 + (rnd() - 0.5) * 0.04 }],
    groups: rnd() < 0.1 ? ['citizen', 'neighbourhood_watch'] : ['citizen'],
    categories: ['burglary'],
  }));
}

describe('evaluation figures from raw rows', () => {
  let store: Awaited<ReturnType<typeof testStore>>;
  let services: Services;
  const now = new Date();
  const from = localDay(new Date(now.getTime() - 365 * 86_400_000));
  const to = localDay(now);
  let report: EvaluationReport;
  let noReceipts: number;
  let draft: number;
  let vagtchef: { id: number; username: string };

  beforeAll(async () => {
    store = await testStore();
    services = createServices({ store, host: 'headless', version: 'test' });
    await services.boundaries.importAll([
      { kind: 'district', code: '91', name: 'Vestkreds', geometry: square(...A), bbox: [...A] },
      { kind: 'district', code: '92', name: 'Østkreds', geometry: square(...B), bbox: [...B] },
    ]);
    const op = await services.officers.create({ username: 'jensen', displayName: 'Betjent Jensen', roles: ['operator'], passphrase: 'operator passphrase' });
    const ap = await services.officers.create({ username: 'vagtchef', displayName: 'Vagtchef Holm', roles: ['operator', 'approver'], passphrase: 'approver passphrase' });
    vagtchef = { id: ap.id, username: ap.username };
    await insertSubscribers(store.db, people(800, 5));
    await writeHistory({ db: store.db, targeting: () => services.targeting(), now, seed: 11, operator: op.id, approver: ap.id, gateway: 'simulator', alertsPerWeek: 2 });
    // One erasure (a leave by erasure) and an alert whose receipts never came.
    await services.registry.erase('+4520100002', { officer: 'admin', via: 'cli' });
    const sends = await store.db.get<{ id: number }>("SELECT max(id) AS id FROM alerts WHERE kind = 'alert'");
    const template = (await store.db.get<Record<string, unknown>>('SELECT * FROM alerts WHERE id = ?', [sends!.id]))!;
    noReceipts = sends!.id + 1000;
    const at = new Date(now.getTime() - 3_600_000).toISOString();
    await store.db.run(
      `INSERT INTO alerts (id, uuid, kind, category, language, sms_text, area, status, created_by, last_edited_by, released_at, created_at, updated_at)
       VALUES (?, 'no-receipts', 'alert', 'fraud', 'da', 'Svindel', ?, 'sending', ?, ?, ?, ?, ?)`,
      [noReceipts, template.area as string, op.id, op.id, at, at, at],
    );
    const send = await store.db.run(
      `INSERT INTO sends (alert_ref, text, encoding, segments, priority, state, primary_gateway, active_gateway, validity_minutes, recipients, created_at, released_at)
       VALUES (?, 'Svindel', 'GSM-7', 1, 'routine', 'sending', 'simulator', 'simulator', 240, 3, ?, ?)`,
      [`alert:${noReceipts}`, at, at],
    );
    for (let i = 1; i <= 3; i++) {
      const o = await store.db.run("INSERT INTO outbox (send_id, subscriber_id, phone, state, attempts, next_attempt_at, gateway, updated_at) VALUES (?, ?, '', 'accepted', 1, 0, 'simulator', 0)", [send.lastID, i]);
      await store.db.run("INSERT INTO outbox_parts (gateway, message_id, outbox_id) VALUES ('simulator', ?, ?)", [`nr-${i}`, o.lastID]);
    }
    draft = (await services.alerts.create({ id: op.id, username: op.username, roles: op.roles }, { category: 'burglary', kind: 'alert', language: 'da' })).id;
    report = await evaluation(await reportDeps({ db: store.db, settings: services.settings, targeting: () => services.targeting() }), { from, to });
  }, 240_000);

  afterAll(async () => {
    await store?.remove().catch(() => undefined);
  });

  const deps = () => reportDeps({ db: store.db, settings: services.settings, targeting: () => services.targeting() });

  it('has a year of history to report on', () => {
    expect(report.alerts.count).toBeGreaterThan(50);
    expect(report.subscribers.signups).toBeGreaterThan(100);
    expect(report.tips.total).toBeGreaterThan(0);
    expect(report.outcomes.recorded).toBeGreaterThan(10);
  });

  it('subscribers over time equal the events counted by hand, and the end equals the registry now', async () => {
    const events = await store.db.all<{ at: string; kind: string; subscriber_id: number }>('SELECT at, kind, subscriber_id FROM subscriber_events');
    const sign = (k: string) => (k === 'signup' || k === 'opt_in' ? 1 : -1);
    const before = events.filter((e) => localDay(new Date(e.at)) < from);
    const inside = events.filter((e) => localDay(new Date(e.at)) >= from && localDay(new Date(e.at)) <= to);
    expect(report.subscribers.atStart).toBe(before.reduce((a, e) => a + sign(e.kind), 0));
    expect(report.subscribers.signups).toBe(inside.filter((e) => sign(e.kind) > 0).length);
    expect(report.subscribers.leaves).toBe(inside.filter((e) => sign(e.kind) < 0).length);
    expect(inside.some((e) => e.kind === 'erase')).toBe(true);
    const byMonth = new Map<string, { s: number; l: number }>();
    for (const e of inside) {
      const m = byMonth.get(monthOf(e.at)) ?? { s: 0, l: 0 };
      if (sign(e.kind) > 0) m.s++;
      else m.l++;
      byMonth.set(monthOf(e.at), m);
    }
    let total = report.subscribers.atStart;
    for (const m of report.subscribers.byMonth) {
      const want = byMonth.get(m.month) ?? { s: 0, l: 0 };
      total += want.s - want.l;
      expect([m.month, m.signups, m.leaves, m.net, m.total]).toEqual([m.month, want.s, want.l, want.s - want.l, total]);
    }
    expect(report.subscribers.byMonth[0]!.month).toBe(monthOf(new Date(now.getTime() - 365 * 86_400_000).toISOString()));
    const subscribed = await store.db.get<{ n: number }>("SELECT count(*) AS n FROM subscribers WHERE status IN ('active', 'paused')");
    expect(report.subscribers.atEnd).toBe(subscribed!.n);
    // By group: each event counted in every current group of its person.
    const watch = await store.db.get<{ n: number }>(
      `SELECT count(*) AS n FROM subscriber_events e JOIN subscriber_groups sg ON sg.subscriber_id = e.subscriber_id JOIN groups g ON g.id = sg.group_id
        WHERE g.code = 'neighbourhood_watch' AND e.kind IN ('signup', 'opt_in') AND e.at >= ?`,
      [new Date(now.getTime() - 400 * 86_400_000).toISOString()],
    );
    const insideWatch = report.subscribers.byGroup.find((g) => g.group === 'neighbourhood_watch')!.signups;
    expect(insideWatch).toBeLessThanOrEqual(watch!.n);
    expect(report.subscribers.unknownGroup).toBe(inside.filter((e) => e.kind === 'erase').length);
  });

  it('alerts per month and category, delivery, parts, cost, tips and outcomes equal the raw rows', async () => {
    const price = await services.settings.get('sms.pricePerPartOre');
    const alerts = await store.db.all<{ id: number; kind: string; category: string; released_at: string }>(
      'SELECT id, kind, category, released_at FROM alerts WHERE released_at IS NOT NULL ORDER BY released_at, id',
    );
    const inPeriod = alerts.filter((a) => localDay(new Date(a.released_at)) >= from && localDay(new Date(a.released_at)) <= to);
    const cases = inPeriod.filter((a) => a.kind === 'alert');
    expect(report.alerts.count).toBe(cases.length);
    expect(report.alerts.followUps).toBe(inPeriod.length - cases.length);
    expect(report.perAlert.map((a) => a.id)).toEqual(inPeriod.map((a) => a.id));
    for (const m of report.alerts.byMonth) {
      for (const [c, n] of Object.entries(m.byCategory)) expect(n).toBe(cases.filter((a) => monthOf(a.released_at) === m.month && a.category === c).length);
    }
    const t50s: number[] = [];
    const t90s: number[] = [];
    const t99s: number[] = [];
    const firsts: number[] = [];
    let sums = { recipients: 0, delivered: 0, cancelled: 0, parts: 0, tips: 0 };
    for (const fig of report.perAlert) {
      const send = await store.db.get<{ id: number; released_at: string }>("SELECT id, released_at FROM sends WHERE alert_ref = ? ORDER BY id LIMIT 1", [`alert:${fig.id}`]);
      const rows = await store.db.all<{ state: string; updated_at: number }>('SELECT state, updated_at FROM outbox WHERE send_id = ?', [send!.id]);
      const count = (s: string) => rows.filter((r) => r.state === s).length;
      const delivered = rows.filter((r) => r.state === 'delivered').map((r) => r.updated_at - Date.parse(send!.released_at)).sort((a, b) => a - b);
      const q = (p: number) => (delivered.length ? r1(delivered[Math.ceil(p * delivered.length) - 1]! / 1000) : null);
      const parts = (await store.db.get<{ n: number }>('SELECT count(*) AS n FROM outbox_parts p JOIN outbox o ON o.id = p.outbox_id WHERE o.send_id = ?', [send!.id]))!.n;
      const tips = await store.db.all<{ received_at: string }>('SELECT received_at FROM tips WHERE alert_id = ? ORDER BY received_at', [fig.id]);
      const outcome = await store.db.get<{ outcome: string; tips_helped: number | null }>('SELECT outcome, tips_helped FROM alert_outcomes WHERE alert_id = ?', [fig.id]);
      const released = alerts.find((a) => a.id === fig.id)!.released_at;
      expect(fig.delivery).toEqual({
        recipients: rows.length,
        delivered: count('delivered'),
        failed: count('failed'),
        expired: count('expired'),
        cancelled: count('cancelled'),
        pending: count('queued') + count('deferred') + count('submitting') + count('accepted'),
        rate: rows.length - count('cancelled') > 0 ? count('delivered') / (rows.length - count('cancelled')) : null,
        t50: q(0.5),
        t90: q(0.9),
        t99: q(0.99),
      });
      expect(fig.parts).toBe(parts);
      expect(fig.costOre).toBe(Math.round(parts * price));
      expect(fig.tips).toBe(tips.length);
      expect(fig.firstTipSeconds).toBe(tips.length ? r1((Date.parse(tips[0]!.received_at) - Date.parse(released)) / 1000) : null);
      expect(fig.outcome?.outcome ?? null).toBe(outcome?.outcome ?? null);
      expect(fig.outcome?.tipsHelped ?? null).toBe(outcome ? (outcome.tips_helped === null ? null : outcome.tips_helped === 1) : null);
      sums = { recipients: sums.recipients + rows.length, delivered: sums.delivered + count('delivered'), cancelled: sums.cancelled + count('cancelled'), parts: sums.parts + parts, tips: sums.tips + tips.length };
      if (delivered.length) {
        t50s.push(q(0.5)!);
        t90s.push(q(0.9)!);
        t99s.push(q(0.99)!);
      }
      if (tips.length) firsts.push(r1((Date.parse(tips[0]!.received_at) - Date.parse(released)) / 1000)!);
    }
    expect(report.delivery.recipients).toBe(sums.recipients);
    expect(report.delivery.delivered).toBe(sums.delivered);
    expect(report.delivery.rate).toBe(sums.delivered / (sums.recipients - sums.cancelled));
    expect([report.delivery.t50, report.delivery.t90, report.delivery.t99]).toEqual([r1(median(t50s)), r1(median(t90s)), r1(median(t99s))]);
    expect(report.delivery.alertsWithReceipts).toBe(t50s.length);
    expect(report.cost).toEqual({ parts: sums.parts, pricePerPartOre: price, totalOre: Math.round(sums.parts * price) });
    expect(report.tips.total).toBe(sums.tips);
    expect(report.tips.perAlert).toBe(sums.tips / inPeriod.length);
    expect(report.tips.medianFirstTipSeconds).toBe(r1(median(firsts)));
    const outcomes = await store.db.all<{ outcome: string; tips_helped: number | null }>(
      `SELECT o.outcome, o.tips_helped FROM alert_outcomes o WHERE o.alert_id IN (${cases.map((c) => c.id).join(',')})`,
    );
    expect(report.outcomes.recorded).toBe(outcomes.length);
    expect(report.outcomes.notRecorded).toBe(cases.length - outcomes.length);
    expect(report.outcomes.tipsHelped).toBe(outcomes.filter((o) => o.tips_helped === 1).length);
    for (const [o, n] of Object.entries(report.outcomes.byOutcome)) expect(n).toBe(outcomes.filter((x) => x.outcome === o).length);
    expect(report.reach.channels).toEqual([]);
  });

  it('kept figures of finished sends give the same report; a send still waiting for receipts is computed each time', async () => {
    const kept = await store.db.get<{ n: number }>('SELECT count(*) AS n FROM send_figures');
    expect(kept!.n).toBeGreaterThan(0);
    const again = await evaluation(await deps(), { from, to });
    expect({ ...again, generatedAt: '' }).toEqual({ ...report, generatedAt: '' });
    const waiting = report.perAlert.find((a) => a.id === noReceipts)!;
    expect(waiting.delivery).toMatchObject({ recipients: 3, delivered: 0, pending: 3, rate: 0, t50: null, t90: null, t99: null });
    expect(await store.db.get("SELECT 1 FROM send_figures WHERE send_id = (SELECT id FROM sends WHERE alert_ref = ?)", [`alert:${noReceipts}`])).toBeUndefined();
  });

  it('narrows to a district (subscribers with a place there, alerts whose area lies there) and to a category', async () => {
    const west = await evaluation(await deps(), { from, to, district: '91' });
    const east = await evaluation(await deps(), { from, to, district: '92' });
    expect(west.query.district).toEqual({ code: '91', name: 'Vestkreds' });
    expect(west.alerts.count + east.alerts.count).toBe(report.alerts.count);
    const homes = await store.db.all<{ subscriber_id: number; lon: number; lat: number }>('SELECT subscriber_id, lon, lat FROM places');
    const westIds = new Set(homes.filter((h) => inBox(A, h.lon, h.lat)).map((h) => h.subscriber_id));
    const events = await store.db.all<{ subscriber_id: number; kind: string; at: string }>('SELECT subscriber_id, kind, at FROM subscriber_events');
    const inWest = events.filter((e) => westIds.has(e.subscriber_id) && localDay(new Date(e.at)) >= from && localDay(new Date(e.at)) <= to);
    expect(west.subscribers.signups).toBe(inWest.filter((e) => e.kind === 'signup' || e.kind === 'opt_in').length);
    for (const a of west.perAlert) {
      const area = JSON.parse((await store.db.get<{ area: string }>('SELECT area FROM alerts WHERE id = ?', [a.id]))!.area) as { parts: { shape: { center: [number, number] } }[] };
      expect(inBox(A, ...area.parts[0]!.shape.center)).toBe(true);
    }
    const burglary = await evaluation(await deps(), { from, to, category: 'burglary' });
    expect(burglary.perAlert.every((a) => a.category === 'burglary')).toBe(true);
    expect(burglary.alerts.count).toBe(report.alerts.byCategory.burglary);
    await expect(evaluation(await deps(), { from, to, district: '99' })).rejects.toThrow(/No police district/);
  });

  it('reach per channel: each alert post that went out at its latest reach figure; comments and failed posts do not count', async () => {
    const [a, b] = report.perAlert.filter((x) => x.kind === 'alert');
    const at = (h: number) => new Date(Date.parse(a!.releasedAt) + h * 3_600_000).toISOString();
    await store.db.exec(`INSERT INTO social_channels (id, name, kind, url, created_at) VALUES (1, 'fb', 'facebook', 'x', 'n'), (2, 'x', 'x', 'x', 'n')`);
    const post = (id: number, alert: number, channel: number, kind: string, status: string) =>
      store.db.run(`INSERT INTO social_posts (id, alert_id, channel_id, kind, text, status, created_at, posted_at) VALUES (?, ?, ?, ?, 't', ?, ?, ?)`, [id, alert, channel, kind, status, at(0), status === 'posted' ? at(0.1) : null]);
    await post(1, a!.id, 1, 'post', 'posted');
    await post(2, a!.id, 2, 'post', 'posted');
    await post(3, b!.id, 1, 'post', 'posted');
    await post(4, b!.id, 2, 'post', 'failed');
    const metric = (postId: number, h: number, name: string, value: number) =>
      store.db.run('INSERT INTO social_metrics (post_id, at, metric, value) VALUES (?, ?, ?, ?)', [postId, at(h), name, value]);
    await metric(1, 1, 'views', 1000);
    await metric(1, 4, 'views', 8000); // the latest counts
    await metric(1, 4, 'reactions', 99);
    await metric(2, 2, 'impressions', 500);
    await metric(3, 1, 'views', 250);
    const r = await evaluation(await deps(), { from, to });
    expect(r.reach.channels).toEqual([
      { channel: 'facebook', posts: 2, reach: 8250 },
      { channel: 'x', posts: 1, reach: 500 },
    ]);
    const one = await alertReport(await deps(), a!.id);
    expect(one.reach.channels).toEqual([
      { channel: 'facebook', posts: 1, reach: 8000 },
      { channel: 'x', posts: 1, reach: 500 },
    ]);
    expect(one.timeline.filter((e) => e.event === 'social_post').map((e) => e.detail)).toEqual(['facebook', 'x']);
    await store.db.exec('DELETE FROM social_posts; DELETE FROM social_channels');
  });

  it('a period with no data has zeros and says nothing was measured; a period backwards is refused', async () => {
    const empty = await evaluation(await deps(), { from: '2001-01-01', to: '2001-02-15' });
    expect(empty.alerts.count).toBe(0);
    expect(empty.perAlert).toEqual([]);
    expect(empty.subscribers).toMatchObject({ atStart: 0, atEnd: 0, signups: 0, leaves: 0 });
    expect(empty.subscribers.byMonth.map((m) => m.month)).toEqual(['2001-01', '2001-02']);
    expect(empty.delivery).toMatchObject({ recipients: 0, rate: null, t50: null, alertsWithReceipts: 0 });
    expect(empty.tips).toMatchObject({ total: 0, perAlert: null, medianFirstTipSeconds: null });
    await expect(evaluation(await deps(), { from: '2026-03-02', to: '2026-03-01' })).rejects.toThrow(/ends .* before it starts/);
    await expect(evaluation(await deps(), { from: '2026-02-30', to: '2026-03-01' })).rejects.toThrow(/not a date/);
  });

  it('records an outcome (audited, replacing the last), and refuses one or a PDF for an alert that never went out', async () => {
    const id = report.perAlert.find((a) => a.kind === 'alert' && !a.outcome)!.id;
    await recordOutcome(store.db, { alertId: id, outcome: 'found', tipsHelped: true, note: 'Fundet i skoven ved Gribskov' }, vagtchef, new Date(), 'console');
    await recordOutcome(store.db, { alertId: id, outcome: 'arrested', tipsHelped: false, note: '' }, vagtchef, new Date(), 'console');
    const fig = await figuresForAlert(await deps(), id);
    expect(fig.outcome).toMatchObject({ outcome: 'arrested', tipsHelped: false, recordedBy: 'vagtchef' });
    const audit = await store.db.all<{ details: string }>("SELECT details FROM audit_log WHERE action = 'outcome_recorded' AND subject = ? ORDER BY seq", [`alert:${id}`]);
    expect(audit.map((a) => JSON.parse(a.details) as Record<string, unknown>)).toEqual([
      { via: 'console', outcome: 'found', tipsHelped: true, noteLength: 28 },
      { via: 'console', outcome: 'arrested', tipsHelped: false, noteLength: 0, replaced: 'found' },
    ]);
    await expect(recordOutcome(store.db, { alertId: draft, outcome: 'found', tipsHelped: null, note: '' }, vagtchef, new Date(), 'console')).rejects.toThrow(/never went out/);
    await expect(alertReport(await deps(), draft)).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/never went out \(it is draft\)/) });
    await expect(alertReport(await deps(), 999_999)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('an alert without receipts still has a report: all in flight, no times', async () => {
    const r = await alertReport(await deps(), noReceipts);
    expect(r.alert.delivery).toMatchObject({ recipients: 3, delivered: 0, pending: 3 });
    expect(r.timeline.map((e) => e.event)).toEqual(['drafted', 'released']);
    const pdf = new PdfClient();
    const text = pdfText(await pdf.alertPdf(r).finally(() => pdf.close()));
    expect(text).toContain('Undervejs');
    expect(text).toMatch(/Tid til 50 % leveret\s+–/);
  });

  it('the PDFs carry the numbers of `tryk report … --json`, with æ, ø and å intact', async () => {
    await store.close();
    const dir = mkdtempSync(join(tmpdir(), 'tryk-report-'));
    const env = { ...process.env, TRYK_PASSPHRASE: TEST_PASSPHRASE, TRYK_DATA_DIR: store.dataDir };
    const out: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect((await run(['report', 'period', '--from', from, '--to', to, '--json'], env)).code).toBe(0);
      const json = (JSON.parse(out.pop()!) as { value: EvaluationReport }).value;
      expect((await run(['report', 'period', '--from', from, '--to', to, '--out', join(dir, 'p.pdf')], env)).code).toBe(0);
      const text = pdfText(readFileSync(join(dir, 'p.pdf')));
      const s = json.subscribers;
      for (const [label, value] of [
        ['Ved periodens start', fmtInt(s.atStart, 'da')],
        ['Ved periodens slutning', fmtInt(s.atEnd, 'da')],
        ['Tilmeldt', fmtInt(s.signups, 'da')],
        ['Frameldt', fmtInt(s.leaves, 'da')],
        ['Modtagere', fmtInt(json.delivery.recipients, 'da')],
        ['Leveret', fmtInt(json.delivery.delivered, 'da')],
        ['Leveringsgrad', fmtPct(json.delivery.rate, 'da')],
        ['Tid til 50 % leveret', fmtSeconds(json.delivery.t50, 'da')],
        ['Tid til 90 % leveret', fmtSeconds(json.delivery.t90, 'da')],
        ['Tid til 99 % leveret', fmtSeconds(json.delivery.t99, 'da')],
        ['SMS-dele', fmtInt(json.cost.parts, 'da')],
        ['Pris', fmtOre(json.cost.totalOre, 'da')],
        ['Tips i alt', fmtInt(json.tips.total, 'da')],
        ['Registreret', fmtInt(json.outcomes.recorded, 'da')],
      ] as const) {
        expect(text, label).toMatch(new RegExp(`${label}\\s+${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`));
      }
      expect(text).toMatch(new RegExp(`\\nVarsler\\s+${json.alerts.count}\\n`));
      for (const m of s.byMonth) expect(text).toMatch(new RegExp(`${m.month}\\s+${fmtInt(m.signups, 'da').replace('.', '\\.')}\\s+${fmtInt(m.leaves, 'da').replace('.', '\\.')}`));
      expect(text).toContain('Tilmeldinger og frameldinger pr. gruppe');
      expect(text).toContain('Ingen opslag på sociale medier.');

      const id = json.perAlert.filter((a) => a.kind === 'alert' && a.tips > 0).at(-1)!.id;
      out.length = 0;
      expect((await run(['report', 'alert', String(id), '--json'], env)).code).toBe(0);
      const alert = (JSON.parse(out.pop()!) as { value: Awaited<ReturnType<typeof alertReport>> }).value;
      expect((await run(['report', 'alert', String(id), '--out', join(dir, 'a.pdf')], env)).code).toBe(0);
      const a = pdfText(readFileSync(join(dir, 'a.pdf')));
      expect(a).toContain(`Efterrapport: Varsel #${id}`);
      for (const [label, value] of [
        ['Modtagere', fmtInt(alert.alert.delivery.recipients, 'da')],
        ['Leveret', fmtInt(alert.alert.delivery.delivered, 'da')],
        ['Fejlet', fmtInt(alert.alert.delivery.failed, 'da')],
        ['Udløbet', fmtInt(alert.alert.delivery.expired, 'da')],
        ['Leveringsgrad', fmtPct(alert.alert.delivery.rate, 'da')],
        ['Tid til 50 % leveret', fmtSeconds(alert.alert.delivery.t50, 'da')],
        ['Tid til 90 % leveret', fmtSeconds(alert.alert.delivery.t90, 'da')],
        ['Tips i alt', fmtInt(alert.alert.tips, 'da')],
        ['Første tip efter', fmtSeconds(alert.alert.firstTipSeconds, 'da')],
      ] as const) {
        expect(a, label).toMatch(new RegExp(`${label}\\s+${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`));
      }
      for (const f of alert.failures) expect(a).toMatch(new RegExp(`${f.reason}\\s+${f.count}\\n`));
      expect(a).toContain('Område og levering pr. celle');
      expect(a).toContain('Første tip'); // ø from the embedded font, not a substitute glyph
      expect(alert.cells.cells.length).toBeGreaterThan(0);
      // A PDF asked for an alert that never went out: one clear line, nothing written.
      expect((await run(['report', 'alert', String(draft), '--out', join(dir, 'd.pdf')], env)).code).toBe(1);
    } finally {
      vi.restoreAllMocks();
    }
  });
});

function pdfText(pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'tryk-pdf-'));
  writeFileSync(join(dir, 'x.pdf'), pdf);
  return execFileSync('pdftotext', ['-layout', join(dir, 'x.pdf'), '-'], { encoding: 'utf8' });
}
