import type { Db } from '../../../electron/store/db';

let officerMade = false;
/** An alert as released by the alert service (its own tests cover how it gets there). */
export async function releasedAlert(db: Db, opts: { text: string; channels: string[]; parentId?: number | null; releasedAt?: Date }): Promise<number> {
  if (!officerMade || !(await db.get('SELECT 1 FROM officers WHERE id = 1'))) {
    await db.run("INSERT OR IGNORE INTO officers (id, username, display_name, roles, pass_hash, created_at, updated_at) VALUES (1, 'jensen', 'Jensen', '[\"operator\"]', 'x', 'now', 'now')");
    officerMade = true;
  }
  const at = (opts.releasedAt ?? new Date()).toISOString();
  const { lastID } = await db.run(
    `INSERT INTO alerts (uuid, kind, parent_id, category, language, sms_text, social_text, status, created_by, last_edited_by, released_at, created_at, updated_at, channels)
     VALUES (?, ?, ?, 'burglary', 'da', 'sms', ?, 'scheduled', 1, 1, ?, ?, ?, ?)`,
    [`uuid-${Math.random()}`, opts.parentId ? 'update' : 'alert', opts.parentId ?? null, opts.text, at, at, at, JSON.stringify(opts.channels)],
  );
  return lastID;
}
