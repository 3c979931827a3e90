import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../renderer/App';
import { createI18n } from '../../renderer/i18n';
import { demoHost, rig } from './fakes';

afterEach(cleanup);

const admin = { id: 3, username: 'admin', displayName: 'Administrator', roles: ['admin'] };

async function openSettings(officer: object, overrides = {}) {
  const host = demoHost({
    'session.current': () => ({ ok: true, value: { officer, officersExist: true, idleLockMinutes: 0 } }),
    'gateways.list': () => ({ ok: true, value: [] }),
    ...overrides,
  });
  const r = rig({ host });
  render(<App store={r.store} i18n={createI18n('da')} />);
  fireEvent.click(await screen.findByTestId('nav-settings'));
  await screen.findByTestId('language-da');
  return r;
}

describe('fetching boundaries from Dataforsyningen in settings', () => {
  it('lets an admin fetch them and says what was imported', async () => {
    const r = await openSettings(admin, {
      'boundaries.fetch': () => ({
        ok: true,
        value: { imported: 703, byKind: { district: 12, municipality: 99, postcode: 592 }, source: 'https://api.dataforsyningen.dk/', withoutShape: 0 },
      }),
    });
    const button = await screen.findByTestId('boundaries-fetch-button');
    expect(button.textContent).toBe('Hent grænser fra Dataforsyningen');
    fireEvent.click(button);
    await waitFor(() =>
      expect(screen.getByTestId('boundaries-fetch-result').textContent).toBe(
        'Hentet og importeret: 12 politikredse, 99 kommuner, 592 postnumre fra https://api.dataforsyningen.dk/. Kortet viser dem, næste gang det åbnes.',
      ),
    );
    expect(r.host.callsTo('boundaries.fetch').map((c) => c.payload)).toEqual([{}]);
  });

  it("shows the host's reason when the fetch failed, as text", async () => {
    await openSettings(admin, {
      'boundaries.fetch': () => ({
        ok: false,
        error: { code: 'unavailable', message: 'Kunne ikke hente …', details: { reason: 'politikredse: the connection was refused <b>(offline?)</b>' } },
      }),
    });
    fireEvent.click(await screen.findByTestId('boundaries-fetch-button'));
    const note = await screen.findByTestId('boundaries-fetch-error');
    expect(note.textContent).toBe('Kunne ikke hente grænser fra Dataforsyningen: politikredse: the connection was refused <b>(offline?)</b>. Intet er ændret.');
    expect(note.querySelector('b')).toBeNull();
  });

  it('is not shown to an operator or an approver', async () => {
    for (const roles of [['operator'], ['approver']]) {
      await openSettings({ id: 1, username: 'jensen', displayName: 'Jensen', roles });
      expect(screen.queryByTestId('boundaries-fetch')).toBeNull();
      cleanup();
    }
  });
});
