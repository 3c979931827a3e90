import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handlersFor } from '../../../electron/app';
import { createServices } from '../../../electron/services';
import { listAudit } from '../../../electron/audit/service';
import { createDispatcher, newSession } from '../../../electron/bridge/dispatcher';
import type { Caller } from '../../../electron/bridge/dispatcher';
import { TestSmsc } from '../../support/smsc/server';
import { testStore } from '../../support/store';

describe('gateways over the bridge', () => {
  let store: Awaited<ReturnType<typeof testStore>>;
  let smsc: TestSmsc;
  beforeEach(async () => {
    store = await testStore();
    smsc = await TestSmsc.start();
  });
  afterEach(async () => {
    await smsc.close();
    await store.remove();
  });

  const as = (roles: ('operator' | 'approver' | 'admin')[]): Caller => {
    const session = newSession();
    session.officer = { id: 1, username: roles.join('-'), displayName: 'x', roles };
    session.lastActivity = Date.now();
    return { host: 'headless', session };
  };

  it('adds (admin only, audited), lists without passwords, and tests a real SMPP bind', async () => {
    const services = createServices({ store, host: 'headless', version: 'test', tileUrl: null });
    const dispatch = createDispatcher(handlersFor(services));
    const url = smsc.url(); // smpp://tryk:secret@127.0.0.1:PORT
    expect(await dispatch(as(['operator']), 'gateways.add', { name: 'smsc', url })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await dispatch(as(['admin']), 'gateways.add', { name: 'bad', url: 'smpp://nohost' })).toMatchObject({ ok: false });
    expect(await dispatch(as(['admin']), 'gateways.add', { name: 'smsc', url, primary: true })).toEqual({ ok: true, value: { name: 'smsc', kind: 'smpp', primary: true } });
    const list = await dispatch(as(['operator']), 'gateways.list', {});
    expect(list).toMatchObject({ ok: true, value: [{ name: 'smsc', kind: 'smpp', primary: true, state: 'disconnected' }] });
    expect(JSON.stringify(list)).not.toContain('secret');
    expect(await dispatch(as(['operator']), 'gateways.test', { name: 'smsc' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await dispatch(as(['admin']), 'gateways.test', { name: 'smsc' })).toMatchObject({ ok: true, value: { name: 'smsc', connected: true } });
    const trail = await listAudit(store.db, { action: 'gateway_added' });
    expect(trail).toHaveLength(1);
    expect(JSON.stringify(trail)).not.toContain('secret');
  });

  it('lets only an approver resend a send to its failed recipients', async () => {
    const services = createServices({ store, host: 'headless', version: 'test', tileUrl: null });
    const dispatch = createDispatcher(handlersFor(services));
    expect(await dispatch(as(['operator']), 'dispatch.resend', { sendId: 1, failed: true })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await dispatch(as(['approver']), 'dispatch.resend', { sendId: 1 })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    // Past the role and the schema: this host sends nothing, and says so.
    expect(await dispatch(as(['approver']), 'dispatch.resend', { sendId: 1, failed: true })).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('lets an admin set the tile server (checked, audited) and turn it off; others may not', async () => {
    const services = createServices({ store, host: 'headless', version: 'test' });
    const dispatch = createDispatcher(handlersFor(services));
    const url = 'http://tiles.intern:8080/{z}/{x}/{y}.png';
    expect(await dispatch(as(['operator', 'approver']), 'map.setTileUrl', { url })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    for (const bad of ['ftp://tiles/{z}/{x}/{y}.png', 'https://tiles.intern/{z}/{x}.png', 'javascript:alert(1)']) {
      expect(await dispatch(as(['admin']), 'map.setTileUrl', { url: bad })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    expect(await services.settings.get('map.tileUrl')).toBe('https://tile.openstreetmap.org/{z}/{x}/{y}.png');
    expect(await dispatch(as(['admin']), 'map.setTileUrl', { url })).toEqual({ ok: true, value: { tileUrl: url } });
    expect(await services.settings.get('map.tileUrl')).toBe(url);
    expect((await services.status()).map.tileUrl).toBe(url);
    expect(await dispatch(as(['admin']), 'map.setTileUrl', { url: null })).toEqual({ ok: true, value: { tileUrl: null } });
    expect(await services.settings.get('map.tileUrl')).toBeNull();
    const trail = await listAudit(store.db, { action: 'settings_changed' });
    expect(trail.map((e) => [e.officer, e.subject, e.details])).toEqual([
      ['admin', 'setting:map.tileUrl', { from: url, to: null, host: 'headless' }],
      ['admin', 'setting:map.tileUrl', { from: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png', to: url, host: 'headless' }],
    ]);
  });
});
