import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../renderer/App';
import { createI18n } from '../../renderer/i18n';
import { LANGUAGE_KEY } from '../../renderer/features/settings/settingsSlice';
import { demoHost, demoOutlines, demoStatus, memoryStorage, rig } from './fakes';
import type { Rig } from './fakes';

afterEach(() => cleanup());

/** Renders the console and waits for the host to say who is signed in (the screens show only then). */
async function renderApp(r: Rig = rig()) {
  const i18n = createI18n(r.store.getState().language);
  render(<App store={r.store} i18n={i18n} />);
  await screen.findByTestId('session-content');
  return r;
}

const navIds = ['nav-map', 'nav-alerts', 'nav-monitor', 'nav-tips', 'nav-subscribers', 'nav-evaluation', 'nav-surveys', 'nav-settings'];

describe('the app frame', () => {
  it('shows the navigation in Danish, as a list of buttons, the map current', async () => {
    await renderApp();
    const nav = screen.getByRole('navigation', { name: 'Hovedmenu' });
    const buttons = within(nav).getAllByRole('button');
    expect(buttons.map((b) => b.dataset.testid)).toEqual(navIds);
    expect(buttons.map((b) => b.textContent)).toEqual([
      'Kort',
      'Varsler',
      'Overvågning',
      'Tips',
      'Abonnenter',
      'Evaluering',
      'Undersøgelser',
      'Indstillinger',
    ]);
    expect(within(nav).getAllByRole('listitem')).toHaveLength(8);
    expect(screen.getByTestId('nav-map').getAttribute('aria-current')).toBe('page');
    expect(buttons.filter((b) => b.hasAttribute('aria-current'))).toHaveLength(1);
    await screen.findByTestId('outline-district');
  });

  it('shows store, gateway and network state from app.status in the status bar', async () => {
    const r = await renderApp();
    await waitFor(() => expect(screen.getByTestId('status-gateway').textContent).toBe('Gateway: Simulator — forbundet'));
    expect(screen.getByTestId('status-store').textContent).toBe('Lager: skema 2 · 34.000 abonnenter');
    expect(screen.getByTestId('status-network').textContent).toBe('Netværk: online · vært forbundet');
    expect(r.host.callsTo('app.status')).toHaveLength(1);
  });

  it('follows status events, the network and the bridge connection', async () => {
    const r = await renderApp();
    await waitFor(() => expect(screen.getByTestId('status-gateway').textContent).toContain('forbundet'));

    act(() =>
      r.host.emit('app.statusChanged', {
        ...demoStatus,
        store: { ...demoStatus.store, subscribers: 1 },
        gateways: [{ name: 'Simulator', kind: 'simulator', state: 'disconnected', primary: true }],
      }),
    );
    expect(screen.getByTestId('status-gateway').textContent).toBe('Gateway: Simulator — afbrudt');
    expect(screen.getByTestId('status-store').textContent).toBe('Lager: skema 2 · 1 abonnent');

    act(() => r.network.set(false));
    expect(screen.getByTestId('status-network').textContent).toBe('Netværk: offline · vært forbundet');

    // With the host gone the gateway's last state is a guess, so it is not shown as fact.
    act(() => r.host.setState('disconnected'));
    expect(screen.getByTestId('status-network').textContent).toBe('Netværk: offline · vært afbrudt – prøver igen');
    expect(screen.getByTestId('status-gateway').textContent).toBe('Gateway: Simulator — ukendt');
    expect(screen.getByTestId('status-network').dataset.tone).toBe('bad');
    expect(screen.getByTestId('status-store').dataset.tone).toBe('unknown');

    // Back online: the status is asked for again.
    act(() => r.host.setState('connected'));
    await waitFor(() => expect(r.host.callsTo('app.status')).toHaveLength(2));
    await waitFor(() => expect(screen.getByTestId('status-gateway').textContent).toBe('Gateway: Simulator — forbundet'));
  });

  it('shows a translated error when app.status fails', async () => {
    const host = demoHost({ 'app.status': () => ({ ok: false, error: { code: 'store_wrong_key', message: 'bad key' } }) });
    await renderApp(rig({ host }));
    await waitFor(() =>
      expect(screen.getByTestId('status-store').textContent).toBe('Lager: Forkert nøgle til lageret.'),
    );
    expect(screen.getByTestId('status-gateway').textContent).toBe('Gateway: ukendt');
  });

  it('shows the screen the officer navigates to, marks it current and focuses its heading', async () => {
    await renderApp();
    await screen.findByTestId('screen-map');
    fireEvent.click(screen.getByTestId('nav-tips'));
    expect(screen.queryByTestId('screen-map')).toBeNull();
    const tips = screen.getByTestId('screen-tips');
    expect(within(tips).getByRole('heading', { level: 1 }).textContent).toBe('Tips');
    expect(document.activeElement).toBe(within(tips).getByRole('heading', { level: 1 }));
    expect(within(tips).getByTestId('tips')).toBeTruthy();
    expect(screen.getByTestId('nav-tips').getAttribute('aria-current')).toBe('page');
    expect(screen.getByTestId('nav-map').hasAttribute('aria-current')).toBe(false);

    for (const [id, heading] of [
      ['alerts', 'Varsler'],
      ['monitor', 'Overvågning'],
      ['subscribers', 'Abonnenter'],
      ['settings', 'Indstillinger'],
      ['map', 'Kort'],
    ]) {
      fireEvent.click(screen.getByTestId(`nav-${id}`));
      expect(within(screen.getByTestId(`screen-${id}`)).getByRole('heading', { level: 1 }).textContent).toBe(heading);
    }
  });

  it('switches to English in settings and remembers the choice', async () => {
    const r = await renderApp();
    fireEvent.click(screen.getByTestId('nav-settings'));
    fireEvent.click(screen.getByTestId('language-en'));
    await waitFor(() => expect(screen.getByTestId('nav-map').textContent).toBe('Map'));
    expect(screen.getByRole('navigation', { name: 'Main menu' })).toBeTruthy();
    expect(document.documentElement.lang).toBe('en');
    expect(r.preferences.getItem(LANGUAGE_KEY)).toBe('en');
    await waitFor(() => expect(screen.getByTestId('status-gateway').textContent).toBe('Gateway: Simulator — connected'));
    expect(screen.getByTestId('status-store').textContent).toBe('Store: schema 2 · 34,000 subscribers');
  });

  it('starts in the language this computer remembered', async () => {
    await renderApp(rig({ preferences: memoryStorage({ [LANGUAGE_KEY]: 'en' }) }));
    expect(screen.getByTestId('nav-subscribers').textContent).toBe('Subscribers');
  });
});

describe('the map screen', () => {
  it('asks for the outlines of the visible kinds and draws each kind in its own layer', async () => {
    const r = await renderApp();
    const map = await screen.findByTestId('map');
    const district = await within(map).findByTestId('outline-district');
    expect(district.querySelectorAll('path.outline-district')).toHaveLength(1);
    const municipalities = await within(map).findByTestId('outline-municipality');
    expect(municipalities.querySelectorAll('path.outline-municipality')).toHaveLength(2);
    expect(r.host.callsTo('boundaries.outlines').map((c) => c.payload)).toEqual(
      expect.arrayContaining([{ kind: 'district' }, { kind: 'municipality' }]),
    );
    // Postcodes are off until asked for, and not fetched before.
    expect(r.host.callsTo('boundaries.outlines')).toHaveLength(2);
    expect(within(map).queryByTestId('outline-postcode')).toBeNull();
    expect(screen.getByTestId('layer-state-municipality').textContent).toBe('2 områder');
  });

  it('fetches and shows postcodes when switched on, and hides a kind when switched off', async () => {
    const r = await renderApp();
    await screen.findByTestId('outline-district');
    fireEvent.click(screen.getByTestId('layer-toggle-postcode'));
    const postcodes = await screen.findByTestId('outline-postcode');
    expect(postcodes.querySelectorAll('path.outline-postcode')).toHaveLength(demoOutlines.postcode.length);
    expect(r.host.callsTo('boundaries.outlines').at(-1)?.payload).toEqual({ kind: 'postcode' });

    fireEvent.click(screen.getByTestId('layer-toggle-district'));
    expect(screen.queryByTestId('outline-district')).toBeNull();
    fireEvent.click(screen.getByTestId('layer-toggle-district'));
    await screen.findByTestId('outline-district');
    // Shown again from the store, not fetched again.
    expect(r.host.callsTo('boundaries.outlines').filter((c) => (c.payload as { kind: string }).kind === 'district')).toHaveLength(1);
  });

  it('shows a translated error and retries when outlines cannot be fetched', async () => {
    let fail = true;
    const host = demoHost({
      'boundaries.outlines': (p) =>
        fail
          ? { ok: false, error: { code: 'unavailable', message: 'down' } }
          : { ok: true, value: demoOutlines[(p as { kind: 'district' }).kind] },
    });
    await renderApp(rig({ host }));
    const state = screen.getByTestId('layer-state-district');
    await waitFor(() => expect(state.textContent).toContain('Ingen forbindelse til værten lige nu.'));
    fail = false;
    fireEvent.click(within(state).getByRole('button', { name: 'Prøv igen' }));
    await screen.findByTestId('outline-district');
    expect(state.textContent).toBe('1 område');
  });

  it('draws no tiles offline or without a tile URL, and tiles when both are there', async () => {
    const withTiles = { ...demoStatus, map: { tileUrl: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png' } };
    const r = await renderApp(rig({ host: demoHost({ 'app.status': () => ({ ok: true, value: withTiles }) }), online: false }));
    await screen.findByTestId('outline-district');
    const map = screen.getByTestId('map');
    expect(map.querySelector('.leaflet-tile-pane .leaflet-layer')).toBeNull();
    expect(screen.getByTestId('basemap-state').dataset.tiles).toBe('none');

    act(() => r.network.set(true));
    expect(map.querySelector('.leaflet-tile-pane .leaflet-layer')).not.toBeNull();
    expect(screen.getByTestId('basemap-state').dataset.tiles).toBe('online');

    act(() => r.host.emit('app.statusChanged', demoStatus)); // the host stops naming a tile server
    expect(map.querySelector('.leaflet-tile-pane .leaflet-layer')).toBeNull();
  });

  it('renders boundary names as text, never as HTML', async () => {
    const evil = '<img src=x onerror="window.__pwned=1">';
    const host = demoHost({
      'boundaries.outlines': (p) => ({
        ok: true,
        value: (p as { kind: 'municipality' }).kind === 'municipality'
          ? [{ ...demoOutlines.municipality[0]!, name: evil }]
          : demoOutlines[(p as { kind: 'district' }).kind],
      }),
    });
    await renderApp(rig({ host }));
    const layer = await screen.findByTestId('outline-municipality');
    const path = layer.querySelector('path.outline-municipality')!;
    fireEvent.mouseOver(path);
    fireEvent.mouseMove(path);
    const tooltip = await waitFor(() => {
      const t = document.querySelector('.leaflet-tooltip');
      if (!t) throw new Error('no tooltip yet');
      return t;
    });
    expect(tooltip.textContent).toBe(`219 ${evil}`);
    expect(tooltip.querySelector('img')).toBeNull();
  });
});
