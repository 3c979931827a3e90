/** Pure helpers turning the bridge's boundary outlines into what Leaflet draws. */
import type { FeatureCollection, Geometry } from 'geojson';
import type { BoundaryOutline } from '../../../shared/bridge/contract';
import { pointInPolygon } from '../../../shared/geo/pointInPolygon';

/** The kinds of outline the map draws, bottom to top (the district lies on top, bold). */
export const outlineKinds = ['postcode', 'municipality', 'district'] as const;
export type OutlineKind = (typeof outlineKinds)[number];

export interface OutlineProperties {
  id: number;
  code: string;
  name: string;
}

export function toFeatureCollection(outlines: readonly BoundaryOutline[]): FeatureCollection<Geometry, OutlineProperties> {
  return {
    type: 'FeatureCollection',
    features: outlines.map((o) => ({
      type: 'Feature',
      id: o.id,
      properties: { id: o.id, code: o.code, name: o.name },
      geometry: o.geometry,
    })),
  };
}

/** [[south, west], [north, east]] around every outline, or null when there is nothing to frame. */
export function outlineBounds(outlines: readonly BoundaryOutline[]): [[number, number], [number, number]] | null {
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  for (const o of outlines) {
    const polygons = o.geometry.type === 'Polygon' ? [o.geometry.coordinates] : o.geometry.coordinates;
    for (const polygon of polygons) {
      // The outer ring bounds the polygon; holes lie inside it.
      for (const [lon, lat] of polygon[0] ?? []) {
        if (lon < west) west = lon;
        if (lon > east) east = lon;
        if (lat < south) south = lat;
        if (lat > north) north = lat;
      }
    }
  }
  return west <= east && south <= north ? [[south, west], [north, east]] : null;
}

/** Denmark as the map shows it before any outline has arrived. */
export const DENMARK_CENTER: [number, number] = [56.0, 10.8];
export const DENMARK_ZOOM = 7;

/** The outline a point lies in (the first, for a point on a shared border), or null. */
export function outlineAt(outlines: readonly BoundaryOutline[], lon: number, lat: number): BoundaryOutline | null {
  for (const o of outlines) {
    const polygons = o.geometry.type === 'Polygon' ? [o.geometry.coordinates] : o.geometry.coordinates;
    for (const polygon of polygons) {
      if (pointInPolygon(lon, lat, polygon)) return o;
    }
  }
  return null;
}
