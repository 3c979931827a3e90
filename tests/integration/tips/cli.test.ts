import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Command, CommandContext } from '../../../electron/cli/command';
import { UsageError } from '../../../electron/cli/command';
import { settingsCommand } from '../../../electron/cli/settings-command';
import { subscribersShowCommand } from '../../../electron/cli/subscriber-commands';
import { gatewayShowCommand, tipsListCommand, tipsMarkCommand, tipsReplyCommand, tipsShowCommand } from '../../../electron/cli/tips-commands';
import { gatewayConfigService } from '../../../electron/config/gateways';
import { settingsService } from '../../../electron/config/settings';
import { officerService } from '../../../electron/officers/service';
import { createStore, openStore } from '../../../electron/store/store';
import { createIntake } from '../../../electron/tips/intake';
import { tempDir, TEST_PASSPHRASE } from '../../support/store';

const OFFICER_PASSPHRASE = 'a long officer passphrase';

describe('tryk tips and tryk gateway show', () => {
  let tmp: ReturnType<typeof tempDir>;
  let dataDir: string;

  beforeEach(async () => {
    tmp = tempDir();
    dataDir = join(tmp.dir, 'data');
    const store = await createStore({ dataDir, key: { kind: 'passphrase', passphrase: TEST_PASSPHRASE }, kdf: 'fast' });
    await officerService(store.db, { cost: 'fast' }).create({ username: 'olsen', displayName: 'Olsen', roles: ['operator'], passphrase: OFFICER_PASSPHRASE });
    await officerService(store.db, { cost: 'fast' }).create({ username: 'admin', displayName: 'Admin', roles: ['admin'], passphrase: OFFICER_PASSPHRASE });
    const gateways = gatewayConfigService(store.db);
    await gateways.add('sim', 'simulator://?tps=0&latency=0&dlrDelay=10&fail=0&absent=0&expire=0&invalid=0&replies=0', { primary: true });
    await gateways.add('kannel', 'kannel://tryk:hemmelig@127.0.0.1:13013?smsc=FAKE&dlrListen=127.0.0.1:13080');
    const intake = createIntake({ db: store.db, settings: settingsService(store.db) });
    await intake.take('sim', { from: '+4520123401', to: '1999', text: 'Jeg så en <b>rød</b> bil', receivedAt: new Date() });
    await intake.take('sim', { from: '+4520123402', to: '1999', text: 'Mand i blå jakke', receivedAt: new Date() });
    await intake.close();
    await store.close();
  });
  afterEach(() => tmp.remove());

  const ctx = (positionals: string[], values: CommandContext['values']): CommandContext => ({
    values,
    positionals,
    dataDir,
    json: true,
    env: { TRYK_PASSPHRASE: TEST_PASSPHRASE, TRYK_OFFICER_PASSPHRASE: OFFICER_PASSPHRASE },
    progress: () => undefined,
  });
  const run = async (command: Command, positionals: string[], values: CommandContext['values'] = {}) => (await command.run(ctx(positionals, values))).json as Record<string, unknown>;

  it('lists with masked senders, searches, shows (signed in), marks and answers a tip through the gateway', async () => {
    const all = (await run(tipsListCommand, [])) as { tips: { id: number; senderMasked: string; text: string }[]; total: number };
    expect(all.total).toBe(2);
    expect(JSON.stringify(all)).not.toContain('20123401');
    const found = (await run(tipsListCommand, [], { search: 'rød' })) as { tips: { id: number }[] };
    expect(found.tips).toHaveLength(1);
    const id = String(found.tips[0]!.id);
    await expect(run(tipsShowCommand, [id], {})).rejects.toBeInstanceOf(UsageError);
    expect(await run(tipsShowCommand, [id], { as: 'olsen' })).toMatchObject({ sender: '+4520123401', state: 'read' });
    expect(await run(tipsMarkCommand, [id, 'useful'], { as: 'olsen', note: 'Ringet op' })).toMatchObject({ state: 'useful', note: 'Ringet op' });
    await expect(run(tipsMarkCommand, [id, 'maybe'], { as: 'olsen' })).rejects.toBeInstanceOf(UsageError);
    await expect(run(tipsReplyCommand, [id], { as: 'admin', text: 'Tak' })).rejects.toMatchObject({ code: 'forbidden' });
    expect(await run(tipsReplyCommand, [id], { as: 'olsen', text: 'Tak, vi kigger på det', wait: '20' })).toMatchObject({ outcome: 'delivered' });
    expect(((await run(tipsListCommand, [], { state: 'useful' })) as { total: number }).total).toBe(1);
  }, 60_000);

  it('prints the kannel.conf lines for inbound SMS, without the password', async () => {
    const r = await command(gatewayShowCommand, ['kannel']);
    expect(r).toContain('group = sms-service');
    expect(r).toContain('get-url = "http://127.0.0.1:13080/mo?from=%p&to=%P&text=%b&coding=%c&charset=%C&ts=%T&id=%I"');
    expect(r).toContain('max-messages = 0');
    expect(r).not.toContain('hemmelig');
    await expect(run(gatewayShowCommand, ['nope'])).rejects.toMatchObject({ code: 'not_found' });
  });

  it('lets an admin change the keywords and the window, checked and audited', async () => {
    const keywords = JSON.stringify({ stop: ['STOP', 'SLUT'], start: ['START'], confirm: ['JA'], help: ['HJÆLP'] });
    expect(await run(settingsCommand, ['tips.keywords', keywords], { as: 'admin' })).toMatchObject({ 'tips.keywords': { stop: ['STOP', 'SLUT'] } });
    await expect(run(settingsCommand, ['tips.keywords', '{"stop":["JA"],"start":["START"],"confirm":["JA"],"help":["INFO"]}'], { as: 'admin' })).rejects.toMatchObject({ code: 'bad_request' });
    await expect(run(settingsCommand, ['tips.keywords', 'not json'], { as: 'admin' })).rejects.toMatchObject({ code: 'bad_request' });
    await expect(run(settingsCommand, ['tips.windowHours', '24'], { as: 'olsen' })).rejects.toMatchObject({ code: 'forbidden' });
    expect(await run(settingsCommand, ['tips.windowHours', '24'], { as: 'admin' })).toEqual({ 'tips.windowHours': 24 });
  });

  it('shows a sign-up by SMS that waits for JA as status pending, and the subscriber once confirmed', async () => {
    const store = await openStore({ dataDir, key: { kind: 'passphrase', passphrase: TEST_PASSPHRASE } });
    await store.db.run(
      `INSERT INTO boundaries (kind, code, name, geometry, min_lon, min_lat, max_lon, max_lat, imported_at)
       VALUES ('postcode', '3400', 'Hillerød', ?, 12.2, 55.9, 12.4, 56.0, 'now')`,
      [JSON.stringify({ type: 'Polygon', coordinates: [[[12.2, 55.9], [12.4, 55.9], [12.4, 56.0], [12.2, 56.0], [12.2, 55.9]]] })],
    );
    const intake = createIntake({ db: store.db, settings: settingsService(store.db) });
    await intake.take('sim', { from: '+4520123455', to: '1999', text: 'TILMELD 3400', receivedAt: new Date() });
    await intake.close();
    await store.close();
    const pending = await run(subscribersShowCommand, ['20123455'], { as: 'admin' });
    expect(pending).toMatchObject({ phone: '+4520123455', status: 'pending', signup: { postcode: '3400' } });
    expect(await command(subscribersShowCommand, ['20123455'], { as: 'admin' })).toContain('Status:      pending');
    await expect(run(subscribersShowCommand, ['20123499'], { as: 'admin' })).rejects.toMatchObject({ code: 'not_found' });

    const again = await openStore({ dataDir, key: { kind: 'passphrase', passphrase: TEST_PASSPHRASE } });
    const confirm = createIntake({ db: again.db, settings: settingsService(again.db) });
    await confirm.take('sim', { from: '+4520123455', to: '1999', text: 'JA', receivedAt: new Date() });
    await confirm.close();
    await again.close();
    const active = await run(subscribersShowCommand, ['20123455'], { as: 'admin' });
    expect(active).toMatchObject({ phone: '+4520123455', status: 'active', consentMethod: 'sms' });
    expect(active).not.toHaveProperty('pendingSignup');
  });

  async function command(c: Command, positionals: string[], values: CommandContext['values'] = {}): Promise<string> {
    return (await c.run({ ...ctx(positionals, values), json: false })).text;
  }
});
