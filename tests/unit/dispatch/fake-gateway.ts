/**
 * An in-memory Gateway for the engine's unit tests: every submit waits for the test (or an
 * automatic answer), so a test can hold messages in flight, answer them in any order, throttle,
 * refuse, drop the link and send receipts, and look at what the engine asked for.
 */
import type {
  DeliveryReceipt,
  Gateway,
  GatewayCapacity,
  GatewayStateChange,
  InboundSms,
  OutboundSms,
  SubmitOutcome,
} from '../../../electron/gateways/gateway';
import { Listeners } from '../../../electron/gateways/gateway';

export interface HeldSubmit {
  message: OutboundSms;
  answer(outcome: SubmitOutcome): void;
}

export type AutoAnswer = (message: OutboundSms, index: number) => SubmitOutcome | null;

export class FakeGateway implements Gateway {
  readonly submitted: OutboundSms[] = [];
  readonly held: HeldSubmit[] = [];
  maxInFlight = 0;
  window: number;
  connected = true;
  /** Answers submits at once when it returns an outcome; null holds the submit. */
  auto: AutoAnswer | null;
  /** Sends a delivered receipt for each accepted part right after answering. */
  autoReceipt = false;
  private inFlight = 0;
  private nextId = 1;
  private readonly receipts = new Listeners<DeliveryReceipt>();
  private readonly inbound = new Listeners<InboundSms>();
  private readonly states = new Listeners<GatewayStateChange>();

  constructor(opts: { window?: number; auto?: AutoAnswer | null; autoReceipt?: boolean; prefix?: string } = {}) {
    this.window = opts.window ?? 10;
    this.auto = opts.auto === undefined ? acceptAll : opts.auto;
    this.autoReceipt = opts.autoReceipt ?? false;
    this.prefix = opts.prefix ?? 'm';
  }

  private readonly prefix: string;

  newId(): string {
    return `${this.prefix}${this.nextId++}`;
  }

  async connect(): Promise<void> {}
  async close(): Promise<void> {}

  capacity(): GatewayCapacity {
    return { tps: 0, window: this.connected ? this.window : 0, inFlight: this.inFlight };
  }

  setConnected(connected: boolean): void {
    this.connected = connected;
    this.states.emit({ state: connected ? 'connected' : 'disconnected', detail: 'test' });
  }

  submit(message: OutboundSms): Promise<SubmitOutcome> {
    const index = this.submitted.length;
    this.submitted.push(message);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return new Promise((resolve) => {
      const answer = (outcome: SubmitOutcome) => {
        this.inFlight--;
        resolve(outcome);
        if (this.autoReceipt && outcome.kind === 'accepted') {
          const ids = outcome.messageIds;
          setImmediate(() => ids.forEach((id) => this.receipt(id, 'delivered')));
        }
      };
      const outcome = this.auto?.call(this, message, index) ?? null;
      if (outcome) setImmediate(() => answer(outcome.kind === 'accepted' && outcome.messageIds.length === 0 ? accepted(this.newId()) : outcome));
      else this.held.push({ message, answer });
    });
  }

  /** Answers every held submit with `make` (accepted with a fresh id by default). */
  answerAll(make: (m: OutboundSms) => SubmitOutcome = () => accepted(this.newId())): number {
    const list = this.held.splice(0);
    for (const h of list) h.answer(make(h.message));
    return list.length;
  }

  receipt(messageId: string, state: DeliveryReceipt['state'], extra: Partial<DeliveryReceipt> = {}): void {
    this.receipts.emit({ messageId, altMessageIds: [], state, final: state !== 'enroute' && state !== 'accepted', ...extra });
  }

  onReceipt(listener: (receipt: DeliveryReceipt) => void) {
    return this.receipts.add(listener);
  }
  onInbound(listener: (message: InboundSms) => void) {
    return this.inbound.add(listener);
  }
  onState(listener: (change: GatewayStateChange) => void) {
    return this.states.add(listener);
  }
}

export const accepted = (...messageIds: string[]): SubmitOutcome => ({ kind: 'accepted', messageIds });

/** An accept whose ids the fake fills in. */
export const acceptAll: AutoAnswer = () => ({ kind: 'accepted', messageIds: [] });

export const rejected = (code: string, temporary: boolean, extra: Partial<Extract<SubmitOutcome, { kind: 'rejected' }>> = {}): SubmitOutcome => ({
  kind: 'rejected',
  temporary,
  code,
  reason: code,
  messageIds: [],
  maybeSubmitted: false,
  ...extra,
});

export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const phone = (i: number) => `+4520${String(i).padStart(6, '0')}`;
export const recipients = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ subscriberId: from + i + 1, phone: phone(from + i) }));
