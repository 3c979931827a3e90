import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServices } from '../../../electron/services';
import type { Services } from '../../../electron/services';
import { verifyAudit } from '../../../electron/audit/service';
import type { InboundSms } from '../../../electron/gateways/gateway';
import { recordsFromText } from '../../../electron/registry/files';
import { createIntake } from '../../../electron/tips/intake';
import type { Intake } from '../../../electron/tips/intake';
import { tipService } from '../../../electron/tips/service';
import { testStore } from '../../support/store';

const T0 = new Date('2026-12-05T10:00:00Z');
const sms = (from: string, text: string, extra: Partial<InboundSms> = {}): InboundSms => ({ from, to: '1999', text, receivedAt: new Date(T0.getTime() + 60_000), ...extra });

describe('the inbound intake against a real store', () => {
  let store: Awaited<ReturnType<typeof testStore>>;
  let services: Services;
  let intake: Intake;
  let clock: Date;
  let changed: number[][];

  beforeEach(async () => {
    store = await testStore();
    clock = new Date(T0.getTime() + 60_000);
    services = createServices({ store, host: 'headless', version: 'test', now: () => clock });
    changed = [];
    services.registry.onChange((c) => changed.push(c.upserted));
    intake = createIntake({ db: store.db, settings: services.settings, now: () => clock, onCommitted: (e) => services.registry.notifyChanged(e.subscribers) });
    const report = await services.registry.importRecords(
      recordsFromText('phone,status,home_lat,home_lon\n20123410,active,55.93,12.3\n20123420,active,55.93,12.3\n20123430,active,55.93,12.3', 'csv', 't.csv'),
      'all_or_nothing',
      { officer: null, via: 'cli' },
    );
    expect(report.rejected).toEqual([]);
    changed.length = 0;
    await store.db.run("UPDATE subscribers SET status = 'opted_out' WHERE phone = '+4520123430'");
    // Postcode 3400 Hillerød, as a square.
    await store.db.run(
      `INSERT INTO boundaries (kind, code, name, geometry, min_lon, min_lat, max_lon, max_lat, imported_at)
       VALUES ('postcode', '3400', 'Hillerød', ?, 12.2, 55.9, 12.4, 56.0, 'now')`,
      [JSON.stringify({ type: 'Polygon', coordinates: [[[12.2, 55.9], [12.4, 55.9], [12.4, 56.0], [12.2, 56.0], [12.2, 55.9]]] })],
    );
    // An alert that reached 20123410 an hour before.
    const officer = await services.officers.create({ username: 'jensen', displayName: 'Jensen', roles: ['operator'], passphrase: 'a long passphrase here' });
    await store.db.run(
      `INSERT INTO alerts (id, uuid, kind, category, language, sms_text, status, created_by, last_edited_by, created_at, updated_at)
       VALUES (7, 'u7', 'alert', 'burglary', 'da', 'Indbrud i Hillerød', 'sent', ?, ?, 'now', 'now')`,
      [officer.id, officer.id],
    );
    await store.db.run(
      `INSERT INTO sends (id, alert_ref, text, encoding, segments, priority, state, primary_gateway, active_gateway, validity_minutes, created_at)
       VALUES (3, 'alert:7', 'x', 'GSM-7', 1, 'routine', 'done', 'sim', 'sim', 60, 'now')`,
    );
    await store.db.run(
      "INSERT INTO outbox (send_id, phone, state, next_attempt_at, updated_at) VALUES (3, '+4520123410', 'delivered', 0, ?)",
      [T0.getTime() - 3_600_000],
    );
  });
  afterEach(async () => {
    await intake.close();
    await store.remove();
  });

  const tips = () => store.db.all<{ id: number; text: string; alert_id: number | null; repeats: number; flood: number; partial: number; binary: number; sender: string }>('SELECT * FROM tips ORDER BY id');
  const replies = () => store.db.all<{ kind: string; phone: string; state: string; reason: string | null; text: string }>('SELECT * FROM sms_replies ORDER BY id');
  const status = async (phone: string) => (await store.db.get<{ status: string }>('SELECT status FROM subscribers WHERE phone = ?', [phone]))?.status;

  it('ties a tip to the alert that reached the sender, counts a repeat once, and leaves others untied', async () => {
    await intake.take('sim', sms('+4520123410', 'Jeg så en rød bil ved Netto'));
    await intake.take('sim', sms('+4520123410', 'Jeg så en rød bil ved Netto'));
    await intake.take('sim', sms('+4520123420', 'Hvad sker der?'));
    const t = await tips();
    expect(t.map((x) => [x.text, x.alert_id, x.repeats])).toEqual([
      ['Jeg så en rød bil ved Netto', 7, 1],
      ['Hvad sker der?', null, 0],
    ]);
    const list = await tipService(store.db).list({ alertId: 7 });
    expect(list.total).toBe(1);
    expect(list.tips[0]).toMatchObject({ alertTitle: 'Indbrud i Hillerød', senderMasked: expect.not.stringContaining('20123410') });
    expect((await tipService(store.db).list({ query: 'rød net' })).total).toBe(1); // words as prefixes, never FTS syntax
  });

  it('recognises a redelivery by the SMSC id', async () => {
    await intake.take('kannel', sms('+4520123420', 'Tip A', { smscId: 'abc-1' }));
    await intake.take('kannel', sms('+4520123420', 'Tip A', { smscId: 'abc-1', receivedAt: new Date(T0.getTime() + 3_600_000) }));
    expect((await tips()).length).toBe(1);
  });

  it('STOP opts out at once with one confirmation, tells the registry, and a second STOP gets nothing', async () => {
    await intake.take('sim', sms('+4520123410', 'Stop!'));
    expect(await status('+4520123410')).toBe('opted_out');
    expect(changed.flat()).toHaveLength(1);
    await intake.take('sim', sms('+4520123410', 'STOPP'));
    await intake.take('sim', sms('+4520123410', 'hjælp'));
    expect((await replies()).map((r) => [r.kind, r.state])).toEqual([['stop_confirm', 'pending']]);
    // A STOP from a number that is not a subscriber: stored, nothing answered, nothing created.
    await intake.take('sim', sms('+4520009999', 'afmeld'));
    expect(await status('+4520009999')).toBeUndefined();
    expect(await replies()).toHaveLength(1);
    expect((await tips()).length).toBe(0);
    expect((await verifyAudit(store.db)).ok).toBe(true);
  });

  it('TILMELD 3400 then JA makes an active subscriber at the postcode, with SMS consent', async () => {
    await intake.take('sim', sms('+4520005555', 'TILMELD 3400'));
    expect(await status('+4520005555')).toBeUndefined();
    await intake.take('sim', sms('+4520005555', 'ja'));
    const s = await services.registry.find('+4520005555');
    expect(s).toMatchObject({ status: 'active', consentMethod: 'sms', consentTextVersion: expect.any(String) });
    expect(s?.places[0]).toMatchObject({ kind: 'home', lat: 55.95, lon: 12.3 });
    // A citizen who signs up by SMS is in the citizens' group, like one imported without groups.
    expect(s?.groups).toEqual(['citizen']);
    expect(changed.flat()).toContain(s!.id);
    expect((await replies()).map((r) => r.kind)).toEqual(['signup_confirm', 'signup_done']);
    // An opted-out subscriber comes back the same way.
    await intake.take('sim', sms('+4520123430', 'START'));
    await intake.take('sim', sms('+4520123430', 'JA'));
    expect(await status('+4520123430')).toBe('active');
  });

  it('TILMELD with a postcode that does not exist is refused with a clear answer; JA alone is a tip', async () => {
    await intake.take('sim', sms('+4520006666', 'TILMELD 9999'));
    await intake.take('sim', sms('+4520006666', 'JA'));
    expect(await status('+4520006666')).toBeUndefined();
    const r = await replies();
    expect(r[0]).toMatchObject({ kind: 'signup_refused' });
    expect(r[0]!.text).toContain('9999');
    expect((await tips()).map((t) => t.text)).toEqual(['JA']);
  });

  it('joins the parts of a long message in any order, once, and shows parts that never complete as partial', async () => {
    const part = (seq: number, text: string, reference = 300) => sms('+4520123420', text, { concat: { reference, total: 3, seq } });
    await intake.take('smpp', part(3, 'tre'));
    await intake.take('smpp', part(1, 'en '));
    await intake.take('smpp', part(1, 'en ')); // redelivered
    expect(await tips()).toHaveLength(0);
    await intake.take('smpp', part(2, 'to '));
    await intake.take('smpp', part(2, 'to ')); // redelivered after joining
    expect((await tips()).map((t) => t.text)).toEqual(['en to tre']);
    await intake.take('smpp', part(1, 'halv ', 7));
    clock = new Date(clock.getTime() + 11 * 60_000);
    expect((await intake.sweep()).partial).toBe(1);
    const t = await tips();
    expect(t[1]).toMatchObject({ partial: 1 });
    expect(t[1]!.text).toContain('halv');
  });

  it('survives bad input: lone surrogates, empty text, control characters, markup, binary, 10 KB, an alphanumeric sender', async () => {
    await intake.take('smpp', sms('+4520123420', 'a\ud83db'));
    await intake.take('smpp', sms('+4520123420', ''));
    await intake.take('smpp', sms('+4520123420', 'x\u0000\u0007y\u202e<script>alert(1)</script>'));
    await intake.take('smpp', sms('+4520123420', '0001ff', { binary: true }));
    await intake.take('smpp', sms('+4520123420', 'z'.repeat(10_240)));
    await intake.take('smpp', sms('POLITI', 'STOP'));
    await intake.take('smpp', sms('POLITI', 'TILMELD 3400'));
    const t = await tips();
    expect(t.map((x) => x.text.slice(0, 40))).toEqual(['a\ufffdb', '', 'xy<script>alert(1)</script>', '0001ff', 'z'.repeat(40)]);
    expect(t[3]).toMatchObject({ binary: 1 });
    expect(t[4]!.text.length).toBeLessThanOrEqual(8_001);
    expect(await replies()).toEqual([]);
  });

  it('10,000 messages from one number: all kept, grouped as a flood, and no answer storm', async () => {
    const all: Promise<void>[] = [];
    for (let i = 0; i < 10_000; i++) all.push(intake.take('smpp', sms('+4520123420', `spam ${i}`)));
    for (let i = 0; i < 20; i++) all.push(intake.take('smpp', sms('+4520123420', 'HELP')));
    await Promise.all(all);
    const n = await store.db.get<{ n: number; flood: number }>('SELECT count(*) AS n, sum(flood) AS flood FROM tips');
    expect(n).toEqual({ n: 10_000, flood: 10_000 });
    expect((await replies()).filter((r) => r.state === 'pending')).toHaveLength(1); // HELP answered once, repeats counted
  }, 120_000);

  it('acknowledges each tipster once when the alert asks for it, and thanks them all once when the case is closed', async () => {
    const officer = { username: 'jensen' };
    const inbox = tipService(store.db, () => clock);
    await inbox.setAcknowledgement(7, 'Tak for dit tip', officer);
    await intake.take('sim', sms('+4520123410', 'Bilen holdt ved skolen'));
    await intake.take('sim', sms('+4520123410', 'Den var rød'));
    const acks = (await replies()).filter((r) => r.kind === 'tip_ack');
    expect(acks.map((r) => r.state)).toEqual(['pending', 'pending']);
    await intake.take('sim', sms('+4520123410', 'og den kørte mod nord'));
    await intake.take('sim', sms('+4520123410', 'så en mand'));
    // At most three automatic answers an hour to one number.
    expect((await replies()).filter((r) => r.kind === 'tip_ack').map((r) => r.state)).toEqual(['pending', 'pending', 'pending', 'suppressed']);
    expect(await inbox.thankTipsters(7, 'Sagen er opklaret. Tak for hjælpen!', officer)).toEqual({ queued: 1, skipped: 0 });
    await expect(inbox.thankTipsters(7, 'Igen', officer)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('deletes tips and messages older than the retention, in the audit trail', async () => {
    await intake.take('sim', sms('+4520123420', 'gammelt tip'));
    clock = new Date(clock.getTime() + 91 * 86_400_000);
    await intake.take('sim', sms('+4520123420', 'nyt tip', { receivedAt: clock }));
    expect((await intake.sweep()).deleted).toBe(1);
    expect((await tips()).map((t) => t.text)).toEqual(['nyt tip']);
    expect(await store.db.get("SELECT count(*) AS n FROM audit_log WHERE action = 'tips_deleted'")).toEqual({ n: 1 });
  });
});
