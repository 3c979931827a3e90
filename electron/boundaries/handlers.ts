/** The map's channels: boundary lists, outlines and search; towns for offline names; a tile server test. */
import { ALL_ROLES } from '../bridge/dispatcher';
import type { DomainHandlers } from '../bridge/dispatcher';
import type { Services } from '../services';
import { danishTowns } from './towns';
import { TrykError } from '../../shared/bridge/result';
import { testTileServer } from '../map/tiles';

export function boundaryHandlers(
  services: Services,
): DomainHandlers<'boundaries.list' | 'boundaries.outlines' | 'boundaries.search' | 'boundaries.towns' | 'map.testTiles'> {
  return {
    'boundaries.list': { roles: ALL_ROLES, handle: ({ kind }) => services.boundaries.list(kind) },
    'boundaries.outlines': { roles: ALL_ROLES, handle: ({ kind }) => services.boundaries.outlines(kind) },
    'boundaries.search': { roles: ALL_ROLES, handle: ({ query }) => services.boundaries.search(query) },
    'boundaries.towns': { roles: ALL_ROLES, handle: async () => danishTowns() },
    'map.testTiles': {
      roles: ['admin'],
      handle: async ({ url }) => {
        const template = url ?? (await services.status()).map.tileUrl;
        if (!template) throw new TrykError('bad_request', 'No tile address is set: give one to test (setting map.tileUrl)');
        return testTileServer(template);
      },
    },
  };
}
