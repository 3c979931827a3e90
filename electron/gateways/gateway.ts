/**
 * The one contract every SMS gateway (SMPP, Kannel HTTP, the simulator) implements, so the
 * dispatch engine can drive any of them and move a send from one to another.
 */
import { logFor } from '../log';

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface OutboundSms {
  /** Our client reference (e.g. recipient row id); lets logs and tests tie an outcome to a row. */
  ref: string;
  /** E.164, e.g. '+4512345678'. */
  to: string;
  text: string;
  /** 'auto' (default) picks GSM-7 when the text fits its alphabet, else UCS-2. */
  encoding?: SmsEncoding | 'auto';
  /** Undelivered messages expire at the SMSC after this many minutes (gateway default if absent). */
  validityMinutes?: number;
  /** Urgent messages overtake routine ones waiting for the rate limit or window. */
  priority?: 'routine' | 'urgent';
}

export type SubmitOutcome =
  | { kind: 'accepted'; messageIds: string[] }
  | {
      kind: 'rejected';
      /** Temporary: the same message may succeed later (retry); permanent: fail the recipient. */
      temporary: boolean;
      /** Stable and translatable, e.g. 'ESME_RTHROTTLED', 'ESME_RINVDSTADR', 'SMPP_CONNECTION_LOST'. */
      code: string;
      /** The protocol's own status (SMPP command_status, HTTP status) when there was one. */
      status?: number;
      /** English, for a developer; never contains the number or the text. */
      reason: string;
      /**
       * Ids of the parts the gateway accepted before a later part failed: their receipts can
       * still arrive, and resending the whole message would duplicate them.
       */
      messageIds: string[];
      /**
       * True when a part was sent but no answer came (connection lost, timeout): the handset
       * may get it anyway, so a retry is a possible duplicate the dispatch log should count.
       */
      maybeSubmitted: boolean;
      /**
       * 'gateway' when the refusal is about the gateway or its configuration (no sender,
       * credentials refused, source address invalid, the SMSC failing), not about this
       * message or number: every other message would be refused the same way, so the
       * dispatch keeps the recipient queued and, after a few alike, pauses the send.
       */
      about?: 'gateway';
    };

export type ReceiptState = 'enroute' | 'accepted' | 'delivered' | 'expired' | 'failed' | 'unknown';

export interface DeliveryReceipt {
  /** The id the gateway gave the part when accepting it. */
  messageId: string;
  /**
   * Other spellings of the same id to try when `messageId` matches nothing: some SMSCs answer
   * submit_sm with a hex id and put the decimal form in the receipt text (or the reverse).
   */
  altMessageIds: string[];
  state: ReceiptState;
  /** True when no later receipt will change the state. */
  final: boolean;
  /** The gateway's own word for the state (e.g. 'UNDELIV', 'REJECTD'), kept for the failure reason. */
  stat?: string;
  errorCode?: string;
  submittedAt?: Date;
  doneAt?: Date;
}

export interface InboundSms {
  /** E.164 when the gateway said it is international; otherwise as received. */
  from: string;
  to: string;
  /** The text; for binary user data (unknown or 8-bit data_coding) its octets in hex. */
  text: string;
  receivedAt: Date;
  /** The SMSC's (or Kannel's) own id of the message when it gives one: a redelivery repeats it. */
  smscId?: string;
  /** Binary user data, stored flagged and never read as text. */
  binary?: boolean;
  /** One part of a concatenated message: the intake joins the parts once all are stored. */
  concat?: { reference: number; total: number; seq: number };
}

/**
 * Hears inbound messages. A listener that returns a promise holds the acknowledgement to the
 * SMSC (deliver_sm_resp, Kannel's HTTP answer) until it resolves: the intake resolves once the
 * message is committed, so a crash before that makes the peer deliver it again.
 */
export type InboundListener = (message: InboundSms) => unknown;

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

export interface GatewayStateChange {
  state: ConnectionState;
  /** English, for a developer or the settings screen; never a credential. */
  detail: string;
}

export interface GatewayCapacity {
  /** Agreed messages (parts) per second; 0 when the gateway imposes no limit. */
  tps: number;
  /** How many submits may await an answer at once, over all connected links. */
  window: number;
  inFlight: number;
}

export type Unsubscribe = () => void;

export interface Gateway {
  /** Resolves once the gateway can take submits; rejects with a GatewayError otherwise. */
  connect(): Promise<void>;
  /** Stops reconnecting, fails what is waiting, and frees every socket and timer. */
  close(): Promise<void>;
  /** Never throws for a refused message: every outcome, good or bad, is a SubmitOutcome. */
  submit(message: OutboundSms): Promise<SubmitOutcome>;
  capacity(): GatewayCapacity;
  onReceipt(listener: (receipt: DeliveryReceipt) => void): Unsubscribe;
  onInbound(listener: InboundListener): Unsubscribe;
  onState(listener: (change: GatewayStateChange) => void): Unsubscribe;
  /**
   * After connect(): asks the gateway whether it could send at all, without sending anything
   * (e.g. Kannel with no sender); rejects with a GatewayError that says what to fix.
   */
  check?(): Promise<void>;
}

/** An error with a code the UI can translate; the message never carries a credential. */
export class GatewayError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

/**
 * A typed listener set. A listener that throws must not stop the others or the gateway's
 * socket handling, so errors are reported to `onError` instead of propagating.
 */
export class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();

  constructor(private readonly onError: (error: unknown) => void = (e) => logFor('gateway').error({ err: e }, 'gateway listener failed')) {}

  add(listener: (value: T) => void): Unsubscribe {
    // Wrapped so adding the same function twice still yields two independent subscriptions.
    const entry = (value: T) => listener(value);
    this.set.add(entry);
    return () => {
      this.set.delete(entry);
    };
  }

  emit(value: T): void {
    for (const listener of [...this.set]) {
      try {
        listener(value);
      } catch (error) {
        this.onError(error);
      }
    }
  }

  get size(): number {
    return this.set.size;
  }
}

/** The listener half every connector shares: receipts, inbound messages and state changes. */
export abstract class GatewayEvents {
  protected readonly receipts = new Listeners<DeliveryReceipt>();
  private readonly inboundListeners = new Set<InboundListener>();
  protected readonly states = new Listeners<GatewayStateChange>();

  onReceipt(listener: (receipt: DeliveryReceipt) => void): Unsubscribe {
    return this.receipts.add(listener);
  }

  onInbound(listener: InboundListener): Unsubscribe {
    const entry: InboundListener = (m) => listener(m);
    this.inboundListeners.add(entry);
    return () => {
      this.inboundListeners.delete(entry);
    };
  }

  /**
   * Hands an inbound message to every listener; resolves when all have taken it (committed
   * it), rejects when one could not: the connector then leaves it unacknowledged.
   */
  protected async deliverInbound(message: InboundSms): Promise<void> {
    const pending: Promise<void>[] = [];
    for (const listener of [...this.inboundListeners]) {
      try {
        const r = listener(message);
        if (r instanceof Promise) pending.push(r as Promise<void>);
      } catch (error) {
        pending.push(Promise.reject(error));
      }
    }
    await Promise.all(pending);
  }

  onState(listener: (change: GatewayStateChange) => void): Unsubscribe {
    return this.states.add(listener);
  }
}
