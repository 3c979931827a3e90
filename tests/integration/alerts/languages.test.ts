/**
 * An alert in Danish and English through the running console (real store, the real sender and
 * dispatch engine, the simulator gateway): each recipient gets the text in their registered
 * language, frozen at release; a restart would send the same (the variant is on the outbox row).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startApp } from '../../../electron/app';
import type { App } from '../../../electron/app';
import { handlersFor } from '../../../electron/app';
import { createDispatcher, newSession } from '../../../electron/bridge/dispatcher';
import { gatewayConfigService } from '../../../electron/config/gateways';
import { officerService } from '../../../electron/officers/service';
import type { SignedInOfficer } from '../../../electron/bridge/dispatcher';
import type { OutboundSms } from '../../../electron/gateways/gateway';
import { recordsFromText } from '../../../electron/registry/files';
import type { TargetArea } from '../../../shared/targeting/area';
import { testStore } from '../../support/store';

const AREA: TargetArea = {
  parts: [{ mode: 'include', shape: { type: 'polygon', coordinates: [[[12.2, 55.9], [12.4, 55.9], [12.4, 56.0], [12.2, 56.0], [12.2, 55.9]]] } }],
};

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('an alert in Danish and English', () => {
  let store: Awaited<ReturnType<typeof testStore>>;
  let app: App;
  let op: SignedInOfficer;
  let boss: SignedInOfficer;

  beforeEach(async () => {
    store = await testStore();
    const officers = officerService(store.db, { cost: 'fast' });
    op = await officers.create({ username: 'jensen', displayName: 'J', roles: ['operator'], passphrase: 'a long passphrase' });
    boss = await officers.create({ username: 'holm', displayName: 'H', roles: ['approver'], passphrase: 'a long passphrase' });
    await gatewayConfigService(store.db).add('sim', 'simulator://?tps=0&fail=0', { primary: true });
    app = await startApp({ store, host: 'headless', version: 'test', tileUrl: null });
    // Two Danish speakers, two English, one with the language left out (Danish by default).
    const rows = [
      'phone,home_lat,home_lon,language',
      '20123401,55.93,12.3,da',
      '20123402,55.94,12.31,en',
      '20123403,55.95,12.32,en',
      '20123404,55.96,12.33,da',
      '20123405,55.97,12.34,',
    ].join('\n');
    await app.services.registry.importRecords(recordsFromText(rows, 'csv', 'r.csv'), 'all_or_nothing', { officer: null, via: 'cli' });
  });
  afterEach(async () => {
    await app?.close().catch(() => undefined);
    await store.remove().catch(() => undefined);
  });

  it('delivers the Danish text to Danish subscribers and the English to English ones; preview and approval cover both', async () => {
    const { alerts } = app.services;
    const a = await alerts.create(op, { category: 'burglary', language: 'da' });
    const d = await alerts.update(op, a.id, a.revision, {
      area: AREA,
      smsText: 'Politiet: Indbrud i Hillerød. Ring 114.',
      smsTextOther: 'Police: Burglary in Hillerød. Call 114. Æ',
      capStatus: 'Exercise',
    });
    expect(d.smsTextOther).toBe('Police: Burglary in Hillerød. Call 114. Æ');

    const preview = await alerts.preview(d.id);
    expect(preview.recipients).toBe(5);
    expect(preview.byLanguage).toEqual({ da: 3, en: 2 });
    // Danish text GSM-7 (1 part) to 3; the English one has Æ: still GSM-7, 1 part, to 2.
    expect(preview.texts).toEqual([
      { language: 'da', recipients: 3, smsParts: 1 },
      { language: 'en', recipients: 2, smsParts: 1 },
    ]);
    expect(preview.totalParts).toBe(5);

    const submitted = await alerts.submit(op, d.id, d.revision);
    const [entry] = await alerts.audit({ subject: `alert:${d.id}`, action: 'submitted' });
    expect(entry!.details).toMatchObject({ smsSha256: expect.any(String), smsOtherSha256: expect.any(String) });

    const gateway = app.sender!.gateways.get('sim')!;
    const submittedTexts = new Map<string, string>();
    const original = gateway.submit.bind(gateway);
    vi.spyOn(gateway, 'submit').mockImplementation((m: OutboundSms) => {
      submittedTexts.set(m.to, m.text);
      return original(m);
    });
    await alerts.approve(boss, d.id, submitted.revision);
    await app.sender!.releaseApproved();
    await until(async () => (await alerts.get(d.id)).status === 'sent');

    expect(Object.fromEntries(submittedTexts)).toEqual({
      '+4520123401': 'ØVELSE: Politiet: Indbrud i Hillerød. Ring 114.',
      '+4520123402': 'EXERCISE: Police: Burglary in Hillerød. Call 114. Æ',
      '+4520123403': 'EXERCISE: Police: Burglary in Hillerød. Call 114. Æ',
      '+4520123404': 'ØVELSE: Politiet: Indbrud i Hillerød. Ring 114.',
      '+4520123405': 'ØVELSE: Politiet: Indbrud i Hillerød. Ring 114.',
    });
    const states = await store.db.all<{ phone: string; state: string; variant: number }>('SELECT phone, state, variant FROM outbox ORDER BY phone');
    expect(states.map((s) => [s.phone.slice(-2), s.state, s.variant])).toEqual([
      ['01', 'delivered', 0],
      ['02', 'delivered', 1],
      ['03', 'delivered', 1],
      ['04', 'delivered', 0],
      ['05', 'delivered', 0],
    ]);
    expect(await store.db.all('SELECT variant, language, text FROM send_texts')).toEqual([
      { variant: 1, language: 'en', text: 'EXERCISE: Police: Burglary in Hillerød. Call 114. Æ' },
    ]);

    // A sent alert's split is the one frozen at release.
    expect((await alerts.preview(d.id)).byLanguage).toEqual({ da: 3, en: 2 });

    // Its "case closed" goes out in both languages again.
    const close = await alerts.create(op, { category: 'burglary', kind: 'close', parentId: d.id, templateId: 'burglary.close.da', language: 'da' });
    expect(close.smsText).toMatch(/^Politiet: Sagen er opklaret/);
    expect(close.smsTextOther).toMatch(/^Police: The case is closed/);

    // Every role's monitor names the send by its alert (admin included).
    const session = newSession();
    session.officer = { id: 99, username: 'admin', displayName: 'A', roles: ['admin'] };
    session.lastActivity = Date.now();
    const dispatch = createDispatcher(handlersFor(app.services));
    const sendId = (await store.db.get<{ id: number }>('SELECT id FROM sends'))!.id;
    expect(await dispatch({ host: 'headless', session }, 'dispatch.titles', { sendIds: [sendId] })).toEqual({
      ok: true,
      value: [{ sendId, alertId: d.id, category: 'burglary', smsText: 'Politiet: Indbrud i Hillerød. Ring 114.', exercise: true }],
    });
  });

  it('refuses to submit an English text with unfilled placeholders', async () => {
    const { alerts } = app.services;
    const a = await alerts.create(op, { category: 'burglary', templateId: 'burglary.alert.da', language: 'da' });
    const d = await alerts.update(op, a.id, a.revision, {
      area: AREA,
      fields: { case_number: '1', area_name: 'x', time: 'nu', description: 'x' },
      smsText: 'Politiet: Indbrud.',
      smsTextOther: 'Police: burglary in {area_name}.',
    });
    await expect(alerts.submit(op, d.id, d.revision)).rejects.toMatchObject({ code: 'bad_request', details: { field: 'smsTextOther', missing: ['area_name'] } });
  });
});
