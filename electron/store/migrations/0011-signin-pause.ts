import type { Migration } from './types';

/**
 * A paused account stays paused across processes: the pause after repeated wrong passphrases
 * lived in one process's memory, so every CLI `--as` started with a clean slate.
 */
export const migration0011: Migration = {
  version: 11,
  name: 'signin-pause',
  async up(tx) {
    await tx.exec('ALTER TABLE officers ADD COLUMN signin_paused_until TEXT');
  },
};
