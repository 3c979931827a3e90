import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../electron/store/db';
import { memoryDbAt } from '../../support/store';

const version = async (db: Db) => (await db.get<{ version: number }>('SELECT version FROM registry_version WHERE id = 1'))!.version;

/** Runs `sql` and tells whether the registry version moved. */
async function bumps(db: Db, sql: string): Promise<boolean> {
  const before = await version(db);
  await db.exec(sql);
  return (await version(db)) > before;
}

describe('migration 0008 (index snapshot, registry version)', () => {
  let db: Db;
  afterEach(() => db?.close());

  it('starts the registry version at 1 with one row, and keeps it to one row', async () => {
    db = await memoryDbAt(8);
    expect(await db.all('SELECT id, version FROM registry_version')).toEqual([{ id: 1, version: 1 }]);
    await expect(db.run('INSERT INTO registry_version (id, version) VALUES (2, 1)')).rejects.toThrow(/CHECK/);
  });

  it('bumps the version on every insert, update and delete of the tables the index is built from', async () => {
    db = await memoryDbAt(8);
    const sub = "INSERT INTO subscribers (id, phone, created_at, updated_at) VALUES (1, '+4520000001', 'now', 'now')";
    expect(await bumps(db, sub)).toBe(true);
    expect(await bumps(db, "UPDATE subscribers SET status = 'paused' WHERE id = 1")).toBe(true);
    expect(await bumps(db, 'INSERT INTO places (subscriber_id, lat, lon) VALUES (1, 55.9, 12.3)')).toBe(true);
    expect(await bumps(db, 'UPDATE places SET lat = 55.8')).toBe(true);
    expect(await bumps(db, 'DELETE FROM places')).toBe(true);
    expect(await bumps(db, 'INSERT INTO subscriber_groups (subscriber_id, group_id) VALUES (1, 1)')).toBe(true);
    expect(await bumps(db, 'DELETE FROM subscriber_groups')).toBe(true);
    expect(await bumps(db, "INSERT INTO subscriber_categories (subscriber_id, category) VALUES (1, 'fraud')")).toBe(true);
    expect(await bumps(db, "UPDATE subscriber_categories SET category = 'traffic'")).toBe(true);
    expect(await bumps(db, "INSERT INTO groups (code, name_da, name_en) VALUES ('x', 'X', 'X')")).toBe(true);
    expect(await bumps(db, "DELETE FROM groups WHERE code = 'x'")).toBe(true);
    // The erase path: a cascade from subscribers to places, groups and categories.
    await db.exec("INSERT INTO places (subscriber_id, lat, lon) VALUES (1, 55.9, 12.3); INSERT INTO subscriber_groups VALUES (1, 2)");
    expect(await bumps(db, 'DELETE FROM subscribers WHERE id = 1')).toBe(true);
    expect(await db.get('SELECT count(*) n FROM places')).toEqual({ n: 0 });
  });

  it('leaves the version alone for other tables, the snapshot itself and rolled-back writes', async () => {
    db = await memoryDbAt(8);
    expect(await bumps(db, "INSERT INTO index_snapshot (part, data) VALUES ('header', x'00')")).toBe(false);
    expect(await bumps(db, "DELETE FROM index_snapshot")).toBe(false);
    const before = await version(db);
    await expect(
      db.transaction(async (tx) => {
        await tx.run("INSERT INTO subscribers (phone, created_at, updated_at) VALUES ('+4520000002', 'now', 'now')");
        throw new Error('abandon');
      }),
    ).rejects.toThrow('abandon');
    expect(await version(db)).toBe(before);
  });

  it('holds one row per snapshot part, never without data', async () => {
    db = await memoryDbAt(8);
    await db.run('INSERT INTO index_snapshot (part, data) VALUES (?, ?)', ['subIds.0', Buffer.from([1, 2, 3])]);
    await expect(db.run('INSERT INTO index_snapshot (part, data) VALUES (?, ?)', ['subIds.0', Buffer.from([4])])).rejects.toThrow(/UNIQUE/);
    await expect(db.run('INSERT INTO index_snapshot (part, data) VALUES (?, NULL)', ['subIds.1'])).rejects.toThrow(/NOT NULL/);
    expect(await db.get('SELECT data FROM index_snapshot')).toEqual({ data: Buffer.from([1, 2, 3]) });
  });
});
