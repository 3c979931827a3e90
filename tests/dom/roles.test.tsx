/**
 * Each role sees what it may do and is told who does the rest: no refused call on screen, no
 * "press New alert" without the button.
 */
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../renderer/App';
import { createI18n } from '../../renderer/i18n';
import { alertsHost, operator } from './alerts.host';
import { rig } from './fakes';
import { dispatchHost, makeSend } from './monitor.host';

afterEach(() => {
  cleanup();
  sessionStorage.clear();
});

const admin = { id: 9, username: 'admin', displayName: 'Admin Dahl', roles: ['admin'] as const };

describe('actions and empty states per role', () => {
  it("an administrator's Varsler shows the audit trail and why there is nothing to write, and asks for no alerts", async () => {
    const { host } = alertsHost({ officer: admin as never }, { 'audit.list': () => ({ ok: true, value: [] }) });
    const r = rig({ host });
    render(<App store={r.store} i18n={createI18n('da')} />);
    fireEvent.click(await screen.findByTestId('nav-alerts'));
    const note = await screen.findByTestId('alerts-role-note');
    expect(note.textContent).toMatch(/administrator skriver og godkender du ikke varsler/);
    expect(screen.queryByTestId('new-alert-open')).toBeNull();
    expect(screen.queryByText(/Nyt varsel/)).toBeNull();
    expect(screen.queryByText(/Din rolle må ikke/)).toBeNull();
    expect(host.callsTo('alerts.list')).toEqual([]);
    expect(host.callsTo('alerts.templates')).toEqual([]);
    expect(host.callsTo('audit.list').length).toBeGreaterThan(0);
  });

  it('operators and administrators follow a send and are told only a shift leader steers it', async () => {
    const sending = makeSend({ sendId: 2 });
    for (const [who, expectPause, expectStop] of [
      [operator, false, false],
      [admin, false, false],
    ] as const) {
      const d = dispatchHost([sending], { overrides: { 'session.current': () => ({ ok: true, value: { officer: who, officersExist: true, idleLockMinutes: 0 } }) } });
      const r = rig({ host: d.host });
      render(<App store={r.store} i18n={createI18n('da')} />);
      fireEvent.click(await screen.findByTestId('nav-monitor'));
      const card = await screen.findByTestId('monitor-send-2');
      expect(within(card).queryByTestId('send-pause') !== null).toBe(expectPause);
      expect(within(card).queryByTestId('send-cancel') !== null).toBe(expectStop);
      expect(within(card).getByTestId('send-controls-role').textContent).toMatch(/følge udsendelsen.*kun en vagtchef/);
      cleanup();
    }
  });
});
