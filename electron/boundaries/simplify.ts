/**
 * Outline simplification for drawing only (counting always uses the full shapes):
 * Douglas–Peucker per ring, so the renderer gets a few hundred kB instead of megabytes.
 */
type Pt = number[];

function perpendicular(p: Pt, a: Pt, b: Pt): number {
  const [x, y] = [p[0]!, p[1]!];
  const [x1, y1, x2, y2] = [a[0]!, a[1]!, b[0]!, b[1]!];
  const dx = x2 - x1;
  const dy = y2 - y1;
  const len2 = dx * dx + dy * dy;
  if (len2 === 0) return Math.hypot(x - x1, y - y1);
  const t = Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / len2));
  return Math.hypot(x - (x1 + t * dx), y - (y1 + t * dy));
}

export function simplifyLine(points: Pt[], tolerance: number): Pt[] {
  if (points.length <= 2) return points;
  const keep = new Uint8Array(points.length);
  keep[0] = keep[points.length - 1] = 1;
  const stack: [number, number][] = [[0, points.length - 1]];
  while (stack.length) {
    const [first, last] = stack.pop()!;
    let maxD = 0;
    let index = -1;
    for (let i = first + 1; i < last; i++) {
      const d = perpendicular(points[i]!, points[first]!, points[last]!);
      if (d > maxD) {
        maxD = d;
        index = i;
      }
    }
    if (index !== -1 && maxD > tolerance) {
      keep[index] = 1;
      stack.push([first, index], [index, last]);
    }
  }
  return points.filter((_, i) => keep[i]);
}

/** Simplifies every ring; rings that collapse below a triangle are dropped, except outer rings, which keep their corners. */
export function simplifyMultiPolygon(coords: number[][][][], tolerance: number): number[][][][] {
  const out: number[][][][] = [];
  for (const poly of coords) {
    const rings: number[][][] = [];
    poly.forEach((ring, i) => {
      let s = simplifyLine(ring, tolerance);
      if (s.length < 4) {
        if (i > 0) return; // a hole too small to see
        s = ring.length <= 8 ? ring : simplifyLine(ring, tolerance / 8);
        if (s.length < 4) return;
      }
      rings.push(s.map((p) => [Math.round(p[0]! * 1e5) / 1e5, Math.round(p[1]! * 1e5) / 1e5]));
    });
    if (rings.length) out.push(rings);
  }
  return out;
}
