import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../electron/store/db';
import { memoryDbAt } from '../../support/store';

describe('migration 0002 (registry)', () => {
  let db: Db;
  afterEach(() => db?.close());

  const addSubscriber = (phone: string, status = 'active') =>
    db.run("INSERT INTO subscribers (phone, status, created_at, updated_at) VALUES (?, ?, 'now', 'now')", [phone, status]);

  it('seeds the built-in groups', async () => {
    db = await memoryDbAt(2);
    const groups = await db.all<{ code: string }>('SELECT code FROM groups WHERE builtin = 1 ORDER BY code');
    expect(groups.map((g) => g.code)).toEqual(['citizen', 'home_care', 'neighbourhood_watch', 'shop', 'taxi']);
  });

  it('keeps phone numbers unique and statuses known', async () => {
    db = await memoryDbAt(2);
    await addSubscriber('+4512345678');
    await expect(addSubscriber('+4512345678')).rejects.toThrow(/UNIQUE/);
    await expect(addSubscriber('+4587654321', 'deleted')).rejects.toThrow(/CHECK/);
  });

  it('erases places, groups and categories with the subscriber', async () => {
    db = await memoryDbAt(2);
    const { lastID } = await addSubscriber('+4512345678');
    await db.run("INSERT INTO places (subscriber_id, kind, lat, lon) VALUES (?, 'home', 55.9, 12.3)", [lastID]);
    await db.run("INSERT INTO subscriber_groups (subscriber_id, group_id) SELECT ?, id FROM groups WHERE code = 'citizen'", [lastID]);
    await db.run("INSERT INTO subscriber_categories (subscriber_id, category) VALUES (?, 'burglary')", [lastID]);
    await db.run('DELETE FROM subscribers WHERE id = ?', [lastID]);
    for (const table of ['places', 'subscriber_groups', 'subscriber_categories']) {
      const row = await db.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
      expect(row?.n, table).toBe(0);
    }
  });

  it('refuses places off the globe', async () => {
    db = await memoryDbAt(2);
    const { lastID } = await addSubscriber('+4512345678');
    await expect(
      db.run("INSERT INTO places (subscriber_id, kind, lat, lon) VALUES (?, 'home', 95, 12)", [lastID]),
    ).rejects.toThrow(/CHECK/);
  });
});
