import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { gatewayConfigService, redactUrl } from '../../../electron/config/gateways';
import { run } from '../../../electron/cli/main';
import { createServices } from '../../../electron/services';
import { tempDir, testStore, TEST_PASSPHRASE } from '../../support/store';

describe('removing a gateway', () => {
  let store: Awaited<ReturnType<typeof testStore>>;
  beforeEach(async () => {
    store = await testStore();
  });
  afterEach(async () => {
    await store.remove();
  });

  const sendUsing = (gateway: string, state: string) =>
    store.db.run(
      `INSERT INTO sends (text, encoding, segments, priority, state, primary_gateway, active_gateway, validity_minutes, created_at)
       VALUES ('x', 'GSM-7', 1, 'routine', ?, ?, ?, 60, '2026-12-05T00:00:00Z')`,
      [state, gateway, gateway],
    );

  it('is refused while an unfinished send uses it, then removed with its audit entry; the next one becomes primary', async () => {
    const gateways = gatewayConfigService(store.db);
    await gateways.add('sim', 'simulator://?tps=100', { primary: true });
    await gateways.add('backup', 'smpp://tryk:secret@127.0.0.1:2775');
    const { lastID: sendId } = await sendUsing('sim', 'paused');
    await expect(gateways.remove('sim', { officer: 'admin' })).rejects.toMatchObject({
      code: 'conflict',
      message: `Gateway sim is in use by send ${sendId}; wait until it is done or cancel it, then remove the gateway`,
    });
    expect((await gateways.list()).map((g) => g.name)).toEqual(['sim', 'backup']);
    await store.db.run("UPDATE sends SET state = 'done'");
    expect(await gateways.remove('sim', { officer: 'admin' })).toEqual({ name: 'sim', primary: 'backup' });
    expect((await gateways.list()).map((g) => [g.name, g.primary])).toEqual([['backup', true]]);
    const audit = await store.db.all<{ action: string; subject: string; officer: string }>(
      "SELECT action, subject, officer FROM audit_log WHERE action = 'gateway_removed'",
    );
    expect(audit).toEqual([{ action: 'gateway_removed', subject: 'gateway:sim', officer: 'admin' }]);
    await expect(gateways.remove('nope', { officer: 'admin' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('shows a masked password as dots, not percent-escapes', () => {
    expect(redactUrl('smpp://tryk:secret@127.0.0.1:2775?tps=50')).toBe('smpp://tryk:••••@127.0.0.1:2775?tps=50');
    expect(redactUrl('simulator://?tps=500')).toBe('simulator://?tps=500');
  });
});

describe('tryk gateway remove', () => {
  let tmp: ReturnType<typeof tempDir>;
  let out: string[];
  let err: string[];
  beforeEach(() => {
    tmp = tempDir();
    out = [];
    err = [];
    vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    tmp.remove();
  });

  it('removes as an administrator and refuses an operator', async () => {
    const dataDir = join(tmp.dir, 'data');
    const env = (officerPassphrase: string) => ({
      ...process.env,
      TRYK_PASSPHRASE: TEST_PASSPHRASE,
      TRYK_KDF_COST: 'fast',
      TRYK_DATA_DIR: dataDir,
      TRYK_OFFICER_PASSPHRASE: officerPassphrase,
    });
    expect((await run(['init'], env(''))).code).toBe(0);
    expect((await run(['gateway', 'add', 'sim', 'simulator://?tps=100'], env(''))).code).toBe(0);
    const { openStore } = await import('../../../electron/store/store');
    const store = await openStore({ dataDir, key: { kind: 'passphrase', passphrase: TEST_PASSPHRASE } });
    const services = createServices({ store, host: 'headless', version: 'test' });
    await services.officers.create({ username: 'boss', displayName: 'Boss', roles: ['admin'], passphrase: 'boss passphrase' });
    await services.officers.create({ username: 'jensen', displayName: 'Jensen', roles: ['operator'], passphrase: 'jensen passphrase' });
    await store.close();

    expect((await run(['gateway', 'remove', 'sim', '--as', 'jensen'], env('jensen passphrase'))).code).toBe(1);
    expect(err.at(-1)).toMatch(/jensen may not remove a gateway/);
    expect((await run(['gateway', 'remove', 'sim', '--as', 'boss', '--json'], env('boss passphrase'))).code).toBe(0);
    expect(JSON.parse(out.at(-1)!).value).toEqual({ name: 'sim', primary: null, removed: true });
    expect((await run(['gateway', 'remove', 'sim'], env('boss passphrase'))).code).toBe(2);
  });
});

describe('a gateway removed while the console runs', () => {
  const until = async (check: () => boolean) => {
    const start = Date.now();
    while (!check()) {
      if (Date.now() - start > 15_000) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it.each([
    ['by the console (Settings)', 'console'],
    ['by another process on the same store (tryk gateway remove)', 'elsewhere'],
  ] as const)('closes its connection at once when removed %s, and the status no longer lists it', async (_how, where) => {
    const { startApp } = await import('../../../electron/app');
    const { TestSmsc } = await import('../../support/smsc/server');
    const store = await testStore();
    const smsc = await TestSmsc.start();
    try {
      await gatewayConfigService(store.db).add('sim', 'simulator://?tps=100', { primary: true });
      await gatewayConfigService(store.db).add('smsc', smsc.url());
      const running = await startApp({ store, host: 'headless', version: 'test', tileUrl: null });
      try {
        await until(() => smsc.boundConnections === 1);
        expect(running.sender!.gatewayStates().get('smsc')).toBe('connected');
        // The console's own service tells the sender; a second service over the same store is
        // what the CLI is: the sender notices on its next look (every 2 s).
        const service = where === 'console' ? running.services.gateways : gatewayConfigService(store.db);
        await service.remove('smsc', { officer: 'admin' });
        await until(() => smsc.openConnections === 0);
        expect(running.sender!.gateways.has('smsc')).toBe(false);
        expect((await running.services.status()).gateways.map((g) => g.name)).toEqual(['sim']);
      } finally {
        await running.close();
      }
    } finally {
      await smsc.close();
      await store.remove();
    }
  });
});
