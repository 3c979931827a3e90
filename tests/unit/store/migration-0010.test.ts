import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../electron/store/db';
import { migration0010 } from '../../../electron/store/migrations/0010-social';
import { memoryDbAt } from '../../support/store';

describe('migration 0010 (social)', () => {
  let db: Db;
  afterEach(() => db?.close());

  async function withAlert() {
    db = await memoryDbAt(migration0010.version);
    await db.run("INSERT INTO officers (id, username, display_name, roles, pass_hash, created_at, updated_at) VALUES (1, 'a', 'A', '[]', 'x', 'now', 'now')");
    await db.run("INSERT INTO alerts (id, uuid, kind, category, language, created_by, last_edited_by, created_at, updated_at) VALUES (1, 'u', 'alert', 'burglary', 'da', 1, 1, 'now', 'now')");
    await db.run("INSERT INTO social_channels (id, name, kind, url, created_at) VALUES (1, 'fb', 'facebook', 'facebook://1?token=t', 'now')");
  }

  it('gives existing alerts the SMS channel only', async () => {
    await withAlert();
    expect(await db.get('SELECT channels FROM alerts')).toEqual({ channels: '["sms"]' });
  });

  it('holds one post per alert and channel', async () => {
    await withAlert();
    const post = "INSERT INTO social_posts (alert_id, channel_id, kind, text, status, created_at) VALUES (1, 1, 'post', 't', 'queued', 'now')";
    await db.run(post);
    await expect(db.run(post)).rejects.toThrow(/UNIQUE/);
  });

  it('refuses an unknown channel kind and a comment twice', async () => {
    await withAlert();
    await expect(db.run("INSERT INTO social_channels (name, kind, url, created_at) VALUES ('m', 'myspace', 'u', 'now')")).rejects.toThrow(/CHECK/);
    await db.run("INSERT INTO social_posts (id, alert_id, channel_id, kind, text, status, created_at) VALUES (1, 1, 1, 'post', 't', 'posted', 'now')");
    const c = "INSERT INTO social_comments (channel_id, post_id, alert_id, remote_id, author, text, created_at, received_at) VALUES (1, 1, 1, 'c1', 'A', '<b>x</b>', 'now', 'now')";
    await db.run(c);
    await expect(db.run(c)).rejects.toThrow(/UNIQUE/);
  });
});
