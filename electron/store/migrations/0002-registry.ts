import type { Migration } from './types';

/** The subscriber registry: people, their places, groups and the categories they want. */
export const migration0002: Migration = {
  version: 2,
  name: 'registry',
  async up(tx) {
    await tx.exec(`
      CREATE TABLE subscribers (
        id                   INTEGER PRIMARY KEY,
        phone                TEXT NOT NULL UNIQUE, -- E.164
        name                 TEXT,
        language             TEXT NOT NULL DEFAULT 'da' CHECK (language IN ('da', 'en')),
        status               TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'opted_out')),
        consent_at           TEXT,
        consent_method       TEXT,
        consent_text_version TEXT,
        quiet_start          INTEGER CHECK (quiet_start BETWEEN 0 AND 1439), -- minutes after local midnight
        quiet_end            INTEGER CHECK (quiet_end BETWEEN 0 AND 1439),
        created_at           TEXT NOT NULL,
        updated_at           TEXT NOT NULL
      );
      CREATE TABLE places (
        id            INTEGER PRIMARY KEY,
        subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
        kind          TEXT NOT NULL DEFAULT 'home', -- home, work, summer_house, other
        address       TEXT,
        lat           REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
        lon           REAL NOT NULL CHECK (lon BETWEEN -180 AND 180)
      );
      CREATE INDEX places_by_subscriber ON places (subscriber_id);
      CREATE TABLE groups (
        id      INTEGER PRIMARY KEY,
        code    TEXT NOT NULL UNIQUE,
        name_da TEXT NOT NULL,
        name_en TEXT NOT NULL,
        builtin INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1))
      );
      CREATE TABLE subscriber_groups (
        subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
        group_id      INTEGER NOT NULL REFERENCES groups (id),
        PRIMARY KEY (subscriber_id, group_id)
      ) WITHOUT ROWID;
      CREATE TABLE subscriber_categories (
        subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
        category      TEXT NOT NULL,
        PRIMARY KEY (subscriber_id, category)
      ) WITHOUT ROWID;
      INSERT INTO groups (code, name_da, name_en, builtin) VALUES
        ('citizen', 'Borgere', 'Citizens', 1),
        ('taxi', 'Taxa', 'Taxi firms', 1),
        ('shop', 'Butikker', 'Shops', 1),
        ('home_care', 'Hjemmepleje', 'Home care', 1),
        ('neighbourhood_watch', 'Nabohjælp', 'Neighbourhood watch', 1);
    `);
  },
};
