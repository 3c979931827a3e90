import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../renderer/App';
import { toCsv } from '../../renderer/lib/download';
import { createI18n } from '../../renderer/i18n';
import type { AlertFigures, EvaluationReport } from '../../shared/reports/schema';
import { demoHost, rig } from './fakes';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const alert = (id: number, over: Partial<AlertFigures> = {}): AlertFigures => ({
  id,
  kind: 'alert',
  parentId: null,
  category: 'burglary',
  urgency: 'routine',
  status: 'sent',
  releasedAt: '2026-03-04T13:05:00.000Z',
  district: '1470',
  delivery: { recipients: 1200, delivered: 1170, failed: 20, expired: 10, cancelled: 0, pending: 0, rate: 0.975, t50: 3.5, t90: 10.2, t99: 130, },
  segments: 1,
  parts: 1200,
  costOre: 30000,
  tips: 4,
  firstTipSeconds: 310,
  outcome: null,
  ...over,
});

const report = (over: Partial<EvaluationReport> = {}): EvaluationReport => ({
  query: { from: '2026-01-01', to: '2026-03-31', district: null, category: null },
  generatedAt: '2026-04-01T00:00:00.000Z',
  subscribers: {
    atStart: 30000,
    atEnd: 31234,
    signups: 1500,
    leaves: 266,
    net: 1234,
    byMonth: [
      { month: '2026-01', signups: 500, leaves: 100, net: 400, total: 30400 },
      { month: '2026-02', signups: 500, leaves: 80, net: 420, total: 30820 },
      { month: '2026-03', signups: 500, leaves: 86, net: 414, total: 31234 },
    ],
    byGroup: [{ group: 'citizen', signups: 1400, leaves: 250 }],
    unknownGroup: 0,
  },
  alerts: { count: 2, followUps: 0, byCategory: { burglary: 2 }, byMonth: [{ month: '2026-01', byCategory: { burglary: 0 }, total: 0 }, { month: '2026-02', byCategory: { burglary: 0 }, total: 0 }, { month: '2026-03', byCategory: { burglary: 2 }, total: 2 }] },
  delivery: { recipients: 2400, delivered: 2340, failed: 40, expired: 20, cancelled: 0, pending: 0, rate: 0.975, t50: 3.5, t90: 10.2, t99: 130, alertsWithReceipts: 2 },
  cost: { parts: 2400, pricePerPartOre: 25, totalOre: 60000 },
  tips: { total: 8, perAlert: 4, medianFirstTipSeconds: 310, source: 'inbound_messages' },
  reach: { channels: [] },
  outcomes: { recorded: 0, notRecorded: 2, byOutcome: {}, tipsHelped: 0 },
  perAlert: [alert(41), alert(42)],
  ...over,
});

async function open(answer: () => EvaluationReport, more: Parameters<typeof demoHost>[0] = {}) {
  const host = demoHost({
    'reports.evaluation': () => ({ ok: true, value: answer() }),
    'reports.setOutcome': (p) => {
      const { alertId, outcome, tipsHelped, note } = p as { alertId: number; outcome: 'found'; tipsHelped: boolean | null; note: string };
      return { ok: true, value: alert(alertId, { outcome: { outcome, tipsHelped, note, recordedBy: 'vagtchef', recordedAt: '2026-04-01T00:00:00.000Z' } }) };
    },
    'reports.alertPdf': () => ({ ok: true, value: { fileName: 'efterrapport-varsel-41.pdf', base64: btoa('%PDF-1.3 test') } }),
    ...more,
  });
  const r = rig({ host });
  render(<App store={r.store} i18n={createI18n(r.store.getState().language)} />);
  fireEvent.click(await screen.findByTestId('nav-evaluation'));
  await waitFor(() => expect(screen.getByTestId('evaluation').dataset.state).toBe('ready'));
  return r;
}

describe('Evaluering', () => {
  it('shows the host’s figures in Danish, each chart with its numbers as a table on request', async () => {
    const r = await open(() => report());
    const figures = screen.getByTestId('evaluation-figures');
    expect(within(figures).getByTestId('figure-subscribers-end').textContent).toBe('31.234');
    expect(within(figures).getByTestId('figure-rate').textContent).toBe('97,5 %');
    expect(within(figures).getByTestId('figure-t99').textContent).toBe('2,2 min');
    expect(within(figures).getByTestId('figure-cost').textContent).toBe('600,00 kr.');
    expect(within(figures).getByTestId('figure-tips-per-alert').textContent).toBe('4,00');
    expect(screen.getByTestId('evaluation-no-social').textContent).toMatch(/Ingen opslag/);
    const subscribers = screen.getByTestId('chart-subscribers');
    fireEvent.click(within(subscribers).getByTestId('chart-toggle'));
    expect(subscribers.dataset.view).toBe('table');
    expect(within(subscribers).getByText('31.234')).toBeTruthy();
    expect(r.host.callsTo('reports.evaluation')[0]!.payload).toMatchObject({ from: expect.stringMatching(/^\d{4}-\d\d-\d\d$/) });
  });

  it('an empty period says there is no data, and its charts say so too', async () => {
    await open(() =>
      report({
        subscribers: { atStart: 0, atEnd: 0, signups: 0, leaves: 0, net: 0, byMonth: [{ month: '2001-01', signups: 0, leaves: 0, net: 0, total: 0 }], byGroup: [], unknownGroup: 0 },
        alerts: { count: 0, followUps: 0, byCategory: {}, byMonth: [{ month: '2001-01', byCategory: {}, total: 0 }] },
        perAlert: [],
      }),
    );
    expect(screen.getByTestId('evaluation-nodata').textContent).toMatch(/Ingen data i perioden/);
    expect(within(screen.getByTestId('chart-alerts')).getByTestId('chart-empty')).toBeTruthy();
  });

  it('records an outcome through the host and shows it on the alert’s row', async () => {
    const r = await open(() => report());
    const row = screen.getByTestId('evaluation-alert-41');
    fireEvent.click(within(row).getByTestId('outcome-edit'));
    const editor = screen.getByTestId('outcome-editor');
    fireEvent.change(within(editor).getByTestId('outcome-select'), { target: { value: 'found' } });
    fireEvent.change(within(editor).getByTestId('outcome-helped'), { target: { value: 'yes' } });
    fireEvent.change(within(editor).getByTestId('outcome-note'), { target: { value: 'Fundet i Gribskov' } });
    fireEvent.click(within(editor).getByTestId('outcome-save'));
    await waitFor(() => expect(within(screen.getByTestId('evaluation-alert-41')).getByTestId('alert-outcome').dataset.outcome).toBe('found'));
    expect(r.host.callsTo('reports.setOutcome')[0]!.payload).toEqual({ alertId: 41, outcome: 'found', tipsHelped: true, note: 'Fundet i Gribskov' });
  });

  it('hands the after-action PDF to the browser as a file', async () => {
    const created: Blob[] = [];
    Object.defineProperty(URL, 'createObjectURL', { value: (b: Blob) => (created.push(b), 'blob:x'), configurable: true });
    Object.defineProperty(URL, 'revokeObjectURL', { value: () => undefined, configurable: true });
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    await open(() => report());
    fireEvent.click(within(screen.getByTestId('evaluation-alert-41')).getByTestId('alert-pdf'));
    await waitFor(() => expect(click).toHaveBeenCalled());
    expect((click.mock.contexts[0] as HTMLAnchorElement).download).toBe('efterrapport-varsel-41.pdf');
    expect(created[0]!.type).toBe('application/pdf');
    expect(created[0]!.size).toBe('%PDF-1.3 test'.length);
  });

  it('says in Danish when the PDF worker stopped or ran out of time, not "no connection"', async () => {
    let details = { pdf: 'stopped' };
    await open(() => report(), {
      'reports.periodPdf': () => ({ ok: false, error: { code: 'unavailable', message: 'The PDF maker stopped (exit 1) before the report was finished; try again', details } }),
    });
    fireEvent.click(screen.getByTestId('evaluation-period-pdf'));
    expect((await screen.findByTestId('error-note')).textContent).toBe('PDF’en blev ikke færdig: programmet, der laver den, stoppede. Prøv igen.');
    details = { pdf: 'time_limit' };
    fireEvent.click(screen.getByTestId('evaluation-period-pdf'));
    await waitFor(() => expect(screen.getByTestId('error-note').textContent).toBe('PDF’en tog for lang tid og blev stoppet. Vælg en kortere periode.'));
  });

  it('writes CSV that spreadsheets read back: quotes where needed', () => {
    expect(toCsv(['Måned', 'Tilmeldt'], [['2026-01', 500], ['a,"b"', null]])).toBe('Måned,Tilmeldt\r\n2026-01,500\r\n"a,""b""",\r\n');
  });
});
