import type { Migration } from './types';

/** Tables whose rows the place index is built from; a write to any of them changes the index. */
export const INDEXED_TABLES = ['subscribers', 'places', 'groups', 'subscriber_groups', 'subscriber_categories'] as const;

/**
 * A persisted copy of the place index (electron/targeting/snapshot.ts) and the registry
 * version it must match.
 *
 * The version is bumped by triggers rather than by the writers: a writer that forgets to bump
 * would make start-up serve a stale index, and triggers cannot be forgotten (the registry
 * import, erase, the demo generator and any future writer are all covered). SQLite triggers are
 * per row; measured on bulk demo writes (insertMany, 500-row statements, 200,000 subscribers
 * and ~1.5 M trigger firings) the cost was within the run-to-run noise of this machine.
 * The counter only grows, so a snapshot tagged with an old version can never match again.
 */
export const migration0008: Migration = {
  version: 8,
  name: 'index-snapshot',
  async up(tx) {
    const triggers = INDEXED_TABLES.flatMap((table) =>
      ['INSERT', 'UPDATE', 'DELETE'].map(
        (op) => `CREATE TRIGGER registry_version_${table}_${op.toLowerCase()} AFTER ${op} ON ${table}
           BEGIN UPDATE registry_version SET version = version + 1; END;`,
      ),
    );
    await tx.exec(`
      CREATE TABLE registry_version (
        id      INTEGER PRIMARY KEY CHECK (id = 1),
        version INTEGER NOT NULL
      );
      INSERT INTO registry_version (id, version) VALUES (1, 1);
      CREATE TABLE index_snapshot (
        part TEXT PRIMARY KEY,
        data BLOB NOT NULL
      );
      ${triggers.join('\n')}
    `);
  },
};
