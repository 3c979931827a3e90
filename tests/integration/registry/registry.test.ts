import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordsFromText } from '../../../electron/registry/files';
import { registryService } from '../../../electron/registry/service';
import type { RegistryService } from '../../../electron/registry/service';
import { listAudit, verifyAudit } from '../../../electron/audit/service';
import { testStore } from '../../support/store';

const actor = { officer: 'jensen', via: 'console' } as const;

describe('the registry in a real store', () => {
  let store: Awaited<ReturnType<typeof testStore>>;
  let registry: RegistryService;
  beforeEach(async () => {
    store = await testStore();
    registry = registryService(store.db, () => new Date('2026-11-24T10:00:00Z'));
  });
  afterEach(() => store.remove());

  const csv = (...lines: string[]) => recordsFromText(['phone,name,status,groups,home_lat,home_lon', ...lines].join('\n'), 'csv', 't.csv');

  it('imports, then updates on re-import instead of duplicating', async () => {
    const first = await registry.importRecords(csv('20123456,Bo,active,,55.9,12.3', '21234567,Al,active,taxi,55.6,12.5'), 'all_or_nothing', actor);
    expect(first).toMatchObject({ imported: true, created: 2, updated: 0, rejected: [] });
    const second = await registry.importRecords(csv('20123456,Bo B,active,,55.95,12.35'), 'all_or_nothing', actor);
    expect(second).toMatchObject({ imported: true, created: 0, updated: 1 });
    const bo = await registry.find('+4520123456');
    expect(bo).toMatchObject({ name: 'Bo B', places: [{ lat: 55.95, lon: 12.35 }] });
    expect((await registry.counts()).total).toBe(2);
  });

  it('keeps an opted-out subscriber opted out across re-imports', async () => {
    await registry.importRecords(csv('20123456,Bo,opted_out,,55.9,12.3'), 'all_or_nothing', actor);
    const again = await registry.importRecords(csv('20123456,Bo,active,,55.9,12.3'), 'all_or_nothing', actor);
    expect(again.keptOptedOut).toBe(1);
    expect((await registry.find('+4520123456'))?.status).toBe('opted_out');
  });

  it('imports nothing from a file with bad rows, or only the good rows when asked', async () => {
    const records = csv('20123456,Bo,active,,55.9,12.3', 'not-a-number,X,active,,55.9,12.3', '21234567,Al,sleeping,,55.9,12.3');
    const none = await registry.importRecords(records, 'all_or_nothing', actor);
    expect(none.imported).toBe(false);
    expect(await listAudit(store.db, {})).toEqual([]); // nothing imported, nothing recorded
    expect(none.rejected.map((r) => [r.row, r.code])).toEqual([
      [3, 'phone_invalid'],
      [4, 'bad_status'],
    ]);
    expect((await registry.counts()).total).toBe(0);
    const some = await registry.importRecords(records, 'accepted_only', actor);
    expect(some).toMatchObject({ imported: true, accepted: 1, created: 1 });
  });

  it('imports 100,000 rows in one go, and exports them again page by page', async () => {
    const lines = Array.from({ length: 100_000 }, (_, i) => `+4526${String(i).padStart(6, "0")},,active,,${55 + (i % 1000) / 1000},${12 + (i % 997) / 997}`);
    const report = await registry.importRecords(csv(...lines), 'all_or_nothing', actor);
    expect(report).toMatchObject({ imported: true, created: 100_000 });
    let seen = 0;
    await registry.each((page) => {
      seen += page.length;
      expect(page[0]!.places).toHaveLength(1);
    }, 5000);
    expect(seen).toBe(100_000);
  });

  it('erases a person completely, with places, groups and categories', async () => {
    await registry.importRecords(
      recordsFromText(JSON.stringify([{ phone: '20123456', categories: ['fraud'], places: [{ kind: 'home', lat: 55.9, lon: 12.3 }] }]), 'json', 't.json'),
      'all_or_nothing',
      actor,
    );
    const changes: unknown[] = [];
    registry.onChange((c) => changes.push(c));
    // A past send to them and a tip they sent: the number must go from both.
    const id = (await store.db.get<{ id: number }>('SELECT id FROM subscribers'))!.id;
    await store.db.run(
      "INSERT INTO sends (id, text, encoding, segments, priority, state, primary_gateway, active_gateway, validity_minutes, created_at) VALUES (1, 'x', 'GSM-7', 1, 'routine', 'done', 'sim', 'sim', 60, 'now')",
    );
    await store.db.run("INSERT INTO outbox (send_id, subscriber_id, phone, state, next_attempt_at, updated_at) VALUES (1, ?, '+4520123456', 'delivered', 0, 0)", [id]);
    await store.db.run("INSERT INTO inbound_messages (gateway, from_phone, to_address, text, received_at) VALUES ('sim', '+4520123456', '1999', 'tip', 'now')");
    expect(await registry.erase('+4520123456', actor)).toBe(true);
    expect(await store.db.get('SELECT phone, state FROM outbox')).toEqual({ phone: '', state: 'delivered' });
    expect(await store.db.get('SELECT count(*) AS n FROM inbound_messages')).toEqual({ n: 0 });
    expect(await registry.find('+4520123456')).toBeNull();
    for (const table of ['places', 'subscriber_groups', 'subscriber_categories', 'subscribers']) {
      expect(await store.db.get(`SELECT count(*) AS n FROM ${table}`), table).toEqual({ n: 0 });
    }
    expect(changes).toHaveLength(1);
    expect(await registry.erase('+4520123456', actor)).toBe(false);
    const trail = await listAudit(store.db, {});
    expect([...trail].sort((a, b) => a.seq - b.seq).map((e) => [e.action, e.officer])).toEqual([
      ['import', 'jensen'],
      ['erase', 'jensen'],
    ]);
    expect(JSON.stringify(trail)).not.toContain('20123456');
    expect((await verifyAudit(store.db)).ok).toBe(true);
  });

  it('counts by status and active subscribers by group', async () => {
    await registry.importRecords(csv('20123456,,active,taxi;citizen,55.9,12.3', '21234567,,paused,taxi,55.9,12.3', '30123456,,active,,55.9,12.3'), 'all_or_nothing', actor);
    const c = await registry.counts();
    expect(c.byStatus).toEqual({ active: 2, paused: 1, opted_out: 0 });
    expect(c.byGroup).toMatchObject({ taxi: 1, citizen: 2, shop: 0 });
  });

  it('refuses JSON that is not a list of subscribers', () => {
    expect(() => recordsFromText('{"a":1}', 'json', 'x.json')).toThrow(/array of subscribers/);
    expect(() => recordsFromText('[1,', 'json', 'x.json')).toThrow(/not valid JSON/);
    expect(() => recordsFromText('name\nBo', 'csv', 'x.csv')).toThrow(/phone/);
  });
});
