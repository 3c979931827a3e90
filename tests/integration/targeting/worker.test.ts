import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { insertSubscribers, synthesizeSubscribers } from '../../../electron/demo/synthesize';
import { loadDagiBoundaries } from '../../../electron/demo/dagi';
import type { Boundaries } from '../../../electron/demo/dagi';
import { registryService } from '../../../electron/registry/service';
import { buildIndexFromStore } from '../../../electron/targeting/fromStore';
import { TargetingEngine } from '../../../electron/targeting/engine';
import { liveTargeting } from '../../../electron/targeting/live';
import type { LiveTargeting } from '../../../electron/targeting/live';
import { MAX_AREA_VERTICES } from '../../../shared/geo/validate';
import type { TargetArea, TargetFilterInput } from '../../../shared/targeting/area';
import { testStore } from '../../support/store';

const repoRoot = resolve(__dirname, '../../..');
const NS = 'Nordsjællands Politi';
const actor = { officer: null, via: 'cli' as const };

const areas: TargetArea[] = [
  { parts: [{ mode: 'include', shape: { type: 'circle', center: [12.311, 55.927], radiusM: 4000 } }] },
  {
    parts: [
      { mode: 'include', shape: { type: 'polygon', coordinates: [[[12.0, 55.8], [12.7, 55.8], [12.7, 56.2], [12.0, 56.2], [12.0, 55.8]]] } },
      { mode: 'exclude', shape: { type: 'circle', center: [12.311, 55.927], radiusM: 2000 } },
    ],
  },
  { parts: [{ mode: 'include', shape: { type: 'polygon', coordinates: [[[7, 54], [16, 54], [16, 58], [7, 58], [7, 54]]] } }] },
];
const filters: (TargetFilterInput | undefined)[] = [undefined, { statuses: ['active', 'paused', 'opted_out'] }, { groups: ['taxi', 'shop'] }];

let boundaries: Boundaries;
beforeAll(() => {
  boundaries = loadDagiBoundaries(resolve(repoRoot, '../shared/data/dagi'));
});

describe('the place index in its worker', () => {
  let store: Awaited<ReturnType<typeof testStore>>;
  const opened: LiveTargeting[] = [];
  const open = (opts: Parameters<typeof liveTargeting>[1] = {}) => {
    const live = liveTargeting(store.db, { snapshotDelayMs: 60_000, ...opts });
    opened.push(live);
    return live;
  };

  beforeEach(async () => {
    store = await testStore();
    await insertSubscribers(store.db, synthesizeSubscribers({ count: 1200, district: NS, seed: 5, boundaries }), { batch: 600 });
  });
  afterEach(async () => {
    for (const l of opened.splice(0)) await l.close();
    await store.remove();
  });

  /** What a fresh index built on this thread from the store counts. */
  async function expected() {
    const engine = new TargetingEngine((await buildIndexFromStore(store.db)).index);
    return areas.flatMap((a) => filters.map((f) => engine.count(a, f)));
  }
  async function counted(live: LiveTargeting) {
    const out = [];
    for (const a of areas) for (const f of filters) out.push(await live.client.count(a, f));
    return out;
  }

  it('counts exactly what an index on this thread counts, from the store and then from its snapshot', async () => {
    const first = open();
    expect(await counted(first)).toEqual(await expected());
    expect(first.client.lastLoad?.source).toBe('store');
    // Built from the store: the snapshot is due; written now, the next start loads it.
    expect((await first.refreshSnapshot()).outcome).toBe('written');
    await first.close();
    const second = open();
    expect(await counted(second)).toEqual(await expected());
    expect(second.client.lastLoad).toMatchObject({ source: 'snapshot', savedGrid: true });
  });

  it('takes registry writes at once, and the snapshot written after them loads warm and exact', async () => {
    const registry = registryService(store.db, () => new Date());
    const live = open();
    registry.onChange((c) => live.applyChange(c));
    const everything = areas[2]!;
    const before = await live.client.count(everything);
    const { phone } = (await store.db.get<{ phone: string }>('SELECT phone FROM subscribers ORDER BY id LIMIT 1'))!;
    await registry.erase(phone, actor);
    await live.applied();
    const after = await live.client.count(everything);
    expect(after.ok && before.ok && after.value.total).toBe(before.ok ? before.value.total - 1 : -1);
    const report = await registry.importRecords(
      [{ phone: '+4520123456', home_lat: '55.93', home_lon: '12.31', groups: 'taxi' }].map((r, i) => ({ row: i + 2, record: r })),
      'all_or_nothing',
      actor,
    );
    expect(report.imported).toBe(true);
    await live.applied();
    expect(await counted(live)).toEqual(await expected());
    // The index changed since its layout: the refresh lays it out in a second worker.
    expect((await live.refreshSnapshot()).outcome).toBe('written');
    await live.close();
    const warm = open();
    expect(await counted(warm)).toEqual(await expected());
    expect(warm.client.lastLoad?.source).toBe('snapshot');
  });

  it('restarts a worker killed mid-count and answers the count', async () => {
    const live = open({ workerOptions: { testCountDelayMs: 400 } });
    await live.client.start();
    const want = (await expected())[0];
    const pending = live.client.count(areas[0]!);
    await new Promise((r) => setTimeout(r, 100));
    await live.client.killWorker();
    expect(await pending).toEqual(want);
    expect(live.client.starts).toBe(2);
  });

  it('says so clearly when the worker dies again on the retry', async () => {
    const live = open({ workerOptions: { testCountDelayMs: 400 } });
    await live.client.start();
    const pending = live.client.count(areas[0]!);
    pending.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
    await live.client.killWorker();
    // Kill the restarted one too, once it is counting the retry.
    await expect.poll(() => live.client.starts).toBe(2);
    await live.client.start();
    await new Promise((r) => setTimeout(r, 100));
    await live.client.killWorker();
    await expect(pending).rejects.toMatchObject({ code: 'unavailable', details: { area: 'index_unavailable' } });
    // And the next count starts a third worker that answers.
    expect((await live.client.count(areas[0]!)).ok).toBe(true);
  });

  it('lets a newer count of the same key supersede a waiting one, which is never computed', async () => {
    const live = open({ workerOptions: { testCountDelayMs: 150 } });
    await live.client.start();
    const key = {};
    const a = live.client.count(areas[0]!, undefined, key);
    const b = live.client.count(areas[1]!, undefined, key);
    const c = live.client.count(areas[2]!, undefined, key);
    const other = live.client.count(areas[1]!, undefined, {});
    await expect(b).rejects.toMatchObject({ code: 'conflict', details: { superseded: true } });
    const want = await expected();
    expect(await a).toEqual(want[0]);
    expect(await c).toEqual(want[filters.length * 2]);
    expect(await other).toEqual(want[filters.length]);
  });

  it('refuses an area with a million vertices before it reaches the worker', async () => {
    const live = open();
    const ring: [number, number][] = [];
    for (let i = 0; i < 1_000_000; i++) {
      const t = (2 * Math.PI * i) / 1_000_000;
      ring.push([12.3 + 0.1 * Math.cos(t), 55.9 + 0.05 * Math.sin(t)]);
    }
    ring.push(ring[0]!);
    const r = await live.client.count({ parts: [{ mode: 'include', shape: { type: 'polygon', coordinates: [ring] } }] });
    expect(r).toMatchObject({ ok: false, error: { code: 'too_many_points' } });
    expect(!r.ok && r.error.message).toContain(`at most ${MAX_AREA_VERTICES}`);
    expect(live.client.starts).toBe(0);
  });
});
