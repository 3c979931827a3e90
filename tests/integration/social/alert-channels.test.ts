/**
 * The channels are part of the alert: chosen in the draft, checked at submission (X's weighted
 * length, a social text when Facebook or X is chosen), covered by the approval, and posted once
 * each when the alert is released.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlertPatch } from '../../../shared/alerts/schema';
import type { TargetArea } from '../../../shared/targeting/area';
import { createServices } from '../../../electron/services';
import type { Actor, AlertService } from '../../../electron/alerts/service';
import { officerService } from '../../../electron/officers/service';
import { recordsFromText } from '../../../electron/registry/files';
import { socialChannelService } from '../../../electron/social/channels';
import { alertPosts, startSocialRunner } from '../../../electron/social/service';
import { silentLog } from '../../../electron/log';
import { startSocialSimulator } from '../../../electron/social/simulator';
import type { SocialSimulator } from '../../../electron/social/simulator';
import { testStore } from '../../support/store';

const AREA: TargetArea = { parts: [{ mode: 'include', shape: { type: 'polygon', coordinates: [[[12.2, 55.9], [12.4, 55.9], [12.4, 56.0], [12.2, 56.0], [12.2, 55.9]]] } }] };

describe('an alert’s channels', () => {
  let store: Awaited<ReturnType<typeof testStore>>;
  let alerts: AlertService;
  let sim: SocialSimulator;
  let op: Actor;
  let boss: Actor;

  beforeEach(async () => {
    store = await testStore();
    sim = await startSocialSimulator();
    const services = createServices({ store, host: 'headless', version: 'test', tileUrl: null });
    const officers = officerService(store.db, { cost: 'fast' });
    op = await officers.create({ username: 'olsen', displayName: 'Olsen', roles: ['operator'], passphrase: 'a long passphrase' });
    boss = await officers.create({ username: 'vagtchef', displayName: 'Vagtchef', roles: ['approver'], passphrase: 'a long passphrase' });
    await services.registry.importRecords(recordsFromText('phone,home_lat,home_lon\n20123401,55.93,12.3\n20123402,55.94,12.31', 'csv', 't.csv'), 'all_or_nothing', { officer: null, via: 'cli' });
    await services.gateways.add('sim', 'simulator://?tps=50');
    const social = socialChannelService(store.db, () => new Date(Date.now() - 60_000));
    await social.add('fb', `facebook://112233?token=t&api=${sim.url}`);
    await social.add('x', `x://?token=t&api=${sim.url}`);
    alerts = services.alerts;
  });
  afterEach(async () => {
    await sim.close();
    await store.remove();
  });

  async function draft(socialText: string, channels: Array<'sms' | 'facebook' | 'x' | 'picture'>) {
    const a = await alerts.create(op, { category: 'burglary', templateId: 'burglary.alert.da', language: 'da' });
    return alerts.update(op, a.id, a.revision, { area: AREA, fields: { area_name: 'Hillerød', time: 'i nat', description: 'To indbrud.' }, smsText: 'Politiet: Indbrud i Hillerød i nat. Ring 114.', socialText, channels });
  }

  it('refuses at submission a text over 280 as X weighs it, though it is under 280 code points', async () => {
    // 140 CJK characters weigh 280; with a space and a link (23) the post weighs 304.
    const a = await draft(`${'警'.repeat(140)} https://politi.dk`, ['sms', 'x']);
    await expect(alerts.submit(op, a.id, a.revision)).rejects.toMatchObject({ code: 'bad_request', details: { field: 'socialText' } });
    expect((await alerts.get(a.id)).status).toBe('draft');
  });

  it('refuses an empty social text when Facebook or X is chosen, and a channel list without SMS', async () => {
    const a = await draft('   ', ['sms', 'facebook']);
    await expect(alerts.submit(op, a.id, a.revision)).rejects.toMatchObject({ code: 'bad_request', details: { field: 'socialText' } });
    expect(AlertPatch.safeParse({ channels: ['facebook'] }).success).toBe(false);
    expect(AlertPatch.safeParse({ channels: ['sms', 'sms'] }).success).toBe(false);
  });

  it('the approval covers the chosen channels; once released, each channel posts once', async () => {
    const a = await draft('Indbrud i Hillerød i nat. Har du set noget, så ring 114. #politidk', ['sms', 'facebook', 'x']);
    const submitted = await alerts.submit(op, a.id, a.revision);
    expect(submitted.channels).toEqual(['sms', 'facebook', 'x']);
    const approved = await alerts.approve(boss, a.id, submitted.revision);
    expect(approved.status).toBe('approved');
    await alerts.release(a.id);
    const runner = startSocialRunner({ db: store.db, tickMs: 3_600_000, log: silentLog() });
    try {
      for (let i = 0; i < 20 && (await alertPosts(store.db, a.id)).filter((p) => p.status === 'posted').length < 2; i++) await runner.tick();
      for (let i = 0; i < 3; i++) await runner.tick();
    } finally {
      await runner.close();
    }
    expect((await alertPosts(store.db, a.id)).map((p) => p.status)).toEqual(['posted', 'posted']);
    expect(sim.ourPosts().map((p) => p.api).sort()).toEqual(['facebook', 'x']);
  });
});
