import type { Migration } from './types';

/**
 * An alert in two languages: its SMS in the other language than `language` (sms_text_other,
 * '' for none), and per send the texts it carries (send_texts: variant 0 is sends.text, the
 * alert's own language; variant 1 the other) with each recipient's variant frozen on its outbox
 * row at release, so a restart or a resend sends everyone the text chosen for them then.
 */
export const migration0017: Migration = {
  version: 17,
  name: 'alert-languages',
  async up(tx) {
    await tx.run("ALTER TABLE alerts ADD COLUMN sms_text_other TEXT NOT NULL DEFAULT ''");
    await tx.run('ALTER TABLE outbox ADD COLUMN variant INTEGER NOT NULL DEFAULT 0');
    await tx.run(`
      CREATE TABLE send_texts (
        send_id  INTEGER NOT NULL REFERENCES sends (id) ON DELETE CASCADE,
        variant  INTEGER NOT NULL CHECK (variant >= 1),
        language TEXT NOT NULL CHECK (language IN ('da', 'en')),
        text     TEXT NOT NULL,
        encoding TEXT NOT NULL CHECK (encoding IN ('GSM-7', 'UCS-2')),
        segments INTEGER NOT NULL CHECK (segments >= 1),
        PRIMARY KEY (send_id, variant)
      ) WITHOUT ROWID`);
  },
};
