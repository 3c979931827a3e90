import { describe, expect, it } from 'vitest';
import type { TargetCount } from '../../shared/bridge/contract';
import type { TargetArea } from '../../shared/targeting/area';
import { boundaryPartId, cycleBoundary, ringFromLatLngs, toTargetArea } from '../../renderer/features/target/parts';
import type { PolygonShape } from '../../renderer/features/target/parts';
import { areaProblem, UNDO_LIMIT } from '../../renderer/features/target/targetSlice';
import { densityColor } from '../../renderer/features/map/density';
import { demoHost, flush, holdingHost, rig } from './fakes';

const square = (lon: number, lat: number, size = 0.01): PolygonShape => ({
  type: 'polygon',
  coordinates: [
    [
      [lon, lat],
      [lon + size, lat],
      [lon + size, lat + size],
      [lon, lat + size],
      [lon, lat],
    ],
  ],
});

const counted = (total: number, byGroup: Record<string, number> = { citizen: total }): TargetCount => ({
  total,
  byGroup,
  places: total + 1,
});

type CountRequest = { area: TargetArea; filter?: { groups?: string[] } };

describe('area parts', () => {
  it('cycles a boundary: included, excluded, gone', () => {
    let parts = cycleBoundary([], 'postcode', '3400', 'Hillerød');
    expect(parts).toEqual([
      { id: 'boundary:postcode:3400', mode: 'include', source: 'boundary', shape: { type: 'boundary', kind: 'postcode', code: '3400' }, name: 'Hillerød' },
    ]);
    parts = cycleBoundary(parts, 'postcode', '3400', 'Hillerød');
    expect(parts[0]!.mode).toBe('exclude');
    expect(cycleBoundary(parts, 'postcode', '3400', 'Hillerød')).toEqual([]);
  });

  it('has nothing to count when nothing is included', () => {
    expect(toTargetArea([])).toBeNull();
    expect(toTargetArea(cycleBoundary(cycleBoundary([], 'municipality', '219', 'Hillerød'), 'municipality', '219', 'Hillerød'))).toBeNull();
  });

  it('closes a ring from Leaflet positions and swaps to [lon, lat]', () => {
    expect(
      ringFromLatLngs([
        { lat: 55.9, lng: 12.3 },
        { lat: 55.9, lng: 12.4 },
        { lat: 56.0, lng: 12.4 },
      ]),
    ).toEqual([
      [12.3, 55.9],
      [12.4, 55.9],
      [12.4, 56.0],
      [12.3, 55.9],
    ]);
  });

  it('reads the reason a host refused an area', () => {
    expect(areaProblem({ code: 'bad_request', message: 'x', details: { area: 'self_intersecting' } })).toBe('self_intersecting');
    expect(areaProblem({ code: 'bad_request', message: 'x' })).toBeNull();
    expect(areaProblem({ code: 'unavailable', message: 'x', details: { area: 'degenerate' } })).toBeNull();
    // The index worker stopped twice: its own sentence, with the retry button.
    expect(areaProblem({ code: 'unavailable', message: 'x', details: { area: 'index_unavailable' } })).toBe('index_unavailable');
  });
});

describe('the target slice', () => {
  it('counts the area after every edit, by group, with the filter', async () => {
    const host = demoHost({ 'target.count': () => ({ ok: true, value: counted(120, { citizen: 100, taxi: 20 }) }) });
    const { store } = rig({ host });
    const s = store.getState;
    s().addPart({ mode: 'include', source: 'polygon', shape: square(12.3, 55.9) });
    expect(s().targetCount.status).toBe('counting');
    await flush();
    expect(s().targetCount).toEqual({ status: 'ready', value: counted(120, { citizen: 100, taxi: 20 }), error: null });
    const [call] = host.callsTo('target.count');
    expect(call!.payload).toEqual({ area: { parts: [{ mode: 'include', shape: square(12.3, 55.9) }] } });

    s().setTargetGroups(['taxi']);
    await flush();
    const last = host.callsTo('target.count').at(-1)!.payload as CountRequest;
    expect(last.filter).toEqual({ groups: ['taxi'] });

    s().setTargetCategories(['burglary', 'fraud']);
    await flush();
    expect(host.callsTo('target.count').at(-1)!.payload).toMatchObject({ filter: { groups: ['taxi'], categories: ['burglary', 'fraud'] } });
    s().setTargetGroups([]);
    s().setTargetCategories([]);
    await flush();
    expect(host.callsTo('target.count').at(-1)!.payload).not.toHaveProperty('filter');
  });

  it('sends exclude parts with the include parts, and nothing when only excluding', async () => {
    const host = demoHost({ 'target.count': () => ({ ok: true, value: counted(5) }) });
    const { store } = rig({ host });
    const s = store.getState;
    s().cycleBoundary('postcode', '3400', 'Hillerød');
    s().cycleBoundary('postcode', '3400', 'Hillerød'); // now excluded: nothing included
    await flush();
    expect(s().targetCount.status).toBe('idle');
    const id = s().addPart({ mode: 'include', source: 'circle', shape: { type: 'circle', center: [12.3, 55.93], radiusM: 2000 } });
    await flush();
    const last = host.callsTo('target.count').at(-1)!.payload as CountRequest;
    expect(last.area.parts).toEqual([
      { mode: 'exclude', shape: { type: 'boundary', kind: 'postcode', code: '3400' } },
      { mode: 'include', shape: { type: 'circle', center: [12.3, 55.93], radiusM: 2000 } },
    ]);
    s().setPartMode(id, 'exclude');
    await flush();
    expect(s().targetCount).toEqual({ status: 'idle', value: null, error: null });
    // The postcode while it was included, then the circle; the exclude-only states were never sent.
    expect(host.callsTo('target.count')).toHaveLength(2);
  });

  it('undoes edits one at a time, a whole drag as one step, Clear included', async () => {
    const { store } = rig({ host: demoHost({ 'target.count': () => ({ ok: true, value: counted(1) }) }) });
    const s = store.getState;
    const id = s().addPart({ mode: 'include', source: 'polygon', shape: square(12.3, 55.9) });
    s().beginAreaGesture();
    for (let i = 1; i <= 5; i++) s().editPart(id, square(12.3, 55.9, 0.01 + i * 0.001));
    s().endAreaGesture();
    s().setPartMode(id, 'exclude');
    s().clearArea();
    expect(s().targetParts).toEqual([]);
    expect(s().targetUndo).toHaveLength(4); // add, drag, mode, clear

    s().undoArea(); // back from Clear
    expect(s().targetParts[0]).toMatchObject({ id, mode: 'exclude', shape: square(12.3, 55.9, 0.015) });
    s().undoArea(); // mode
    expect(s().targetParts[0]!.mode).toBe('include');
    s().undoArea(); // the whole drag
    expect(s().targetParts[0]!.shape).toEqual(square(12.3, 55.9));
    s().undoArea(); // the drawing
    expect(s().targetParts).toEqual([]);
    s().undoArea(); // nothing left: no change
    expect(s().targetParts).toEqual([]);
    await flush();
    expect(s().targetCount.status).toBe('idle');
  });

  it('ignores edits that change nothing, or that would turn a circle into a polygon', () => {
    const { store } = rig();
    const s = store.getState;
    const id = s().addPart({ mode: 'include', source: 'circle', shape: { type: 'circle', center: [12.3, 55.93], radiusM: 2000 } });
    s().editPart(id, { type: 'circle', center: [12.3, 55.93], radiusM: 2000 });
    s().editPart(id, square(12, 55));
    s().editPart('shape-404', square(12, 55));
    expect(s().targetUndo).toHaveLength(1);
    expect(s().targetParts[0]!.shape.type).toBe('circle');
  });

  it('caps the undo history', () => {
    const { store } = rig();
    const s = store.getState;
    const id = s().addPart({ mode: 'include', source: 'polygon', shape: square(12.3, 55.9) });
    for (let i = 1; i <= UNDO_LIMIT + 20; i++) s().editPart(id, square(12.3, 55.9, 0.01 + i * 0.0001));
    expect(s().targetUndo).toHaveLength(UNDO_LIMIT);
  });

  it('while dragging, keeps one count in flight and sends the latest shape when it returns', async () => {
    const { host, held } = holdingHost('target.count');
    const { store } = rig({ host });
    const s = store.getState;
    const id = s().addPart({ mode: 'include', source: 'polygon', shape: square(12.3, 55.9) });
    await flush();
    expect(held).toHaveLength(1);

    s().beginAreaGesture();
    for (let i = 1; i <= 30; i++) s().editPart(id, square(12.3, 55.9, 0.01 + i * 0.001));
    await flush();
    expect(held).toHaveLength(1); // thirty edits, still one request out

    // The first answer is for an older shape: it shows, but as "counting".
    held[0]!.release({ ok: true, value: counted(10) });
    await flush();
    await flush();
    expect(s().targetCount).toMatchObject({ status: 'counting', value: counted(10) });
    expect(held).toHaveLength(2);
    expect((held[1]!.payload as CountRequest).area.parts[0]!.shape).toEqual(square(12.3, 55.9, 0.04));

    held[1]!.release({ ok: true, value: counted(42) });
    await flush();
    await flush();
    s().endAreaGesture();
    expect(s().targetCount).toEqual({ status: 'ready', value: counted(42), error: null });
    expect(held).toHaveLength(2);
  });

  it('keeps the last good count, marked stale, when the host refuses the area', async () => {
    const { host, held } = holdingHost('target.count');
    const { store } = rig({ host });
    const s = store.getState;
    const id = s().addPart({ mode: 'include', source: 'polygon', shape: square(12.3, 55.9) });
    await flush();
    held[0]!.release({ ok: true, value: counted(77) });
    await flush();
    await flush();
    s().editPart(id, square(12.3, 55.9, 0.02));
    await flush();
    held[1]!.release({
      ok: false,
      error: { code: 'bad_request', message: 'ring 1 crosses itself', details: { area: 'self_intersecting' } },
    });
    await flush();
    await flush();
    expect(s().targetCount.status).toBe('failed');
    expect(s().targetCount.value).toEqual(counted(77));
    expect(areaProblem(s().targetCount.error)).toBe('self_intersecting');

    // Undo goes back to the good shape and counts it again.
    s().undoArea();
    await flush();
    held[2]!.release({ ok: true, value: counted(77) });
    await flush();
    await flush();
    expect(s().targetCount).toEqual({ status: 'ready', value: counted(77), error: null });
  });

  it('drops an answer that arrives after the area was cleared', async () => {
    const { host, held } = holdingHost('target.count');
    const { store } = rig({ host });
    const s = store.getState;
    s().addPart({ mode: 'include', source: 'polygon', shape: square(12.3, 55.9) });
    await flush();
    s().clearArea();
    held[0]!.release({ ok: true, value: counted(99) });
    await flush();
    await flush();
    expect(s().targetCount).toEqual({ status: 'idle', value: null, error: null });
  });

  it('counts again when the registry changes', async () => {
    const host = demoHost({ 'target.count': () => ({ ok: true, value: counted(3) }) });
    const { store } = rig({ host });
    const stop = store.getState().watchTarget();
    store.getState().includeBoundary('postcode', '3400', 'Hillerød');
    await flush();
    expect(host.callsTo('target.count')).toHaveLength(1);
    host.emit('subscribers.changed', { total: 3001 });
    await flush();
    expect(host.callsTo('target.count')).toHaveLength(2);
    stop();
    host.emit('subscribers.changed', { total: 3002 });
    await flush();
    expect(host.callsTo('target.count')).toHaveLength(2);
  });

  it('exports the area through target.geojson as indented text', async () => {
    const fc = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { mode: 'include' }, geometry: null }] };
    const host = demoHost({
      'target.count': () => ({ ok: true, value: counted(3) }),
      'target.geojson': () => ({ ok: true, value: fc }),
    });
    const { store } = rig({ host });
    const s = store.getState;
    s().includeBoundary('postcode', '3400', 'Hillerød');
    expect(s().targetParts.map((p) => p.id)).toEqual([boundaryPartId('postcode', '3400')]);
    await s().exportArea();
    expect(s().areaExport.status).toBe('ready');
    expect(JSON.parse(s().areaExport.text)).toEqual(fc);
    expect(host.callsTo('target.geojson')[0]!.payload).toEqual({
      area: { parts: [{ mode: 'include', shape: { type: 'boundary', kind: 'postcode', code: '3400' } }] },
    });
    s().closeExport();
    expect(s().areaExport).toEqual({ status: 'closed', text: '', error: null });
  });
});

describe('the density slice', () => {
  it('asks for whole zoom levels inside the world, one request at a time, the latest view next', async () => {
    const { host, held } = holdingHost('target.density');
    const { store } = rig({ host });
    const s = store.getState;
    s().viewDensity({ bbox: [-200, 55.5, 12.8, 95], zoom: 11.5 });
    s().viewDensity({ bbox: [12.0, 55.8, 12.5, 56.0], zoom: 12 });
    s().viewDensity({ bbox: [12.1, 55.8, 12.6, 56.0], zoom: 12.4 });
    await flush();
    expect(held.map((h) => h.payload)).toEqual([{ bbox: [-180, 55.5, 12.8, 90], zoom: 12 }]);
    held[0]!.release({ ok: true, value: { cellSizeDeg: 0.01, minCount: 5, cells: [], hiddenCells: 0 } });
    await flush();
    await flush();
    // The answer for the old view is not drawn; the latest view is asked for.
    expect(s().density.value).toBeNull();
    expect(held[1]!.payload).toEqual({ bbox: [12.1, 55.8, 12.6, 56.0], zoom: 12 });
    const grid = { cellSizeDeg: 0.01, minCount: 5, cells: [{ lon: 12.3, lat: 55.9, count: 30 }], hiddenCells: 4 };
    held[1]!.release({ ok: true, value: grid });
    await flush();
    await flush();
    expect(s().density).toEqual({ status: 'ready', value: grid, error: null });
  });

  it('follows the group filter and stops asking when hidden', async () => {
    const host = demoHost({ 'target.count': () => ({ ok: true, value: counted(1) }) });
    const { store } = rig({ host });
    const s = store.getState;
    s().viewDensity({ bbox: [12.0, 55.8, 12.5, 56.0], zoom: 12 });
    await flush();
    s().setTargetGroups(['taxi']);
    await flush();
    expect(host.callsTo('target.density').map((c) => c.payload)).toEqual([
      { bbox: [12.0, 55.8, 12.5, 56.0], zoom: 12 },
      { bbox: [12.0, 55.8, 12.5, 56.0], zoom: 12, filter: { groups: ['taxi'] } },
    ]);
    s().setDensityVisible(false);
    s().viewDensity({ bbox: [12.1, 55.8, 12.6, 56.0], zoom: 13 });
    await flush();
    expect(host.callsTo('target.density')).toHaveLength(2);
    s().setDensityVisible(true);
    await flush();
    expect(host.callsTo('target.density').at(-1)!.payload).toMatchObject({ zoom: 13 });
  });

  it('colours cells by fixed bins', () => {
    expect(densityColor(5)).toBe(densityColor(24));
    expect(densityColor(25)).not.toBe(densityColor(24));
    expect(densityColor(100_000)).toBe('#17457a');
  });
});
