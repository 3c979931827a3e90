import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../renderer/App';
import { createI18n } from '../../renderer/i18n';
import type { SurveyResults, SurveySummary } from '../../shared/surveys/schema';
import { demoHost, demoOfficer, rig } from './fakes';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const summary = (over: Partial<SurveySummary> = {}): SurveySummary => ({
  id: 3,
  title: 'Tryghed',
  language: 'da',
  state: 'open',
  questions: [{ kind: 'scale', text: 'Hvor tryg føler du dig?', max: 5 }],
  audience: 'panel:borgerpanel',
  createdBy: 'jensen',
  createdAt: '2026-12-01T10:00:00.000Z',
  approvedBy: 'vagtchef',
  approvedAt: '2026-12-01T10:05:00.000Z',
  sentAt: '2026-12-01T10:06:00.000Z',
  closedAt: null,
  sendId: 9,
  recipients: 340,
  respondents: 3,
  invalid: 1,
  smsText: 'Politiet spørger: Hvor tryg føler du dig? (svar 1-5)',
  ...over,
});

const results = (counts: number[], over: Partial<SurveySummary> = {}): SurveyResults => ({
  ...summary({ respondents: counts.reduce((a, b) => a + b, 0), ...over }),
  tally: [{ question: 0, text: 'Hvor tryg føler du dig?', kind: 'scale', options: counts.map((count, i) => ({ value: String(i + 1), count })), answered: counts.reduce((a, b) => a + b, 0), mean: null }],
});

describe('Undersøgelser', () => {
  it('shows the live tally of an open survey and follows the host’s event without a reload', async () => {
    let counts = [0, 1, 1, 1, 0];
    const host = demoHost({
      'surveys.list': () => ({ ok: true, value: { surveys: [summary()], panel: 340 } }),
      'surveys.results': () => ({ ok: true, value: results(counts) }),
    });
    const r = rig({ host });
    render(<App store={r.store} i18n={createI18n('da')} />);
    fireEvent.click(await screen.findByTestId('nav-surveys'));
    await waitFor(() => expect(screen.getByTestId('surveys').dataset.state).toBe('ready'));
    expect(screen.getByTestId('survey-panel-size').textContent).toBe('Borgerpanelet har 340 aktive medlemmer');
    fireEvent.click(screen.getByTestId('survey-row-3'));
    await waitFor(() => expect(screen.getByTestId('survey-respondents').textContent).toBe('3'));
    expect(screen.getByTestId('survey-state').textContent).toBe('Åben');
    const chart = screen.getByTestId('survey-chart-0');
    fireEvent.click(within(chart).getByTestId('chart-toggle'));
    expect(within(chart).getAllByRole('row')).toHaveLength(6);
    counts = [0, 1, 1, 1, 4];
    host.emit('surveys.changed', {});
    await waitFor(() => expect(screen.getByTestId('survey-respondents').textContent).toBe('7'));
    expect(screen.getByTestId('survey-close')).toBeTruthy();
  });

  it('drafts a survey with the SMS previewed, and offers approval only to a shift leader who did not draft it', async () => {
    const draft = summary({ id: 4, state: 'draft', approvedBy: null, approvedAt: null, sentAt: null, sendId: null, recipients: 0, respondents: 0, invalid: 0, createdBy: demoOfficer.username });
    const host = demoHost({
      'surveys.list': () => ({ ok: true, value: { surveys: [], panel: 1 } }),
      'surveys.create': () => ({ ok: true, value: draft }),
      'surveys.results': () => ({ ok: true, value: { ...draft, tally: [] } }),
    });
    const r = rig({ host });
    render(<App store={r.store} i18n={createI18n('da')} />);
    fireEvent.click(await screen.findByTestId('nav-surveys'));
    fireEvent.click(await screen.findByTestId('survey-new'));
    expect(screen.getByTestId<HTMLButtonElement>('survey-create').disabled).toBe(true);
    fireEvent.change(screen.getByTestId('survey-title'), { target: { value: 'Tryghed' } });
    fireEvent.change(screen.getByTestId('survey-q-text-0'), { target: { value: 'Hvor tryg føler du dig?' } });
    fireEvent.click(screen.getByTestId('survey-add-question'));
    fireEvent.change(screen.getByTestId('survey-q-text-1'), { target: { value: 'Kender du TRYK?' } });
    expect(screen.getByTestId('survey-sms-preview').textContent).toBe('Politiet spørger:\n1) Hvor tryg føler du dig? (svar 1-5)\n2) Kender du TRYK? (svar JA/NEJ)\nSvar i én SMS i rækkefølge, fx "4 JA".');
    fireEvent.click(screen.getByTestId('survey-create'));
    await waitFor(() => expect(screen.getByTestId('survey-state').textContent).toBe('Kladde'));
    expect(host.callsTo('surveys.create')[0]!.payload).toEqual({
      title: 'Tryghed',
      language: 'da',
      questions: [
        { kind: 'scale', text: 'Hvor tryg føler du dig?', max: 5 },
        { kind: 'yesno', text: 'Kender du TRYK?' },
      ],
      audience: { kind: 'panel', group: 'borgerpanel' },
    });
    // The one who drafted it is the signed-in shift leader: no approve button, a note instead.
    expect(screen.queryByTestId('survey-approve')).toBeNull();
    expect(screen.getByText(/Venter på godkendelse/)).toBeTruthy();
  });
});
