/** The dispatch channels: the monitor's view of sends and their control, over the running sender. */
import { TrykError } from '../../shared/bridge/result';
import { ALL_ROLES } from '../bridge/dispatcher';
import type { DomainHandlers } from '../bridge/dispatcher';
import type { Services } from '../services';
import { deliveryCells } from './cells';
import type { Sender } from './sender';

/** Recent sends for the monitor. */
const RECENT_SENDS = 'SELECT id FROM sends ORDER BY id DESC LIMIT ?';

type DispatchChannel = 'dispatch.list' | 'dispatch.status' | 'dispatch.pause' | 'dispatch.resume' | 'dispatch.cancel' | 'dispatch.cells';

export function dispatchHandlers(services: Services, sender: () => Sender | null): DomainHandlers<DispatchChannel> {
  const engine = () => {
    const s = sender();
    if (!s) throw new TrykError('unavailable', 'This console is not sending (no dispatch engine is running here)');
    return s.engine;
  };
  return {
    'dispatch.list': {
      roles: ALL_ROLES,
      passive: true,
      handle: async ({ limit }) => {
        const e = engine();
        const ids = await services.store.db.all<{ id: number }>(RECENT_SENDS, [limit]);
        return Promise.all(ids.map((r) => e.status(r.id)));
      },
    },
    'dispatch.status': { roles: ALL_ROLES, passive: true, handle: ({ sendId }) => engine().status(sendId) },
    'dispatch.pause': { roles: ['operator', 'approver'], handle: ({ sendId }) => engine().pause(sendId) },
    'dispatch.resume': { roles: ['operator', 'approver'], handle: ({ sendId }) => engine().resume(sendId) },
    // Stopping an approved alert half-way is the shift leader's call.
    'dispatch.cancel': { roles: ['approver'], handle: ({ sendId }) => engine().cancel(sendId) },
    'dispatch.cells': { roles: ALL_ROLES, passive: true, handle: ({ sendId, zoom }) => deliveryCells(services.store.db, sendId, zoom) },
  };
}
