import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { BoundarySummary, TargetCount } from '../../shared/bridge/contract';
import { App } from '../../renderer/App';
import { createI18n } from '../../renderer/i18n';
import { demoHost, demoOutlines, demoStatus, flush, holdingHost, memoryStorage, rig } from './fakes';
import type { Rig } from './fakes';

afterEach(() => cleanup());

// jsdom's Blob has no text(); FileReader reads it the old way.
const readBlob = (blob: Blob) =>
  new Promise<string>((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.readAsText(blob);
  });

/** The app on its map screen (past the sign-in gate, which the fake host lets through). */
async function renderApp(r: Rig) {
  render(<App store={r.store} i18n={createI18n(r.store.getState().language)} />);
  await screen.findByTestId('screen-map');
  return r;
}

const count = (total: number): TargetCount => ({
  total,
  byGroup: { citizen: total - 10, taxi: 0, neighbourhood_watch: 10, lokal_forening: 3 },
  places: total + 200,
});

const postcode3400: BoundarySummary = { id: 100, kind: 'postcode', code: '3400', name: 'Hillerød', bbox: [12.25, 55.92, 12.3, 55.97] };

describe('the targeting panel', () => {
  it('shows the live count in Danish, by translated group, and explains places counted once', async () => {
    const r = await renderApp(rig({ host: demoHost({ 'target.count': () => ({ ok: true, value: count(1234) }) }) }));
    fireEvent.click(await screen.findByTestId('include-district'));
    const total = await screen.findByTestId('target-count-total');
    expect(total.textContent).toBe('1.234 abonnenter');
    expect(total.dataset.total).toBe('1234');
    expect(screen.getByTestId('target-count-places').textContent).toBe('med 1.434 steder i området');
    const groups = screen.getByTestId('target-count-groups');
    expect(within(groups).getByTestId('target-count-group-citizen').textContent).toBe('Borgere1.224 abonnenter');
    expect(within(groups).getByTestId('target-count-group-neighbourhood_watch').textContent).toBe('Nabohjælp10 abonnenter');
    // A group an admin added has no translation: its code shows, as text. Empty groups are left out.
    expect(within(groups).getByTestId('target-count-group-lokal_forening').textContent).toBe('lokal_forening3 abonnenter');
    expect(within(groups).queryByTestId('target-count-group-taxi')).toBeNull();
    const info = screen.getByRole('button', { name: 'Sådan tælles der' });
    expect(info.getAttribute('title')).toMatch(/tælles én gang/);
    expect(document.getElementById(info.getAttribute('aria-describedby')!)!.textContent).toMatch(/tælles én gang/);
    expect(r.host.callsTo('target.count')[0]!.payload).toEqual({
      area: { parts: [{ mode: 'include', shape: { type: 'boundary', kind: 'district', code: '9' } }] },
    });
  });

  it('says why a drawing was refused and keeps the last good count marked stale', async () => {
    const { host, held } = holdingHost('target.count');
    const r = await renderApp(rig({ host }));
    await screen.findByTestId('include-district');
    let id = '';
    act(() => {
      id = r.store.getState().addPart({
        mode: 'include',
        source: 'polygon',
        shape: { type: 'polygon', coordinates: [[[12.3, 55.9], [12.4, 55.9], [12.4, 56], [12.3, 55.9]]] },
      });
    });
    await act(async () => {
      await flush();
      held[0]!.release({ ok: true, value: count(500) });
      await flush();
      await flush();
    });
    expect(screen.getByTestId('target-count-total').dataset.stale).toBe('false');
    expect(screen.queryByTestId('target-count-error')).toBeNull();

    act(() =>
      r.store.getState().editPart(id, {
        type: 'polygon',
        coordinates: [[[12.3, 55.9], [12.4, 56], [12.4, 55.9], [12.3, 56], [12.3, 55.9]]],
      }),
    );
    await act(async () => {
      await flush();
      held[1]!.release({ ok: false, error: { code: 'bad_request', message: 'ring 1 crosses itself', details: { area: 'self_intersecting' } } });
      await flush();
      await flush();
    });
    expect(screen.getByTestId('target-count-error').textContent).toBe('Området krydser sig selv – ret det');
    expect(screen.getByTestId('target-count-total').dataset.stale).toBe('true');
    expect(screen.getByTestId('target-count-total').textContent).toBe('500 abonnenter');
    expect(screen.getByTestId('target-count-stale').textContent).toBe('Forældet tal – området er ændret siden');
  });

  it('offers a retry, translated, when the host cannot be reached', async () => {
    const host = demoHost({ 'target.count': () => ({ ok: false, error: { code: 'unavailable', message: 'down' } }) });
    const r = await renderApp(rig({ host }));
    fireEvent.click(await screen.findByTestId('include-district'));
    const error = await screen.findByTestId('target-count-error');
    expect(error.textContent).toMatch(/^Ingen forbindelse til værten lige nu\. Tæl igen$/);
    fireEvent.click(within(error).getByRole('button', { name: 'Tæl igen' }));
    await waitFor(() => expect(r.host.callsTo('target.count')).toHaveLength(2));
  });

  it('finds a postcode, includes it, toggles it to excluded, and undoes by button and Ctrl+Z', async () => {
    const host = demoHost({
      'boundaries.search': () => ({ ok: true, value: [postcode3400] }),
      'target.count': () => ({ ok: true, value: count(300) }),
    });
    const r = await renderApp(rig({ host }));
    fireEvent.change(screen.getByTestId('boundary-search'), { target: { value: '3400' } });
    const include = await screen.findByTestId('boundary-include-postcode-3400');
    expect(screen.getByTestId('boundary-result-postcode-3400').textContent).toMatch(/Postnummer 3400 Hillerød/);
    expect(r.host.callsTo('boundaries.search').at(-1)!.payload).toEqual({ query: '3400' });
    fireEvent.click(include);
    const part = await screen.findByTestId('part-boundary:postcode:3400');
    expect(part.dataset.mode).toBe('include');
    expect(r.store.getState().mapFocus?.bbox).toEqual(postcode3400.bbox);
    expect(within(screen.getByTestId('boundary-result-postcode-3400')).getByText('Medtaget')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Postnummer 3400 Hillerød: skift mellem medtag og udelad' }));
    expect(screen.getByTestId('part-boundary:postcode:3400').dataset.mode).toBe('exclude');
    expect(screen.getByText('Området udelader kun. Medtag mindst én del for at tælle.')).toBeTruthy();

    fireEvent.click(screen.getByTestId('undo'));
    expect(screen.getByTestId('part-boundary:postcode:3400').dataset.mode).toBe('include');
    // Ctrl+Z in the search box is the text field's own undo, not the area's.
    fireEvent.keyDown(screen.getByTestId('boundary-search'), { key: 'z', ctrlKey: true });
    expect(screen.getByTestId('part-boundary:postcode:3400')).toBeTruthy();
    fireEvent.keyDown(document.body, { key: 'z', ctrlKey: true });
    expect(screen.queryByTestId('part-boundary:postcode:3400')).toBeNull();
    expect(screen.getByTestId<HTMLButtonElement>('undo').disabled).toBe(true);
  });

  it('places a circle from the keyboard and sizes it in the list', async () => {
    const r = await renderApp(rig({ host: demoHost({ 'target.count': () => ({ ok: true, value: count(40) }) }) }));
    const circle = screen.getByTestId('draw-circle');
    expect(circle.getAttribute('aria-label')).toBe('Tegn cirkel');
    fireEvent.click(circle, { detail: 0 });
    const part = r.store.getState().targetParts[0]!;
    expect(part).toMatchObject({ source: 'circle', mode: 'include', shape: { type: 'circle', radiusM: 1000 } });
    expect(screen.getByTestId('area-parts').textContent).toMatch(/Cirkel 1/);
    const radius = screen.getByTestId<HTMLInputElement>(`radius-${part.id}`);
    expect(radius.value).toBe('1000');
    fireEvent.focus(radius);
    fireEvent.change(radius, { target: { value: '2500' } });
    fireEvent.keyDown(radius, { key: 'Enter' });
    expect(r.store.getState().targetParts[0]!.shape).toMatchObject({ radiusM: 2500 });
    // Out of range is not applied.
    fireEvent.change(radius, { target: { value: '-5' } });
    fireEvent.blur(radius);
    expect(r.store.getState().targetParts[0]!.shape).toMatchObject({ radiusM: 2500 });
    fireEvent.click(screen.getByRole('button', { name: 'Fjern Cirkel 1' }));
    expect(r.store.getState().targetParts).toEqual([]);
  });

  it('turns a drawing tool on and off, and Escape cancels drawing', async () => {
    const r = await renderApp(rig());
    const polygon = screen.getByTestId('draw-polygon');
    fireEvent.click(polygon, { detail: 1 });
    expect(polygon.getAttribute('aria-pressed')).toBe('true');
    expect(r.store.getState().drawTool).toBe('Polygon');
    expect(screen.getByTestId('draw-hint').textContent).toMatch(/klik det første punkt igen/);
    fireEvent.keyDown(document.body, { key: 'Escape' });
    await waitFor(() => expect(polygon.getAttribute('aria-pressed')).toBe('false'));
    fireEvent.click(screen.getByTestId('draw-rectangle'), { detail: 1 });
    expect(r.store.getState().drawTool).toBe('Rectangle');
    fireEvent.click(screen.getByTestId('draw-rectangle'), { detail: 1 });
    expect(r.store.getState().drawTool).toBeNull();
  });

  it('cycles a municipality by clicks on its outline: included, excluded, removed', async () => {
    const r = await renderApp(rig({ host: demoHost({ 'target.count': () => ({ ok: true, value: count(12) }) }) }));
    await waitFor(() => expect(document.querySelectorAll('path.outline-municipality').length).toBe(2));
    const path = () => document.querySelectorAll('path.outline-municipality')[0]!;
    fireEvent.click(path());
    expect(r.store.getState().targetParts).toMatchObject([
      { id: 'boundary:municipality:219', mode: 'include', shape: { type: 'boundary', kind: 'municipality', code: '219' } },
    ]);
    expect(path().getAttribute('stroke')).toBe('#1b6e3a');
    fireEvent.click(path());
    expect(r.store.getState().targetParts[0]!.mode).toBe('exclude');
    expect(path().getAttribute('stroke')).toBe('#b3261e');
    fireEvent.click(path());
    expect(r.store.getState().targetParts).toEqual([]);
    expect(path().getAttribute('stroke')).toBe('#33557a');
    // While drawing, a click is a vertex, not a pick.
    act(() => r.store.getState().setDrawTool('Polygon'));
    fireEvent.click(path());
    expect(r.store.getState().targetParts).toEqual([]);
  });

  it('filters by group: the count asks for the chosen groups only', async () => {
    const r = await renderApp(rig({ host: demoHost({ 'target.count': () => ({ ok: true, value: count(50) }) }) }));
    fireEvent.click(await screen.findByTestId('include-district'));
    await screen.findByTestId('target-count-total');
    fireEvent.click(screen.getByRole('checkbox', { name: 'Taxa' }));
    await waitFor(() =>
      expect(r.host.callsTo('target.count').at(-1)!.payload).toMatchObject({ filter: { groups: ['taxi'] } }),
    );
    fireEvent.click(screen.getByRole('checkbox', { name: 'Taxa' }));
    await waitFor(() => expect(r.host.callsTo('target.count').at(-1)!.payload).not.toHaveProperty('filter'));
  });

  it('exports the area: the GeoJSON in a read-only text box, a download link, Escape closes', async () => {
    const fc = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { mode: 'include', boundary: { kind: 'district', code: '9' } }, geometry: null }] };
    const created: Blob[] = [];
    const revoked: string[] = [];
    const realCreate = URL.createObjectURL;
    const realRevoke = URL.revokeObjectURL;
    URL.createObjectURL = (b: Blob | MediaSource) => {
      created.push(b as Blob);
      return `blob:tryk/${created.length}`;
    };
    URL.revokeObjectURL = (u: string) => void revoked.push(u);
    try {
      await renderApp(
        rig({
          host: demoHost({
            'target.count': () => ({ ok: true, value: count(50) }),
            'target.geojson': () => ({ ok: true, value: fc }),
          }),
        }),
      );
      expect(screen.getByTestId<HTMLButtonElement>('area-export').disabled).toBe(true);
      fireEvent.click(await screen.findByTestId('include-district'));
      fireEvent.click(screen.getByTestId('area-export'));
      const text = await screen.findByTestId<HTMLTextAreaElement>('area-geojson');
      expect(text.readOnly).toBe(true);
      expect(JSON.parse(text.value)).toEqual(fc);
      expect(screen.getByRole('dialog', { name: 'Området som GeoJSON' })).toBeTruthy();
      expect(screen.getByTestId('area-download').getAttribute('href')).toBe('blob:tryk/1');
      expect(await readBlob(created[0]!)).toBe(text.value);
      // Tab stays inside the dialog.
      const close = screen.getByTestId('area-export-close');
      close.focus();
      fireEvent.keyDown(close, { key: 'Tab' });
      expect(document.activeElement).toBe(text);
      fireEvent.keyDown(text, { key: 'Tab', shiftKey: true });
      expect(document.activeElement).toBe(close);
      fireEvent.keyDown(text, { key: 'Escape' });
      expect(screen.queryByTestId('area-export-dialog')).toBeNull();
      expect(revoked).toEqual(['blob:tryk/1']);
    } finally {
      URL.createObjectURL = realCreate;
      URL.revokeObjectURL = realRevoke;
    }
  });

  it("draws the console's own police district bold and the others thin", async () => {
    const other = { ...demoOutlines.district[0]!, id: 2, code: '2', name: 'Midt- og Vestsjællands Politi' };
    const host = demoHost({
      'app.status': () => ({ ok: true, value: { ...demoStatus, district: { code: '1', name: 'Nordsjællands Politi' } } }),
      'boundaries.outlines': (p) => {
        const kind = (p as { kind: keyof typeof demoOutlines }).kind;
        return { ok: true, value: kind === 'district' ? [demoOutlines.district[0]!, other] : demoOutlines[kind] };
      },
    });
    await renderApp(rig({ host }));
    await waitFor(() => {
      const widths = [...document.querySelectorAll('path.outline-district')].map((p) => p.getAttribute('stroke-width'));
      expect(widths).toEqual(['4', '1.5']);
    });
  });

  it('speaks English too', async () => {
    await renderApp(
      rig({
        host: demoHost({ 'target.count': () => ({ ok: true, value: count(1234) }) }),
        preferences: memoryStorage({ 'tryk.language': 'en' }),
      }),
    );
    fireEvent.click(await screen.findByTestId('include-district'));
    expect((await screen.findByTestId('target-count-total')).textContent).toBe('1,234 subscribers');
    expect(screen.getByTestId('target-count-group-citizen').textContent).toBe('Citizens1,224 subscribers');
    expect(screen.getByTestId('draw-polygon').getAttribute('aria-label')).toBe('Draw polygon');
  });
});
