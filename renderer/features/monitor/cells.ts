/**
 * The delivery grid as the map draws it: each cell's shares and its colour. Only counts of
 * cells the host let through (at least its minimum) ever reach here, never a recipient.
 */
import type { DeliveryCells } from './monitorSlice';

export type DeliveryCell = DeliveryCells['cells'][number];

export interface CellShares {
  total: number;
  delivered: number;
  pending: number;
  failed: number;
}

export function cellShares(cell: DeliveryCell): CellShares {
  const total = cell.delivered + cell.pending + cell.failed;
  if (total <= 0) return { total: 0, delivered: 0, pending: 0, failed: 0 };
  return { total, delivered: cell.delivered / total, pending: cell.pending / total, failed: cell.failed / total };
}

/** The legend's three colours; a cell's colour mixes them by its shares. */
export const cellPalette = {
  delivered: [27, 122, 58],
  pending: [150, 160, 172],
  failed: [179, 38, 30],
} as const satisfies Record<'delivered' | 'pending' | 'failed', readonly [number, number, number]>;

const hex = (v: number) => Math.round(Math.min(255, Math.max(0, v))).toString(16).padStart(2, '0');

/**
 * A cell's fill: the palette mixed by its shares, with failures weighted three times so a
 * pocket of failed delivery stands out in a sea of green, where the officer must look.
 */
export function cellColor(cell: DeliveryCell): string {
  const s = cellShares(cell);
  if (s.total === 0) return `#${cellPalette.pending.map(hex).join('')}`;
  const w = { delivered: s.delivered, pending: s.pending, failed: s.failed * 3 };
  const sum = w.delivered + w.pending + w.failed;
  const mix = [0, 1, 2].map(
    (i) => (w.delivered * cellPalette.delivered[i]! + w.pending * cellPalette.pending[i]! + w.failed * cellPalette.failed[i]!) / sum,
  );
  return `#${mix.map(hex).join('')}`;
}

export const paletteColor = (key: keyof typeof cellPalette) => `#${cellPalette[key].map(hex).join('')}`;

/** [[south, west], [north, east]] around every cell, for framing the map; null without cells. */
export function cellsBounds(grid: DeliveryCells): [[number, number], [number, number]] | null {
  if (grid.cells.length === 0) return null;
  let s = Infinity;
  let w = Infinity;
  let n = -Infinity;
  let e = -Infinity;
  for (const c of grid.cells) {
    s = Math.min(s, c.lat);
    w = Math.min(w, c.lon);
    n = Math.max(n, c.lat + grid.cellSizeDeg);
    e = Math.max(e, c.lon + grid.cellSizeDeg);
  }
  return [
    [s, w],
    [n, e],
  ];
}

/** Cells where delivery went worst first (largest failed share, then most failures): the table's order. */
export function worstFirst(cells: readonly DeliveryCell[]): DeliveryCell[] {
  return [...cells].sort((a, b) => cellShares(b).failed - cellShares(a).failed || b.failed - a.failed);
}
