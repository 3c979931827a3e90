import type { Migration } from './types';

/**
 * The citizen's side of the conversation (electron/tips): inbound messages recognised when an
 * SMSC delivers them again, parts of long messages kept until they are whole, tips with their
 * triage and full-text search, SMS the console answers with (kept as intents before they go
 * to the dispatch engine, so none is lost or sent twice), and sign-ups waiting for "JA".
 */
export const migration0013: Migration = {
  version: 13,
  name: 'tips',
  async up(tx) {
    await tx.exec(`
      ALTER TABLE inbound_messages ADD COLUMN smsc_id TEXT;
      ALTER TABLE inbound_messages ADD COLUMN binary INTEGER NOT NULL DEFAULT 0 CHECK (binary IN (0, 1));
      -- what the keyword router made of it: tip, stop, start, confirm, help, partial
      ALTER TABLE inbound_messages ADD COLUMN kind TEXT;
      -- the same text from the same sender again within the repeat window: counted, not stored
      ALTER TABLE inbound_messages ADD COLUMN repeats INTEGER NOT NULL DEFAULT 0;
      CREATE UNIQUE INDEX inbound_by_smsc_id ON inbound_messages (gateway, smsc_id) WHERE smsc_id IS NOT NULL;
      CREATE INDEX inbound_by_sender ON inbound_messages (from_phone, text);

      -- Parts of a concatenated message, each acknowledged once stored; joined when the last arrives.
      CREATE TABLE inbound_parts (
        gateway     TEXT NOT NULL,
        from_phone  TEXT NOT NULL,
        to_address  TEXT NOT NULL,
        reference   INTEGER NOT NULL,
        total       INTEGER NOT NULL CHECK (total BETWEEN 2 AND 255),
        seq         INTEGER NOT NULL,
        text        TEXT NOT NULL,
        binary      INTEGER NOT NULL DEFAULT 0,
        received_at TEXT NOT NULL,
        inbound_id  INTEGER, -- set once joined; kept a while so a redelivered part is recognised
        PRIMARY KEY (gateway, from_phone, reference, total, seq)
      ) WITHOUT ROWID;
      CREATE INDEX inbound_parts_by_time ON inbound_parts (received_at);

      CREATE TABLE tips (
        id          INTEGER PRIMARY KEY,
        inbound_id  INTEGER UNIQUE REFERENCES inbound_messages (id) ON DELETE CASCADE,
        channel     TEXT NOT NULL CHECK (channel IN ('sms', 'facebook', 'x')),
        external_id TEXT,          -- a social comment's id (sms: null)
        sender      TEXT NOT NULL, -- personal data: a phone number or a social handle
        gateway     TEXT,          -- sms: where it came in
        text        TEXT NOT NULL,
        binary      INTEGER NOT NULL DEFAULT 0 CHECK (binary IN (0, 1)),
        partial     INTEGER NOT NULL DEFAULT 0 CHECK (partial IN (0, 1)),
        received_at TEXT NOT NULL,
        alert_id    INTEGER REFERENCES alerts (id) ON DELETE SET NULL,
        reached_at  TEXT,          -- when that alert reached the sender
        state       TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'read', 'useful', 'not_useful', 'forwarded', 'closed')),
        note        TEXT,
        assigned_to TEXT,
        repeats     INTEGER NOT NULL DEFAULT 0,
        flood       INTEGER NOT NULL DEFAULT 0 CHECK (flood IN (0, 1)),
        updated_at  TEXT NOT NULL
      );
      CREATE UNIQUE INDEX tips_by_external ON tips (channel, external_id) WHERE external_id IS NOT NULL;
      CREATE INDEX tips_by_time ON tips (received_at);
      CREATE INDEX tips_by_alert ON tips (alert_id, received_at);
      CREATE INDEX tips_by_state ON tips (state, received_at);
      CREATE INDEX tips_by_sender ON tips (sender, flood, received_at);

      CREATE VIRTUAL TABLE tips_fts USING fts5 (text, content = 'tips', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');
      CREATE TRIGGER tips_fts_insert AFTER INSERT ON tips BEGIN
        INSERT INTO tips_fts (rowid, text) VALUES (new.id, new.text);
      END;
      CREATE TRIGGER tips_fts_delete AFTER DELETE ON tips BEGIN
        INSERT INTO tips_fts (tips_fts, rowid, text) VALUES ('delete', old.id, old.text);
      END;
      CREATE TRIGGER tips_fts_update AFTER UPDATE OF text ON tips BEGIN
        INSERT INTO tips_fts (tips_fts, rowid, text) VALUES ('delete', old.id, old.text);
        INSERT INTO tips_fts (rowid, text) VALUES (new.id, new.text);
      END;

      -- An SMS the console answers a citizen with, recorded before it is handed to the
      -- dispatch engine (as a send with alert_ref 'reply:<id>'), so a crash loses none and a
      -- restart sends none twice.
      CREATE TABLE sms_replies (
        id         INTEGER PRIMARY KEY,
        kind       TEXT NOT NULL CHECK (kind IN ('stop_confirm', 'signup_confirm', 'signup_done', 'signup_refused', 'help', 'tip_reply', 'tip_ack', 'tip_thanks')),
        phone      TEXT NOT NULL, -- personal data
        gateway    TEXT NOT NULL,
        text       TEXT NOT NULL,
        tip_id     INTEGER REFERENCES tips (id) ON DELETE SET NULL,
        officer    TEXT,
        created_at TEXT NOT NULL,
        state      TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'released', 'suppressed')),
        reason     TEXT, -- why it was suppressed (rate limit, opted out)
        send_id    INTEGER
      );
      CREATE INDEX sms_replies_by_state ON sms_replies (state);
      CREATE INDEX sms_replies_by_phone ON sms_replies (phone, created_at);

      -- START/TILMELD from a number: placed at the postcode, active only after "JA".
      CREATE TABLE sms_signups (
        phone        TEXT PRIMARY KEY, -- personal data
        postcode     TEXT,
        lat          REAL,
        lon          REAL,
        requested_at TEXT NOT NULL,
        gateway      TEXT NOT NULL
      );

      -- Per alert: the automatic acknowledgement sent to each tipster (null: none).
      CREATE TABLE alert_tip_settings (
        alert_id INTEGER PRIMARY KEY REFERENCES alerts (id) ON DELETE CASCADE,
        tip_ack  TEXT
      );

      -- Which alert a tip answers: the latest send that reached the number.
      CREATE INDEX outbox_by_phone ON outbox (phone, updated_at);
    `);
  },
};
