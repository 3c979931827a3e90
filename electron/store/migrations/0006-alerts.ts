import type { Migration } from './types';

/**
 * Alerts (electron/alerts): the composer's drafts through approval to sending, and the
 * frozen list of who a released alert went to.
 *
 * alert_recipients has no foreign key to subscribers on purpose: it is the record of who an
 * alert reached, so a follow-up goes to exactly those people; erasing a person removes them
 * from `subscribers`, and the dispatch engine then skips their id (it resolves active ids only).
 */
export const migration0006: Migration = {
  version: 6,
  name: 'alerts',
  async up(tx) {
    await tx.exec(`
      CREATE TABLE alerts (
        id                 INTEGER PRIMARY KEY,
        uuid               TEXT NOT NULL UNIQUE, -- the CAP identifier, stable across edits
        kind               TEXT NOT NULL CHECK (kind IN ('alert', 'update', 'close')),
        parent_id          INTEGER REFERENCES alerts (id),
        category           TEXT NOT NULL,
        template_id        TEXT,
        language           TEXT NOT NULL CHECK (language IN ('da', 'en')),
        fields             TEXT NOT NULL DEFAULT '{}', -- JSON object of template field values
        sms_text           TEXT NOT NULL DEFAULT '',
        social_text        TEXT NOT NULL DEFAULT '',
        cap_enabled        INTEGER NOT NULL DEFAULT 0 CHECK (cap_enabled IN (0, 1)),
        cap_status         TEXT NOT NULL DEFAULT 'Actual' CHECK (cap_status IN ('Actual', 'Exercise', 'Test', 'Draft')),
        urgency            TEXT NOT NULL DEFAULT 'routine' CHECK (urgency IN ('urgent', 'routine')),
        area               TEXT, -- JSON TargetArea
        filter             TEXT, -- JSON TargetFilter
        status             TEXT NOT NULL DEFAULT 'draft' CHECK (status IN (
                             'draft', 'awaiting_approval', 'approved', 'scheduled', 'sending', 'sent',
                             'closed', 'rejected', 'cancelled')),
        revision           INTEGER NOT NULL DEFAULT 1 CHECK (revision >= 1),
        needs_approval     INTEGER NOT NULL DEFAULT 1 CHECK (needs_approval IN (0, 1)),
        -- The area's count when the area or filter last changed: the 'above N' rule for drafts
        -- without counting on every keystroke.
        recipient_estimate INTEGER,
        created_by         INTEGER NOT NULL REFERENCES officers (id),
        last_edited_by     INTEGER NOT NULL REFERENCES officers (id),
        submitted_by       INTEGER REFERENCES officers (id),
        submitted_at       TEXT,
        approved_by        INTEGER REFERENCES officers (id), -- null with approved_at: no approval was needed
        approved_at        TEXT,
        approved_revision  INTEGER,
        decision_comment   TEXT,
        released_at        TEXT, -- recipients frozen, handed to dispatch
        sent_at            TEXT,
        created_at         TEXT NOT NULL,
        updated_at         TEXT NOT NULL,
        CHECK ((kind = 'alert') = (parent_id IS NULL))
      );
      CREATE INDEX alerts_by_status ON alerts (status, updated_at);
      CREATE INDEX alerts_by_updated ON alerts (updated_at);
      CREATE INDEX alerts_by_parent ON alerts (parent_id);

      CREATE TABLE alert_recipients (
        alert_id      INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
        subscriber_id INTEGER NOT NULL,
        PRIMARY KEY (alert_id, subscriber_id)
      ) WITHOUT ROWID;
    `);
  },
};
