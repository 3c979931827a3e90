/**
 * Checks a drawn or imported polygon before it is counted: what can be repaired without
 * changing the shape the officer meant is repaired (repeated vertices, an open ring, the
 * winding order); what cannot (a bowtie, a shape with no area) is refused with a code the
 * UI translates, never silently miscounted.
 */
import { ringSide } from './pointInPolygon';
import { findMeeting } from './sweep';
import type { SweepSegment } from './sweep';
import type { MultiPolygonCoords, PolygonCoords, Position, Ring } from './types';

export type GeometryErrorCode = 'self_intersecting' | 'degenerate' | 'too_few_points' | 'out_of_range' | 'too_many_points';

export interface GeometryError {
  code: GeometryErrorCode;
  /** English, for a developer; the UI translates `code`. */
  message: string;
}

export type Checked<T> = { ok: true; value: T; repairs: string[] } | { ok: false; error: GeometryError };

/**
 * Vertex limits. The largest real outlines the console targets are far below them: in DAGI
 * (1:500,000) the largest police district (Midt- og Vestjylland) has 6,101 vertices in all
 * its islands and 2,962 in its largest ring, the largest municipality (Morsø) 935 in one
 * ring. A shape of 10,000 vertices (an area of 20,000) is checked and counted within the
 * host's budget of ~100 ms per request; a comb of 200,000 froze the host for minutes. A finer
 * outline than that is a boundary the store holds (imported once, referred to by code).
 */
export const MAX_SHAPE_VERTICES = 10_000;
export const MAX_AREA_VERTICES = 20_000;

/** Positions in a polygon's or multipolygon's nested arrays, counted without trusting them. */
export function countVertices(raw: unknown, depth: 1 | 2): number {
  if (!Array.isArray(raw)) return 0;
  let n = 0;
  for (const x of raw) {
    if (!Array.isArray(x)) continue;
    if (depth === 1) n += x.length;
    else n += countVertices(x, 1);
  }
  return n;
}

export const tooManyVertices = (where: string, n: number, limit: number, what: string): GeometryError => ({
  code: 'too_many_points',
  message: `${where} has ${n} vertices; ${what} may have at most ${limit}`,
});

/** Below this many square metres a drawing is a line or a slip of the mouse, not an area. */
export const MIN_AREA_M2 = 1;
const M_PER_DEG = 111_319.49;

const refuse = (code: GeometryErrorCode, message: string): { ok: false; error: GeometryError } => ({
  ok: false,
  error: { code, message },
});

function checkPosition(p: unknown, where: string): GeometryError | null {
  if (!Array.isArray(p) || p.length < 2) {
    return { code: 'out_of_range', message: `${where} is not a [longitude, latitude] pair` };
  }
  const [lon, lat] = p as unknown[];
  if (typeof lon !== 'number' || typeof lat !== 'number' || !Number.isFinite(lon) || !Number.isFinite(lat)) {
    return { code: 'out_of_range', message: `${where} is not a pair of finite numbers` };
  }
  if (lon < -180 || lon > 180) return { code: 'out_of_range', message: `${where} has longitude ${lon} outside -180..180` };
  if (lat < -90 || lat > 90) return { code: 'out_of_range', message: `${where} has latitude ${lat} outside -90..90` };
  return null;
}

/** Twice the signed area in degrees squared; positive when counter-clockwise. */
function signedArea2(ring: readonly Position[]): number {
  let s = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    s += (ring[j]![0] - ring[i]![0]) * (ring[j]![1] + ring[i]![1]);
  }
  return s;
}

function ringAreaM2(ring: readonly Position[]): number {
  let lat = 0;
  for (const p of ring) lat += p[1];
  lat /= ring.length;
  return (Math.abs(signedArea2(ring)) / 2) * M_PER_DEG * M_PER_DEG * Math.cos((lat * Math.PI) / 180);
}

function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const v = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

function onSegment(ax: number, ay: number, bx: number, by: number, px: number, py: number): boolean {
  return px >= Math.min(ax, bx) && px <= Math.max(ax, bx) && py >= Math.min(ay, by) && py <= Math.max(ay, by);
}

function collinear(ring: readonly Position[]): boolean {
  const a = ring[0]!,
    b = ring[1]!;
  return ring.every((c) => orient(a[0], a[1], b[0], b[1], c[0], c[1]) === 0);
}

/** Closed segments: touching at an end counts as meeting. */
function segmentsMeet(a: Position, b: Position, c: Position, d: Position): boolean {
  const o1 = orient(a[0], a[1], b[0], b[1], c[0], c[1]);
  const o2 = orient(a[0], a[1], b[0], b[1], d[0], d[1]);
  const o3 = orient(c[0], c[1], d[0], d[1], a[0], a[1]);
  const o4 = orient(c[0], c[1], d[0], d[1], b[0], b[1]);
  if (o1 !== o2 && o3 !== o4) return true;
  return (
    (o1 === 0 && onSegment(a[0], a[1], b[0], b[1], c[0], c[1])) ||
    (o2 === 0 && onSegment(a[0], a[1], b[0], b[1], d[0], d[1])) ||
    (o3 === 0 && onSegment(c[0], c[1], d[0], d[1], a[0], a[1])) ||
    (o4 === 0 && onSegment(c[0], c[1], d[0], d[1], b[0], b[1]))
  );
}

interface Edge extends SweepSegment {
  ring: number;
  index: number;
  a: Position;
  b: Position;
}

/** Two edges meeting where they should not: non-neighbours meeting at all, or neighbours folding back over each other (a spike). */
function forbidden(rings: readonly Ring[], e: Edge, f: Edge): boolean {
  if (e.ring === f.ring) {
    const n = rings[e.ring]!.length - 1;
    const d = Math.abs(e.index - f.index);
    if (d === 1 || d === n - 1) {
      // Neighbours share one vertex; they may only meet there.
      const [first, second] = (f.index - e.index + n) % n === 1 ? [e, f] : [f, e];
      const shared = first.b;
      const o = orient(first.a[0], first.a[1], shared[0], shared[1], second.b[0], second.b[1]);
      const backwards =
        (second.b[0] - shared[0]) * (first.a[0] - shared[0]) + (second.b[1] - shared[1]) * (first.a[1] - shared[1]) > 0;
      return o === 0 && backwards && n > 2;
    }
  }
  return segmentsMeet(e.a, e.b, f.a, f.b);
}

/**
 * Any two edges of any rings meeting where they should not, in O(n log n) for every input
 * (see sweep.ts). A vertex used twice (a ring touching itself or another ring at a point) is
 * found from the sweep's own event order: more than two edge ends at one point.
 */
function findCrossing(rings: readonly Ring[]): [Edge, Edge] | 'inconsistent' | null {
  const edges: Edge[] = [];
  rings.forEach((ring, r) => {
    for (let i = 0; i + 1 < ring.length; i++) {
      const a = ring[i]!;
      const b = ring[i + 1]!;
      const aFirst = a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
      const [l, h] = aFirst ? [a, b] : [b, a];
      edges.push({ ring: r, index: i, a, b, lx: l[0], ly: l[1], rx: h[0], ry: h[1], id: edges.length });
    }
  });
  return findMeeting(edges, (x, y) => forbidden(rings, x, y), { onSharedPoint: true });
}

function cleanRing(raw: unknown, where: string, repairs: string[]): Ring | GeometryError {
  if (!Array.isArray(raw)) return { code: 'too_few_points', message: `${where} is not a list of positions` };
  const out: Ring = [];
  for (let i = 0; i < raw.length; i++) {
    const bad = checkPosition(raw[i], `${where}, position ${i}`);
    if (bad) return bad;
    const p = raw[i] as number[];
    const q: Position = [p[0]!, p[1]!];
    const last = out[out.length - 1];
    if (last && last[0] === q[0] && last[1] === q[1]) {
      if (i !== raw.length - 1) repairs.push(`${where}: dropped a repeated vertex`);
      continue;
    }
    out.push(q);
  }
  if (out.length > 1 && out[0]![0] === out[out.length - 1]![0] && out[0]![1] === out[out.length - 1]![1]) out.pop();
  else if (raw.length > 0 && out.length >= 3) repairs.push(`${where}: closed the ring`);
  if (out.length < 3) {
    return { code: 'too_few_points', message: `${where} has ${out.length} distinct vertices; an area needs at least 3` };
  }
  out.push([out[0]![0], out[0]![1]]);
  return out;
}

/** Validates and repairs one polygon (outer ring, then holes). */
export function checkPolygon(raw: unknown, where = 'polygon'): Checked<PolygonCoords> {
  if (!Array.isArray(raw) || raw.length === 0) return refuse('too_few_points', `${where} has no rings`);
  const count = countVertices(raw, 1);
  if (count > MAX_SHAPE_VERTICES) return { ok: false, error: tooManyVertices(where, count, MAX_SHAPE_VERTICES, 'a shape') };
  const repairs: string[] = [];
  const rings: Ring[] = [];
  for (let r = 0; r < raw.length; r++) {
    const ring = cleanRing(raw[r], r === 0 ? `${where}, outer ring` : `${where}, hole ${r}`, repairs);
    if (!Array.isArray(ring)) return { ok: false, error: ring };
    if (collinear(ring)) return refuse('degenerate', `${where}, ${r === 0 ? 'outer ring' : `hole ${r}`} is a line: all its vertices lie on one line`);
    rings.push(ring);
  }
  // Crossings first: a symmetric bowtie also has zero signed area, and "crosses itself" is
  // the message that tells the officer what to fix.
  const crossing = findCrossing(rings);
  if (crossing === 'inconsistent') return refuse('self_intersecting', `${where} crosses itself`);
  if (crossing) {
    const [e, f] = crossing;
    const name = (x: Edge) => `${x.ring === 0 ? 'outer ring' : `hole ${x.ring}`} edge ${x.index + 1}`;
    return refuse('self_intersecting', `${where} crosses itself: ${name(e)} meets ${name(f)}`);
  }
  for (let r = 0; r < rings.length; r++) {
    const ring = rings[r]!;
    const label = r === 0 ? 'outer ring' : `hole ${r}`;
    if (ringAreaM2(ring) < MIN_AREA_M2) return refuse('degenerate', `${where}, ${label} encloses no area (under ${MIN_AREA_M2} m²)`);
    if (signedArea2(ring) > 0 !== (r === 0)) {
      ring.reverse();
      repairs.push(`${where}, ${label}: reversed the winding order`);
    }
  }
  for (let h = 1; h < rings.length; h++) {
    const p = rings[h]![0]!;
    if (ringSide(p[0], p[1], rings[0]!) !== 1) {
      return refuse('self_intersecting', `${where}, hole ${h} lies outside its outer ring`);
    }
  }
  return { ok: true, value: rings, repairs };
}

export function checkMultiPolygon(raw: unknown, where = 'multipolygon'): Checked<MultiPolygonCoords> {
  if (!Array.isArray(raw) || raw.length === 0) return refuse('too_few_points', `${where} has no polygons`);
  const count = countVertices(raw, 2);
  if (count > MAX_SHAPE_VERTICES) return { ok: false, error: tooManyVertices(where, count, MAX_SHAPE_VERTICES, 'a shape') };
  const repairs: string[] = [];
  const out: MultiPolygonCoords = [];
  for (let i = 0; i < raw.length; i++) {
    const c = checkPolygon(raw[i], `${where}, polygon ${i + 1}`);
    if (!c.ok) return c;
    repairs.push(...c.repairs);
    out.push(c.value);
  }
  return { ok: true, value: out, repairs };
}

export { checkPosition };
