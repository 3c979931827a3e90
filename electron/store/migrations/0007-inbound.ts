import type { Migration } from './types';

/** Messages citizens send to the console's numbers (tips, STOP/START), as the gateways deliver them. */
export const migration0007: Migration = {
  version: 7,
  name: 'inbound',
  async up(tx) {
    await tx.exec(`
      CREATE TABLE inbound_messages (
        id          INTEGER PRIMARY KEY,
        gateway     TEXT NOT NULL,
        from_phone  TEXT NOT NULL, -- personal data: inside the encrypted store only
        to_address  TEXT NOT NULL,
        text        TEXT NOT NULL,
        received_at TEXT NOT NULL,
        alert_id    INTEGER REFERENCES alerts (id) ON DELETE SET NULL,
        handled     INTEGER NOT NULL DEFAULT 0 CHECK (handled IN (0, 1))
      );
      CREATE INDEX inbound_by_time ON inbound_messages (received_at);
    `);
  },
};
