import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../electron/store/db';
import { migration0013 } from '../../../electron/store/migrations/0013-tips';
import { memoryDbAt } from '../../support/store';

describe('migration 0013 (tips)', () => {
  let db: Db;
  afterEach(() => db?.close());

  it('recognises an SMSC id once per gateway, and a part once', async () => {
    db = await memoryDbAt(migration0013.version);
    const ins = (gw: string, id: string) =>
      db.run("INSERT INTO inbound_messages (gateway, from_phone, to_address, text, received_at, smsc_id) VALUES (?, '+4520123401', '1999', 'x', 'now', ?)", [gw, id]);
    await ins('a', 'm1');
    await ins('b', 'm1');
    await expect(ins('a', 'm1')).rejects.toThrow(/UNIQUE/);
    const part = () => db.run("INSERT INTO inbound_parts (gateway, from_phone, to_address, reference, total, seq, text, received_at) VALUES ('a', '+45', '1', 9, 2, 1, 'x', 'now')");
    await part();
    await expect(part()).rejects.toThrow(/UNIQUE|PRIMARY/);
  });

  it('keeps tips searchable as they are written, changed and deleted, and refuses unknown states and channels', async () => {
    db = await memoryDbAt(migration0013.version);
    const tip = (text: string, channel = 'sms', state = 'new') =>
      db.run("INSERT INTO tips (channel, sender, text, received_at, state, updated_at) VALUES (?, '+4520123401', ?, 'now', ?, 'now')", [channel, text, state]);
    await tip('Rød bil ved Netto');
    await tip('Mand i blå jakke', 'facebook');
    const match = async (q: string) => (await db.all<{ rowid: number }>('SELECT rowid FROM tips_fts WHERE tips_fts MATCH ?', [q])).map((r) => r.rowid);
    expect(await match('netto')).toEqual([1]);
    expect(await match('bla')).toEqual([2]); // å folded by remove_diacritics
    await db.run("UPDATE tips SET text = 'Grøn bil' WHERE id = 1");
    expect(await match('netto')).toEqual([]);
    await db.run('DELETE FROM tips WHERE id = 2');
    expect(await match('jakke')).toEqual([]);
    await expect(tip('x', 'sms', 'maybe')).rejects.toThrow(/CHECK/);
    await expect(tip('x', 'myspace')).rejects.toThrow(/CHECK/);
  });

  it('records answers as pending intents of known kinds only', async () => {
    db = await memoryDbAt(migration0013.version);
    await db.run("INSERT INTO sms_replies (kind, phone, gateway, text, created_at) VALUES ('stop_confirm', '+4520123401', 'sim', 'ok', 'now')");
    expect(await db.get('SELECT state, send_id FROM sms_replies')).toEqual({ state: 'pending', send_id: null });
    await expect(db.run("INSERT INTO sms_replies (kind, phone, gateway, text, created_at) VALUES ('spam', '+45', 'sim', 'x', 'now')")).rejects.toThrow(/CHECK/);
  });
});
