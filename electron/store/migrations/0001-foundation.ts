import type { Migration } from './types';

/** Settings, imported boundaries and configured gateways: what an empty console needs. */
export const migration0001: Migration = {
  version: 1,
  name: 'foundation',
  async up(tx) {
    await tx.exec(`
      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL -- JSON
      );
      CREATE TABLE boundaries (
        id          INTEGER PRIMARY KEY,
        kind        TEXT NOT NULL CHECK (kind IN ('district', 'municipality', 'postcode', 'region')),
        code        TEXT NOT NULL,
        name        TEXT NOT NULL,
        geometry    TEXT NOT NULL, -- GeoJSON Polygon or MultiPolygon, [lon, lat], WGS84
        min_lon     REAL NOT NULL,
        min_lat     REAL NOT NULL,
        max_lon     REAL NOT NULL,
        max_lat     REAL NOT NULL,
        imported_at TEXT NOT NULL,
        UNIQUE (kind, code)
      );
      CREATE TABLE gateways (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE,
        kind       TEXT NOT NULL CHECK (kind IN ('simulator', 'smpp', 'kannel', 'http')),
        url        TEXT NOT NULL, -- may hold credentials: lives only inside the encrypted store
        is_primary INTEGER NOT NULL DEFAULT 0 CHECK (is_primary IN (0, 1)),
        enabled    INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
        created_at TEXT NOT NULL
      );
    `);
  },
};
