import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../electron/store/db';
import { memoryDbAt } from '../../support/store';

describe('migration 0005 (officers)', () => {
  let db: Db;
  afterEach(() => db?.close());
  const add = (username: string) =>
    db.run(
      `INSERT INTO officers (username, display_name, roles, pass_hash, created_at, updated_at)
       VALUES (?, 'x', '["operator"]', 'scrypt$...', 'now', 'now')`,
      [username],
    );

  it('keeps usernames unique regardless of case', async () => {
    db = await memoryDbAt(5);
    await add('Hansen');
    await expect(add('hansen')).rejects.toThrow(/UNIQUE/);
  });

  it('starts every account enabled with no failed sign-ins', async () => {
    db = await memoryDbAt(5);
    await add('jensen');
    expect(await db.get('SELECT disabled, failed_signins FROM officers')).toEqual({ disabled: 0, failed_signins: 0 });
  });
});
