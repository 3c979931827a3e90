import { afterEach, describe, expect, it } from 'vitest';
import { migration0012 } from '../../../electron/store/migrations/0012-officer-phone';
import type { Db } from '../../../electron/store/db';
import { memoryDbAt } from '../../support/store';

describe('migration 0012 (officer phone)', () => {
  let db: Db;
  afterEach(() => db?.close());

  it('gives existing officers no phone, and takes one afterwards', async () => {
    db = await memoryDbAt(migration0012.version - 1);
    await db.run(
      `INSERT INTO officers (username, display_name, roles, pass_hash, created_at, updated_at) VALUES ('jensen', 'x', '["operator"]', 'scrypt$...', 'now', 'now')`,
    );
    await db.transaction((tx) => migration0012.up(tx));
    expect(await db.get('SELECT phone FROM officers')).toEqual({ phone: null });
    await db.run("UPDATE officers SET phone = '+4520123456'");
    expect(await db.get('SELECT phone FROM officers')).toEqual({ phone: '+4520123456' });
  });
});
