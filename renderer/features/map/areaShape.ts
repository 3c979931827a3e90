/**
 * The target area as the map draws it: every part as polygons (a circle as a 64-gon, a picked
 * boundary as its outline) and the resulting area, the includes' union less the excludes'
 * union, computed with polyclip-ts. Drawing only: the host counts with its own exact test.
 */
import { difference, union } from 'polyclip-ts';
import type { Geom } from 'polyclip-ts';
import type { BoundaryKind, Shape } from '../../../shared/targeting/area';

type Ring = [number, number][];
export type MultiPolygon = Ring[][];
export interface ShapePart {
  mode: 'include' | 'exclude';
  shape: Shape;
}

/** A boundary's outline geometry by kind and code, or undefined while it is not loaded. */
export type GeometryLookup = (kind: BoundaryKind, code: string) => { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown } | undefined;

const CIRCLE_VERTICES = 64;

export function circleRing(center: readonly [number, number], radiusM: number): Ring {
  const [lon, lat] = center;
  const dLat = radiusM / 111_320;
  const dLon = dLat / Math.cos((lat * Math.PI) / 180);
  const ring: Ring = [];
  for (let i = 0; i < CIRCLE_VERTICES; i++) {
    const a = (i / CIRCLE_VERTICES) * 2 * Math.PI;
    ring.push([lon + dLon * Math.cos(a), lat + dLat * Math.sin(a)]);
  }
  ring.push(ring[0]!);
  return ring;
}

/** A part as polygons; null when its boundary is not loaded yet (or is unknown). */
export function shapePolygons(shape: Shape, lookup: GeometryLookup): MultiPolygon | null {
  switch (shape.type) {
    case 'polygon':
      return [shape.coordinates];
    case 'multipolygon':
      return shape.coordinates;
    case 'circle':
      return [[circleRing(shape.center, shape.radiusM)]];
    case 'boundary': {
      const g = lookup(shape.kind, shape.code);
      if (!g) return null;
      return g.type === 'Polygon' ? [g.coordinates as Ring[]] : (g.coordinates as Ring[][]);
    }
  }
}

/**
 * The area that is targeted: null when nothing is included; `complete` is false while a
 * boundary's outline is still missing (the result then leaves that part out).
 */
export function resultArea(parts: readonly ShapePart[], lookup: GeometryLookup): { polygons: MultiPolygon; complete: boolean } | null {
  const includes: Geom[] = [];
  const excludes: Geom[] = [];
  let complete = true;
  for (const p of parts) {
    const polys = shapePolygons(p.shape, lookup);
    if (!polys) {
      complete = false;
      continue;
    }
    (p.mode === 'include' ? includes : excludes).push(polys);
  }
  if (includes.length === 0) return null;
  try {
    const [first, ...rest] = includes;
    const inside = rest.length > 0 ? union(first!, ...rest) : (first as Geom);
    const polygons = excludes.length > 0 ? difference(inside, ...excludes) : union(inside);
    return { polygons, complete };
  } catch {
    // A shape mid-drag that crosses itself can defeat the sweep line: draw the parts alone
    // until the next edit (the host refuses such a shape for counting anyway).
    return null;
  }
}

/** [[south, west], [north, east]] around polygons, or null when empty. */
export function polygonsBounds(polygons: MultiPolygon): [[number, number], [number, number]] | null {
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const poly of polygons) {
    for (const [lon, lat] of poly[0] ?? []) {
      w = Math.min(w, lon);
      e = Math.max(e, lon);
      s = Math.min(s, lat);
      n = Math.max(n, lat);
    }
  }
  return w <= e ? [[s, w], [n, e]] : null;
}
