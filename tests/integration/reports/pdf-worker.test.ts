/**
 * The report PDFs are rendered in a worker thread (electron/reports/pdfClient.ts → pdf.cjs):
 * the main thread's event loop stays responsive (and its CPU idle) while a PDF of hundreds of
 * milliseconds is made, a worker that dies mid-render fails that request clearly and the next
 * one gets a fresh worker, and a period over a huge number of alerts renders a bounded table
 * that says so.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertFigures, EvaluationReport } from '../../../shared/reports/schema';
import { PdfClient } from '../../../electron/reports/pdfClient';
import { capPeriodReport, PDF_MAX_TABLE_ROWS } from '../../../electron/reports/pdfProtocol';
import { describeCost, measure } from '../../support/hostile';

const delivery = { recipients: 1200, delivered: 1150, failed: 30, expired: 10, cancelled: 0, pending: 10, rate: 1150 / 1200, t50: 41, t90: 95, t99: 260 };

function alertRow(id: number): AlertFigures {
  return {
    id,
    kind: 'alert',
    parentId: null,
    category: 'burglary',
    urgency: 'routine',
    status: 'done',
    releasedAt: new Date(Date.UTC(2026, 0, 1) + id * 600_000).toISOString(),
    district: '91',
    delivery,
    segments: 1,
    parts: 1200,
    costOre: 36000,
    tips: id % 7,
    firstTipSeconds: 300,
    outcome: id % 3 ? null : { outcome: 'found', tipsHelped: true, note: 'Fundet ved søen', recordedBy: 'vagtchef', recordedAt: '2026-02-01T10:00:00.000Z' },
  };
}

/** A period report with `alerts` rows in its per-alert table (the rest small and plausible). */
function periodReport(alerts: number): EvaluationReport {
  const months = Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`);
  return {
    query: { from: '2026-01-01', to: '2026-12-31', district: { code: '91', name: 'Nordsjællands Politi' }, category: null },
    generatedAt: '2027-01-02T08:00:00.000Z',
    subscribers: {
      atStart: 30000,
      atEnd: 34000,
      signups: 5200,
      leaves: 1200,
      net: 4000,
      byMonth: months.map((month, i) => ({ month, signups: 430 + i, leaves: 100, net: 330 + i, total: 30000 + 330 * (i + 1) })),
      byGroup: [{ group: 'citizen', signups: 5000, leaves: 1100 }],
      unknownGroup: 3,
    },
    alerts: { count: alerts, followUps: 0, byCategory: { burglary: alerts }, byMonth: months.map((month) => ({ month, byCategory: { burglary: Math.round(alerts / 12) }, total: Math.round(alerts / 12) })) },
    delivery: { ...delivery, alertsWithReceipts: alerts },
    cost: { parts: 1200 * alerts, pricePerPartOre: 30, totalOre: 36000 * alerts },
    tips: { total: 3 * alerts, perAlert: 3, medianFirstTipSeconds: 300, source: 'replies' },
    reach: { channels: [] },
    outcomes: { recorded: 10, notRecorded: alerts - 10, byOutcome: { found: 10 }, tipsHelped: 4 },
    perAlert: Array.from({ length: alerts }, (_, i) => alertRow(i + 1)),
  };
}

function pdfText(pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'tryk-pdfw-'));
  try {
    writeFileSync(join(dir, 'x.pdf'), pdf);
    return execFileSync('pdftotext', ['-layout', join(dir, 'x.pdf'), '-'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The client's worker, to stop it as a crash would (no other way in from outside). */
const workerOf = (c: PdfClient) => (c as unknown as { worker: Worker | null }).worker;

describe('the PDF worker', () => {
  const clients: PdfClient[] = [];
  const client = (opts?: ConstructorParameters<typeof PdfClient>[0]) => {
    const c = new PdfClient(opts);
    clients.push(c);
    return c;
  };
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  it('renders while the main thread stays responsive (event-loop delay well under the render time)', async () => {
    const pdf = client();
    const report = periodReport(300);
    await pdf.periodPdf(periodReport(5), 'da'); // the worker started and pdfkit loaded
    const { value: bytes, cost } = await measure(() => pdf.periodPdf(report, 'da'));
    console.log(describeCost('period PDF of 300 alerts, through the PDF worker', cost));
    const text = pdfText(bytes);
    expect(text).toMatch(/\n\s*300\s+2026-/);
    expect(text).not.toContain('Viser de første'); // nothing left out, no note
    // The render is real work (hundreds of ms); had it run on this thread, the loop would have
    // stalled for about as long and this thread's CPU would be most of it. It ran elsewhere.
    expect(cost.wallMs).toBeGreaterThan(200);
    expect(cost.blockedMs, `longest event-loop stall ${cost.blockedMs.toFixed(1)} ms during a ${cost.wallMs.toFixed(0)} ms render`).toBeLessThan(cost.wallMs * 0.5);
    expect(cost.mainCpuMs, `main-thread CPU ${cost.mainCpuMs.toFixed(1)} ms during a ${cost.wallMs.toFixed(0)} ms render`).toBeLessThan(cost.wallMs * 0.5);
    expect(pdf.starts).toBe(1);
  });

  it('a period over a huge number of alerts renders the first rows and says how many there were', async () => {
    const report = periodReport(5000);
    const { report: capped, totals } = capPeriodReport(report);
    expect(capped.perAlert).toHaveLength(PDF_MAX_TABLE_ROWS);
    expect(totals).toEqual({ perAlert: 5000 });
    expect(report.perAlert).toHaveLength(5000); // the caller's report is left whole
    const da = pdfText(await client().periodPdf(report, 'da'));
    expect(da).toContain('Viser de første 1.000 af 5.000 rækker');
    expect(da).toMatch(/\n\s*1000\s+2026-/);
    expect(da).not.toMatch(/\n\s*1001\s+2026-/);
  });

  it('a worker killed mid-render fails that PDF clearly, and the next request starts a fresh one', async () => {
    const pdf = client();
    const first = pdf.periodPdf(periodReport(300), 'da');
    const w = workerOf(pdf)!;
    expect(w).not.toBeNull();
    await new Promise((r) => setTimeout(r, 100));
    void w.terminate();
    await expect(first).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/PDF maker stopped .*try again/), details: { pdf: 'stopped' } });
    const again = await pdf.periodPdf(periodReport(3), 'da');
    expect(pdfText(again)).toContain('Evalueringsrapport 2026-01-01 – 2026-12-31');
    expect(pdf.starts).toBe(2);
    expect(workerOf(pdf)).not.toBe(w);
  });

  it('a render over its time or memory limit is stopped with a clear message; close() fails what is in flight', async () => {
    const slow = client({ timeLimitMs: 30 });
    await expect(slow.periodPdf(periodReport(300), 'da')).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/took longer than/), details: { pdf: 'time_limit' } });
    expect(workerOf(slow)).toBeNull();

    const small = client({ maxHeapMb: 4 });
    await expect(small.periodPdf(periodReport(300), 'da')).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/PDF maker stopped/) });

    const closing = client();
    const inFlight = expect(closing.periodPdf(periodReport(300), 'da')).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/closing/) });
    await closing.close();
    await inFlight;
    expect(workerOf(closing)).toBeNull();
  });
});
