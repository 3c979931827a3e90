import { afterEach, describe, expect, it } from 'vitest';
import { migration0014 } from '../../../electron/store/migrations/0014-alert-schedule';
import type { Db } from '../../../electron/store/db';
import { memoryDbAt } from '../../support/store';

describe('migration 0014 (alert schedule)', () => {
  let db: Db;
  afterEach(() => db?.close());

  it('adds an empty release time and end of sending to the alerts', async () => {
    db = await memoryDbAt(migration0014.version - 1);
    await db.transaction((tx) => migration0014.up(tx));
    const columns = (await db.all<{ name: string }>('PRAGMA table_info(alerts)')).map((c) => c.name);
    expect(columns).toEqual(expect.arrayContaining(['release_at', 'expires_at']));
  });
});
