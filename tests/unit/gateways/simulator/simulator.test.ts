/**
 * The simulator on vitest's fake clock: seconds of simulated time run in milliseconds, and
 * every count is exact because the simulator's randomness is seeded.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeliveryReceipt, InboundSms, OutboundSms, SubmitOutcome } from '../../../../electron/gateways/gateway';
import { parseSimulatorUrl } from '../../../../electron/gateways/simulator/config';
import { SimulatorGateway, simulatedFate, simulatedReply } from '../../../../electron/gateways/simulator/connector';
import { SIMULATED_REPLIES } from '../../../../electron/gateways/simulator/replies';

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-11-24T10:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

async function started(query: string) {
  const gateway = new SimulatorGateway(parseSimulatorUrl(`simulator://?${query}`));
  const receipts: DeliveryReceipt[] = [];
  const inbound: InboundSms[] = [];
  gateway.onReceipt((r) => receipts.push(r));
  gateway.onInbound((m) => inbound.push(m));
  await gateway.connect();
  return { gateway, receipts, inbound };
}

const number = (i: number) => `+45${String(20_000_000 + i)}`;
const sms = (i: number, extra: Partial<OutboundSms> = {}): OutboundSms => ({ ref: `r${i}`, to: number(i), text: 'Politiet: Hold dig inde.', ...extra });
const quiet = 'fail=0&absent=0&expire=0&invalid=0&replies=0';

describe('simulator', () => {
  it('accepts the agreed rate and refuses the excess ESME_RTHROTTLED, second by second', async () => {
    // pace=0: the console side does not pace, so the simulated SMSC's own limit is what is tested.
    const { gateway } = await started(`tps=100&latency=0&dlrDelay=10&pace=0&${quiet}`);
    const perSecond = new Map<number, number>();
    const outcomes: Promise<void>[] = [];
    // Offer 500/s (one every 2 ms) for 5 simulated seconds.
    for (let i = 0; i < 2500; i++) {
      const second = Math.floor((i * 2) / 1000);
      outcomes.push(
        gateway.submit(sms(i)).then((o) => {
          if (o.kind === 'accepted') perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
          else expect(o).toMatchObject({ temporary: true, code: 'ESME_RTHROTTLED', status: 0x58, messageIds: [] });
        }),
      );
      await vi.advanceTimersByTimeAsync(2);
    }
    await vi.runAllTimersAsync();
    await Promise.all(outcomes);
    // The first second may add the 100 ms burst (10) to its 100.
    expect(perSecond.get(0)).toBeGreaterThanOrEqual(100);
    expect(perSecond.get(0)).toBeLessThanOrEqual(111);
    for (const second of [1, 2, 3, 4]) {
      expect(perSecond.get(second)).toBeGreaterThanOrEqual(99);
      expect(perSecond.get(second)).toBeLessThanOrEqual(101);
    }
    await gateway.close();
  });

  it('takes everything a sender paces at the agreed rate', async () => {
    const { gateway } = await started(`tps=50&latency=5&dlrDelay=10&${quiet}`);
    const outcomes: SubmitOutcome[] = [];
    for (let i = 0; i < 200; i++) {
      void gateway.submit(sms(i)).then((o) => outcomes.push(o));
      await vi.advanceTimersByTimeAsync(20);
    }
    await vi.runAllTimersAsync();
    expect(outcomes.filter((o) => o.kind === 'accepted')).toHaveLength(200);
    await gateway.close();
  });

  it('produces the configured failure mix over 10,000 recipients, within binomial tolerance', async () => {
    const config = 'tps=0&window=100000&latency=1&dlrDelay=100&fail=0.02&absent=0.01&expire=0.005&invalid=0.005&replies=0&seed=7';
    const { gateway, receipts } = await started(config);
    const n = 10_000;
    const outcomes = await (async () => {
      const all = Array.from({ length: n }, (_, i) => gateway.submit(sms(i)));
      await vi.runAllTimersAsync();
      return Promise.all(all);
    })();
    const invalid = outcomes.filter((o) => o.kind === 'rejected' && o.code === 'ESME_RINVDSTADR' && !o.temporary).length;
    const accepted = outcomes.filter((o) => o.kind === 'accepted').length;
    expect(invalid + accepted).toBe(n);
    expect(receipts).toHaveLength(accepted);
    const stat = (s: string) => receipts.filter((r) => r.stat === s).length;
    // Four standard deviations of a binomial count: fails by chance about once in 15,000 seeds.
    const within = (count: number, p: number) => expect(Math.abs(count - n * p)).toBeLessThanOrEqual(4 * Math.sqrt(n * p * (1 - p)));
    within(invalid, 0.005);
    within(stat('UNDELIV'), 0.01);
    within(stat('EXPIRED'), 0.005);
    within(stat('REJECTD'), 0.02);
    within(stat('DELIVRD'), 0.96);
    expect(receipts.filter((r) => r.stat === 'UNDELIV').every((r) => r.state === 'failed' && r.errorCode === '027')).toBe(true);
    expect(receipts.filter((r) => r.stat === 'EXPIRED').every((r) => r.state === 'expired')).toBe(true);
    expect(receipts.filter((r) => r.stat === 'DELIVRD').every((r) => r.state === 'delivered')).toBe(true);
    expect(receipts.every((r) => r.final)).toBe(true);
    await gateway.close();
  });

  it('answers after the latency and sends each receipt after the jittered dlrDelay, matching the message id', async () => {
    const { gateway, receipts } = await started(`tps=0&latency=100&dlrDelay=2000&${quiet}`);
    let outcome: SubmitOutcome | undefined;
    let answeredAt = 0;
    void gateway.submit(sms(1)).then((o) => {
      outcome = o;
      answeredAt = Date.now();
    });
    await vi.advanceTimersByTimeAsync(79);
    expect(outcome).toBeUndefined();
    expect(gateway.capacity().inFlight).toBe(1);
    await vi.advanceTimersByTimeAsync(41);
    expect(outcome).toEqual({ kind: 'accepted', messageIds: [expect.stringMatching(/^[0-9A-F]{8}$/)] });
    // Receipts come 50–150 % of dlrDelay after the answer: none in its first second.
    await vi.advanceTimersByTimeAsync(answeredAt + 999 - Date.now());
    expect(receipts).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(2001);
    expect(receipts).toHaveLength(1);
    const receipt = receipts[0] as DeliveryReceipt;
    expect(receipt).toMatchObject({ messageId: (outcome as { messageIds: string[] }).messageIds[0], state: 'delivered', final: true, stat: 'DELIVRD' });
    expect((receipt.doneAt as Date).getTime() - answeredAt).toBeGreaterThanOrEqual(1000);
    expect((receipt.submittedAt as Date).getTime()).toBeLessThanOrEqual(answeredAt);
    await gateway.close();
  });

  it('gives a long message one id and one receipt per part', async () => {
    const { gateway, receipts } = await started(`tps=0&latency=0&dlrDelay=10&${quiet}`);
    const submitted = gateway.submit(sms(1, { text: 'æ'.repeat(400) }));
    await vi.runAllTimersAsync();
    const outcome = await submitted;
    expect(outcome.kind === 'accepted' && outcome.messageIds).toHaveLength(3);
    expect(receipts.map((r) => r.messageId).sort()).toEqual([...(outcome as { messageIds: string[] }).messageIds].sort());
    await gateway.close();
  });

  it('keeps the parts it took when the rate runs out mid-message', async () => {
    const { gateway } = await started(`tps=20&latency=0&dlrDelay=10&pace=0&${quiet}`);
    // Burst is 2 tokens: a 3-part message gets 2 parts in, the third is throttled.
    const submitted = gateway.submit(sms(1, { text: 'x'.repeat(400) }));
    await vi.runAllTimersAsync();
    expect(await submitted).toMatchObject({ kind: 'rejected', temporary: true, code: 'ESME_RTHROTTLED', messageIds: [expect.any(String), expect.any(String)] });
    await gateway.close();
  });

  it('refuses ESME_RMSGQFUL beyond the window and non-E.164 numbers permanently', async () => {
    const { gateway } = await started(`tps=0&window=2&latency=100&${quiet}`);
    void gateway.submit(sms(1));
    void gateway.submit(sms(2));
    expect(await gateway.submit(sms(3))).toMatchObject({ kind: 'rejected', temporary: true, code: 'ESME_RMSGQFUL', status: 0x14 });
    expect(gateway.capacity()).toEqual({ tps: 0, window: 2, inFlight: 2 });
    expect(await gateway.submit(sms(4, { to: '12345678' }))).toMatchObject({ kind: 'rejected', temporary: false, code: 'INVALID_NUMBER' });
    await gateway.close();
  });

  it('has throttling episodes: the last throttleFor seconds of every period refuse everything', async () => {
    const { gateway } = await started(`tps=0&latency=0&dlrDelay=10&throttle=10&throttleFor=2&${quiet}`);
    const byTenth: boolean[] = [];
    for (let tenth = 0; tenth < 250; tenth++) {
      const submitted = gateway.submit(sms(tenth));
      await vi.advanceTimersByTimeAsync(100);
      const outcome = await submitted;
      byTenth.push(outcome.kind === 'accepted');
      if (outcome.kind === 'rejected') expect(outcome).toMatchObject({ temporary: true, code: 'ESME_RTHROTTLED' });
    }
    const refusedSeconds = [...new Set(byTenth.flatMap((ok, tenth) => (ok ? [] : [Math.floor(tenth / 10)])))];
    expect(refusedSeconds).toEqual([8, 9, 18, 19]);
    expect(byTenth.filter((ok) => !ok)).toHaveLength(40);
    await gateway.close();
  });

  it('lets the configured share of delivered recipients reply with a Danish tip after the reply delay', async () => {
    const { gateway, inbound, receipts } = await started('tps=0&window=100000&latency=0&dlrDelay=100&replyDelay=5000&fail=0&absent=0&expire=0&invalid=0&replies=0.1&seed=3');
    const all = Array.from({ length: 2000 }, (_, i) => gateway.submit(sms(i)));
    await vi.advanceTimersByTimeAsync(200);
    await Promise.all(all);
    expect(receipts).toHaveLength(2000);
    expect(inbound).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(10_000);
    const senders = new Set(inbound.map((m) => m.from));
    expect(Math.abs(senders.size - 200)).toBeLessThanOrEqual(4 * Math.sqrt(2000 * 0.1 * 0.9));
    const config = parseSimulatorUrl('simulator://?replies=0.1&seed=3');
    for (const reply of inbound) {
      expect(reply.to).toBe('1999');
      const whole = simulatedReply(config, reply.from)!;
      expect(SIMULATED_REPLIES).toContain(whole);
      // Long UCS-2 replies come as parts of at most 67 characters, numbered for the intake.
      if (reply.concat) expect(whole.includes(reply.text) && reply.text.length <= 67).toBe(true);
      else expect(reply.text).toBe(whole);
    }
    expect(inbound.some((m) => m.concat)).toBe(true);
    expect(new Set(inbound.map((m) => m.text)).size).toBeGreaterThan(3);
    await gateway.close();
  });

  it('sends no reply for recipients that were not delivered', async () => {
    const { gateway, inbound } = await started('tps=0&latency=0&dlrDelay=10&replyDelay=10&fail=1&absent=0&expire=0&invalid=0&replies=1');
    void gateway.submit(sms(1));
    await vi.runAllTimersAsync();
    expect(inbound).toHaveLength(0);
    await gateway.close();
  });

  it('close() answers what is in flight and cancels every timer', async () => {
    const { gateway, receipts, inbound } = await started('tps=0&latency=500&dlrDelay=1000&replies=1');
    const inFlight = gateway.submit(sms(1));
    const accepted = gateway.submit(sms(2, { to: number(2) }));
    await vi.advanceTimersByTimeAsync(100);
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    await gateway.close();
    expect(await inFlight).toMatchObject({ kind: 'rejected', temporary: true, code: 'GATEWAY_CLOSED', maybeSubmitted: true });
    await accepted;
    expect(gateway.scheduled()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(receipts).toHaveLength(0);
    expect(inbound).toHaveLength(0);
    expect(await gateway.submit(sms(3))).toMatchObject({ kind: 'rejected', code: 'GATEWAY_CLOSED' });
    await expect(gateway.connect()).rejects.toMatchObject({ code: 'GATEWAY_CLOSED' });
  });

  it('reproduces a run exactly from its seed, and another seed gives another run', async () => {
    async function run(seed: number) {
      vi.setSystemTime(new Date('2026-11-24T10:00:00Z'));
      const { gateway, receipts, inbound } = await started(`tps=0&window=100000&latency=20&dlrDelay=500&replies=0.05&fail=0.1&absent=0.05&expire=0.05&invalid=0.05&seed=${seed}`);
      const all = Array.from({ length: 500 }, (_, i) => gateway.submit(sms(i)));
      await vi.runAllTimersAsync();
      const outcomes = await Promise.all(all);
      await gateway.close();
      return { outcomes, receipts, inbound };
    }
    const first = await run(11);
    const second = await run(11);
    expect(second).toEqual(first);
    const other = await run(12);
    expect(other.outcomes.map((o) => o.kind)).not.toEqual(first.outcomes.map((o) => o.kind));
  });

  it('decides a fate by number, not by order, so a retry meets the same fate', () => {
    const config = parseSimulatorUrl('simulator://?invalid=0.3&absent=0.3&expire=0.1&fail=0.1&seed=5');
    const fates = Array.from({ length: 50 }, (_, i) => simulatedFate(config, number(i)));
    expect(Array.from({ length: 50 }, (_, i) => simulatedFate(config, number(i)))).toEqual(fates);
    expect(new Set(fates)).toEqual(new Set(['invalid', 'absent', 'expired', 'failed', 'delivered']));
  });

  it('paces on the console side by default: an offer far above the rate is accepted at the rate, none refused', async () => {
    const { gateway } = await started(`tps=100&latency=0&dlrDelay=10&${quiet}`);
    let settled = 0;
    const outcomes = Array.from({ length: 300 }, (_, i) => gateway.submit(sms(i)).finally(() => settled++));
    await vi.advanceTimersByTimeAsync(1000);
    // 300 at 100/s: about a second's worth (plus the burst) is through after 1 s, not all.
    expect(settled).toBeGreaterThan(80);
    expect(settled).toBeLessThan(130);
    await vi.advanceTimersByTimeAsync(3000);
    const all = await Promise.all(outcomes);
    expect(all.filter((o) => o.kind === 'accepted').length + all.filter((o) => o.kind === 'rejected' && o.code !== 'ESME_RTHROTTLED').length).toBe(300);
    expect(all.some((o) => o.kind === 'rejected' && o.code === 'ESME_RTHROTTLED')).toBe(false);
    await gateway.close();
  });
});
