import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Alert as AlertSchema, AlertPreview } from '../../../shared/alerts/schema';
import type { Alert } from '../../../shared/alerts/schema';
import type { TargetArea } from '../../../shared/targeting/area';
import { handlersFor } from '../../../electron/app';
import { createServices } from '../../../electron/services';
import type { Services } from '../../../electron/services';
import type { Actor, AlertChange, AlertService } from '../../../electron/alerts/service';
import { verifyAudit } from '../../../electron/audit/service';
import { createDispatcher } from '../../../electron/bridge/dispatcher';
import type { Caller, SignedInOfficer } from '../../../electron/bridge/dispatcher';
import { silentLog } from '../../../electron/log';
import { officerService } from '../../../electron/officers/service';
import { recordsFromText } from '../../../electron/registry/files';
import { testStore } from '../../support/store';
import { validateCap } from '../../unit/cap/fixtures';

/** Hillerød and around; the registry below has people inside and outside it. */
const AREA: TargetArea = {
  parts: [{ mode: 'include', shape: { type: 'polygon', coordinates: [[[12.2, 55.9], [12.4, 55.9], [12.4, 56.0], [12.2, 56.0], [12.2, 55.9]]] } }],
};
const INSIDE = { lat: 55.93, lon: 12.3 };
const OUTSIDE = { lat: 55.68, lon: 12.57 }; // Copenhagen

const csv = (rows: [phone: string, status: string, quiet: string, where: { lat: number; lon: number }][]) =>
  recordsFromText(
    ['phone,status,quiet_start,quiet_end,home_lat,home_lon', ...rows.map(([p, s, q, w]) => `${p},${s},${q || ','},${w.lat},${w.lon}`)].join('\n'),
    'csv',
    't.csv',
  );

/** 6 active inside (2 asleep 22-07, 1 quiet 09-12), 1 paused inside, 2 active outside. */
const registryRows = csv([
  ['20123401', 'active', '22:00,07:00', INSIDE],
  ['20123402', 'active', '22:00,07:00', INSIDE],
  ['20123403', 'active', '09:00,12:00', INSIDE],
  ['20123404', 'active', '', INSIDE],
  ['20123405', 'active', '', INSIDE],
  ['20123406', 'active', '', INSIDE],
  ['20123407', 'paused', '', INSIDE],
  ['20123408', 'active', '22:00,07:00', OUTSIDE],
  ['20123409', 'active', '', OUTSIDE],
]);

const silent = silentLog();

describe('alerts against a real store', () => {
  let store: Awaited<ReturnType<typeof testStore>>;
  let services: Services;
  let alerts: AlertService;
  let clock: Date;
  let changes: AlertChange[];
  let op: Actor & SignedInOfficer;
  let op2: Actor & SignedInOfficer;
  let boss: Actor & SignedInOfficer;
  let boss2: Actor & SignedInOfficer;
  let admin: Actor & SignedInOfficer;

  beforeEach(async () => {
    store = await testStore();
    // 00:30 in Copenhagen: the 22-07 sleepers are in their quiet hours, the 09-12 one is not.
    clock = new Date('2026-11-24T23:30:00Z');
    services = createServices({ store, host: 'headless', version: 'test', tileUrl: null, now: () => clock });
    const officers = officerService(store.db, { cost: 'fast' });
    const make = (username: string, roles: ('operator' | 'approver' | 'admin')[]) =>
      officers.create({ username, displayName: username.toUpperCase(), roles, passphrase: 'a long passphrase' });
    op = await make('olsen', ['operator']);
    op2 = await make('petersen', ['operator']);
    boss = await make('vagtchef', ['approver']);
    boss2 = await make('vagtchef2', ['approver']);
    admin = await make('admin', ['admin']);
    expect(await services.registry.importRecords(registryRows, 'all_or_nothing', { officer: null, via: 'cli' })).toMatchObject({ imported: true, created: 9 });
    await services.gateways.add('sim', 'simulator://?tps=50');
    changes = [];
    alerts = services.alerts;
    services.subscribe((event, payload) => {
      if (event === 'alerts.changed') changes.push(payload as AlertChange);
    });
  });
  afterEach(() => store.remove());

  const later = (seconds: number) => {
    clock = new Date(clock.getTime() + seconds * 1000);
  };
  const fields = { case_number: '0900-1', description: 'Tre villaer ramt.', area_name: 'Hillerød', time: 'i nat', tip: 'svar på denne SMS' };

  /** A burglary draft, filled in and with its area: ready to submit. */
  async function readyDraft(by: Actor = op, category: 'burglary' | 'missing_person' = 'burglary'): Promise<Alert> {
    const a = await alerts.create(by, { category, templateId: `${category}.alert.da`, language: 'da' });
    return alerts.update(by, a.id, a.revision, { area: AREA, fields, smsText: `Politiet: Indbrud i Hillerød i nat. Tip os: svar på denne SMS. J.nr. 0900-1` });
  }
  const actions = async (id: number) => (await alerts.audit({ subject: `alert:${id}`, limit: 100 })).map((e) => e.action).reverse();

  it('runs the whole flow: draft, autosave, submit, approval by another officer', async () => {
    const created = await alerts.create(op, { category: 'burglary', templateId: 'burglary.alert.da', language: 'da' });
    expect(created).toMatchObject({ status: 'draft', revision: 1, kind: 'alert', createdBy: { id: op.id, displayName: 'OLSEN' }, needsApproval: true });
    expect(created.fields).toEqual({ tip: 'svar på denne SMS' });
    expect(created.smsText).toContain('[journalnummer]');
    expect(created.smsText).toContain('svar på denne SMS');

    const a2 = await alerts.update(op, created.id, 1, { area: AREA, fields });
    later(1);
    const a3 = await alerts.update(op, created.id, 2, { smsText: 'Politiet: Indbrud i Hillerød i nat. Tip os: svar på denne SMS. J.nr. 0900-1' });
    expect([a2.revision, a3.revision]).toEqual([2, 3]);
    expect(a3).toMatchObject({ area: AREA, fields, status: 'draft' });

    const submitted = await alerts.submit(op, created.id, 3);
    expect(submitted).toMatchObject({ status: 'awaiting_approval', needsApproval: true, revision: 3 });

    // The approver role is checked by the service too, not only by the bridge.
    await expect(alerts.approve(op2, created.id, 3)).rejects.toMatchObject({ code: 'forbidden' });
    const approved = await alerts.approve(boss, created.id, 3, 'OK, send');
    expect(approved).toMatchObject({ status: 'approved', approvedBy: { id: boss.id, displayName: 'VAGTCHEF' }, decisionComment: 'OK, send' });
    expect(approved.approvedAt).toBe(clock.toISOString());
    // What crosses the bridge matches the contract the composer is built against.
    for (const a of [created, a3, submitted, approved]) expect(AlertSchema.parse(a)).toEqual(a);

    // One 'draft_changed' for two saves a second apart; the second save's field is carried into 'submitted'.
    expect(await actions(created.id)).toEqual(['draft_created', 'draft_changed', 'submitted', 'approved']);
    const [submittedEntry] = await alerts.audit({ subject: `alert:${created.id}`, action: 'submitted' });
    expect(submittedEntry).toMatchObject({ officer: 'olsen', details: { recipients: 6, needsApproval: true, rule: 'always', fields: ['smsText'], revision: 3 } });
    expect((await alerts.audit({ action: 'approved' }))[0]).toMatchObject({ officer: 'vagtchef', details: { comment: 'OK, send' } });
    expect(await verifyAudit(store.db)).toEqual({ ok: true, entries: 10 }); // and the registry import and the five officers created

    expect(changes.map((c) => [c.status, c.revision])).toEqual([
      ['draft', 1],
      ['draft', 2],
      ['draft', 3],
      ['awaiting_approval', 3],
      ['approved', 3],
    ]);
    expect((await alerts.list({ statuses: ['approved'] })).map((a) => a.id)).toEqual([created.id]);
    expect(await alerts.list({ statuses: ['draft'] })).toEqual([]);
  });

  it('writes a draft_changed entry at most once per 30 s per alert, however fast the officer types', async () => {
    const a = await alerts.create(op, { category: 'burglary', language: 'da' });
    let rev = a.revision;
    for (let i = 0; i < 20; i++) {
      rev = (await alerts.update(op, a.id, rev, { smsText: `Tekst ${i}` })).revision;
      later(2); // 40 s in all: two entries
    }
    expect(rev).toBe(21);
    expect((await alerts.get(a.id)).smsText).toBe('Tekst 19');
    expect(await actions(a.id)).toEqual(['draft_created', 'draft_changed', 'draft_changed']);
  });

  it('keeps four eyes: nobody approves what they wrote or last edited', async () => {
    const own = await readyDraft(boss);
    await alerts.submit(boss, own.id, own.revision);
    await expect(alerts.approve(boss, own.id, own.revision)).rejects.toMatchObject({ code: 'forbidden', details: { reason: 'four_eyes' } });

    const theirs = await readyDraft(op);
    const edited = await alerts.update(boss2, theirs.id, theirs.revision, { smsText: `${theirs.smsText} Del gerne.` });
    await alerts.submit(op, edited.id, edited.revision);
    await expect(alerts.approve(boss2, edited.id, edited.revision)).rejects.toMatchObject({ code: 'forbidden', details: { reason: 'four_eyes' } });
    expect((await alerts.get(edited.id)).status).toBe('awaiting_approval');
    await expect(alerts.approve(boss, edited.id, edited.revision)).resolves.toMatchObject({ status: 'approved' });
  });

  it('enforces roles at the bridge: an operator approving is refused with forbidden', async () => {
    const dispatch = createDispatcher(handlersFor(services), silent);
    const as = (officer: SignedInOfficer | null): Caller => ({ host: 'headless', session: { officer, lastActivity: Date.now() } });
    const draft = await readyDraft(op);
    await alerts.submit(op, draft.id, draft.revision);

    expect(await dispatch(as(op), 'alerts.approve', { id: draft.id, revision: draft.revision })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await dispatch(as(null), 'alerts.list', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(await dispatch(as(admin), 'alerts.create', { category: 'fraud' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await dispatch(as(op), 'audit.list', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await dispatch(as(op), 'settings.approvalRule', { set: { mode: 'never' } })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await dispatch(as(op), 'settings.approvalRule', {})).toEqual({ ok: true, value: { mode: 'always' } });
    expect((await alerts.get(draft.id)).status).toBe('awaiting_approval');

    expect(await dispatch(as(boss), 'alerts.approve', { id: draft.id, revision: draft.revision })).toMatchObject({ ok: true, value: { status: 'approved' } });
    expect(await dispatch(as(admin), 'settings.approvalRule', { set: { mode: 'above', recipients: 100 } })).toEqual({
      ok: true,
      value: { mode: 'above', recipients: 100 },
    });
    const audit = await dispatch(as(boss), 'audit.list', { action: 'settings_changed' });
    expect(audit).toMatchObject({ ok: true, value: [{ officer: 'admin', subject: 'setting:approval.rule', details: { rule: { mode: 'above', recipients: 100 } } }] });
    const created = await dispatch(as(op), 'alerts.create', { category: 'fraud', templateId: 'fraud.alert.en', language: 'en' });
    expect(created).toMatchObject({ ok: true, value: { status: 'draft', language: 'en', createdBy: { id: op.id } } });
  });

  it('emits alerts.changed through the host\'s event sink for every committed change over the bridge', async () => {
    const events: [string, unknown][] = [];
    services.subscribe((e, p) => events.push([e, p]));
    const dispatch = createDispatcher(handlersFor(services), silent);
    const caller: Caller = { host: 'headless', session: { officer: op, lastActivity: Date.now() } };
    const created = await dispatch(caller, 'alerts.create', { category: 'traffic' });
    expect(created.ok).toBe(true);
    const id = (created as { value: Alert }).value.id;
    expect(await dispatch(caller, 'alerts.update', { id, revision: 1, patch: { smsText: 'Vejen er spærret' } })).toMatchObject({ ok: true });
    expect(await dispatch(caller, 'alerts.update', { id, revision: 1, patch: { smsText: 'for sent' } })).toMatchObject({ ok: false, error: { code: 'conflict', details: { revision: 2 } } });
    expect(await dispatch(caller, 'alerts.cancel', { id })).toMatchObject({ ok: true, value: { status: 'cancelled' } });
    expect(events).toEqual([
      ['alerts.changed', { id, status: 'draft', revision: 1 }],
      ['alerts.changed', { id, status: 'draft', revision: 2 }],
      ['alerts.changed', { id, status: 'cancelled', revision: 2 }],
    ]);
  });

  it('voids an approval when the alert is edited after it', async () => {
    const d = await readyDraft(op);
    await alerts.submit(op, d.id, d.revision);
    await alerts.approve(boss, d.id, d.revision);
    const edited = await alerts.update(op, d.id, d.revision, { smsText: `${d.smsText} Ny info.` });
    expect(edited).toMatchObject({ status: 'draft', approvedBy: null, approvedAt: null, revision: d.revision + 1 });
    const [entry] = await alerts.audit({ subject: `alert:${d.id}`, action: 'draft_changed', limit: 1 });
    expect(entry!.details).toMatchObject({ from: 'approved', approvalVoided: true, fields: ['smsText'] });
    await expect(alerts.release(d.id)).rejects.toMatchObject({ code: 'conflict' });
    await alerts.submit(op, d.id, edited.revision);
    // The approval was for the old text: approving that revision again is a conflict.
    await expect(alerts.approve(boss, d.id, d.revision)).rejects.toMatchObject({ code: 'conflict', details: { revision: edited.revision } });
  });

  it('refuses a save from a stale revision with the current one, and edits of sent alerts', async () => {
    const a = await alerts.create(op, { category: 'burglary', language: 'da' });
    await alerts.update(op, a.id, 1, { smsText: 'fra vinduet til venstre' });
    await expect(alerts.update(op, a.id, 1, { smsText: 'fra vinduet til højre' })).rejects.toMatchObject({ code: 'conflict', details: { revision: 2 } });
    expect((await alerts.get(a.id)).smsText).toBe('fra vinduet til venstre');
    await expect(alerts.update(op, 999, 1, { smsText: 'x' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(alerts.submit(op, a.id, 1)).rejects.toMatchObject({ code: 'conflict', details: { revision: 2 } });

    const d = await readyDraft(op);
    await alerts.submit(op, d.id, d.revision);
    await alerts.approve(boss, d.id, d.revision);
    await alerts.release(d.id);
    await expect(alerts.update(op, d.id, d.revision, { smsText: 'for sent' })).rejects.toMatchObject({ code: 'conflict', details: { status: 'scheduled' } });
    await expect(alerts.cancel(op, d.id)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('rejects with a comment, and the operator fixes and resubmits', async () => {
    const d = await readyDraft(op);
    await alerts.submit(op, d.id, d.revision);
    await expect(alerts.reject(boss, d.id, '   ')).rejects.toMatchObject({ code: 'bad_request' });
    await expect(alerts.reject(op2, d.id, 'nej')).rejects.toMatchObject({ code: 'forbidden' });
    const rejected = await alerts.reject(boss, d.id, 'Nævn bilen; ring til vagten på +45 12 34 56 78 først');
    expect(rejected).toMatchObject({ status: 'rejected', decisionComment: 'Nævn bilen; ring til vagten på +45 12 34 56 78 først' });
    // The trail never holds a phone number in clear, even inside a comment.
    expect((await alerts.audit({ action: 'rejected' }))[0]!.details).toMatchObject({ comment: 'Nævn bilen; ring til vagten på [nummer] først' });
    const fixed = await alerts.update(op, d.id, d.revision, { smsText: `${d.smsText} Mørk varebil.` });
    expect(fixed.status).toBe('draft');
    expect(fixed.decisionComment).toContain('Nævn bilen');
    await expect(alerts.submit(op, d.id, fixed.revision)).resolves.toMatchObject({ status: 'awaiting_approval', decisionComment: null });
    expect(await actions(d.id)).toEqual(['draft_created', 'draft_changed', 'submitted', 'rejected', 'draft_changed', 'submitted']);
  });

  it('submits under each approval rule: always, never, above N recipients, for some categories', async () => {
    const submitWith = async (rule: Parameters<AlertService['setApprovalRule']>[1], category: 'burglary' | 'missing_person' = 'burglary') => {
      await alerts.setApprovalRule(admin, rule);
      const d = await readyDraft(op, category);
      const needs = d.needsApproval;
      const s = await alerts.submit(op, d.id, d.revision);
      return { needs, status: s.status, approvedBy: s.approvedBy, id: s.id };
    };
    expect(await submitWith({ mode: 'always' })).toMatchObject({ needs: true, status: 'awaiting_approval' });
    const never = await submitWith({ mode: 'never' });
    expect(never).toMatchObject({ needs: false, status: 'approved', approvedBy: null });
    expect((await alerts.audit({ subject: `alert:${never.id}`, action: 'approved' }))[0]).toMatchObject({ officer: null, details: { automatic: true, rule: 'never' } });
    // 6 recipients in the area.
    expect(await submitWith({ mode: 'above', recipients: 5 })).toMatchObject({ needs: true, status: 'awaiting_approval' });
    expect(await submitWith({ mode: 'above', recipients: 6 })).toMatchObject({ needs: false, status: 'approved' });
    expect(await submitWith({ mode: 'categories', categories: ['missing_person'] })).toMatchObject({ needs: false, status: 'approved' });
    expect(await submitWith({ mode: 'categories', categories: ['missing_person'] }, 'missing_person')).toMatchObject({ needs: true, status: 'awaiting_approval' });
    await expect(alerts.setApprovalRule(boss, { mode: 'never' })).rejects.toMatchObject({ code: 'forbidden' });
    expect(await alerts.approvalRule()).toEqual({ mode: 'categories', categories: ['missing_person'] });
  });

  it('refuses to submit what is not ready: no area, empty or unfilled text, nobody inside', async () => {
    const blank = await alerts.create(op, { category: 'burglary', language: 'da' });
    await expect(alerts.submit(op, blank.id, 1)).rejects.toMatchObject({ code: 'bad_request', details: { field: 'area' } });
    const fromTemplate = await alerts.create(op, { category: 'burglary', templateId: 'burglary.alert.da', language: 'da' });
    const withArea = await alerts.update(op, fromTemplate.id, 1, { area: AREA });
    await expect(alerts.submit(op, withArea.id, withArea.revision)).rejects.toMatchObject({
      code: 'bad_request',
      details: { missing: ['case_number', 'description', 'area_name', 'time'] },
    });
    const empty = await alerts.update(op, blank.id, 1, { area: AREA });
    await expect(alerts.submit(op, blank.id, empty.revision)).rejects.toMatchObject({ code: 'bad_request', details: { field: 'smsText' } });
    const sea: TargetArea = { parts: [{ mode: 'include', shape: { type: 'circle', center: [11.0, 56.5], radiusM: 1000 } }] };
    const nobody = await alerts.update(op, blank.id, empty.revision, { area: sea, smsText: 'Hej' });
    await expect(alerts.submit(op, blank.id, nobody.revision)).rejects.toMatchObject({ code: 'bad_request', details: { recipients: 0 } });
  });

  it('commits a change and its audit entry together or not at all', async () => {
    const d = await readyDraft(op);
    await store.db.exec(`CREATE TRIGGER audit_down BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit down'); END;`);
    await expect(alerts.submit(op, d.id, d.revision)).rejects.toThrow(/audit down/);
    expect((await alerts.get(d.id)).status).toBe('draft');
    later(60); // an autosave that is due an audit entry is refused whole too
    await expect(alerts.update(op, d.id, d.revision, { smsText: 'tabt' })).rejects.toThrow(/audit down/);
    expect((await alerts.get(d.id)).smsText).toBe(d.smsText);
    await store.db.exec('DROP TRIGGER audit_down');
    await alerts.submit(op, d.id, d.revision);
    expect((await alerts.get(d.id)).status).toBe('awaiting_approval');
    expect(await verifyAudit(store.db)).toMatchObject({ ok: true });
  });

  it('previews recipients, quiet-hours delays, parts, cost and send time', async () => {
    const d = await readyDraft(op);
    const text = 'x'.repeat(200); // GSM-7, two parts
    const routine = await alerts.update(op, d.id, d.revision, { smsText: text });
    expect(await alerts.preview(d.id)).toEqual({
      recipients: 6,
      delayedByQuietHours: 2,
      smsParts: 2,
      totalParts: 12,
      costEstimateOre: 12 * 25,
      sendSeconds: 12 / 50,
      release: null,
      byLanguage: { da: 6, en: 0 },
      texts: [{ language: 'da', recipients: 6, smsParts: 2 }],
    });
    expect(AlertPreview.safeParse(await alerts.preview(d.id)).success).toBe(true);
    await alerts.update(op, d.id, routine.revision, { urgency: 'urgent', smsText: 'Savnet dreng, 8 år, rød jakke' });
    expect(await alerts.preview(d.id)).toMatchObject({ recipients: 6, delayedByQuietHours: 0, smsParts: 1, totalParts: 6, costEstimateOre: 150 });
    await services.settings.set('sms.pricePerPartOre', 30);
    clock = new Date('2026-11-24T09:30:00Z'); // 10:30 local: only the 09-12 subscriber is quiet
    const r = await alerts.get(d.id);
    await alerts.update(op, d.id, r.revision, { urgency: 'routine' });
    expect(await alerts.preview(d.id)).toMatchObject({ recipients: 6, delayedByQuietHours: 1, costEstimateOre: 180 });
  });

  it('sends an exercise with ØVELSE in front of its SMS, and counts the prefix in the preview', async () => {
    const d = await readyDraft(op);
    const plain = await alerts.preview(d.id);
    const marked = await alerts.update(op, d.id, d.revision, { capStatus: 'Exercise', smsText: 'x'.repeat(155) });
    expect((await alerts.preview(d.id)).smsParts).toBe(2); // 155 + "ØVELSE: " no longer fits one part
    expect(plain.smsParts).toBe(1);
    await alerts.submit(op, d.id, marked.revision);
    await alerts.approve(boss, d.id, marked.revision);
    const plan = await alerts.release(d.id, null);
    expect(plan.text).toBe(`ØVELSE: ${'x'.repeat(155)}`);
    expect((await alerts.resumePlan(d.id)).text).toBe(plan.text);
  });

  it('releases a scheduled alert only from its time, gives the send its end of sending, and never releases it after that', async () => {
    const d = await readyDraft(op);
    // Refused: an end before the release, or further than a year.
    await expect(alerts.update(op, d.id, d.revision, { releaseAt: '2026-11-25T10:00:00Z', expiresAt: '2026-11-25T09:00:00Z' })).rejects.toMatchObject({
      code: 'bad_request',
      details: { field: 'expiresAt' },
    });
    await expect(alerts.update(op, d.id, d.revision, { releaseAt: '2030-01-01T00:00:00Z' })).rejects.toMatchObject({ code: 'bad_request' });
    // 00:30 local now; release at 02:00 local (01:00Z), stop at 03:30 local (02:30Z).
    const planned = await alerts.update(op, d.id, d.revision, { releaseAt: '2026-11-25T02:00:00+01:00', expiresAt: '2026-11-25T02:30:00Z' });
    expect(planned).toMatchObject({ releaseAt: '2026-11-25T01:00:00.000Z', expiresAt: '2026-11-25T02:30:00.000Z' });
    // Saving the whole form again later (the composer does) is not refused for an unchanged schedule.
    await alerts.submit(op, d.id, planned.revision);
    await alerts.approve(boss, d.id, planned.revision);
    expect(await alerts.releasable()).toEqual([]);
    clock = new Date('2026-11-25T01:00:00Z');
    expect(await alerts.releasable()).toEqual([d.id]);
    clock = new Date('2026-11-25T02:30:00Z');
    expect(await alerts.releasable()).toEqual([]); // past its end: nobody may get it now
    clock = new Date('2026-11-25T01:00:30Z');
    const plan = await alerts.release(d.id, null);
    expect(plan.validityMinutes).toBe(90); // 89.5 minutes left, to the minute
    expect((await alerts.resumePlan(d.id)).validityMinutes).toBe(90);
  });

  it('shows a released alert with the recipients frozen at release, not a fresh count of its area', async () => {
    const d = await readyDraft(op);
    await alerts.submit(op, d.id, d.revision);
    await alerts.approve(boss, d.id, d.revision);
    expect((await alerts.preview(d.id)).release).toBeNull();
    await alerts.release(d.id, null);
    const more = csv([
      ['20123410', 'active', '', INSIDE],
      ['20123411', 'active', '', INSIDE],
    ]);
    await services.registry.importRecords(more, 'all_or_nothing', { officer: null, via: 'cli' });
    const preview = await alerts.preview(d.id);
    expect(preview).toMatchObject({ recipients: 6, totalParts: 6, release: { sendId: null, releasedAt: expect.any(String) } });
    expect(AlertPreview.safeParse(preview).success).toBe(true);
  });

  it('sends a follow-up to exactly the original recipients, even after the registry changed', async () => {
    const d = await readyDraft(op);
    await alerts.submit(op, d.id, d.revision);
    await alerts.approve(boss, d.id, d.revision);
    await expect(alerts.create(op, { category: 'burglary', kind: 'update', parentId: d.id })).rejects.toMatchObject({ code: 'conflict' });
    expect(await alerts.releasable()).toEqual([d.id]);
    const plan = await alerts.release(d.id, null);
    expect(plan).toMatchObject({ alertId: d.id, alertRef: `alert:${d.id}`, priority: 'routine', respectQuietHours: true, text: d.smsText });
    expect(plan.recipients).toHaveLength(6);
    expect(await alerts.releasable()).toEqual([]);
    expect((await alerts.get(d.id)).status).toBe('scheduled');
    expect(await alerts.resumePlan(d.id)).toEqual({ ...plan, recipients: [...plan.recipients].sort((a, b) => a - b) });
    await alerts.markSending(d.id);
    expect((await alerts.markSent(d.id)).status).toBe('sent');
    await expect(alerts.markSending(d.id)).rejects.toMatchObject({ code: 'conflict' });
    const original = [...plan.recipients].sort((a, b) => a - b);

    // The registry moves on: three newcomers inside the area, and one original moves away.
    await services.registry.importRecords(
      csv([
        ['30123451', 'active', '', INSIDE],
        ['30123452', 'active', '', INSIDE],
        ['30123453', 'active', '', INSIDE],
        ['20123406', 'active', '', OUTSIDE],
      ]),
      'all_or_nothing',
      { officer: null, via: 'cli' },
    ).then((r) => expect(r).toMatchObject({ imported: true, created: 3, updated: 1 }));
    await expect.poll(async () => (services.targeting().then((t) => t.count(AREA)) as Promise<{ ok: true; value: { total: number } }>).then((c) => c.value.total)).toBe(8);

    const update = await alerts.create(op2, { category: 'fraud', templateId: 'burglary.update.da', kind: 'update', parentId: d.id, language: 'da' });
    expect(update).toMatchObject({ kind: 'update', parentId: d.id, category: 'burglary', area: AREA, status: 'draft' });
    expect(update.fields).toMatchObject({ case_number: '0900-1', area_name: 'Hillerød' });
    expect(update.smsText).toContain('J.nr. 0900-1');
    await expect(alerts.update(op2, update.id, update.revision, { area: { parts: [{ mode: 'include', shape: { type: 'circle', center: [12.3, 55.9], radiusM: 100 } }] } })).rejects.toMatchObject({
      code: 'bad_request',
    });
    const u2 = await alerts.update(op2, update.id, update.revision, { fields: { ...update.fields, description: 'Bilen er fundet.' }, smsText: 'Politiet: Bilen er fundet. J.nr. 0900-1', area: AREA });
    expect(await alerts.preview(update.id)).toMatchObject({ recipients: 6, delayedByQuietHours: 2 });
    await alerts.submit(op2, update.id, u2.revision);
    await alerts.approve(boss, update.id, u2.revision);
    const followUp = await alerts.release(update.id);
    expect([...followUp.recipients].sort((a, b) => a - b)).toEqual(original);
    const frozen = await store.db.all<{ s: number }>('SELECT subscriber_id AS s FROM alert_recipients WHERE alert_id = ? ORDER BY subscriber_id', [update.id]);
    expect(frozen.map((r) => r.s)).toEqual(original);
    await alerts.markSent(update.id);

    // Case closed: the thank-you goes to the same people, and the original is closed with it.
    const close = await alerts.create(op, { category: 'burglary', templateId: 'burglary.close.da', kind: 'close', parentId: d.id, language: 'da' });
    expect(close.smsText).toBe('Politiet: Sagen er opklaret - tak for hjælpen. J.nr. 0900-1');
    const s = await alerts.submit(op, close.id, close.revision);
    await alerts.approve(boss, s.id, s.revision);
    expect([...(await alerts.release(close.id)).recipients].sort((a, b) => a - b)).toEqual(original);
    expect((await alerts.get(d.id)).status).toBe('closed');
    expect(await actions(d.id)).toEqual(['draft_created', 'draft_changed', 'submitted', 'approved', 'sent', 'closed']);
    await expect(alerts.create(op, { category: 'burglary', kind: 'update', parentId: d.id })).rejects.toMatchObject({ code: 'conflict' });
    await expect(alerts.create(op, { category: 'burglary', kind: 'update', parentId: update.id })).rejects.toMatchObject({ code: 'bad_request' });
    expect(await verifyAudit(store.db)).toMatchObject({ ok: true });
  });

  it('exports CAP 1.2 that validates, with Update and Cancel referencing the original', async () => {
    const d = await readyDraft(op);
    await alerts.update(op, d.id, d.revision, { capStatus: 'Exercise' });
    const draftXml = await alerts.cap(d.id);
    expect((await validateCap(draftXml))).toMatchObject({ ok: true });
    expect(draftXml).toContain(`<identifier>${d.uuid}</identifier>`);
    expect(draftXml).toContain('<status>Exercise</status>');
    expect(draftXml).toContain('<msgType>Alert</msgType>');
    expect(draftXml).toContain('<language>da-DK</language>');
    expect(draftXml).toContain('<areaDesc>Hillerød</areaDesc>');
    expect(draftXml).toContain('<polygon>55.9,12.2 55.9,12.4 56,12.4 56,12.2 55.9,12.2</polygon>');

    const a = await alerts.get(d.id);
    await alerts.submit(op, d.id, a.revision);
    await alerts.approve(boss, d.id, a.revision);
    await alerts.release(d.id);
    await alerts.markSent(d.id);
    const sentXml = await alerts.cap(d.id);
    expect(sentXml).toContain('<sent>2026-11-25T00:30:00+01:00</sent>');
    later(3600);
    const close = await alerts.create(op, { category: 'burglary', templateId: 'burglary.close.en', kind: 'close', parentId: d.id, language: 'en' });
    const closeXml = await alerts.cap(close.id);
    expect((await validateCap(closeXml))).toMatchObject({ ok: true });
    expect(closeXml).toContain('<msgType>Cancel</msgType>');
    expect(closeXml).toContain(`<references>tryk@politi.dk,${d.uuid},2026-11-25T00:30:00+01:00</references>`);
    expect(closeXml).toContain('<language>en-US</language>');
  });
});
