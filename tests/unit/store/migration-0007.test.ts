import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../electron/store/db';
import { memoryDbAt } from '../../support/store';

describe('migration 0007 (inbound messages)', () => {
  let db: Db;
  afterEach(() => db?.close());

  it('stores an inbound message, unhandled and tied to no alert by default', async () => {
    db = await memoryDbAt(7);
    await db.run("INSERT INTO inbound_messages (gateway, from_phone, to_address, text, received_at) VALUES ('sim', '+4526000001', '1999', 'Jeg så en bil', 'now')");
    expect(await db.get('SELECT alert_id, handled FROM inbound_messages')).toEqual({ alert_id: null, handled: 0 });
  });

  it('refuses a tie to an alert that does not exist', async () => {
    db = await memoryDbAt(7);
    await expect(
      db.run("INSERT INTO inbound_messages (gateway, from_phone, to_address, text, received_at, alert_id) VALUES ('sim', '+4526000001', '1999', 'x', 'now', 999)"),
    ).rejects.toThrow(/FOREIGN KEY/);
  });
});
