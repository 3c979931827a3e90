import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TargetArea } from '../../../shared/targeting/area';
import { createServices } from '../../../electron/services';
import { importCapDraft } from '../../../electron/alerts/cap-import';
import type { Actor, AlertService } from '../../../electron/alerts/service';
import { officerService } from '../../../electron/officers/service';
import { testStore } from '../../support/store';
import { validateCap } from '../../unit/cap/fixtures';

const AREA: TargetArea = {
  parts: [
    { mode: 'include', shape: { type: 'polygon', coordinates: [[[12.2, 55.9], [12.4, 55.9], [12.4, 56.0], [12.2, 56.0], [12.2, 55.9]]] } },
    { mode: 'include', shape: { type: 'circle', center: [12.5, 55.7], radiusM: 2000 } },
  ],
};

describe('a CAP 1.2 alert imported as a draft', () => {
  let store: Awaited<ReturnType<typeof testStore>>;
  let alerts: AlertService;
  let actor: Actor;
  let services: ReturnType<typeof createServices>;
  beforeEach(async () => {
    store = await testStore();
    services = createServices({ store, host: 'headless', version: 'test', tileUrl: null });
    const o = await officerService(store.db, { cost: 'fast' }).create({ username: 'olsen', displayName: 'Olsen', roles: ['operator'], passphrase: 'a long passphrase' });
    actor = { id: o.id, username: o.username, roles: o.roles };
    alerts = services.alerts;
  });
  afterEach(() => store.remove());

  it('round-trips an exported alert: category, text, urgency and both areas come back as a new draft', async () => {
    let original = await alerts.create(actor, { category: 'missing_person', kind: 'alert', language: 'da' });
    original = await alerts.update(actor, original.id, original.revision, {
      smsText: 'Savnet: dreng på 8 år, blå jakke. Ring 114.',
      area: AREA,
      urgency: 'urgent',
      capEnabled: true,
    });
    const xml = await alerts.cap(original.id);
    const { alert } = await importCapDraft(alerts, services.parse, actor, xml);
    expect(alert.id).not.toBe(original.id);
    expect(alert).toMatchObject({ status: 'draft', kind: 'alert', category: 'missing_person', urgency: 'urgent', capEnabled: true });
    expect(alert.smsText).toContain('blå jakke');
    expect(alert.area?.parts.map((p) => p.shape.type).sort()).toEqual(['circle', 'polygon']);
  });

  it('exports one info per language (da-DK, en-US) with each exercise prefix, valid CAP 1.2, and imports both texts back', async () => {
    let original = await alerts.create(actor, { category: 'burglary', kind: 'alert', language: 'da' });
    original = await alerts.update(actor, original.id, original.revision, {
      smsText: 'Indbrud i Hillerød. Ring 114.',
      smsTextOther: 'Burglary in Hillerød. Call 114.',
      area: AREA,
      capEnabled: true,
      capStatus: 'Exercise',
    });
    const xml = await alerts.cap(original.id);
    expect((await validateCap(xml)).ok).toBe(true);
    const infos = [...xml.matchAll(/<info>[\s\S]*?<\/info>/g)].map((m) => m[0]);
    expect(infos).toHaveLength(2);
    expect(infos[0]).toContain('<language>da-DK</language>');
    expect(infos[0]).toContain('<description>ØVELSE: Indbrud i Hillerød. Ring 114.</description>');
    expect(infos[1]).toContain('<language>en-US</language>');
    expect(infos[1]).toContain('<event>Burglary</event>');
    expect(infos[1]).toContain('<description>EXERCISE: Burglary in Hillerød. Call 114.</description>');
    const { alert } = await importCapDraft(alerts, services.parse, actor, xml);
    expect(alert).toMatchObject({ language: 'da', capStatus: 'Exercise' });
    // The prefix is the console's to add when it sends: imported without it, never twice.
    expect(alert.smsText).toContain('\nIndbrud i Hillerød. Ring 114.\n');
    expect(alert.smsText).not.toContain('ØVELSE');
    expect(alert.smsTextOther).toContain('\nBurglary in Hillerød. Call 114.\n');
    expect(alert.smsTextOther).not.toContain('EXERCISE');
  });

  it.each([
    ['entity expansion', '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "xxxxxxxx"><!ENTITY y "&x;&x;&x;&x;">]><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">&y;</alert>', /document type and entity declarations are not accepted/i],
    ['an external entity', '<?xml version="1.0"?><!DOCTYPE a SYSTEM "file:///etc/passwd"><alert/>', /document type and entity declarations are not accepted/i],
    ['not XML', 'hello', /root element/i],
    ['the wrong namespace', '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.1"><identifier>x</identifier></alert>', /namespace|1\.2/i],
  ])('refuses %s with a clear message and makes no draft', async (_name, xml, message) => {
    await expect(importCapDraft(alerts, services.parse, actor, xml)).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(message) });
    expect(await alerts.list({})).toEqual([]);
  });

  it('refuses a document that breaks the CAP 1.2 schema with the schema\'s own complaint, and makes no draft', async () => {
    let original = await alerts.create(actor, { category: 'burglary', kind: 'alert', language: 'da' });
    original = await alerts.update(actor, original.id, original.revision, { smsText: 'Indbrud i området', area: AREA, capEnabled: true });
    const good = await alerts.cap(original.id);
    // An urgency CAP does not have: our reader alone would call it merely unknown; the schema names the rule.
    const bad = good.replace(/<urgency>[^<]*<\/urgency>/, '<urgency>Soonish</urgency>');
    expect(bad).not.toBe(good);
    const before = (await alerts.list({})).length;
    await expect(importCapDraft(alerts, services.parse, actor, bad)).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringMatching(/breaks the CAP 1\.2 schema: line \d+: Element 'urgency': \[facet 'enumeration'\] The value 'Soonish'/),
      details: { cap: 'cap_schema' },
    });
    expect((await alerts.list({})).length).toBe(before);
  });

  it('refuses a huge document as too large', async () => {
    const xml = `<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">${'x'.repeat(2 * 1024 * 1024)}</alert>`;
    await expect(importCapDraft(alerts, services.parse, actor, xml)).rejects.toMatchObject({ code: 'too_large' });
    expect(await alerts.list({})).toEqual([]);
  });
});
