import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../electron/store/db';
import { memoryDbAt } from '../../support/store';

describe('migration 0003 (audit)', () => {
  let db: Db;
  afterEach(() => db?.close());

  const insert = (seq: number, action = 'sign_in') =>
    db.run(
      "INSERT INTO audit_log (seq, at, officer, action, subject, details, prev_hash, hash) VALUES (?, '2026-11-24T09:00:00.000Z', 'anna', ?, NULL, NULL, 'p', 'h')",
      [seq, action],
    );

  it('creates the audit log next to the earlier tables', async () => {
    db = await memoryDbAt(3);
    const tables = await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    expect(tables.map((t) => t.name)).toContain('audit_log');
    const columns = await db.all<{ name: string; notnull: number }>('PRAGMA table_info(audit_log)');
    expect(columns.map((c) => [c.name, c.notnull])).toEqual([
      ['seq', 0],
      ['at', 1],
      ['officer', 0],
      ['action', 1],
      ['subject', 0],
      ['details', 0],
      ['prev_hash', 1],
      ['hash', 1],
    ]);
  });

  it('is absent before version 3', async () => {
    db = await memoryDbAt(2);
    const row = await db.get("SELECT name FROM sqlite_master WHERE name = 'audit_log'");
    expect(row).toBeUndefined();
  });

  it('refuses updates and deletes, and a second entry with the same seq', async () => {
    db = await memoryDbAt(3);
    await insert(1);
    await expect(insert(1)).rejects.toThrow(/UNIQUE|PRIMARY KEY/);
    await expect(db.run("UPDATE audit_log SET officer = 'mallory' WHERE seq = 1")).rejects.toThrow(/append-only/);
    await expect(db.run('DELETE FROM audit_log WHERE seq = 1')).rejects.toThrow(/append-only/);
    expect(await db.get('SELECT officer FROM audit_log WHERE seq = 1')).toEqual({ officer: 'anna' });
  });

  it('accepts actions it has never heard of, so a new action needs no migration', async () => {
    db = await memoryDbAt(3);
    await insert(1, 'something_new');
    expect(await db.get('SELECT action FROM audit_log')).toEqual({ action: 'something_new' });
  });

  it('refuses an entry without its hashes', async () => {
    db = await memoryDbAt(3);
    await expect(
      db.run("INSERT INTO audit_log (at, action, prev_hash) VALUES ('2026-11-24T09:00:00.000Z', 'sign_in', 'p')"),
    ).rejects.toThrow(/NOT NULL/);
  });
});
