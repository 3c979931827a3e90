import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { handlersFor } from '../../../electron/app';
import { createServices } from '../../../electron/services';
import type { Services } from '../../../electron/services';
import { createDispatcher } from '../../../electron/bridge/dispatcher';
import type { Caller } from '../../../electron/bridge/dispatcher';
import { silentLog } from '../../../electron/log';
import { insertSubscribers, synthesizeSubscribers } from '../../../electron/demo/synthesize';
import { loadDagiBoundaries } from '../../../electron/demo/dagi';
import { officerService } from '../../../electron/officers/service';
import type { Alert } from '../../../shared/alerts/schema';
import { testStore } from '../../support/store';

const silent = silentLog();
const CIRCLE = { parts: [{ mode: 'include', shape: { type: 'circle', center: [12.311, 55.927], radiusM: 4000 } }] };

describe('targeting off the bridge thread', () => {
  let store: Awaited<ReturnType<typeof testStore>>;
  let services: Services;

  beforeEach(async () => {
    store = await testStore();
    const boundaries = loadDagiBoundaries(resolve(__dirname, '../../../../shared/data/dagi'));
    await insertSubscribers(store.db, synthesizeSubscribers({ count: 500, district: 'Nordsjællands Politi', seed: 3, boundaries }));
    // Every count spins 3 s in the worker: long enough that an autosave waiting for it would show.
    services = createServices({ store, host: 'headless', version: 'test', tileUrl: null, targeting: { workerOptions: { testCountDelayMs: 3000 } } });
  });
  afterEach(async () => {
    await services.liveTargeting.close();
    await store.remove();
  });

  it('answers an autosave while a count is running, without waiting for it', async () => {
    const officer = await officerService(store.db, { cost: 'fast' }).create({ username: 'olsen', displayName: 'OLSEN', roles: ['operator'], passphrase: 'a long passphrase' });
    const dispatch = createDispatcher(handlersFor(services), silent);
    const caller: Caller = { host: 'headless', session: { officer, lastActivity: Date.now() } };
    await services.targeting(); // loaded: what is measured below is the count itself
    const created = await dispatch(caller, 'alerts.create', { category: 'traffic' });
    const draft = (created as { ok: true; value: Alert }).value;

    const order: string[] = [];
    const counting = dispatch(caller, 'target.count', { area: CIRCLE }).then((r) => {
      order.push('count');
      return r;
    });
    await new Promise((r) => setTimeout(r, 200)); // the count is in the worker now
    const saved = await dispatch(caller, 'alerts.update', { id: draft.id, revision: draft.revision, patch: { smsText: 'Vejen er spærret' } });
    order.push('autosave');
    expect(saved).toMatchObject({ ok: true, value: { revision: draft.revision + 1 } });
    const counted = await counting;
    expect(counted).toMatchObject({ ok: true });
    expect(order).toEqual(['autosave', 'count']);
  });
});
