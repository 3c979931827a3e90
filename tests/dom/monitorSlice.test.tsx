import { afterEach, describe, expect, it, vi } from 'vitest';
import { CELLS_EVERY_MS, MAX_ANSWER_SENDS, MAX_SENDS, THROUGHPUT_SAMPLES, alertIdOf, allowedActions, excerptOf } from '../../renderer/features/monitor/monitorSlice';
import { makeAlert } from './alerts.host';
import { deferred, flush, rig } from './fakes';
import { dispatchHost, makeSend } from './monitor.host';

afterEach(() => vi.useRealTimers());

const counts = (delivered: number, queued = 34000 - delivered) => ({
  queued,
  deferred: 0,
  submitting: 0,
  accepted: 0,
  delivered,
  failed: 0,
  expired: 0,
  cancelled: 0,
});

/** The list requests for the alerts' sends (each comes with one for the answers to citizens). */
const alertLists = (host: { callsTo(channel: 'dispatch.list'): { payload: unknown }[] }) => host.callsTo('dispatch.list').filter((c) => !(c.payload as { answers?: boolean }).answers);

describe('the monitor slice', () => {
  it('loads the recent sends newest first and names alert sends by their alert', async () => {
    const d = dispatchHost([makeSend({ sendId: 1, alertRef: 'alert:40' }), makeSend({ sendId: 3 }), makeSend({ sendId: 2 })], {
      alerts: [makeAlert({ id: 40, category: 'missing_person', smsText: 'Politiet: Savnet dreng, 9 år, sidst set ved Hillerød station i blå jakke.' })],
    });
    const { store, host } = rig({ host: d.host });
    await store.getState().loadSends();
    await flush();
    const s = store.getState();
    expect(s.monitorOrder).toEqual([3, 2, 1]);
    expect(s.monitorList.status).toBe('ready');
    expect(host.callsTo('dispatch.list').map((c) => c.payload)).toEqual([
      { limit: 20, answers: false },
      { limit: 20, answers: true },
    ]);
    expect(host.callsTo('dispatch.titles').map((c) => c.payload)).toEqual([{ sendIds: [1] }]);
    expect(s.monitorTitles[1]).toEqual({ alertId: 40, category: 'missing_person', excerpt: 'Politiet: Savnet dreng, 9 år, sidst set ved …', exercise: false });
    // One sample to start each sparkline from.
    expect(s.monitorSamples[3]).toEqual([200]);
  });

  it('merges progress of several sends by id and leaves the others untouched (their components do not re-render)', async () => {
    const d = dispatchHost([makeSend({ sendId: 1 }), makeSend({ sendId: 2 })]);
    const { store, host } = rig({ host: d.host });
    const stop = store.getState().watchMonitor();
    await flush();
    const before = store.getState();
    d.progress({ sendId: 2, counts: counts(5000), finished: 5000, throughput: 310 });
    d.progress({ sendId: 1, counts: counts(9000), finished: 9000, throughput: 120 });
    d.progress({ sendId: 2, counts: counts(6000), finished: 6000, throughput: 320 });
    const after = store.getState();
    expect(after.monitorSends[2]?.counts.delivered).toBe(6000);
    expect(after.monitorSends[1]?.counts.delivered).toBe(9000);
    expect(after.monitorSamples[2]).toEqual([200, 310, 320]);
    expect(after.monitorSamples[1]).toEqual([200, 120]);
    expect(alertLists(host)).toHaveLength(1);

    // An event for send 2 only: send 1's objects stay the same objects.
    const mid = store.getState();
    d.progress({ sendId: 2, throughput: 330 });
    const last = store.getState();
    expect(last.monitorSends[1]).toBe(mid.monitorSends[1]);
    expect(last.monitorSamples[1]).toBe(mid.monitorSamples[1]);
    expect(last.monitorSends[2]).not.toBe(mid.monitorSends[2]);
    expect(last.monitorOrder).toBe(before.monitorOrder);
    stop();
    d.progress({ sendId: 2, throughput: 999 });
    expect(store.getState().monitorSends[2]?.throughput).toBe(330);
  });

  it('fetches the list again when an event names a send it does not know', async () => {
    const d = dispatchHost([makeSend({ sendId: 1 })]);
    const { store, host } = rig({ host: d.host });
    const stop = store.getState().watchMonitor();
    await flush();
    // Two sends started while we were not looking; the host lists both, the event names one.
    d.sends.set(2, makeSend({ sendId: 2 }));
    d.progress({ sendId: 3, throughput: 50 });
    expect(store.getState().monitorSends[3]?.throughput).toBe(50);
    await flush();
    await flush();
    expect(alertLists(host)).toHaveLength(2);
    expect(store.getState().monitorOrder).toEqual([3, 2, 1]);
    stop();
  });

  it('does not let a slow list answer roll back a newer event', async () => {
    const d = dispatchHost([makeSend({ sendId: 1 })]);
    const held = deferred<unknown>();
    const listed = makeSend({ sendId: 1, counts: counts(100), finished: 100 });
    let first = true;
    d.host.handlers['dispatch.list'] = (p) => {
      if ((p as { answers?: boolean }).answers) return { ok: true, value: [] };
      if (first) {
        first = false;
        return { ok: true, value: [makeSend({ sendId: 1 })] };
      }
      return held.promise;
    };
    const { store } = rig({ host: d.host });
    const stop = store.getState().watchMonitor();
    await flush();
    const second = store.getState().loadSends();
    d.progress({ sendId: 1, counts: counts(30000), finished: 30000 });
    held.resolve({ ok: true, value: [listed] });
    await second;
    expect(store.getState().monitorList.status).toBe('ready');
    expect(store.getState().monitorSends[1]?.counts.delivered).toBe(30000);
    stop();
  });

  it('keeps at most THROUGHPUT_SAMPLES samples per send, the newest', async () => {
    const d = dispatchHost([makeSend({ sendId: 1 })]);
    const { store } = rig({ host: d.host });
    const stop = store.getState().watchMonitor();
    await flush();
    for (let i = 1; i <= 1000; i++) d.progress({ sendId: 1, throughput: i });
    const samples = store.getState().monitorSamples[1]!;
    expect(THROUGHPUT_SAMPLES).toBe(120);
    expect(samples).toHaveLength(THROUGHPUT_SAMPLES);
    expect(samples[0]).toBe(881);
    expect(samples.at(-1)).toBe(1000);
    stop();
  });

  it('keeps at most MAX_SENDS sends, dropping the oldest but never the selected one', async () => {
    const d = dispatchHost([]);
    d.host.handlers['dispatch.list'] = () => ({ ok: true, value: [] });
    const { store } = rig({ host: d.host });
    const stop = store.getState().watchMonitor();
    await flush();
    d.progress({ sendId: 1 });
    store.getState().selectSend(1);
    for (let id = 2; id <= MAX_SENDS + 10; id++) d.progress({ sendId: id });
    await flush();
    const s = store.getState();
    expect(s.monitorOrder).toHaveLength(MAX_SENDS + 1);
    expect(s.monitorOrder[0]).toBe(MAX_SENDS + 10);
    expect(s.monitorOrder).toContain(1);
    expect(s.monitorOrder).not.toContain(2);
    expect(Object.keys(s.monitorSends)).toHaveLength(MAX_SENDS + 1);
    expect(Object.keys(s.monitorSamples)).toHaveLength(MAX_SENDS + 1);
    stop();
  });

  it('keeps answers to citizens apart from the alerts: many of them never push an alert out', async () => {
    const d = dispatchHost([makeSend({ sendId: 1, alertRef: 'alert:40', state: 'done' })]);
    const { store } = rig({ host: d.host });
    const stop = store.getState().watchMonitor();
    await flush();
    for (let id = 2; id <= MAX_SENDS + MAX_ANSWER_SENDS + 5; id++) d.progress({ sendId: id, alertRef: `reply:${id}`, state: 'done', recipients: 1, createdAt: new Date(Date.UTC(2026, 10, 24, 11) + id * 1000).toISOString() });
    await flush();
    const s = store.getState();
    expect(s.monitorOrder).toEqual([1]);
    expect(s.monitorAnswers).toHaveLength(MAX_ANSWER_SENDS);
    expect(s.monitorAnswers[0]).toBe(MAX_SENDS + MAX_ANSWER_SENDS + 5);
    expect(s.monitorSends[1]).toBeDefined();
    stop();
  });

  it('keeps an old send that is still running over newer finished ones', async () => {
    const d = dispatchHost([]);
    d.host.handlers['dispatch.list'] = () => ({ ok: true, value: [] });
    const { store, host } = rig({ host: d.host });
    const stop = store.getState().watchMonitor();
    await flush();
    d.progress({ sendId: 1, state: 'sending' });
    for (let id = 2; id <= MAX_SENDS + 5; id++) d.progress({ sendId: id, state: 'done' });
    await flush();
    const lists = host.callsTo('dispatch.list').length;
    for (let i = 0; i < 10; i++) d.progress({ sendId: 1, throughput: i });
    await flush();
    expect(store.getState().monitorOrder).toHaveLength(MAX_SENDS);
    expect(store.getState().monitorOrder).toContain(1);
    expect(store.getState().monitorSamples[1]).toHaveLength(11);
    // Known, so its events ask for no list.
    expect(host.callsTo('dispatch.list')).toHaveLength(lists);
    stop();
  });

  it('pauses, resumes and cancels through the bridge and takes the host’s answer', async () => {
    const d = dispatchHost([makeSend({ sendId: 4 })]);
    const { store, host } = rig({ host: d.host });
    await store.getState().loadSends();
    expect(await store.getState().pauseSend(4)).toBe(true);
    expect(store.getState().monitorSends[4]?.state).toBe('paused');
    expect(await store.getState().resumeSend(4)).toBe(true);
    expect(store.getState().monitorSends[4]?.state).toBe('sending');
    expect(await store.getState().cancelSend(4)).toBe(true);
    expect(store.getState().monitorSends[4]?.state).toBe('cancelled');
    expect(host.calls.filter((c) => /^dispatch\.(pause|resume|cancel)$/.test(c.channel))).toEqual([
      { channel: 'dispatch.pause', payload: { sendId: 4 } },
      { channel: 'dispatch.resume', payload: { sendId: 4 } },
      { channel: 'dispatch.cancel', payload: { sendId: 4 } },
    ]);
  });

  it('keeps a refusal per send, and after a conflict fetches where the send stands now', async () => {
    const d = dispatchHost([makeSend({ sendId: 4 }), makeSend({ sendId: 5 })]);
    const { store, host } = rig({ host: d.host });
    await store.getState().loadSends();
    d.sends.set(4, { ...d.sends.get(4)!, state: 'done' }); // finished without our hearing of it
    expect(await store.getState().pauseSend(4)).toBe(false);
    expect(store.getState().monitorControls[4]?.failed).toMatchObject({ action: 'pause', error: { code: 'conflict' } });
    expect(store.getState().monitorControls[5]).toBeUndefined();
    expect(host.callsTo('dispatch.status')[0]?.payload).toEqual({ sendId: 4 });
    expect(store.getState().monitorSends[4]?.state).toBe('done');
    store.getState().dismissSendError(4);
    expect(store.getState().monitorControls[4]?.failed).toBeNull();
  });

  it('polls the cells every few seconds while the send runs and stops after one fetch once it is done', async () => {
    vi.useFakeTimers();
    const d = dispatchHost([makeSend({ sendId: 1 })]);
    const { store, host } = rig({ host: d.host });
    await store.getState().loadSends();
    const stop = store.getState().watchCells(1, 11);
    await vi.advanceTimersByTimeAsync(0);
    expect(host.callsTo('dispatch.cells').map((c) => c.payload)).toEqual([{ sendId: 1, zoom: 11 }]);
    expect(store.getState().monitorCells.status).toBe('ready');
    await vi.advanceTimersByTimeAsync(CELLS_EVERY_MS);
    expect(host.callsTo('dispatch.cells')).toHaveLength(2);
    store.getState().watchMonitor();
    await vi.advanceTimersByTimeAsync(0);
    d.progress({ sendId: 1, state: 'done', etaSeconds: 0 });
    await vi.advanceTimersByTimeAsync(CELLS_EVERY_MS);
    expect(host.callsTo('dispatch.cells')).toHaveLength(3); // the last, final picture
    await vi.advanceTimersByTimeAsync(CELLS_EVERY_MS * 5);
    expect(host.callsTo('dispatch.cells')).toHaveLength(3);
    stop();
  });

  it('stops polling the cells when told', async () => {
    vi.useFakeTimers();
    const d = dispatchHost([makeSend({ sendId: 1 })]);
    const { store, host } = rig({ host: d.host });
    await store.getState().loadSends();
    const stop = store.getState().watchCells(1, 9);
    await vi.advanceTimersByTimeAsync(0);
    stop();
    await vi.advanceTimersByTimeAsync(CELLS_EVERY_MS * 3);
    expect(host.callsTo('dispatch.cells')).toHaveLength(1);
  });
});

describe('monitor rules', () => {
  it('allows each action only in the states the engine takes it', () => {
    expect(allowedActions('sending')).toEqual({ pause: true, resume: false, cancel: true, resend: false });
    expect(allowedActions('queued')).toEqual({ pause: true, resume: false, cancel: true, resend: false });
    expect(allowedActions('paused')).toEqual({ pause: false, resume: true, cancel: true, resend: false });
    expect(allowedActions('done')).toEqual({ pause: false, resume: false, cancel: false, resend: false });
    expect(allowedActions('cancelled')).toEqual({ pause: false, resume: false, cancel: false, resend: false });
    // Resending reaches the failed only, of a send that was not stopped.
    expect(allowedActions('done', 3).resend).toBe(true);
    expect(allowedActions('sending', 3).resend).toBe(true);
    expect(allowedActions('cancelled', 3).resend).toBe(false);
    expect(allowedActions('queued', 3).resend).toBe(false);
  });

  it('reads alert refs and shortens texts to their first words', () => {
    expect(alertIdOf('alert:12')).toBe(12);
    expect(alertIdOf('alert:12x')).toBeNull();
    expect(alertIdOf(null)).toBeNull();
    expect(excerptOf('  en  to tre ', 2)).toBe('en to …');
    expect(excerptOf('en to', 2)).toBe('en to');
  });
});
