import { describe, expect, it } from 'vitest';
import { capAreaFromTargetArea, fromCap, targetAreaFromCap, toCap } from '../../../shared/cap';
import { compileArea } from '../../../shared/targeting/compile';
import type { TargetArea } from '../../../shared/targeting/area';
import type { AreaGeometry } from '../../../shared/geo/types';
import { burglary, validateCap } from './fixtures';

const square = (lon: number, lat: number, d: number): [number, number][] => [
  [lon, lat],
  [lon + d, lat],
  [lon + d, lat + d],
  [lon, lat + d],
  [lon, lat],
];

describe('capAreaFromTargetArea', () => {
  it('keeps included polygons, multipolygon parts, circles and resolved boundaries as outer rings', async () => {
    const boundary: AreaGeometry = { type: 'MultiPolygon', coordinates: [[square(12.0, 55.0, 0.1)], [square(12.5, 55.0, 0.1)]] };
    const target: TargetArea = {
      parts: [
        { mode: 'include', shape: { type: 'polygon', coordinates: [square(12.3, 55.9, 0.02)] } },
        { mode: 'include', shape: { type: 'multipolygon', coordinates: [[square(12.4, 55.9, 0.01)], [square(12.5, 55.9, 0.01)]] } },
        { mode: 'include', shape: { type: 'circle', center: [12.31, 55.93], radiusM: 1500 } },
        { mode: 'include', shape: { type: 'boundary', kind: 'municipality', code: '219' } },
      ],
    };
    const { area, omitted } = capAreaFromTargetArea(target, 'Hillerød', (kind, code) => (kind === 'municipality' && code === '219' ? boundary : undefined));
    expect(omitted).toEqual([]);
    expect(area.polygons).toEqual([square(12.3, 55.9, 0.02), square(12.4, 55.9, 0.01), square(12.5, 55.9, 0.01), square(12.0, 55.0, 0.1), square(12.5, 55.0, 0.1)]);
    expect(area.circles).toEqual([{ center: [12.31, 55.93], radiusM: 1500 }]);
    const xml = toCap({ ...burglary(), areas: [area] });
    expect((await validateCap(xml)).ok).toBe(true);
    expect(xml.match(/<polygon>/g)).toHaveLength(10); // five rings in each of two infos
  });

  it('leaves out holes and excluded parts, and says so, so the CAP area is never smaller', () => {
    const target: TargetArea = {
      parts: [
        { mode: 'include', shape: { type: 'polygon', coordinates: [square(12.0, 55.0, 1), square(12.4, 55.4, 0.2)] } },
        { mode: 'exclude', shape: { type: 'circle', center: [12.5, 55.5], radiusM: 100 } },
        { mode: 'include', shape: { type: 'boundary', kind: 'postcode', code: '3400' } },
      ],
    };
    const { area, omitted } = capAreaFromTargetArea(target, 'Nordsjælland');
    expect(area.polygons).toEqual([square(12.0, 55.0, 1)]);
    expect(area.circles).toEqual([]);
    expect(omitted).toEqual(['part 1: 1 hole', 'part 2 (exclude)', 'part 3: postcode 3400 (boundary not available)']);
  });
});

describe('targetAreaFromCap', () => {
  it('turns an imported alert\'s areas into a target area that counts the same places', () => {
    const alert = {
      ...burglary(),
      areas: [
        ...burglary().areas,
        { desc: 'Øst for centrum', polygons: [], circles: [{ center: [12.36, 55.93] as [number, number], radiusM: 500 }] },
      ],
    };
    const imported = fromCap(toCap(alert));
    if (!imported.ok) throw new Error(imported.message);
    const target = targetAreaFromCap(imported.value.areas);
    if (!target.ok) throw new Error(target.message);
    expect(target.value.parts.map((p) => [p.mode, p.shape.type])).toEqual([
      ['include', 'polygon'],
      ['include', 'circle'],
    ]);
    const compiled = compileArea(target.value);
    if (!compiled.ok) throw new Error(compiled.error.message);
    expect(compiled.value.contains(12.31, 55.93)).toBe(true); // inside the polygon
    expect(compiled.value.contains(12.36, 55.933)).toBe(true); // 330 m from the circle's centre, outside the polygon
    expect(compiled.value.contains(12.36, 55.937)).toBe(false); // 780 m from it
    expect(compiled.value.contains(12.4, 55.93)).toBe(false); // east of both
  });

  it('closes an open ring, and refuses no geometry or a circle larger than a target allows', () => {
    const open = targetAreaFromCap([{ desc: 'x', polygons: [square(12, 55, 0.1).slice(0, 4)], circles: [] }]);
    expect(open.ok && open.value.parts[0]!.shape).toEqual({ type: 'polygon', coordinates: [square(12, 55, 0.1)] });
    const none = targetAreaFromCap([{ desc: 'Only a description', polygons: [], circles: [] }]);
    expect(!none.ok && none.code).toBe('cap_no_area');
    const huge = targetAreaFromCap([{ desc: 'Europe', polygons: [], circles: [{ center: [12, 55], radiusM: 900_000 }] }]);
    expect(!huge.ok && huge.code).toBe('cap_circle');
  });

  // Before: a bow-tie became a draft and then broke `alert show`; radius -1 read as "radius 0".
  it('refuses a bow-tie, too many corners and a negative radius with what is wrong', () => {
    const bowtie = targetAreaFromCap([{ desc: 'x', polygons: [[[12, 55], [12.1, 55.1], [12.1, 55], [12, 55.1], [12, 55]]], circles: [] }]);
    expect(!bowtie.ok && [bowtie.code, bowtie.message]).toEqual(['cap_polygon', expect.stringMatching(/crosses itself/)]);
    const ring: [number, number][] = Array.from({ length: 10_001 }, (_, i) => [12 + 0.1 * Math.cos((2 * Math.PI * i) / 10_001), 55 + 0.1 * Math.sin((2 * Math.PI * i) / 10_001)]);
    const big = targetAreaFromCap([{ desc: 'x', polygons: [ring, ring, ring], circles: [] }]);
    expect(!big.ok && big.message).toMatch(/at most 20000/);
    const doc = toCap(burglary()).replace(/<polygon>[^<]*<\/polygon>/, '<circle>55.9,12.3 -1</circle>');
    const read = fromCap(doc);
    expect(!read.ok && read.message).toMatch(/radius -1 km is negative/);
  });
});
