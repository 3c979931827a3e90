import type { Migration } from './types';

/**
 * Facebook and X: the configured channels (credentials inside the encrypted store only), the
 * posting outbox (one row per alert and channel, written before the call: exactly once), the
 * reach time series polled from each post, and the comments and replies citizens write under
 * our posts (untrusted text). An alert's chosen channels live on the alert, so an edit after
 * approval voids the approval of the channels too.
 */
export const migration0010: Migration = {
  version: 10,
  name: 'social',
  async up(tx) {
    await tx.exec(`
      CREATE TABLE social_channels (
        id           INTEGER PRIMARY KEY,
        name         TEXT NOT NULL UNIQUE,
        kind         TEXT NOT NULL CHECK (kind IN ('facebook', 'x')),
        url          TEXT NOT NULL, -- holds the token: never leaves the main process
        enabled      INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
        state        TEXT NOT NULL DEFAULT 'ok' CHECK (state IN ('ok', 'needs_login')),
        state_at     TEXT,
        created_at   TEXT NOT NULL
      );

      CREATE TABLE social_posts (
        id              INTEGER PRIMARY KEY,
        alert_id        INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
        channel_id      INTEGER NOT NULL REFERENCES social_channels (id) ON DELETE CASCADE,
        -- post: the alert itself; comment/reply: a follow-up under the original's post
        kind            TEXT NOT NULL CHECK (kind IN ('post', 'comment', 'reply')),
        in_reply_to     TEXT,
        text            TEXT NOT NULL,
        -- queued → posting (intent recorded, call under way or outcome unknown) → posted,
        -- or failed (refused) / needs_login (token expired); deleted: gone on the platform
        status          TEXT NOT NULL CHECK (status IN ('queued', 'posting', 'posted', 'failed', 'needs_login', 'deleted')),
        remote_id       TEXT,
        attempts        INTEGER NOT NULL DEFAULT 0,
        intent_at       TEXT,
        next_attempt_at TEXT,
        last_error      TEXT,
        created_at      TEXT NOT NULL,
        posted_at       TEXT,
        deleted_at      TEXT,
        next_poll_at    TEXT,
        polls           INTEGER NOT NULL DEFAULT 0,
        UNIQUE (alert_id, channel_id)
      );
      CREATE INDEX social_posts_due ON social_posts (status, next_attempt_at);

      CREATE TABLE social_metrics (
        post_id  INTEGER NOT NULL REFERENCES social_posts (id) ON DELETE CASCADE,
        at       TEXT NOT NULL,
        metric   TEXT NOT NULL,
        value    INTEGER NOT NULL,
        PRIMARY KEY (post_id, metric, at)
      ) WITHOUT ROWID;

      CREATE TABLE social_comments (
        id          INTEGER PRIMARY KEY,
        channel_id  INTEGER NOT NULL REFERENCES social_channels (id) ON DELETE CASCADE,
        post_id     INTEGER NOT NULL REFERENCES social_posts (id) ON DELETE CASCADE,
        alert_id    INTEGER REFERENCES alerts (id) ON DELETE SET NULL,
        remote_id   TEXT NOT NULL,
        author      TEXT NOT NULL, -- a citizen's display name: personal data, in the store only
        text        TEXT NOT NULL, -- untrusted: shown as text, never markup
        created_at  TEXT NOT NULL,
        received_at TEXT NOT NULL,
        UNIQUE (channel_id, remote_id)
      );
      CREATE INDEX social_comments_by_alert ON social_comments (alert_id, created_at);

      ALTER TABLE alerts ADD COLUMN channels TEXT NOT NULL DEFAULT '["sms"]';
    `);
  },
};
