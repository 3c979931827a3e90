import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from '../../../electron/store/store';
import type { Store } from '../../../electron/store/store';
import { insertSubscribers, synthesizeSubscribers, syntheticPhone } from '../../../electron/demo/synthesize';
import type { SyntheticSubscriber } from '../../../electron/demo/synthesize';
import { boundaryResolver, districtByName, loadBundledBoundaries } from '../../../electron/demo/dagi';
import type { Boundaries } from '../../../electron/demo/dagi';
import { buildIndexFromStore } from '../../../electron/targeting/fromStore';
import { PlaceIndex } from '../../../electron/targeting/placeIndex';
import { TargetingEngine } from '../../../electron/targeting/engine';
import { pointInMultiPolygon } from '../../../shared/geo/pointInPolygon';
import { normalizePhone } from '../../../shared/phone';
import { compileArea } from '../../../shared/targeting/compile';
import { TargetFilterSchema } from '../../../shared/targeting/area';


function everywhere() {
  const c = compileArea({ parts: [{ mode: 'include', shape: { type: 'polygon', coordinates: [[[7, 54], [16, 54], [16, 58], [7, 58], [7, 54]]] } }] });
  if (!c.ok) throw new Error(c.error.message);
  return c.value;
}
let boundaries: Boundaries;
let dir: string;
let store: Store;

beforeAll(async () => {
  boundaries = loadBundledBoundaries();
  dir = mkdtempSync(join(tmpdir(), 'tryk-targeting-'));
  store = await createStore({ dataDir: dir, key: { kind: 'passphrase', passphrase: 'test-passphrase' }, kdf: 'fast' });
});
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const NS = 'Nordsjællands Politi';

describe('synthetic subscribers', () => {
  it('groups island features into one multipolygon per key', () => {
    expect(boundaries.district.size).toBe(12);
    expect(boundaries.municipality.size).toBe(99);
    expect(districtByName(boundaries, NS)!.geometry.coordinates.length).toBeGreaterThan(1);
  });

  it('are the same for a seed, differ for another, and stay inside the district', () => {
    const a = [...synthesizeSubscribers({ count: 300, district: NS, seed: 42, boundaries })];
    const b = [...synthesizeSubscribers({ count: 300, district: NS, seed: 42, boundaries })];
    const c = [...synthesizeSubscribers({ count: 300, district: NS, seed: 43, boundaries })];
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const ns = districtByName(boundaries, NS)!.geometry.coordinates;
    for (const s of a) for (const p of s.places) expect(pointInMultiPolygon(p.lon, p.lat, ns)).toBe(true);
    expect(new Set(a.map((s) => s.phone)).size).toBe(a.length);
    // The registry's own validation (full metadata), so demo data survives export and re-import.
    for (const s of a) expect(normalizePhone(s.phone)).toEqual({ ok: true, e164: s.phone });
    for (const k of [0, 999_999, 5_999_999, 6_000_000, 6_899_999, 14_999_999]) {
      expect(normalizePhone(syntheticPhone(k)).ok, syntheticPhone(k)).toBe(true);
    }
    const placesPer = a.reduce((k, s) => k + s.places.length, 0) / a.length;
    expect(placesPer).toBeGreaterThan(1.15);
    expect(placesPer).toBeLessThan(1.45);
    expect(a.filter((s) => s.status === 'active').length / a.length).toBeGreaterThan(0.85);
  });

  it('write into a real store and the index built from it counts what the rows say', async () => {
    const rows: SyntheticSubscriber[] = [...synthesizeSubscribers({ count: 2000, district: null, seed: 7, boundaries })];
    const stats = await insertSubscribers(store.db, rows, { batch: 700 });
    expect(stats).toMatchObject({ subscribers: 2000, places: rows.reduce((k, r) => k + r.places.length, 0) });
    const n = await store.db.get<{ s: number; p: number; g: number }>(
      'SELECT (SELECT count(*) FROM subscribers) s, (SELECT count(*) FROM places) p, (SELECT count(*) FROM subscriber_groups) g',
    );
    expect(n).toEqual({ s: 2000, p: stats.places, g: rows.reduce((k, r) => k + r.groups.length, 0) });

    // A category first seen far into the table must still reach the index.
    // (id 100,000 lies in a later read chunk than the others).
    const late = { ...rows[1999]!, phone: '+4529999999', categories: ['late_category'] };
    await store.db.run(`INSERT INTO subscribers (id, phone, status, created_at, updated_at) VALUES (100000, ?, ?, 'x', 'x')`, [late.phone, late.status]);
    await store.db.run(`INSERT INTO subscriber_groups (subscriber_id, group_id) SELECT 100000, id FROM groups WHERE code = 'citizen'`);
    await store.db.run(`INSERT INTO subscriber_categories (subscriber_id, category) VALUES (100000, 'late_category')`);
    for (const p of late.places) await store.db.run('INSERT INTO places (subscriber_id, kind, lat, lon) VALUES (100000, ?, ?, ?)', [p.kind, p.lat, p.lon]);
    const { index } = await buildIndexFromStore(store.db);
    const reference = PlaceIndex.fromRecords([
      ...rows.map((r, i) => ({ id: i + 1, status: r.status, groups: r.groups, categories: r.categories, places: r.places })),
      { id: 100000, status: late.status, groups: ['citizen'], categories: ['late_category'], places: late.places },
    ]);
    expect(index.count(everywhere(), TargetFilterSchema.parse({ categories: ['late_category'], statuses: ['active', 'paused', 'opted_out'] })).total).toBe(1);
    const engine = new TargetingEngine(index, boundaryResolver(boundaries));
    const refEngine = new TargetingEngine(reference, boundaryResolver(boundaries));
    const areas = [
      { parts: [{ mode: 'include' as const, shape: { type: 'boundary' as const, kind: 'district' as const, code: districtByName(boundaries, NS)!.code } }] },
      {
        parts: [
          { mode: 'include' as const, shape: { type: 'boundary' as const, kind: 'municipality' as const, code: '0101' } },
          { mode: 'exclude' as const, shape: { type: 'circle' as const, center: [12.57, 55.68] as [number, number], radiusM: 1500 } },
        ],
      },
    ];
    for (const area of areas) {
      for (const filter of [{}, { groups: ['taxi', 'shop'] }, { categories: ['fraud'], statuses: ['active' as const, 'paused' as const] }]) {
        const got = engine.count(area, filter);
        const want = refEngine.count(area, filter);
        expect(got.ok && want.ok).toBe(true);
        expect(got).toEqual(want);
      }
    }
    const all = engine.count({ parts: [{ mode: 'include', shape: { type: 'polygon', coordinates: [[[7, 54], [16, 54], [16, 58], [7, 58], [7, 54]]] } }] }, { statuses: ['active', 'paused', 'opted_out'] });
    expect(all.ok && all.value.total).toBe(2001);
  });
});
