import { afterEach, describe, expect, it } from 'vitest';
import { migration0017 } from '../../../electron/store/migrations/0017-alert-languages';
import type { Db } from '../../../electron/store/db';
import { memoryDbAt } from '../../support/store';

describe('migration 0017 (alert languages)', () => {
  let db: Db;
  afterEach(() => db?.close());

  it('adds the other-language text, a variant per outbox row (0 for rows already there) and the send texts', async () => {
    db = await memoryDbAt(migration0017.version - 1);
    await db.run(
      `INSERT INTO sends (text, encoding, segments, priority, state, primary_gateway, active_gateway, validity_minutes, created_at)
       VALUES ('x', 'GSM-7', 1, 'routine', 'done', 'sim', 'sim', 60, '2026-12-05T00:00:00Z')`,
    );
    await db.run("INSERT INTO outbox (send_id, phone, state, attempts, next_attempt_at, updated_at) VALUES (1, '+4520000001', 'delivered', 1, 0, 0)");
    await db.transaction((tx) => migration0017.up(tx));
    const alertColumns = (await db.all<{ name: string }>('PRAGMA table_info(alerts)')).map((c) => c.name);
    expect(alertColumns).toContain('sms_text_other');
    expect(await db.all('SELECT variant FROM outbox')).toEqual([{ variant: 0 }]);
    await db.run("INSERT INTO send_texts (send_id, variant, language, text, encoding, segments) VALUES (1, 1, 'en', 'Police: x', 'GSM-7', 1)");
    await expect(db.run("INSERT INTO send_texts (send_id, variant, language, text, encoding, segments) VALUES (1, 0, 'en', 'y', 'GSM-7', 1)")).rejects.toThrow(/CHECK/);
    await expect(db.run("INSERT INTO send_texts (send_id, variant, language, text, encoding, segments) VALUES (1, 2, 'de', 'y', 'GSM-7', 1)")).rejects.toThrow(/CHECK/);
  });
});
