/**
 * A dispatch host for the monitor's tests: sends kept in a table, the contract's dispatch
 * channels answering from it (pause / resume / cancel following the engine's rules), and the
 * alerts behind them for the titles. Tests emit progress with `progress()`.
 */
import type { ChannelName } from '../../shared/bridge/contract';
import type { SendStatus } from '../../shared/dispatch/schema';
import type { makeAlert } from './alerts.host';
import { demoHost } from './fakes';
import type { FakeHost } from './fakes';

type Answer = (payload: unknown) => unknown;
const ok = (value: unknown) => ({ ok: true, value });
const refuse = (code: string, message = code) => ({ ok: false, error: { code, message } });

export function makeSend(over: Partial<SendStatus> & { sendId: number }): SendStatus {
  return {
    alertRef: null,
    state: 'sending',
    priority: 'routine',
    gateways: { primary: 'Simulator', fallback: null, active: 'Simulator' },
    recipients: 34000,
    counts: { queued: 30000, deferred: 0, submitting: 100, accepted: 1900, delivered: 2000, failed: 0, expired: 0, cancelled: 0 },
    finished: 2000,
    possibleDuplicates: 0,
    throughput: 200,
    etaSeconds: 160,
    failures: [],
    attention: null,
    createdAt: `2026-11-24T10:00:${String(over.sendId % 60).padStart(2, '0')}.000Z`,
    releasedAt: '2026-11-24T10:00:00.000Z',
    finishedAt: null,
    ...over,
  };
}

export interface DispatchHost {
  host: FakeHost;
  sends: Map<number, SendStatus>;
  /** Updates a send in the table and emits its progress event, as the engine's aggregator would. */
  progress(over: Partial<SendStatus> & { sendId: number }): SendStatus;
}

export function dispatchHost(
  sends: SendStatus[],
  { overrides = {}, alerts = [] }: { overrides?: Partial<Record<ChannelName, Answer>>; alerts?: ReturnType<typeof makeAlert>[] } = {},
): DispatchHost {
  const table = new Map(sends.map((s) => [s.sendId, s]));
  const alertTable = new Map(alerts.map((a) => [a.id, a]));
  const byId = (p: unknown) => table.get((p as { sendId: number }).sendId);
  const move = (from: SendStatus['state'][], to: SendStatus['state']) => (p: unknown) => {
    const s = byId(p);
    if (!s) return refuse('not_found');
    if (!from.includes(s.state)) return refuse('conflict', `send is ${s.state}`);
    const next = { ...s, state: to };
    table.set(s.sendId, next);
    return ok(next);
  };
  const host = demoHost({
    'dispatch.list': (p) => {
      const { limit = 20, answers } = p as { limit?: number; answers?: boolean };
      const listed = [...table.values()].filter((s) => answers === undefined || /^reply:/.test(s.alertRef ?? '') === answers);
      return ok(listed.sort((a, b) => b.sendId - a.sendId).slice(0, limit));
    },
    'dispatch.status': (p) => (byId(p) ? ok(byId(p)) : refuse('not_found')),
    'dispatch.pause': move(['queued', 'sending'], 'paused'),
    'dispatch.resume': move(['paused'], 'sending'),
    'dispatch.cancel': move(['queued', 'sending', 'paused'], 'cancelled'),
    'dispatch.cells': () => ok({ cellSizeDeg: 0.01, minCount: 5, cells: [] }),
    'dispatch.titles': (p) =>
      ok(
        (p as { sendIds: number[] }).sendIds.flatMap((sendId) => {
          const id = Number(table.get(sendId)?.alertRef?.match(/^alert:(\d+)$/)?.[1]);
          const a = alertTable.get(id);
          return a ? [{ sendId, alertId: a.id, category: a.category, smsText: a.smsText, exercise: a.capStatus === 'Exercise' }] : [];
        }),
      ),
    ...overrides,
  });
  return {
    host,
    sends: table,
    progress(over) {
      const next = { ...(table.get(over.sendId) ?? makeSend(over)), ...over };
      table.set(next.sendId, next);
      host.emit('dispatch.progress', next);
      return next;
    },
  };
}
