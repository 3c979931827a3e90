import { afterEach, describe, expect, it } from 'vitest';
import { migration0011 } from '../../../electron/store/migrations/0011-signin-pause';
import type { Db } from '../../../electron/store/db';
import { memoryDbAt } from '../../support/store';

describe('migration 0011 (sign-in pause)', () => {
  let db: Db;
  afterEach(() => db?.close());

  it('leaves existing officers unpaused, and keeps a pause written afterwards', async () => {
    db = await memoryDbAt(migration0011.version - 1);
    await db.run(
      `INSERT INTO officers (username, display_name, roles, pass_hash, created_at, updated_at) VALUES ('jensen', 'x', '["operator"]', 'scrypt$...', 'now', 'now')`,
    );
    await db.transaction((tx) => migration0011.up(tx));
    expect(await db.get('SELECT signin_paused_until FROM officers')).toEqual({ signin_paused_until: null });
    await db.run("UPDATE officers SET signin_paused_until = '2026-12-05T12:01:00.000Z'");
    expect(await db.get('SELECT signin_paused_until FROM officers')).toEqual({ signin_paused_until: '2026-12-05T12:01:00.000Z' });
  });
});
