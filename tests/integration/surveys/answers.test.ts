/**
 * Survey answers in the inbound intake against a real store: an answer of an open survey's
 * recipient is counted (the last one per person and question), a message that is not an answer
 * stays a tip and is counted as such, after closing everything is a tip; STOP still opts out,
 * PANEL joins the panel.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServices } from '../../../electron/services';
import type { Services } from '../../../electron/services';
import { recordsFromText } from '../../../electron/registry/files';
import { createIntake } from '../../../electron/tips/intake';
import type { Intake } from '../../../electron/tips/intake';
import { surveyService } from '../../../electron/surveys/service';
import type { SurveyActor, SurveyService } from '../../../electron/surveys/service';
import { testStore } from '../../support/store';

describe('survey answers in the inbound intake', () => {
  let store: Awaited<ReturnType<typeof testStore>>;
  let services: Services;
  let intake: Intake;
  let surveys: SurveyService;
  let op: SurveyActor;
  let boss: SurveyActor;
  let clock: Date;
  let surveyEffects: number;
  const sms = (from: string, text: string) => intake.take('sim', { from, to: '1999', text, receivedAt: clock });
  const tick = () => (clock = new Date(clock.getTime() + 60_000));

  beforeEach(async () => {
    store = await testStore();
    clock = new Date('2026-12-05T10:00:00Z');
    services = createServices({ store, host: 'headless', version: 'test', now: () => clock });
    surveyEffects = 0;
    intake = createIntake({ db: store.db, settings: services.settings, now: () => clock, onCommitted: (e) => (surveyEffects += e.surveys ?? 0) });
    const csv = 'phone,groups\n20123401,citizen;borgerpanel\n20123402,citizen;borgerpanel\n20123403,citizen';
    await services.registry.importRecords(recordsFromText(csv, 'csv', 'p.csv'), 'all_or_nothing', { officer: null, via: 'cli' });
    const a = await services.officers.create({ username: 'jensen', displayName: 'J', roles: ['operator'], passphrase: 'a long passphrase here' });
    const b = await services.officers.create({ username: 'holm', displayName: 'H', roles: ['approver'], passphrase: 'a long passphrase here' });
    op = { id: a.id, username: a.username, roles: a.roles };
    boss = { id: b.id, username: b.username, roles: b.roles };
    surveys = surveyService(store.db, () => clock);
  });
  afterEach(async () => {
    await intake.close();
    await store.remove();
  });

  async function openSurvey(questions: unknown[]) {
    const s = await surveys.create(op, { title: 'T', questions, audience: { kind: 'panel', group: 'borgerpanel' } });
    await surveys.approve(boss, s.id);
    await surveys.send(op, s.id, () => services.targeting());
    await store.db.run("UPDATE surveys SET state = 'open' WHERE id = ?", [s.id]); // as the pump does once the engine has it
    return s.id;
  }
  const tips = () => store.db.all<{ sender: string; text: string }>('SELECT sender, text FROM tips ORDER BY id');

  it('counts the last answer of each person, keeps what is not an answer as a tip, and after closing takes only tips', async () => {
    const id = await openSurvey([{ kind: 'scale', text: 'Hvor tryg?', max: 5 }, { kind: 'yesno', text: 'Kender du TRYK?' }]);
    await sms('+4520123401', '2 ja');
    tick();
    await sms('+4520123401', '5, NEJ'); // changed their mind: the last counts
    await sms('+4520123402', '3 JA');
    await sms('+4520123402', 'ved ikke'); // not an answer: a tip, not counted; the earlier answer stands
    await sms('+4520123403', '4 JA'); // not a recipient: a tip
    let r = await surveys.results(id);
    expect(r.respondents).toBe(2);
    expect(r.invalid).toBe(1);
    expect(r.tally[0]!.options.filter((o) => o.count > 0)).toEqual([
      { value: '3', count: 1 },
      { value: '5', count: 1 },
    ]);
    expect(r.tally[1]!.options).toEqual([
      { value: 'JA', count: 1 },
      { value: 'NEJ', count: 1 },
    ]);
    expect(await tips()).toEqual([
      { sender: '+4520123402', text: 'ved ikke' },
      { sender: '+4520123403', text: '4 JA' },
    ]);
    expect(surveyEffects).toBe(4);

    await surveys.close(op, id);
    tick();
    await sms('+4520123401', '1 ja');
    r = await surveys.results(id);
    expect(r.tally[0]!.options.find((o) => o.value === '1')!.count).toBe(0);
    expect((await tips()).at(-1)).toEqual({ sender: '+4520123401', text: '1 ja' });
  });

  it('"JA" answers a yes/no survey (not a sign-up confirmation), STOP still opts out, and a stopped member is not asked again', async () => {
    const id = await openSurvey([{ kind: 'yesno', text: 'Har du set politiet?' }]);
    await sms('+4520123401', 'JA');
    await sms('+4520123402', 'STOP');
    expect((await surveys.results(id)).tally[0]!.options).toEqual([
      { value: 'JA', count: 1 },
      { value: 'NEJ', count: 0 },
    ]);
    expect(await tips()).toEqual([]);
    expect((await store.db.get<{ status: string }>("SELECT status FROM subscribers WHERE phone = '+4520123402'"))!.status).toBe('opted_out');
    const next = await surveys.create(op, { title: 'Igen', questions: [{ kind: 'yesno', text: 'x' }], audience: { kind: 'panel', group: 'borgerpanel' } });
    await surveys.approve(boss, next.id);
    expect((await surveys.send(op, next.id, () => services.targeting())).recipients).toBe(1);
  });

  it('PANEL makes an active subscriber a panel member (once, audited) and tells a stranger to sign up first', async () => {
    await sms('+4520123403', 'panel');
    tick();
    await sms('+4520123403', 'PANEL');
    await sms('+4520999999', 'Panel');
    const members = await store.db.all<{ phone: string }>(
      "SELECT s.phone FROM subscribers s JOIN subscriber_groups sg ON sg.subscriber_id = s.id JOIN groups g ON g.id = sg.group_id WHERE g.code = 'borgerpanel' ORDER BY s.phone",
    );
    expect(members.map((m) => m.phone)).toEqual(['+4520123401', '+4520123402', '+4520123403']);
    const replies = await store.db.all<{ phone: string; text: string }>('SELECT phone, text FROM sms_replies ORDER BY id');
    expect(replies.map((r) => [r.phone, r.text.slice(0, 30)])).toEqual([
      ['+4520123403', 'Politiet: Tak, du er nu med i '],
      ['+4520123403', 'Politiet: Du er allerede med i'],
      ['+4520999999', 'Politiet: Tilmeld dig SMS-vars'],
    ]);
    expect(await store.db.all("SELECT action FROM audit_log WHERE action = 'panel_joined'")).toHaveLength(1);
    expect(await tips()).toEqual([]);
  });
});
