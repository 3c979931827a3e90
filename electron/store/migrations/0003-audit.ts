import type { Migration } from './types';

/**
 * The audit trail: who did what, when, as a hash chain (see electron/audit/chain.ts).
 * The triggers make the table append-only for the console's own code paths and for anyone
 * who forgets; they are no defence against someone with the key and a SQL shell, who can
 * drop them — that is what the chain and the head in `settings` are for.
 */
export const migration0003: Migration = {
  version: 3,
  name: 'audit',
  async up(tx) {
    await tx.exec(`
      CREATE TABLE audit_log (
        seq       INTEGER PRIMARY KEY,
        at        TEXT NOT NULL,   -- ISO 8601 UTC, so text order is time order
        officer   TEXT,            -- null for the system itself (migrations, scheduled work)
        action    TEXT NOT NULL,   -- no CHECK: new actions must not need a migration
        subject   TEXT,            -- e.g. "alert:42", "subscriber:17"; never a phone number in clear
        details   TEXT,            -- canonical JSON, hashed as stored
        prev_hash TEXT NOT NULL,
        hash      TEXT NOT NULL
      );
      CREATE INDEX audit_by_at ON audit_log (at);
      CREATE INDEX audit_by_officer ON audit_log (officer, at);
      CREATE INDEX audit_by_action ON audit_log (action, at);
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    `);
  },
};
