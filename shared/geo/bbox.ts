import type { BBox, Position } from './types';

export const emptyBBox = (): BBox => [Infinity, Infinity, -Infinity, -Infinity];

export function extendBBox(b: BBox, lon: number, lat: number): BBox {
  if (lon < b[0]) b[0] = lon;
  if (lat < b[1]) b[1] = lat;
  if (lon > b[2]) b[2] = lon;
  if (lat > b[3]) b[3] = lat;
  return b;
}

export function bboxOfPositions(points: readonly Position[], into: BBox = emptyBBox()): BBox {
  for (const p of points) extendBBox(into, p[0], p[1]);
  return into;
}

export function unionBBox(a: BBox, b: BBox): BBox {
  return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
}

export function bboxIntersects(a: BBox, b: BBox): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}
