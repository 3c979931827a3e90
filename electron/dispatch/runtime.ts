/**
 * What the dispatch engine's parts share while it runs: the tuning, the in-memory picture of
 * each open send and each gateway lane, the rows of one turn, and the deltas a turn applies to
 * memory only after its transaction commits (so a rolled-back turn changes nothing).
 */
import type { DeliveryReceipt, Gateway, SubmitOutcome, Unsubscribe } from '../gateways/gateway';
import type { Log } from '../log';
import { CHUNK } from './outbox';
import type { OutboxCounts, OutboxState, SendRow, SendStatus } from './outbox';
import type { FlowControl } from './policy';
import type { ThroughputMeter } from './progress';

/** The main process's logger (electron/log.ts). Developer messages: counts, codes and ids only, never the text. */
export type DispatchLogger = Log;

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
  /** This many identical refusals about the gateway in a row pause the sends on it. */
  pauseAfterGatewayRefusals: number;
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
  pauseAfterGatewayRefusals: 3,
};

/** Why sends on a gateway were paused by the engine: the gateway's own words and what to do. */
export interface GatewayAttention {
  gateway: string;
  code: string;
  /** The gateway's answer as the connector reported it (no number, no text). */
  reason: string;
  since: string;
}

export interface SendRuntime {
  row: SendRow;
  expiresAt: number;
  counts: OutboxCounts;
  failures: Map<string, number>;
  meter: ThroughputMeter;
  /** Set once the send moved to its fallback: it never moves back. */
  switched: boolean;
  finishedWaiters: ((s: SendStatus) => void)[];
  /** Set when the engine paused the send because its gateway refuses every message. */
  attention: GatewayAttention | null;
  /** The send's texts in other languages by variant (1, 2, …; table send_texts); 0 is row.text. */
  texts: ReadonlyMap<number, SendText>;
}

/** One language variant of a send's message, as frozen at release. */
export interface SendText {
  text: string;
  encoding: 'GSM-7' | 'UCS-2';
}

export const isOpen = (s: SendRuntime) => s.row.finished_at === null;

/** One gateway as the engine drives it: its window, flow control and failure streak. */
export interface Lane {
  name: string;
  gateway: Gateway;
  flow: FlowControl;
  inFlight: number;
  connected: boolean;
  unavailableSince: number | null;
  errorStreak: number;
  failingSince: number | null;
  /** The refusals about the gateway in a row, all with this code (reset by an accept or another code). */
  refusals: { code: string; count: number } | null;
  /** Set once the refusals reached the limit: the lane takes nothing until a send on it is resumed. */
  attention: GatewayAttention | null;
  unsubs: Unsubscribe[];
}

/** A row taken for submission in this turn. */
export interface Claimed {
  id: number;
  sendId: number;
  phone: string;
  attempts: number;
  /** Which of the send's texts this recipient gets (0: the send's own). */
  variant: number;
  lane: Lane;
}

/** A submit's answer, waiting to be written. */
export interface Recorded {
  row: Claimed;
  outcome: SubmitOutcome;
}

export interface PendingReceipt {
  lane: Lane;
  receipt: DeliveryReceipt;
  firstSeen: number;
}

/** State changes of one turn, applied to memory only after the transaction commits. */
export class Deltas {
  readonly counts = new Map<number, Partial<Record<OutboxState, number>>>();
  readonly failures = new Map<number, Map<string, number>>();
  readonly duplicates = new Map<number, number>();
  readonly submitted = new Map<number, number>();
  readonly sendUpdates = new Map<number, Partial<SendRow>>();
  /** Receipt index entries used up by this turn: forgotten once it commits. */
  readonly usedReceiptKeys: string[] = [];
  /** Refusals about a gateway in this turn, in order. */
  readonly gatewayRefusals: { lane: Lane; code: string; reason: string }[] = [];
  /** Lane streaks and attention as they stand after this turn (applied on commit). */
  readonly laneUpdates = new Map<Lane, Pick<Lane, 'refusals' | 'attention'>>();
  /** Sends paused by the engine in this turn, and why. */
  readonly attention = new Map<number, GatewayAttention>();
  /** Messages accepted in this turn: indexed for their receipts once it commits. */
  readonly acceptedMessages: { row: Claimed; messageIds: readonly string[] }[] = [];

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
