import { describe, expect, it } from 'vitest';
import { areaFromGeoJSON, areaToGeoJSON } from '../../../shared/targeting/geojson';

const ring = [[12, 55], [12.01, 55], [12.01, 55.01], [12, 55.01], [12, 55]];
const poly = { type: 'Polygon', coordinates: [ring] };

describe('areaFromGeoJSON', () => {
  it('reads a bare geometry, a Feature and a FeatureCollection with circles and excludes', () => {
    expect(areaFromGeoJSON(poly)).toEqual({ ok: true, value: { parts: [{ mode: 'include', shape: { type: 'polygon', coordinates: [ring] } }] } });
    const fcoll = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: null, geometry: { type: 'MultiPolygon', coordinates: [[ring]] } },
        { type: 'Feature', properties: { radius: 2000, mode: 'exclude' }, geometry: { type: 'Point', coordinates: [12.311, 55.927] } },
      ],
    };
    const r = areaFromGeoJSON(fcoll);
    expect(r.ok && r.value.parts.map((p) => [p.mode, p.shape.type])).toEqual([['include', 'multipolygon'], ['exclude', 'circle']]);
  });

  it('round-trips through areaToGeoJSON, boundaries included', () => {
    const area = {
      parts: [
        { mode: 'include' as const, shape: { type: 'boundary' as const, kind: 'postcode' as const, code: '3400' } },
        { mode: 'exclude' as const, shape: { type: 'polygon' as const, coordinates: [ring as [number, number][]] } },
        { mode: 'include' as const, shape: { type: 'circle' as const, center: [12.3, 55.9] as [number, number], radiusM: 500 } },
      ],
    };
    const out = areaToGeoJSON(area, () => ({ type: 'Polygon', coordinates: [ring as [number, number][]] }));
    expect(out.features[0]!.geometry).not.toBeNull();
    expect(out.features[2]).toMatchObject({ properties: { radius: 500 }, geometry: { type: 'Point' } });
    expect(areaFromGeoJSON(JSON.parse(JSON.stringify(out)))).toEqual({ ok: true, value: area });
  });

  it.each([
    ['a string', 'nope', 'invalid_geojson'],
    ['no type', { coordinates: [] }, 'invalid_geojson'],
    ['a LineString', { type: 'LineString', coordinates: [[12, 55], [13, 56]] }, 'unsupported_geometry'],
    ['a Point without radius', { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [12, 55] } }, 'unsupported_geometry'],
    ['missing coordinates', { type: 'Polygon' }, 'invalid_geojson'],
    ['NaN', { type: 'Polygon', coordinates: [[[12, NaN], [12.01, 55], [12.01, 55.01], [12, 55]]] }, 'out_of_range'],
    ['latitude out of range', { type: 'Polygon', coordinates: [[[12, 91], [12.01, 55], [12.01, 55.01], [12, 91]]] }, 'out_of_range'],
    ['longitude out of range', { type: 'Point', coordinates: [181, 55] }, 'out_of_range'],
    ['a bowtie', { type: 'Polygon', coordinates: [[[12, 55], [12.01, 55.01], [12.01, 55], [12, 55.01], [12, 55]]] }, 'self_intersecting'],
    ['a bad mode', { type: 'Feature', properties: { mode: 'maybe' }, geometry: poly }, 'invalid_geojson'],
    ['only excludes', { type: 'Feature', properties: { mode: 'exclude' }, geometry: poly }, 'invalid_geojson'],
    ['an empty collection', { type: 'FeatureCollection', features: [] }, 'invalid_geojson'],
    ['a non-feature in a collection', { type: 'FeatureCollection', features: [poly] }, 'invalid_geojson'],
  ])('refuses %s', (_name, input, code) => {
    const r = areaFromGeoJSON(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe(code);
  });
});
