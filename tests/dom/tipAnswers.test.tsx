/**
 * The composer's automatic "Tak for dit tip" and the "Tak alle der tippede" after release:
 * limits shown before anything is sent, the bridge called with the officer's words, clear
 * words when the host says no.
 */
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../renderer/App';
import { createI18n } from '../../renderer/i18n';
import { alertsHost, approver, makeAlert, squareArea } from './alerts.host';
import { rig } from './fakes';
import type { Rig } from './fakes';

afterEach(() => {
  cleanup();
  sessionStorage.clear();
});

async function openAlert(r: Rig, id: number) {
  render(<App store={r.store} i18n={createI18n('da')} />);
  fireEvent.click(await screen.findByTestId('nav-alerts'));
  fireEvent.click(await screen.findByTestId(`alert-item-${id}`));
}
const type = (el: HTMLElement, value: string) => fireEvent.change(el, { target: { value } });
const acks = (r: Rig) => r.host.callsTo('tips.acknowledgement').map((c) => c.payload as { alertId: number; set?: string | null });

describe('the automatic acknowledgement in the composer', () => {
  it('is off by default, refuses a text longer than one SMS before saving, and saves the officer’s words on and off', async () => {
    const a = alertsHost({ alerts: [makeAlert({ id: 5, status: 'draft', area: squareArea })] });
    const r = rig({ host: a.host });
    await openAlert(r, 5);
    const box = await screen.findByTestId('tip-ack');
    const on = within(box).getByTestId<HTMLInputElement>('tip-ack-on');
    await waitFor(() => expect(on.disabled).toBe(false));
    expect(on.checked).toBe(false);
    const text = within(box).getByTestId<HTMLTextAreaElement>('tip-ack-text');
    expect(text.value).toBe('Tak for dit tip. Politiet læser alle henvendelser.');

    type(text, 'Tak! '.repeat(40));
    expect(within(box).getByTestId('tip-ack-problem').textContent).toBe('Teksten må højst fylde 1 SMS (den fylder 2).');
    expect(on.disabled).toBe(true);
    type(text, '');
    expect(within(box).getByTestId('tip-ack-problem').textContent).toBe('Skriv teksten først.');

    type(text, 'Tak for dit tip om indbruddet.');
    fireEvent.click(on);
    await waitFor(() => expect(on.checked).toBe(true));
    expect(acks(r).at(-1)).toEqual({ alertId: 5, set: 'Tak for dit tip om indbruddet.' });
    expect(within(box).getByTestId('tip-ack-saved').textContent).toBe('Kvitteringen er gemt.');

    // An edit while on is saved with its own button.
    type(text, 'Tak for dit tip.');
    fireEvent.click(within(box).getByTestId('tip-ack-save'));
    await waitFor(() => expect(acks(r).at(-1)).toEqual({ alertId: 5, set: 'Tak for dit tip.' }));

    fireEvent.click(on);
    await waitFor(() => expect(on.checked).toBe(false));
    expect(acks(r).at(-1)).toEqual({ alertId: 5, set: null });
    expect(within(box).getByTestId('tip-ack-saved').textContent).toBe('Der sendes ingen automatisk kvittering.');
  });

  it('shows the host’s refusal and keeps the box as it was', async () => {
    const a = alertsHost({ alerts: [makeAlert({ id: 5, status: 'draft', area: squareArea })] }, {
      'tips.acknowledgement': (p) =>
        (p as { set?: unknown }).set === undefined ? { ok: true, value: { alertId: 5, text: null } } : { ok: false, error: { code: 'forbidden', message: 'no' } },
    });
    await openAlert(rig({ host: a.host }), 5);
    const box = await screen.findByTestId('tip-ack');
    const on = within(box).getByTestId<HTMLInputElement>('tip-ack-on');
    await waitFor(() => expect(on.disabled).toBe(false));
    fireEvent.click(on);
    expect((await within(box).findByTestId('error-note')).textContent).toBe('Din rolle må ikke gøre dette.');
    expect(on.checked).toBe(false);
  });
});

describe('the acknowledgement box while the host is away', () => {
  it('says the host cannot be reached, and reads the box again when it is back', async () => {
    let up = false;
    const a = alertsHost({ alerts: [makeAlert({ id: 5, status: 'draft', area: squareArea })] }, {
      'tips.acknowledgement': () => (up ? { ok: true, value: { alertId: 5, text: 'Tak!' } } : { ok: false, error: { code: 'unavailable', message: 'down' } }),
    });
    const r = rig({ host: a.host });
    await openAlert(r, 5);
    const box = await screen.findByTestId('tip-ack');
    expect((await within(box).findByTestId('error-note')).dataset.code).toBe('unavailable');
    up = true;
    act(() => a.host.setState('disconnected'));
    act(() => a.host.setState('connected'));
    await waitFor(() => expect(within(box).getByTestId<HTMLInputElement>('tip-ack-on').checked).toBe(true));
    expect(within(box).getByTestId<HTMLTextAreaElement>('tip-ack-text').value).toBe('Tak!');
  });
});

describe('"Tak alle der tippede" after release', () => {
  const sent = makeAlert({ id: 60, status: 'sent', area: squareArea, revision: 5 });
  const counts = () => ({ ok: true, value: { total: 3, new: 0, byAlert: [{ alertId: 60, total: 3, new: 0 }] } });

  it('thanks every tipster once with the officer’s words and says how many it reached', async () => {
    const a = alertsHost({ officer: approver, alerts: [sent] }, {
      'tips.counts': counts,
      'tips.thank': () => ({ ok: true, value: { queued: 2, skipped: 1 } }),
    });
    const r = rig({ host: a.host });
    await openAlert(r, 60);
    fireEvent.click(await screen.findByTestId('tip-thanks-60'));
    const form = screen.getByTestId('tip-thanks-form-60');
    const text = within(form).getByTestId<HTMLTextAreaElement>('tip-thanks-text');
    expect(text.value).toBe('Sagen er afsluttet. Tak for dit tip - det hjalp politiet.');
    type(text, '  ');
    expect(within(form).getByTestId<HTMLButtonElement>('tip-thanks-send').disabled).toBe(true);
    type(text, 'Sagen er opklaret. Tak for hjælpen.');
    fireEvent.click(within(form).getByTestId('tip-thanks-send'));
    expect((await screen.findByTestId('tip-thanks-done-60')).textContent).toBe('Tak sendt til 2 tipgivere. 1 kunne ikke få en SMS (afmeldt).');
    expect(r.host.callsTo('tips.thank').map((c) => c.payload)).toEqual([{ alertId: 60, text: 'Sagen er opklaret. Tak for hjælpen.' }]);
  });

  it('says so when the tipsters were already thanked', async () => {
    const a = alertsHost({ officer: approver, alerts: [sent] }, {
      'tips.counts': counts,
      'tips.thank': () => ({ ok: false, error: { code: 'conflict', message: 'already' } }),
    });
    await openAlert(rig({ host: a.host }), 60);
    fireEvent.click(await screen.findByTestId('tip-thanks-60'));
    fireEvent.click(screen.getByTestId('tip-thanks-send'));
    expect((await screen.findByTestId('tip-thanks-already')).textContent).toBe('Tipgiverne til dette varsel er allerede blevet takket.');
  });

  it('is not offered before anyone tipped', async () => {
    const none = alertsHost({ officer: approver, alerts: [sent] });
    await openAlert(rig({ host: none.host }), 60);
    await screen.findByTestId(`tips-of-alert-60`);
    expect(screen.queryByTestId('tip-thanks-60')).toBeNull();
  });
});
