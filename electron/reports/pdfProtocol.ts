/**
 * Messages between the main thread (pdfClient.ts) and the PDF worker (pdfWorker.ts), and the
 * bounds on what one PDF renders. The main thread gathers a report's figures from the store
 * and caps its lists here before posting them, so neither the copy into the worker nor the
 * render grows with the store: a period over tens of thousands of alerts renders the first
 * rows of each table and says in the PDF how many there were (all are in `--json` and the
 * screen's CSV export). No pdfkit here: the main thread never loads it.
 */
import type { AlertReport, EvaluationReport } from '../../shared/reports/schema';
import type { ReportLang } from '../../shared/reports/format';

/** Rows rendered per table (a thousand rows is some 25 pages). */
export const PDF_MAX_TABLE_ROWS = 1000;
/** Delivery cells drawn on the after-action map. */
export const PDF_MAX_MAP_CELLS = 20_000;
/** Vertices drawn for the area's outline (a municipality from DAGI has a few thousand). */
export const PDF_MAX_OUTLINE_VERTICES = 200_000;

/** How many rows a capped list had before the cap; absent when nothing was left out. */
export type Totals = Partial<Record<'timeline' | 'failures' | 'tipsByHour' | 'channels' | 'cells' | 'outline' | 'perAlert', number>>;

function cap<T>(rows: readonly T[], max: number, key: keyof Totals, totals: Totals): T[] {
  if (rows.length <= max) return rows as T[];
  totals[key] = rows.length;
  return rows.slice(0, max);
}

/** The outline's rings, whole, until the vertex budget is spent. */
function capOutline(outline: AlertReport['outline'], totals: Totals): AlertReport['outline'] {
  let n = 0;
  for (const poly of outline) for (const ring of poly) n += ring.length;
  if (n <= PDF_MAX_OUTLINE_VERTICES) return outline;
  totals.outline = n;
  let left = PDF_MAX_OUTLINE_VERTICES;
  const out: AlertReport['outline'] = [];
  for (const poly of outline) {
    const rings = [];
    for (const ring of poly) {
      if (ring.length > left) break;
      rings.push(ring);
      left -= ring.length;
    }
    if (rings.length) out.push(rings);
    if (rings.length < poly.length) break;
  }
  return out;
}

export function capAlertReport(r: AlertReport): { report: AlertReport; totals: Totals } {
  const totals: Totals = {};
  const report: AlertReport = {
    ...r,
    timeline: cap(r.timeline, PDF_MAX_TABLE_ROWS, 'timeline', totals),
    failures: cap(r.failures, PDF_MAX_TABLE_ROWS, 'failures', totals),
    tipsByHour: cap(r.tipsByHour, PDF_MAX_TABLE_ROWS, 'tipsByHour', totals),
    reach: { channels: cap(r.reach.channels, PDF_MAX_TABLE_ROWS, 'channels', totals) },
    cells: { ...r.cells, cells: cap(r.cells.cells, PDF_MAX_MAP_CELLS, 'cells', totals) },
    outline: capOutline(r.outline, totals),
  };
  return { report, totals };
}

export function capPeriodReport(r: EvaluationReport): { report: EvaluationReport; totals: Totals } {
  const totals: Totals = {};
  // byMonth and byGroup are bounded by the period (at most MAX_PERIOD_DAYS) and the registry.
  const report: EvaluationReport = {
    ...r,
    reach: { channels: cap(r.reach.channels, PDF_MAX_TABLE_ROWS, 'channels', totals) },
    perAlert: cap(r.perAlert, PDF_MAX_TABLE_ROWS, 'perAlert', totals),
  };
  return { report, totals };
}

export type PdfRequest =
  | { type: 'alert'; report: AlertReport; totals: Totals; lang: ReportLang }
  | { type: 'period'; report: EvaluationReport; totals: Totals; lang: ReportLang };

export type PdfEnvelope = PdfRequest & { id: number };
/** The PDF's bytes come back as a transferred ArrayBuffer (no copy). */
export type PdfReply = { id: number; ok: true; pdf: ArrayBuffer } | { id: number; ok: false; code: string; message: string };

/** Where the worker finds DejaVu Sans (copied beside its bundle by build/worker.mjs). */
export interface PdfWorkerData {
  fontDir: string;
}
