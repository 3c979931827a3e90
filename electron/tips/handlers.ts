/**
 * The tip channels of the bridge. Reading and triage are every officer's work; the inbox
 * settings (window, retention, keywords) are an administrator's, audited.
 */
import { TrykError } from '../../shared/bridge/result';
import { appendAudit } from '../audit/service';
import { putSetting } from '../config/settings';
import { selectWhereIn } from '../dispatch/outbox';
import type { Services } from '../services';
import { ALL_ROLES } from '../bridge/dispatcher';
import type { Caller, Handlers } from '../bridge/dispatcher';
import { checkKeywords } from './keywords';
import { tipCells } from './map';
import type { TipService } from './service';

type TipChannel = 'tips.list' | 'tips.open' | 'tips.mark' | 'tips.reply' | 'tips.counts' | 'tips.acknowledgement' | 'tips.thank' | 'tips.settings' | 'tips.cells' | 'tips.answerSends';

function officerOf(caller: Caller) {
  const o = caller.session.officer;
  if (!o) throw new TrykError('unauthorized', 'Sign in first');
  return { username: o.username };
}

export async function readTipSettings(services: Services) {
  return {
    windowHours: await services.settings.get('tips.windowHours'),
    retentionDays: await services.settings.get('tips.retentionDays'),
    floodPerMinute: await services.settings.get('tips.floodPerMinute'),
    keywords: await services.settings.get('tips.keywords'),
  };
}

export function tipHandlers(services: Services, tips: () => TipService): Pick<Handlers, TipChannel> {
  return {
    'tips.list': { roles: ALL_ROLES, passive: true, handle: (req) => tips().list(req) },
    'tips.open': { roles: ALL_ROLES, handle: ({ id }, caller) => tips().open(id, officerOf(caller)) },
    'tips.mark': {
      roles: ALL_ROLES,
      handle: ({ id, ...change }, caller) =>
        tips().mark(
          id,
          {
            ...(change.state !== undefined ? { state: change.state } : {}),
            ...(change.note !== undefined ? { note: change.note } : {}),
            ...(change.assignedTo !== undefined ? { assignedTo: change.assignedTo } : {}),
          },
          officerOf(caller),
        ),
    },
    'tips.reply': {
      roles: ['operator', 'approver'],
      handle: async ({ id, text }, caller) => {
        const r = await tips().reply(id, text, officerOf(caller));
        return { replyId: r.replyId, state: r.state };
      },
    },
    'tips.thank': { roles: ['operator', 'approver'], handle: ({ alertId, text }, caller) => tips().thankTipsters(alertId, text, officerOf(caller)) },
    'tips.counts': { roles: ALL_ROLES, passive: true, handle: () => tips().counts() },
    'tips.answerSends': {
      roles: ALL_ROLES,
      passive: true,
      handle: async ({ replyIds }) => {
        const rows = await selectWhereIn<{ id: number; kind: string; tip_id: number | null; alert_id: number | null }>(
          services.store.db,
          'SELECT r.id, r.kind, r.tip_id, t.alert_id FROM sms_replies r LEFT JOIN tips t ON t.id = r.tip_id WHERE',
          [],
          'r.id',
          [...new Set(replyIds)],
        );
        return rows.map((r) => ({ replyId: r.id, kind: r.kind, tipId: r.tip_id, alertId: r.alert_id }));
      },
    },
    'tips.cells': { roles: ALL_ROLES, passive: true, handle: ({ alertId, zoom }) => tipCells(services.store.db, alertId, zoom) },
    'tips.acknowledgement': {
      roles: ALL_ROLES,
      handle: async ({ alertId, set }, caller) => {
        if (set !== undefined) {
          if (!caller.session.officer?.roles.some((r) => r === 'operator' || r === 'approver')) throw new TrykError('forbidden', 'Only an operator or shift leader sets an alert’s acknowledgement');
          await tips().setAcknowledgement(alertId, set, officerOf(caller));
        }
        return { alertId, text: await tips().acknowledgement(alertId) };
      },
    },
    'tips.settings': {
      roles: ALL_ROLES,
      handle: async ({ set }, caller) => {
        if (set && Object.keys(set).length > 0) {
          if (!caller.session.officer?.roles.includes('admin')) throw new TrykError('forbidden', 'Only an administrator changes the inbox settings');
          if (set.keywords) {
            const problem = checkKeywords(set.keywords);
            if (problem) throw new TrykError('bad_request', `Keywords: ${problem}`);
          }
          await services.store.db.transaction(async (tx) => {
            const put = (key: string, value: unknown) => putSetting(tx, key, value);
            if (set.windowHours !== undefined) await put('tips.windowHours', set.windowHours);
            if (set.retentionDays !== undefined) await put('tips.retentionDays', set.retentionDays);
            if (set.floodPerMinute !== undefined) await put('tips.floodPerMinute', set.floodPerMinute);
            if (set.keywords !== undefined) await put('tips.keywords', set.keywords);
            await appendAudit(tx, { at: new Date(), officer: officerOf(caller).username, action: 'settings_changed', subject: 'tips', details: { keys: Object.keys(set) } });
          });
        }
        return readTipSettings(services);
      },
    },
  };
}
