/** dispatch.list apart for answers to citizens, so a flood of them never hides the alerts' sends. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handlersFor } from '../../../electron/app';
import { createDispatcher, newSession } from '../../../electron/bridge/dispatcher';
import type { Caller } from '../../../electron/bridge/dispatcher';
import { createServices } from '../../../electron/services';
import type { Sender } from '../../../electron/sending/sender';
import { testStore } from '../../support/store';

describe('dispatch.list and answers to citizens', () => {
  let store: Awaited<ReturnType<typeof testStore>>;
  beforeEach(async () => {
    store = await testStore();
  });
  afterEach(() => store.remove());

  it('lists the answers, the rest, or all, newest first', async () => {
    const refs = ['alert:1', 'reply:1', null, 'reply:2', 'alert:2', 'reply:3', 'reply:4'];
    for (const ref of refs) {
      await store.db.run(
        "INSERT INTO sends (alert_ref, text, encoding, segments, priority, state, primary_gateway, active_gateway, validity_minutes, created_at) VALUES (?, 'x', 'GSM-7', 1, 'urgent', 'done', 'sim', 'sim', 60, 'now')",
        [ref],
      );
    }
    // The engine's status of a send, as far as this test needs it: which send it is.
    const sender = () => ({ engine: { status: async (id: number) => ({ sendId: id }) } }) as unknown as Sender;
    const services = createServices({ store, host: 'headless', version: 'test', tileUrl: null });
    const dispatch = createDispatcher(handlersFor(services, sender));
    const session = newSession();
    session.officer = { id: 1, username: 'jensen', displayName: 'x', roles: ['operator'] };
    session.lastActivity = Date.now();
    const caller: Caller = { host: 'headless', session };
    const ids = async (request: object) => {
      const r = await dispatch(caller, 'dispatch.list', request);
      if (!r.ok) throw new Error(r.error.message);
      return (r.value as { sendId: number }[]).map((s) => s.sendId);
    };
    expect(await ids({ limit: 3, answers: false })).toEqual([5, 3, 1]);
    expect(await ids({ limit: 3, answers: true })).toEqual([7, 6, 4]);
    expect(await ids({ limit: 3 })).toEqual([7, 6, 5]);
  });

  it('says what each answer was and what it answers, never to whom', async () => {
    await store.db.run(
      "INSERT INTO tips (id, channel, sender, gateway, text, received_at, alert_id, updated_at) VALUES (17, 'sms', '+4520123401', 'sim', 'rød bil', 'now', NULL, 'now')",
    );
    const reply = (kind: string, tipId: number | null) =>
      store.db.run("INSERT INTO sms_replies (kind, phone, gateway, text, tip_id, created_at) VALUES (?, '+4520123401', 'sim', 'tekst', ?, 'now')", [kind, tipId]);
    await reply('tip_reply', 17);
    await reply('stop_confirm', null);
    const services = createServices({ store, host: 'headless', version: 'test', tileUrl: null });
    const dispatch = createDispatcher(handlersFor(services));
    const session = newSession();
    session.officer = { id: 1, username: 'jensen', displayName: 'x', roles: ['operator'] };
    const r = await dispatch({ host: 'headless', session }, 'tips.answerSends', { replyIds: [2, 1, 99, 1] });
    expect(r).toEqual({
      ok: true,
      value: [
        { replyId: 1, kind: 'tip_reply', tipId: 17, alertId: null },
        { replyId: 2, kind: 'stop_confirm', tipId: null, alertId: null },
      ],
    });
    expect(JSON.stringify(r)).not.toContain('20123401');
    expect(await dispatch({ host: 'headless', session }, 'tips.answerSends', { replyIds: Array.from({ length: 101 }, (_, i) => i) })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });
});
