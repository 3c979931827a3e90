import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../electron/store/db';
import { memoryDbAt } from '../../support/store';

describe('migration 0001 (foundation)', () => {
  let db: Db;
  afterEach(() => db?.close());

  it('creates settings, boundaries and gateways', async () => {
    db = await memoryDbAt(1);
    const tables = await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    expect(tables.map((t) => t.name)).toEqual(['boundaries', 'gateways', 'settings']);
  });

  it('keeps one boundary per kind and code, and refuses unknown kinds', async () => {
    db = await memoryDbAt(1);
    const insert = `INSERT INTO boundaries (kind, code, name, geometry, min_lon, min_lat, max_lon, max_lat, imported_at)
                    VALUES (?, ?, 'x', '{}', 0, 0, 1, 1, 'now')`;
    await db.run(insert, ['postcode', '3400']);
    await db.run(insert, ['municipality', '3400']);
    await expect(db.run(insert, ['postcode', '3400'])).rejects.toThrow(/UNIQUE/);
    await expect(db.run(insert, ['county', '1'])).rejects.toThrow(/CHECK/);
  });

  it('accepts only known gateway kinds', async () => {
    db = await memoryDbAt(1);
    const insert = "INSERT INTO gateways (name, kind, url, created_at) VALUES (?, ?, 'simulator://', 'now')";
    await db.run(insert, ['sim', 'simulator']);
    await expect(db.run(insert, ['pigeon', 'carrier-pigeon'])).rejects.toThrow(/CHECK/);
  });
});
