import { describe, expect, it } from 'vitest';
import { circleRing, polygonsBounds, resultArea } from '../../renderer/features/map/areaShape';
import type { GeometryLookup, ShapePart } from '../../renderer/features/map/areaShape';
import { labelPoint, placeLabels, townMinZoom } from '../../renderer/features/map/OfflineLabels';
import { outlineAt } from '../../renderer/features/map/outlines';
import { tileBackoffMs } from '../../renderer/features/map/tileBackoff';

const square = (w: number, s: number, e: number, n: number): [number, number][] => [
  [w, s],
  [e, s],
  [e, n],
  [w, n],
  [w, s],
];
const postcode = { type: 'Polygon' as const, coordinates: [square(12.2, 55.9, 12.4, 56.0)] };
const lookup: GeometryLookup = (kind, code) => (kind === 'postcode' && code === '3400' ? postcode : undefined);
const rectangle: ShapePart = { mode: 'include', shape: { type: 'polygon', coordinates: [square(12.0, 55.8, 12.6, 56.1)] } };
const minus3400: ShapePart = { mode: 'exclude', shape: { type: 'boundary', kind: 'postcode', code: '3400' } };

describe('the target area as the map draws it', () => {
  it('a rectangle minus a postcode inside it is one polygon with a hole', () => {
    const r = resultArea([rectangle, minus3400], lookup)!;
    expect(r.complete).toBe(true);
    expect(r.polygons).toHaveLength(1);
    expect(r.polygons[0]).toHaveLength(2);
  });

  it('nothing included is no area; a boundary not loaded yet is left out and said so', () => {
    expect(resultArea([minus3400], lookup)).toBeNull();
    const r = resultArea([rectangle, { mode: 'exclude', shape: { type: 'boundary', kind: 'municipality', code: '219' } }], lookup)!;
    expect(r.complete).toBe(false);
    expect(r.polygons[0]).toHaveLength(1);
  });

  it('overlapping includes are one outline; a circle is a closed 64-gon', () => {
    const a: ShapePart = { mode: 'include', shape: { type: 'polygon', coordinates: [square(0, 0, 2, 2)] } };
    const b: ShapePart = { mode: 'include', shape: { type: 'polygon', coordinates: [square(1, 1, 3, 3)] } };
    expect(resultArea([a, b], lookup)!.polygons).toHaveLength(1);
    const ring = circleRing([12.3, 55.9], 1000);
    expect(ring).toHaveLength(65);
    expect(ring[0]).toEqual(ring[64]);
    expect(polygonsBounds([[ring]])![0][0]).toBeCloseTo(55.9 - 1000 / 111_320, 6);
  });

  it('finds the postcode under a click inside a drawn shape', () => {
    const outlines = [{ id: 1, code: '3400', name: 'Hillerød', geometry: postcode }];
    expect(outlineAt(outlines, 12.3, 55.95)?.code).toBe('3400');
    expect(outlineAt(outlines, 12.5, 55.95)).toBeNull();
  });
});

describe('offline names', () => {
  it('names bigger towns from further out', () => {
    expect(townMinZoom(60_000)).toBeLessThan(townMinZoom(30_000));
    expect(townMinZoom(30_000)).toBeLessThan(townMinZoom(1_000));
  });

  it('writes a boundary name inside the boundary, also for a U-shaped one', () => {
    const u = {
      id: 1,
      code: '1',
      name: 'U',
      geometry: { type: 'Polygon' as const, coordinates: [[[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3], [0, 0]] as [number, number][]] },
    };
    const p = labelPoint(u)!;
    expect(outlineAt([u], p[0], p[1])).not.toBeNull();
  });

  it('places names without overlap, biggest first', () => {
    const labels = [
      { kind: 'town' as const, text: 'Hillerød', lat: 0, lon: 0, minZoom: 0 },
      { kind: 'town' as const, text: 'Ny Hammersholt', lat: 0, lon: 1, minZoom: 0 },
      { kind: 'town' as const, text: 'Helsingør', lat: 0, lon: 100, minZoom: 0 },
      { kind: 'postcode' as const, text: '3400 Hillerød', lat: 0, lon: 200, minZoom: 11 },
    ];
    const placed = placeLabels(labels, 9, (lat, lon) => ({ x: lon, y: lat }));
    expect(placed.map((p) => p.label.text)).toEqual(['Hillerød', 'Helsingør']);
  });
});

describe('tile back-off', () => {
  it('waits 15 s, then twice as long each time, at most 10 minutes', () => {
    expect([1, 2, 3].map(tileBackoffMs)).toEqual([15_000, 30_000, 60_000]);
    expect(tileBackoffMs(20)).toBe(600_000);
  });
});

describe('density labels', () => {
  it('show only where the number fits inside its cell as drawn', async () => {
    const { labelFitsCell } = await import('../../renderer/features/map/density');
    // Country zoom: cells of a few pixels get no number, only their colour.
    expect(labelFitsCell('1.234', 6, 6)).toBe(false);
    expect(labelFitsCell('1.234', 60, 40)).toBe(true);
    expect(labelFitsCell('12', 20, 12)).toBe(false);
  });
});

describe('tiles that fail are taken down and tried again later', () => {
  it('the map shows no tiles while backed off, and the wait doubles', async () => {
    const { rig } = await import('./fakes');
    const { selectTileUrl } = await import('../../renderer/features/status/statusSlice');
    const r = rig();
    r.store.setState({ appStatus: { ...r.store.getState().appStatus!, map: { tileUrl: 'https://tiles.example/{z}/{x}/{y}.png' } } } as never);
    expect(selectTileUrl(r.store.getState())).toBe('https://tiles.example/{z}/{x}/{y}.png');
    const before = Date.now();
    r.store.getState().reportTiles(false);
    expect(selectTileUrl(r.store.getState())).toBeNull();
    expect(r.store.getState().tilesDownUntil! - before).toBeGreaterThanOrEqual(15_000);
    r.store.getState().retryTiles();
    expect(selectTileUrl(r.store.getState())).not.toBeNull();
    r.store.getState().reportTiles(false);
    expect(r.store.getState().tileFailures).toBe(2);
    expect(r.store.getState().tilesDownUntil! - Date.now()).toBeGreaterThan(15_000);
    r.store.getState().reportTiles(true);
    expect(r.store.getState()).toMatchObject({ tileFailures: 0, tilesDownUntil: null });
  });
});
