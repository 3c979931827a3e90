/** The inbox settings over the bridge: an administrator's, checked, audited, read back at once. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handlersFor } from '../../../electron/app';
import { listAudit } from '../../../electron/audit/service';
import { createDispatcher, newSession } from '../../../electron/bridge/dispatcher';
import type { Caller } from '../../../electron/bridge/dispatcher';
import { createServices } from '../../../electron/services';
import { tipSettings } from '../../../electron/tips/intake';
import { testStore } from '../../support/store';

describe('tips.settings on the bridge', () => {
  let store: Awaited<ReturnType<typeof testStore>>;
  beforeEach(async () => {
    store = await testStore();
  });
  afterEach(() => store.remove());

  const as = (roles: ('operator' | 'approver' | 'admin')[]): Caller => {
    const session = newSession();
    session.officer = { id: 1, username: 'admin', displayName: 'x', roles };
    session.lastActivity = Date.now();
    return { host: 'headless', session };
  };

  it('lets every officer read them, only an administrator change them, refuses bad lists whole, and audits a change', async () => {
    const services = createServices({ store, host: 'headless', version: 'test', tileUrl: null });
    const dispatch = createDispatcher(handlersFor(services));
    expect(await dispatch(as(['operator']), 'tips.settings', {})).toMatchObject({ ok: true, value: { windowHours: 48, retentionDays: 90, floodPerMinute: 10 } });
    expect(await dispatch(as(['operator', 'approver']), 'tips.settings', { set: { windowHours: 24 } })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await dispatch(as(['admin']), 'tips.settings', { set: { windowHours: 0 } })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const clash = { stop: ['STOP'], start: ['START'], confirm: ['JA', 'stop'], help: ['HELP'] };
    expect(await dispatch(as(['admin']), 'tips.settings', { set: { retentionDays: 30, keywords: clash } })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    // Nothing changed half-way: the retention in the same request was not saved.
    expect((await tipSettings(services.settings)).retentionDays).toBe(90);
    expect(await listAudit(store.db, { action: 'settings_changed' })).toEqual([]);

    const keywords = { stop: ['STOP', 'AFMELD'], start: ['TILMELD'], confirm: ['JA', 'OKAY'], help: ['HJÆLP'] };
    const changed = await dispatch(as(['admin']), 'tips.settings', { set: { windowHours: 72, retentionDays: 30, floodPerMinute: 5, keywords } });
    expect(changed).toEqual({ ok: true, value: { windowHours: 72, retentionDays: 30, floodPerMinute: 5, keywords } });
    // The intake reads them for its next batch.
    expect(await tipSettings(services.settings)).toMatchObject({ windowHours: 72, retentionDays: 30, floodPerMinute: 5, keywords });
    const trail = await listAudit(store.db, { action: 'settings_changed' });
    expect(trail.map((e) => [e.officer, e.subject])).toEqual([['admin', 'tips']]);
  });
});
