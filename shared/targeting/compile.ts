/**
 * Turns a TargetArea into something fast to test points against. Drawn polygons are checked
 * (repaired or refused); boundary shapes come from the store, already trusted, through a
 * resolver the caller gives, so this stays free of I/O.
 */
import { PreparedCircle } from '../geo/distance';
import { PreparedPolygon } from '../geo/pointInPolygon';
import { checkMultiPolygon, checkPolygon, countVertices, MAX_AREA_VERTICES, tooManyVertices } from '../geo/validate';
import type { GeometryErrorCode } from '../geo/validate';
import { bboxIntersects, emptyBBox, unionBBox } from '../geo/bbox';
import type { AreaGeometry, BBox } from '../geo/types';
import type { BoundaryKind, TargetArea } from './area';

export type AreaErrorCode = GeometryErrorCode | 'unknown_boundary' | 'invalid_area' | 'invalid_geojson' | 'unsupported_geometry';
export interface AreaError {
  code: AreaErrorCode;
  message: string;
}
export type AreaResult<T> = { ok: true; value: T } | { ok: false; error: AreaError };

export type BoundaryResolver = (kind: BoundaryKind, code: string) => AreaGeometry | undefined;

export interface CompiledPart {
  readonly mode: 'include' | 'exclude';
  readonly bbox: BBox;
  readonly polygons: readonly PreparedPolygon[];
  readonly circle: PreparedCircle | null;
  contains(lon: number, lat: number): boolean;
}

export class CompiledArea {
  /** The bbox of the include parts: nothing outside it can be in the area. */
  readonly bbox: BBox;
  readonly includes: readonly CompiledPart[];
  readonly excludes: readonly CompiledPart[];

  constructor(readonly parts: readonly CompiledPart[]) {
    this.includes = parts.filter((p) => p.mode === 'include');
    // An exclude part away from every include cannot change any answer.
    this.bbox = this.includes.reduce<BBox>((b, p) => unionBBox(b, p.bbox), emptyBBox());
    this.excludes = parts.filter((p) => p.mode === 'exclude' && bboxIntersects(p.bbox, this.bbox));
  }

  contains(lon: number, lat: number): boolean {
    let inside = false;
    for (const p of this.includes) {
      if (p.contains(lon, lat)) {
        inside = true;
        break;
      }
    }
    if (!inside) return false;
    for (const p of this.excludes) if (p.contains(lon, lat)) return false;
    return true;
  }
}

function polygonPart(mode: 'include' | 'exclude', polygons: PreparedPolygon[]): CompiledPart {
  const bbox = polygons.reduce<BBox>((b, p) => unionBBox(b, p.bbox), emptyBBox());
  return {
    mode,
    bbox,
    polygons,
    circle: null,
    contains(lon, lat) {
      if (lon < bbox[0] || lon > bbox[2] || lat < bbox[1] || lat > bbox[3]) return false;
      for (const p of polygons) if (p.contains(lon, lat)) return true;
      return false;
    },
  };
}

export interface CompileOptions {
  resolveBoundary?: BoundaryResolver;
  /** Boundaries are large and reused across counts while a shape is dragged: prepare once. */
  boundaryCache?: Map<string, PreparedPolygon[]>;
}

/** Drawn vertices over all parts (boundaries come from the store and are not counted). */
export function areaVertices(area: TargetArea): number {
  let n = 0;
  for (const { shape } of area.parts) {
    if (shape.type === 'polygon') n += countVertices(shape.coordinates, 1);
    else if (shape.type === 'multipolygon') n += countVertices(shape.coordinates, 2);
  }
  return n;
}

export function compileArea(area: TargetArea, opts: CompileOptions = {}): AreaResult<CompiledArea> {
  const total = areaVertices(area);
  if (total > MAX_AREA_VERTICES) return { ok: false, error: tooManyVertices('the area', total, MAX_AREA_VERTICES, 'an area') };
  const parts: CompiledPart[] = [];
  for (let i = 0; i < area.parts.length; i++) {
    const { mode, shape } = area.parts[i]!;
    const where = `part ${i + 1}`;
    switch (shape.type) {
      case 'polygon': {
        const c = checkPolygon(shape.coordinates, where);
        if (!c.ok) return c;
        parts.push(polygonPart(mode, [new PreparedPolygon(c.value)]));
        break;
      }
      case 'multipolygon': {
        const c = checkMultiPolygon(shape.coordinates, where);
        if (!c.ok) return c;
        parts.push(polygonPart(mode, c.value.map((p) => new PreparedPolygon(p))));
        break;
      }
      case 'circle': {
        const circle = new PreparedCircle(shape.center[0], shape.center[1], shape.radiusM);
        parts.push({ mode, bbox: circle.bbox, polygons: [], circle, contains: (lon, lat) => circle.contains(lon, lat) });
        break;
      }
      case 'boundary': {
        const key = `${shape.kind}:${shape.code}`;
        let prepared = opts.boundaryCache?.get(key);
        if (!prepared) {
          const g = opts.resolveBoundary?.(shape.kind, shape.code);
          if (!g) return { ok: false, error: { code: 'unknown_boundary', message: `${where}: no ${shape.kind} with code ${shape.code}` } };
          const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
          prepared = polys.map((p) => new PreparedPolygon(p));
          opts.boundaryCache?.set(key, prepared);
        }
        parts.push(polygonPart(mode, prepared));
        break;
      }
    }
  }
  return { ok: true, value: new CompiledArea(parts) };
}
