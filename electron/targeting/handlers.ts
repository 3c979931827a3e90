/** The targeting channels: counts, density and GeoJSON of an area, over the shared index. */
import { TrykError } from '../../shared/bridge/result';
import type { AreaGeometry } from '../../shared/geo/types';
import { areaToGeoJSON } from '../../shared/targeting/geojson';
import type { BoundaryService } from '../boundaries/service';
import { ALL_ROLES } from '../bridge/dispatcher';
import type { DomainHandlers } from '../bridge/dispatcher';
import type { Services } from '../services';
import { DENSITY_MIN_COUNT, unwrapArea } from './area';

export function targetingHandlers(services: Services): DomainHandlers<'target.count' | 'target.geojson' | 'target.density'> {
  return {
    // Keyed by the caller's session: a newer count from the same connection supersedes a waiting one.
    'target.count': { roles: ALL_ROLES, handle: async ({ area, filter }, caller) => unwrapArea(await (await services.targeting()).count(area, filter, caller.session)) },
    'target.geojson': {
      roles: ALL_ROLES,
      handle: async ({ area }) => {
        const geometryOf = new Map<string, Awaited<ReturnType<BoundaryService['geometry']>>>();
        for (const part of area.parts) {
          if (part.shape.type !== 'boundary') continue;
          const g = await services.boundaries.geometry(part.shape.kind, part.shape.code);
          if (!g) throw new TrykError('bad_request', `No ${part.shape.kind} with code ${part.shape.code}`, { area: 'unknown_boundary' });
          geometryOf.set(`${part.shape.kind}:${part.shape.code}`, g);
        }
        return areaToGeoJSON(area, (kind, code) => geometryOf.get(`${kind}:${code}`) as AreaGeometry | undefined);
      },
    },
    'target.density': {
      roles: ALL_ROLES,
      passive: true,
      handle: async ({ bbox, zoom, filter }) => ({
        ...unwrapArea(await (await services.targeting()).density(bbox, { zoom, minCount: DENSITY_MIN_COUNT, ...(filter ? { filter } : {}) })),
        minCount: DENSITY_MIN_COUNT,
      }),
    },
  };
}
