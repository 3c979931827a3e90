/**
 * "Send test to my phone" in the running console's graph: a real store, the simulator gateway
 * connected by the real sender, the real dispatcher checking roles.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApp } from '../../../electron/app';
import { testSmsHandlers } from '../../../electron/alerts/test-sms';
import type { App } from '../../../electron/app';
import type { Caller, SignedInOfficer } from '../../../electron/bridge/dispatcher';
import { gatewayConfigService } from '../../../electron/config/gateways';
import { officerService } from '../../../electron/officers/service';
import { testStore } from '../../support/store';

const PHONE = '+4520123456';

describe('a test SMS to the officer\'s own phone', () => {
  let store: Awaited<ReturnType<typeof testStore>>;
  let app: App;
  let op: SignedInOfficer;
  let other: SignedInOfficer;
  let admin: SignedInOfficer;
  const as = (officer: SignedInOfficer): Caller => ({ host: 'headless', session: { officer, lastActivity: Date.now() } });

  beforeEach(async () => {
    store = await testStore();
    const officers = officerService(store.db, { cost: 'fast' });
    const make = (username: string, roles: ('operator' | 'approver' | 'admin')[]) =>
      officers.create({ username, displayName: username, roles, passphrase: 'a long passphrase' });
    op = await make('jensen', ['operator']);
    other = await make('hansen', ['operator']);
    admin = await make('admin', ['admin']);
    await officers.setPhone('jensen', PHONE, { by: null, via: 'cli' });
    // The gateway is configured before the console starts, as in a real store.
    await gatewayConfigService(store.db).add('sim', 'simulator://?tps=100&fail=0', { primary: true });
    app = await startApp({ store, host: 'headless', version: 'test', tileUrl: null });
  });
  afterEach(async () => {
    await app?.close().catch(() => undefined);
    await store.remove().catch(() => undefined);
  });

  it('sends one SMS marked as a test through the primary gateway, audited without number or text, in no send', async () => {
    await waitFor(async () => (await app.services.status()).gateways[0]?.state === 'connected');
    const draft = await app.services.alerts.create(op, { category: 'burglary', templateId: 'burglary.alert.da', language: 'da' });

    const sent = await app.dispatch(as(op), 'alerts.sendTest', { id: draft.id });
    expect(sent).toEqual({ ok: true, value: { to: expect.stringMatching(/56$/), gateway: 'sim', accepted: true, code: null } });
    expect(JSON.stringify(sent)).not.toContain('20123456');
    expect((await store.db.get<{ n: number }>('SELECT count(*) AS n FROM sends'))!.n).toBe(0);
    const audit = await store.db.all<{ officer: string; action: string; subject: string; details: string }>(
      "SELECT officer, action, subject, details FROM audit_log WHERE action = 'test_sms'",
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ officer: 'jensen', subject: `alert:${draft.id}` });
    expect(audit[0]!.details).not.toContain('2012');
    expect(audit[0]!.details).not.toContain('Indbrud');

    // Straight after: refused, not a second SMS.
    expect(await app.dispatch(as(op), 'alerts.sendTest', { id: draft.id })).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'too_soon' } } });
    // An officer without a number is told how to get one; an administrator may not send.
    expect(await app.dispatch(as(other), 'alerts.sendTest', { id: draft.id })).toMatchObject({ ok: false, error: { code: 'not_found', details: { reason: 'no_phone' } } });
    expect(await app.dispatch(as(admin), 'alerts.sendTest', { id: draft.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('marks the text as a test, sends the SMS as it would go out (an exercise with ØVELSE), and refuses a released alert', async () => {
    const sent: { to: string; text: string }[] = [];
    const fakeSender = { sendOne: async (to: string, text: string) => (sent.push({ to, text }), { gateway: 'sim', outcome: { kind: 'accepted' as const, messageIds: ['1'] } }) };
    const handler = testSmsHandlers(app.services, () => fakeSender as never)['alerts.sendTest'];
    const draft = await app.services.alerts.create(op, { category: 'burglary', templateId: 'burglary.alert.da', language: 'da' });
    await app.services.alerts.update(op, draft.id, draft.revision, { capStatus: 'Exercise', smsText: 'Politiet: Indbrud.' });
    await handler.handle({ id: draft.id }, as(op));
    expect(sent).toEqual([{ to: PHONE, text: 'TEST – kun til dig, ikke sendt til borgere:\nØVELSE: Politiet: Indbrud.' }]);
    await store.db.run("UPDATE alerts SET status = 'sent' WHERE id = ?", [draft.id]);
    await expect(handler.handle({ id: draft.id }, as(other))).rejects.toMatchObject({ code: 'conflict' });
  });
});

async function waitFor(check: () => Promise<boolean>, ms = 10_000) {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
