import { outcomes } from '../../../shared/reports/schema';
import type { Migration } from './types';

/**
 * Evaluation (electron/reports): the registry's history and the outcome of each alert.
 *
 * subscriber_events is written by triggers rather than by the registry's writers, for the
 * reason migration 0008's version counter is: every writer (import, erase, STOP/START from
 * the inbound router, the demo generator, any future one) is covered and none can forget.
 * A sign-up is dated by the consent time when the row carries one (an import of an older
 * registry must not put every sign-up on the import day), else by when the row was made.
 * subscriber_id has no foreign key: an erased person's sign-up and leaving stay counted
 * (as a number; their groups and places are gone with them).
 * The existing registry is backfilled: each subscriber's sign-up, and an opt-out at the last
 * update for those already opted out.
 *
 * send_figures keeps the delivery figures of a finished send (every row final, so they can no
 * longer change), computed from its outbox rows by electron/reports/figures.ts the first time
 * they are asked for: a year's report then reads ~200 rows instead of ~200,000. Keyed by the
 * send's finished_at, so a row that does not match the send is ignored and recomputed.
 */
export const migration0015: Migration = {
  version: 15,
  name: 'evaluation',
  async up(tx) {
    const utc = (expr: string) => `strftime('%Y-%m-%dT%H:%M:%fZ', ${expr})`;
    const nowUtc = `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`;
    await tx.exec(`
      CREATE TABLE subscriber_events (
        id            INTEGER PRIMARY KEY,
        at            TEXT NOT NULL, -- ISO 8601 UTC
        subscriber_id INTEGER NOT NULL,
        kind          TEXT NOT NULL CHECK (kind IN ('signup', 'opt_out', 'opt_in', 'erase'))
      );
      CREATE INDEX subscriber_events_by_at ON subscriber_events (at);

      CREATE TRIGGER subscriber_events_signup AFTER INSERT ON subscribers WHEN NEW.status != 'opted_out'
        BEGIN INSERT INTO subscriber_events (at, subscriber_id, kind)
          VALUES (coalesce(${utc('NEW.consent_at')}, ${utc('NEW.created_at')}, ${nowUtc}), NEW.id, 'signup'); END;
      CREATE TRIGGER subscriber_events_opt_out AFTER UPDATE OF status ON subscribers
        WHEN OLD.status != 'opted_out' AND NEW.status = 'opted_out'
        BEGIN INSERT INTO subscriber_events (at, subscriber_id, kind)
          VALUES (CASE WHEN NEW.updated_at > OLD.updated_at THEN coalesce(${utc('NEW.updated_at')}, ${nowUtc}) ELSE ${nowUtc} END, NEW.id, 'opt_out'); END;
      CREATE TRIGGER subscriber_events_opt_in AFTER UPDATE OF status ON subscribers
        WHEN OLD.status = 'opted_out' AND NEW.status != 'opted_out'
        BEGIN INSERT INTO subscriber_events (at, subscriber_id, kind)
          VALUES (CASE WHEN NEW.updated_at > OLD.updated_at THEN coalesce(${utc('NEW.updated_at')}, ${nowUtc}) ELSE ${nowUtc} END, NEW.id, 'opt_in'); END;
      CREATE TRIGGER subscriber_events_erase AFTER DELETE ON subscribers WHEN OLD.status != 'opted_out'
        BEGIN INSERT INTO subscriber_events (at, subscriber_id, kind) VALUES (${nowUtc}, OLD.id, 'erase'); END;

      INSERT INTO subscriber_events (at, subscriber_id, kind)
        SELECT coalesce(${utc('consent_at')}, ${utc('created_at')}, ${nowUtc}), id, 'signup' FROM subscribers ORDER BY id;
      INSERT INTO subscriber_events (at, subscriber_id, kind)
        SELECT coalesce(${utc('updated_at')}, ${nowUtc}), id, 'opt_out' FROM subscribers WHERE status = 'opted_out' ORDER BY id;

      CREATE TABLE alert_outcomes (
        alert_id    INTEGER PRIMARY KEY REFERENCES alerts (id) ON DELETE CASCADE,
        outcome     TEXT NOT NULL CHECK (outcome IN (${outcomes.map((o) => `'${o}'`).join(', ')})),
        tips_helped INTEGER CHECK (tips_helped IN (0, 1)), -- null: not said
        note        TEXT NOT NULL DEFAULT '',
        recorded_by INTEGER NOT NULL REFERENCES officers (id),
        recorded_at TEXT NOT NULL
      );

      CREATE TABLE send_figures (
        send_id     INTEGER PRIMARY KEY REFERENCES sends (id) ON DELETE CASCADE,
        finished_at TEXT NOT NULL,
        counts      TEXT NOT NULL, -- JSON: outbox rows by state
        t50_ms      REAL,          -- after the release, of the delivered messages; null: none delivered
        t90_ms      REAL,
        t99_ms      REAL,
        parts       INTEGER NOT NULL
      );
    `);
  },
};
