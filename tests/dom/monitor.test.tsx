import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../renderer/App';
import { knownReasons } from '../../renderer/features/monitor/format';
import { createI18n, resources } from '../../renderer/i18n';
import { makeAlert } from './alerts.host';
import { rig } from './fakes';
import type { Rig } from './fakes';
import { dispatchHost, makeSend } from './monitor.host';
import type { DispatchHost } from './monitor.host';

afterEach(() => cleanup());

async function openMonitor(d: DispatchHost, { language }: { language?: 'da' | 'en' } = {}): Promise<Rig> {
  const r = rig({ host: d.host });
  if (language) r.store.getState().setLanguage(language);
  render(<App store={r.store} i18n={createI18n(r.store.getState().language)} />);
  fireEvent.click(await screen.findByTestId('nav-monitor'));
  await screen.findByTestId('monitor');
  return r;
}

const card = async (id: number) => screen.findByTestId(`monitor-send-${id}`);
const text = (root: HTMLElement, testId: string) => within(root).getByTestId(testId).textContent;

describe('the delivery monitor', () => {
  it('shows every recent send as a card, newest first, with the funnel in Danish numbers', async () => {
    const d = dispatchHost(
      [
        makeSend({ sendId: 1, alertRef: 'alert:40', state: 'done', etaSeconds: 0 }),
        makeSend({ sendId: 2, etaSeconds: 252, throughput: 212.5 }),
      ],
      { alerts: [makeAlert({ id: 40, category: 'burglary', smsText: 'Politiet: Indbrud i Hillerød Øst i nat. Se du noget, så ring 114.' })] },
    );
    await openMonitor(d);
    const two = await card(2);
    const cards = within(screen.getByTestId('monitor-cards')).getAllByRole('article');
    expect(cards.map((c) => c.dataset.testid)).toEqual(['monitor-send-2', 'monitor-send-1']);
    expect(text(two, 'funnel-recipients')).toBe('34.000');
    expect(text(two, 'funnel-queued')).toBe('30.000');
    expect(text(two, 'funnel-delivered')).toBe('2.000');
    expect(text(two, 'funnel-failed')).toBe('0');
    expect(text(two, 'funnel-submitting')).toBe('100');
    expect(text(two, 'funnel-accepted')).toBe('1.900');
    expect(text(two, 'send-state')).toBe('Sender');
    expect(text(two, 'send-throughput')).toBe('212,5 modtagere/s');
    expect(text(two, 'send-eta')).toBe('4 min 12 s');
    expect(text(two, 'send-progress')).toBe('5 % færdige – 2.000 af 34.000');
    // The bar's segments are the counts' shares of the recipients.
    const segments = [...within(two).getByTestId('funnel-bar').querySelectorAll<HTMLElement>('[data-stage]')];
    expect(segments.find((s) => s.dataset.stage === 'queued')?.style.width).toMatch(/^88\.23/);

    const one = await card(1);
    await waitFor(() => expect(within(one).getByRole('heading', { level: 2 }).textContent).toContain('Indbrud · varsel 40'));
    expect(text(one, 'send-excerpt')).toBe('Politiet: Indbrud i Hillerød Øst i nat. Se …');
    expect(text(one, 'send-state')).toBe('Færdig');
    expect(text(one, 'send-eta')).toBe('færdig');
  });

  it('says when a send paused itself because its gateway refuses everything, in the gateway\'s words as text, and resends to the failed', async () => {
    const words = 'Sender missing and no global set, rejected <b>x</b>';
    const d = dispatchHost(
      [
        makeSend({ sendId: 5, state: 'paused', attention: { gateway: 'kannel', code: 'KANNEL_SENDER_MISSING', reason: words, since: '2026-11-24T10:01:00.000Z' } }),
        makeSend({ sendId: 6, state: 'done', counts: { queued: 0, deferred: 0, submitting: 0, accepted: 0, delivered: 30, failed: 4, expired: 0, cancelled: 0 } }),
      ],
      {
        overrides: {
          'dispatch.resend': (p) => ({ ok: true, value: makeSend({ sendId: (p as { sendId: number }).sendId, state: 'sending', counts: { queued: 4, deferred: 0, submitting: 0, accepted: 0, delivered: 30, failed: 0, expired: 0, cancelled: 0 } }) }),
        },
      },
    );
    await openMonitor(d);
    const five = await card(5);
    const note = within(five).getByTestId('send-attention');
    expect(note.textContent).toContain('gatewayen kannel afviser alle beskeder');
    expect(within(five).getByTestId('send-attention-words').textContent).toBe(words); // text, never markup
    expect(note.querySelector('b')).toBeNull();
    expect(within(five).queryByTestId('send-resend')).toBeNull();

    const six = await card(6);
    const resend = within(six).getByTestId('send-resend');
    expect(resend.textContent).toBe('Send igen til 4 fejlede');
    fireEvent.click(resend);
    await waitFor(() => expect(text(six, 'funnel-queued')).toBe('4'));
    expect(within(six).queryByTestId('send-resend')).toBeNull();
  });

  it('updates the right card live from progress events of several sends', async () => {
    const d = dispatchHost([makeSend({ sendId: 1 }), makeSend({ sendId: 2 })]);
    await openMonitor(d);
    const one = await card(1);
    const two = await card(2);
    act(() => {
      d.progress({ sendId: 1, counts: { ...d.sends.get(1)!.counts, delivered: 12345, queued: 100 }, throughput: 800 });
      d.progress({ sendId: 2, state: 'paused', etaSeconds: null });
    });
    expect(text(one, 'funnel-delivered')).toBe('12.345');
    expect(text(one, 'funnel-queued')).toBe('100');
    expect(text(one, 'send-throughput')).toBe('800 modtagere/s');
    expect(text(two, 'funnel-delivered')).toBe('2.000');
    expect(text(two, 'send-state')).toBe('Sat på pause');
    expect(text(two, 'send-eta')).toBe('ingen – sat på pause');
    expect(within(one).getByTestId('send-sparkline').dataset.samples).toBe('2');
    expect(within(one).getByTestId('send-sparkline').querySelector('polyline')).not.toBeNull();

    // A send the console did not know appears, and the list is asked again.
    act(() => void d.progress({ sendId: 3, recipients: 500 }));
    const three = await card(3);
    expect(text(three, 'funnel-recipients')).toBe('500');
    await waitFor(() => expect(d.host.callsTo('dispatch.list').length).toBeGreaterThanOrEqual(2));
  });

  it("offers pause, resume and stop only to the shift leader (the bridge's rule), saying why", async () => {
    const d = dispatchHost([makeSend({ sendId: 8 })]);
    const r = await openMonitor(d);
    act(() => r.store.setState({ officer: { id: 2, username: 'jensen', displayName: 'Betjent Jensen', roles: ['operator'] } }));
    const c = await card(8);
    for (const id of ['send-pause', 'send-resume', 'send-cancel', 'send-resend']) expect(within(c).queryByTestId(id)).toBeNull();
    expect(within(c).getByTestId('send-controls-role').textContent).toMatch(/kun en vagtchef/);
  });

  it('pauses and resumes, with each button enabled only where the state allows it', async () => {
    const d = dispatchHost([makeSend({ sendId: 7 })]);
    await openMonitor(d);
    const c = await card(7);
    const button = (id: string) => within(c).getByTestId<HTMLButtonElement>(id);
    expect([button('send-pause').disabled, button('send-resume').disabled, button('send-cancel').disabled]).toEqual([false, true, false]);
    fireEvent.click(button('send-pause'));
    await waitFor(() => expect(text(c, 'send-state')).toBe('Sat på pause'));
    expect(d.host.callsTo('dispatch.pause').map((x) => x.payload)).toEqual([{ sendId: 7 }]);
    expect([button('send-pause').disabled, button('send-resume').disabled, button('send-cancel').disabled]).toEqual([true, false, false]);
    fireEvent.click(button('send-resume'));
    await waitFor(() => expect(text(c, 'send-state')).toBe('Sender'));
    expect(d.host.callsTo('dispatch.resume').map((x) => x.payload)).toEqual([{ sendId: 7 }]);

    act(() => void d.progress({ sendId: 7, state: 'done' }));
    expect([button('send-pause').disabled, button('send-resume').disabled, button('send-cancel').disabled]).toEqual([true, true, true]);
  });

  it('asks before cancelling, and cancels only when the officer confirms', async () => {
    const d = dispatchHost([makeSend({ sendId: 7, recipients: 1000, finished: 400 })]);
    await openMonitor(d);
    const c = await card(7);
    fireEvent.click(within(c).getByTestId('send-cancel'));
    const dialog = within(c).getByRole('alertdialog');
    expect(dialog.textContent).toContain('600 modtagere har endnu ikke fået beskeden');
    // The safe answer has focus; Escape and "Nej" both leave the send running.
    expect(document.activeElement).toBe(within(c).getByTestId('send-cancel-no'));
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(within(c).queryByRole('alertdialog')).toBeNull();
    fireEvent.click(within(c).getByTestId('send-cancel'));
    fireEvent.click(within(c).getByTestId('send-cancel-no'));
    expect(d.host.callsTo('dispatch.cancel')).toHaveLength(0);

    fireEvent.click(within(c).getByTestId('send-cancel'));
    fireEvent.click(within(c).getByTestId('send-cancel-yes'));
    await waitFor(() => expect(text(c, 'send-state')).toBe('Stoppet'));
    expect(d.host.callsTo('dispatch.cancel').map((x) => x.payload)).toEqual([{ sendId: 7 }]);
  });

  it('shows a refusal translated: forbidden, conflict, and other codes', async () => {
    const d = dispatchHost([makeSend({ sendId: 7 })], {
      overrides: { 'dispatch.cancel': () => ({ ok: false, error: { code: 'forbidden', message: 'approver only' } }) },
    });
    await openMonitor(d);
    const c = await card(7);
    fireEvent.click(within(c).getByTestId('send-cancel'));
    fireEvent.click(within(c).getByTestId('send-cancel-yes'));
    const error = await within(c).findByTestId('send-action-error');
    expect(error.dataset.code).toBe('forbidden');
    expect(error.textContent).toContain('Udsendelsen blev ikke stoppet. Din rolle må ikke gøre det. Kun en vagtchef kan stoppe en udsendelse.');
    expect(text(c, 'send-state')).toBe('Sender');

    // Finished meanwhile: the host says conflict, the card shows where the send is now.
    d.sends.set(7, { ...d.sends.get(7)!, state: 'done' });
    fireEvent.click(within(c).getByTestId('send-pause'));
    await waitFor(() => expect(within(c).getByTestId('send-action-error').dataset.code).toBe('conflict'));
    expect(text(c, 'send-action-error')).toContain('allerede i en anden tilstand');
    await waitFor(() => expect(text(c, 'send-state')).toBe('Færdig'));

    fireEvent.click(within(c).getByRole('button', { name: 'Luk besked' }));
    expect(within(c).queryByTestId('send-action-error')).toBeNull();
  });

  it('translates known failure reasons, keeps the code, and shows unknown codes as plain text', async () => {
    const evil = '<img src=x onerror="window.__pwned=1">';
    const d = dispatchHost([
      makeSend({
        sendId: 3,
        failures: [
          { reason: 'INVALID_NUMBER', count: 12 },
          { reason: 'UNDELIV:027', count: 140 },
          { reason: 'ESME_RTHROTTLED', count: 3 },
          { reason: 'SMPP_STATUS_0x45', count: 2 },
          { reason: evil, count: 1 },
        ],
      }),
    ]);
    await openMonitor(d);
    const c = await card(3);
    const items = within(c).getAllByTestId('failure-reason');
    expect(items.map((i) => i.dataset.reason)).toEqual(['UNDELIV:027', 'INVALID_NUMBER', 'ESME_RTHROTTLED', 'SMPP_STATUS_0x45', evil]);
    expect(items.map((i) => within(i).getByTestId('failure-label').textContent)).toEqual([
      'Kunne ikke leveres til telefonen',
      'Ugyldigt telefonnummer',
      'Gatewayen bad om lavere hastighed',
      'SMPP_STATUS_0x45',
      evil,
    ]);
    expect(within(items[0]!).getByTestId('failure-code').textContent).toBe('kode UNDELIV:027');
    expect(items[0]!.textContent).toContain('140');
    expect(within(items[3]!).queryByTestId('failure-code')).toBeNull();
    expect(c.querySelector('img')).toBeNull();
  });

  it('explains possible duplicates in a tooltip and says when the send moved to the fallback gateway', async () => {
    const d = dispatchHost([
      makeSend({ sendId: 5, possibleDuplicates: 8, gateways: { primary: 'SMPP-A', fallback: 'Kannel-B', active: 'Kannel-B' } }),
      makeSend({ sendId: 6 }),
    ]);
    await openMonitor(d);
    const five = await card(5);
    const dup = within(five).getByTestId('send-duplicates');
    const anchor = within(dup).getByText('8', { exact: false }).closest('[tabindex]') as HTMLElement;
    const tip = within(dup).getByRole('tooltip', { hidden: true });
    expect(anchor.getAttribute('aria-describedby')).toBe(tip.id);
    expect(tip.textContent).toContain('to gange');
    expect(within(five).getByTestId('send-gateway').dataset.fallback).toBe('true');
    expect(text(five, 'send-fallback')).toContain('Skiftet til reserven Kannel-B');
    const six = await card(6);
    expect(within(six).queryByTestId('send-duplicates')).toBeNull();
    expect(within(six).queryByTestId('send-fallback')).toBeNull();
  });

  it('opens one send with its map of delivery cells, legend and table, and goes back to all', async () => {
    const d = dispatchHost([makeSend({ sendId: 2 }), makeSend({ sendId: 1, alertRef: 'alert:40' })], {
      overrides: {
        'tips.cells': () => ({ ok: true, value: { alertId: 40, cellSizeDeg: 0.02, minCount: 5, cells: [{ lon: 12.28, lat: 55.92, tips: 6, tipsters: 5 }], hiddenTips: 2, unplacedTips: 0 } }),
        'dispatch.cells': () => ({
          ok: true,
          value: {
            cellSizeDeg: 0.02,
            minCount: 5,
            cells: [
              { lon: 12.28, lat: 55.92, delivered: 90, pending: 5, failed: 5 },
              { lon: 12.3, lat: 55.92, delivered: 10, pending: 10, failed: 30 },
            ],
          },
        }),
      },
    });
    await openMonitor(d);
    fireEvent.click(await screen.findByTestId('monitor-item-1'));
    const c = await card(1);
    expect(screen.queryByTestId('monitor-send-2')).toBeNull();
    expect(screen.getByTestId('monitor-item-1').getAttribute('aria-current')).toBe('true');
    await waitFor(() => expect(c.querySelectorAll('path.delivery-cell')).toHaveLength(2));
    expect(d.host.callsTo('dispatch.cells')[0]?.payload).toMatchObject({ sendId: 1 });
    expect(within(c).getByTestId('cells-legend').textContent).toContain('Felter med færre end 5 modtagere vises ikke.');
    const rows = within(within(c).getByTestId('cells-table')).getAllByRole('row');
    // Worst first: the cell with 60 % failed leads.
    expect(rows[1]!.textContent).toContain('60');
    expect(within(c).getByRole('region', { name: 'Kort over levering pr. område' })).toBeTruthy();
    // The alert's tips on the same map, as cells, when the officer asks for them.
    expect(c.querySelectorAll('path.tip-cell')).toHaveLength(0);
    fireEvent.click(within(c).getByTestId('cells-tips-toggle'));
    await waitFor(() => expect(c.querySelectorAll('path.tip-cell')).toHaveLength(1));
    expect(d.host.callsTo('tips.cells')[0]?.payload).toMatchObject({ alertId: 40 });
    expect(within(c).getByTestId('tip-cells-note').textContent).toContain('6 tips vist som felter');

    fireEvent.click(screen.getByTestId('monitor-back'));
    expect(await card(2)).toBeTruthy();
    expect(within(await card(1)).queryByTestId('cells')).toBeNull();
    // From a card straight to its details.
    fireEvent.click(screen.getByTestId('monitor-open-2'));
    await waitFor(() => expect(screen.queryByTestId('monitor-send-1')).toBeNull());
    expect(within(await card(2)).getByTestId('cells')).toBeTruthy();
    await waitFor(() => expect(d.host.callsTo('dispatch.cells').some((c) => (c.payload as { sendId: number }).sendId === 2)).toBe(true));
  });

  it('gathers answers to citizens in one collapsed card below the alerts, each named by what it answers', async () => {
    const one = { queued: 0, deferred: 0, submitting: 0, accepted: 0, delivered: 1, failed: 0, expired: 0, cancelled: 0 };
    const d = dispatchHost(
      [
        makeSend({ sendId: 1, alertRef: 'alert:40' }),
        makeSend({ sendId: 2, alertRef: 'reply:7', state: 'done', recipients: 1, counts: one, finished: 1 }),
        makeSend({ sendId: 3, alertRef: 'reply:8', state: 'done', recipients: 1, counts: { ...one, delivered: 0, failed: 1 }, finished: 1 }),
      ],
      {
        overrides: {
          'tips.answerSends': () => ({
            ok: true,
            value: [
              { replyId: 7, kind: 'tip_reply', tipId: 17, alertId: 40 },
              { replyId: 8, kind: 'stop_confirm', tipId: null, alertId: null },
            ],
          }),
        },
      },
    );
    await openMonitor(d);
    await card(1);
    // No card of its own for an answer: the alerts' cards stay where they are.
    expect(screen.queryByTestId('monitor-send-2')).toBeNull();
    expect(screen.queryByTestId('monitor-item-2')).toBeNull();
    const group = screen.getByTestId('monitor-answers');
    expect(group.hasAttribute('open')).toBe(false);
    expect(screen.getByTestId('monitor-cards').lastElementChild).toBe(group);
    expect(text(group, 'monitor-answers-summary')).toBe('2 SMS-svar: 1 leveret, 0 på vej, 1 fejlet');
    await waitFor(() => expect(text(group, 'monitor-answer-2')).toContain('Svar fra politiet · tip 17 · varsel 40'));
    expect(text(group, 'monitor-answer-3')).toContain('Bekræftelse af afmelding');
    expect(d.host.callsTo('tips.answerSends').map((c) => c.payload)).toEqual([{ replyIds: [8, 7] }]);
  });

  it('says so when there are no sends, and when the list cannot be loaded', async () => {
    await openMonitor(dispatchHost([]));
    expect((await screen.findByTestId('monitor-empty')).textContent).toContain('Ingen udsendelser endnu');
    cleanup();
    const d = dispatchHost([], { overrides: { 'dispatch.list': () => ({ ok: false, error: { code: 'unavailable', message: 'down' } }) } });
    await openMonitor(d);
    const error = await screen.findByTestId('monitor-load-error');
    expect(error.textContent).toContain('Ingen forbindelse til værten lige nu.');
  });

  it('speaks English when the officer chose it, naming the send by its alert', async () => {
    const d = dispatchHost([makeSend({ sendId: 2, alertRef: 'alert:41', etaSeconds: 3700, failures: [{ reason: 'EXPIRED', count: 1200 }] })], {
      alerts: [makeAlert({ id: 41, category: 'burglary', smsText: 'Police: burglary in Hillerød tonight.' })],
    });
    await openMonitor(d, { language: 'en' });
    const c = await card(2);
    await waitFor(() => expect(within(c).getByRole('heading', { level: 2 }).textContent).toContain('Burglary · alert 41'));
    expect(screen.getByTestId('monitor-item-2').textContent).toContain('Burglary · alert 41');
    expect(text(c, 'funnel-recipients')).toBe('34,000');
    expect(text(c, 'send-state')).toBe('Sending');
    expect(text(c, 'send-eta')).toBe('1 h 1 min');
    expect(text(c, 'send-throughput')).toBe('200 recipients/s');
    expect(within(c).getByTestId('failure-label').textContent).toBe('Expired – the phone was not reachable in time');
  });
});

describe('exercise sends', () => {
  it("an exercise's card says ØVELSE next to its name", async () => {
    const d = dispatchHost([makeSend({ sendId: 5, alertRef: 'alert:41' })], {
      alerts: [makeAlert({ id: 41, capStatus: 'Exercise', smsText: 'Politiet: Øvelse i Hillerød.' })],
    });
    await openMonitor(d);
    const five = await card(5);
    expect((await within(five).findByTestId('exercise-chip')).textContent).toBe('ØVELSE');
  });
});

describe('monitor text', () => {
  it('has the same monitor keys in Danish and English and explains every known reason in both', () => {
    const da = resources.da.translation.monitor;
    const en = resources.en.translation.monitor;
    const keys = (v: unknown, p = ''): string[] =>
      typeof v === 'string' ? [p] : Object.entries(v as object).flatMap(([k, x]) => keys(x, p ? `${p}.${k}` : k));
    expect(keys(en).sort()).toEqual(keys(da).sort());
    for (const lang of ['da', 'en'] as const) {
      const i18n = createI18n(lang);
      for (const reason of knownReasons) {
        expect(i18n.exists(`monitor.reasons.${reason}`), `${lang}:${reason}`).toBe(true);
      }
    }
    expect(Object.keys(da.reasons).sort()).toEqual([...knownReasons].sort());
  });
});

describe('the monitor for an officer who may not read alerts (an administrator)', () => {
  it("shows the alert's title from the monitor's own channel", async () => {
    const d = dispatchHost([makeSend({ sendId: 2, alertRef: 'alert:41' })], {
      alerts: [makeAlert({ id: 41, category: 'burglary', smsText: 'Police: burglary in Hillerød tonight.' })],
      overrides: { 'alerts.get': () => ({ ok: false, error: { code: 'forbidden', message: 'not for this role' } }) },
    });
    await openMonitor(d, { language: 'en' });
    await waitFor(() => expect(screen.getByTestId('monitor-item-2').textContent).toContain('Police: burglary in Hillerød tonight.'));
    expect(screen.getByTestId('monitor-item-2').textContent).not.toContain('Send 2');
  });

  it('names the alert a send belongs to when even the title is refused', async () => {
    const d = dispatchHost([makeSend({ sendId: 2, alertRef: 'alert:41' })], {
      overrides: { 'dispatch.titles': () => ({ ok: false, error: { code: 'forbidden', message: 'not for this role' } }) },
    });
    await openMonitor(d, { language: 'en' });
    await waitFor(() => expect(screen.getByTestId('monitor-item-2').textContent).toContain('Alert 41'));
    expect(screen.getByTestId('monitor-item-2').textContent).not.toContain('Send 2');
  });
});
