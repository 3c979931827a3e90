/**
 * `tryk alert status|pause|resume|cancel` on a real store holding a send the engine left
 * half done, and a console started afterwards honouring what the CLI changed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../../electron/cli/command';
import { UsageError } from '../../../electron/cli/command';
import { sendCancelCommand, sendPauseCommand, sendResendCommand, sendResumeCommand, sendStatusCommand } from '../../../electron/cli/dispatch-commands';
import { listAudit } from '../../../electron/audit/service';
import { officerService } from '../../../electron/officers/service';
import { createDispatchEngine } from '../../../electron/dispatch/engine';
import { openStore } from '../../../electron/store/store';
import { TEST_PASSPHRASE, testStore } from '../../support/store';
import { FakeGateway, accepted, recipients, rejected, until } from '../../unit/dispatch/fake-gateway';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const ctx = (dataDir: string, ...positionals: string[]): CommandContext => ({
  values: {},
  positionals,
  dataDir,
  json: true,
  env: { TRYK_PASSPHRASE: TEST_PASSPHRASE },
  progress: () => undefined,
});

/** A store with one send of 10: 4 accepted, 6 still queued, as a stopped console leaves it. */
async function halfSent() {
  const store = await testStore();
  const gw = new FakeGateway({ window: 4, auto: null });
  const engine = createDispatchEngine({ db: store.db, gateways: new Map([['gw', gw]]), tuning: { drainMs: 10 } });
  await engine.start();
  const r = await engine.release({ alertRef: 'A-9', text: 'Tak for hjælpen', recipients: recipients(10), priority: 'routine', validityMinutes: 60, primary: 'gw', respectQuietHours: false });
  await until(() => gw.held.length === 4);
  gw.answerAll();
  await until(async () => (await engine.status(r.sendId)).counts.accepted === 4);
  await engine.close();
  const dataDir = store.dataDir;
  await store.close();
  cleanups.push(() => store.remove());
  return { dataDir, sendId: r.sendId, held: gw.held.length };
}

describe('tryk alert …', () => {
  it('prints counts per state and the log, pauses, resumes and cancels', async () => {
    const { dataDir, sendId } = await halfSent();
    const status = await sendStatusCommand.run(ctx(dataDir, String(sendId)));
    const json = status.json as { counts: Record<string, number>; state: string; recipients: number; log: { kind: string }[] };
    expect(json.state).toBe('sending');
    expect(json.recipients).toBe(10);
    expect(json.counts.accepted).toBe(4);
    expect((json.counts.queued ?? 0) + (json.counts.submitting ?? 0)).toBe(6);
    expect(json.log.map((e) => e.kind)).toEqual(['released']);
    expect(status.text).toMatch(/4 accepted/);
    expect(status.text).not.toMatch(/\+45/);

    expect(((await sendPauseCommand.run(ctx(dataDir, String(sendId)))).json as { state: string }).state).toBe('paused');
    expect(((await sendResumeCommand.run(ctx(dataDir, String(sendId)))).json as { state: string }).state).toBe('sending');
    const cancelled = await sendCancelCommand.run(ctx(dataDir, String(sendId)));
    expect((cancelled.json as { state: string }).state).toBe('cancelled');
    expect(cancelled.text).toMatch(/cancelled/);
    await expect(sendResumeCommand.run(ctx(dataDir, String(sendId)))).rejects.toMatchObject({ code: 'conflict' });
    await expect(sendStatusCommand.run(ctx(dataDir, '999'))).rejects.toMatchObject({ code: 'not_found' });
    await expect(sendStatusCommand.run(ctx(dataDir, 'x'))).rejects.toBeInstanceOf(UsageError);
  });

  it('a console started after `tryk alert pause` submits nothing for the paused send', async () => {
    const { dataDir, sendId } = await halfSent();
    await sendPauseCommand.run(ctx(dataDir, String(sendId)));
    const store = await openStore({ dataDir, key: { kind: 'passphrase', passphrase: TEST_PASSPHRASE } });
    const gw = new FakeGateway({ window: 4 });
    const engine = createDispatchEngine({ db: store.db, gateways: new Map([['gw', gw]]), tuning: { maintenanceIntervalMs: 20 } });
    await engine.start();
    try {
      await new Promise((r) => setTimeout(r, 100));
      expect(gw.submitted).toHaveLength(0);
      const s = await engine.status(sendId);
      expect(s.state).toBe('paused');
      // The four left submitting by the stop were re-queued as possible duplicates.
      expect(s.possibleDuplicates).toBe(4);
      await engine.resume(sendId);
      await until(() => gw.submitted.length === 6);
    } finally {
      await engine.close();
      await store.close();
    }
  });
});

describe('tryk send resend SEND --failed --as APPROVER', () => {
  it('queues only the failed recipients again, audited; a console then sends to them and to nobody delivered', async () => {
    const store = await testStore();
    cleanups.push(() => store.remove());
    const officers = officerService(store.db, { cost: 'fast' });
    await officers.create({ username: 'vagtchef', displayName: 'V', roles: ['approver'], passphrase: 'a long passphrase' });
    await officers.create({ username: 'jensen', displayName: 'J', roles: ['operator'], passphrase: 'a long passphrase' });
    // 10 recipients: the ones ending in 1, 3, 5 refused for good (their number), the rest delivered.
    const gw = new FakeGateway({ window: 4, autoReceipt: true, auto: (m) => (/[135]$/.test(m.to) ? rejected('KANNEL_REJECTED', false) : accepted()) });
    let engine = createDispatchEngine({ db: store.db, gateways: new Map([['gw', gw]]), tuning: { drainMs: 10, maintenanceIntervalMs: 20 } });
    await engine.start();
    const r = await engine.release({ alertRef: null, text: 'Tak', recipients: recipients(10), priority: 'routine', validityMinutes: 60, primary: 'gw', respectQuietHours: false });
    expect((await engine.whenFinished(r.sendId)).counts).toMatchObject({ delivered: 7, failed: 3 });
    await engine.close();
    const dataDir = store.dataDir;
    await store.close();

    const as = (user: string, ...extra: string[]): CommandContext => ({
      ...ctx(dataDir, String(r.sendId), ...extra),
      values: { failed: true, as: user },
      env: { TRYK_PASSPHRASE: TEST_PASSPHRASE, TRYK_OFFICER_PASSPHRASE: 'a long passphrase' },
    });
    await expect(sendResendCommand.run({ ...as('vagtchef'), values: { as: 'vagtchef' } })).rejects.toBeInstanceOf(UsageError);
    await expect(sendResendCommand.run(as('jensen'))).rejects.toMatchObject({ code: 'forbidden' });
    const done = await sendResendCommand.run(as('vagtchef'));
    expect(done.json).toMatchObject({ resent: 3, status: { state: 'sending', counts: { queued: 3, delivered: 7, failed: 0 } } });
    await expect(sendResendCommand.run(as('vagtchef'))).rejects.toMatchObject({ code: 'bad_request' }); // nothing failed any more

    const reopened = await openStore({ dataDir, key: { kind: 'passphrase', passphrase: TEST_PASSPHRASE } });
    const audit = await listAudit(reopened.db, { action: 'send_resent' });
    expect(audit).toMatchObject([{ officer: 'vagtchef', subject: `send:${r.sendId}`, details: { resent: 3, via: 'cli' } }]);
    const before = gw.submitted.length;
    gw.auto = () => accepted(); // the cause is gone
    engine = createDispatchEngine({ db: reopened.db, gateways: new Map([['gw', gw]]), tuning: { drainMs: 10, maintenanceIntervalMs: 20 } });
    await engine.start();
    try {
      const final = await engine.whenFinished(r.sendId);
      expect(final.counts).toMatchObject({ delivered: 10, failed: 0 });
      expect(gw.submitted.slice(before).map((m) => m.to).sort()).toEqual(recipients(10).map((x) => x.phone).filter((p) => /[135]$/.test(p)).sort());
    } finally {
      await engine.close();
      await reopened.close();
    }
  });
});
