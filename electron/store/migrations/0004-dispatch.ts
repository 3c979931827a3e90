import type { Migration } from './types';

/**
 * The durable outbox (electron/dispatch): a send per released alert, one row per recipient
 * frozen before anything is submitted, the gateway's ids for each part so receipts find
 * their row, and a log of what a send went through.
 *
 * Times the dispatch compares on its hot path (next_attempt_at, updated_at) are integer
 * milliseconds since the epoch; the rest are ISO 8601 UTC text like the other tables.
 * subscriber_id has no foreign key on purpose: a send is a record of what was sent, and
 * erasing a person must not rewrite the counts of past alerts (erasure blanks the phone).
 */
export const migration0004: Migration = {
  version: 4,
  name: 'dispatch',
  async up(tx) {
    await tx.exec(`
      CREATE TABLE sends (
        id                  INTEGER PRIMARY KEY,
        alert_ref           TEXT,    -- the alert's id once alerts exist; free text until then
        text                TEXT NOT NULL,
        encoding            TEXT NOT NULL CHECK (encoding IN ('GSM-7', 'UCS-2')),
        segments            INTEGER NOT NULL CHECK (segments >= 1),
        priority            TEXT NOT NULL CHECK (priority IN ('urgent', 'routine')),
        -- queued: the recipient list is being frozen; nothing leaves before 'sending'.
        state               TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'paused', 'done', 'cancelled')),
        primary_gateway     TEXT NOT NULL,
        fallback_gateway    TEXT,
        active_gateway      TEXT NOT NULL, -- where the rest of the send goes (the fallback after a switch)
        validity_minutes    INTEGER NOT NULL CHECK (validity_minutes >= 1),
        respect_quiet_hours INTEGER NOT NULL DEFAULT 1 CHECK (respect_quiet_hours IN (0, 1)),
        recipients          INTEGER NOT NULL DEFAULT 0,
        created_at          TEXT NOT NULL,
        released_at         TEXT,
        finished_at         TEXT,
        possible_duplicates INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX sends_by_state ON sends (state);
      CREATE INDEX sends_by_alert ON sends (alert_ref);

      CREATE TABLE outbox (
        id              INTEGER PRIMARY KEY,
        send_id         INTEGER NOT NULL REFERENCES sends (id) ON DELETE CASCADE,
        subscriber_id   INTEGER,
        phone           TEXT NOT NULL, -- E.164, resolved and frozen at release
        state           TEXT NOT NULL CHECK (state IN ('queued', 'deferred', 'submitting', 'accepted', 'delivered', 'failed', 'expired', 'cancelled')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL, -- ms; for 'deferred', the end of the recipient's quiet hours
        gateway         TEXT,             -- the gateway of the last submit
        reason_code     TEXT,             -- why it failed or expired, or the last temporary error
        updated_at      INTEGER NOT NULL  -- ms
      );
      -- The pump's claim (send, queued, due first), the counts per state and the
      -- maintenance sweeps (deferred due, validity) are all range scans of this one index.
      CREATE INDEX outbox_by_send_state ON outbox (send_id, state, next_attempt_at);

      -- One row per part the gateway accepted: receipts name a part, not a recipient.
      CREATE TABLE outbox_parts (
        gateway     TEXT NOT NULL,
        message_id  TEXT NOT NULL,
        outbox_id   INTEGER NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
        state       TEXT NOT NULL DEFAULT 'accepted' CHECK (state IN ('accepted', 'delivered', 'failed', 'expired')),
        reason_code TEXT,
        PRIMARY KEY (gateway, message_id)
      ) WITHOUT ROWID;
      CREATE INDEX outbox_parts_by_outbox ON outbox_parts (outbox_id);

      CREATE TABLE send_log (
        id      INTEGER PRIMARY KEY,
        send_id INTEGER NOT NULL REFERENCES sends (id) ON DELETE CASCADE,
        at      TEXT NOT NULL,
        kind    TEXT NOT NULL, -- released, possible_duplicates, gateway_switch, paused, resumed, cancelled, done, …
        count   INTEGER,       -- how many recipients the event is about, when it is about some
        detail  TEXT           -- JSON; never a phone number or the message text
      );
      CREATE INDEX send_log_by_send ON send_log (send_id, id);
    `);
  },
};
