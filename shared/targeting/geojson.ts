/**
 * GeoJSON in and out of a TargetArea, so an area drawn in the console can be counted by
 * `tryk target count --area FILE.geojson` and the other way round. A circle travels as a
 * Point feature with a `radius` in metres (the common convention: GeoJSON has no circle);
 * `mode: 'exclude'` in a feature's properties makes it an exclude part.
 */
import { checkMultiPolygon, checkPolygon, checkPosition, countVertices, MAX_AREA_VERTICES, tooManyVertices } from '../geo/validate';
import type { AreaGeometry } from '../geo/types';
import { boundaryKinds, MAX_RADIUS_M } from './area';
import type { BoundaryKind, TargetArea, TargetPart } from './area';
import type { AreaError, AreaResult, BoundaryResolver } from './compile';

const bad = (code: AreaError['code'], message: string): { ok: false; error: AreaError } => ({ ok: false, error: { code, message } });

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function partFrom(geometry: unknown, properties: unknown, where: string): AreaResult<TargetPart> {
  const props = isObject(properties) ? properties : {};
  const modeRaw = props.mode ?? 'include';
  if (modeRaw !== 'include' && modeRaw !== 'exclude') {
    return bad('invalid_geojson', `${where}: properties.mode must be "include" or "exclude", not ${JSON.stringify(modeRaw)}`);
  }
  const mode = modeRaw;
  const boundary = props.boundary;
  if (isObject(boundary)) {
    const { kind, code } = boundary;
    if (!boundaryKinds.includes(kind as BoundaryKind) || typeof code !== 'string' || code === '') {
      return bad('invalid_geojson', `${where}: properties.boundary needs a kind (${boundaryKinds.join(', ')}) and a code`);
    }
    return { ok: true, value: { mode, shape: { type: 'boundary', kind: kind as BoundaryKind, code } } };
  }
  if (!isObject(geometry)) return bad('invalid_geojson', `${where} has no geometry object`);
  const type = geometry.type;
  if (type !== 'GeometryCollection' && !('coordinates' in geometry)) {
    return bad('invalid_geojson', `${where}: the ${String(type)} has no coordinates`);
  }
  switch (type) {
    case 'Polygon': {
      const c = checkPolygon(geometry.coordinates, where);
      return c.ok ? { ok: true, value: { mode, shape: { type: 'polygon', coordinates: c.value } } } : c;
    }
    case 'MultiPolygon': {
      const c = checkMultiPolygon(geometry.coordinates, where);
      return c.ok ? { ok: true, value: { mode, shape: { type: 'multipolygon', coordinates: c.value } } } : c;
    }
    case 'Point': {
      const e = checkPosition(geometry.coordinates, `${where}, point`);
      if (e) return { ok: false, error: e };
      const radius = props.radius;
      if (typeof radius !== 'number' || !Number.isFinite(radius) || radius <= 0 || radius > MAX_RADIUS_M) {
        return bad(
          'unsupported_geometry',
          `${where}: a Point is a circle only with properties.radius in metres (0 < radius <= ${MAX_RADIUS_M})`,
        );
      }
      const [lon, lat] = geometry.coordinates as number[];
      return { ok: true, value: { mode, shape: { type: 'circle', center: [lon!, lat!], radiusM: radius } } };
    }
    default:
      return bad(
        'unsupported_geometry',
        `${where}: a ${String(type)} encloses no area; use a Polygon, a MultiPolygon or a Point with a radius`,
      );
  }
}

/** Accepts a FeatureCollection, a Feature or a bare Polygon / MultiPolygon geometry. */
export function areaFromGeoJSON(input: unknown): AreaResult<TargetArea> {
  if (!isObject(input)) return bad('invalid_geojson', 'GeoJSON must be an object');
  const parts: TargetPart[] = [];
  let vertices = 0;
  const add = (geometry: unknown, properties: unknown, where: string): AreaError | null => {
    // Counted before any part is checked: a file of many large parts is refused at once.
    if (isObject(geometry)) vertices += countVertices(geometry.coordinates, geometry.type === 'MultiPolygon' ? 2 : 1);
    if (vertices > MAX_AREA_VERTICES) return tooManyVertices('the area', vertices, MAX_AREA_VERTICES, 'an area');
    const r = partFrom(geometry, properties, where);
    if (!r.ok) return r.error;
    parts.push(r.value);
    return null;
  };
  let error: AreaError | null = null;
  if (input.type === 'FeatureCollection') {
    if (!Array.isArray(input.features)) return bad('invalid_geojson', 'the FeatureCollection has no features list');
    for (let i = 0; i < input.features.length && !error; i++) {
      const f: unknown = input.features[i];
      if (!isObject(f) || f.type !== 'Feature') return bad('invalid_geojson', `feature ${i + 1} is not a Feature`);
      error = add(f.geometry, f.properties, `feature ${i + 1}`);
    }
  } else if (input.type === 'Feature') {
    error = add(input.geometry, input.properties, 'the feature');
  } else if (typeof input.type === 'string') {
    error = add(input, {}, 'the geometry');
  } else {
    return bad('invalid_geojson', 'GeoJSON needs a "type"');
  }
  if (error) return { ok: false, error };
  if (parts.length === 0) return bad('invalid_geojson', 'the GeoJSON holds no shapes');
  if (!parts.some((p) => p.mode === 'include')) return bad('invalid_geojson', 'the area excludes only: include at least one shape');
  return { ok: true, value: { parts } };
}

export interface AreaFeature {
  type: 'Feature';
  properties: Record<string, unknown>;
  geometry: AreaGeometry | { type: 'Point'; coordinates: [number, number] } | null;
}
export interface AreaFeatureCollection {
  type: 'FeatureCollection';
  features: AreaFeature[];
}

/**
 * A boundary part keeps its kind and code in properties.boundary, with its geometry when a
 * resolver gives one (for other GIS tools) and null otherwise; reading it back uses the code.
 */
export function areaToGeoJSON(area: TargetArea, resolveBoundary?: BoundaryResolver): AreaFeatureCollection {
  return {
    type: 'FeatureCollection',
    features: area.parts.map(({ mode, shape }): AreaFeature => {
      switch (shape.type) {
        case 'polygon':
          return { type: 'Feature', properties: { mode }, geometry: { type: 'Polygon', coordinates: shape.coordinates } };
        case 'multipolygon':
          return { type: 'Feature', properties: { mode }, geometry: { type: 'MultiPolygon', coordinates: shape.coordinates } };
        case 'circle':
          return {
            type: 'Feature',
            properties: { mode, radius: shape.radiusM },
            geometry: { type: 'Point', coordinates: [shape.center[0], shape.center[1]] },
          };
        case 'boundary':
          return {
            type: 'Feature',
            properties: { mode, boundary: { kind: shape.kind, code: shape.code } },
            geometry: resolveBoundary?.(shape.kind, shape.code) ?? null,
          };
      }
    }),
  };
}
