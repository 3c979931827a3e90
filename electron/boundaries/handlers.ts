/** The boundary channels: lists, outlines and search of districts, municipalities and postcodes. */
import { ALL_ROLES } from '../bridge/dispatcher';
import type { DomainHandlers } from '../bridge/dispatcher';
import type { Services } from '../services';
import { danishTowns } from './towns';

export function boundaryHandlers(
  services: Services,
): DomainHandlers<'boundaries.list' | 'boundaries.outlines' | 'boundaries.search' | 'boundaries.towns'> {
  return {
    'boundaries.list': { roles: ALL_ROLES, handle: ({ kind }) => services.boundaries.list(kind) },
    'boundaries.outlines': { roles: ALL_ROLES, handle: ({ kind }) => services.boundaries.outlines(kind) },
    'boundaries.search': { roles: ALL_ROLES, handle: ({ query }) => services.boundaries.search(query) },
    'boundaries.towns': { roles: ALL_ROLES, handle: async () => danishTowns() },
  };
}
