/**
 * The tip map over the bridge: an alert's SMS tips as cells at the tipsters' registered places
 * inside the area, each cell with enough distinct tipsters; never a number or an exact place in
 * the layer. Opening one tip reveals that one place (audited, as opening is).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handlersFor } from '../../../electron/app';
import { listAudit } from '../../../electron/audit/service';
import { createDispatcher, newSession } from '../../../electron/bridge/dispatcher';
import type { Caller } from '../../../electron/bridge/dispatcher';
import { createServices } from '../../../electron/services';
import { tipCells } from '../../../electron/tips/map';
import { testStore } from '../../support/store';

// Near Hillerød station, placed so the tipsters below share one cell at zoom 10.
const HILLEROD = { lat: 55.925, lon: 12.285 };
// A circle of 10 km around it: the area of alert 7.
const AREA = { parts: [{ mode: 'include', shape: { type: 'circle', center: [HILLEROD.lon, HILLEROD.lat], radiusM: 10_000 } }] };

describe('the tip map', () => {
  let store: Awaited<ReturnType<typeof testStore>>;
  const phones: string[] = [];

  const as = (roles: ('operator' | 'approver' | 'admin')[] | null): Caller => {
    const session = newSession();
    if (roles) session.officer = { id: 1, username: 'jensen', displayName: 'Jensen', roles };
    session.lastActivity = Date.now();
    return { host: 'headless', session };
  };

  const subscriber = async (phone: string, places: { kind: string; lat: number; lon: number }[]) => {
    const { lastID } = await store.db.run("INSERT INTO subscribers (phone, status, created_at, updated_at) VALUES (?, 'active', 'now', 'now')", [phone]);
    for (const p of places) await store.db.run('INSERT INTO places (subscriber_id, kind, lat, lon) VALUES (?, ?, ?, ?)', [lastID, p.kind, p.lat, p.lon]);
    phones.push(phone);
  };
  const tip = (sender: string, text = 'Jeg så en rød bil', alertId: number | null = 7) =>
    store.db.run("INSERT INTO tips (channel, sender, gateway, text, received_at, alert_id, updated_at) VALUES ('sms', ?, 'sim', ?, '2026-12-05T10:10:00Z', ?, 'now')", [sender, text, alertId]);

  beforeEach(async () => {
    store = await testStore();
    phones.length = 0;
    const { lastID: officer } = await store.db.run(
      "INSERT INTO officers (username, display_name, roles, pass_hash, created_at, updated_at) VALUES ('jensen', 'Jensen', '[\"operator\"]', 'x', 'now', 'now')",
    );
    await store.db.run(
      `INSERT INTO alerts (id, uuid, kind, category, language, sms_text, area, status, created_by, last_edited_by, created_at, updated_at)
       VALUES (7, 'u7', 'alert', 'burglary', 'da', 'Indbrud i Hillerød', ?, 'sent', ?, ?, 'now', 'now')`,
      [JSON.stringify(AREA), officer, officer],
    );
    // Six tipsters living a few hundred metres apart near the station (one cell at zoom 10)…
    for (let i = 0; i < 6; i++) await subscriber(`+45201234${10 + i}`, [{ kind: 'home', lat: HILLEROD.lat + i * 0.001, lon: HILLEROD.lon + i * 0.001 }]);
    // …one whose home is in Copenhagen but who works inside the area (the work place put them in it)…
    await subscriber('+4520123420', [
      { kind: 'home', lat: 55.6761, lon: 12.5683 },
      { kind: 'work', lat: HILLEROD.lat + 0.002, lon: HILLEROD.lon + 0.002 },
    ]);
    // …and one alone far out in the area, whose cell stays hidden.
    await subscriber('+4520123430', [{ kind: 'home', lat: HILLEROD.lat - 0.06, lon: HILLEROD.lon }]);
    for (const p of phones) await tip(p);
    // One tipster floods: many tips, still one person.
    for (let i = 0; i < 20; i++) await tip('+4520123430', `igen ${i}`);
    await tip('+4599999999'); // not a subscriber
    await tip('+4520123410', 'anden sag', null); // not tied
  });
  afterEach(() => store.remove());

  it('counts the tips of an alert by cell, at the place inside the area, and hides cells of fewer tipsters than the minimum', async () => {
    const map = await tipCells(store.db, 7, 10);
    expect(map.minCount).toBe(5);
    expect(map.cells).toHaveLength(1);
    expect(map.cells[0]).toMatchObject({ tips: 7, tipsters: 7 });
    const c = map.cells[0]!;
    expect(HILLEROD.lat).toBeGreaterThanOrEqual(c.lat);
    expect(HILLEROD.lat).toBeLessThan(c.lat + map.cellSizeDeg);
    expect(map.hiddenTips).toBe(21); // the lone flooder: 21 tips, one tipster
    expect(map.unplacedTips).toBe(1); // the number that is no subscriber
    // Read a few tipsters at a time (a tipster with two places on a page's edge included), the answer is the same.
    expect(await tipCells(store.db, 7, 10, 2)).toEqual(map);
    // Zoomed in far, every cell has too few tipsters: nothing is drawn, nothing is lost from the sums.
    const close = await tipCells(store.db, 7, 18);
    expect(close.cells).toEqual([]);
    expect(close.hiddenTips).toBe(28);
  });

  it('serves the layer on the bridge to signed-in officers only, with counts and never a number or an exact place', async () => {
    const services = createServices({ store, host: 'headless', version: 'test', tileUrl: null });
    const dispatch = createDispatcher(handlersFor(services));
    expect(await dispatch(as(null), 'tips.cells', { alertId: 7, zoom: 10 })).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(await dispatch(as(['operator']), 'tips.cells', { alertId: 7, zoom: 40 })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await dispatch(as(['operator']), 'tips.cells', { alertId: 99, zoom: 10 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const layer = await dispatch(as(['operator']), 'tips.cells', { alertId: 7, zoom: 10 });
    expect(layer).toMatchObject({ ok: true, value: { alertId: 7, cells: [{ tips: 7, tipsters: 7 }] } });
    const payload = JSON.stringify(layer);
    for (const p of [...phones, '+4599999999']) {
      expect(payload).not.toContain(p);
      expect(payload).not.toContain(p.slice(3)); // nor the national number
    }
    // No tipster's place: every coordinate in the payload is a cell corner on the grid.
    const rows = await store.db.all<{ lat: number; lon: number }>('SELECT lat, lon FROM places');
    for (const r of rows) {
      expect(payload).not.toContain(String(r.lat));
      expect(payload).not.toContain(String(r.lon));
    }

    // Opening the tip of the worker reveals the place that put them inside the area (not their home), audited.
    const id = (await store.db.get<{ id: number }>("SELECT id FROM tips WHERE sender = '+4520123420'"))!.id;
    const opened = await dispatch(as(['operator']), 'tips.open', { id });
    expect(opened).toMatchObject({ ok: true, value: { place: { lat: HILLEROD.lat + 0.002, lon: HILLEROD.lon + 0.002 } } });
    expect((await listAudit(store.db, { action: 'tip_opened' })).map((e) => e.subject)).toEqual([`tip:${id}`]);
  });
});
