/**
 * Exact point-in-polygon in the plane of [lon, lat] (edges are straight in degrees, as
 * RFC 7946 draws them).
 *
 * The rule for the edge: a polygon is a closed set. A point exactly on an edge or a vertex
 * of the outer ring, or of a hole, is inside the polygon; a point strictly inside a hole is
 * outside. So a shape and its excluded copy cancel out on their shared boundary too, and
 * two postcodes sharing a border both count a point lying on it.
 *
 * Every decision takes the sign of one cross product computed the same way, so a point is
 * never both "on the edge" and "crossing" it through rounding.
 */
import type { BBox, MultiPolygonCoords, PolygonCoords, Position } from './types';
import { bboxOfPositions, emptyBBox } from './bbox';

/** -1 outside, 0 on the ring itself, 1 inside. */
export type RingSide = -1 | 0 | 1;

/** Where a point lies against one ring (closed or open; orientation does not matter). */
export function ringSide(lon: number, lat: number, ring: readonly Position[]): RingSide {
  let inside = false;
  const n = ring.length;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const a = ring[j]!;
    const b = ring[i]!;
    const ax = a[0],
      ay = a[1],
      bx = b[0],
      by = b[1];
    const cross = (bx - ax) * (lat - ay) - (lon - ax) * (by - ay);
    if (
      cross === 0 &&
      lon >= Math.min(ax, bx) &&
      lon <= Math.max(ax, bx) &&
      lat >= Math.min(ay, by) &&
      lat <= Math.max(ay, by)
    ) {
      return 0;
    }
    if (ay > lat !== by > lat && (by > ay ? cross > 0 : cross < 0)) inside = !inside;
  }
  return inside ? 1 : -1;
}

export function pointInPolygon(lon: number, lat: number, polygon: PolygonCoords): boolean {
  const outer = polygon[0];
  if (!outer || ringSide(lon, lat, outer) === -1) return false;
  for (let h = 1; h < polygon.length; h++) {
    if (ringSide(lon, lat, polygon[h]!) === 1) return false;
  }
  return true;
}

export function pointInMultiPolygon(lon: number, lat: number, polygons: MultiPolygonCoords): boolean {
  for (const p of polygons) if (pointInPolygon(lon, lat, p)) return true;
  return false;
}

/**
 * A polygon prepared for millions of tests: its edges bucketed into latitude bands, so a
 * point only meets the few edges that span its latitude. Holes and outer ring are counted
 * together (even-odd), which equals the rule above for a valid polygon (holes inside the
 * outer ring, not overlapping). Boundary points are inside.
 */
export class PreparedPolygon {
  readonly bbox: BBox;
  /** ax, ay, bx, by per edge. */
  readonly edges: Float64Array;
  readonly edgeCount: number;
  private readonly bandStart: Uint32Array;
  private readonly bandEdges: Uint32Array;
  private readonly bandCount: number;
  private readonly bandScale: number;

  constructor(readonly coordinates: PolygonCoords) {
    let count = 0;
    for (const ring of coordinates) count += ring.length;
    const edges = new Float64Array(count * 4);
    let e = 0;
    for (const ring of coordinates) {
      const n = ring.length;
      for (let i = 0, j = n - 1; i < n; j = i++) {
        const a = ring[j]!;
        const b = ring[i]!;
        if (a[0] === b[0] && a[1] === b[1]) continue; // the closing repeat adds nothing
        edges[e * 4] = a[0];
        edges[e * 4 + 1] = a[1];
        edges[e * 4 + 2] = b[0];
        edges[e * 4 + 3] = b[1];
        e++;
      }
    }
    this.edges = edges;
    this.edgeCount = e;
    this.bbox = coordinates[0] ? bboxOfPositions(coordinates[0]) : emptyBBox();
    const [, minLat, , maxLat] = this.bbox;
    // Band entries are about sum(edge height / bbox height) * bands + edges. Long edges that
    // each span most of the height (a comb) would make that edges x bands (1.6 GB for 20,000
    // vertices at 4,096 bands): fewer bands keep it within 16 entries per edge.
    let spans = 0;
    if (maxLat > minLat) for (let k = 0; k < e; k++) spans += Math.abs(edges[k * 4 + 3]! - edges[k * 4 + 1]!) / (maxLat - minLat);
    const budget = Math.floor((16 * e) / Math.max(1, spans));
    this.bandCount = Math.max(1, Math.min(4096, e >> 1, budget));
    this.bandScale = maxLat > minLat ? this.bandCount / (maxLat - minLat) : 0;
    const counts = new Uint32Array(this.bandCount + 1);
    for (let k = 0; k < e; k++) {
      const [b0, b1] = this.bandsOf(edges[k * 4 + 1]!, edges[k * 4 + 3]!);
      for (let b = b0; b <= b1; b++) counts[b + 1]!++;
    }
    for (let b = 0; b < this.bandCount; b++) counts[b + 1]! += counts[b]!;
    this.bandStart = counts.slice();
    const fill = counts.slice();
    this.bandEdges = new Uint32Array(counts[this.bandCount]!);
    for (let k = 0; k < e; k++) {
      const [b0, b1] = this.bandsOf(edges[k * 4 + 1]!, edges[k * 4 + 3]!);
      for (let b = b0; b <= b1; b++) this.bandEdges[fill[b]!++] = k;
    }
  }

  /** Same formula for edges and points, so a point's band always holds every edge spanning it. */
  private band(lat: number): number {
    const b = Math.floor((lat - this.bbox[1]) * this.bandScale);
    return b < 0 ? 0 : b >= this.bandCount ? this.bandCount - 1 : b;
  }

  private bandsOf(y1: number, y2: number): [number, number] {
    return y1 < y2 ? [this.band(y1), this.band(y2)] : [this.band(y2), this.band(y1)];
  }

  contains(lon: number, lat: number): boolean {
    const bb = this.bbox;
    if (lon < bb[0] || lon > bb[2] || lat < bb[1] || lat > bb[3]) return false;
    const b = this.band(lat);
    const edges = this.edges;
    const bandEdges = this.bandEdges;
    let inside = false;
    for (let k = this.bandStart[b]!, end = this.bandStart[b + 1]!; k < end; k++) {
      const o = bandEdges[k]! * 4;
      const ax = edges[o]!,
        ay = edges[o + 1]!,
        bx = edges[o + 2]!,
        by = edges[o + 3]!;
      const cross = (bx - ax) * (lat - ay) - (lon - ax) * (by - ay);
      if (cross === 0) {
        if (
          lon >= (ax < bx ? ax : bx) &&
          lon <= (ax < bx ? bx : ax) &&
          lat >= (ay < by ? ay : by) &&
          lat <= (ay < by ? by : ay)
        ) {
          return true;
        }
      }
      if (ay > lat !== by > lat && (by > ay ? cross > 0 : cross < 0)) inside = !inside;
    }
    return inside;
  }
}
