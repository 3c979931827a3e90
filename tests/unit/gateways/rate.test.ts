import { describe, expect, it } from 'vitest';
import { TokenBucket, backoffMs } from '../../../electron/gateways/smpp/rate';

describe('TokenBucket', () => {
  it('hands out tokens at the rate with a burst of one at low rates', () => {
    const bucket = new TokenBucket(10, 0);
    expect(bucket.take(0)).toBe(0);
    expect(bucket.take(0)).toBe(100);
    expect(bucket.take(50)).toBe(50);
    expect(bucket.take(100)).toBe(0);
    // A long idle time does not save up a burst bigger than one token.
    expect(bucket.take(10_000)).toBe(0);
    expect(bucket.take(10_000)).toBeGreaterThan(0);
  });

  it('allows N tokens in N / rate seconds, never more', () => {
    const bucket = new TokenBucket(500, 0);
    let taken = 0;
    for (let t = 0; t <= 1000; t += 1) {
      while (bucket.take(t) === 0) taken++;
    }
    // 1 s at 500/s plus the 5-token burst.
    expect(taken).toBeGreaterThanOrEqual(500);
    expect(taken).toBeLessThanOrEqual(505);
  });

  it('is unlimited at rate 0', () => {
    const bucket = new TokenBucket(0, 0);
    for (let i = 0; i < 10_000; i++) expect(bucket.take(0)).toBe(0);
  });
});

describe('backoffMs', () => {
  it('grows exponentially up to the cap, with jitter between min and the ceiling', () => {
    expect(backoffMs(0, 100, 10_000, () => 1)).toBe(100);
    expect(backoffMs(3, 100, 10_000, () => 1)).toBe(800);
    expect(backoffMs(20, 100, 10_000, () => 1)).toBe(10_000);
    expect(backoffMs(20, 100, 10_000, () => 0)).toBe(100);
    expect(backoffMs(1000, 100, 10_000, () => 0.5)).toBe(5050);
  });
});
