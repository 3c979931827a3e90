/**
 * An in-memory alerts host for the renderer tests: the contract's alert channels with the
 * rules the composer relies on (revisions, four eyes, statuses), answering as the real host
 * would, so the tests can watch what the console sends and shows.
 */
import type { Alert, Template } from '../../shared/alerts/schema';
import type { ChannelName } from '../../shared/bridge/contract';
import type { Result } from '../../shared/bridge/result';
import { demoHost } from './fakes';
import type { FakeHost } from './fakes';

export const operator = { id: 7, username: 'jensen', displayName: 'Betjent Jensen', roles: ['operator'] as const };
export const approver = { id: 8, username: 'vagtchef', displayName: 'Vagtchef Holm', roles: ['operator', 'approver'] as const };

export const burglaryTemplate: Template = {
  id: 'burglary-da',
  category: 'burglary',
  kind: 'alert',
  language: 'da',
  name: 'Indbrud i området',
  sms: 'Politiet: Indbrud i {area} {time}. Se du noget, så svar på denne SMS eller ring 114.',
  social: 'Indbrud i {area} {time}. Tip os på 114.',
  fields: [
    { key: 'area', label: 'Område', required: true },
    { key: 'time', label: 'Tidspunkt', required: false },
  ],
};
export const closeTemplate: Template = {
  id: 'close-da',
  category: 'general',
  kind: 'close',
  language: 'da',
  name: 'Sagen er lukket',
  sms: 'Politiet: Sagen er lukket. Tak for hjælpen.',
  social: 'Sagen er lukket. Tak for hjælpen.',
  fields: [],
};

export const squareArea = {
  parts: [
    {
      mode: 'include' as const,
      shape: {
        type: 'polygon' as const,
        coordinates: [
          [
            [12.29, 55.92],
            [12.33, 55.92],
            [12.33, 55.94],
            [12.29, 55.94],
            [12.29, 55.92],
          ] as [number, number][],
        ],
      },
    },
  ],
};

type Answer = (payload: unknown) => Result<unknown> | Promise<Result<unknown>> | unknown;
const ok = (value: unknown) => ({ ok: true, value });
const refuse = (code: string, message = code, details?: unknown) => ({ ok: false, error: { code, message, ...(details ? { details } : {}) } });

export function makeAlert(over: Partial<Alert> & { id: number }): Alert {
  return {
    uuid: `uuid-${over.id}`,
    kind: 'alert',
    parentId: null,
    category: 'burglary',
    templateId: burglaryTemplate.id,
    language: 'da',
    fields: {},
    smsText: burglaryTemplate.sms,
    smsTextOther: '',
    socialText: burglaryTemplate.social,
    channels: ['sms'],
    capEnabled: false,
    capStatus: 'Actual',
    urgency: 'routine',
    area: null,
    filter: null,
    status: 'draft',
    revision: 1,
    createdBy: { id: operator.id, displayName: operator.displayName },
    approvedBy: null,
    approvedAt: null,
    decisionComment: null,
    needsApproval: true,
    createdAt: '2026-11-24T10:00:00.000Z',
    updatedAt: '2026-11-24T10:00:00.000Z',
    releaseAt: null,
    expiresAt: null,
    ...over,
  };
}

export interface AlertsHost {
  host: FakeHost;
  alerts: Map<number, Alert>;
  /** Who the fake host has signed in. */
  session: { officer: typeof operator | typeof approver | null; idleLockMinutes: number };
}

/** A host with the alert channels; `overrides` replace single channels (to hold or fail them). */
export function alertsHost(
  { officer = operator, alerts = [], idleLockMinutes = 0 }: { officer?: AlertsHost['session']['officer']; alerts?: Alert[]; idleLockMinutes?: number } = {},
  overrides: Partial<Record<ChannelName, Answer>> = {},
): AlertsHost {
  const store = new Map(alerts.map((a) => [a.id, a]));
  const session: AlertsHost['session'] = { officer, idleLockMinutes };
  let nextId = 100;
  let clock = 0;
  const stamp = () => new Date(Date.UTC(2026, 10, 24, 10, 42, 13 + clock++)).toISOString();
  const put = (a: Alert) => {
    store.set(a.id, a);
    return ok(a);
  };
  const need = (id: number) => store.get(id);

  const host = demoHost({
    'session.current': () => ok({ officer: session.officer, officersExist: true, idleLockMinutes: session.idleLockMinutes }),
    'session.signIn': (p) => {
      const { username, passphrase } = p as { username: string; passphrase: string };
      const who = [operator, approver].find((o) => o.username === username && passphrase === `demo-${username}`);
      if (!who) return refuse('unauthorized', 'Wrong username or passphrase');
      session.officer = who;
      return ok(who);
    },
    'session.signOut': () => {
      session.officer = null;
      return ok({ signedOut: true });
    },
    'alerts.templates': () => ok([burglaryTemplate, closeTemplate]),
    'alerts.list': (p) => {
      const { statuses } = p as { statuses?: string[] };
      return ok([...store.values()].filter((a) => !statuses || statuses.includes(a.status)).sort((a, b) => b.id - a.id));
    },
    'alerts.get': (p) => {
      const a = need((p as { id: number }).id);
      return a ? ok(a) : refuse('not_found');
    },
    'alerts.create': (p) => {
      const r = p as { category: Alert['category']; templateId?: string; kind?: Alert['kind']; parentId?: number };
      const template = [burglaryTemplate, closeTemplate].find((t) => t.id === r.templateId);
      const parent = r.parentId ? need(r.parentId) : undefined;
      return put(
        makeAlert({
          id: nextId++,
          category: r.category,
          kind: r.kind ?? 'alert',
          parentId: r.parentId ?? null,
          templateId: template?.id ?? null,
          smsText: template?.sms ?? '',
          socialText: template?.social ?? '',
          area: parent?.area ?? null,
          createdBy: session.officer ? { id: session.officer.id, displayName: session.officer.displayName } : null,
          updatedAt: stamp(),
        }),
      );
    },
    'alerts.update': (p) => {
      const { id, revision, patch } = p as { id: number; revision: number; patch: Partial<Alert> };
      const a = need(id);
      if (!a) return refuse('not_found');
      if (a.revision !== revision || a.status !== 'draft') return refuse('conflict', 'stale revision');
      return put({ ...a, ...patch, revision: a.revision + 1, updatedAt: stamp() });
    },
    'alerts.submit': (p) => {
      const { id, revision } = p as { id: number; revision: number };
      const a = need(id);
      if (!a || a.revision !== revision) return refuse('conflict');
      return put({ ...a, status: 'awaiting_approval', revision: a.revision + 1 });
    },
    'alerts.approve': (p) => {
      const { id, revision, comment } = p as { id: number; revision: number; comment?: string };
      const a = need(id);
      if (!a || a.revision !== revision) return refuse('conflict');
      if (a.createdBy?.id === session.officer?.id) return refuse('forbidden', 'The creator may not approve their own alert');
      return put({
        ...a,
        status: 'approved',
        approvedBy: { id: session.officer!.id, displayName: session.officer!.displayName },
        approvedAt: stamp(),
        decisionComment: comment ?? null,
      });
    },
    'alerts.reject': (p) => {
      const { id, comment } = p as { id: number; comment: string };
      const a = need(id);
      if (!a) return refuse('not_found');
      return put({ ...a, status: 'rejected', decisionComment: comment, revision: a.revision + 1 });
    },
    'alerts.cancel': (p) => {
      const a = need((p as { id: number }).id);
      return a ? put({ ...a, status: 'cancelled' }) : refuse('not_found');
    },
    'alerts.preview': (p) => {
      const a = need((p as { id: number }).id);
      if (!a) return refuse('not_found');
      const recipients = a.area ? 1234 : 0;
      return ok({ recipients, delayedByQuietHours: a.urgency === 'urgent' ? 0 : 17, smsParts: 1, totalParts: recipients, costEstimateOre: recipients * 25, sendSeconds: 125 });
    },
    'alerts.cap': (p) => ok({ xml: `<?xml version="1.0"?>\n<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>uuid-${(p as { id: number }).id}</identifier></alert>` }),
    'audit.list': () =>
      ok([
        { seq: 2, at: '2026-11-24T10:43:00.000Z', officer: 'vagtchef', action: 'alert.approve', subject: 'alert:100', details: { revision: 3 } },
        { seq: 1, at: '2026-11-24T10:42:00.000Z', officer: 'jensen', action: 'alert.submit', subject: 'alert:100', details: '<b>not bold</b>' },
      ]),
    ...overrides,
  });
  return { host, alerts: store, session };
}
