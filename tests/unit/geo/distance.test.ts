import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { circleContains, distanceM, PreparedCircle } from '../../../shared/geo/distance';

describe('distance and circles', () => {
  it('measures known distances on the ground', () => {
    // One degree of latitude on the mean sphere: 2πR/360.
    expect(distanceM(12, 55, 12, 56)).toBeCloseTo(111_195.08, 1);
    // Copenhagen City Hall to Hillerød station, about 32 km.
    expect(distanceM(12.5683, 55.6761, 12.3110, 55.9270) / 1000).toBeCloseTo(32.2, 1);
    expect(distanceM(12, 55, 12, 55)).toBe(0);
  });

  it('prepared containment equals the haversine reference and stays inside its bbox', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 8, max: 15, noNaN: true }),
        fc.double({ min: 54.5, max: 57.7, noNaN: true }),
        fc.double({ min: 1, max: 50_000, noNaN: true }),
        fc.double({ min: -0.6, max: 0.6, noNaN: true }),
        fc.double({ min: -0.6, max: 0.6, noNaN: true }),
        (lon, lat, r, dx, dy) => {
          const c = new PreparedCircle(lon, lat, r);
          const px = lon + dx * (r / 30_000), py = lat + dy * (r / 60_000);
          const inside = c.contains(px, py);
          if (inside !== circleContains([lon, lat], r, px, py)) return false;
          const b = c.bbox;
          return !inside || (px >= b[0] && px <= b[2] && py >= b[1] && py <= b[3]);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('a rectangle reported inside has every sampled point inside', () => {
    fc.assert(
      fc.property(fc.double({ min: 500, max: 20_000, noNaN: true }), fc.double({ min: 0.001, max: 0.05, noNaN: true }), fc.double({ min: -0.1, max: 0.1, noNaN: true }), (r, size, off) => {
        const c = new PreparedCircle(12.3, 55.9, r);
        const x0 = 12.3 + off * (r / 20_000), y0 = 55.9 + off * (r / 40_000);
        if (!c.containsRect(x0, y0, x0 + size, y0 + size / 2)) return true;
        for (let i = 0; i <= 10; i++) for (let j = 0; j <= 10; j++) if (!c.contains(x0 + (size * i) / 10, y0 + (size / 2) * (j / 10))) return false;
        return true;
      }),
      { numRuns: 500 },
    );
  });
});
