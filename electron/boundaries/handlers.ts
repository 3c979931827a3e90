/** The boundary channels: lists, outlines and search of districts, municipalities and postcodes. */
import { ALL_ROLES } from '../bridge/dispatcher';
import type { DomainHandlers } from '../bridge/dispatcher';
import type { Services } from '../services';

export function boundaryHandlers(services: Services): DomainHandlers<'boundaries.list' | 'boundaries.outlines' | 'boundaries.search'> {
  return {
    'boundaries.list': { roles: ALL_ROLES, handle: ({ kind }) => services.boundaries.list(kind) },
    'boundaries.outlines': { roles: ALL_ROLES, handle: ({ kind }) => services.boundaries.outlines(kind) },
    'boundaries.search': { roles: ALL_ROLES, handle: ({ query }) => services.boundaries.search(query) },
  };
}
