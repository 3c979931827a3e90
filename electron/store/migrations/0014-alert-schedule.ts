import type { Migration } from './types';

/**
 * When an approved alert is released (release_at: not before; null: at once) and until when it
 * is sent (expires_at: recipients not reached by then end as expired). ISO 8601 in UTC, so
 * they compare as text; in the store, so a restart keeps the plan.
 */
export const migration0014: Migration = {
  version: 14,
  name: 'alert-schedule',
  async up(tx) {
    await tx.run('ALTER TABLE alerts ADD COLUMN release_at TEXT');
    await tx.run('ALTER TABLE alerts ADD COLUMN expires_at TEXT');
  },
};
