import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../electron/store/db';
import { migration0015 } from '../../../electron/store/migrations/0015-evaluation';
import { memoryDbAt } from '../../support/store';

const events = (db: Db) => db.all<{ at: string; subscriber_id: number; kind: string }>('SELECT at, subscriber_id, kind FROM subscriber_events ORDER BY id');
const before = migration0015.version - 1;

describe('migration 0015 (subscriber history, alert outcomes)', () => {
  let db: Db;
  afterEach(() => db?.close());

  it('backfills a sign-up per existing subscriber (dated by consent, else creation) and an opt-out for those opted out', async () => {
    db = await memoryDbAt(before);
    await db.exec(`
      INSERT INTO subscribers (id, phone, status, consent_at, created_at, updated_at) VALUES
        (1, '+4520000001', 'active', '2025-03-01T10:00:00+01:00', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
        (2, '+4520000002', 'opted_out', NULL, '2025-05-01T00:00:00.000Z', '2025-09-01T00:00:00.000Z');
    `);
    await db.transaction((tx) => migration0015.up(tx));
    expect(await events(db)).toEqual([
      { at: '2025-03-01T09:00:00.000Z', subscriber_id: 1, kind: 'signup' },
      { at: '2025-05-01T00:00:00.000Z', subscriber_id: 2, kind: 'signup' },
      { at: '2025-09-01T00:00:00.000Z', subscriber_id: 2, kind: 'opt_out' },
    ]);
  });

  it('records sign-up, opt-out, opt-in and erasure from any writer, and nothing for other changes', async () => {
    db = await memoryDbAt(migration0015.version);
    await db.exec("INSERT INTO subscribers (id, phone, created_at, updated_at) VALUES (1, '+4520000001', '2026-02-01T08:00:00.000Z', '2026-02-01T08:00:00.000Z')");
    await db.exec("INSERT INTO subscribers (id, phone, status, created_at, updated_at) VALUES (2, '+4520000002', 'opted_out', '2026-02-01T08:00:00.000Z', '2026-02-01T08:00:00.000Z')");
    await db.exec("UPDATE subscribers SET status = 'paused', updated_at = '2026-02-02T00:00:00.000Z' WHERE id = 1");
    await db.exec("UPDATE subscribers SET status = 'opted_out', updated_at = '2026-02-03T00:00:00.000Z' WHERE id = 1");
    await db.exec("UPDATE subscribers SET status = 'active', updated_at = '2026-02-04T00:00:00.000Z' WHERE id = 1");
    await db.exec("UPDATE subscribers SET name = 'x' WHERE id = 1");
    await db.exec('DELETE FROM subscribers WHERE id = 2'); // opted out: leaves no trace of leaving twice
    await db.exec('DELETE FROM subscribers WHERE id = 1');
    const list = await events(db);
    expect(list.map((e) => [e.subscriber_id, e.kind])).toEqual([
      [1, 'signup'],
      [1, 'opt_out'],
      [1, 'opt_in'],
      [1, 'erase'],
    ]);
    expect(list.slice(0, 3).map((e) => e.at)).toEqual(['2026-02-01T08:00:00.000Z', '2026-02-03T00:00:00.000Z', '2026-02-04T00:00:00.000Z']);
    expect(list[3]!.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('an upsert that keeps an opted-out subscriber opted out records nothing', async () => {
    db = await memoryDbAt(migration0015.version);
    await db.exec("INSERT INTO subscribers (id, phone, status, created_at, updated_at) VALUES (1, '+4520000001', 'opted_out', 'a', 'a')");
    await db.exec(`INSERT INTO subscribers (phone, status, created_at, updated_at) VALUES ('+4520000001', 'active', 'b', 'b')
      ON CONFLICT (phone) DO UPDATE SET status = CASE WHEN subscribers.status = 'opted_out' THEN 'opted_out' ELSE excluded.status END`);
    expect(await events(db)).toEqual([]);
  });

  it('keeps one outcome per alert from the fixed list', async () => {
    db = await memoryDbAt(migration0015.version);
    await db.exec(`
      INSERT INTO officers (id, username, display_name, roles, pass_hash, created_at, updated_at) VALUES (1, 'a', 'A', '[]', 'x', 'n', 'n');
      INSERT INTO alerts (id, uuid, kind, category, language, created_by, last_edited_by, created_at, updated_at)
        VALUES (1, 'u1', 'alert', 'burglary', 'da', 1, 1, 'n', 'n');
      INSERT INTO alert_outcomes (alert_id, outcome, tips_helped, recorded_by, recorded_at) VALUES (1, 'found', 1, 1, 'n');
    `);
    await expect(db.exec("INSERT INTO alert_outcomes (alert_id, outcome, recorded_by, recorded_at) VALUES (1, 'solved', 1, 'n')")).rejects.toThrow(/UNIQUE|PRIMARY/);
    await expect(db.exec("UPDATE alert_outcomes SET outcome = 'maybe'")).rejects.toThrow(/CHECK/);
  });
});
