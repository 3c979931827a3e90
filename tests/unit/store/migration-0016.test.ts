import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../electron/store/db';
import { migration0016 } from '../../../electron/store/migrations/0016-surveys';
import { memoryDbAt } from '../../support/store';

describe('migration 0016 (surveys, the citizen panel, kept tip counts)', () => {
  let db: Db;
  afterEach(() => db?.close());

  it('adds the borgerpanel group beside the built-in ones', async () => {
    db = await memoryDbAt(migration0016.version - 1);
    await db.transaction((tx) => migration0016.up(tx));
    expect(await db.get("SELECT code, name_da, name_en, builtin FROM groups WHERE code = 'borgerpanel'")).toEqual({ code: 'borgerpanel', name_da: 'Borgerpanel', name_en: 'Citizen panel', builtin: 1 });
  });

  it('keeps one answer per person and question, and an erased person takes their answers and place among the recipients along', async () => {
    db = await memoryDbAt(migration0016.version);
    await db.exec(`
      INSERT INTO officers (id, username, display_name, roles, pass_hash, created_at, updated_at) VALUES (1, 'a', 'A', '[]', 'x', 'n', 'n');
      INSERT INTO subscribers (id, phone, created_at, updated_at) VALUES (1, '+4520000001', 'n', 'n'), (2, '+4520000002', 'n', 'n');
      INSERT INTO surveys (id, title, questions, audience, sms_text, created_by, created_at) VALUES (1, 'T', '[]', '{}', 'x', 1, 'n');
      INSERT INTO survey_recipients (survey_id, subscriber_id) VALUES (1, 1), (1, 2);
      INSERT INTO survey_answers (survey_id, subscriber_id, question, value, answered_at) VALUES (1, 1, 0, '4', 'n'), (1, 2, 0, 'JA', 'n');
    `);
    await expect(db.exec("INSERT INTO survey_answers (survey_id, subscriber_id, question, value, answered_at) VALUES (1, 1, 0, '5', 'n')")).rejects.toThrow(/UNIQUE|PRIMARY/);
    await expect(db.exec("INSERT INTO survey_answers (survey_id, subscriber_id, question, value, answered_at) VALUES (1, 1, 3, '5', 'n')")).rejects.toThrow(/CHECK/);
    await expect(db.exec("UPDATE surveys SET state = 'gone' WHERE id = 1")).rejects.toThrow(/CHECK/);
    await db.exec('DELETE FROM subscribers WHERE id = 2');
    expect(await db.all('SELECT subscriber_id FROM survey_recipients')).toEqual([{ subscriber_id: 1 }]);
    expect(await db.all('SELECT subscriber_id, value FROM survey_answers')).toEqual([{ subscriber_id: 1, value: '4' }]);
  });

  it('keeps tip counts per alert, gone with the alert', async () => {
    db = await memoryDbAt(migration0016.version);
    await db.exec(`
      INSERT INTO officers (id, username, display_name, roles, pass_hash, created_at, updated_at) VALUES (1, 'a', 'A', '[]', 'x', 'n', 'n');
      INSERT INTO alerts (id, uuid, kind, category, language, sms_text, status, created_by, last_edited_by, created_at, updated_at)
        VALUES (7, 'u', 'alert', 'burglary', 'da', 'x', 'sent', 1, 1, 'n', 'n');
      INSERT INTO alert_tip_counts (alert_id, tips, useful, first_tip_at) VALUES (7, 3, 1, '2026-01-01T00:00:00.000Z');
    `);
    await db.exec('DELETE FROM alerts WHERE id = 7');
    expect(await db.all('SELECT * FROM alert_tip_counts')).toEqual([]);
  });
});
