/**
 * The tip inbox's settings for an administrator: read from the host, checked before saving with
 * a clear sentence, saved as typed (the host checks again and audits), hidden from others.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../renderer/App';
import { createI18n } from '../../renderer/i18n';
import { parseWords } from '../../renderer/features/settings/InboxSettingsPanel';
import { demoHost, demoOfficer, rig } from './fakes';

afterEach(cleanup);

const admin = { id: 3, username: 'admin', displayName: 'Administrator', roles: ['admin'] };
const settings = {
  windowHours: 48,
  retentionDays: 90,
  floodPerMinute: 10,
  keywords: { stop: ['STOP', 'STOPP', 'AFMELD'], start: ['START', 'TILMELD'], confirm: ['JA'], help: ['HJÆLP', 'HELP', 'INFO'] },
};

async function openSettings(officer: object, tipSettings: (p: unknown) => unknown = (p) => {
  const set = (p as { set?: Partial<typeof settings> }).set;
  if (set) Object.assign(settings, set);
  return { ok: true, value: settings };
}) {
  const host = demoHost({
    'session.current': () => ({ ok: true, value: { officer, officersExist: true, idleLockMinutes: 0 } }),
    'gateways.list': () => ({ ok: true, value: [] }),
    'tips.settings': tipSettings,
  });
  const r = rig({ host });
  render(<App store={r.store} i18n={createI18n('da')} />);
  fireEvent.click(await screen.findByTestId('nav-settings'));
  return r;
}
const type = (el: HTMLElement, value: string) => fireEvent.change(el, { target: { value } });

describe('the inbox settings', () => {
  it('shows the host’s values, refuses bad ones with a sentence saying why, and saves the rest', async () => {
    const r = await openSettings(admin);
    const panel = await screen.findByTestId('inbox-settings');
    const window = await within(panel).findByTestId<HTMLInputElement>('inbox-windowHours');
    expect(window.value).toBe('48');
    expect(within(panel).getByTestId<HTMLInputElement>('inbox-retentionDays').value).toBe('90');
    expect(within(panel).getByTestId<HTMLInputElement>('inbox-keywords-help').value).toBe('HJÆLP, HELP, INFO');
    const save = within(panel).getByTestId<HTMLButtonElement>('inbox-save');

    type(window, '0');
    expect(within(panel).getByTestId('inbox-windowHours-problem').textContent).toBe('Skriv et helt tal fra 1 til 336.');
    expect(save.disabled).toBe(true);
    type(window, '2.5');
    expect(save.disabled).toBe(true);
    type(window, '72');
    expect(within(panel).queryByTestId('inbox-windowHours-problem')).toBeNull();

    type(within(panel).getByTestId('inbox-keywords-confirm'), 'ja, stop');
    expect(within(panel).getByTestId('inbox-keywords-problem').textContent).toBe('"STOP" står både i STOP (afmeld) og JA (bekræft tilmelding).');
    expect(save.disabled).toBe(true);
    type(within(panel).getByTestId('inbox-keywords-confirm'), '');
    expect(within(panel).getByTestId('inbox-keywords-problem').textContent).toBe('Listen JA (bekræft tilmelding) skal have mindst ét ord.');
    type(within(panel).getByTestId('inbox-keywords-confirm'), 'ja, j4');
    expect(within(panel).getByTestId('inbox-keywords-problem').textContent).toContain('"J4"');
    type(within(panel).getByTestId('inbox-keywords-confirm'), 'ja yes, okay');
    expect(save.disabled).toBe(false);
    expect(r.host.callsTo('tips.settings').filter((c) => (c.payload as { set?: unknown }).set)).toHaveLength(0);

    fireEvent.click(save);
    expect((await within(panel).findByTestId('inbox-saved')).textContent).toContain('Gemt.');
    const sent = r.host.callsTo('tips.settings').map((c) => c.payload as { set?: typeof settings }).filter((p) => p.set);
    // Stored before the panel keyword existed: the router's words are shown and saved with the rest.
    expect(sent).toEqual([{ set: { windowHours: 72, retentionDays: 90, floodPerMinute: 10, keywords: { ...settings.keywords, confirm: ['JA', 'YES', 'OKAY'], panel: ['PANEL', 'BORGERPANEL'] } } }]);
    expect(within(panel).getByTestId<HTMLInputElement>('inbox-keywords-confirm').value).toBe('JA, YES, OKAY');
  });

  it('shows the host’s refusal and is not shown to an officer who is not an administrator', async () => {
    await openSettings(admin, (p) => ((p as { set?: unknown }).set ? { ok: false, error: { code: 'forbidden', message: 'no' } } : { ok: true, value: settings }));
    const panel = await screen.findByTestId('inbox-settings');
    fireEvent.click(await within(panel).findByTestId('inbox-save'));
    expect((await within(panel).findByTestId('error-note')).textContent).toBe('Din rolle må ikke gøre dette.');
    cleanup();
    await openSettings(demoOfficer);
    await screen.findByTestId('language-da');
    await waitFor(() => expect(screen.queryByTestId('inbox-settings')).toBeNull());
  });

  it('reads a typed list as words: commas or spaces, upper case, each once', () => {
    expect(parseWords(' stop, Stopp  afmeld,,stop ')).toEqual(['STOP', 'STOPP', 'AFMELD']);
    expect(parseWords('')).toEqual([]);
  });
});
