import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../renderer/App';
import { createI18n } from '../../renderer/i18n';
import type { TipDetail, TipSummary } from '../../shared/bridge/contract';
import { deferred, demoHost, rig } from './fakes';

afterEach(cleanup);

const tip = (id: number, patch: Partial<TipSummary> = {}): TipSummary => ({
  id,
  channel: 'sms',
  text: `Tip ${id}`,
  binary: false,
  partial: false,
  receivedAt: '2026-12-05T10:12:00.000Z',
  alertId: 7,
  alertTitle: 'Indbrud i Hillerød',
  reachedAt: '2026-12-05T10:00:00.000Z',
  state: 'new',
  note: null,
  assignedTo: null,
  repeats: 0,
  flood: false,
  senderMasked: '+45 20 •• •• 01',
  ...patch,
});

function inboxHost() {
  const tips: TipSummary[] = [tip(2, { text: '<img src=x onerror=alert(1)> så en bil' }), tip(1, { alertId: null, reachedAt: null, state: 'read' })];
  const replies: TipDetail['replies'] = [];
  const host = demoHost({
    'tips.counts': () => ({ ok: true, value: { total: tips.length, new: tips.filter((t) => t.state === 'new').length, byAlert: [] } }),
    'tips.list': (p) => {
      const f = p as { alertId?: number | null; state?: string };
      const list = tips.filter((t) => (f.alertId === undefined || t.alertId === f.alertId) && (!f.state || t.state === f.state));
      return { ok: true, value: { tips: list, total: list.length } };
    },
    'tips.open': (p) => {
      const t = tips.find((x) => x.id === (p as { id: number }).id)!;
      if (t.state === 'new') t.state = 'read';
      return { ok: true, value: { ...t, sender: '+4520123401', gateway: 'sim', replies, place: null } };
    },
    'tips.mark': (p) => {
      const { id, state } = p as { id: number; state: TipSummary['state'] };
      const t = tips.find((x) => x.id === id)!;
      t.state = state;
      return { ok: true, value: t };
    },
    'tips.reply': (p) => {
      replies.push({ at: '2026-12-05T10:20:00.000Z', kind: 'tip_reply', text: (p as { text: string }).text, state: 'pending', officer: 'vagtchef' });
      return { ok: true, value: { replyId: 1, state: 'pending' } };
    },
  });
  return { host, tips };
}

describe('Tips: the inbox', () => {
  it('shows the badge, lists tips as text tied to their alert, and lets an officer open, mark and answer one', async () => {
    const { host, tips } = inboxHost();
    const r = rig({ host });
    render(<App store={r.store} i18n={createI18n('da')} />);
    await waitFor(() => expect(screen.getByTestId('tips-badge').textContent).toBe('1'));
    fireEvent.click(screen.getByTestId('nav-tips'));
    const rows = await screen.findAllByTestId('tip-row');
    expect(rows).toHaveLength(2);
    // Markup from a citizen is text: no element is made from it.
    expect(rows[0]!.textContent).toContain('<img src=x onerror=alert(1)> så en bil');
    expect(rows[0]!.querySelector('img')).toBeNull();
    expect(rows[0]!.textContent).toContain('Varsel 7');
    expect(rows[0]!.textContent).toContain('12 min efter varslet');
    expect(rows[1]!.textContent).toContain('Ikke knyttet til et varsel');

    fireEvent.click(rows[0]!);
    const detail = await screen.findByTestId('tip-detail');
    expect(within(detail).getByTestId('tip-sender').textContent).toBe('+4520123401');
    fireEvent.click(within(detail).getByTestId('tip-mark-useful'));
    await waitFor(() => expect(tips[0]!.state).toBe('useful'));
    await waitFor(() => expect(within(detail).getByTestId('tip-mark-useful').getAttribute('aria-pressed')).toBe('true'));

    fireEvent.change(within(detail).getByTestId('tip-reply-text'), { target: { value: 'Tak, vi kommer forbi' } });
    fireEvent.click(within(detail).getByTestId('tip-reply-send'));
    await screen.findByTestId('tip-replied');
    expect(within(screen.getByTestId('tip-answers')).getByText('Tak, vi kommer forbi')).toBeTruthy();

    // A new tip arrives: the host's aggregated event refreshes the badge and the list.
    tips.unshift(tip(3));
    act(() => host.emit('tips.changed', { total: 3, new: 1 }));
    await waitFor(() => expect(screen.getAllByTestId('tip-row')).toHaveLength(3));
    expect(screen.getByTestId('tips-badge').textContent).toBe('1');
  });

  it('filters by state and shows a refusal in the officer’s language', async () => {
    const { host } = inboxHost();
    host.handlers['tips.reply'] = () => ({ ok: false, error: { code: 'bad_request', message: 'The tipster has opted out' } });
    const r = rig({ host });
    render(<App store={r.store} i18n={createI18n('da')} />);
    fireEvent.click(await screen.findByTestId('nav-tips'));
    await screen.findAllByTestId('tip-row');
    fireEvent.change(screen.getByTestId('tips-state-filter'), { target: { value: 'read' } });
    await waitFor(() => expect(screen.getAllByTestId('tip-row')).toHaveLength(1));
    fireEvent.click(screen.getAllByTestId('tip-row')[0]!);
    const detail = await screen.findByTestId('tip-detail');
    fireEvent.change(within(detail).getByTestId('tip-reply-text'), { target: { value: 'Hej' } });
    fireEvent.click(within(detail).getByTestId('tip-reply-send'));
    expect((await within(detail).findByTestId('error-note')).dataset.code).toBe('bad_request');
  });

  it('opens the inbox filtered to one alert from elsewhere (the alert and monitor screens)', async () => {
    const { host } = inboxHost();
    const r = rig({ host });
    render(<App store={r.store} i18n={createI18n('da')} />);
    await screen.findByTestId('screen-map');
    act(() => r.store.getState().showTipsOf(7));
    expect((await screen.findByTestId('tips-alert-filter')).textContent).toContain('Varsel 7');
    await waitFor(() => expect(screen.getAllByTestId('tip-row')).toHaveLength(1));
    expect(host.calls.filter((c) => c.channel === 'tips.list').at(-1)?.payload).toMatchObject({ alertId: 7 });
  });

  it('draws the tips of one alert as cells from the host’s counts, and the one place of an opened tip', async () => {
    const { host } = inboxHost();
    host.handlers['tips.counts'] = () => ({ ok: true, value: { total: 2, new: 1, byAlert: [{ alertId: 7, total: 14, new: 1 }] } });
    host.handlers['tips.cells'] = () => ({
      ok: true,
      value: {
        alertId: 7,
        cellSizeDeg: 0.044,
        minCount: 5,
        cells: [
          { lon: 12.26, lat: 55.9, tips: 9, tipsters: 6 },
          { lon: 12.3, lat: 55.9, tips: 5, tipsters: 5 },
        ],
        hiddenTips: 3,
        unplacedTips: 1,
      },
    });
    host.handlers['tips.open'] = (p) => ({
      ok: true,
      value: { ...tip((p as { id: number }).id), sender: '+4520123401', gateway: 'sim', replies: [], place: { lat: 55.9279, lon: 12.3005 } },
    });
    const r = rig({ host });
    render(<App store={r.store} i18n={createI18n('da')} />);
    await screen.findByTestId('screen-map');
    act(() => r.store.getState().showTipsOf(7));
    fireEvent.click(await screen.findByTestId('tips-map-toggle'));
    const map = await screen.findByTestId('tip-map');
    await waitFor(() => expect(map.querySelectorAll('path.tip-cell')).toHaveLength(2));
    expect(host.callsTo('tips.cells')[0]?.payload).toMatchObject({ alertId: 7 });
    const note = within(map).getByTestId('tip-cells-note').textContent;
    expect(note).toContain('14 tips vist som felter');
    expect(note).toContain('Felter med færre end 5 tipgivere vises ikke (3 tips).');
    expect(note).toContain('1 tip fra et nummer uden registreret sted i området.');
    // The layer has no point of any tipster; opening a tip shows its one place.
    expect(map.querySelector('path.tip-place__point')).toBeNull();
    fireEvent.click((await screen.findAllByTestId('tip-row'))[0]!);
    const detail = await screen.findByTestId('tip-detail');
    expect(within(detail).getByTestId('tip-place').textContent).toBe('55.9279, 12.3005');
    await waitFor(() => expect(within(detail).getByTestId('tip-place-map').querySelectorAll('path.tip-place__point')).toHaveLength(1));
    // Hiding the map stops drawing it.
    fireEvent.click(screen.getByTestId('tips-map-toggle'));
    expect(screen.queryByTestId('tip-map')).toBeNull();
  });

  it('shows a chosen alert’s tips as cells on the Kort screen, and takes them away again', async () => {
    const { host } = inboxHost();
    host.handlers['tips.counts'] = () => ({ ok: true, value: { total: 14, new: 0, byAlert: [{ alertId: 7, total: 14, new: 0 }] } });
    host.handlers['tips.cells'] = () => ({
      ok: true,
      value: { alertId: 7, cellSizeDeg: 0.044, minCount: 5, cells: [{ lon: 12.26, lat: 55.9, tips: 14, tipsters: 9 }], hiddenTips: 0, unplacedTips: 0 },
    });
    const r = rig({ host });
    render(<App store={r.store} i18n={createI18n('da')} />);
    const map = await screen.findByTestId('map');
    const pick = screen.getByTestId<HTMLSelectElement>('map-tips-alert');
    await waitFor(() => expect(within(pick).getAllByRole('option').map((o) => o.textContent)).toEqual(['Ingen', 'Varsel 7 (14 tips til varslet)']));
    fireEvent.change(pick, { target: { value: '7' } });
    await waitFor(() => expect(map.querySelectorAll('path.tip-cell')).toHaveLength(1));
    expect(screen.getByTestId('map-tips').textContent).toContain('14 tips vist som felter');
    fireEvent.change(pick, { target: { value: '' } });
    await waitFor(() => expect(map.querySelectorAll('path.tip-cell')).toHaveLength(0));
  });

  it('asks for an alert’s cells once at a time while tips pour in, and once more after', async () => {
    const { host } = inboxHost();
    const held = deferred<unknown>();
    const cells = { alertId: 7, cellSizeDeg: 0.044, minCount: 5, cells: [], hiddenTips: 0, unplacedTips: 0 };
    host.handlers['tips.cells'] = () => (host.callsTo('tips.cells').length === 1 ? held.promise : { ok: true, value: cells });
    const r = rig({ host });
    const s = r.store.getState();
    const first = s.loadTipCells(7, 10);
    void s.loadTipCells(7, 10);
    void s.loadTipCells(7, 10);
    expect(host.callsTo('tips.cells')).toHaveLength(1);
    held.resolve({ ok: true, value: cells });
    await first;
    await waitFor(() => expect(r.store.getState().tipCells.status).toBe('ready'));
    expect(host.callsTo('tips.cells')).toHaveLength(2);
  });
});
