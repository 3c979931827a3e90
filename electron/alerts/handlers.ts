/**
 * The alert channels of the bridge. The dispatcher checks the schema and the caller's role;
 * the service checks the rest (four eyes, state transitions, revisions) so the CLI gets the
 * same rules.
 */
import { TrykError } from '../../shared/bridge/result';
import { importCapDraft } from './cap-import';
import { ALL_ROLES } from '../bridge/dispatcher';
import type { Caller, DomainHandlers, Role } from '../bridge/dispatcher';
import type { Services } from '../services';
import type { Actor } from './service';

type AlertChannel =
  | 'alerts.importCap'
  | 'alerts.templates'
  | 'alerts.list'
  | 'alerts.get'
  | 'alerts.create'
  | 'alerts.update'
  | 'alerts.submit'
  | 'alerts.approve'
  | 'alerts.reject'
  | 'alerts.cancel'
  | 'alerts.preview'
  | 'alerts.cap'
  | 'settings.approvalRule'
  | 'audit.list';

/** Drafting is the operator's and the shift leader's work; an admin alone administers. */
const DRAFTERS: readonly Role[] = ['operator', 'approver'];

function actorOf(caller: Caller): Actor {
  const o = caller.session.officer;
  if (!o) throw new TrykError('unauthorized', 'Sign in first');
  return { id: o.id, username: o.username, roles: o.roles };
}

export function alertHandlers(services: Services): DomainHandlers<AlertChannel> {
  const { alerts } = services;
  return {
    'alerts.templates': { roles: DRAFTERS, handle: () => alerts.templates() },
    'alerts.importCap': { roles: DRAFTERS, handle: ({ xml }, caller) => importCapDraft(alerts, services.parse, actorOf(caller), xml) },
    'alerts.list': { roles: DRAFTERS, handle: ({ statuses, limit }) => alerts.list({ ...(statuses ? { statuses } : {}), limit }) },
    'alerts.get': { roles: DRAFTERS, handle: ({ id }) => alerts.get(id) },
    'alerts.create': {
      roles: DRAFTERS,
      handle: (req, caller) =>
        alerts.create(actorOf(caller), {
          category: req.category,
          kind: req.kind,
          language: req.language,
          ...(req.templateId !== undefined ? { templateId: req.templateId } : {}),
          ...(req.parentId !== undefined ? { parentId: req.parentId } : {}),
        }),
    },
    'alerts.update': { roles: DRAFTERS, handle: ({ id, revision, patch }, caller) => alerts.update(actorOf(caller), id, revision, patch) },
    'alerts.submit': { roles: DRAFTERS, handle: ({ id, revision }, caller) => alerts.submit(actorOf(caller), id, revision) },
    'alerts.approve': { roles: ['approver'], handle: ({ id, revision, comment }, caller) => alerts.approve(actorOf(caller), id, revision, comment) },
    'alerts.reject': { roles: ['approver'], handle: ({ id, comment }, caller) => alerts.reject(actorOf(caller), id, comment) },
    'alerts.cancel': { roles: DRAFTERS, handle: ({ id }, caller) => alerts.cancel(actorOf(caller), id) },
    'alerts.preview': { roles: DRAFTERS, handle: ({ id }) => alerts.preview(id) },
    'alerts.cap': { roles: DRAFTERS, handle: async ({ id }) => ({ xml: await alerts.cap(id) }) },
    'settings.approvalRule': {
      roles: ALL_ROLES,
      handle: async ({ set }, caller) => {
        if (set === undefined) return alerts.approvalRule();
        const actor = actorOf(caller);
        if (!actor.roles.includes('admin')) throw new TrykError('forbidden', 'Only an administrator may change the approval rule');
        return alerts.setApprovalRule(actor, set);
      },
    },
    'audit.list': {
      roles: ['approver', 'admin'],
      handle: ({ action, officer, subject, limit }) =>
        alerts.audit({
          limit,
          ...(action !== undefined ? { action } : {}),
          ...(officer !== undefined ? { officer } : {}),
          ...(subject !== undefined ? { subject } : {}),
        }),
    },
  };
}
