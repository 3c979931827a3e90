import type { Migration } from './types';

/**
 * Surveys of the citizen panel (electron/surveys) and the tip counts an alert keeps after its
 * tips are deleted.
 *
 * The group `borgerpanel` is where panel members are (joined by the SMS keyword PANEL, an
 * import's group column or `tryk panel add`). A survey's recipients are frozen when it is sent,
 * like an alert's; answers keep one row per person and question (the last answer replaces the
 * earlier). Recipients and answers go with an erased person (ON DELETE CASCADE).
 *
 * alert_tip_counts: tips are deleted after the retention (90 days by default); before that the
 * sweep adds each alert's counts here, so the evaluation still counts them afterwards.
 */
export const migration0016: Migration = {
  version: 16,
  name: 'surveys',
  async up(tx) {
    await tx.exec(`
      INSERT OR IGNORE INTO groups (code, name_da, name_en, builtin) VALUES ('borgerpanel', 'Borgerpanel', 'Citizen panel', 1);

      CREATE TABLE surveys (
        id          INTEGER PRIMARY KEY,
        title       TEXT NOT NULL,
        language    TEXT NOT NULL DEFAULT 'da' CHECK (language IN ('da', 'en')),
        questions   TEXT NOT NULL, -- JSON: shared/surveys/schema.ts SurveyQuestion[]
        audience    TEXT NOT NULL, -- JSON: SurveyAudience
        sms_text    TEXT NOT NULL,
        state       TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'approved', 'sending', 'open', 'closed')),
        created_by  INTEGER NOT NULL REFERENCES officers (id),
        created_at  TEXT NOT NULL,
        approved_by INTEGER REFERENCES officers (id),
        approved_at TEXT,
        sent_by     INTEGER REFERENCES officers (id),
        sent_at     TEXT,
        closed_by   INTEGER REFERENCES officers (id),
        closed_at   TEXT,
        send_id     INTEGER REFERENCES sends (id),
        invalid     INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE survey_recipients (
        survey_id     INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
        subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
        PRIMARY KEY (survey_id, subscriber_id)
      ) WITHOUT ROWID;
      CREATE INDEX survey_recipients_by_subscriber ON survey_recipients (subscriber_id);
      CREATE TABLE survey_answers (
        survey_id     INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
        subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
        question      INTEGER NOT NULL CHECK (question BETWEEN 0 AND 2),
        value         TEXT NOT NULL,
        answered_at   TEXT NOT NULL,
        PRIMARY KEY (survey_id, subscriber_id, question)
      ) WITHOUT ROWID;

      CREATE TABLE alert_tip_counts (
        alert_id     INTEGER PRIMARY KEY REFERENCES alerts (id) ON DELETE CASCADE,
        tips         INTEGER NOT NULL,
        useful       INTEGER NOT NULL,
        first_tip_at TEXT -- ISO UTC of the earliest tip kept here
      );
    `);
  },
};
