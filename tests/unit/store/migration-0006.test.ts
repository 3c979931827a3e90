import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../electron/store/db';
import { memoryDbAt } from '../../support/store';

describe('migration 0006 (alerts)', () => {
  let db: Db;
  afterEach(() => db?.close());

  const officer = async () =>
    (
      await db.run(
        `INSERT INTO officers (username, display_name, roles, pass_hash, created_at, updated_at)
         VALUES ('jensen', 'Jensen', '["operator"]', 'scrypt$...', 'now', 'now')`,
      )
    ).lastID;
  const alert = (by: number, over: Record<string, string | number | null> = {}) => {
    const row: Record<string, string | number | null> = {
      uuid: `u-${Math.random()}`,
      kind: 'alert',
      parent_id: null,
      category: 'burglary',
      language: 'da',
      created_by: by,
      last_edited_by: by,
      created_at: 'now',
      updated_at: 'now',
      ...over,
    };
    const cols = Object.keys(row);
    return db.run(`INSERT INTO alerts (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`, cols.map((c) => row[c]!));
  };

  it('starts a draft at revision 1 needing approval, with empty texts and no area', async () => {
    db = await memoryDbAt(6);
    const by = await officer();
    const { lastID } = await alert(by);
    expect(await db.get('SELECT status, revision, needs_approval, sms_text, fields, area, cap_status, urgency FROM alerts WHERE id = ?', [lastID])).toEqual({
      status: 'draft',
      revision: 1,
      needs_approval: 1,
      sms_text: '',
      fields: '{}',
      area: null,
      cap_status: 'Actual',
      urgency: 'routine',
    });
  });

  it('refuses unknown statuses and kinds, and follow-ups without a parent (or alerts with one)', async () => {
    db = await memoryDbAt(6);
    const by = await officer();
    await expect(alert(by, { status: 'lost' })).rejects.toThrow(/CHECK/);
    await expect(alert(by, { kind: 'memo' })).rejects.toThrow(/CHECK/);
    await expect(alert(by, { kind: 'update' })).rejects.toThrow(/CHECK/);
    const { lastID } = await alert(by);
    await expect(alert(by, { parent_id: lastID })).rejects.toThrow(/CHECK/);
    await expect(alert(by, { kind: 'close', parent_id: lastID })).resolves.toBeDefined();
    await expect(alert(by, { kind: 'update', parent_id: 999 })).rejects.toThrow(/FOREIGN KEY/);
  });

  it('keeps uuids unique and a frozen recipient once per alert, deleted with the alert', async () => {
    db = await memoryDbAt(6);
    const by = await officer();
    await alert(by, { uuid: 'same' });
    await expect(alert(by, { uuid: 'same' })).rejects.toThrow(/UNIQUE/);
    const { lastID } = await alert(by);
    await db.run('INSERT INTO alert_recipients (alert_id, subscriber_id) VALUES (?, 7)', [lastID]);
    await expect(db.run('INSERT INTO alert_recipients (alert_id, subscriber_id) VALUES (?, 7)', [lastID])).rejects.toThrow(/UNIQUE|PRIMARY/);
    // No foreign key to subscribers: the record of who an alert went to outlives an erasure.
    await db.run('INSERT INTO alert_recipients (alert_id, subscriber_id) VALUES (?, 123456)', [lastID]);
    await db.run('DELETE FROM alerts WHERE id = ?', [lastID]);
    expect(await db.get('SELECT count(*) AS n FROM alert_recipients')).toEqual({ n: 0 });
  });

  it('needs an existing officer as author', async () => {
    db = await memoryDbAt(6);
    await expect(alert(42)).rejects.toThrow(/FOREIGN KEY/);
  });
});
