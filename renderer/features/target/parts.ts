/**
 * The officer's target area as the console edits it: a list of parts, each a drawn shape or a
 * picked boundary, included or excluded. Pure functions, so the slice and the tests share them.
 */
import type { BoundaryKind, Shape, TargetArea } from '../../../shared/targeting/area';

export type PartMode = 'include' | 'exclude';
export type PolygonShape = Extract<Shape, { type: 'polygon' }>;
export type CircleShape = Extract<Shape, { type: 'circle' }>;
export type BoundaryShape = Extract<Shape, { type: 'boundary' }>;

/** How the officer made a part: a rectangle is a polygon on the wire but edits as a rectangle. */
export type AreaPart =
  | { id: string; mode: PartMode; source: 'polygon' | 'rectangle'; shape: PolygonShape }
  | { id: string; mode: PartMode; source: 'circle'; shape: CircleShape }
  | { id: string; mode: PartMode; source: 'boundary'; shape: BoundaryShape; name: string };

export type NewPart = AreaPart extends infer P ? (P extends AreaPart ? Omit<P, 'id'> : never) : never;

/** Picked boundaries get a fixed id, so picking the same postcode twice finds the same part. */
export const boundaryPartId = (kind: BoundaryKind, code: string) => `boundary:${kind}:${code}`;

/** The area to count, or null when nothing is included (the bridge refuses an area without parts). */
export function toTargetArea(parts: readonly AreaPart[]): TargetArea | null {
  if (!parts.some((p) => p.mode === 'include')) return null;
  return { parts: parts.map(({ mode, shape }) => ({ mode, shape })) };
}

/** A click on a boundary: not picked → included → excluded → not picked. */
export function cycleBoundary(parts: readonly AreaPart[], kind: BoundaryKind, code: string, name: string): AreaPart[] {
  const id = boundaryPartId(kind, code);
  const current = parts.find((p) => p.id === id);
  if (!current) return [...parts, { id, mode: 'include', source: 'boundary', shape: { type: 'boundary', kind, code }, name }];
  if (current.mode === 'include') return parts.map((p) => (p.id === id ? { ...p, mode: 'exclude' as const } : p));
  return parts.filter((p) => p.id !== id);
}

/** Includes a boundary (from the search box): a no-op when it is already included. */
export function includeBoundary(parts: readonly AreaPart[], kind: BoundaryKind, code: string, name: string): AreaPart[] {
  const id = boundaryPartId(kind, code);
  const current = parts.find((p) => p.id === id);
  if (current?.mode === 'include') return [...parts];
  if (current) return parts.map((p) => (p.id === id ? { ...p, mode: 'include' as const } : p));
  return [...parts, { id, mode: 'include', source: 'boundary', shape: { type: 'boundary', kind, code }, name }];
}

// Leaflet reports positions to 15 digits; 7 (about a centimetre) is more than a count needs and
// lets the map and the store agree on "the same shape" without float noise.
const round = (n: number, digits = 7) => Math.round(n * 10 ** digits) / 10 ** digits;

/** A closed ring of [lon, lat] from the map's [lat, lng] corners (Leaflet leaves rings open). */
export function ringFromLatLngs(latlngs: readonly { lat: number; lng: number }[]): [number, number][] {
  const ring = latlngs.map((p): [number, number] => [round(p.lng), round(p.lat)]);
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (first && last && (first[0] !== last[0] || first[1] !== last[1])) ring.push([first[0], first[1]]);
  return ring;
}

export function circleShape(center: { lat: number; lng: number }, radiusM: number): CircleShape {
  return { type: 'circle', center: [round(center.lng), round(center.lat)], radiusM: round(radiusM, 1) };
}

export const sameShape = (a: Shape, b: Shape) => JSON.stringify(a) === JSON.stringify(b);
