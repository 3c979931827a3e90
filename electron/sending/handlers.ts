/** The dispatch channels: the monitor's view of sends and their control, over the running sender. */
import type { Category } from '../../shared/registry/subscriber';
import { TrykError } from '../../shared/bridge/result';
import { appendAudit } from '../audit/service';
import { ALL_ROLES } from '../bridge/dispatcher';
import type { Caller, DomainHandlers } from '../bridge/dispatcher';
import type { ControlRecord, SendStatus } from '../dispatch/engine';
import type { Services } from '../services';
import { deliveryCells } from './cells';
import type { Sender } from './sender';

/** Recent sends for the monitor. */
const RECENT_SENDS = 'SELECT id FROM sends ORDER BY id DESC LIMIT ?';
// Answers to citizens are sends of their own ('reply:<id>', one SMS each): listed apart so a
// flood of them never pushes the alerts out of the monitor's list.
const RECENT_ANSWERS = "SELECT id FROM sends WHERE alert_ref LIKE 'reply:%' ORDER BY id DESC LIMIT ?";
const RECENT_OTHERS = "SELECT id FROM sends WHERE alert_ref IS NULL OR alert_ref NOT LIKE 'reply:%' ORDER BY id DESC LIMIT ?";

type DispatchChannel = 'dispatch.titles' | 'dispatch.list' | 'dispatch.status' | 'dispatch.pause' | 'dispatch.resume' | 'dispatch.cancel' | 'dispatch.resend' | 'dispatch.cells';

export function dispatchHandlers(services: Services, sender: () => Sender | null): DomainHandlers<DispatchChannel> {
  const engine = () => {
    const s = sender();
    if (!s) throw new TrykError('unavailable', 'This console is not sending (no dispatch engine is running here)');
    return s.engine;
  };
  /**
   * Runs a control and audits it with the officer, in the engine's own transaction: the change
   * and its entry commit together or not at all. A control that is refused (a done send, an
   * unknown id) changes nothing and is not audited.
   */
  const controlled = (caller: Caller, action: 'send_paused' | 'send_resumed' | 'send_cancelled', sendId: number, op: (record: ControlRecord) => Promise<SendStatus>) =>
    op(async (tx, state) => {
      await appendAudit(tx, { at: new Date(), officer: caller.session.officer!.username, action, subject: `send:${sendId}`, details: { host: caller.host, state } });
    });
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
    'dispatch.pause': { roles: ['approver'], handle: ({ sendId }, caller) => controlled(caller, 'send_paused', sendId, (record) => engine().pause(sendId, record)) },
    'dispatch.resume': { roles: ['approver'], handle: ({ sendId }, caller) => controlled(caller, 'send_resumed', sendId, (record) => engine().resume(sendId, record)) },
    'dispatch.cancel': { roles: ['approver'], handle: ({ sendId }, caller) => controlled(caller, 'send_cancelled', sendId, (record) => engine().cancel(sendId, record)) },
    // Sending again after a gateway fix is the shift leader's call too; never to anyone delivered.
    'dispatch.resend': {
      roles: ['approver'],
      handle: ({ sendId }, caller) =>
        engine().resendFailed(sendId, (tx, resent) =>
          appendAudit(tx, { at: new Date(), officer: caller.session.officer!.username, action: 'send_resent', subject: `send:${sendId}`, details: { resent, via: 'console' } }).then(() => undefined),
        ),
    },
    // Every role watching the monitor sees what each send is (the alert's category, its text and
    // whether it is an exercise), without the drafters' alerts.get. Sends that are no alert's are left out.
    'dispatch.titles': {
      roles: ALL_ROLES,
      passive: true,
      handle: async ({ sendIds }) => {
        const rows = await services.store.db.all<{ sendId: number; alertId: number; category: string; smsText: string; capStatus: string }>(
          `SELECT s.id AS sendId, a.id AS alertId, a.category, a.sms_text AS smsText, a.cap_status AS capStatus
             FROM sends s JOIN alerts a ON s.alert_ref = 'alert:' || a.id
            WHERE s.id IN (${sendIds.map(() => '?').join(', ')})`,
          sendIds,
        );
        return rows.map((r) => ({ sendId: r.sendId, alertId: r.alertId, category: r.category as Category, smsText: r.smsText, exercise: r.capStatus === 'Exercise' }));
      },
    },
    'dispatch.cells': { roles: ALL_ROLES, passive: true, handle: ({ sendId, zoom }) => deliveryCells(services.store.db, sendId, zoom) },
  };
}
