/**
 * A scheduled alert in the running console's graph (real store, the simulator connected by the
 * real sender): not released before its time, then released with its end of sending as the
 * send's validity, after which the engine expires whoever was not reached.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApp } from '../../../electron/app';
import type { App } from '../../../electron/app';
import { gatewayConfigService } from '../../../electron/config/gateways';
import { officerService } from '../../../electron/officers/service';
import type { SignedInOfficer } from '../../../electron/bridge/dispatcher';
import { recordsFromText } from '../../../electron/registry/files';
import type { TargetArea } from '../../../shared/targeting/area';
import { testStore } from '../../support/store';

const AREA: TargetArea = {
  parts: [{ mode: 'include', shape: { type: 'polygon', coordinates: [[[12.2, 55.9], [12.4, 55.9], [12.4, 56.0], [12.2, 56.0], [12.2, 55.9]]] } }],
};

describe('a scheduled, expiring alert in the running console', () => {
  let store: Awaited<ReturnType<typeof testStore>>;
  let app: App;
  let op: SignedInOfficer;
  let boss: SignedInOfficer;

  beforeEach(async () => {
    store = await testStore();
    const officers = officerService(store.db, { cost: 'fast' });
    op = await officers.create({ username: 'jensen', displayName: 'J', roles: ['operator'], passphrase: 'a long passphrase' });
    boss = await officers.create({ username: 'holm', displayName: 'H', roles: ['approver'], passphrase: 'a long passphrase' });
    await gatewayConfigService(store.db).add('sim', 'simulator://?tps=200&fail=0', { primary: true });
    app = await startApp({ store, host: 'headless', version: 'test', tileUrl: null });
    const rows = ['phone,home_lat,home_lon', '20123401,55.93,12.3', '20123402,55.94,12.31', '20123403,55.95,12.32'].join('\n');
    await app.services.registry.importRecords(recordsFromText(rows, 'csv', 'r.csv'), 'all_or_nothing', { officer: null, via: 'cli' });
  });
  afterEach(async () => {
    await app?.close().catch(() => undefined);
    await store.remove().catch(() => undefined);
  });

  it('waits approved until its release time, then goes with the end of sending as the validity', async () => {
    const { alerts } = app.services;
    const a = await alerts.create(op, { category: 'burglary', templateId: 'burglary.alert.da', language: 'da' });
    const inAMinute = new Date(Date.now() + 60_000).toISOString();
    const inTwoHours = new Date(Date.now() + 2 * 3600_000).toISOString();
    const d = await alerts.update(op, a.id, a.revision, { area: AREA, smsText: 'Politiet: Indbrud.', fields: { case_number: '1', area_name: 'x', time: 'nu', description: 'x' } });
    const planned = await alerts.update(op, d.id, d.revision, { releaseAt: inAMinute, expiresAt: inTwoHours });
    await alerts.submit(op, d.id, planned.revision);
    await alerts.approve(boss, d.id, planned.revision);
    // The sender looks every few seconds; the alert is not due yet.
    await app.sender!.releaseApproved();
    expect((await alerts.get(d.id)).status).toBe('approved');

    // Its time comes (moved here rather than waited for).
    await store.db.run('UPDATE alerts SET release_at = ? WHERE id = ?', [new Date(Date.now() - 1000).toISOString(), d.id]);
    // Released by this call or by the sender's own tick, whichever comes first.
    await app.sender!.releaseApproved();
    const send = await store.db.get<{ validity_minutes: number; recipients: number }>('SELECT validity_minutes, recipients FROM sends WHERE alert_ref = ?', [`alert:${d.id}`]);
    expect(send!.validity_minutes).toBeGreaterThanOrEqual(119);
    expect(send!.validity_minutes).toBeLessThanOrEqual(120);
    expect(send!.recipients).toBe(3);
  });
});
