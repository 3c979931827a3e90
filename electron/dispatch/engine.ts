/**
 * The durable dispatch engine. A released alert's recipients are frozen as outbox rows
 * before anything is submitted; one loop then moves rows through their states in batched
 * transactions: outcomes and receipts are written, due rows are promoted, validity is
 * enforced, and new rows are claimed for each gateway's free window — all in one bounded
 * transaction per turn, after which the claimed rows are submitted.
 *
 * A row is 'submitting' in the store from its claim until its outcome is committed, and a
 * gateway's slot is freed only then. So after a crash the rows found 'submitting' are exactly
 * those that may or may not have reached the gateway, and there are never more of them than
 * the windows allow: they are re-queued and reported as possible duplicates.
 */
import { analyzeSms } from '../../shared/sms';
import { TrykError } from '../../shared/bridge/result';
import type { DeliveryReceipt, Gateway, OutboundSms, SubmitOutcome, Unsubscribe } from '../gateways/gateway';
import type { Db, Param, Queryable } from '../store/db';
import { insertMany } from '../store/db';
import {
  FINAL_STATES,
  appendLog,
  cancelInStore,
  chunks,
  countsFor,
  emptyCounts,
  failuresFor,
  finishedCount,
  getSend,
  iso,
  pauseInStore,
  placeholders,
  resumeInStore,
  selectWhereIn,
  sortedFailures,
  storedStatus,
  updateWhereIn,
  CHUNK,
} from './outbox';
import type { OutboxCounts, OutboxState, SendPriority, SendRow, SendState, SendStatus } from './outbox';
import { FlowControl, isConnectionError, isThrottle, retryDelayMs } from './policy';
import { RateLimitedEmitter, ThroughputMeter } from './progress';
import { quietHoursClock } from './quiet';

export interface RecipientInput {
  subscriberId?: number | null;
  /** E.164; rows with anything else are frozen as failed (INVALID_NUMBER), never dropped. */
  phone: string;
  quietStart?: number | null;
  quietEnd?: number | null;
}

export interface ReleaseRequest {
  alertRef?: string | null;
  text: string;
  /** The recipients themselves, or subscriber ids resolved from the store (active ones only). */
  recipients: readonly RecipientInput[] | readonly number[];
  priority: SendPriority;
  validityMinutes: number;
  primary: string;
  fallback?: string | null;
  /** Routine alerts wait out a recipient's quiet hours; urgent alerts never do. */
  respectQuietHours: boolean;
}

export interface ReleaseResult {
  sendId: number;
  recipients: number;
  queued: number;
  deferred: number;
  /** Frozen as failed because the number is not E.164. */
  invalid: number;
  /** Subscriber ids that were not found, or not active (opted out, paused). */
  skipped: number;
  /** The same number twice in the list: sent once. */
  duplicates: number;
}

/** Developer messages: counts, codes and ids only, never a phone number or the text. */
export interface DispatchLogger {
  info(message: string): void;
  warn(message: string): void;
}

export interface DispatchTuning {
  /** The most rows in flight per gateway, whatever window the gateway reports. */
  maxWindow: number;
  /** Rows written per turn (outcomes, receipts), bounding each transaction. */
  batchRows: number;
  progressIntervalMs: number;
  maintenanceIntervalMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Temporary errors about the message (not throttling or the link) fail it after this many tries. */
  maxAttempts: number;
  /** Move to the fallback after the primary has had no window (disconnected) this long… */
  failoverAfterMs: number;
  /** …or after this many consecutive link errors spread over at least failoverAfterMs / 2. */
  failoverAfterErrors: number;
  /** How long after validity ends an accepted row may wait for its receipt before it expires. */
  receiptGraceMs: number;
  throughputWindowMs: number;
  /** How long a receipt that matches no part is kept in case its submit is not yet recorded. */
  orphanReceiptMs: number;
  /** close() waits this long for in-flight submits to be answered and recorded. */
  drainMs: number;
}

export const defaultTuning: DispatchTuning = {
  maxWindow: 5000,
  batchRows: CHUNK,
  progressIntervalMs: 250,
  maintenanceIntervalMs: 500,
  retryBaseMs: 1000,
  retryMaxMs: 5 * 60_000,
  maxAttempts: 10,
  failoverAfterMs: 5_000,
  failoverAfterErrors: 10,
  receiptGraceMs: 10 * 60_000,
  throughputWindowMs: 10_000,
  orphanReceiptMs: 30_000,
  drainMs: 5_000,
};

export interface DispatchEngineOptions {
  db: Db;
  gateways: ReadonlyMap<string, Gateway>;
  /** Wall clock in ms (quiet hours, validity, backoff). */
  now?: () => number;
  log?: DispatchLogger;
  /** Receives every progress event (the same as an onProgress listener). */
  events?: (status: SendStatus) => void;
  tuning?: Partial<DispatchTuning>;
}

export interface DispatchEngine {
  /** Recovers what a crash left and starts the pumps. Call once before anything else. */
  start(): Promise<void>;
  release(request: ReleaseRequest): Promise<ReleaseResult>;
  pause(sendId: number): Promise<SendStatus>;
  resume(sendId: number): Promise<SendStatus>;
  cancel(sendId: number): Promise<SendStatus>;
  status(sendId: number): Promise<SendStatus>;
  /** Sends not yet done (sending, paused, or cancelled with messages still out). */
  active(): number[];
  /** Aggregated progress, a few events per second per send at most; returns the unsubscribe. */
  onProgress(listener: (status: SendStatus) => void): Unsubscribe;
  /** Resolves when the send is done or cancelled and has nothing out any more. */
  whenFinished(sendId: number): Promise<SendStatus>;
  /** Stops claiming, waits (bounded) for in-flight submits, records them, and detaches. */
  close(): Promise<void>;
}

const E164 = /^\+[1-9]\d{6,14}$/;

interface SendRuntime {
  row: SendRow;
  expiresAt: number;
  counts: OutboxCounts;
  failures: Map<string, number>;
  meter: ThroughputMeter;
  /** Set once the send moved to its fallback: it never moves back. */
  switched: boolean;
  finishedWaiters: ((s: SendStatus) => void)[];
}

interface Lane {
  name: string;
  gateway: Gateway;
  flow: FlowControl;
  inFlight: number;
  connected: boolean;
  unavailableSince: number | null;
  errorStreak: number;
  failingSince: number | null;
  unsubs: Unsubscribe[];
}

interface Claimed {
  id: number;
  sendId: number;
  phone: string;
  attempts: number;
  lane: Lane;
}

interface Recorded {
  row: Claimed;
  outcome: SubmitOutcome;
}

interface PendingReceipt {
  lane: Lane;
  receipt: DeliveryReceipt;
  firstSeen: number;
}

/** State changes of one turn, applied to memory only after the transaction commits. */
class Deltas {
  readonly counts = new Map<number, Partial<Record<OutboxState, number>>>();
  readonly failures = new Map<number, Map<string, number>>();
  readonly duplicates = new Map<number, number>();
  readonly submitted = new Map<number, number>();
  readonly sendUpdates = new Map<number, Partial<SendRow>>();

  move(sendId: number, from: OutboxState | null, to: OutboxState, n = 1, reason?: string | null): void {
    if (n <= 0) return;
    let c = this.counts.get(sendId);
    if (!c) this.counts.set(sendId, (c = {}));
    if (from) c[from] = (c[from] ?? 0) - n;
    c[to] = (c[to] ?? 0) + n;
    if (to === 'failed' || to === 'expired') {
      let f = this.failures.get(sendId);
      if (!f) this.failures.set(sendId, (f = new Map()));
      const key = reason ?? 'UNKNOWN';
      f.set(key, (f.get(key) ?? 0) + n);
    }
  }

  add(map: Map<number, number>, sendId: number, n: number): void {
    map.set(sendId, (map.get(sendId) ?? 0) + n);
  }
}

const silentLog: DispatchLogger = { info: () => undefined, warn: (m) => console.warn(`dispatch: ${m}`) };

function groupBy<T>(items: Iterable<T>, key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

function receiptPartState(r: DeliveryReceipt): { state: 'delivered' | 'failed' | 'expired'; reason: string | null } | null {
  if (!r.final) return null;
  const err = r.errorCode && !/^0+$/.test(r.errorCode) ? `:${r.errorCode}` : '';
  switch (r.state) {
    case 'delivered':
      return { state: 'delivered', reason: null };
    case 'expired':
      return { state: 'expired', reason: `${r.stat ?? 'EXPIRED'}${err}` };
    case 'failed':
      return { state: 'failed', reason: `${r.stat ?? 'FAILED'}${err}` };
    case 'unknown':
      return { state: 'failed', reason: `${r.stat ?? 'UNKNOWN'}${err}` };
    default:
      return null;
  }
}

export function createDispatchEngine(options: DispatchEngineOptions): DispatchEngine {
  const { db } = options;
  const now = options.now ?? Date.now;
  const log = options.log ?? silentLog;
  const tuning: DispatchTuning = { ...defaultTuning, ...options.tuning };

  const sends = new Map<number, SendRuntime>();
  const lanes = new Map<string, Lane>();
  const listeners = new Set<(s: SendStatus) => void>();
  if (options.events) listeners.add(options.events);

  let outcomes: Recorded[] = [];
  let receipts: PendingReceipt[] = [];
  let orphans: PendingReceipt[] = [];
  let started = false;
  let closing = false;
  let closed = false;
  let looping = false;
  let again = false;
  let nextMaintenance = 0;
  let maintenanceTimer: NodeJS.Timeout | undefined;
  let wakeTimer: NodeJS.Timeout | undefined;
  let wakeAt = Number.POSITIVE_INFINITY;
  let drained: (() => void) | null = null;
  /** Everything that reads or writes the outbox's state runs one at a time, in order. */
  let serial: Promise<unknown> = Promise.resolve();

  const inSerial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = serial.then(fn, fn);
    serial = next.catch(() => undefined);
    return next;
  };

  const progress = new RateLimitedEmitter<number, SendStatus>(tuning.progressIntervalMs, (status) => {
    for (const l of [...listeners]) {
      try {
        l(status);
      } catch (e) {
        log.warn(`progress listener failed: ${(e as Error)?.message ?? String(e)}`);
      }
    }
  });

  // ---- status -------------------------------------------------------------------------

  function snapshot(s: SendRuntime): SendStatus {
    const t = now();
    const throughput = s.meter.rate(t);
    const waiting = s.counts.queued + s.counts.submitting;
    return {
      sendId: s.row.id,
      alertRef: s.row.alert_ref,
      state: s.row.state,
      priority: s.row.priority,
      gateways: { primary: s.row.primary_gateway, fallback: s.row.fallback_gateway, active: s.row.active_gateway },
      recipients: s.row.recipients,
      counts: { ...s.counts },
      finished: finishedCount(s.counts),
      possibleDuplicates: s.row.possible_duplicates,
      throughput: Math.round(throughput * 10) / 10,
      etaSeconds: waiting === 0 ? 0 : throughput > 0 && s.row.state === 'sending' ? Math.ceil(waiting / throughput) : null,
      failures: sortedFailures(s.failures),
      createdAt: s.row.created_at,
      releasedAt: s.row.released_at,
      finishedAt: s.row.finished_at,
    };
  }

  const changed = (s: SendRuntime) => progress.push(s.row.id, () => snapshot(s));

  const isOpen = (s: SendRuntime) => s.row.finished_at === null;
  const pendingOf = (c: OutboxCounts) => c.queued + c.deferred + c.submitting + c.accepted;

  // ---- the loop -----------------------------------------------------------------------

  function kick(): void {
    if (closed || !started) return;
    if (looping) {
      again = true;
      return;
    }
    looping = true;
    setImmediate(() => void loop());
  }

  function wakeUpAt(at: number): void {
    if (at >= wakeAt) return;
    if (wakeTimer) clearTimeout(wakeTimer);
    wakeAt = at;
    wakeTimer = setTimeout(() => {
      wakeTimer = undefined;
      wakeAt = Number.POSITIVE_INFINITY;
      kick();
    }, Math.max(0, at - now()));
  }

  async function loop(): Promise<void> {
    try {
      do {
        again = false;
        try {
          await inSerial(turn);
        } catch (e) {
          if (/store is closed/.test(String((e as Error)?.message))) {
            // The store went away under us (the app is shutting down): nothing more can be recorded.
            detach();
            return;
          }
          // The store refused (disk full, I/O): what was taken is back in the buffers; try
          // again shortly rather than spin.
          log.warn(`dispatch turn failed, retrying: ${(e as Error)?.message ?? String(e)}`);
          await new Promise((r) => setTimeout(r, 500));
          again = true;
        }
      } while (!closed && (again || outcomes.length > 0 || receipts.length > 0));
    } finally {
      looping = false;
      if (drained && totalInFlight() === 0 && outcomes.length === 0) drained();
    }
  }

  const totalInFlight = () => [...lanes.values()].reduce((n, l) => n + l.inFlight, 0);

  async function turn(): Promise<void> {
    const t = now();
    const takenOutcomes = outcomes.splice(0, tuning.batchRows);
    const takenReceipts = receipts.splice(0, tuning.batchRows);
    const maintenance = t >= nextMaintenance;
    const deltas = new Deltas();
    let claimed: Claimed[] = [];
    let retryOrphans: PendingReceipt[] = [];
    try {
      await db.transaction(async (tx) => {
        const rest = await writeOutcomes(tx, takenOutcomes, takenReceipts, t, deltas);
        const unmatched = await writeReceipts(tx, rest, t, deltas);
        if (maintenance) {
          const stale = orphans;
          orphans = [];
          retryOrphans = await writeReceipts(tx, stale, t, deltas);
          await maintain(tx, t, deltas);
        }
        retryOrphans = retryOrphans.concat(unmatched);
        if (!closing) claimed = await claim(tx, t, deltas, takenOutcomes);
        await finishSends(tx, t, deltas);
      });
    } catch (e) {
      outcomes = takenOutcomes.concat(outcomes);
      receipts = takenReceipts.concat(receipts);
      throw e;
    }
    if (maintenance) nextMaintenance = t + tuning.maintenanceIntervalMs;
    for (const o of retryOrphans) {
      if (t - o.firstSeen < tuning.orphanReceiptMs) orphans.push(o);
    }
    apply(deltas, t);
    for (const r of takenOutcomes) r.row.lane.inFlight--;
    for (const row of claimed) submit(row);
  }

  function apply(d: Deltas, t: number): void {
    const touched = new Set<number>();
    for (const [id, c] of d.counts) {
      const s = sends.get(id);
      if (!s) continue;
      for (const [state, n] of Object.entries(c) as [OutboxState, number][]) s.counts[state] += n;
      touched.add(id);
    }
    for (const [id, f] of d.failures) {
      const s = sends.get(id);
      if (!s) continue;
      for (const [reason, n] of f) s.failures.set(reason, (s.failures.get(reason) ?? 0) + n);
    }
    for (const [id, n] of d.duplicates) {
      const s = sends.get(id);
      if (s) s.row.possible_duplicates += n;
    }
    for (const [id, n] of d.submitted) sends.get(id)?.meter.add(t, n);
    for (const [id, patch] of d.sendUpdates) {
      const s = sends.get(id);
      if (!s) continue;
      Object.assign(s.row, patch);
      if (patch.active_gateway) s.switched = true;
      touched.add(id);
    }
    for (const id of touched) {
      const s = sends.get(id);
      if (!s) continue;
      changed(s);
      if (!isOpen(s)) {
        const status = snapshot(s);
        for (const w of s.finishedWaiters.splice(0)) w(status);
      }
    }
  }

  // ---- outcomes -----------------------------------------------------------------------

  /**
   * Writes submit outcomes. A receipt taken in the same turn as its message's outcome (an SMSC
   * that answers and delivers at once) settles the row in the same write, so the row goes
   * submitting → delivered in one statement; returns the receipts left for writeReceipts.
   */
  async function writeOutcomes(tx: Queryable, list: Recorded[], pending: PendingReceipt[], t: number, d: Deltas): Promise<PendingReceipt[]> {
    if (list.length === 0) return pending;
    const finalById = new Map<string, { p: PendingReceipt; final: NonNullable<ReturnType<typeof receiptPartState>> }>();
    const rest: PendingReceipt[] = [];
    for (const p of pending) {
      const final = receiptPartState(p.receipt);
      if (!final) continue; // enroute and the like change nothing
      rest.push(p);
      finalById.set(`${p.lane.name}\u0000${p.receipt.messageId}`, { p, final });
    }
    const consumed = new Set<PendingReceipt>();
    const parts: Param[][] = [];
    // key: state|reason|next|gateway → ids
    const groups = new Map<string, { state: OutboxState; reason: string | null; next: number; gateway: string; rows: Claimed[] }>();
    const put = (row: Claimed, state: OutboxState, reason: string | null, next: number) => {
      const key = `${state}|${reason ?? ''}|${next}|${row.lane.name}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { state, reason, next, gateway: row.lane.name, rows: [] }));
      g.rows.push(row);
    };
    for (const { row, outcome } of list) {
      const send = sends.get(row.sendId);
      const attempts = row.attempts + 1;
      if (outcome.kind === 'accepted') {
        const finals = outcome.messageIds.map((id) => finalById.get(`${row.lane.name}\u0000${id}`));
        const settled = finals.length > 0 && finals.every((f) => f !== undefined);
        outcome.messageIds.forEach((id, i) => {
          const f = settled ? finals[i] : undefined;
          parts.push([row.lane.name, id, row.id, f ? f.final.state : 'accepted', f ? f.final.reason : null]);
        });
        d.add(d.submitted, row.sendId, 1);
        if (settled) {
          const all = finals as NonNullable<(typeof finals)[number]>[];
          for (const f of all) consumed.add(f.p);
          const bad = all.find((f) => f.final.state === 'failed') ?? all.find((f) => f.final.state === 'expired');
          const final = bad ? bad.final : { state: 'delivered' as const, reason: null };
          put(row, final.state, final.reason, t);
          d.move(row.sendId, 'submitting', final.state, 1, final.reason);
        } else {
          put(row, 'accepted', null, t);
          d.move(row.sendId, 'submitting', 'accepted');
          remember(row, outcome.messageIds);
        }
        continue;
      }
      if (outcome.maybeSubmitted || outcome.messageIds.length > 0) d.add(d.duplicates, row.sendId, 1);
      let state: OutboxState;
      let next = t;
      if (!outcome.temporary) {
        state = 'failed';
        d.add(d.submitted, row.sendId, 1);
      } else if (send?.row.state === 'cancelled') {
        state = 'cancelled';
      } else if (send && t >= send.expiresAt) {
        state = 'expired';
      } else if (isThrottle(outcome)) {
        state = 'queued';
        next = Math.max(t + 1, row.lane.flow.resumeAt(t));
      } else if (!isConnectionError(outcome) && attempts >= tuning.maxAttempts) {
        state = 'failed';
      } else {
        state = 'queued';
        next = t + retryDelayMs(attempts, tuning.retryBaseMs, tuning.retryMaxMs);
      }
      const reason = state === 'cancelled' ? 'CANCELLED' : state === 'expired' ? 'VALIDITY_EXPIRED' : outcome.code;
      put(row, state, reason, next);
      d.move(row.sendId, 'submitting', state, 1, reason);
    }
    if (parts.length) {
      // A reused id (SMSCs wrap their counters) belongs to the newest message.
      await insertMany(tx, 'INSERT OR REPLACE INTO outbox_parts (gateway, message_id, outbox_id, state, reason_code)', 5, parts);
    }
    for (const g of groups.values()) {
      await updateWhereIn(
        tx,
        'UPDATE outbox SET state = ?, reason_code = ?, next_attempt_at = ?, gateway = ?, attempts = attempts + 1, updated_at = ?',
        [g.state, g.reason, g.next, g.gateway, t],
        'id',
        g.rows.map((r) => r.id),
      );
    }
    for (const [sendId, n] of d.duplicates) {
      await tx.run('UPDATE sends SET possible_duplicates = possible_duplicates + ? WHERE id = ?', [n, sendId]);
      await appendLog(tx, sendId, t, 'possible_duplicates', n, { cause: 'no_answer', detail: 'submitted without a definite answer; retried' });
    }
    return rest.filter((p) => !consumed.has(p));
  }

  /**
   * Recently accepted single-part messages by gateway and id, so most receipts find their row
   * without a lookup. Bounded; a receipt that misses it takes the lookup in the store.
   */
  const recent = new Map<string, { outboxId: number; sendId: number }>();
  const RECENT_MAX = 200_000;
  function remember(row: Claimed, messageIds: string[]): void {
    if (messageIds.length !== 1) return;
    recent.set(`${row.lane.name}\u0000${messageIds[0]}`, { outboxId: row.id, sendId: row.sendId });
    if (recent.size > RECENT_MAX) {
      const oldest = recent.keys().next().value;
      if (oldest !== undefined) recent.delete(oldest);
    }
  }

  // ---- receipts -----------------------------------------------------------------------

  /** Writes receipts; returns those that matched no part (yet). */
  async function writeReceipts(tx: Queryable, all: PendingReceipt[], t: number, d: Deltas): Promise<PendingReceipt[]> {
    if (all.length === 0) return [];
    const unmatched: PendingReceipt[] = [];
    const list: PendingReceipt[] = [];
    // Single-part messages known in memory: one UPDATE per outcome kind, no lookups. The
    // part's own row keeps 'accepted': only multi-part messages need part states.
    const direct = new Map<string, { state: OutboxState; reason: string | null; ids: number[] }>();
    for (const p of all) {
      const final = receiptPartState(p.receipt);
      if (!final) continue;
      let hit: { outboxId: number; sendId: number } | undefined;
      let key = '';
      for (const id of [p.receipt.messageId, ...p.receipt.altMessageIds]) {
        key = `${p.lane.name}\u0000${id}`;
        hit = recent.get(key);
        if (hit) break;
      }
      if (!hit) {
        list.push(p);
        continue;
      }
      recent.delete(key);
      const k = `${final.state}|${final.reason ?? ''}`;
      let g = direct.get(k);
      if (!g) direct.set(k, (g = { state: final.state, reason: final.reason, ids: [] }));
      g.ids.push(hit.outboxId);
    }
    for (const g of direct.values()) {
      for (const part of chunks(g.ids)) {
        const changed = await tx.all<{ send_id: number }>(
          `UPDATE outbox SET state = ?, reason_code = ?, updated_at = ? WHERE state = 'accepted' AND id IN (${placeholders(part.length)}) RETURNING send_id`,
          [g.state, g.reason, t, ...part],
        );
        for (const r of changed) d.move(r.send_id, 'accepted', g.state, 1, g.reason);
      }
    }
    if (list.length === 0) return unmatched;
    const touched = new Map<number, { state: 'delivered' | 'failed' | 'expired'; reason: string | null }>();
    for (const [laneName, items] of groupBy(list, (p) => p.lane.name)) {
      const ids = new Set<string>();
      for (const p of items) {
        ids.add(p.receipt.messageId);
        for (const alt of p.receipt.altMessageIds) ids.add(alt);
      }
      const found = await selectWhereIn<{ message_id: string; outbox_id: number }>(
        tx,
        'SELECT message_id, outbox_id FROM outbox_parts WHERE gateway = ? AND',
        [laneName],
        'message_id',
        [...ids],
      );
      const byId = new Map(found.map((f) => [f.message_id, f.outbox_id]));
      const partUpdates = new Map<string, { state: string; reason: string | null; ids: string[] }>();
      for (const p of items) {
        const r = p.receipt;
        const matchedId = [r.messageId, ...r.altMessageIds].find((id) => byId.has(id));
        if (matchedId === undefined) {
          unmatched.push(p);
          continue;
        }
        const final = receiptPartState(r);
        if (!final) continue; // enroute / accepted: nothing changes yet
        const key = `${final.state}|${final.reason ?? ''}`;
        let u = partUpdates.get(key);
        if (!u) partUpdates.set(key, (u = { state: final.state, reason: final.reason, ids: [] }));
        u.ids.push(matchedId);
        touched.set(byId.get(matchedId) as number, final);
      }
      for (const u of partUpdates.values()) {
        await updateWhereIn(tx, 'UPDATE outbox_parts SET state = ?, reason_code = ?', [u.state, u.reason, laneName], 'gateway = ? AND message_id', u.ids);
      }
    }
    if (touched.size === 0) return unmatched;
    const rows = await selectWhereIn<{ id: number; send_id: number; state: OutboxState }>(
      tx,
      'SELECT id, send_id, state FROM outbox WHERE',
      [],
      'id',
      [...touched.keys()],
    );
    const accepted = rows.filter((r) => r.state === 'accepted');
    // A message in several parts is delivered only when every part is; any failed or
    // expired part decides its fate at once.
    const multi = accepted.filter((r) => (sends.get(r.send_id)?.row.segments ?? 1) > 1).map((r) => r.id);
    const partsOf = new Map<number, { state: string; reason_code: string | null }[]>();
    if (multi.length) {
      const all = await selectWhereIn<{ outbox_id: number; state: string; reason_code: string | null }>(
        tx,
        'SELECT outbox_id, state, reason_code FROM outbox_parts WHERE',
        [],
        'outbox_id',
        multi,
      );
      for (const p of all) {
        const list = partsOf.get(p.outbox_id);
        if (list) list.push(p);
        else partsOf.set(p.outbox_id, [p]);
      }
    }
    const finals = new Map<string, { state: OutboxState; reason: string | null; rows: typeof accepted }>();
    for (const r of accepted) {
      let result: { state: OutboxState; reason: string | null } | null = touched.get(r.id) ?? null;
      const parts = partsOf.get(r.id);
      if (parts) {
        const bad = parts.find((p) => p.state === 'failed') ?? parts.find((p) => p.state === 'expired');
        if (bad) result = { state: bad.state as OutboxState, reason: bad.reason_code };
        else if (parts.every((p) => p.state === 'delivered')) result = { state: 'delivered', reason: null };
        else result = null;
      }
      if (!result) continue;
      const key = `${result.state}|${result.reason ?? ''}`;
      let g = finals.get(key);
      if (!g) finals.set(key, (g = { ...result, rows: [] }));
      g.rows.push(r);
    }
    for (const g of finals.values()) {
      await updateWhereIn(tx, 'UPDATE outbox SET state = ?, reason_code = ?, updated_at = ?', [g.state, g.reason, t], 'id', g.rows.map((r) => r.id));
      for (const r of g.rows) d.move(r.send_id, 'accepted', g.state, 1, g.reason);
    }
    return unmatched;
  }

  // ---- maintenance: deferred rows due, validity, failover -----------------------------

  async function maintain(tx: Queryable, t: number, d: Deltas): Promise<void> {
    for (const s of sends.values()) {
      if (!isOpen(s)) continue;
      const id = s.row.id;
      if (s.counts.deferred > 0 && (s.row.state === 'sending' || s.row.state === 'paused') && t < s.expiresAt) {
        const n = (await tx.run("UPDATE outbox SET state = 'queued', updated_at = ? WHERE send_id = ? AND state = 'deferred' AND next_attempt_at <= ?", [t, id, t])).changes;
        d.move(id, 'deferred', 'queued', n);
      }
      if (t >= s.expiresAt) {
        for (const from of ['queued', 'deferred'] as const) {
          if (s.counts[from] === 0) continue;
          const n = (await tx.run("UPDATE outbox SET state = 'expired', reason_code = 'VALIDITY_EXPIRED', updated_at = ? WHERE send_id = ? AND state = ?", [t, id, from])).changes;
          d.move(id, from, 'expired', n, 'VALIDITY_EXPIRED');
        }
        if (t >= s.expiresAt + tuning.receiptGraceMs && s.counts.accepted > 0) {
          const n = (await tx.run("UPDATE outbox SET state = 'expired', reason_code = 'NO_RECEIPT', updated_at = ? WHERE send_id = ? AND state = 'accepted'", [t, id])).changes;
          d.move(id, 'accepted', 'expired', n, 'NO_RECEIPT');
        }
      }
    }
    for (const lane of lanes.values()) {
      const why = failoverReason(lane, t);
      if (!why) continue;
      for (const s of sends.values()) {
        const { row } = s;
        if (!isOpen(s) || s.switched || row.active_gateway !== lane.name) continue;
        if (!row.fallback_gateway || row.fallback_gateway === lane.name || !lanes.has(row.fallback_gateway)) continue;
        if (row.state !== 'sending' && row.state !== 'paused') continue;
        if (s.counts.queued + s.counts.deferred + s.counts.submitting === 0) continue;
        await tx.run('UPDATE sends SET active_gateway = ? WHERE id = ?', [row.fallback_gateway, row.id]);
        await appendLog(tx, row.id, t, 'gateway_switch', s.counts.queued + s.counts.deferred, {
          from: lane.name,
          to: row.fallback_gateway,
          reason: why,
        });
        d.sendUpdates.set(row.id, { ...d.sendUpdates.get(row.id), active_gateway: row.fallback_gateway });
        log.info(`send ${row.id}: moved from gateway ${lane.name} to ${row.fallback_gateway} (${why})`);
      }
    }
  }

  function laneWindow(lane: Lane): number {
    const cap = lane.gateway.capacity();
    return Math.min(tuning.maxWindow, Math.max(0, cap.window));
  }

  function failoverReason(lane: Lane, t: number): string | null {
    const available = lane.connected && laneWindow(lane) > 0;
    if (available) lane.unavailableSince = null;
    else lane.unavailableSince ??= t;
    if (lane.unavailableSince !== null && t - lane.unavailableSince >= tuning.failoverAfterMs) return 'unavailable';
    if (lane.errorStreak >= tuning.failoverAfterErrors && lane.failingSince !== null && t - lane.failingSince >= tuning.failoverAfterMs / 2) {
      return 'refusing';
    }
    return null;
  }

  // ---- claim and submit ---------------------------------------------------------------

  async function claim(tx: Queryable, t: number, d: Deltas, answered: Recorded[]): Promise<Claimed[]> {
    const freedByLane = new Map<string, number>();
    for (const r of answered) freedByLane.set(r.row.lane.name, (freedByLane.get(r.row.lane.name) ?? 0) + 1);
    // Urgent sends first, then the oldest: a later urgent alert overtakes a routine one.
    const order = [...sends.values()]
      .filter((s) => isOpen(s) && s.row.state === 'sending' && s.counts.queued > 0)
      .sort((a, b) => (a.row.priority === b.row.priority ? a.row.id - b.row.id : a.row.priority === 'urgent' ? -1 : 1));
    const out: Claimed[] = [];
    for (const lane of lanes.values()) {
      const inFlight = lane.inFlight - (freedByLane.get(lane.name) ?? 0);
      let free = lane.flow.window(laneWindow(lane), t) - inFlight;
      if (free <= 0) {
        const resume = lane.flow.resumeAt(t);
        if (resume) wakeUpAt(resume);
        continue;
      }
      for (const s of order) {
        if (free <= 0) break;
        if (s.row.active_gateway !== lane.name) continue;
        const rows = await tx.all<{ id: number; phone: string; attempts: number }>(
          `SELECT id, phone, attempts FROM outbox WHERE send_id = ? AND state = 'queued' AND next_attempt_at <= ?
            ORDER BY next_attempt_at, id LIMIT ?`,
          [s.row.id, t, free],
        );
        if (rows.length === 0) continue;
        await updateWhereIn(tx, "UPDATE outbox SET state = 'submitting', gateway = ?, updated_at = ?", [lane.name, t], 'id', rows.map((r) => r.id));
        d.move(s.row.id, 'queued', 'submitting', rows.length);
        for (const r of rows) out.push({ id: r.id, sendId: s.row.id, phone: r.phone, attempts: r.attempts, lane });
        free -= rows.length;
      }
    }
    return out;
  }

  function submit(row: Claimed): void {
    const s = sends.get(row.sendId);
    const lane = row.lane;
    lane.inFlight++;
    if (!s) return;
    const minutesLeft = Math.max(1, Math.ceil((s.expiresAt - now()) / 60_000));
    const message: OutboundSms = {
      ref: String(row.id),
      to: row.phone,
      text: s.row.text,
      encoding: s.row.encoding,
      validityMinutes: Math.min(s.row.validity_minutes, minutesLeft),
      priority: s.row.priority,
    };
    lane.gateway
      .submit(message)
      .catch(
        (e: unknown): SubmitOutcome => ({
          kind: 'rejected',
          temporary: true,
          code: 'GATEWAY_ERROR',
          reason: `submit threw: ${(e as Error)?.message ?? String(e)}`,
          messageIds: [],
          maybeSubmitted: true,
        }),
      )
      .then((outcome) => {
        noteFlow(lane, outcome);
        outcomes.push({ row, outcome });
        kick();
      });
  }

  function noteFlow(lane: Lane, outcome: SubmitOutcome): void {
    const t = now();
    const window = laneWindow(lane);
    if (outcome.kind === 'accepted') {
      lane.flow.succeeded(window);
      lane.errorStreak = 0;
      lane.failingSince = null;
      return;
    }
    if (isThrottle(outcome)) {
      wakeUpAt(lane.flow.throttled(window, lane.inFlight, t));
      return;
    }
    if (outcome.temporary && isConnectionError(outcome)) {
      lane.errorStreak++;
      lane.failingSince ??= t;
    }
  }

  // ---- finishing ----------------------------------------------------------------------

  async function finishSends(tx: Queryable, t: number, d: Deltas): Promise<void> {
    for (const s of sends.values()) {
      if (!isOpen(s) || s.row.state === 'queued') continue;
      const delta = d.counts.get(s.row.id) ?? {};
      const c = { ...s.counts };
      for (const [state, n] of Object.entries(delta) as [OutboxState, number][]) c[state] += n;
      if (pendingOf(c) > 0) continue;
      const state: SendState = s.row.state === 'cancelled' ? 'cancelled' : 'done';
      await tx.run('UPDATE sends SET state = ?, finished_at = ? WHERE id = ?', [state, iso(t), s.row.id]);
      await appendLog(tx, s.row.id, t, 'done', null, { ...c });
      d.sendUpdates.set(s.row.id, { ...d.sendUpdates.get(s.row.id), state, finished_at: iso(t) });
    }
  }

  // ---- start: recover what a crash left -----------------------------------------------

  async function load(send: SendRow): Promise<SendRuntime> {
    const released = Date.parse(send.released_at ?? send.created_at);
    return {
      row: send,
      expiresAt: released + send.validity_minutes * 60_000,
      counts: await countsFor(db, send.id),
      failures: await failuresFor(db, send.id),
      meter: new ThroughputMeter(tuning.throughputWindowMs),
      switched: send.active_gateway !== send.primary_gateway,
      finishedWaiters: [],
    };
  }

  async function recover(): Promise<void> {
    const t = now();
    // A release that died while freezing its list sent nothing: cancel it whole, so an
    // officer re-releases rather than a part of the list going out.
    const interrupted = await db.all<{ id: number }>("SELECT id FROM sends WHERE state = 'queued'");
    for (const { id } of interrupted) {
      await db.transaction(async (tx) => {
        await tx.run("UPDATE sends SET state = 'sending' WHERE id = ?", [id]);
        await cancelInStore(tx, id, t, 'release_interrupted');
      });
      log.warn(`send ${id}: its release was interrupted before the list was complete; cancelled, nothing was sent`);
    }
    const open = await db.all<SendRow>(
      "SELECT * FROM sends WHERE state IN ('sending', 'paused') OR (state = 'cancelled' AND finished_at IS NULL) ORDER BY id",
    );
    for (const send of open) {
      const n = await db.transaction(async (tx) => {
        const changes = (
          await tx.run("UPDATE outbox SET state = 'queued', next_attempt_at = ?, attempts = attempts + 1, updated_at = ? WHERE send_id = ? AND state = 'submitting'", [
            t,
            t,
            send.id,
          ])
        ).changes;
        if (changes > 0) {
          await tx.run('UPDATE sends SET possible_duplicates = possible_duplicates + ? WHERE id = ?', [changes, send.id]);
          await appendLog(tx, send.id, t, 'possible_duplicates', changes, { cause: 'restart', detail: 'in flight when the console stopped; re-queued' });
          if (send.state === 'cancelled') {
            await tx.run("UPDATE outbox SET state = 'cancelled', reason_code = 'CANCELLED' WHERE send_id = ? AND state = 'queued'", [send.id]);
          }
        }
        return changes;
      });
      if (n > 0) log.warn(`send ${send.id}: ${n} message(s) were in flight at the last stop; re-queued as possible duplicates`);
      const fresh = (await getSend(db, send.id)) as SendRow;
      sends.set(send.id, await load(fresh));
    }
  }

  function attach(): void {
    for (const [name, gateway] of options.gateways) {
      const lane: Lane = {
        name,
        gateway,
        flow: new FlowControl(),
        inFlight: 0,
        connected: gateway.capacity().window > 0,
        unavailableSince: null,
        errorStreak: 0,
        failingSince: null,
        unsubs: [],
      };
      lane.unsubs.push(
        gateway.onReceipt((receipt) => {
          receipts.push({ lane, receipt, firstSeen: now() });
          kick();
        }),
        gateway.onState((change) => {
          lane.connected = change.state === 'connected';
          kick();
        }),
      );
      lanes.set(name, lane);
    }
  }

  function detach(): void {
    closed = true;
    closing = true;
    if (maintenanceTimer) clearInterval(maintenanceTimer);
    if (wakeTimer) clearTimeout(wakeTimer);
    for (const lane of lanes.values()) for (const u of lane.unsubs.splice(0)) u();
    listeners.clear();
  }

  // ---- release ------------------------------------------------------------------------

  async function resolveRecipients(ids: readonly number[]): Promise<{ list: RecipientInput[]; skipped: number }> {
    const list: RecipientInput[] = [];
    const unique = [...new Set(ids)];
    for (const part of chunks(unique)) {
      const rows = await selectWhereIn<{ id: number; phone: string; status: string; quiet_start: number | null; quiet_end: number | null }>(
        db,
        'SELECT id, phone, status, quiet_start, quiet_end FROM subscribers WHERE',
        [],
        'id',
        part,
      );
      for (const r of rows) {
        if (r.status !== 'active') continue;
        list.push({ subscriberId: r.id, phone: r.phone, quietStart: r.quiet_start, quietEnd: r.quiet_end });
      }
    }
    return { list, skipped: unique.length - list.length };
  }

  async function release(req: ReleaseRequest): Promise<ReleaseResult> {
    if (!started || closing) throw new TrykError('unavailable', 'The dispatch engine is not running');
    const text = req.text;
    const analysis = analyzeSms(text);
    if (analysis.segments < 1) throw new TrykError('bad_request', 'The message text is empty');
    if (!lanes.has(req.primary)) throw new TrykError('bad_request', `No gateway named ${req.primary}`);
    const fallback = req.fallback ?? null;
    if (fallback !== null && (!lanes.has(fallback) || fallback === req.primary)) {
      throw new TrykError('bad_request', `The fallback gateway must be another configured gateway (got ${fallback})`);
    }
    if (!Number.isInteger(req.validityMinutes) || req.validityMinutes < 1 || req.validityMinutes > 7 * 1440) {
      throw new TrykError('bad_request', 'The validity must be 1 minute to 7 days, in whole minutes');
    }
    if (req.priority !== 'urgent' && req.priority !== 'routine') throw new TrykError('bad_request', 'The priority must be urgent or routine');

    let recipients: readonly RecipientInput[];
    let skipped = 0;
    if (req.recipients.length > 0 && typeof req.recipients[0] === 'number') {
      const resolved = await resolveRecipients(req.recipients as readonly number[]);
      recipients = resolved.list;
      skipped = resolved.skipped;
    } else {
      recipients = req.recipients as readonly RecipientInput[];
    }

    const t = now();
    const { lastID: sendId } = await db.run(
      `INSERT INTO sends (alert_ref, text, encoding, segments, priority, state, primary_gateway, fallback_gateway, active_gateway,
                          validity_minutes, respect_quiet_hours, recipients, created_at, possible_duplicates)
       VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, 0, ?, 0)`,
      [
        req.alertRef ?? null,
        text,
        analysis.encoding,
        analysis.segments,
        req.priority,
        req.primary,
        fallback,
        req.primary,
        req.validityMinutes,
        req.respectQuietHours ? 1 : 0,
        iso(t),
      ],
    );

    // Freeze the list in bounded transactions, so the store stays responsive to everyone
    // else (other sends' receipts, the bridge) while six million rows go in.
    const quiet = quietHoursClock(t);
    const useQuiet = req.respectQuietHours && req.priority !== 'urgent';
    const seen = new Set<string>();
    let queued = 0;
    let deferred = 0;
    let invalid = 0;
    let duplicates = 0;
    let batch: Param[][] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const rows = batch;
      batch = [];
      await db.transaction((tx) =>
        insertMany(tx, 'INSERT INTO outbox (send_id, subscriber_id, phone, state, attempts, next_attempt_at, reason_code, updated_at)', 8, rows),
      );
    };
    for (const r of recipients) {
      if (seen.has(r.phone)) {
        duplicates++;
        continue;
      }
      seen.add(r.phone);
      if (!E164.test(r.phone)) {
        invalid++;
        batch.push([sendId, r.subscriberId ?? null, r.phone, 'failed', 0, t, 'INVALID_NUMBER', t]);
      } else {
        const until = useQuiet ? quiet(r.quietStart, r.quietEnd) : null;
        if (until !== null) {
          deferred++;
          batch.push([sendId, r.subscriberId ?? null, r.phone, 'deferred', 0, until, null, t]);
        } else {
          queued++;
          batch.push([sendId, r.subscriberId ?? null, r.phone, 'queued', 0, t, null, t]);
        }
      }
      if (batch.length >= tuning.batchRows) await flush();
    }
    await flush();
    const total = queued + deferred + invalid;

    return inSerial(async () => {
      const releasedAt = now();
      await db.transaction(async (tx) => {
        await tx.run("UPDATE sends SET state = 'sending', recipients = ?, released_at = ? WHERE id = ?", [total, iso(releasedAt), sendId]);
        await appendLog(tx, sendId, releasedAt, 'released', total, { queued, deferred, invalid, skipped, duplicates, gateway: req.primary });
      });
      const row = (await getSend(db, sendId)) as SendRow;
      const counts = emptyCounts();
      counts.queued = queued;
      counts.deferred = deferred;
      counts.failed = invalid;
      const runtime: SendRuntime = {
        row,
        expiresAt: releasedAt + req.validityMinutes * 60_000,
        counts,
        failures: new Map(invalid ? [['INVALID_NUMBER', invalid]] : []),
        meter: new ThroughputMeter(tuning.throughputWindowMs),
        switched: false,
        finishedWaiters: [],
      };
      sends.set(sendId, runtime);
      log.info(`send ${sendId}: released to ${total} recipient(s) (${deferred} deferred, ${invalid} invalid)`);
      changed(runtime);
      nextMaintenance = 0; // an all-invalid or all-deferred send is settled on the next turn
      kick();
      return { sendId, recipients: total, queued, deferred, invalid, skipped, duplicates };
    });
  }

  // ---- control ------------------------------------------------------------------------

  async function control(sendId: number, op: 'pause' | 'resume' | 'cancel'): Promise<SendStatus> {
    return inSerial(async () => {
      const t = now();
      const s = sends.get(sendId);
      if (op === 'pause') {
        const row = await db.transaction((tx) => pauseInStore(tx, sendId, t));
        if (s) s.row.state = row.state;
      } else if (op === 'resume') {
        const row = await db.transaction((tx) => resumeInStore(tx, sendId, t));
        if (s) s.row.state = row.state;
      } else {
        const r = await db.transaction((tx) => cancelInStore(tx, sendId, t));
        if (s) {
          s.row.state = 'cancelled';
          s.counts.queued -= r.queued;
          s.counts.deferred -= r.deferred;
          s.counts.cancelled += r.queued + r.deferred;
          const fresh = await getSend(db, sendId);
          if (fresh?.finished_at) s.row.finished_at = fresh.finished_at;
        }
      }
      if (s) {
        changed(s);
        if (!isOpen(s)) for (const w of s.finishedWaiters.splice(0)) w(snapshot(s));
        kick();
        return snapshot(s);
      }
      return storedStatus(db, sendId);
    });
  }

  return {
    async start() {
      if (started) return;
      attach();
      await recover();
      started = true;
      maintenanceTimer = setInterval(kick, tuning.maintenanceIntervalMs);
      kick();
    },
    release,
    pause: (id) => control(id, 'pause'),
    resume: (id) => control(id, 'resume'),
    cancel: (id) => control(id, 'cancel'),
    async status(sendId) {
      const s = sends.get(sendId);
      return s ? snapshot(s) : storedStatus(db, sendId);
    },
    active: () => [...sends.values()].filter(isOpen).map((s) => s.row.id),
    onProgress(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    whenFinished(sendId) {
      const s = sends.get(sendId);
      if (!s) return storedStatus(db, sendId);
      if (!isOpen(s)) return Promise.resolve(snapshot(s));
      return new Promise((resolve) => s.finishedWaiters.push(resolve));
    },
    async close() {
      if (closed) return;
      closing = true;
      if (maintenanceTimer) clearInterval(maintenanceTimer);
      if (started && (totalInFlight() > 0 || outcomes.length > 0)) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, tuning.drainMs);
          drained = () => {
            clearTimeout(timer);
            resolve();
          };
          kick();
        });
      }
      await serial;
      progress.flush();
      detach();
    },
  };
}

export type { SendStatus, OutboxCounts, OutboxState, SendState, SendPriority } from './outbox';
export { FINAL_STATES };
