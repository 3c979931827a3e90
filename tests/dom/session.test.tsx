import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../renderer/App';
import { createI18n } from '../../renderer/i18n';
import { alertsHost, approver, makeAlert, operator } from './alerts.host';
import { createAppStore } from '../../renderer/store';
import { demoHost, memoryStorage, rig } from './fakes';
import type { Rig } from './fakes';

afterEach(() => {
  cleanup();
  sessionStorage.clear();
});

function renderApp(r: Rig) {
  render(<App store={r.store} i18n={createI18n(r.store.getState().language)} />);
  return r;
}

function signIn(username: string, passphrase: string) {
  fireEvent.change(screen.getByTestId('signin-username'), { target: { value: username } });
  fireEvent.change(screen.getByTestId('signin-passphrase'), { target: { value: passphrase } });
  fireEvent.click(screen.getByTestId('signin-submit'));
}

describe('sign-in', () => {
  it('shows nothing of the console before sign-in, refuses a wrong passphrase, and opens after the right one', async () => {
    const { host } = alertsHost({ officer: null });
    renderApp(rig({ host }));
    await screen.findByTestId('signin-username');
    expect(screen.queryByRole('navigation')).toBeNull();
    expect(screen.queryByTestId('session-content')).toBeNull();
    // Nothing but the session was asked for: the screens' calls wait for an officer.
    expect(new Set(host.calls.map((c) => c.channel))).toEqual(new Set(['session.current']));
    expect(document.activeElement).toBe(screen.getByTestId('signin-username'));

    signIn('jensen', 'wrong');
    const error = await screen.findByTestId('signin-error');
    expect(error.textContent).toBe('Forkert brugernavn eller adgangsfrase – eller for mange forsøg. Prøv igen.');
    expect(screen.getByTestId<HTMLInputElement>('signin-passphrase').value).toBe('');

    signIn('jensen', 'demo-jensen');
    await screen.findByTestId('session-content');
    expect(screen.queryByTestId('signin')).toBeNull();
    expect(screen.getByTestId('officer-name').textContent).toBe('Betjent Jensen');
    expect(screen.getByTestId('officer').textContent).toContain('operatør');
    expect(host.callsTo('session.signIn').at(-1)?.payload).toEqual({ username: 'jensen', passphrase: 'demo-jensen' });
  });

  it('explains how to create the first officer when there is none', async () => {
    const host = demoHost({
      'session.current': () => ({ ok: true, value: { officer: null, officersExist: false, idleLockMinutes: 10 } }),
    });
    renderApp(rig({ host }));
    const none = await screen.findByTestId('no-officers');
    expect(none.textContent).toContain('tryk officer add NAVN --roles admin');
  });

  it('locks on demand with Lås: the host is told and the sign-in screen says why', async () => {
    const { host, session } = alertsHost({ officer: approver });
    renderApp(rig({ host }));
    fireEvent.click(await screen.findByTestId('lock'));
    expect((await screen.findByTestId('lock-reason')).dataset.reason).toBe('manual');
    expect(screen.getByTestId('session-content').hidden).toBe(true);
    await waitFor(() => expect(host.callsTo('session.signOut')).toHaveLength(1));
    expect(session.officer).toBeNull();
  });

  it('shows the sign-in screen when a call finds the console idle-locked, and keeps the unsaved draft through it', async () => {
    const draft = makeAlert({ id: 5, smsText: 'Politiet: Indbrud på Slotsgade.' });
    const a = alertsHost({ officer: operator, alerts: [draft] });
    let locked = false;
    const update = a.host.handlers['alerts.update']!;
    a.host.handlers['alerts.update'] = (p) =>
      locked ? { ok: false, error: { code: 'unauthorized', message: 'locked', details: { reason: 'idle_lock' } } } : update(p);
    const r = renderApp(rig({ host: a.host }));
    fireEvent.click(await screen.findByTestId('nav-alerts'));
    fireEvent.click(await screen.findByTestId('alert-item-5'));
    const sms = await screen.findByTestId<HTMLTextAreaElement>('sms-text');

    locked = true;
    a.session.officer = null;
    fireEvent.change(sms, { target: { value: 'Politiet: Indbrud på Slotsgade i nat.' } });
    expect((await screen.findByTestId('lock-reason', {}, { timeout: 3000 })).dataset.reason).toBe('idle');
    expect(screen.getByTestId('session-content').hidden).toBe(true);
    expect(r.store.getState().editor?.save).toBe('locked');

    locked = false;
    signIn('jensen', 'demo-jensen');
    await waitFor(() => expect(screen.getByTestId('session-content').hidden).toBe(false));
    // Same screen, same text, and now saved.
    expect(screen.getByTestId<HTMLTextAreaElement>('sms-text').value).toBe('Politiet: Indbrud på Slotsgade i nat.');
    await waitFor(() => expect(a.alerts.get(5)?.smsText).toBe('Politiet: Indbrud på Slotsgade i nat.'));
    await waitFor(() => expect(screen.getByTestId('save-state').dataset.state).toBe('saved'));
  });

  it('locks itself after the idle time with no keyboard or mouse activity', async () => {
    // 0.002 minutes: 120 ms, so the test can wait for it with real timers.
    const { host } = alertsHost({ officer: operator, idleLockMinutes: 0.002 });
    renderApp(rig({ host }));
    await screen.findByTestId('session-content');
    const reason = await screen.findByTestId('lock-reason', {}, { timeout: 2000 });
    expect(reason.dataset.reason).toBe('idle');
    await waitFor(() => expect(host.callsTo('session.signOut')).toHaveLength(1));
  });

  it('asks again who is signed in after a reconnect, and shows sign-in when the host forgot the session', async () => {
    const { host, session } = alertsHost({ officer: operator });
    renderApp(rig({ host }));
    await screen.findByTestId('session-content');
    session.officer = null; // the host restarted
    act(() => host.setState('disconnected'));
    act(() => host.setState('connected'));
    expect((await screen.findByTestId('lock-reason')).dataset.reason).toBe('expired');
    expect(within(screen.getByTestId('signin')).getByTestId('signin-username')).toBeTruthy();
  });

  it('says the console was restarted when the host refuses the page, hides the screens and asks for no passphrase', async () => {
    const { host } = alertsHost({ officer: operator });
    renderApp(rig({ host }));
    await screen.findByTestId('session-content');
    act(() => host.setState('stale'));
    const gone = await screen.findByTestId('host-gone');
    expect(gone.dataset.reason).toBe('stale');
    expect(gone.textContent).toMatch(/Konsollen er startet igen/);
    expect(gone.textContent).toMatch(/Din adgangsfrase er ikke forkert/);
    expect(screen.queryByTestId('signin-passphrase')).toBeNull();
    expect(screen.getByTestId('session-content').hidden).toBe(true);
  });

  it('a page opened without its token says where to find the address', async () => {
    const { host } = alertsHost({ officer: null });
    host.setState('unauthorized');
    renderApp(rig({ host }));
    const gone = await screen.findByTestId('host-gone');
    expect(gone.dataset.reason).toBe('unauthorized');
    expect(gone.textContent).toMatch(/terminalen/);
    expect(screen.queryByTestId('signin-error')).toBeNull();
  });

  it('comes back to the screen and the alert the officer had open in this tab after a reload', async () => {
    const { host } = alertsHost({ officer: operator, alerts: [makeAlert({ id: 7 })] });
    const tab = memoryStorage({ 'tryk.tab': JSON.stringify({ screen: 'alerts', alert: { id: 7, officerId: operator.id } }) });
    const r = rig({ host });
    const reloaded = createAppStore({ bridge: r.bridge, network: r.network, preferences: r.preferences, tab });
    render(<App store={reloaded} i18n={createI18n('da')} />);
    await screen.findByTestId('session-content');
    expect(reloaded.getState().screen).toBe('alerts');
    await waitFor(() => expect(screen.getByTestId('composer').dataset.alertId).toBe('7'));
    // The tab still remembers it for the next reload.
    expect(JSON.parse(tab.getItem('tryk.tab')!).alert).toEqual({ id: 7, officerId: operator.id });
  });
});
