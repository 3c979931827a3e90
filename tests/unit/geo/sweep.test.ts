import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkPolygon } from '../../../shared/geo/validate';
import type { Position } from '../../../shared/geo/types';

/**
 * The O(n log n) crossing test against an independent all-pairs reference, on small integer
 * grids where touching, collinear and repeated points are the rule rather than the exception.
 */
const sign = (v: number) => (v > 0 ? 1 : v < 0 ? -1 : 0);
const cross = (a: Position, b: Position, c: Position) => sign((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]));
const within = (a: Position, b: Position, p: Position) =>
  p[0] >= Math.min(a[0], b[0]) && p[0] <= Math.max(a[0], b[0]) && p[1] >= Math.min(a[1], b[1]) && p[1] <= Math.max(a[1], b[1]);
function meet(a: Position, b: Position, c: Position, d: Position): boolean {
  const o1 = cross(a, b, c), o2 = cross(a, b, d), o3 = cross(c, d, a), o4 = cross(c, d, b);
  if (o1 !== o2 && o3 !== o4) return true;
  return (o1 === 0 && within(a, b, c)) || (o2 === 0 && within(a, b, d)) || (o3 === 0 && within(c, d, a)) || (o4 === 0 && within(c, d, b));
}

/** Reference on the rings as checkPolygon cleans them (closed, no consecutive repeats). */
function referenceCrosses(rings: Position[][]): boolean {
  const edges: { r: number; i: number; a: Position; b: Position; n: number }[] = [];
  rings.forEach((ring, r) => {
    for (let i = 0; i + 1 < ring.length; i++) edges.push({ r, i, a: ring[i]!, b: ring[i + 1]!, n: ring.length - 1 });
  });
  for (let x = 0; x < edges.length; x++) {
    for (let y = x + 1; y < edges.length; y++) {
      const e = edges[x]!, f = edges[y]!;
      if (e.r === f.r) {
        const d = Math.abs(e.i - f.i);
        if (d === 1 || d === e.n - 1) {
          const [first, second] = (f.i - e.i + e.n) % e.n === 1 ? [e, f] : [f, e];
          const s = first.b;
          const back = (second.b[0] - s[0]) * (first.a[0] - s[0]) + (second.b[1] - s[1]) * (first.a[1] - s[1]) > 0;
          if (cross(first.a, s, second.b) === 0 && back && e.n > 2) return true;
          continue;
        }
      }
      if (meet(e.a, e.b, f.a, f.b)) return true;
    }
  }
  return false;
}

function clean(raw: Position[]): Position[] | null {
  const out: Position[] = [];
  for (const p of raw) {
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  if (out.length > 1 && out[0]![0] === out[out.length - 1]![0] && out[0]![1] === out[out.length - 1]![1]) out.pop();
  if (out.length < 3) return null;
  const a = out[0]!, b = out[1]!;
  if (out.every((c) => cross(a, b, c) === 0)) return null;
  out.push([out[0]![0], out[0]![1]]);
  return out;
}

const grid = (max: number) => fc.tuple(fc.integer({ min: 0, max }), fc.integer({ min: 0, max })).map(([x, y]): Position => [x, y]);
const ring = (max: number, len: number) => fc.array(grid(max), { minLength: 3, maxLength: len });

describe('crossing test (sweep) against all pairs', () => {
  it('agrees on one ring', () => {
    fc.assert(
      fc.property(ring(6, 12), (raw) => {
        const r = clean(raw);
        fc.pre(r !== null);
        const got = checkPolygon([raw]);
        const crosses = !got.ok && got.error.code === 'self_intersecting';
        expect(crosses).toBe(referenceCrosses([r]));
      }),
      { numRuns: Number(process.env.SWEEP_RUNS ?? 4000) },
    );
  });

  it('agrees on an outer ring with holes', () => {
    fc.assert(
      fc.property(ring(8, 10), fc.array(ring(8, 6), { minLength: 1, maxLength: 2 }), (outer, holes) => {
        const rings = [outer, ...holes].map(clean);
        fc.pre(rings.every((r) => r !== null));
        const ref = referenceCrosses(rings);
        const got = checkPolygon([outer, ...holes]);
        if (ref) expect(!got.ok && got.error.code).toBe('self_intersecting');
        else expect(!got.ok && got.error.message.includes('crosses itself')).toBe(false);
      }),
      { numRuns: Number(process.env.SWEEP_RUNS ?? 3000) },
    );
  });

  it('agrees on longer rings with fractional coordinates', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 })), { minLength: 3, maxLength: 40 }), (pts) => {
        const raw = pts.map(([x, y]): Position => [12 + x / 8, 55 + y / 8]);
        const r = clean(raw);
        fc.pre(r !== null);
        const got = checkPolygon([raw]);
        expect(!got.ok && got.error.code === 'self_intersecting').toBe(referenceCrosses([r]));
      }),
      { numRuns: 2000 },
    );
  });
});
