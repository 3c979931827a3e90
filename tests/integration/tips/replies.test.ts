import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DispatchEngine, ReleaseRequest } from '../../../electron/dispatch/engine';
import { replyPump } from '../../../electron/tips/replies';
import { testStore } from '../../support/store';

describe('the reply pump', () => {
  let store: Awaited<ReturnType<typeof testStore>>;
  let released: ReleaseRequest[];
  const engine = () =>
    ({
      release: async (r: ReleaseRequest) => {
        released.push(r);
        const { lastID } = await store.db.run(
          "INSERT INTO sends (alert_ref, text, encoding, segments, priority, state, primary_gateway, active_gateway, validity_minutes, created_at) VALUES (?, ?, 'GSM-7', 1, 'urgent', 'sending', ?, ?, 60, 'now')",
          [r.alertRef ?? null, r.text, r.primary, r.primary],
        );
        return { sendId: lastID, recipients: 1, queued: 1, deferred: 0, invalid: 0, skipped: 0, duplicates: 0 };
      },
    }) as unknown as DispatchEngine;
  const answer = (kind: string, phone = '+4520123401', gateway = 'sim') =>
    store.db.run("INSERT INTO sms_replies (kind, phone, gateway, text, created_at) VALUES (?, ?, ?, 'tekst', 'now')", [kind, phone, gateway]);

  beforeEach(async () => {
    store = await testStore();
    released = [];
  });
  afterEach(() => store.remove());

  it('sends each answer once, through the gateway it came in on, and finds a send a crash left before it was recorded', async () => {
    await answer('help');
    await answer('stop_confirm', '+4520123402', 'gone');
    const crashed = await answer('tip_reply', '+4520123403');
    // A crash after the engine took answer 3 but before the intent was marked released.
    await store.db.run("INSERT INTO sends (alert_ref, text, encoding, segments, priority, state, primary_gateway, active_gateway, validity_minutes, created_at) VALUES (?, 'tekst', 'GSM-7', 1, 'urgent', 'done', 'sim', 'sim', 60, 'now')", [`reply:${crashed.lastID}`]);
    const pump = replyPump(store.db, engine, () => ({ names: ['sim'], primary: 'sim' }));
    await Promise.all([pump.pump(), pump.pump()]);
    await pump.pump();
    expect(released.map((r) => [r.alertRef, r.primary, r.recipients])).toEqual([
      ['reply:1', 'sim', [{ phone: '+4520123401' }]],
      ['reply:2', 'sim', [{ phone: '+4520123402' }]], // its gateway is gone: the primary carries it
    ]);
    expect(await store.db.all("SELECT state FROM sms_replies WHERE state <> 'released'")).toEqual([]);
  });

  it('never sends to a number that opted out after the answer was recorded, except the STOP confirmation', async () => {
    await store.db.run("INSERT INTO subscribers (phone, status, created_at, updated_at) VALUES ('+4520123401', 'opted_out', 'now', 'now')");
    await answer('help');
    await answer('stop_confirm');
    await replyPump(store.db, engine, () => ({ names: ['sim'], primary: 'sim' })).pump();
    expect(released.map((r) => r.alertRef)).toEqual(['reply:2']);
    expect(await store.db.get("SELECT state, reason FROM sms_replies WHERE kind = 'help'")).toEqual({ state: 'suppressed', reason: 'opted_out' });
  });
});
