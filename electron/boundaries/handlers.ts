/** The map's channels: boundary lists, outlines and search; towns for offline names; a tile server test. */
import { ALL_ROLES } from '../bridge/dispatcher';
import type { DomainHandlers } from '../bridge/dispatcher';
import type { Services } from '../services';
import { danishTowns } from './towns';
import { TrykError } from '../../shared/bridge/result';
import { testTileServer, tileRequestUrl } from '../map/tiles';
import { appendAudit } from '../audit/service';
import { putSetting } from '../config/settings';

export function boundaryHandlers(
  services: Services,
): DomainHandlers<'boundaries.list' | 'boundaries.outlines' | 'boundaries.search' | 'boundaries.towns' | 'map.testTiles' | 'map.setTileUrl'> {
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
    // The same check and audit entry as `tryk settings map.tileUrl`; the map's security policy
    // takes its tile host at start, so the map uses a new address from the next start.
    'map.setTileUrl': {
      roles: ['admin'],
      handle: async ({ url }, caller) => {
        if (url !== null) tileRequestUrl(url);
        const before = await services.settings.get('map.tileUrl');
        await services.store.db.transaction(async (tx) => {
          await putSetting(tx, 'map.tileUrl', url);
          await appendAudit(tx, {
            at: new Date(),
            officer: caller.session.officer!.username,
            action: 'settings_changed',
            subject: 'setting:map.tileUrl',
            details: { from: before, to: url, host: caller.host },
          });
        });
        return { tileUrl: url };
      },
    },
  };
}
