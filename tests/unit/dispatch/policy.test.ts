import { describe, expect, it, vi } from 'vitest';
import type { SubmitOutcome } from '../../../electron/gateways/gateway';
import { FlowControl, isConnectionError, isThrottle, retryDelayMs } from '../../../electron/dispatch/policy';
import { RateLimitedEmitter, ThroughputMeter } from '../../../electron/dispatch/progress';

type Rejected = Extract<SubmitOutcome, { kind: 'rejected' }>;
const rej = (code: string, status?: number): Rejected => ({ kind: 'rejected', temporary: true, code, status, reason: '', messageIds: [], maybeSubmitted: false });

describe('dispatch policy', () => {
  it('recognises throttling by SMPP name and HTTP status, and link errors apart from message errors', () => {
    expect(isThrottle(rej('ESME_RTHROTTLED', 0x58))).toBe(true);
    expect(isThrottle(rej('ESME_RMSGQFUL', 0x14))).toBe(true);
    expect(isThrottle(rej('HTTP_ERROR', 429))).toBe(true);
    expect(isThrottle(rej('HTTP_ERROR', 503))).toBe(true);
    expect(isThrottle(rej('ESME_RSYSERR', 0x08))).toBe(false);
    expect(isThrottle(rej('HTTP_ERROR', 500))).toBe(false);
    expect(isConnectionError(rej('SMPP_CONNECTION_LOST'))).toBe(true);
    expect(isConnectionError(rej('SMPP_NOT_BOUND'))).toBe(true);
    expect(isConnectionError(rej('ECONNREFUSED'))).toBe(true);
    expect(isConnectionError(rej('ESME_RINVDSTADR'))).toBe(false);
  });

  it('backs off exponentially up to a cap', () => {
    expect([1, 2, 3, 4, 10].map((a) => retryDelayMs(a, 1000, 5000))).toEqual([1000, 2000, 4000, 5000, 5000]);
  });

  it('halves the window and pauses on a throttle, treats one burst as one signal, and climbs back', () => {
    const f = new FlowControl(100, 1000);
    expect(f.window(50, 0)).toBe(50);
    const until = f.throttled(50, 40, 1000);
    expect(until).toBe(1100);
    expect(f.window(50, 1050)).toBe(0);
    expect(f.throttled(50, 40, 1050)).toBe(1100); // same burst: no escalation
    expect(f.window(50, 1100)).toBe(20);
    expect(f.throttled(50, 20, 1200)).toBe(1400); // again after the pause: longer, smaller
    expect(f.window(50, 1400)).toBe(10);
    for (let i = 0; i < 40; i++) f.succeeded(50);
    expect(f.window(50, 2000)).toBe(50);
    expect(f.throttling).toBe(false);
  });
});

describe('progress', () => {
  it('measures throughput over a sliding window', () => {
    const m = new ThroughputMeter(10_000);
    expect(m.rate(0)).toBe(0);
    for (let s = 0; s < 10; s++) m.add(s * 1000 + 500, 100);
    expect(m.rate(10_000)).toBeCloseTo(100, 0);
    // Twenty seconds of silence later, the rate is zero again.
    expect(m.rate(30_000)).toBe(0);
  });

  it('emits at most once per interval per key, the latest value, and never loses the last', () => {
    vi.useFakeTimers();
    try {
      let clock = 0;
      const seen: number[] = [];
      const e = new RateLimitedEmitter<string, number>(250, (v) => seen.push(v), () => clock);
      let made = 0;
      for (let i = 1; i <= 1000; i++) {
        clock = i / 10; // 1,000 changes in 100 ms
        e.push('a', () => {
          made++;
          return i;
        });
      }
      expect(seen).toEqual([1]);
      clock = 250;
      vi.advanceTimersByTime(250);
      expect(seen).toEqual([1, 1000]);
      expect(made).toBe(2); // values are built only when sent
      e.push('a', () => 1001);
      e.flush();
      expect(seen).toEqual([1, 1000, 1001]);
    } finally {
      vi.useRealTimers();
    }
  });
});
