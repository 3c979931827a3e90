import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../renderer/App';
import { createI18n } from '../../renderer/i18n';
import { demoHost, rig } from './fakes';

afterEach(cleanup);

const admin = { id: 3, username: 'admin', displayName: 'Administrator', roles: ['admin'] };
const gateways = [
  { name: 'simulator', kind: 'simulator', url: 'simulator://?tps=500', primary: true, enabled: true, state: 'connected' },
  { name: 'smsc', kind: 'smpp', url: 'smpp://tryk:••••@127.0.0.1:2775', primary: false, enabled: true, state: 'disconnected' },
];

async function openSettings(officer: object, overrides = {}) {
  const host = demoHost({
    'session.current': () => ({ ok: true, value: { officer, officersExist: true, idleLockMinutes: 0 } }),
    'gateways.list': () => ({ ok: true, value: gateways }),
    ...overrides,
  });
  const r = rig({ host });
  render(<App store={r.store} i18n={createI18n('da')} />);
  fireEvent.click(await screen.findByTestId('nav-settings'));
  await screen.findByTestId('gateway-smsc');
  return r;
}

describe('the gateways in settings', () => {
  it('lists the gateways with their state, the password as the host replaced it', async () => {
    await openSettings(admin);
    expect(screen.getByTestId('gateway-simulator').textContent).toContain('forbundet');
    expect(screen.getByTestId('gateway-smsc').textContent).toContain('afbrudt');
    expect(screen.getByTestId('gateway-smsc').textContent).not.toContain('secret');
    expect(screen.getByTestId('gateway-smsc').textContent).toContain('smpp://tryk:••••@127.0.0.1:2775');
  });

  it('lets an admin add one, shows a refusal in Danish, and tests a connection', async () => {
    let refuse = true;
    const r = await openSettings(admin, {
      'gateways.add': () => (refuse ? { ok: false, error: { code: 'bad_request', message: 'Unknown gateway scheme ftp:' } } : { ok: true, value: { name: 'backup', kind: 'smpp', primary: false } }),
      'gateways.test': () => ({ ok: true, value: { name: 'smsc', connected: true, ms: 42, tps: 50, window: 10 } }),
    });
    fireEvent.change(screen.getByTestId('gateway-name'), { target: { value: 'backup' } });
    fireEvent.change(screen.getByTestId('gateway-url'), { target: { value: 'ftp://x' } });
    fireEvent.click(screen.getByTestId('gateway-add'));
    await screen.findByText('Forespørgslen var ugyldig.', { exact: false });
    refuse = false;
    fireEvent.change(screen.getByTestId('gateway-url'), { target: { value: 'smpp://a:b@127.0.0.1:2775' } });
    fireEvent.click(screen.getByTestId('gateway-add'));
    await waitFor(() => expect(screen.getByTestId<HTMLInputElement>('gateway-url').value).toBe(''));
    expect(r.host.callsTo('gateways.add').map((c) => c.payload)).toEqual([
      { name: 'backup', url: 'ftp://x', primary: false },
      { name: 'backup', url: 'smpp://a:b@127.0.0.1:2775', primary: false },
    ]);
    fireEvent.click(screen.getByTestId('gateway-test-smsc'));
    await waitFor(() => expect(screen.getByTestId('gateway-tested-smsc').textContent).toBe('svarede på 42 ms'));
  });

  it('lets an admin change a gateway from its redacted address, and shows a refusal without losing the edit', async () => {
    let refuse = true;
    const r = await openSettings(admin, {
      'gateways.update': () =>
        refuse
          ? { ok: false, error: { code: 'bad_request', message: 'The gateway address has bad settings: tps: too big' } }
          : { ok: true, value: { name: 'smsc', kind: 'smpp', url: 'smpp://tryk:••••@127.0.0.1:2775?tps=100', changed: ['tps'] } },
    });
    fireEvent.click(screen.getByTestId('gateway-edit-smsc'));
    const input = screen.getByTestId<HTMLInputElement>('gateway-edit-url-smsc');
    // Starts from what the host showed: the password stays behind its mark.
    expect(input.value).toBe('smpp://tryk:••••@127.0.0.1:2775');
    fireEvent.change(input, { target: { value: 'smpp://tryk:••••@127.0.0.1:2775?tps=99999' } });
    fireEvent.click(screen.getByTestId('gateway-save-smsc'));
    await screen.findByText('Forespørgslen var ugyldig.', { exact: false });
    expect(screen.getByTestId<HTMLInputElement>('gateway-edit-url-smsc').value).toBe('smpp://tryk:••••@127.0.0.1:2775?tps=99999');
    refuse = false;
    fireEvent.change(screen.getByTestId('gateway-edit-url-smsc'), { target: { value: 'smpp://tryk:••••@127.0.0.1:2775?tps=100' } });
    fireEvent.click(screen.getByTestId('gateway-save-smsc'));
    await waitFor(() => expect(screen.getByTestId('gateway-notice').textContent).toBe('smsc er ændret (tps). Konsollen forbinder igen med de nye indstillinger.'));
    expect(screen.queryByTestId('gateway-edit-url-smsc')).toBeNull();
    expect(r.host.callsTo('gateways.update').map((c) => c.payload)).toEqual([
      { name: 'smsc', url: 'smpp://tryk:••••@127.0.0.1:2775?tps=99999' },
      { name: 'smsc', url: 'smpp://tryk:••••@127.0.0.1:2775?tps=100' },
    ]);
  });

  it('lets an admin remove one after confirming, and shows why the host refuses one in use', async () => {
    let inUse = true;
    const r = await openSettings(admin, {
      'gateways.remove': () =>
        inUse
          ? { ok: false, error: { code: 'conflict', message: 'Gateway smsc is in use by send 4' } }
          : { ok: true, value: { name: 'smsc', removed: true, primary: 'simulator' } },
    });
    fireEvent.click(screen.getByTestId('gateway-remove-smsc'));
    // Nothing happens before the second, explicit click.
    expect(r.host.callsTo('gateways.remove')).toHaveLength(0);
    fireEvent.click(screen.getByTestId('gateway-remove-yes-smsc'));
    await waitFor(() => expect(screen.getByTestId('gateway-notice').textContent).toMatch(/^smsc bruges af en udsendelse, der ikke er færdig/));
    inUse = false;
    fireEvent.click(screen.getByTestId('gateway-remove-smsc'));
    fireEvent.click(screen.getByTestId('gateway-remove-yes-smsc'));
    await waitFor(() => expect(screen.getByTestId('gateway-notice').textContent).toContain('smsc er fjernet; simulator er nu primær.'));
    expect(r.host.callsTo('gateways.remove').map((c) => c.payload)).toEqual([{ name: 'smsc' }, { name: 'smsc' }]);
  });

  it('shows an operator the list but not the controls', async () => {
    await openSettings({ id: 1, username: 'jensen', displayName: 'Jensen', roles: ['operator'] });
    expect(screen.queryByTestId('gateway-add')).toBeNull();
    expect(screen.queryByTestId('gateway-test-smsc')).toBeNull();
    expect(screen.getByText('Kun en administrator kan tilføje, rette, teste og fjerne gateways.')).toBeTruthy();
  });
});

describe('the tile server in settings', () => {
  it('lets an admin test the configured or another address, and says why one is not usable', async () => {
    const r = await openSettings(admin, {
      'map.testTiles': (p: unknown) =>
        (p as { url?: string }).url
          ? { ok: true, value: { ok: false, url: 'http://tiles.intern/7/68/39.png', status: 503, contentType: null, bytes: 0, ms: 12, problem: 'HTTP 503' } }
          : { ok: true, value: { ok: true, url: 'https://tile/7/68/39.png', status: 200, contentType: 'image/png', bytes: 1234, ms: 40, problem: null } },
    });
    fireEvent.click(screen.getByTestId('tiles-test'));
    await waitFor(() => expect(screen.getByTestId('tiles-result').textContent).toBe('Svarede på 40 ms med et billede (1.234 byte).'));
    fireEvent.change(screen.getByTestId('tiles-url'), { target: { value: 'http://tiles.intern/{z}/{x}/{y}.png' } });
    fireEvent.click(screen.getByTestId('tiles-test'));
    await waitFor(() => expect(screen.getByTestId('tiles-result').textContent).toBe('Kan ikke bruges: HTTP 503'));
    expect(r.host.callsTo('map.testTiles').map((c) => c.payload)).toEqual([{}, { url: 'http://tiles.intern/{z}/{x}/{y}.png' }]);
  });

  it('lets an admin save another address after checking it, and turn tiles off', async () => {
    const r = await openSettings(admin, {
      'map.setTileUrl': (p: unknown) => ({ ok: true, value: { tileUrl: (p as { url: string | null }).url } }),
    });
    fireEvent.change(screen.getByTestId('tiles-url'), { target: { value: 'tiles.intern/{z}/{x}/{y}.png' } });
    fireEvent.click(screen.getByTestId('tiles-save'));
    expect(screen.getByTestId('tiles-problem').textContent).toBe('Adressen skal begynde med https:// eller http://.');
    fireEvent.change(screen.getByTestId('tiles-url'), { target: { value: 'http://tiles.intern/{z}/{x}.png' } });
    fireEvent.click(screen.getByTestId('tiles-save'));
    expect(screen.getByTestId('tiles-problem').textContent).toBe('Adressen skal indeholde {z}, {x} og {y}.');
    expect(r.host.callsTo('map.setTileUrl')).toHaveLength(0);
    fireEvent.change(screen.getByTestId('tiles-url'), { target: { value: 'http://tiles.intern/{z}/{x}/{y}.png' } });
    fireEvent.click(screen.getByTestId('tiles-save'));
    await waitFor(() => expect(screen.getByTestId('tiles-current').textContent).toBe('http://tiles.intern/{z}/{x}/{y}.png'));
    expect(screen.getByTestId('tiles-result').textContent).toBe('Gemt (revideret). Kortet bruger adressen fra næste start af konsollen.');
    fireEvent.click(screen.getByTestId('tiles-off'));
    await waitFor(() => expect(screen.getByTestId('tiles-current').textContent).toBe('ingen – konsollen viser offlinekortet'));
    expect(r.host.callsTo('map.setTileUrl').map((c) => c.payload)).toEqual([{ url: 'http://tiles.intern/{z}/{x}/{y}.png' }, { url: null }]);
  });

  it('is not shown to an operator', async () => {
    await openSettings({ id: 1, username: 'jensen', displayName: 'Jensen', roles: ['operator'] });
    expect(screen.queryByTestId('tiles')).toBeNull();
  });
});
