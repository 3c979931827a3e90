/**
 * Which grid cells under an area are wholly outside it (0), wholly inside (1) or crossed by
 * an edge (2), for the place index's counts; and, inside crossed cells that hold many places,
 * the same answer on a finer SUB×SUB grid, so only the places near an edge are tested point
 * by point. Measured at 6,000,000 subscribers on the whole district of Nordsjælland: 1,374
 * crossed cells held 94,460 places, each tested against ~1,000 edges' bands (about 6 ms of a
 * 15 ms count); the finer grid leaves a fraction of them to test.
 *
 * Cells no edge touches take their answer from one point test per connected run of such cells
 * (a flood fill): no edge touches the union of two neighbouring untouched cells, so the
 * boundary cannot pass between their centres and they are both inside or both outside. Edge
 * marking is conservative (a small tolerance around every segment), so rounding can only
 * send a place to a point test, never past one.
 */
import type { CompiledArea, CompiledPart } from '../../shared/targeting/compile';

/** Sub-grid side in a crossed cell: 8 × 8 leaves about a quarter of its places near an edge. */
export const SUB = 8;

/** A window of the index's grid: origin (south-west corner) and cell size in degrees. */
export interface CellWindow {
  x0: number;
  y0: number;
  cw: number;
  ch: number;
  w: number;
  h: number;
}

export interface CellClasses {
  /** Per window cell (row-major): 0 outside, 1 inside, 2 test each place. */
  cls: Uint8Array;
  /** Per window cell: where its SUB×SUB classes start in `subCls`, or -1 (test every place). */
  subAt: Int32Array;
  /** Classes of the sub-cells, row-major inside each crossed cell, same meaning as `cls`. */
  subCls: Uint8Array;
}

const EPS = 1e-6;
// Flags of one sub-cell, gathered over the parts crossing its cell.
const INC_IN = 1,
  INC_EDGE = 2,
  EXC_IN = 4,
  EXC_EDGE = 8;

/**
 * Calls `mark(r * w + c)` for every cell of a w × h grid (origin x0, y0; cells cw × ch) that
 * the segment touches, closed cells with a tolerance of EPS cell sizes.
 */
function touchedCells(
  ax0: number,
  ay0: number,
  bx0: number,
  by0: number,
  x0: number,
  y0: number,
  cw: number,
  ch: number,
  w: number,
  h: number,
  mark: (k: number) => void,
): void {
  const ax = (ax0 - x0) / cw,
    ay = (ay0 - y0) / ch;
  const bx = (bx0 - x0) / cw,
    by = (by0 - y0) / ch;
  const minX = Math.min(ax, bx),
    maxX = Math.max(ax, bx);
  const c0 = Math.max(0, Math.floor(minX - EPS));
  const c1 = Math.min(w - 1, Math.floor(maxX + EPS));
  for (let c = c0; c <= c1; c++) {
    let ya: number, yb: number;
    if (maxX - minX < 1e-12) {
      ya = ay;
      yb = by;
    } else {
      const xa = Math.max(minX, c),
        xb = Math.min(maxX, c + 1);
      ya = ay + ((by - ay) * (xa - ax)) / (bx - ax);
      yb = ay + ((by - ay) * (xb - ax)) / (bx - ax);
    }
    const r0 = Math.max(0, Math.floor(Math.min(ya, yb) - EPS));
    const r1 = Math.min(h - 1, Math.floor(Math.max(ya, yb) + EPS));
    for (let r = r0; r <= r1; r++) mark(r * w + c);
  }
}

/**
 * Gives every still-unknown cell (0) of the rectangle [gx0, gx1] × [gy0, gy1] of a w-wide
 * grid the answer of one point test per 4-connected run: 1 inside, 3 outside. Cells marked
 * 2 (an edge touches them) bound the runs.
 */
function floodFill(
  part: Uint8Array,
  w: number,
  gx0: number,
  gx1: number,
  gy0: number,
  gy1: number,
  stack: Int32Array,
  inside: (k: number) => boolean,
): void {
  for (let y = gy0; y <= gy1; y++) {
    for (let x = gx0; x <= gx1; x++) {
      const seed = y * w + x;
      if (part[seed] !== 0) continue;
      const v = inside(seed) ? 1 : 3;
      part[seed] = v;
      let top = 0;
      stack[top++] = seed;
      while (top > 0) {
        const k = stack[--top]!;
        const kx = k % w,
          ky = (k - kx) / w;
        if (kx > gx0 && part[k - 1] === 0) {
          part[k - 1] = v;
          stack[top++] = k - 1;
        }
        if (kx < gx1 && part[k + 1] === 0) {
          part[k + 1] = v;
          stack[top++] = k + 1;
        }
        if (ky > gy0 && part[k - w] === 0) {
          part[k - w] = v;
          stack[top++] = k - w;
        }
        if (ky < gy1 && part[k + w] === 0) {
          part[k + w] = v;
          stack[top++] = k + w;
        }
      }
    }
  }
}

/** Scratch arrays by name, grown by doubling and kept for the next call. */
class Buffers {
  private readonly u8s = new Map<string, Uint8Array>();
  private readonly i32s = new Map<string, Int32Array>();

  /** A buffer of at least n entries, its first n set to `fill`. */
  u8(name: string, n: number, fill = 0): Uint8Array {
    let b = this.u8s.get(name);
    if (!b || b.length < n) this.u8s.set(name, (b = new Uint8Array(Math.max(n, (b?.length ?? 0) * 2))));
    return b.fill(fill, 0, n);
  }

  i32(name: string, n: number, fill = 0): Int32Array {
    let b = this.i32s.get(name);
    if (!b || b.length < n) this.i32s.set(name, (b = new Int32Array(Math.max(n, (b?.length ?? 0) * 2))));
    return b.fill(fill, 0, n);
  }

  /** Keeps a buffer grown during a call for the next one. */
  keep(name: string, b: Uint8Array | Int32Array): void {
    if (b instanceof Uint8Array) this.u8s.set(name, b);
    else this.i32s.set(name, b);
  }
}

/**
 * Classifies areas' cells with scratch arrays kept between counts: allocating ~10
 * window-sized arrays per count made the garbage collector's external-memory pressure run a
 * full mark-compact every few counts (a 5–20 ms pause in the p95 at 6 M). Only the three
 * arrays it returns are new on each call.
 */
export class CellClassifier {
  private readonly buffers = new Buffers();

  /**
   * `placesIn(k)`: how many places window cell k holds. Only crossed cells holding at least
   * `subMin` places get a sub-grid.
   */
  classify(area: CompiledArea, win: CellWindow, placesIn: (k: number) => number, subMin: number): CellClasses {
    return classifyCells(this.buffers, area, win, placesIn, subMin);
  }
}

function classifyCells(
  buffers: Buffers,
  area: CompiledArea,
  win: CellWindow,
  placesIn: (k: number) => number,
  subMin: number,
): CellClasses {
  const u8 = buffers.u8.bind(buffers),
    i32 = buffers.i32.bind(buffers),
    keep = buffers.keep.bind(buffers);
  const { x0, y0, cw, ch, w, h } = win;
  const cells = w * h;
  const anyIn = u8('anyIn', cells);
  const incEdge = u8('incEdge', cells);
  const excIn = u8('excIn', cells);
  const excEdge = u8('excEdge', cells);
  /** A circle crosses the cell: its places are tested one by one (no sub-grid). */
  const circleEdge = u8('circleEdge', cells);
  const part = u8('part', cells);
  const stack = i32('stack', cells);
  const subAt = new Int32Array(cells).fill(-1);
  let subFlags = u8('subFlags', 0);
  let subCount = 0;
  /** The cells that have a sub-grid, in the order they got it. */
  let subCells = i32('subCells', 64);
  const sub = u8('sub', SUB * SUB);
  const subStack = i32('subStack', SUB * SUB);
  const scw = cw / SUB,
    sch = ch / SUB;
  // Pairs (cell, polygon, edge) of the part being classified, chained per cell.
  let pairCell = i32('pairCell', 256),
    pairPoly = i32('pairPoly', 256),
    pairEdge = i32('pairEdge', 256),
    pairNext = i32('pairNext', 256);
  let pairs = 0;
  const head = i32('head', cells, -1);
  let polyIndex = 0,
    edgeIndex = 0;
  const markPair = (k: number) => {
    part[k] = 2;
    if (pairs === pairCell.length) {
      const grow = (a: Int32Array) => {
        const next = new Int32Array(a.length * 2);
        next.set(a);
        return next;
      };
      pairCell = grow(pairCell);
      pairPoly = grow(pairPoly);
      pairEdge = grow(pairEdge);
      pairNext = grow(pairNext);
    }
    pairCell[pairs] = k;
    pairPoly[pairs] = polyIndex;
    pairEdge[pairs] = edgeIndex;
    pairNext[pairs] = head[k]!;
    head[k] = pairs++;
  };
  const markSub = (s: number) => (sub[s] = 2);

  const classifyPart = (p: CompiledPart) => {
    part.fill(0);
    const b = p.bbox;
    const px0 = Math.max(0, Math.floor((b[0] - x0) / cw) - 1);
    const px1 = Math.min(w - 1, Math.floor((b[2] - x0) / cw) + 1);
    const py0 = Math.max(0, Math.floor((b[1] - y0) / ch) - 1);
    const py1 = Math.min(h - 1, Math.floor((b[3] - y0) / ch) + 1);
    if (px0 > px1 || py0 > py1) return;
    const include = p.mode === 'include';
    if (p.circle) {
      for (let y = py0; y <= py1; y++) {
        for (let x = px0; x <= px1; x++) {
          const lx = x0 + x * cw,
            ly = y0 + y * ch;
          const k = y * w + x;
          if (p.circle.containsRect(lx - 1e-9, ly - 1e-9, lx + cw + 1e-9, ly + ch + 1e-9)) part[k] = 1;
          else {
            part[k] = 2;
            circleEdge[k] = 1;
          }
        }
      }
    } else {
      pairs = 0;
      p.polygons.forEach((poly, pi) => {
        const ed = poly.edges;
        polyIndex = pi;
        for (let e = 0; e < poly.edgeCount; e++) {
          edgeIndex = e;
          touchedCells(ed[e * 4]!, ed[e * 4 + 1]!, ed[e * 4 + 2]!, ed[e * 4 + 3]!, x0, y0, cw, ch, w, h, markPair);
        }
      });
      floodFill(part, w, px0, px1, py0, py1, stack, (k) => p.contains(x0 + ((k % w) + 0.5) * cw, y0 + (Math.floor(k / w) + 0.5) * ch));
      // Sub-grids of the crossed cells that hold many places, from the edges touching each.
      for (let q = 0; q < pairs; q++) {
        const k = pairCell[q]!;
        if (head[k]! < 0) continue; // done already
        if (circleEdge[k] === 0 && placesIn(k) >= subMin) {
          const sx0 = x0 + (k % w) * cw,
            sy0 = y0 + Math.floor(k / w) * ch;
          sub.fill(0);
          for (let o = head[k]!; o >= 0; o = pairNext[o]!) {
            const ed = p.polygons[pairPoly[o]!]!.edges,
              e = pairEdge[o]! * 4;
            touchedCells(ed[e]!, ed[e + 1]!, ed[e + 2]!, ed[e + 3]!, sx0, sy0, scw, sch, SUB, SUB, markSub);
          }
          floodFill(sub, SUB, 0, SUB - 1, 0, SUB - 1, subStack, (s) => p.contains(sx0 + ((s % SUB) + 0.5) * scw, sy0 + (Math.floor(s / SUB) + 0.5) * sch));
          let at = subAt[k]!;
          if (at < 0) {
            at = subCount * SUB * SUB;
            if (at + SUB * SUB > subFlags.length) {
              const next = new Uint8Array(Math.max(SUB * SUB * 64, subFlags.length * 2));
              next.set(subFlags.subarray(0, at));
              subFlags = next;
            }
            subFlags.fill(0, at, at + SUB * SUB);
            subAt[k] = at;
            if (subCount === subCells.length) {
              const next = new Int32Array(subCount * 2);
              next.set(subCells);
              subCells = next;
            }
            subCells[subCount++] = k;
          }
          for (let s = 0; s < SUB * SUB; s++) {
            const v = sub[s]!;
            if (v === 1) subFlags[at + s]! |= include ? INC_IN : EXC_IN;
            else if (v === 2) subFlags[at + s]! |= include ? INC_EDGE : EXC_EDGE;
          }
        }
        head[k] = -1;
      }
    }
    const inArr = include ? anyIn : excIn;
    const edgeArr = include ? incEdge : excEdge;
    for (let y = py0; y <= py1; y++) {
      for (let k = y * w + px0, end = y * w + px1; k <= end; k++) {
        const v = part[k]!;
        if (v === 1) inArr[k] = 1;
        else if (v === 2) edgeArr[k] = 1;
      }
    }
  };
  for (const p of area.includes) classifyPart(p);
  for (const p of area.excludes) classifyPart(p);

  const cls = new Uint8Array(cells);
  for (let k = 0; k < cells; k++) {
    if (excIn[k]) continue;
    if (anyIn[k]) cls[k] = excEdge[k] ? 2 : 1;
    else if (incEdge[k]) cls[k] = 2;
  }
  keep('subFlags', subFlags);
  keep('subCells', subCells);
  keep('pairCell', pairCell);
  keep('pairPoly', pairPoly);
  keep('pairEdge', pairEdge);
  keep('pairNext', pairNext);
  // A sub-cell's answer: parts wholly inside or outside the cell count as they do for the
  // cell; parts crossing it count by their sub-cell flags.
  const subCls = new Uint8Array(subCount * SUB * SUB);
  for (let j = 0; j < subCount; j++) {
    const k = subCells[j]!;
    const at = subAt[k]!;
    if (cls[k] !== 2 || circleEdge[k]) {
      subAt[k] = -1;
      continue;
    }
    for (let s = 0; s < SUB * SUB; s++) {
      const f = subFlags[at + s]!;
      if (excIn[k] || f & EXC_IN) continue;
      if (anyIn[k] || f & INC_IN) subCls[at + s] = f & EXC_EDGE ? 2 : 1;
      else if (f & INC_EDGE) subCls[at + s] = 2;
    }
  }
  return { cls, subAt, subCls };
}
