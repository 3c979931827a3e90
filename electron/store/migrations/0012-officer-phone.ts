import type { Migration } from './types';

/**
 * An officer's own phone number (E.164, optional): where "Send test to my phone" sends a draft
 * before approval. Personal data like a subscriber's number: in the encrypted store only.
 */
export const migration0012: Migration = {
  version: 12,
  name: 'officer-phone',
  async up(tx) {
    await tx.run('ALTER TABLE officers ADD COLUMN phone TEXT');
  },
};
