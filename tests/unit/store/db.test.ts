import { afterEach, describe, expect, it } from 'vitest';
import { Db, insertMany } from '../../../electron/store/db';

describe('Db', () => {
  let db: Db;
  afterEach(() => db?.close());
  const setup = async () => {
    db = await Db.open(':memory:', true);
    await db.exec('CREATE TABLE t (a INTEGER NOT NULL, b TEXT UNIQUE)');
  };
  const count = async () => (await db.get<{ n: number }>('SELECT count(*) AS n FROM t'))!.n;

  it('inserts many rows across full and partial statements', async () => {
    await setup();
    const rows = Array.from({ length: 12_345 }, (_, i) => [i, `v${i}`] as const);
    expect(await db.transaction((tx) => insertMany(tx, 'INSERT INTO t (a, b)', 2, rows))).toBe(12_345);
    expect(await count()).toBe(12_345);
    expect(await db.get('SELECT a, b FROM t WHERE a = 12344')).toEqual({ a: 12344, b: 'v12344' });
  });

  it('rolls the whole transaction back at the first failure', async () => {
    await setup();
    const rows = Array.from({ length: 3000 }, (_, i) => [i, i === 2500 ? 'v1' : `v${i}`] as const);
    await expect(db.transaction((tx) => insertMany(tx, 'INSERT INTO t (a, b)', 2, rows))).rejects.toThrow(/UNIQUE/);
    expect(await count()).toBe(0);
  });

  it('refuses a row of the wrong width', async () => {
    await setup();
    await expect(db.transaction((tx) => insertMany(tx, 'INSERT INTO t (a, b)', 2, [[1]]))).rejects.toThrow(/expected 2/);
    expect(await count()).toBe(0);
  });

  it('runs queued calls one at a time, so transactions never interleave', async () => {
    await setup();
    const slow = db.transaction(async (tx) => {
      await tx.run("INSERT INTO t (a, b) VALUES (1, 'x')");
      await new Promise((r) => setTimeout(r, 20));
      throw new Error('abort');
    });
    const reader = db.get<{ n: number }>('SELECT count(*) AS n FROM t'); // queued after the transaction
    await expect(slow).rejects.toThrow('abort');
    expect(await reader).toEqual({ n: 0 });
  });

  it('streams rows with each and reports errors thrown by the row callback', async () => {
    await setup();
    await db.transaction((tx) => insertMany(tx, 'INSERT INTO t (a, b)', 2, [[1, 'a'], [2, 'b'], [3, 'c']]));
    const seen: number[] = [];
    expect(await db.each<{ a: number }>('SELECT a FROM t ORDER BY a', [], (r) => seen.push(r.a))).toBe(3);
    expect(seen).toEqual([1, 2, 3]);
    await expect(
      db.each('SELECT a FROM t', [], () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
  });
});
