import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../electron/store/db';
import { memoryDbAt } from '../../support/store';

describe('migration 0004 (dispatch)', () => {
  let db: Db;
  afterEach(() => db?.close());

  const addSend = (state = 'sending', priority = 'routine') =>
    db.run(
      `INSERT INTO sends (text, encoding, segments, priority, state, primary_gateway, active_gateway, validity_minutes, created_at)
       VALUES ('x', 'GSM-7', 1, ?, ?, 'sim', 'sim', 60, 'now')`,
      [priority, state],
    );
  const addRow = (sendId: number, state = 'queued') =>
    db.run("INSERT INTO outbox (send_id, phone, state, next_attempt_at, updated_at) VALUES (?, '+4520000001', ?, 0, 0)", [sendId, state]);

  it('creates sends, outbox, outbox_parts and send_log with the indexes the pump uses', async () => {
    db = await memoryDbAt(4);
    const tables = await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('sends', 'outbox', 'outbox_parts', 'send_log') ORDER BY name");
    expect(tables.map((t) => t.name)).toEqual(['outbox', 'outbox_parts', 'send_log', 'sends']);
    const { lastID } = await addSend();
    const plan = await db.all<{ detail: string }>(
      "EXPLAIN QUERY PLAN SELECT id FROM outbox WHERE send_id = ? AND state = 'queued' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT 10",
      [lastID, 0],
    );
    // The claim is a range scan of the index, with no sort step.
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING (COVERING )?INDEX outbox_by_send_state/);
    expect(plan.map((p) => p.detail).join(' ')).not.toMatch(/TEMP B-TREE/);
  });

  it('accepts only known states and priorities', async () => {
    db = await memoryDbAt(4);
    await expect(addSend('exploded')).rejects.toThrow(/CHECK/);
    await expect(addSend('sending', 'whenever')).rejects.toThrow(/CHECK/);
    const { lastID } = await addSend();
    await addRow(lastID, 'deferred');
    await expect(addRow(lastID, 'lost')).rejects.toThrow(/CHECK/);
  });

  it('finds a part by gateway and message id, and the same id on two gateways is two parts', async () => {
    db = await memoryDbAt(4);
    const { lastID: sendId } = await addSend();
    const { lastID: rowId } = await addRow(sendId);
    await db.run("INSERT INTO outbox_parts (gateway, message_id, outbox_id) VALUES ('a', '1F', ?), ('b', '1F', ?)", [rowId, rowId]);
    await expect(db.run("INSERT INTO outbox_parts (gateway, message_id, outbox_id) VALUES ('a', '1F', ?)", [rowId])).rejects.toThrow(/UNIQUE|PRIMARY/);
    const part = await db.get<{ state: string }>("SELECT state FROM outbox_parts WHERE gateway = 'a' AND message_id = '1F'");
    expect(part?.state).toBe('accepted');
  });

  it('refuses rows for a send that does not exist, and removes rows, parts and log with their send', async () => {
    db = await memoryDbAt(4);
    await expect(addRow(999)).rejects.toThrow(/FOREIGN KEY/);
    const { lastID: sendId } = await addSend();
    const { lastID: rowId } = await addRow(sendId);
    await db.run("INSERT INTO outbox_parts (gateway, message_id, outbox_id) VALUES ('a', '1', ?)", [rowId]);
    await db.run("INSERT INTO send_log (send_id, at, kind) VALUES (?, 'now', 'released')", [sendId]);
    await db.run('DELETE FROM sends WHERE id = ?', [sendId]);
    for (const table of ['outbox', 'outbox_parts', 'send_log']) {
      expect((await db.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))?.n, table).toBe(0);
    }
  });
});
