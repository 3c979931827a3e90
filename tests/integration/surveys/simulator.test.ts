/**
 * A survey over the simulator in the running console's graph: drafted, approved by a second
 * officer, sent once through the outbox to the citizen panel (an opted-out member not asked),
 * answered by the simulator's citizens, tallied; after closing, an answer is a tip.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApp } from '../../../electron/app';
import type { App } from '../../../electron/app';
import { gatewayConfigService } from '../../../electron/config/gateways';
import { officerService } from '../../../electron/officers/service';
import type { SignedInOfficer } from '../../../electron/bridge/dispatcher';
import { recordsFromText } from '../../../electron/registry/files';
import { testStore } from '../../support/store';

const until = async (what: () => Promise<boolean>, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('a survey to the citizen panel over the simulator', () => {
  let store: Awaited<ReturnType<typeof testStore>>;
  let app: App;
  let op: SignedInOfficer;
  let boss: SignedInOfficer;

  beforeEach(async () => {
    store = await testStore();
    const officers = officerService(store.db, { cost: 'fast' });
    op = await officers.create({ username: 'jensen', displayName: 'J', roles: ['operator'], passphrase: 'a long passphrase' });
    boss = await officers.create({ username: 'holm', displayName: 'H', roles: ['operator', 'approver'], passphrase: 'a long passphrase' });
    await gatewayConfigService(store.db).add(
      'sim',
      'simulator://?tps=0&latency=0&dlrDelay=10&replyDelay=20&fail=0&absent=0&expire=0&invalid=0&replies=0&surveyReplies=1',
      { primary: true },
    );
    app = await startApp({ store, host: 'headless', version: 'test', tileUrl: null });
    const rows = ['phone,home_lat,home_lon,groups'];
    for (let i = 0; i < 40; i++) rows.push(`201234${String(i).padStart(2, '0')},55.93,12.3,${i < 25 ? 'citizen;borgerpanel' : 'citizen'}`);
    const r = await app.services.registry.importRecords(recordsFromText(rows.join('\n'), 'csv', 'r.csv'), 'all_or_nothing', { officer: null, via: 'cli' });
    expect(r.rejected).toEqual([]);
    await store.db.run("UPDATE subscribers SET status = 'opted_out' WHERE phone = '+4520123400'");
  });
  afterEach(async () => {
    await app?.close().catch(() => undefined);
    await store.remove().catch(() => undefined);
  });

  it('is approved by a second officer, sent once to the active panel, answered and tallied; after closing an answer is a tip', async () => {
    const surveys = app.surveys.service;
    const events: number[] = [];
    app.subscribe((e) => e === 'surveys.changed' && events.push(1));
    const draft = await surveys.create(op, { title: 'Tryghed', questions: [{ kind: 'scale', text: 'Hvor tryg føler du dig i dit område?', max: 5 }], audience: { kind: 'panel', group: 'borgerpanel' } });
    expect(draft.smsText).toBe('Politiet spørger: Hvor tryg føler du dig i dit område? (svar 1-5)');
    await expect(surveys.approve(op, draft.id)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(surveys.send(op, draft.id, () => app.services.targeting())).rejects.toMatchObject({ code: 'conflict' });
    const own = await surveys.create(boss, { title: 'Egen', questions: [{ kind: 'yesno', text: 'Ja?' }], audience: { kind: 'panel', group: 'borgerpanel' } });
    await expect(surveys.approve(boss, own.id)).rejects.toMatchObject({ code: 'forbidden', details: { fourEyes: true } });
    await surveys.approve(boss, draft.id);
    await surveys.send(op, draft.id, () => app.services.targeting());
    await Promise.all([app.surveys.pump(), app.surveys.pump()]);
    await app.surveys.pump();
    expect(await store.db.all("SELECT id FROM sends WHERE alert_ref = 'survey:' || ?", [draft.id])).toHaveLength(1);

    const s = await surveys.get(draft.id);
    expect(s.state).toBe('open');
    expect(s.recipients).toBe(24); // 25 members, one opted out
    // Every simulated citizen answers (surveyReplies=1): most with a number, a few with words.
    await until(async () => {
      const r = await surveys.get(draft.id);
      return r.respondents + r.invalid === 24;
    });
    const results = await surveys.results(draft.id);
    expect(results.respondents).toBeGreaterThan(15);
    const t = results.tally[0]!;
    expect(t.options.map((o) => o.value)).toEqual(['1', '2', '3', '4', '5']);
    expect(t.options.reduce((a, o) => a + o.count, 0)).toBe(results.respondents);
    expect(t.answered).toBe(results.respondents);
    // Not-an-answer messages are tips; answers are not.
    const tips = await store.db.get<{ n: number }>('SELECT count(*) AS n FROM tips');
    expect(tips!.n).toBe(results.invalid);
    await until(async () => events.length > 0);

    await surveys.close(op, draft.id);
    const member = '+4520123401';
    const before = (await store.db.get<{ n: number }>('SELECT count(*) AS n FROM tips WHERE sender = ?', [member]))!.n;
    // A text this member has not sent before (the same text within 10 minutes is a repeat).
    const sent = new Set((await store.db.all<{ text: string }>('SELECT text FROM inbound_messages WHERE from_phone = ?', [member])).map((m) => m.text));
    await app.tips.inbound('sim', { from: member, to: '1999', text: ['1', '2', '3'].find((x) => !sent.has(x))!, receivedAt: new Date() });
    expect((await surveys.results(draft.id)).respondents).toBe(results.respondents);
    expect((await store.db.get<{ n: number }>('SELECT count(*) AS n FROM tips WHERE sender = ?', [member]))!.n).toBe(before + 1);
    const audit = await store.db.all<{ action: string }>("SELECT action FROM audit_log WHERE subject = 'survey:' || ? ORDER BY seq", [draft.id]);
    expect(audit.map((a) => a.action)).toEqual(['survey_created', 'survey_approved', 'survey_sent', 'survey_closed']);
  }, 60_000);

  it('a sample of an area asks N active subscribers drawn at random; an empty panel is refused with nothing changed', async () => {
    const surveys = app.surveys.service;
    const area = { parts: [{ mode: 'include' as const, shape: { type: 'polygon' as const, coordinates: [[[12.2, 55.9], [12.4, 55.9], [12.4, 56.0], [12.2, 56.0], [12.2, 55.9]]] } }] };
    const d = await surveys.create(op, { title: 'Stikprøve', questions: [{ kind: 'yesno', text: 'Har du set politiet i dit område?' }], audience: { kind: 'sample', area, size: 10 } });
    await surveys.approve(boss, d.id);
    const sent = await surveys.send(op, d.id, () => app.services.targeting());
    expect(sent.recipients).toBe(10);
    const empty = await surveys.create(op, { title: 'Tom', questions: [{ kind: 'yesno', text: 'x' }], audience: { kind: 'panel', group: 'taxi' } });
    await surveys.approve(boss, empty.id);
    await expect(surveys.send(op, empty.id, () => app.services.targeting())).rejects.toMatchObject({ code: 'bad_request' });
    expect((await surveys.get(empty.id)).state).toBe('approved');
  }, 60_000);
});
