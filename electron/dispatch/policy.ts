/**
 * How the dispatch reads a refused submit: is the gateway asking us to slow down, is the
 * link itself failing (a reason to move to the fallback), or is it about this message — and
 * how long a row waits before its next try.
 */
import type { SubmitOutcome } from '../gateways/gateway';

type Rejected = Extract<SubmitOutcome, { kind: 'rejected' }>;

const THROTTLE_CODES = new Set(['ESME_RTHROTTLED', 'ESME_RMSGQFUL', 'HTTP_429', 'HTTP_503', 'THROTTLED', 'RATE_LIMITED']);

/** SMPP 0x58 / 0x14 by name, HTTP 429 / 503 by status or name: "too fast, come back later". */
export function isThrottle(outcome: Rejected): boolean {
  if (THROTTLE_CODES.has(outcome.code)) return true;
  if (/THROTTL|RATE_?LIMIT|QUEUE_?FULL|MSGQFUL/i.test(outcome.code)) return true;
  // HTTP gateways put the status here; SMPP statuses are small numbers that never reach 429.
  return outcome.status === 429 || outcome.status === 503;
}

/** Errors about the link or the gateway being unreachable, not about the message. */
export function isConnectionError(outcome: Rejected): boolean {
  return /NOT_BOUND|CONNECTION|GATEWAY_CLOSED|RESPONSE_TIMEOUT|TIMEOUT|ECONN|EHOST|ENET|EPIPE|ETIMEDOUT|UNAVAILABLE|UNREACHABLE|BIND/i.test(
    outcome.code,
  );
}

/** Exponential backoff for the attempt that just failed (1 = first): 1 s, 2 s, 4 s … capped. */
export function retryDelayMs(attempts: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempts - 1, 20)));
}

/**
 * Additive-increase / multiplicative-decrease on the number of submits in flight, plus a
 * pause after a throttle that grows while throttling goes on: the same shape TCP uses, so
 * the pump settles just under what the gateway takes and climbs back when it allows more.
 */
export class FlowControl {
  /** Submits the pump may have in flight on top of the gateway's own window (≤ it). */
  private cap = Number.POSITIVE_INFINITY;
  private pauseMs = 0;
  private pausedUntil = 0;
  private successes = 0;

  constructor(
    private readonly minPauseMs = 50,
    private readonly maxPauseMs = 5_000,
  ) {}

  /** How many may be in flight now, given the gateway's window. */
  window(gatewayWindow: number, now: number): number {
    if (now < this.pausedUntil) return 0;
    return Math.max(0, Math.min(gatewayWindow, Math.floor(this.cap)));
  }

  /** When the pump may submit again (0 when it may now). */
  resumeAt(now: number): number {
    return now < this.pausedUntil ? this.pausedUntil : 0;
  }

  throttled(gatewayWindow: number, inFlight: number, now: number): number {
    // The answers to one burst arrive together: they are one signal, not many.
    if (now < this.pausedUntil) return this.pausedUntil;
    this.cap = Math.max(1, Math.min(gatewayWindow, inFlight, this.cap) / 2);
    this.pauseMs = this.pauseMs === 0 ? this.minPauseMs : Math.min(this.maxPauseMs, this.pauseMs * 2);
    this.pausedUntil = Math.max(this.pausedUntil, now + this.pauseMs);
    this.successes = 0;
    return this.pausedUntil;
  }

  succeeded(gatewayWindow: number): void {
    if (this.cap !== Number.POSITIVE_INFINITY) {
      this.cap += 1;
      if (this.cap >= gatewayWindow) this.cap = Number.POSITIVE_INFINITY;
    }
    // A pause shrinks back only after a run of successes, so a gateway that throttles every
    // few messages keeps a longer pause than one that throttled once.
    if (++this.successes >= 20) {
      this.pauseMs = Math.floor(this.pauseMs / 2);
      if (this.pauseMs < this.minPauseMs) this.pauseMs = 0;
      this.successes = 0;
    }
  }

  get throttling(): boolean {
    return this.cap !== Number.POSITIVE_INFINITY || this.pauseMs > 0;
  }
}
