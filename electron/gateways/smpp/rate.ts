/**
 * A token bucket for the agreed submit rate. The burst is a hundredth of a second's worth
 * (at least one token): SMSCs count per second, and a full second's burst would let the
 * first second run at twice the rate.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  readonly burst: number;

  constructor(
    /** Tokens per second; 0 = unlimited. */
    readonly rate: number,
    now: number,
  ) {
    // At least one and a half tokens of headroom: a timer that fires a few ms late (always, on
    // a busy machine) would otherwise lose that time for good, and a 50/s send ran 5.6 % over
    // its bound. Half a token lets the next submit catch up; the long-run rate is unchanged.
    this.burst = Math.max(1.5, rate / 100);
    this.tokens = Math.max(1, rate / 100);
    this.last = now;
  }

  /** Takes a token and returns 0, or returns how many ms until one is there (taking nothing). */
  take(now: number): number {
    if (this.rate === 0) return 0;
    if (now > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.rate) / 1000);
      this.last = now;
    }
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.rate));
  }
}

/** Exponential backoff with full jitter, so many consoles do not reconnect in lockstep. */
export function backoffMs(attempt: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.round(minMs + (ceiling - minMs) * random());
}
