/**
 * The dispatch engine against a real (in-memory) store and a fake gateway that lets each test
 * hold, answer, throttle and refuse submits. The SMPP and crash tests live in
 * tests/integration/dispatch.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDispatchEngine } from '../../../electron/dispatch/engine';
import type { DispatchEngine, DispatchTuning, ReleaseRequest } from '../../../electron/dispatch/engine';
import { readLog } from '../../../electron/dispatch/outbox';
import type { SendStatus } from '../../../electron/dispatch/outbox';
import type { Db, Queryable } from '../../../electron/store/db';
import { memoryDbAt } from '../../support/store';
import { latestVersion } from '../../../electron/store/migrations';
import { FakeGateway, accepted, phone, recipients, rejected, until } from './fake-gateway';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

// 2026-01-15 12:00 in Copenhagen (UTC+1).
const NOON = Date.UTC(2026, 0, 15, 11, 0);

async function setup(
  gateways: Record<string, FakeGateway>,
  opts: { now?: () => number; tuning?: Partial<DispatchTuning> } = {},
): Promise<{ db: Db; engine: DispatchEngine; events: SendStatus[] }> {
  const db = await memoryDbAt(latestVersion);
  const events: SendStatus[] = [];
  const engine = createDispatchEngine({
    db,
    gateways: new Map(Object.entries(gateways)),
    now: opts.now ?? Date.now,
    events: (s) => events.push(s),
    tuning: { maintenanceIntervalMs: 20, retryBaseMs: 20, retryMaxMs: 100, drainMs: 50, ...opts.tuning },
  });
  cleanups.push(() => db.close());
  cleanups.push(() => engine.close());
  await engine.start();
  return { db, engine, events };
}

const request = (over: Partial<ReleaseRequest> = {}): ReleaseRequest => ({
  alertRef: 'A-1',
  text: 'Indbrud i området: hold øje',
  recipients: recipients(10),
  priority: 'routine',
  validityMinutes: 60,
  primary: 'gw',
  respectQuietHours: false,
  ...over,
});

const states = (db: Db, sendId: number) =>
  db.all<{ state: string; n: number }>('SELECT state, count(*) AS n FROM outbox WHERE send_id = ? GROUP BY state ORDER BY state', [sendId]);

describe('dispatch engine', () => {
  it('freezes every recipient before the first submit, then delivers them all with receipts', async () => {
    const gw = new FakeGateway({ window: 5, autoReceipt: true });
    const { db, engine } = await setup({ gw });
    let rowsAtFirstSubmit = -1;
    const auto = gw.auto;
    gw.auto = (m, i) => {
      if (i === 0) void db.get<{ n: number }>('SELECT count(*) AS n FROM outbox').then((r) => (rowsAtFirstSubmit = r?.n ?? -1));
      return auto?.(m, i) ?? null;
    };
    const r = await engine.release(request({ recipients: recipients(500) }));
    expect(r).toMatchObject({ recipients: 500, queued: 500, deferred: 0, invalid: 0 });
    const done = await engine.whenFinished(r.sendId);
    expect(rowsAtFirstSubmit).toBe(500);
    expect(done.state).toBe('done');
    expect(done.counts.delivered).toBe(500);
    expect(done.finished).toBe(500);
    expect(gw.maxInFlight).toBeLessThanOrEqual(5);
    expect(new Set(gw.submitted.map((m) => m.to)).size).toBe(500);
    expect(gw.submitted).toHaveLength(500);
    expect(await states(db, r.sendId)).toEqual([{ state: 'delivered', n: 500 }]);
    const stored = await db.get<{ state: string; finished_at: string | null }>('SELECT state, finished_at FROM sends WHERE id = ?', [r.sendId]);
    expect(stored?.state).toBe('done');
    expect(stored?.finished_at).not.toBeNull();
  });

  it('keeps no more than the window in flight, and marks exactly those rows submitting', async () => {
    const gw = new FakeGateway({ window: 7, auto: null });
    const { db, engine } = await setup({ gw });
    const r = await engine.release(request({ recipients: recipients(30) }));
    await until(() => gw.held.length === 7);
    await new Promise((res) => setTimeout(res, 50));
    expect(gw.held).toHaveLength(7);
    expect(await states(db, r.sendId)).toEqual([
      { state: 'queued', n: 23 },
      { state: 'submitting', n: 7 },
    ]);
    gw.answerAll();
    await until(() => gw.held.length === 7);
    expect((await engine.status(r.sendId)).counts).toMatchObject({ accepted: 7, submitting: 7, queued: 16 });
  });

  it('sends an urgent alert before a routine one that is still queued', async () => {
    const gw = new FakeGateway({ window: 2, auto: null });
    const { engine } = await setup({ gw });
    const routine = await engine.release(request({ recipients: recipients(20) }));
    await until(() => gw.held.length === 2);
    const urgent = await engine.release(request({ priority: 'urgent', text: 'Forsvundet barn', recipients: recipients(4, 100) }));
    for (let i = 0; i < 3; i++) {
      gw.answerAll();
      await until(() => gw.held.length === 2);
    }
    const order = gw.submitted.map((m) => m.text);
    // The two held routine ones were already out; the next four are the urgent alert's.
    expect(order.slice(2, 6)).toEqual(Array(4).fill('Forsvundet barn'));
    expect(gw.submitted.slice(2, 6).every((m) => m.priority === 'urgent')).toBe(true);
    gw.auto = () => accepted();
    gw.answerAll();
    await until(async () => (await engine.status(routine.sendId)).counts.accepted === 20);
    expect((await engine.status(urgent.sendId)).counts.accepted).toBe(4);
  });

  it('defers routine recipients in quiet hours to the end of them; urgent ones go at once', async () => {
    const gw = new FakeGateway({ window: 10 });
    // 23:30 Copenhagen time in winter.
    const late = Date.UTC(2026, 0, 15, 22, 30);
    const { db, engine } = await setup({ gw }, { now: () => late });
    const list = [
      { subscriberId: 1, phone: phone(1), quietStart: 22 * 60, quietEnd: 7 * 60 },
      { subscriberId: 2, phone: phone(2), quietStart: 8 * 60, quietEnd: 9 * 60 },
      { subscriberId: 3, phone: phone(3) },
    ];
    const routine = await engine.release(request({ recipients: list, respectQuietHours: true }));
    expect(routine).toMatchObject({ queued: 2, deferred: 1 });
    const row = await db.get<{ next_attempt_at: number }>("SELECT next_attempt_at FROM outbox WHERE send_id = ? AND state = 'deferred'", [routine.sendId]);
    expect(row?.next_attempt_at).toBe(Date.UTC(2026, 0, 16, 6, 0)); // 07:00 local the next day
    const urgent = await engine.release(request({ recipients: list, respectQuietHours: true, priority: 'urgent' }));
    expect(urgent).toMatchObject({ queued: 3, deferred: 0 });
    await until(async () => (await engine.status(urgent.sendId)).counts.accepted === 3);
    await until(async () => (await engine.status(routine.sendId)).counts.accepted === 2);
    expect((await engine.status(routine.sendId)).counts.deferred).toBe(1);
  });

  it('promotes deferred rows when their quiet hours end', async () => {
    const gw = new FakeGateway({ window: 10 });
    let clock = Date.UTC(2026, 6, 1, 20, 30); // 22:30 in summer (UTC+2)
    const { engine } = await setup({ gw }, { now: () => clock });
    const r = await engine.release(
      request({ recipients: [{ subscriberId: 1, phone: phone(1), quietStart: 22 * 60, quietEnd: 23 * 60 }], respectQuietHours: true }),
    );
    expect(r.deferred).toBe(1);
    await new Promise((res) => setTimeout(res, 80));
    expect(gw.submitted).toHaveLength(0);
    clock = Date.UTC(2026, 6, 1, 21, 0); // 23:00 local
    await until(() => gw.submitted.length === 1);
    await until(async () => (await engine.status(r.sendId)).counts.accepted === 1);
  });

  it('retries temporary rejections with backoff and attempts, fails permanent ones with the reason', async () => {
    const gw = new FakeGateway({ window: 10 });
    const tries = new Map<string, number>();
    gw.auto = (m) => {
      const n = (tries.get(m.to) ?? 0) + 1;
      tries.set(m.to, n);
      if (m.to === phone(0)) return rejected('ESME_RINVDSTADR', false);
      if (m.to === phone(1) && n < 3) return rejected('ESME_RSYSERR', true);
      return accepted();
    };
    const { db, engine } = await setup({ gw });
    const r = await engine.release(request({ recipients: recipients(3) }));
    await until(async () => {
      const s = await engine.status(r.sendId);
      return s.counts.accepted === 2 && s.counts.failed === 1;
    });
    expect(tries.get(phone(1))).toBe(3);
    const rows = await db.all<{ phone: string; state: string; attempts: number; reason_code: string | null }>(
      'SELECT phone, state, attempts, reason_code FROM outbox WHERE send_id = ? ORDER BY id',
      [r.sendId],
    );
    expect(rows).toEqual([
      { phone: phone(0), state: 'failed', attempts: 1, reason_code: 'ESME_RINVDSTADR' },
      { phone: phone(1), state: 'accepted', attempts: 3, reason_code: null },
      { phone: phone(2), state: 'accepted', attempts: 1, reason_code: null },
    ]);
    expect((await engine.status(r.sendId)).failures).toEqual([{ reason: 'ESME_RINVDSTADR', count: 1 }]);
  });

  it('gives up on a message-level temporary error after maxAttempts', async () => {
    const gw = new FakeGateway({ window: 10, auto: () => rejected('ESME_RX_T_APPN', true) });
    const { engine } = await setup({ gw }, { tuning: { maxAttempts: 3, retryBaseMs: 1, retryMaxMs: 5 } });
    const r = await engine.release(request({ recipients: recipients(2) }));
    const done = await engine.whenFinished(r.sendId);
    expect(done.counts.failed).toBe(2);
    expect(gw.submitted).toHaveLength(6);
  });

  it('slows down when throttled (fewer in flight, a pause) and recovers', async () => {
    const gw = new FakeGateway({ window: 20 });
    let throttleLeft = 25;
    const answeredAt: number[] = [];
    gw.auto = () => {
      answeredAt.push(performance.now());
      if (throttleLeft > 0) {
        throttleLeft--;
        return rejected('ESME_RTHROTTLED', true, { status: 0x58 });
      }
      return accepted();
    };
    const { db, engine } = await setup({ gw }, { tuning: { retryBaseMs: 10_000 } });
    const r = await engine.release(request({ recipients: recipients(200) }));
    await until(async () => (await engine.status(r.sendId)).counts.accepted === 200, 6_000);
    // Throttled rows are retried after the pause, not after the 10 s backoff of other errors.
    expect(gw.submitted.length).toBe(225);
    const reasons = await db.all<{ n: number }>("SELECT count(*) AS n FROM outbox WHERE send_id = ? AND attempts > 1", [r.sendId]);
    expect(reasons[0]?.n).toBeGreaterThan(0);
    expect(gw.maxInFlight).toBeLessThanOrEqual(20);
  });

  it('matches receipts by message id or an alternative id; a multi-part message is delivered when all parts are', async () => {
    const gw = new FakeGateway({ window: 10, auto: null });
    const { engine } = await setup({ gw });
    const long = 'Politiet efterlyser en hvid varevogn. '.repeat(6);
    const r = await engine.release(request({ text: long, recipients: recipients(3) }));
    await until(() => gw.held.length === 3);
    const ids = gw.held.map((_, i) => [`a${i}`, `b${i}`]);
    gw.held.splice(0).forEach((h, i) => h.answer(accepted(...(ids[i] as string[]))));
    await until(async () => (await engine.status(r.sendId)).counts.accepted === 3);
    gw.receipt('a0', 'delivered');
    gw.receipt('zz', 'delivered', { altMessageIds: ['b0'] }); // the other spelling of b0
    gw.receipt('a1', 'delivered');
    gw.receipt('b1', 'failed', { stat: 'UNDELIV', errorCode: '001' });
    gw.receipt('a2', 'enroute');
    gw.receipt('a2', 'delivered');
    await until(async () => (await engine.status(r.sendId)).counts.delivered === 1);
    const s = await engine.status(r.sendId);
    expect(s.counts).toMatchObject({ delivered: 1, failed: 1, accepted: 1 });
    expect(s.failures).toEqual([{ reason: 'UNDELIV:001', count: 1 }]);
    gw.receipt('b2', 'expired', { stat: 'EXPIRED' });
    const done = await engine.whenFinished(r.sendId);
    expect(done.counts).toMatchObject({ delivered: 1, failed: 1, expired: 1 });
  });

  it('matches a receipt that arrives before its submit outcome was recorded', async () => {
    const gw = new FakeGateway({ window: 10, auto: null });
    const { engine } = await setup({ gw });
    const r = await engine.release(request({ recipients: recipients(1) }));
    await until(() => gw.held.length === 1);
    gw.receipt('early', 'delivered'); // before the engine knows the id
    gw.held.splice(0)[0]?.answer(accepted('early'));
    const done = await engine.whenFinished(r.sendId);
    expect(done.counts.delivered).toBe(1);
  });

  it('keeps a receipt that matched nothing yet when the turn that retried it is rolled back', async () => {
    // A receipt that beats its submit's answer waits among the orphans; the maintenance turn that
    // retries it fails once (the store refused). The receipt must survive that turn: once the
    // answer is recorded it delivers the message, rather than the message ending as NO_RECEIPT.
    let clock = NOON;
    const gw = new FakeGateway({ window: 10, auto: null });
    const { db, engine } = await setup({ gw }, { now: () => clock });
    const r = await engine.release(request({ recipients: recipients(1) }));
    await until(() => gw.held.length === 1);
    gw.receipt('early', 'delivered');
    // Let the receipt's own turn run and leave it unmatched.
    await new Promise((res) => setTimeout(res, 60));
    const transaction = db.transaction.bind(db);
    let failures = 0;
    db.transaction = (async (fn: Parameters<Db['transaction']>[0]) =>
      transaction(async (tx) => {
        const out = await fn(tx);
        if (failures++ === 0) throw new Error('disk I/O error');
        return out;
      })) as Db['transaction'];
    clock += 1_000; // the next turn is a maintenance turn, which retries the orphans
    await until(() => failures > 0, 2000, 'a failed turn');
    db.transaction = transaction;
    gw.held.splice(0)[0]?.answer(accepted('early'));
    clock += 1_000;
    await until(async () => (await engine.status(r.sendId)).counts.delivered === 1, 3000, 'delivered');
    expect((await engine.whenFinished(r.sendId)).counts).toMatchObject({ delivered: 1, accepted: 0, expired: 0 });
  });

  it('pauses a send whose gateway refuses every message, keeps every recipient queued, and delivers all once resumed', async () => {
    const gw = new FakeGateway({ window: 3, auto: () => rejected('KANNEL_SENDER_MISSING', false, { about: 'gateway', reason: 'Sender missing and no global set' }) });
    const { db, engine } = await setup({ gw });
    const r = await engine.release(request({ recipients: recipients(12) }));
    await until(async () => (await engine.status(r.sendId)).state === 'paused', 3000, 'paused');
    const paused = await engine.status(r.sendId);
    expect(paused.attention).toMatchObject({ gateway: 'gw', code: 'KANNEL_SENDER_MISSING', reason: 'Sender missing and no global set' });
    await until(() => gw.capacity().inFlight === 0);
    await new Promise((res) => setTimeout(res, 50));
    expect(await states(db, r.sendId)).toEqual([{ state: 'queued', n: 12 }]);
    expect((await engine.status(r.sendId)).counts).toMatchObject({ queued: 12, failed: 0 });
    const refusedTries = gw.submitted.length;
    expect(refusedTries).toBeLessThanOrEqual(6); // a few, not the whole list
    // What the CLI reads from the store says the same.
    expect((await readLog(db, r.sendId)).map((l) => l.kind)).toContain('paused_gateway');

    gw.auto = () => accepted(); // the gateway's configuration is fixed
    gw.autoReceipt = true;
    expect((await engine.resume(r.sendId)).attention).toBeNull();
    const done = await engine.whenFinished(r.sendId);
    expect(done.counts).toMatchObject({ delivered: 12, failed: 0, queued: 0 });
    const delivered = gw.submitted.slice(refusedTries).map((m) => m.to);
    expect(new Set(delivered).size).toBe(12);
    expect(delivered).toHaveLength(12);
  });

  it('fails a refusal about one recipient at once, and does not pause for it', async () => {
    const gw = new FakeGateway({ window: 3, autoReceipt: true, auto: (m) => (m.to.endsWith('1') ? rejected('ESME_RINVDSTADR', false) : accepted()) });
    const { engine } = await setup({ gw });
    const r = await engine.release(request({ recipients: recipients(12) }));
    const done = await engine.whenFinished(r.sendId);
    expect(done.state).toBe('done');
    expect(done.counts).toMatchObject({ failed: 2, delivered: 10 });
  });

  it('expires what is not final when the validity ends', async () => {
    const gw = new FakeGateway({ window: 2, auto: null });
    let clock = NOON;
    const { engine } = await setup({ gw }, { now: () => clock, tuning: { receiptGraceMs: 60_000 } });
    const r = await engine.release(request({ recipients: recipients(5), validityMinutes: 10 }));
    await until(() => gw.held.length === 2);
    gw.answerAll();
    await until(async () => (await engine.status(r.sendId)).counts.accepted === 2);
    clock = NOON + 10 * 60_000;
    await until(async () => (await engine.status(r.sendId)).counts.expired >= 1);
    // Queued rows expire at once; accepted ones get the grace for a late receipt.
    const s = await engine.status(r.sendId);
    expect(s.counts.accepted).toBe(2);
    gw.answerAll();
    clock = NOON + 11 * 60_000 + 1;
    const done = await engine.whenFinished(r.sendId);
    expect(done.counts.expired).toBe(5);
    expect(done.failures.map((f) => f.reason).sort()).toEqual(['NO_RECEIPT', 'VALIDITY_EXPIRED']);
  });

  it('pauses, resumes and cancels; cancel leaves in-flight rows to finish', async () => {
    const gw = new FakeGateway({ window: 3, auto: null });
    const { db, engine } = await setup({ gw });
    const r = await engine.release(request({ recipients: recipients(12) }));
    await until(() => gw.held.length === 3);
    expect((await engine.pause(r.sendId)).state).toBe('paused');
    gw.answerAll();
    await new Promise((res) => setTimeout(res, 80));
    expect(gw.submitted).toHaveLength(3);
    expect((await engine.resume(r.sendId)).state).toBe('sending');
    await until(() => gw.held.length === 3);
    const cancelled = await engine.cancel(r.sendId);
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.counts).toMatchObject({ accepted: 3, submitting: 3, cancelled: 6, queued: 0 });
    gw.answerAll((m) => (m.to === phone(3) ? rejected('ESME_RSYSERR', true) : accepted(gw.newId())));
    await until(async () => (await engine.status(r.sendId)).counts.submitting === 0);
    const s = await engine.status(r.sendId);
    expect(s.counts).toMatchObject({ accepted: 5, cancelled: 7 });
    expect(gw.submitted).toHaveLength(6);
    const kinds = (await readLog(db, r.sendId)).map((e) => e.kind);
    expect(kinds).toEqual(['released', 'paused', 'resumed', 'cancelled']);
    await expect(engine.resume(r.sendId)).rejects.toMatchObject({ code: 'conflict' });
  });


  it('writes a control\'s record (the audit entry) in the change\'s transaction: a failing record rolls the change back', async () => {
    const gw = new FakeGateway({ window: 3, auto: null });
    const { db, engine } = await setup({ gw });
    const r = await engine.release(request({ recipients: recipients(12) }));
    await until(() => gw.held.length === 3);
    const failing = async (tx: Queryable) => {
      await tx.run("UPDATE sends SET state = 'done' WHERE id = ?", [r.sendId]); // undone with the rest
      throw new Error('the audit trail could not be written');
    };
    for (const op of ['pause', 'cancel'] as const) {
      await expect(engine[op](r.sendId, failing)).rejects.toThrow(/audit trail/);
      expect((await db.get<{ state: string }>('SELECT state FROM sends WHERE id = ?', [r.sendId]))?.state).toBe('sending');
      expect((await engine.status(r.sendId)).state).toBe('sending');
    }
    expect(await states(db, r.sendId)).toEqual([{ state: 'queued', n: 9 }, { state: 'submitting', n: 3 }]);
    expect((await readLog(db, r.sendId)).map((e) => e.kind)).toEqual(['released']);
    // Still sending: the held messages are answered and the next ones go out.
    gw.answerAll();
    await until(() => gw.submitted.length === 6);

    const seen: string[] = [];
    const record = async (tx: Queryable, state: string) => {
      seen.push(`${state}:${(await tx.get<{ state: string }>('SELECT state FROM sends WHERE id = ?', [r.sendId]))?.state}`);
    };
    expect((await engine.pause(r.sendId, record)).state).toBe('paused');
    await expect(engine.resume(r.sendId, failing)).rejects.toThrow(/audit trail/);
    expect((await engine.status(r.sendId)).state).toBe('paused');
    expect((await engine.resume(r.sendId, record)).state).toBe('sending');
    expect((await engine.cancel(r.sendId, record)).state).toBe('cancelled');
    expect(seen).toEqual(['paused:paused', 'sending:sending', 'cancelled:cancelled']);
    expect((await readLog(db, r.sendId)).map((e) => e.kind)).toEqual(['released', 'paused', 'resumed', 'cancelled']);
  });
  it('moves the rest of a send to the fallback when the primary keeps failing, without resending accepted rows', async () => {
    const primary = new FakeGateway({ window: 4, prefix: 'p' });
    const fallback = new FakeGateway({ window: 4, prefix: 'f' });
    let n = 0;
    primary.auto = () => (++n <= 8 ? accepted() : rejected('SMPP_CONNECTION_LOST', true, { maybeSubmitted: true }));
    const { db, engine } = await setup({ primary, fallback }, { tuning: { failoverAfterErrors: 3, failoverAfterMs: 60, retryBaseMs: 5, retryMaxMs: 10 } });
    const r = await engine.release(request({ recipients: recipients(40), primary: 'primary', fallback: 'fallback' }));
    await until(async () => (await engine.status(r.sendId)).counts.accepted === 40, 10_000);
    const s = await engine.status(r.sendId);
    expect(s.gateways.active).toBe('fallback');
    const acceptedByPrimary = new Set(
      (await db.all<{ phone: string }>("SELECT phone FROM outbox WHERE send_id = ? AND gateway = 'primary'", [r.sendId])).map((x) => x.phone),
    );
    expect(acceptedByPrimary.size).toBe(8);
    for (const m of fallback.submitted) expect(acceptedByPrimary.has(m.to)).toBe(false);
    expect(new Set(fallback.submitted.map((m) => m.to)).size).toBe(fallback.submitted.length);
    // Every "connection lost" was reported as a possible duplicate.
    expect(s.possibleDuplicates).toBe(primary.submitted.length - 8);
    const switchLog = (await readLog(db, r.sendId)).find((e) => e.kind === 'gateway_switch');
    expect(switchLog?.detail).toMatchObject({ from: 'primary', to: 'fallback', reason: 'refusing' });
  });

  it('moves to the fallback when the primary is disconnected for long enough', async () => {
    const primary = new FakeGateway({ window: 4 });
    primary.setConnected(false);
    const fallback = new FakeGateway({ window: 4 });
    const { engine } = await setup({ primary, fallback }, { tuning: { failoverAfterMs: 50 } });
    const r = await engine.release(request({ recipients: recipients(10), primary: 'primary', fallback: 'fallback' }));
    await until(async () => (await engine.status(r.sendId)).counts.accepted === 10);
    expect(primary.submitted).toHaveLength(0);
    expect(fallback.submitted).toHaveLength(10);
  });

  it('re-queues rows left submitting by a crash, counts them as possible duplicates, and resends nothing else', async () => {
    const gw = new FakeGateway({ window: 5, auto: null });
    const db = await memoryDbAt(latestVersion);
    cleanups.push(() => db.close());
    const first = createDispatchEngine({ db, gateways: new Map([['gw', gw]]), tuning: { maintenanceIntervalMs: 20, drainMs: 10 } });
    await first.start();
    const r = await first.release(request({ recipients: recipients(12) }));
    await until(() => gw.held.length === 5);
    gw.answerAll();
    await until(() => gw.held.length === 5);
    await until(async () => (await first.status(r.sendId)).counts.accepted === 5);
    // "Crash": the first engine stops with five submits unanswered, recording nothing more.
    await first.close();
    const lost = gw.held.splice(0).map((h) => h.message.to);
    const sentBefore = gw.submitted.map((m) => m.to);
    const gw2 = new FakeGateway({ window: 5 });
    const second = createDispatchEngine({ db, gateways: new Map([['gw', gw2]]), tuning: { maintenanceIntervalMs: 20 } });
    cleanups.push(() => second.close());
    await second.start();
    await until(async () => (await second.status(r.sendId)).counts.accepted === 12);
    const s = await second.status(r.sendId);
    expect(s.possibleDuplicates).toBe(5);
    const resent = gw2.submitted.map((m) => m.to);
    expect(resent.filter((p) => sentBefore.includes(p)).sort()).toEqual([...lost].sort());
    expect(new Set([...sentBefore, ...resent]).size).toBe(12);
    const log = await readLog(db, r.sendId);
    expect(log.find((e) => e.kind === 'possible_duplicates')).toMatchObject({ count: 5, detail: { cause: 'restart' } });
  });

  it('submits each recipient the text in their language with its own encoding, also after a restart', async () => {
    const gw = new FakeGateway({ window: 2, auto: null });
    const db = await memoryDbAt(latestVersion);
    cleanups.push(() => db.close());
    const first = createDispatchEngine({ db, gateways: new Map([['gw', gw]]), tuning: { maintenanceIntervalMs: 20, drainMs: 10 } });
    await first.start();
    const people = recipients(6).map((r, i) => ({ ...r, language: i % 3 === 0 ? 'en' : i % 3 === 1 ? 'da' : null }));
    const r = await first.release(
      request({ text: 'Politiet: Indbrud.', languageTexts: [{ language: 'en', text: 'Police: “Burglary”.' }], recipients: people }),
    );
    await until(() => gw.held.length === 2);
    gw.answerAll();
    await until(async () => (await first.status(r.sendId)).counts.accepted === 2);
    await first.close(); // the rest goes out from a new engine, which reads the texts from the store
    const gw2 = new FakeGateway({ window: 5 });
    const second = createDispatchEngine({ db, gateways: new Map([['gw', gw2]]), tuning: { maintenanceIntervalMs: 20 } });
    cleanups.push(() => second.close());
    await second.start();
    await until(async () => (await second.status(r.sendId)).counts.accepted === 6);
    const sent = new Map([...gw.submitted, ...gw2.submitted].map((m) => [m.to, m]));
    expect(sent.size).toBe(6);
    for (const [i, p] of people.entries()) {
      const m = sent.get(p.phone)!;
      if (i % 3 === 0) expect([m.text, m.encoding]).toEqual(['Police: “Burglary”.', 'UCS-2']);
      else expect([m.text, m.encoding]).toEqual(['Politiet: Indbrud.', 'GSM-7']);
    }
  });

  it('refuses two texts for one language, or an empty one, before writing anything', async () => {
    const { db, engine } = await setup({ gw: new FakeGateway() });
    await expect(engine.release(request({ languageTexts: [{ language: 'en', text: '' }] }))).rejects.toMatchObject({ code: 'bad_request' });
    await expect(
      engine.release(request({ languageTexts: [{ language: 'en', text: 'a' }, { language: 'en', text: 'b' }] })),
    ).rejects.toMatchObject({ code: 'bad_request', message: 'Two texts for language en' });
    expect(await db.get('SELECT count(*) AS n FROM sends')).toEqual({ n: 0 });
  });

  it('cancels a send whose release was interrupted, sending nothing', async () => {
    const db = await memoryDbAt(latestVersion);
    cleanups.push(() => db.close());
    await db.run(
      `INSERT INTO sends (id, text, encoding, segments, priority, state, primary_gateway, active_gateway, validity_minutes, created_at)
       VALUES (7, 'x', 'GSM-7', 1, 'routine', 'queued', 'gw', 'gw', 60, '2026-01-01T00:00:00Z')`,
    );
    await db.run("INSERT INTO outbox (send_id, phone, state, next_attempt_at, updated_at) VALUES (7, '+4520000001', 'queued', 0, 0)");
    const gw = new FakeGateway();
    const engine = createDispatchEngine({ db, gateways: new Map([['gw', gw]]) });
    cleanups.push(() => engine.close());
    await engine.start();
    const s = await engine.status(7);
    expect(s.state).toBe('cancelled');
    expect(s.counts.cancelled).toBe(1);
    await new Promise((res) => setTimeout(res, 50));
    expect(gw.submitted).toHaveLength(0);
  });

  it('freezes invalid numbers as failed, sends duplicates once, and resolves subscriber ids from the store', async () => {
    const gw = new FakeGateway({ window: 10 });
    const { db, engine } = await setup({ gw });
    for (const [i, status] of [[1, 'active'], [2, 'opted_out'], [3, 'active']] as const) {
      await db.run("INSERT INTO subscribers (id, phone, status, created_at, updated_at) VALUES (?, ?, ?, 'now', 'now')", [i, phone(i), status]);
    }
    const byId = await engine.release(request({ recipients: [1, 2, 3, 99] }));
    expect(byId).toMatchObject({ recipients: 2, queued: 2, skipped: 2 });
    const listed = await engine.release(request({ recipients: [{ phone: phone(5) }, { phone: '12345' }, { phone: phone(5) }] }));
    expect(listed).toMatchObject({ recipients: 2, queued: 1, invalid: 1, duplicates: 1 });
    await until(async () => (await engine.status(listed.sendId)).counts.accepted === 1);
    const s = await engine.status(listed.sendId);
    expect(s.counts).toMatchObject({ accepted: 1, failed: 1 });
    expect(s.failures).toEqual([{ reason: 'INVALID_NUMBER', count: 1 }]);
    await until(async () => (await engine.status(byId.sendId)).counts.accepted === 2);
    expect(gw.submitted.map((m) => m.to).sort()).toEqual([phone(1), phone(3), phone(5)]);
  });

  it('refuses a release to an unknown gateway or with a bad validity', async () => {
    const { engine } = await setup({ gw: new FakeGateway() });
    await expect(engine.release(request({ primary: 'nope' }))).rejects.toMatchObject({ code: 'bad_request' });
    await expect(engine.release(request({ fallback: 'gw' }))).rejects.toMatchObject({ code: 'bad_request' });
    await expect(engine.release(request({ validityMinutes: 0 }))).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('reports progress a few times a second per send, whatever the message rate, and always the final state', async () => {
    const gw = new FakeGateway({ window: 200, autoReceipt: true });
    const { engine, events } = await setup({ gw }, { tuning: { progressIntervalMs: 200 } });
    const started = performance.now();
    const r = await engine.release(request({ recipients: recipients(3000) }));
    await engine.whenFinished(r.sendId);
    const elapsed = performance.now() - started;
    await new Promise((res) => setTimeout(res, 250));
    const mine = events.filter((e) => e.sendId === r.sendId);
    expect(mine.length).toBeLessThanOrEqual(Math.ceil(elapsed / 200) + 2);
    expect(mine.at(-1)).toMatchObject({ state: 'done', counts: { delivered: 3000 } });
    const mid = mine.find((e) => e.counts.queued > 0 && e.counts.delivered > 0);
    if (mid) expect(mid.throughput).toBeGreaterThan(0);
  });
});

describe('a gateway whose settings changed', () => {
  it('goes on through the new connector: what the old link left unanswered is retried there, nothing is lost or sent twice', async () => {
    const old = new FakeGateway({ window: 5, auto: null });
    const { engine } = await setup({ gw: old });
    const r = await engine.release(request({ recipients: recipients(20) }));
    await until(() => old.held.length === 5, 5000, 'the old link full');
    const fresh = new FakeGateway({ window: 5, autoReceipt: true, prefix: 'new' });
    engine.replaceGateway('gw', fresh);
    // The old connector is closed by the sender: its submits come back as a lost link's.
    old.answerAll(() => rejected('GATEWAY_CLOSED', true, { maybeSubmitted: false }));
    const done = await engine.whenFinished(r.sendId);
    expect(done.counts.delivered).toBe(20);
    expect(old.submitted).toHaveLength(5);
    expect(new Set(fresh.submitted.map((m) => m.to)).size).toBe(20);
    expect(fresh.submitted).toHaveLength(20);
  });
});
