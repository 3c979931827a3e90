/**
 * Between our target areas and CAP areas.
 *
 * CAP 1.2 can only add shapes up: an <area> is the union of its polygons and circles, and a
 * polygon is one outer ring. It cannot express a hole or an excluded part. Going out, we
 * keep every included shape's outer ring and leave holes and exclusions out, so the CAP area
 * covers at least everyone the alert reaches (a receiver may show a larger area, never a
 * smaller one); what was left out is returned so the console can tell the officer. The exact
 * area, exclusions included, stays in the console and is what the SMS dispatch uses.
 */
import type { BoundaryResolver } from '../targeting/compile';
import { MAX_RADIUS_M, TargetAreaSchema } from '../targeting/area';
import { checkPolygon, countVertices, MAX_AREA_VERTICES } from '../geo/validate';
import type { Shape, TargetArea } from '../targeting/area';
import type { CapArea, CapAreaInput, CapPosition, CapResult } from './types';

export interface CapAreaFromTarget {
  area: CapArea;
  /** English descriptions of what CAP could not carry, e.g. "part 2 (exclude)". */
  omitted: string[];
}

const outer = (polygon: readonly (readonly CapPosition[])[]): CapPosition[] => polygon[0]!.map((p) => [p[0], p[1]]);

function outerRings(shape: Shape, where: string, omitted: string[], resolve?: BoundaryResolver): CapPosition[][] | null {
  const holes = (polys: readonly (readonly unknown[])[]) => {
    const n = polys.reduce((sum, p) => sum + Math.max(0, p.length - 1), 0);
    if (n) omitted.push(`${where}: ${n} hole${n === 1 ? '' : 's'}`);
  };
  switch (shape.type) {
    case 'polygon':
      holes([shape.coordinates]);
      return [outer(shape.coordinates)];
    case 'multipolygon':
      holes(shape.coordinates);
      return shape.coordinates.map(outer);
    case 'boundary': {
      const g = resolve?.(shape.kind, shape.code);
      if (!g) {
        omitted.push(`${where}: ${shape.kind} ${shape.code} (boundary not available)`);
        return [];
      }
      const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
      holes(polys);
      return polys.map(outer);
    }
    case 'circle':
      return null;
  }
}

/** One CAP <area> for a target area: its included shapes, holes and exclusions left out. */
export function capAreaFromTargetArea(target: TargetArea, desc: string, resolveBoundary?: BoundaryResolver): CapAreaFromTarget {
  const omitted: string[] = [];
  const polygons: CapPosition[][] = [];
  const circles: CapArea['circles'] = [];
  target.parts.forEach((part, i) => {
    const where = `part ${i + 1}`;
    if (part.mode === 'exclude') {
      omitted.push(`${where} (exclude)`);
      return;
    }
    if (part.shape.type === 'circle') {
      circles.push({ center: [part.shape.center[0], part.shape.center[1]], radiusM: part.shape.radiusM });
      return;
    }
    polygons.push(...(outerRings(part.shape, where, omitted, resolveBoundary) ?? []));
  });
  return { area: { desc, polygons, circles }, omitted };
}

/**
 * CAP areas as a target area to count and send to: every polygon and circle becomes an
 * included part. Refused when there is nothing to draw or a shape is beyond what a target
 * area accepts; the target area's own checks (self-crossing polygons) run when it is counted.
 */
export function targetAreaFromCap(areas: readonly CapAreaInput[]): CapResult<TargetArea> {
  const parts: TargetArea['parts'] = [];
  for (const area of areas) {
    for (const ring of area.polygons ?? []) {
      const closed = ring.length && (ring[0]![0] !== ring[ring.length - 1]![0] || ring[0]![1] !== ring[ring.length - 1]![1]) ? [...ring, ring[0]!] : ring;
      parts.push({ mode: 'include', shape: { type: 'polygon', coordinates: [closed.map((p) => [p[0], p[1]] as CapPosition)] } });
    }
    for (const c of area.circles ?? []) {
      if (c.radiusM > MAX_RADIUS_M) {
        return { ok: false, code: 'cap_circle', message: `"${area.desc}" has a circle of ${c.radiusM / 1000} km; a target area allows at most ${MAX_RADIUS_M / 1000} km` };
      }
      parts.push({ mode: 'include', shape: { type: 'circle', center: [c.center[0], c.center[1]], radiusM: c.radiusM } });
    }
  }
  if (!parts.length) return { ok: false, code: 'cap_no_area', message: 'The alert has no polygon or circle to target: draw the area on the map' };
  // Checked here, not first when counted: a bow-tie used to become a draft whose area then
  // broke every view of it. The vertex limits are checked first, before any geometry work.
  const vertices = parts.reduce((n, p) => n + (p.shape.type === 'polygon' ? countVertices(p.shape.coordinates, 1) : 0), 0);
  if (vertices > MAX_AREA_VERTICES) {
    return { ok: false, code: 'cap_polygon', message: `The areas have ${vertices} corners in all; an area may have at most ${MAX_AREA_VERTICES}` };
  }
  for (let i = 0; i < parts.length; i++) {
    const shape = parts[i]!.shape;
    if (shape.type !== 'polygon') continue;
    const c = checkPolygon(shape.coordinates, `polygon ${i + 1}`);
    if (!c.ok) return { ok: false, code: 'cap_polygon', message: `The areas cannot become a target area: ${c.error.message}` };
    shape.coordinates = c.value;
  }
  const checked = TargetAreaSchema.safeParse({ parts });
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    return { ok: false, code: 'cap_invalid', message: `The areas cannot become a target area: ${issue.path.join('.')} ${issue.message}` };
  }
  return { ok: true, value: checked.data, warnings: [] };
}
