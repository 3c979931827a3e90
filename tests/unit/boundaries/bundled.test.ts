import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { boundaryCollections, readBundledBoundaries } from '../../../electron/boundaries/bundled';
import { parseBoundaryFile } from '../../../electron/boundaries/parse';
import type { ParsedBoundary } from '../../../electron/boundaries/parse';
import { checkMultiPolygon } from '../../../shared/geo/validate';
import { PreparedPolygon } from '../../../shared/geo/pointInPolygon';
import type { PolygonCoords } from '../../../shared/geo/types';

const repoRoot = resolve(__dirname, '../../..');
const full = resolve(repoRoot, '../shared/data/dagi');
const bundled = readBundledBoundaries();
const byKind = (list: readonly ParsedBoundary[], kind: string) => list.filter((b) => b.kind === kind);

/** Area in km² of a MultiPolygon (outer rings minus holes; equirectangular at its latitude). */
function areaKm2(b: ParsedBoundary): number {
  let sum = 0;
  for (const poly of b.geometry.coordinates) {
    poly.forEach((ring, r) => {
      let s = 0;
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) s += (ring[j]![0]! - ring[i]![0]!) * (ring[j]![1]! + ring[i]![1]!);
      const km = 111.32 * 111.32 * Math.cos((ring[0]![1]! * Math.PI) / 180);
      sum += (r === 0 ? 1 : -1) * Math.abs(s / 2) * km;
    });
  }
  return sum;
}

describe("the console's own boundaries (data/boundaries/denmark.topo.json)", () => {
  it('holds every district, municipality, postcode and region of the DAGI source, under 1 MiB', () => {
    expect(byKind(bundled, 'district')).toHaveLength(12);
    expect(byKind(bundled, 'municipality')).toHaveLength(99);
    expect(byKind(bundled, 'postcode')).toHaveLength(592);
    expect(byKind(bundled, 'region')).toHaveLength(5);
    expect(byKind(bundled, 'municipality').find((b) => b.code === '0411')?.name).toBe('Christiansø');
    expect(readFileSync(resolve(repoRoot, 'data/boundaries/denmark.topo.json')).length).toBeLessThan(1024 * 1024);
  });

  it('every shape passes the geometry checks a drawn area gets (no crossing, no empty ring)', () => {
    for (const b of bundled) {
      const c = checkMultiPolygon(b.geometry.coordinates, `${b.kind} ${b.code}`);
      expect(c.ok ? 'ok' : c.error.message).toBe('ok');
    }
  });

  it('keeps every district and municipality over 5 km² within 2 % of its full-resolution area, every postcode within 5 %', () => {
    const source = ['politikredse', 'kommuner', 'postnumre'].flatMap((f) =>
      parseBoundaryFile(JSON.parse(readFileSync(resolve(full, `${f}.geojson`), 'utf8')), f),
    );
    const exact = new Map(source.map((b) => [`${b.kind}:${b.code}`, areaKm2(b)]));
    for (const b of bundled) {
      if (b.kind === 'region') continue;
      const want = exact.get(`${b.kind}:${b.code}`)!;
      if (want < 5) continue;
      const bound = b.kind === 'postcode' ? 0.05 : 0.02;
      expect(Math.abs(areaKm2(b) - want) / want, `${b.kind} ${b.code} ${b.name}`).toBeLessThan(bound);
    }
  });

  it('shares borders: no point of Zealand is in two postcodes, and almost every point on land is in one', () => {
    const prep = (kind: string) => byKind(bundled, kind).map((b) => ({ b, polys: b.geometry.coordinates.map((p) => new PreparedPolygon(p as PolygonCoords)) }));
    const postcodes = prep('postcode');
    const districts = prep('district');
    // A grid over Zealand: no point may fall in two postcodes (an overlap, a sliver), and a
    // point in a district is in a postcode unless it lies in the sea between the two outlines.
    let inDistrict = 0;
    let uncovered = 0;
    for (let lon = 11.2; lon < 12.6; lon += 0.013) {
      for (let lat = 55.0; lat < 56.1; lat += 0.011) {
        const hits = postcodes.filter(({ polys }) => polys.some((p) => p.contains(lon, lat)));
        expect(hits.length, `${lon.toFixed(3)},${lat.toFixed(3)}`).toBeLessThanOrEqual(1);
        if (districts.some(({ polys }) => polys.some((p) => p.contains(lon, lat)))) {
          inDistrict++;
          if (hits.length === 0) uncovered++;
        }
      }
    }
    expect(inDistrict).toBeGreaterThan(3000);
    expect(uncovered / inDistrict).toBeLessThan(0.01);
  });

  it('reads TopoJSON for `tryk boundaries import` and refuses a damaged one by name', () => {
    expect(boundaryCollections({ type: 'FeatureCollection', features: [] }, 'x.geojson')).toHaveLength(1);
    expect(() => boundaryCollections({ type: 'Topology', objects: null, arcs: [] }, 'bad.topojson')).toThrow(/bad\.topojson: a TopoJSON Topology without objects/);
    expect(() =>
      boundaryCollections({ type: 'Topology', arcs: [], objects: { a: { type: 'Point', coordinates: [0, 0] } } }, 'bad.topojson'),
    ).toThrow(/bad\.topojson#a: not a GeometryCollection/);
  });
});
