import type { Migration } from './types';

/**
 * The `http(s)://` gateway kind is gone: it was accepted and stored but no connector could
 * ever connect it, so such a row only showed a gateway that could not send. Removed here
 * rather than left to fail at every start; a real HTTP provider will be its own connector.
 */
export const migration0009: Migration = {
  version: 9,
  name: 'no-http-gateways',
  async up(tx) {
    await tx.run("DELETE FROM gateways WHERE kind = 'http'");
  },
};
