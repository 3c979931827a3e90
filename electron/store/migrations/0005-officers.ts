import type { Migration } from './types';

/** Local officer accounts: who may draft, approve and administer. Passphrases as scrypt hashes. */
export const migration0005: Migration = {
  version: 5,
  name: 'officers',
  async up(tx) {
    await tx.exec(`
      CREATE TABLE officers (
        id           INTEGER PRIMARY KEY,
        username     TEXT NOT NULL UNIQUE COLLATE NOCASE,
        display_name TEXT NOT NULL,
        roles        TEXT NOT NULL, -- JSON array of 'operator' | 'approver' | 'admin'
        pass_hash    TEXT NOT NULL, -- scrypt$N$r$p$salt$hash, base64
        disabled     INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
        failed_signins INTEGER NOT NULL DEFAULT 0,
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL
      );
    `);
  },
};
