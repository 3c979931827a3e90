/** The dispatch channels: the monitor's view of sends and their control, over the running sender. */
import { TrykError } from '../../shared/bridge/result';
import { appendAudit } from '../audit/service';
import { ALL_ROLES } from '../bridge/dispatcher';
import type { Caller, DomainHandlers } from '../bridge/dispatcher';
import type { Services } from '../services';
import { deliveryCells } from './cells';
import type { Sender } from './sender';

/** Recent sends for the monitor. */
const RECENT_SENDS = 'SELECT id FROM sends ORDER BY id DESC LIMIT ?';
// Answers to citizens are sends of their own ('reply:<id>', one SMS each): listed apart so a
// flood of them never pushes the alerts out of the monitor's list.
const RECENT_ANSWERS = "SELECT id FROM sends WHERE alert_ref LIKE 'reply:%' ORDER BY id DESC LIMIT ?";
const RECENT_OTHERS = "SELECT id FROM sends WHERE alert_ref IS NULL OR alert_ref NOT LIKE 'reply:%' ORDER BY id DESC LIMIT ?";

type DispatchChannel = 'dispatch.list' | 'dispatch.status' | 'dispatch.pause' | 'dispatch.resume' | 'dispatch.cancel' | 'dispatch.resend' | 'dispatch.cells';

export function dispatchHandlers(services: Services, sender: () => Sender | null): DomainHandlers<DispatchChannel> {
  const engine = () => {
    const s = sender();
    if (!s) throw new TrykError('unavailable', 'This console is not sending (no dispatch engine is running here)');
    return s.engine;
  };
  /**
   * Runs a control and audits it with the officer. The engine changes the send in its own
   * transaction (electron/dispatch), so the entry follows in the next one; a control that is
   * refused (a done send, an unknown id) is not audited.
   */
  const controlled = async <T extends { state: string }>(caller: Caller, action: 'send_paused' | 'send_resumed' | 'send_cancelled', sendId: number, op: () => Promise<T>): Promise<T> => {
    const status = await op();
    await services.store.db.transaction((tx) =>
      appendAudit(tx, { at: new Date(), officer: caller.session.officer!.username, action, subject: `send:${sendId}`, details: { host: caller.host, state: status.state } }),
    );
    return status;
  };
  return {
    'dispatch.list': {
      roles: ALL_ROLES,
      passive: true,
      handle: async ({ limit, answers }) => {
        const e = engine();
        const ids = await services.store.db.all<{ id: number }>(answers === undefined ? RECENT_SENDS : answers ? RECENT_ANSWERS : RECENT_OTHERS, [limit]);
        return Promise.all(ids.map((r) => e.status(r.id)));
      },
    },
    'dispatch.status': { roles: ALL_ROLES, passive: true, handle: ({ sendId }) => engine().status(sendId) },
    // Holding, restarting or stopping an approved alert half-way is the shift leader's call
    // (README: vagtchef = operator + approver), and each is attributed in the audit trail.
    'dispatch.pause': { roles: ['approver'], handle: ({ sendId }, caller) => controlled(caller, 'send_paused', sendId, () => engine().pause(sendId)) },
    'dispatch.resume': { roles: ['approver'], handle: ({ sendId }, caller) => controlled(caller, 'send_resumed', sendId, () => engine().resume(sendId)) },
    'dispatch.cancel': { roles: ['approver'], handle: ({ sendId }, caller) => controlled(caller, 'send_cancelled', sendId, () => engine().cancel(sendId)) },
    // Sending again after a gateway fix is the shift leader's call too; never to anyone delivered.
    'dispatch.resend': {
      roles: ['approver'],
      handle: ({ sendId }, caller) =>
        engine().resendFailed(sendId, (tx, resent) =>
          appendAudit(tx, { at: new Date(), officer: caller.session.officer!.username, action: 'send_resent', subject: `send:${sendId}`, details: { resent, via: 'console' } }).then(() => undefined),
        ),
    },
    'dispatch.cells': { roles: ALL_ROLES, passive: true, handle: ({ sendId, zoom }) => deliveryCells(services.store.db, sendId, zoom) },
  };
}
