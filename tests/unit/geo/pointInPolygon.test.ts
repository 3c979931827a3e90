import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { pointInMultiPolygon, pointInPolygon, PreparedPolygon, ringSide } from '../../../shared/geo/pointInPolygon';
import type { PolygonCoords, Position } from '../../../shared/geo/types';

/**
 * An independent reference on integer coordinates (exact in doubles): winding number plus
 * an explicit on-segment test, closed-set rule.
 */
function onSeg(p: Position, a: Position, b: Position): boolean {
  const cross = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
  return cross === 0 && p[0] >= Math.min(a[0], b[0]) && p[0] <= Math.max(a[0], b[0]) && p[1] >= Math.min(a[1], b[1]) && p[1] <= Math.max(a[1], b[1]);
}
function winding(p: Position, ring: Position[]): number {
  let w = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const a = ring[i]!, b = ring[i + 1]!;
    const isLeft = (b[0] - a[0]) * (p[1] - a[1]) - (p[0] - a[0]) * (b[1] - a[1]);
    if (a[1] <= p[1]) { if (b[1] > p[1] && isLeft > 0) w++; }
    else if (b[1] <= p[1] && isLeft < 0) w--;
  }
  return w;
}
function refRing(p: Position, ring: Position[]): 'in' | 'on' | 'out' {
  for (let i = 0; i + 1 < ring.length; i++) if (onSeg(p, ring[i]!, ring[i + 1]!)) return 'on';
  return winding(p, ring) !== 0 ? 'in' : 'out';
}
function refPolygon(p: Position, poly: PolygonCoords): boolean {
  if (refRing(p, poly[0]!) === 'out') return false;
  return poly.slice(1).every((h) => refRing(p, h) !== 'in');
}

/** A star-shaped (often concave) ring around a centre: simple by construction. */
const starRing = (cx: number, cy: number, rMax: number) =>
  fc.array(fc.integer({ min: 1, max: rMax }), { minLength: 3, maxLength: 14 }).map((radii) => {
    const ring: Position[] = radii.map((r, i) => {
      const t = (2 * Math.PI * i) / radii.length;
      return [cx + Math.round(r * Math.cos(t)), cy + Math.round(r * Math.sin(t))];
    });
    ring.push([...ring[0]!] as Position);
    return ring;
  });

const square = (x0: number, y0: number, s: number): Position[] => [[x0, y0], [x0 + s, y0], [x0 + s, y0 + s], [x0, y0 + s], [x0, y0]];

describe('point in polygon', () => {
  it('counts points on edges and vertices as inside, in holes as outside, on hole edges as inside', () => {
    const poly: PolygonCoords = [square(0, 0, 10), square(4, 4, 2).reverse()];
    const prepared = new PreparedPolygon(poly);
    const cases: [Position, boolean][] = [
      [[0, 0], true], [[10, 10], true], [[5, 0], true], [[0, 7], true], [[1, 1], true],
      [[5, 5], false], [[4, 5], true], [[6, 6], true], [[10.000001, 5], false], [[-1, 5], false],
    ];
    for (const [p, want] of cases) {
      expect(pointInPolygon(p[0], p[1], poly), `naive ${p}`).toBe(want);
      expect(prepared.contains(p[0], p[1]), `prepared ${p}`).toBe(want);
    }
    expect(ringSide(5, 0, square(0, 0, 10))).toBe(0);
  });

  it('agrees with the winding-number reference on random concave rings, with holes, points on vertices and edges', () => {
    const shape = fc.tuple(starRing(0, 0, 40), fc.boolean());
    fc.assert(
      fc.property(shape, fc.array(fc.tuple(fc.integer({ min: -45, max: 45 }), fc.integer({ min: -45, max: 45 })), { minLength: 20, maxLength: 60 }), ([outer, withHole], pts) => {
        // A hole only when the small square lies inside the outer ring without touching it.
        const hole = square(-1, -1, 2).reverse();
        const poly: PolygonCoords = withHole && hole.every((p) => refRing(p, outer) === 'in') && refRing([0, 0], outer) === 'in' ? [outer, hole] : [outer];
        const prepared = new PreparedPolygon(poly);
        const probes: Position[] = [...pts, ...outer, ...poly.flat()];
        for (let i = 0; i + 1 < outer.length; i++) {
          const a = outer[i]!, b = outer[i + 1]!;
          if ((a[0] + b[0]) % 2 === 0 && (a[1] + b[1]) % 2 === 0) probes.push([(a[0] + b[0]) / 2, (a[1] + b[1]) / 2]);
        }
        for (const p of probes) {
          const want = refPolygon(p, poly);
          if (pointInPolygon(p[0], p[1], poly) !== want) return false;
          if (prepared.contains(p[0], p[1]) !== want) return false;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it('handles near-zero-area slivers exactly', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-9, max: 1e-3, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (w, t) => {
        const sliver: PolygonCoords = [[[12, 55], [12.5, 55], [12.5, 55 + w], [12, 55]]];
        const prepared = new PreparedPolygon(sliver);
        const x = 12 + 0.5 * t;
        // Below the bottom edge is out; on it is in; the same for both implementations.
        return (
          prepared.contains(x, 55) === true &&
          pointInPolygon(x, 55, sliver) === true &&
          prepared.contains(x, 55 - 1e-9) === false &&
          pointInPolygon(x, 55 - 1e-9, sliver) === false &&
          prepared.contains(x, 55 + w * 1.5) === false
        );
      }),
    );
  });

  it('a multipolygon contains what any of its polygons contains', () => {
    const mp = [[square(0, 0, 2)], [square(10, 10, 2)]];
    expect(pointInMultiPolygon(1, 1, mp)).toBe(true);
    expect(pointInMultiPolygon(11, 12, mp)).toBe(true);
    expect(pointInMultiPolygon(5, 5, mp)).toBe(false);
  });
});
