/**
 * The durable dispatch engine. A released alert's recipients are frozen as outbox rows
 * before anything is submitted (release.ts); one loop then moves rows through their states in
 * batched transactions: outcomes (outcomes.ts) and receipts (receipts.ts) are written, due
 * rows are promoted and validity is enforced (validity.ts), sends move to their fallback and
 * new rows are claimed for each gateway's free window (lanes.ts) — all in one bounded
 * transaction per turn, after which the claimed rows are submitted. What a turn changes in
 * memory is collected as deltas and applied only once its transaction has committed.
 *
 * A row is 'submitting' in the store from its claim until its outcome is committed, and a
 * gateway's slot is freed only then. So after a crash the rows found 'submitting' are exactly
 * those that may or may not have reached the gateway, and there are never more of them than
 * the windows allow: they are re-queued and reported as possible duplicates (recovery.ts).
 */
import { TrykError } from '../../shared/bridge/result';
import type { Gateway, OutboundSms, SubmitOutcome, Unsubscribe } from '../gateways/gateway';
import { logFor } from '../log';
import type { Db, Queryable } from '../store/db';
import {
  appendLog,
  cancelInStore,
  countsFor,
  emptyCounts,
  failuresFor,
  finishedCount,
  getSend,
  iso,
  pauseInStore,
  resendFailedInStore,
  resumeInStore,
  sortedFailures,
  storedStatus,
} from './outbox';
import type { OutboxCounts, OutboxState, SendRow, SendState, SendStatus } from './outbox';
import { writeOutcomes } from './outcomes';
import { RateLimitedEmitter, ThroughputMeter } from './progress';
import { RecentMessages, writeReceipts } from './receipts';
import { claim, createLane, failover, noteFlow, noteGatewayRefusals, pauseForAttention } from './lanes';
import { checkRelease, freezeRecipients } from './release';
import type { ReleaseRequest, ReleaseResult } from './release';
import { loadSend, loadSendTexts, recoverSends } from './recovery';
import { Deltas, defaultTuning, isOpen } from './runtime';
import type { Claimed, DispatchLogger, DispatchTuning, Lane, PendingReceipt, Recorded, SendRuntime } from './runtime';
import { promoteAndExpire } from './validity';

export type { DispatchLogger, DispatchTuning } from './runtime';
export type { ReleaseRequest, ReleaseResult } from './release';

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

/** Written in the transaction of a pause, resume or cancel, with the send's state after it. */
export type ControlRecord = (tx: Queryable, state: SendState) => Promise<void>;

export interface DispatchEngine {
  /** Recovers what a crash left and starts the pumps. Call once before anything else. */
  start(): Promise<void>;
  release(request: ReleaseRequest): Promise<ReleaseResult>;
  /**
   * Pause, resume and cancel: `record` runs in the same transaction as the change, with the
   * send's new state (the audit entry of who asked), so a change is never without its entry:
   * a `record` that fails rolls the change back.
   */
  pause(sendId: number, record?: ControlRecord): Promise<SendStatus>;
  resume(sendId: number, record?: ControlRecord): Promise<SendStatus>;
  cancel(sendId: number, record?: ControlRecord): Promise<SendStatus>;
  /**
   * Queues the send's failed recipients again (never a delivered one); `record` runs in the
   * same transaction (the audit entry of who asked).
   */
  resendFailed(sendId: number, record?: (tx: Queryable, resent: number) => Promise<void>): Promise<SendStatus>;
  status(sendId: number): Promise<SendStatus>;
  /** Sends not yet done (sending, paused, or cancelled with messages still out). */
  active(): number[];
  /** Gateways refusing every message (sends on them paused), with the code and their own words. */
  gatewayProblems(): Map<string, { code: string; reason: string }>;
  /**
   * A gateway's settings changed: its lane goes on through `gateway` (a new connector), with a
   * fresh window and no refusal streak; the old connector's listeners are dropped and the caller
   * closes it (its submits still out come back as outcomes, like any lost link's).
   */
  replaceGateway(name: string, gateway: Gateway): void;
  /** Aggregated progress, a few events per second per send at most; returns the unsubscribe. */
  onProgress(listener: (status: SendStatus) => void): Unsubscribe;
  /** Resolves when the send is done or cancelled and has nothing out any more. */
  whenFinished(sendId: number): Promise<SendStatus>;
  /** Stops claiming, waits (bounded) for in-flight submits, records them, and detaches. */
  close(): Promise<void>;
}


const pendingOf = (c: OutboxCounts) => c.queued + c.deferred + c.submitting + c.accepted;

export function createDispatchEngine(options: DispatchEngineOptions): DispatchEngine {
  const { db } = options;
  const now = options.now ?? Date.now;
  const log = options.log ?? logFor('dispatch');
  const tuning: DispatchTuning = { ...defaultTuning, ...options.tuning };

  const sends = new Map<number, SendRuntime>();
  const lanes = new Map<string, Lane>();
  const listeners = new Set<(s: SendStatus) => void>();
  if (options.events) listeners.add(options.events);
  const recent = new RecentMessages();

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
      attention: s.row.state === 'paused' ? s.attention : null,
      createdAt: s.row.created_at,
      releasedAt: s.row.released_at,
      finishedAt: s.row.finished_at,
    };
  }

  const changed = (s: SendRuntime) => progress.push(s.row.id, () => snapshot(s));

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
    // The orphans this turn retries stay in memory until it commits: a rolled-back turn must
    // not lose a receipt (its message would end as NO_RECEIPT although delivered).
    const retried = maintenance ? orphans : [];
    const deltas = new Deltas();
    let claimed: Claimed[] = [];
    let unmatched: PendingReceipt[] = [];
    const receiptCtx = { recent, segmentsOf: (id: number) => sends.get(id)?.row.segments ?? 1 };
    await db.transaction(async (tx) => {
      const rest = await writeOutcomes(tx, takenOutcomes, takenReceipts, t, deltas, { sendOf: (id) => sends.get(id), tuning });
      unmatched = await writeReceipts(tx, rest, t, deltas, receiptCtx);
      if (maintenance) {
        unmatched = unmatched.concat(await writeReceipts(tx, retried, t, deltas, receiptCtx));
        await promoteAndExpire(tx, sends.values(), t, deltas, tuning.receiptGraceMs);
        await failover(tx, lanes, sends.values(), t, deltas, tuning, log);
      }
      noteGatewayRefusals(takenOutcomes, deltas, t, tuning.pauseAfterGatewayRefusals);
      await pauseForAttention(tx, lanes, sends.values(), t, deltas, log);
      if (!closing) claimed = await claim(tx, lanes, sends.values(), t, deltas, takenOutcomes, tuning.maxWindow, wakeUpAt);
      await finishSends(tx, t, deltas);
    }).catch((e: unknown) => {
      outcomes = takenOutcomes.concat(outcomes);
      receipts = takenReceipts.concat(receipts);
      throw e;
    });
    if (maintenance) {
      nextMaintenance = t + tuning.maintenanceIntervalMs;
      const done = new Set(retried);
      orphans = orphans.filter((o) => !done.has(o));
    }
    for (const o of unmatched) {
      if (t - o.firstSeen < tuning.orphanReceiptMs) orphans.push(o);
    }
    apply(deltas, t);
    for (const r of takenOutcomes) r.row.lane.inFlight--;
    for (const row of claimed) submit(row);
  }

  function apply(d: Deltas, t: number): void {
    recent.forget(d.usedReceiptKeys);
    for (const { row, messageIds } of d.acceptedMessages) recent.remember(row, messageIds);
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
    for (const [lane, update] of d.laneUpdates) Object.assign(lane, update);
    for (const [id, attention] of d.attention) {
      const s = sends.get(id);
      if (s) s.attention = attention;
    }
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

  // ---- submit -------------------------------------------------------------------------

  function submit(row: Claimed): void {
    const s = sends.get(row.sendId);
    const lane = row.lane;
    lane.inFlight++;
    if (!s) return;
    const minutesLeft = Math.max(1, Math.ceil((s.expiresAt - now()) / 60_000));
    // The text frozen for this recipient at release: their language's, or the send's own.
    const variant = (row.variant && s.texts.get(row.variant)) || s.row;
    const message: OutboundSms = {
      ref: String(row.id),
      to: row.phone,
      text: variant.text,
      encoding: variant.encoding,
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
        const wake = noteFlow(lane, outcome, now(), tuning.maxWindow);
        if (wake !== null) wakeUpAt(wake);
        outcomes.push({ row, outcome });
        kick();
      })
      // Only a bug can land here (the submit's own failures became an outcome above); say so
      // rather than let an unhandled rejection end the process mid-send.
      .catch((e: unknown) => log.error({ err: e }, `send ${row.sendId}: recording a submit outcome failed`));
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

  // ---- gateways -----------------------------------------------------------------------

  function listen(lane: Lane): void {
    const { gateway } = lane;
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
  }

  function attach(): void {
    for (const [name, gateway] of options.gateways) {
      const lane = createLane(name, gateway);
      listen(lane);
      lanes.set(name, lane);
    }
  }

  function replaceGateway(name: string, gateway: Gateway): void {
    if (!started || closed) return; // start() attaches whatever the caller's map holds by then
    const old = lanes.get(name);
    const lane = createLane(name, gateway);
    if (old) {
      for (const u of old.unsubs.splice(0)) u();
      // The rows still out on the old link keep pointing at this lane object: it stays, renewed.
      Object.assign(old, { ...lane, inFlight: old.inFlight });
      listen(old);
    } else {
      listen(lane);
      lanes.set(name, lane);
    }
    kick();
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

  async function release(req: ReleaseRequest): Promise<ReleaseResult> {
    if (!started || closing) throw new TrykError('unavailable', 'The dispatch engine is not running');
    checkRelease(req, (name) => lanes.has(name));
    const frozen = await freezeRecipients(db, req, now(), tuning.batchRows);
    const { sendId, recipients: total, queued, deferred, invalid } = frozen;

    return inSerial(async () => {
      const releasedAt = now();
      await db.transaction(async (tx) => {
        await tx.run("UPDATE sends SET state = 'sending', recipients = ?, released_at = ? WHERE id = ?", [total, iso(releasedAt), sendId]);
        await appendLog(tx, sendId, releasedAt, 'released', total, {
          queued,
          deferred,
          invalid,
          skipped: frozen.skipped,
          duplicates: frozen.duplicates,
          gateway: req.primary,
        });
      });
      const row = (await getSend(db, sendId)) as SendRow;
      const texts = await loadSendTexts(db, sendId);
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
        attention: null,
        texts,
      };
      sends.set(sendId, runtime);
      log.info(`send ${sendId}: released to ${total} recipient(s) (${deferred} deferred, ${invalid} invalid)`);
      changed(runtime);
      nextMaintenance = 0; // an all-invalid or all-deferred send is settled on the next turn
      kick();
      return frozen;
    });
  }

  // ---- control ------------------------------------------------------------------------

  async function control(sendId: number, op: 'pause' | 'resume' | 'cancel', record?: ControlRecord): Promise<SendStatus> {
    return inSerial(async () => {
      const t = now();
      const s = sends.get(sendId);
      // The memory follows the store only after the commit: a failed `record` leaves both as they were.
      const recorded = async <R>(tx: Queryable, change: Promise<R>, state: (r: R) => SendState): Promise<R> => {
        const r = await change;
        await record?.(tx, state(r));
        return r;
      };
      if (op === 'pause') {
        const row = await db.transaction((tx) => recorded(tx, pauseInStore(tx, sendId, t), (r) => r.state));
        if (s) s.row.state = row.state;
      } else if (op === 'resume') {
        const row = await db.transaction((tx) => recorded(tx, resumeInStore(tx, sendId, t), (r) => r.state));
        if (s) {
          s.row.state = row.state;
          // The officer says the gateway is fixed: its lane takes messages again, and if it is
          // not fixed the next run of refusals pauses the send once more.
          const lane = lanes.get(s.row.active_gateway);
          if (lane) {
            lane.attention = null;
            lane.refusals = null;
          }
          s.attention = null;
        }
      } else {
        const r = await db.transaction((tx) => recorded(tx, cancelInStore(tx, sendId, t), () => 'cancelled' as const));
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

  async function resendFailed(sendId: number, record?: (tx: Queryable, resent: number) => Promise<void>): Promise<SendStatus> {
    return inSerial(async () => {
      const t = now();
      await db.transaction(async (tx) => {
        const { resent } = await resendFailedInStore(tx, sendId, t);
        await record?.(tx, resent);
      });
      const fresh = (await getSend(db, sendId)) as SendRow;
      const known = sends.get(sendId);
      if (known) {
        Object.assign(known.row, { state: fresh.state, finished_at: fresh.finished_at });
        known.counts = await countsFor(db, sendId);
        known.failures = await failuresFor(db, sendId);
      } else {
        sends.set(sendId, await loadSend(db, fresh, tuning.throughputWindowMs));
      }
      const s = sends.get(sendId) as SendRuntime;
      log.info(`send ${sendId}: failed recipients queued again`);
      changed(s);
      kick();
      return snapshot(s);
    });
  }

  return {
    resendFailed,
    async start() {
      if (started) return;
      attach();
      for (const s of await recoverSends(db, now(), log, tuning.throughputWindowMs)) sends.set(s.row.id, s);
      started = true;
      maintenanceTimer = setInterval(kick, tuning.maintenanceIntervalMs);
      kick();
    },
    release,
    pause: (id, record) => control(id, 'pause', record),
    resume: (id, record) => control(id, 'resume', record),
    cancel: (id, record) => control(id, 'cancel', record),
    async status(sendId) {
      const s = sends.get(sendId);
      return s ? snapshot(s) : storedStatus(db, sendId);
    },
    active: () => [...sends.values()].filter(isOpen).map((s) => s.row.id),
    replaceGateway,
    gatewayProblems: () =>
      new Map([...lanes.values()].filter((l) => l.attention).map((l) => [l.name, { code: l.attention!.code, reason: l.attention!.reason }])),
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

export type { SendStatus } from './outbox';
