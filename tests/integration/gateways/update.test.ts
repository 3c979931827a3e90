import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handlersFor, startApp } from '../../../electron/app';
import { createDispatcher, newSession } from '../../../electron/bridge/dispatcher';
import type { Caller } from '../../../electron/bridge/dispatcher';
import { gatewayConfigService } from '../../../electron/config/gateways';
import { createServices } from '../../../electron/services';
import { TestSmsc } from '../../support/smsc/server';
import { testStore } from '../../support/store';

const as = (roles: ('operator' | 'approver' | 'admin')[]): Caller => {
  const session = newSession();
  session.officer = { id: 1, username: roles.join('-'), displayName: 'x', roles };
  session.lastActivity = Date.now();
  return { host: 'headless', session };
};

const until = async (check: () => boolean) => {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > 15_000) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('changing a gateway', () => {
  let store: Awaited<ReturnType<typeof testStore>>;
  beforeEach(async () => {
    store = await testStore();
  });
  afterEach(async () => {
    await store.remove();
  });

  const updates = () => store.db.all<{ officer: string; subject: string; details: string }>("SELECT officer, subject, details FROM audit_log WHERE action = 'gateway_updated'");

  it('keeps the stored password behind the mark, audits which parts changed (never a value), and refuses a bad URL with nothing changed', async () => {
    const gateways = gatewayConfigService(store.db);
    await gateways.add('smsc', 'smpp://tryk:secret@127.0.0.1:2775?tps=50', { primary: true });
    const g = await gateways.update('smsc', 'smpp://tryk:••••@10.0.0.7:2775?tps=200&source=POLITI', { officer: 'boss', details: { via: 'cli' } });
    expect(g.url).toBe('smpp://tryk:secret@10.0.0.7:2775?tps=200&source=POLITI');
    expect(g.changed).toEqual(['address', 'source', 'tps']);
    expect((await gateways.list())[0]).toMatchObject({ name: 'smsc', url: 'smpp://tryk:secret@10.0.0.7:2775?tps=200&source=POLITI', primary: true });
    const [entry] = await updates();
    expect(entry).toMatchObject({ officer: 'boss', subject: 'gateway:smsc' });
    expect(JSON.parse(entry!.details)).toEqual({ via: 'cli', kind: 'smpp', changed: ['address', 'source', 'tps'] });
    expect(entry!.details).not.toMatch(/secret|POLITI|10\.0\.0\.7/);

    // A new password is taken as typed.
    expect((await gateways.update('smsc', 'smpp://tryk:n3w@10.0.0.7:2775?tps=200&source=POLITI', { officer: 'boss', details: {} })).changed).toEqual(['password']);

    for (const bad of ['smpp://tryk:••••@10.0.0.7:2775?tps=fast', 'nonsense', 'smpp://tryk:••••@10.0.0.7:2775?colour=blue']) {
      await expect(gateways.update('smsc', bad, { officer: 'boss', details: {} })).rejects.toMatchObject({ code: 'bad_request' });
    }
    expect((await gateways.list())[0]!.url).toBe('smpp://tryk:n3w@10.0.0.7:2775?tps=200&source=POLITI');
    expect(await updates()).toHaveLength(2);
    await expect(gateways.update('nope', 'simulator://', { officer: 'boss', details: {} })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('over the bridge: admins only, and the answer never carries the password', async () => {
    const services = createServices({ store, host: 'headless', version: 'test', tileUrl: null });
    await services.gateways.add('smsc', 'smpp://tryk:secret@127.0.0.1:2775', { primary: true });
    const dispatch = createDispatcher(handlersFor(services));
    expect(await dispatch(as(['operator', 'approver']), 'gateways.update', { name: 'smsc', url: 'smpp://tryk:••••@127.0.0.1:2776' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const r = await dispatch(as(['admin']), 'gateways.update', { name: 'smsc', url: 'smpp://tryk:••••@127.0.0.1:2776' });
    expect(r).toEqual({ ok: true, value: { name: 'smsc', kind: 'smpp', url: 'smpp://tryk:••••@127.0.0.1:2776', changed: ['address'] } });
    expect(JSON.stringify(r)).not.toContain('secret');
    const refused = await dispatch(as(['admin']), 'gateways.update', { name: 'smsc', url: 'smpp://tryk:••••@127.0.0.1:2776?tps=lots' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringMatching(/tps/) } });
    expect(JSON.stringify(refused)).not.toContain('secret');
    const listed = await dispatch(as(['admin']), 'gateways.list', {});
    expect(JSON.stringify(listed)).not.toContain('secret');
  });
});

describe('a gateway changed while the console runs', () => {
  it('closes the old connection and binds with the new settings (the stored password kept)', async () => {
    const store = await testStore();
    const before = await TestSmsc.start();
    const after = await TestSmsc.start();
    try {
      await gatewayConfigService(store.db).add('smsc', before.url(), { primary: true });
      const running = await startApp({ store, host: 'headless', version: 'test', tileUrl: null });
      try {
        await until(() => before.boundConnections === 1);
        const old = running.sender!.gateways.get('smsc');
        const r = await running.dispatch(as(['admin']), 'gateways.update', { name: 'smsc', url: after.url('', 'tryk:••••') });
        expect(r).toMatchObject({ ok: true, value: { changed: ['address'] } });
        await until(() => before.openConnections === 0 && after.boundConnections === 1);
        expect(running.sender!.gateways.get('smsc')).not.toBe(old);
        await until(() => running.sender!.gatewayStates().get('smsc') === 'connected');
        // The new connection carries the console's sends: one SMS goes out through it.
        const sent = await running.sender!.sendOne('+4520123456', 'Test');
        expect(sent.outcome).toMatchObject({ kind: 'accepted' });
      } finally {
        await running.close();
      }
    } finally {
      await before.close();
      await after.close();
      await store.remove();
    }
  });
});
