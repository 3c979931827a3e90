import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CellClassifier, SUB } from '../../../electron/targeting/cellClasses';
import type { CellWindow } from '../../../electron/targeting/cellClasses';
import { compileArea } from '../../../shared/targeting/compile';
import type { TargetPart } from '../../../shared/targeting/area';
import type { Position } from '../../../shared/geo/types';

/** A 1e-3 degree lattice, so points land exactly on edges, vertices and cell borders. */
const coord = (lo: number, hi: number) => fc.integer({ min: Math.round(lo * 1000), max: Math.round(hi * 1000) }).map((v) => v / 1000);

const star = (cx: number, cy: number) =>
  fc.array(fc.integer({ min: 3, max: 60 }), { minLength: 3, maxLength: 14 }).map((radii) => {
    const ring: Position[] = radii.map((r, i) => {
      const t = (2 * Math.PI * i) / radii.length;
      return [cx + Math.round(r * Math.cos(t)) / 1000, cy + Math.round((r * Math.sin(t)) / 2) / 1000];
    });
    ring.push([ring[0]![0], ring[0]![1]]);
    return ring;
  });

const partArb: fc.Arbitrary<TargetPart> = fc.record({
  mode: fc.constantFrom('include' as const, 'include' as const, 'exclude' as const),
  shape: fc.oneof(
    fc.tuple(coord(12.02, 12.08), coord(55.92, 55.96)).chain(([x, y]) => star(x, y)).map((ring) => ({ type: 'polygon' as const, coordinates: [ring] })),
    // A square with a square hole: edges on the lattice, so on cell and sub-cell borders too.
    fc.tuple(coord(12.0, 12.06), coord(55.9, 55.95), fc.integer({ min: 4, max: 40 })).map(([x, y, s]) => {
      const d = s / 1000;
      return {
        type: 'polygon' as const,
        coordinates: [
          [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]],
          [[x + d / 4, y + d / 4], [x + d / 2, y + d / 4], [x + d / 2, y + d / 2], [x + d / 4, y + d / 2], [x + d / 4, y + d / 4]],
        ] as Position[][],
      };
    }),
    fc.tuple(fc.tuple(coord(12.0, 12.1), coord(55.9, 55.98)), fc.integer({ min: 50, max: 4000 })).map(([c, r]) => ({ type: 'circle' as const, center: c, radiusM: r })),
  ),
});

describe('cell classes', () => {
  it('never call a cell or sub-cell inside or outside where a point of it is not', () => {
    fc.assert(
      fc.property(
        fc.array(partArb, { minLength: 1, maxLength: 4 }),
        // Cell sizes that put lattice points on cell borders and others that do not.
        fc.constantFrom(0.001, 0.002, 0.004, 0.0037, 0.01),
        fc.array(fc.tuple(coord(11.99, 12.11), coord(55.89, 55.99)), { minLength: 50, maxLength: 400 }),
        (parts, size, points) => {
          if (!parts.some((p) => p.mode === 'include')) parts[0] = { ...parts[0]!, mode: 'include' };
          const compiled = compileArea({ parts });
          if (!compiled.ok) return true;
          const area = compiled.value;
          const bb = area.bbox;
          // The window as the place index lays it: whole cells from a grid origin below it.
          const ox = 11.9,
            oy = 55.8;
          const cx0 = Math.floor((bb[0] - ox) / size),
            cy0 = Math.floor((bb[1] - oy) / size);
          const win: CellWindow = {
            x0: ox + cx0 * size,
            y0: oy + cy0 * size,
            cw: size,
            ch: size,
            w: Math.floor((bb[2] - ox) / size) - cx0 + 1,
            h: Math.floor((bb[3] - oy) / size) - cy0 + 1,
          };
          // Every crossed cell gets a sub-grid (subMin 0) so sub-cells are checked everywhere.
          const classes = new CellClassifier().classify(area, win, () => 1, 0);
          for (const [lon, lat] of points) {
            // The cell as the place index computes it: from the grid origin, not the window's.
            const x = Math.floor((lon - ox) / size) - cx0,
              y = Math.floor((lat - oy) / size) - cy0;
            const inside = area.contains(lon, lat);
            if (x < 0 || y < 0 || x >= win.w || y >= win.h) {
              expect(inside).toBe(false);
              continue;
            }
            const k = y * win.w + x;
            let cls = classes.cls[k]!;
            const at = classes.subAt[k]!;
            if (cls === 2 && at >= 0) {
              // As the index maps a place to its sub-cell.
              const cellX0 = win.x0 + x * win.cw,
                cellY0 = win.y0 + y * win.ch;
              const u = Math.min(SUB - 1, Math.max(0, ((lon - cellX0) * (SUB / win.cw)) | 0));
              const v = Math.min(SUB - 1, Math.max(0, ((lat - cellY0) * (SUB / win.ch)) | 0));
              cls = classes.subCls[at + v * SUB + u]!;
            }
            if (cls === 0) expect(inside, `(${lon}, ${lat}) in an outside cell`).toBe(false);
            if (cls === 1) expect(inside, `(${lon}, ${lat}) in an inside cell`).toBe(true);
          }
          return true;
        },
      ),
      { numRuns: 300 },
    );
  });

  it('leaves few places to test in a crossed cell: only those in sub-cells an edge touches', () => {
    // A diagonal edge through one cell: of its 8 x 8 sub-cells, about 2 x 8 touch it.
    const area = compileArea({
      parts: [{ mode: 'include', shape: { type: 'polygon', coordinates: [[[0, 0], [1, 0], [0, 1], [0, 0]]] } }],
    });
    if (!area.ok) throw new Error(area.error.message);
    const classes = new CellClassifier().classify(area.value, { x0: 0.4, y0: 0.4, cw: 0.2, ch: 0.2, w: 1, h: 1 }, () => 100, 8);
    expect(classes.cls[0]).toBe(2);
    const at = classes.subAt[0]!;
    expect(at).toBeGreaterThanOrEqual(0);
    const sub = [...classes.subCls.subarray(at, at + SUB * SUB)];
    const crossed = sub.filter((c) => c === 2).length;
    expect(crossed).toBeLessThanOrEqual(3 * SUB);
    expect(sub.filter((c) => c === 1).length).toBeGreaterThan(20);
    expect(sub.filter((c) => c === 0).length).toBeGreaterThan(20);
    // The sub-cell at the south-west corner is inside, the north-east one outside.
    expect(sub[0]).toBe(1);
    expect(sub[SUB * SUB - 1]).toBe(0);
  });

  it('gives no sub-grid to a cell with few places, or one a circle crosses', () => {
    const area = compileArea({
      parts: [
        { mode: 'include', shape: { type: 'polygon', coordinates: [[[0, 0], [1, 0], [0, 1], [0, 0]]] } },
        { mode: 'exclude', shape: { type: 'circle', center: [0.5, 0.5], radiusM: 2000 } },
      ],
    });
    if (!area.ok) throw new Error(area.error.message);
    const win = { x0: 0.4, y0: 0.4, cw: 0.2, ch: 0.2, w: 1, h: 1 };
    const classifier = new CellClassifier();
    expect(classifier.classify(area.value, win, () => 100, 8).subAt[0]).toBe(-1);
    const polygonOnly = compileArea({ parts: [{ mode: 'include', shape: { type: 'polygon', coordinates: [[[0, 0], [1, 0], [0, 1], [0, 0]]] } }] });
    if (!polygonOnly.ok) throw new Error(polygonOnly.error.message);
    expect(classifier.classify(polygonOnly.value, win, () => 7, 8).subAt[0]).toBe(-1);
    // The same classifier again (its buffers reused) answers as a fresh one.
    expect(classifier.classify(polygonOnly.value, win, () => 8, 8).subAt[0]).toBe(0);
  });
});
