import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { insertSubscribers, synthesizeSubscribers } from '../../../electron/demo/synthesize';
import { boundaryResolver, districtByName, loadBundledBoundaries } from '../../../electron/demo/dagi';
import type { Boundaries } from '../../../electron/demo/dagi';
import { registryService } from '../../../electron/registry/service';
import { buildIndexFromStore } from '../../../electron/targeting/fromStore';
import { TargetingEngine } from '../../../electron/targeting/engine';
import { PlaceIndex } from '../../../electron/targeting/placeIndex';
import { loadOrBuildIndex, readSnapshot, registryVersion, writeSnapshot } from '../../../electron/targeting/snapshot';
import type { TargetArea, TargetFilterInput } from '../../../shared/targeting/area';
import type { Db, Params } from '../../../electron/store/db';
import { testStore } from '../../support/store';

const NS = 'Nordsjællands Politi';
const ALL_STATUSES: TargetFilterInput = { statuses: ['active', 'paused', 'opted_out'] };
const actor = { officer: null, via: 'cli' as const };

let boundaries: Boundaries;
let areas: TargetArea[];
beforeAll(() => {
  boundaries = loadBundledBoundaries();
  areas = [
    { parts: [{ mode: 'include', shape: { type: 'boundary', kind: 'district', code: districtByName(boundaries, NS)!.code } }] },
    { parts: [{ mode: 'include', shape: { type: 'boundary', kind: 'postcode', code: '3400' } }] },
    { parts: [{ mode: 'include', shape: { type: 'circle', center: [12.311, 55.927], radiusM: 4000 } }] },
    {
      parts: [
        { mode: 'include', shape: { type: 'polygon', coordinates: [[[12.0, 55.8], [12.7, 55.8], [12.7, 56.2], [12.0, 56.2], [12.0, 55.8]]] } },
        { mode: 'exclude', shape: { type: 'circle', center: [12.311, 55.927], radiusM: 2000 } },
      ],
    },
    // Everything: catches a lost or duplicated subscriber anywhere.
    { parts: [{ mode: 'include', shape: { type: 'polygon', coordinates: [[[7, 54], [16, 54], [16, 58], [7, 58], [7, 54]]] } }] },
  ];
});

/** Every area under several filters, as one comparable value. */
function counts(index: PlaceIndex) {
  const engine = new TargetingEngine(index, boundaryResolver(boundaries));
  return areas.flatMap((area) =>
    [{}, ALL_STATUSES, { groups: ['taxi', 'shop'] }, { categories: ['fraud'], statuses: ['active', 'paused'] }].map((f) => {
      const c = engine.count(area, f as TargetFilterInput);
      if (!c.ok) throw new Error(c.error.message);
      return c.value;
    }),
  );
}

describe('index snapshot', () => {
  let store: Awaited<ReturnType<typeof testStore>>;
  beforeEach(async () => {
    store = await testStore();
    await insertSubscribers(store.db, synthesizeSubscribers({ count: 1500, district: NS, seed: 11, boundaries }), { batch: 600 });
  });
  afterEach(async () => store.remove());

  const fresh = async () => counts((await buildIndexFromStore(store.db)).index);
  /** A start-up whose background snapshot write has finished. */
  async function start() {
    const s = await loadOrBuildIndex(store.db);
    await s.snapshot;
    return s;
  }

  it('is written after a build and loaded on the next start, counting exactly what a fresh build counts', async () => {
    const first = await start();
    expect(first).toMatchObject({ source: 'store', reason: expect.stringMatching(/^none/) as unknown });
    expect(await first.snapshot).toMatchObject({ version: await registryVersion(store.db) });
    const second = await start();
    expect(second.source).toBe('snapshot');
    expect(second.snapshot).toBeNull();
    const want = await fresh();
    expect(want[want.length - 3]!.total).toBe(1500); // the everywhere area, all statuses
    expect(counts(second.index)).toEqual(want);
    expect(counts(first.index)).toEqual(want);
    // The arrays themselves, not only the counts: places in the index's own order, with its grid.
    expect(second.index.loadedWithGrid).toBe(true);
    const read = await readSnapshot(store.db);
    const b = await buildIndexFromStore(store.db);
    const { grid, ...places } = b.index.layout();
    expect(read.ok && read.arrays).toEqual({ ...b.arrays, ...places });
    expect(read.ok && read.grid).toEqual(grid);
  });

  it('builds the grid itself when the saved one does not fit the places, and still counts exactly', async () => {
    const want = await fresh();
    const b = await buildIndexFromStore(store.db);
    const { grid, ...places } = b.index.layout();
    const v = await registryVersion(store.db);
    const cell = grid.cellStart.findIndex((x, c) => c < grid.multiEnd.length && grid.multiEnd[c]! > x);
    expect(cell).toBeGreaterThanOrEqual(0);
    const misfits = [
      { ...grid, minLon: grid.minLon - grid.cellW }, // every place one cell off
      { ...grid, multiEnd: grid.multiEnd.map((m, c) => (c === cell ? m - 1 : m)) }, // a multi-place subscriber's place among the singles
    ];
    for (const misfit of misfits) {
      // Written as a sound snapshot (lengths and checksums agree): only the fit check can catch it.
      await writeSnapshot(store.db, { ...b.arrays, ...places }, v, { grid: misfit });
      const s = await loadOrBuildIndex(store.db);
      expect(s.source).toBe('snapshot');
      expect(s.index.loadedWithGrid).toBe(false);
      expect(counts(s.index)).toEqual(want);
    }
    // A grid of the wrong size: the snapshot reader refuses it outright; the index does too.
    await writeSnapshot(store.db, { ...b.arrays, ...places }, v, { grid: { ...grid, cellStart: grid.cellStart.subarray(1) } });
    expect(await readSnapshot(store.db)).toMatchObject({ ok: false, reason: 'invalid', detail: expect.stringMatching(/^cellStart has/) as unknown });
    const short = PlaceIndex.fromArrays({ ...b.arrays, ...places }, {}, { ...grid, cellStart: grid.cellStart.subarray(1) });
    expect(short.loadedWithGrid).toBe(false);
    expect(counts(short)).toEqual(want);
    // Places in any order, without a grid, are a valid snapshot too.
    await writeSnapshot(store.db, b.arrays, v);
    const plain = await loadOrBuildIndex(store.db);
    expect(plain.source).toBe('snapshot');
    expect(plain.index.loadedWithGrid).toBe(false);
    expect(counts(plain.index)).toEqual(want);
  });

  it('round-trips across many small chunks, coordinates off the 1e-7 grid, and an empty registry', async () => {
    const { arrays } = await buildIndexFromStore(store.db);
    const v = await registryVersion(store.db);
    // Chunks of 1000 bytes: every column spans several rows and most end in a short one.
    await writeSnapshot(store.db, arrays, v, { chunkBytes: 1000 });
    expect((await store.db.get<{ n: number }>('SELECT count(*) n FROM index_snapshot'))!.n).toBeGreaterThan(20);
    const read = await readSnapshot(store.db);
    expect(read.ok && read.arrays).toEqual(arrays);

    const odd = { ...arrays, placeLon: arrays.placeLon.map((x) => x + 1e-9), placeLat: arrays.placeLat.map((x) => x + Math.PI * 1e-10) };
    await writeSnapshot(store.db, odd, v, { chunkBytes: 4096 });
    const readOdd = await readSnapshot(store.db);
    expect(readOdd.ok && readOdd.arrays.placeLon).toEqual(odd.placeLon);
    expect(readOdd.ok && readOdd.arrays.placeLat).toEqual(odd.placeLat);

    const empty = { ...arrays, subIds: new Int32Array(0), subStatus: new Uint8Array(0), subGroups: new Uint32Array(0), subCategories: new Uint32Array(0), placeSub: new Int32Array(0), placeLon: new Float64Array(0), placeLat: new Float64Array(0) };
    await writeSnapshot(store.db, empty, v);
    const readEmpty = await readSnapshot(store.db);
    expect(readEmpty.ok && readEmpty.arrays).toEqual(empty);
  });

  it('goes stale on a registry import, an erase or a demo write, and the rebuilt index has the change', async () => {
    const registry = registryService(store.db);
    await start();
    const imported = await registry.importRecords(
      [{ row: 1, record: { phone: '20123456', name: 'Bo', status: 'active', groups: 'taxi', home_lat: '55.927', home_lon: '12.311' } }],
      'all_or_nothing',
      actor,
    );
    expect(imported.imported).toBe(true);
    expect(await readSnapshot(store.db)).toMatchObject({ ok: false, reason: 'stale' });
    const afterImport = await start();
    expect(afterImport.source).toBe('store');
    expect(counts(afterImport.index)).toEqual(await fresh());
    expect(counts(afterImport.index)[areas.length * 4 - 3]!.total).toBe(1501);

    expect((await start()).source).toBe('snapshot');
    expect(await registry.erase('+4520123456', actor)).toBe(true);
    expect(await readSnapshot(store.db)).toMatchObject({ ok: false, reason: 'stale' });
    const afterErase = await start();
    expect(afterErase.source).toBe('store');
    expect(counts(afterErase.index)[areas.length * 4 - 3]!.total).toBe(1500);

    expect((await start()).source).toBe('snapshot');
    await insertSubscribers(store.db, synthesizeSubscribers({ count: 10, district: NS, seed: 12, boundaries }));
    const afterDemo = await start();
    expect(afterDemo.source).toBe('store');
    expect(counts(afterDemo.index)[areas.length * 4 - 3]!.total).toBe(1510);
  });

  it('is never served when the registry changed while it was being built', async () => {
    const registry = registryService(store.db);
    // The import is queued behind the build's first reads, so it lands in the middle of it.
    const building = loadOrBuildIndex(store.db);
    const importing = registry.importRecords(
      [{ row: 1, record: { phone: '20123457', status: 'active', home_lat: '55.93', home_lon: '12.3' } }],
      'all_or_nothing',
      actor,
    );
    const [b] = await Promise.all([building, importing]);
    await b.snapshot;
    const next = await start();
    // Whichever way the two interleaved, the next start must count what the store holds.
    expect(next.source).toBe('store');
    expect(counts(next.index)).toEqual(await fresh());
    expect(counts(next.index)[areas.length * 4 - 3]!.total).toBe(1501);
  });

  describe('write-then-flip: a write torn at any point', () => {
    /** The store's connection, but every statement after the `n`th fails, as a crash or a closed store would. */
    const failingAfter = (n: number): Db => {
      let runs = 0;
      return new Proxy(store.db, {
        get(target, prop, receiver) {
          if (prop === 'run') {
            return (sql: string, params?: Params) => (++runs > n ? Promise.reject(new Error('torn')) : target.run(sql, params));
          }
          const v = Reflect.get(target, prop, receiver) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
    };

    it('leaves the previous snapshot whole and loadable, and the next write clears the torn rows', async () => {
      await start();
      const before = await readSnapshot(store.db);
      expect(before.ok).toBe(true);
      const b = await buildIndexFromStore(store.db);
      const { grid, ...places } = b.index.layout();
      const arrays = { ...b.arrays, ...places };
      const version = await registryVersion(store.db);
      // Torn after a few chunks (small chunks, so there are many), and torn just before the flip.
      const parts = (await store.db.get<{ n: number }>("SELECT count(*) n FROM index_snapshot WHERE part != 'header'"))!.n;
      for (const n of [3, 40]) {
        await expect(writeSnapshot(failingAfter(n), arrays, version, { chunkBytes: 512, grid })).rejects.toThrow('torn');
        const after = await readSnapshot(store.db);
        expect(after).toMatchObject({ ok: true, version });
        expect(after.ok && before.ok && after.arrays).toEqual(before.ok && before.arrays);
        expect((await start()).source).toBe('snapshot');
      }
      const rows = (await store.db.get<{ n: number }>("SELECT count(*) n FROM index_snapshot WHERE part != 'header'"))!.n;
      expect(rows).toBeGreaterThan(parts); // the torn generation's rows are still there
      await writeSnapshot(store.db, arrays, version, { grid });
      expect((await store.db.get<{ n: number }>("SELECT count(*) n FROM index_snapshot WHERE part != 'header'"))!.n).toBe(parts);
      expect((await start()).source).toBe('snapshot');
    });

    it('rejects a header flipped to a generation whose rows were torn, and rebuilds', async () => {
      await start();
      // As if the flip had landed but a chunk of the new generation had not.
      await store.db.exec("DELETE FROM index_snapshot WHERE part LIKE 'g%/placeLat.0'");
      expect(await readSnapshot(store.db)).toMatchObject({ ok: false, reason: 'invalid', detail: expect.stringMatching(/placeLat\.0 is missing/) as unknown });
      const s = await start();
      expect(s.source).toBe('store');
      expect(counts(s.index)).toEqual(await fresh());
    });
  });

  describe('a damaged or foreign snapshot is ignored and the index rebuilt', () => {
    const damages: [string, string, RegExp][] = [
      ['a truncated chunk', "UPDATE index_snapshot SET data = substr(data, 1, length(data) - 4) WHERE part LIKE 'g%/placeLon.0'", /placeLon\.0 has/],
      ['a missing chunk', "DELETE FROM index_snapshot WHERE part LIKE 'g%/subGroups.0'", /subGroups\.0 is missing or not a BLOB/],
      // (|| yields TEXT; the CAST makes it a BLOB of the same length again.)
      ['a changed byte', "UPDATE index_snapshot SET data = CAST(x'FF' || substr(data, 2) AS BLOB) WHERE part LIKE 'g%/placeLat.0'", /checksum/],
      ['a chunk that is not a BLOB', "UPDATE index_snapshot SET data = 'text' WHERE part LIKE 'g%/subStatus.0'", /not a BLOB/],
      ['a header that is not JSON', "UPDATE index_snapshot SET data = x'7B7B00' WHERE part = 'header'", /not JSON/],
      ['a future format', "UPDATE index_snapshot SET data = CAST(json_set(CAST(data AS TEXT), '$.format', 99) AS BLOB) WHERE part = 'header'", /format 99/],
      ['a header claiming more rows than an index can hold', "UPDATE index_snapshot SET data = CAST(json_set(CAST(data AS TEXT), '$.subscribers', 1e12) AS BLOB) WHERE part = 'header'", /implausible/],
      ['a header whose counts disagree with its parts', "UPDATE index_snapshot SET data = CAST(json_set(CAST(data AS TEXT), '$.places', 7) AS BLOB) WHERE part = 'header'", /bytes, expected/],
    ];
    for (const [what, sql, detail] of damages) {
      it(`${what}`, async () => {
        await start();
        await store.db.exec(sql);
        const read = await readSnapshot(store.db);
        expect(read).toMatchObject({ ok: false, reason: 'invalid' });
        expect(!read.ok && read.detail).toMatch(detail);
        const s = await start();
        expect(s.source).toBe('store');
        expect(s.reason).toMatch(/^invalid/);
        expect(counts(s.index)).toEqual(await fresh());
        // And the rebuild replaced it with a sound one.
        expect((await start()).source).toBe('snapshot');
      });
    }

    it('a snapshot that cannot even be read (here: its table is gone)', async () => {
      await start();
      await store.db.exec('DROP TABLE index_snapshot');
      const s = await loadOrBuildIndex(store.db);
      expect(s.source).toBe('store');
      expect(s.reason).toMatch(/^invalid: unreadable/);
      expect(await s.snapshot).toBeNull(); // nowhere to write it: the next start builds again, nothing worse
      expect(counts(s.index)).toEqual(await fresh());
    });

    it('arrays that pass the checksum but point places at no subscriber', async () => {
      const { arrays } = await buildIndexFromStore(store.db);
      const bad = { ...arrays, placeSub: arrays.placeSub.map((s, i) => (i === 5 ? arrays.subIds.length + 3 : s)) };
      await writeSnapshot(store.db, bad, await registryVersion(store.db));
      expect(await readSnapshot(store.db)).toMatchObject({ ok: false, reason: 'invalid', detail: 'a place points at no subscriber' });
      const s = await start();
      expect(s.source).toBe('store');
      expect(counts(s.index)).toEqual(await fresh());
    });

    it('subscriber ids out of order', async () => {
      const { arrays } = await buildIndexFromStore(store.db);
      const bad = { ...arrays, subIds: arrays.subIds.slice().reverse() };
      await writeSnapshot(store.db, bad, await registryVersion(store.db));
      expect(await readSnapshot(store.db)).toMatchObject({ ok: false, reason: 'invalid', detail: 'subscriber ids out of order' });
    });
  });
});

