import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PlaceIndex } from '../../../electron/targeting/placeIndex';
import type { SubscriberRecord } from '../../../electron/targeting/placeIndex';
import { TargetingEngine } from '../../../electron/targeting/engine';
import { compileArea } from '../../../shared/targeting/compile';
import { TargetFilterSchema } from '../../../shared/targeting/area';
import type { TargetArea, TargetFilter, TargetPart } from '../../../shared/targeting/area';
import { circleContains } from '../../../shared/geo/distance';
import { pointInPolygon } from '../../../shared/geo/pointInPolygon';
import type { Position } from '../../../shared/geo/types';

const GROUPS = ['citizen', 'taxi', 'shop', 'home_care'];
const CATS = ['burglary', 'fraud', 'traffic'];
const STATUSES = ['active', 'paused', 'opted_out'] as const;

/** Points on a 1e-3 degree lattice so many land exactly on shape edges and vertices. */
const coord = (lo: number, hi: number) => fc.integer({ min: lo * 1000, max: hi * 1000 }).map((v) => v / 1000);
const point = fc.tuple(coord(12, 12.2), coord(55.9, 56.0));

const recordArb = fc.record({
  status: fc.constantFrom(...STATUSES),
  groups: fc.subarray(GROUPS, { minLength: 1 }),
  categories: fc.subarray(CATS),
  places: fc.array(point.map(([lon, lat]) => ({ lon, lat })), { minLength: 1, maxLength: 3 }),
});

const star = (cx: number, cy: number) =>
  fc.array(fc.integer({ min: 5, max: 80 }), { minLength: 3, maxLength: 12 }).map((radii) => {
    const ring: Position[] = radii.map((r, i) => {
      const t = (2 * Math.PI * i) / radii.length;
      return [cx + Math.round(r * Math.cos(t)) / 1000, cy + Math.round(r * Math.sin(t) / 2) / 1000];
    });
    ring.push([ring[0]![0], ring[0]![1]]);
    return ring;
  });

const partArb: fc.Arbitrary<TargetPart> = fc.record({
  mode: fc.constantFrom('include' as const, 'include' as const, 'exclude' as const),
  shape: fc.oneof(
    fc.tuple(coord(12.02, 12.18), coord(55.92, 55.98)).chain(([x, y]) => star(x, y)).map((ring) => ({ type: 'polygon' as const, coordinates: [ring] })),
    fc.tuple(point, fc.integer({ min: 50, max: 8000 })).map(([c, r]) => ({ type: 'circle' as const, center: c, radiusM: r })),
    fc.tuple(coord(12.02, 12.15), coord(55.92, 55.97), fc.integer({ min: 2, max: 40 })).map(([x, y, s]) => ({
      type: 'multipolygon' as const,
      coordinates: [
        [[[x, y], [x + s / 1000, y], [x + s / 1000, y + s / 2000], [x, y + s / 2000], [x, y]]],
        [[[x + 0.05, y], [x + 0.05 + s / 1000, y], [x + 0.05, y + s / 2000], [x + 0.05, y]]],
      ] as Position[][][],
    })),
  ),
});

const filterArb = fc.record({
  groups: fc.option(fc.subarray([...GROUPS, 'unknown_group']), { nil: undefined }),
  categories: fc.option(fc.subarray(CATS), { nil: undefined }),
  statuses: fc.subarray([...STATUSES], { minLength: 1 }),
});

/** The reference: each part tested from scratch, every subscriber looked at. */
function naive(records: SubscriberRecord[], area: TargetArea, filter: TargetFilter) {
  const inPart = (p: TargetPart, lon: number, lat: number) => {
    const s = p.shape;
    if (s.type === 'circle') return circleContains(s.center, s.radiusM, lon, lat);
    if (s.type === 'polygon') return pointInPolygon(lon, lat, s.coordinates);
    if (s.type === 'multipolygon') return s.coordinates.some((c) => pointInPolygon(lon, lat, c));
    throw new Error('no boundaries here');
  };
  const inArea = (lon: number, lat: number) =>
    area.parts.some((p) => p.mode === 'include' && inPart(p, lon, lat)) && !area.parts.some((p) => p.mode === 'exclude' && inPart(p, lon, lat));
  let total = 0, places = 0;
  const byGroup: Record<string, number> = {};
  const ids: number[] = [];
  for (const r of records) {
    if (!filter.statuses.includes(r.status)) continue;
    if (filter.groups?.length && !r.groups.some((g) => filter.groups!.includes(g))) continue;
    if (filter.categories?.length && !r.categories.some((c) => filter.categories!.includes(c))) continue;
    const inside = r.places.filter((p) => inArea(p.lon, p.lat)).length;
    places += inside;
    if (inside > 0) {
      total++;
      ids.push(r.id);
      for (const g of r.groups) byGroup[g] = (byGroup[g] ?? 0) + 1;
    }
  }
  return { total, places, byGroup, ids: ids.sort((a, b) => a - b) };
}

describe('place index count', () => {
  it('equals a naive scan on random data, areas and filters', () => {
    fc.assert(
      fc.property(
        fc.array(recordArb, { minLength: 0, maxLength: 150 }),
        fc.array(partArb, { minLength: 1, maxLength: 4 }),
        filterArb,
        fc.constantFrom(undefined, 0.002, 0.01, 0.05),
        (recs, parts, filterIn, cellSizeDeg) => {
          const records: SubscriberRecord[] = recs.map((r, i) => ({ ...r, id: 1 + i * 3 }));
          if (!parts.some((p) => p.mode === 'include')) parts[0] = { ...parts[0]!, mode: 'include' };
          const area: TargetArea = { parts };
          const compiled = compileArea(area);
          if (!compiled.ok) return true; // refused shapes are tested in their own suite
          const filter = TargetFilterSchema.parse(filterIn);
          const index = PlaceIndex.fromRecords(records, { cellSizeDeg });
          const got = index.count(compiled.value, filter);
          const want = naive(records, area, filter);
          expect(got.total).toBe(want.total);
          expect(got.places).toBe(want.places);
          for (const g of GROUPS) expect(got.byGroup[g] ?? 0).toBe(want.byGroup[g] ?? 0);
          expect([...index.selectRecipients(compiled.value, filter)]).toEqual(want.ids);
          expect(index.naiveCount(compiled.value, filter).total).toBe(want.total);
          return true;
        },
      ),
      { numRuns: 250 },
    );
  });

  it('counts a subscriber with several places inside once', () => {
    const records: SubscriberRecord[] = [
      { id: 7, status: 'active', groups: ['citizen', 'taxi'], categories: [], places: [{ lon: 12.1, lat: 55.95 }, { lon: 12.101, lat: 55.951 }, { lon: 12.5, lat: 55.5 }] },
      { id: 9, status: 'active', groups: ['citizen'], categories: [], places: [{ lon: 12.1, lat: 55.95 }] },
    ];
    const index = PlaceIndex.fromRecords(records);
    const area = compileArea({ parts: [{ mode: 'include', shape: { type: 'circle', center: [12.1, 55.95], radiusM: 1000 } }] });
    if (!area.ok) throw new Error(area.error.message);
    expect(index.count(area.value, TargetFilterSchema.parse({}))).toEqual({ total: 2, places: 3, byGroup: { citizen: 2, taxi: 1 } });
  });

  it('keeps counts current through upserts, removals and compaction', () => {
    fc.assert(
      fc.property(
        fc.array(recordArb, { minLength: 1, maxLength: 60 }),
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 90 }), recordArb), { maxLength: 40 }),
        fc.array(partArb, { minLength: 1, maxLength: 2 }),
        fc.boolean(),
        fc.boolean(),
        (recs, edits, parts, compactSmall, fromLayout) => {
          parts[0] = { ...parts[0]!, mode: 'include' };
          const compiled = compileArea({ parts });
          if (!compiled.ok) return true;
          const live = new Map<number, SubscriberRecord>(recs.map((r, i) => [i, { ...r, id: i }]));
          const opts = { compactAt: compactSmall ? 5 : undefined, cellSizeDeg: 0.002 };
          let index = PlaceIndex.fromRecords(live.values(), opts);
          if (fromLayout) {
            // As a start from the snapshot does: the laid-out arrays handed over with their grid
            // (the index then keeps them and changes its subscriber arrays in place).
            const { placeSub, placeLon, placeLat, grid } = index.layout();
            index = PlaceIndex.fromArrays({ ...index.currentArrays(), placeSub: placeSub.slice(), placeLon: placeLon.slice(), placeLat: placeLat.slice() }, opts, grid);
            expect(index.loadedWithGrid).toBe(true);
          }
          const filter = TargetFilterSchema.parse({ statuses: ['active', 'paused'] });
          // Counting first caches per-cell tallies, which the edits below must invalidate.
          index.count(compiled.value, filter);
          for (const [remove, id, rec] of edits) {
            if (remove) {
              expect(index.removeSubscriber(id)).toBe(live.delete(id));
            } else {
              live.set(id, { ...rec, id });
              index.upsertSubscriber({ ...rec, id });
            }
          }
          const want = naive([...live.values()], { parts }, filter);
          expect(index.count(compiled.value, filter).total).toBe(want.total);
          expect([...index.selectRecipients(compiled.value, filter)]).toEqual(want.ids);
          expect(index.subscriberCount).toBe(live.size);
          return true;
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('density', () => {
  it('bins matching places and hides sparse cells', () => {
    const records: SubscriberRecord[] = [];
    for (let i = 0; i < 30; i++) records.push({ id: i, status: 'active', groups: ['citizen'], categories: [], places: [{ lon: 12.0105, lat: 55.0105 }] });
    records.push({ id: 100, status: 'active', groups: ['citizen'], categories: [], places: [{ lon: 12.0305, lat: 55.0105 }] });
    records.push({ id: 101, status: 'opted_out', groups: ['citizen'], categories: [], places: [{ lon: 12.0105, lat: 55.0105 }] });
    const engine = new TargetingEngine(PlaceIndex.fromRecords(records));
    const d = engine.density([12, 55, 12.1, 55.1], { cellSizeDeg: 0.01, minCount: 5 });
    if (!d.ok) throw new Error(d.error.message);
    expect(d.value.cells).toHaveLength(1);
    expect(d.value.cells[0]!.count).toBe(30);
    expect(d.value.cells[0]!.lon).toBeCloseTo(12.01, 9);
    expect(d.value.hiddenCells).toBe(1);
  });
});

describe('density in an area', () => {
  it('sums to the places count() finds, for random areas', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { minLength: 1, maxLength: 80 }), fc.array(partArb, { minLength: 1, maxLength: 3 }), (recs, parts) => {
        parts[0] = { ...parts[0]!, mode: 'include' };
        const compiled = compileArea({ parts });
        if (!compiled.ok) return true;
        const index = PlaceIndex.fromRecords(recs.map((r, i) => ({ ...r, id: i })), { cellSizeDeg: 0.002 });
        const filter = TargetFilterSchema.parse({});
        const d = index.density(compiled.value, filter, 0.01, 1);
        expect(d.hiddenCells).toBe(0);
        expect(d.cells.reduce((k, c) => k + c.count, 0)).toBe(index.count(compiled.value, filter).places);
        return true;
      }),
      { numRuns: 100 },
    );
  });
});

describe('targeting engine', () => {
  it('resolves boundaries through the resolver and refuses unknown ones and bad areas', () => {
    const index = PlaceIndex.fromRecords([{ id: 1, status: 'active', groups: ['citizen'], categories: [], places: [{ lon: 12.5, lat: 55.5 }] }]);
    const engine = new TargetingEngine(index, (kind, code) =>
      kind === 'postcode' && code === '1000' ? { type: 'Polygon', coordinates: [[[12, 55], [13, 55], [13, 56], [12, 56], [12, 55]]] } : undefined,
    );
    const ok = engine.count({ parts: [{ mode: 'include', shape: { type: 'boundary', kind: 'postcode', code: '1000' } }] });
    expect(ok.ok && ok.value.total).toBe(1);
    const missing = engine.count({ parts: [{ mode: 'include', shape: { type: 'boundary', kind: 'postcode', code: '9999' } }] });
    expect(!missing.ok && missing.error.code).toBe('unknown_boundary');
    const bad = engine.count({ parts: [{ mode: 'include', shape: { type: 'circle', center: [200, 55], radiusM: 10 } }] });
    expect(!bad.ok && bad.error.code).toBe('invalid_area');
    const bowtie = engine.count({ parts: [{ mode: 'include', shape: { type: 'polygon', coordinates: [[[12, 55], [13, 56], [13, 55], [12, 56], [12, 55]]] } }] });
    expect(!bowtie.ok && bowtie.error.code).toBe('self_intersecting');
  });

  it('counts the same area again with its kept cell classes, through changes and a new boundary set', () => {
    const square = (x: number): Position[][] => [[[x, 55.9], [x + 0.05, 55.9], [x + 0.05, 55.95], [x, 55.95], [x, 55.9]]];
    let geometry = square(12.0);
    const index = PlaceIndex.fromRecords(
      Array.from({ length: 400 }, (_, i) => ({ id: i + 1, status: 'active' as const, groups: ['citizen'], categories: [], places: [{ lon: 12 + (i % 20) * 0.005, lat: 55.9 + Math.floor(i / 20) * 0.0025 }] })),
      { compactAt: 10 },
    );
    const engine = new TargetingEngine(index, (kind) => (kind === 'postcode' ? { type: 'Polygon', coordinates: geometry } : undefined));
    const area = { parts: [{ mode: 'include' as const, shape: { type: 'boundary' as const, kind: 'postcode' as const, code: '3400' } }] };
    const value = (r: ReturnType<TargetingEngine['compile']>) => (r.ok ? r.value : null);
    const compiled = value(engine.compile(area));
    expect(compiled).not.toBeNull();
    // The same area, written anew, compiles to the very same object; another area does not.
    expect(value(engine.compile(JSON.parse(JSON.stringify(area))))).toBe(compiled);
    expect(value(engine.compile({ parts: [{ mode: 'include', shape: { type: 'circle', center: [12, 55.9], radiusM: 100 } }] }))).not.toBe(compiled);
    const count = () => {
      const c = engine.count(area);
      if (!c.ok) throw new Error(c.error.message);
      const ref = engine.compile(area);
      if (!ref.ok) throw new Error(ref.error.message);
      expect(c.value.total).toBe(index.naiveCount(ref.value, TargetFilterSchema.parse({})).total);
      return c.value.total;
    };
    const first = count();
    expect(count()).toBe(first);
    // Changes since the classes were kept: in the delta, then folded in (a new layout over a
    // wider extent, so the same window numbers name other cells).
    for (let k = 0; k < 30; k++) {
      const far = { lon: 11.0 + k * 0.05, lat: 54.8 };
      index.upsertSubscriber({ id: 1000 + k, status: 'active', groups: ['citizen'], categories: [], places: [far, { lon: 12.01 + k * 0.001, lat: 55.91 }] });
    }
    expect(count()).toBe(first + 30);
    index.removeSubscriber(1000);
    expect(count()).toBe(first + 29);
    // The boundary itself replaced (a boundary import): the kept area must not be reused.
    geometry = square(12.5);
    engine.forgetBoundaries();
    expect(count()).toBe(0);
  });
});
