/**
 * An SMPP 3.4 gateway over node-smpp: one or more transceiver binds used round-robin,
 * enquire_link keep-alive, reconnect with backoff after a drop, a token-bucket rate and a
 * per-bind window, submit_sm per part, and deliver_sm turned into receipt and inbound events.
 */
import { E164 } from '../../../shared/phone';
import smpp from 'smpp';
import type { PDU } from 'smpp';
import type {
  ConnectionState,
  Gateway,
  GatewayCapacity,
  OutboundSms,
  SubmitOutcome,
} from '../gateway';
import { GatewayError, GatewayEvents } from '../gateway';
import { logFor } from '../../log';
import type { SmppConfig } from './config';
import { encodeSubmitParts } from './encode';
import type { SubmitPart } from './encode';
import { interpretDeliverSm } from './inbound';
import { PduFormatError, parseSmBody } from './pdu';
import { TokenBucket, backoffMs } from './rate';
import { RawSession, rawOf } from './session';
import { classifyStatus, isAboutGateway } from './status';

export interface SmppGatewayOptions {
  /** Milliseconds clock, for the rate limiter and inbound reassembly. */
  now?: () => number;
  random?: () => number;
}

type PartResult =
  | { ok: true; messageId: string }
  | { ok: false; temporary: boolean; code: string; status?: number; reason: string; maybeSubmitted: boolean; about?: 'gateway' };

interface Pending {
  settle: (result: PartResult) => void;
  timer: NodeJS.Timeout;
}

interface Bind {
  index: number;
  session?: RawSession;
  bound: boolean;
  /** submit_sm sent and not yet answered, by sequence number. */
  pending: Map<number, Pending>;
  keepAlive?: NodeJS.Timeout;
  reconnect?: NodeJS.Timeout;
  attempt: number;
  /** Why we closed the link ourselves, for the state report. */
  closeReason?: string;
}

interface Waiter {
  start: (bind: Bind) => void;
  fail: (result: PartResult) => void;
}

const INTERFACE_VERSION_34 = 0x34;
const REGISTERED_DELIVERY_FINAL = 0x01;

/** SMPP relative time ("YYMMDDhhmmsstnnR") for a validity of `minutes`. */
export function relativeValidity(minutes: number): string {
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return `0000${two(days)}${two(hours)}${two(mins)}00000R`;
}

const lost = (reason: string): PartResult => ({
  ok: false,
  temporary: true,
  code: 'SMPP_CONNECTION_LOST',
  reason,
  maybeSubmitted: true,
});

export class SmppGateway extends GatewayEvents implements Gateway {
  private readonly binds: Bind[];
  private readonly bucket: TokenBucket;
  private readonly urgent: Waiter[] = [];
  private readonly routine: Waiter[] = [];
  private readonly now: () => number;
  private readonly random: () => number;
  private pumpTimer?: NodeJS.Timeout;
  private nextBind = 0;
  private reference = 0;
  /** True between a successful connect() and close(): only then is a drop followed by a reconnect. */
  private running = false;
  private closed = false;
  private connecting?: Promise<void>;
  private lastState?: string;

  constructor(
    private readonly config: SmppConfig,
    options: SmppGatewayOptions = {},
  ) {
    super();
    this.now = options.now ?? (() => performance.now());
    this.random = options.random ?? Math.random;
    this.bucket = new TokenBucket(config.tps, this.now());
    // A random start, so a restarted console does not reuse the references of the long
    // messages it sent just before, which a handset could still be joining.
    this.reference = Math.floor(this.random() * 256);
    this.binds = Array.from({ length: config.binds }, (_, index) => ({ index, bound: false, pending: new Map(), attempt: 0 }));
  }

  capacity(): GatewayCapacity {
    let inFlight = 0;
    let bound = 0;
    for (const bind of this.binds) {
      inFlight += bind.pending.size;
      if (bind.bound) bound++;
    }
    return { tps: this.config.tps, window: this.config.window * bound, inFlight };
  }

  connect(): Promise<void> {
    if (this.closed) return Promise.reject(new GatewayError('GATEWAY_CLOSED', 'This gateway was closed; create a new one'));
    // A second caller while binding waits for the same binds rather than opening more.
    this.connecting ??= this.bindAll();
    return this.connecting;
  }

  private async bindAll(): Promise<void> {
    this.report('connecting', `binding ${this.config.binds} transceiver(s) as ${this.config.systemId}`);
    try {
      await Promise.all(this.binds.map((bind) => this.open(bind)));
    } catch (error) {
      await this.close();
      throw error;
    }
    if (this.closed) throw new GatewayError('GATEWAY_CLOSED', 'The gateway was closed while binding');
    this.running = true;
    this.reportBinds();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.running = false;
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    this.pumpTimer = undefined;
    const closedResult: PartResult = { ok: false, temporary: true, code: 'GATEWAY_CLOSED', reason: 'The gateway was closed', maybeSubmitted: false };
    for (const waiter of this.urgent.splice(0).concat(this.routine.splice(0))) waiter.fail(closedResult);
    await Promise.all(this.binds.map((bind) => this.shutdown(bind)));
    this.report('disconnected', 'closed');
  }

  async submit(message: OutboundSms): Promise<SubmitOutcome> {
    const refuse = (code: string, reason: string, temporary = false): SubmitOutcome => ({
      kind: 'rejected',
      temporary,
      code,
      reason,
      messageIds: [],
      maybeSubmitted: false,
    });
    if (!E164.test(message.to)) return refuse('INVALID_NUMBER', 'The destination is not an E.164 number');
    const validity = message.validityMinutes ?? this.config.validityMinutes;
    if (!Number.isInteger(validity) || validity < 0 || validity > 99 * 1440) {
      return refuse('INVALID_VALIDITY', 'The validity period must be 0 to 99 days in whole minutes');
    }
    let parts: SubmitPart[];
    try {
      parts = encodeSubmitParts(message.text, {
        encoding: message.encoding ?? 'auto',
        packed: this.config.packed,
        payload: this.config.payload,
        reference: this.reference,
      });
    } catch (error) {
      if (error instanceof GatewayError) return refuse(error.code, error.message);
      throw error;
    }
    if (parts.length > 1) this.reference = (this.reference + 1) & 0xff;

    const messageIds: string[] = [];
    for (const part of parts) {
      const result = await this.submitPart(part, message, validity);
      if (!result.ok) {
        const { ok: _ok, ...failure } = result;
        return { kind: 'rejected', ...failure, messageIds };
      }
      messageIds.push(result.messageId);
    }
    return { kind: 'accepted', messageIds };
  }

  private submitPart(part: SubmitPart, message: OutboundSms, validityMinutes: number): Promise<PartResult> {
    return new Promise<PartResult>((resolve) => {
      if (this.closed) {
        resolve({ ok: false, temporary: true, code: 'GATEWAY_CLOSED', reason: 'The gateway was closed', maybeSubmitted: false });
        return;
      }
      if (!this.binds.some((bind) => bind.bound)) {
        resolve({ ok: false, temporary: true, code: 'SMPP_NOT_BOUND', reason: 'No SMPP bind is up', maybeSubmitted: false });
        return;
      }
      const waiter: Waiter = {
        fail: resolve,
        start: (bind) => this.send(bind, part, message, validityMinutes, resolve),
      };
      (message.priority === 'urgent' ? this.urgent : this.routine).push(waiter);
      this.pump();
    });
  }

  private send(bind: Bind, part: SubmitPart, message: OutboundSms, validityMinutes: number, settle: (r: PartResult) => void): void {
    const session = bind.session;
    const fields: Record<string, unknown> = {
      source_addr_ton: this.config.sourceTon,
      source_addr_npi: this.config.sourceNpi,
      source_addr: this.config.source,
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: message.to.slice(1),
      esm_class: part.esmClass,
      priority_flag: message.priority === 'urgent' ? 1 : 0,
      registered_delivery: REGISTERED_DELIVERY_FINAL,
      data_coding: part.dataCoding,
    };
    if (validityMinutes > 0) fields.validity_period = relativeValidity(validityMinutes);
    // Buffers pass node-smpp's message filter untouched; exactly one of the two is set.
    if (part.messagePayload) fields.message_payload = Buffer.from(part.messagePayload);
    else fields.short_message = Buffer.from(part.shortMessage ?? new Uint8Array(0));
    const pdu = new smpp.PDU('submit_sm', fields);

    let done = false;
    const finish = (result: PartResult) => {
      if (done) return;
      done = true;
      clearTimeout(entry.timer);
      if (bind.pending.get(pdu.sequence_number) === entry) bind.pending.delete(pdu.sequence_number);
      settle(result);
      this.pump();
    };
    const entry: Pending = {
      settle: finish,
      timer: setTimeout(() => {
        finish({
          ok: false,
          temporary: true,
          code: 'SMPP_RESPONSE_TIMEOUT',
          reason: `No submit_sm_resp within ${this.config.responseTimeoutSeconds} s`,
          maybeSubmitted: true,
        });
      }, this.config.responseTimeoutSeconds * 1000),
    };
    const sent =
      session?.send(pdu, (resp) => {
        if (resp.command_status === 0) {
          finish({ ok: true, messageId: typeof resp.message_id === 'string' ? resp.message_id : '' });
          return;
        }
        const info = classifyStatus(resp.command_status);
        finish({
          ok: false,
          temporary: info.temporary,
          code: info.code,
          status: resp.command_status,
          reason: info.reason,
          maybeSubmitted: false,
          ...(isAboutGateway(info) ? { about: 'gateway' as const } : {}),
        });
      }) ?? false;
    if (!sent) {
      finish({ ok: false, temporary: true, code: 'SMPP_NOT_BOUND', reason: 'The bind closed before the submit could be sent', maybeSubmitted: false });
      return;
    }
    bind.pending.set(pdu.sequence_number, entry);
  }

  /** Starts waiting submits while a token and a window slot on some bound bind are free. */
  private pump(): void {
    if (this.pumpTimer) return;
    while (this.urgent.length + this.routine.length > 0) {
      const bind = this.freeBind();
      if (!bind) {
        if (!this.binds.some((b) => b.bound)) this.failWaiters();
        return;
      }
      const wait = this.bucket.take(this.now());
      if (wait > 0) {
        this.pumpTimer = setTimeout(() => {
          this.pumpTimer = undefined;
          this.pump();
        }, wait);
        return;
      }
      const waiter = (this.urgent.length > 0 ? this.urgent : this.routine).shift() as Waiter;
      waiter.start(bind);
    }
  }

  private failWaiters(): void {
    const result: PartResult = { ok: false, temporary: true, code: 'SMPP_NOT_BOUND', reason: 'No SMPP bind is up', maybeSubmitted: false };
    for (const waiter of this.urgent.splice(0).concat(this.routine.splice(0))) waiter.fail(result);
  }

  private freeBind(): Bind | undefined {
    for (let i = 0; i < this.binds.length; i++) {
      const bind = this.binds[(this.nextBind + i) % this.binds.length] as Bind;
      if (bind.bound && bind.pending.size < this.config.window) {
        this.nextBind = (bind.index + 1) % this.binds.length;
        return bind;
      }
    }
    return undefined;
  }

  /** Connects and binds one bind; resolves when bound. A failure closes its session. */
  private open(bind: Bind): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const session = new RawSession({ host: this.config.host, port: this.config.port });
      bind.session = session;
      bind.closeReason = undefined;
      let settled = false;
      let lastError: NodeJS.ErrnoException | undefined;
      const settle = (error?: GatewayError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(() => {
        bind.closeReason = `no bind response within ${this.config.responseTimeoutSeconds} s`;
        settle(new GatewayError('BIND_TIMEOUT', `No bind response within ${this.config.responseTimeoutSeconds} s`));
        session.destroy();
      }, this.config.responseTimeoutSeconds * 1000);

      session.on('connect', () => {
        const pdu = new smpp.PDU('bind_transceiver', {
          system_id: this.config.systemId,
          password: this.config.password,
          system_type: this.config.systemType,
          interface_version: INTERFACE_VERSION_34,
        });
        session.send(pdu, (resp) => {
          if (bind.session !== session) return;
          if (resp.command_status !== 0) {
            const info = classifyStatus(resp.command_status);
            settle(new GatewayError(info.code, `The SMSC refused the bind: ${info.reason} (${info.code})`, resp.command_status));
            session.destroy();
            return;
          }
          bind.bound = true;
          bind.attempt = 0;
          this.startKeepAlive(bind, session);
          settle();
          if (this.running) this.reportBinds();
          this.pump();
        });
      });
      session.on('error', (error: NodeJS.ErrnoException) => {
        // Kept for the close that follows; node emits 'close' after every socket error.
        lastError = error;
      });
      session.on('close', () => {
        const code = lastError?.code ?? 'SMPP_CONNECTION_LOST';
        const detail = bind.session === session && bind.closeReason ? bind.closeReason : lastError ? lastError.message : 'the SMSC closed the connection';
        settle(new GatewayError(code, `Could not bind to ${this.config.host}:${this.config.port}: ${detail}`));
        this.onClosed(bind, session, detail);
      });
      session.on('pdu', (pdu: PDU) => this.onPdu(bind, session, pdu));
    });
  }

  private onClosed(bind: Bind, session: RawSession, detail: string): void {
    if (bind.session !== session) return;
    const wasBound = bind.bound;
    bind.bound = false;
    bind.session = undefined;
    if (bind.keepAlive) clearInterval(bind.keepAlive);
    bind.keepAlive = undefined;
    const pending = [...bind.pending.values()];
    bind.pending.clear();
    for (const entry of pending) entry.settle(lost(`The connection closed before submit_sm_resp (${detail})`));
    this.pump();
    if (!this.running) return;
    const delay = backoffMs(bind.attempt++, this.config.reconnectMinMs, this.config.reconnectMaxMs, this.random);
    if (wasBound || !this.binds.some((b) => b.bound)) {
      this.reportBinds(`bind ${bind.index + 1} lost (${detail}); reconnecting in ${(delay / 1000).toFixed(1)} s`);
    }
    bind.reconnect = setTimeout(() => {
      bind.reconnect = undefined;
      if (!this.running) return;
      // A failed attempt ends in onClosed again, which schedules the next one.
      this.open(bind).catch(() => undefined);
    }, delay);
  }

  private startKeepAlive(bind: Bind, session: RawSession): void {
    let awaiting: NodeJS.Timeout | undefined;
    bind.keepAlive = setInterval(() => {
      if (awaiting) return;
      awaiting = setTimeout(() => {
        // No enquire_link_resp: the link is dead even if TCP has not noticed; reconnect.
        if (bind.session === session) bind.closeReason = `no enquire_link_resp within ${this.config.responseTimeoutSeconds} s`;
        session.destroy();
      }, this.config.responseTimeoutSeconds * 1000);
      const sent = session.send(new smpp.PDU('enquire_link', {}), () => {
        clearTimeout(awaiting);
        awaiting = undefined;
      });
      if (!sent) session.destroy();
    }, this.config.enquireLinkSeconds * 1000);
    session.once('close', () => clearTimeout(awaiting));
  }

  private onPdu(bind: Bind, session: RawSession, pdu: PDU): void {
    if (pdu.isResponse()) return; // matched to its request by node-smpp's callbacks
    switch (pdu.command) {
      case 'deliver_sm':
        // An inbound message is answered once the intake has committed it; if it cannot,
        // a temporary error makes the SMSC deliver it again later.
        this.onDeliver(pdu).then(
          () => session.send(pdu.response({ message_id: '' })),
          () => session.send(pdu.response({ command_status: smpp.errors.ESME_RX_T_APPN })),
        );
        return;
      case 'enquire_link':
        session.send(pdu.response());
        return;
      case 'unbind':
        // The SMSC is going away (maintenance): answer, close, and let reconnect take over.
        session.send(pdu.response(), () => session.close());
        if (bind.session === session) bind.bound = false;
        return;
      case 'alert_notification':
        return; // the one SMPP request without a response
      default:
        session.send(pdu.response({ command_status: smpp.errors.ESME_RINVCMDID }));
    }
  }

  private async onDeliver(pdu: PDU): Promise<void> {
    const raw = rawOf(pdu);
    if (!raw) return;
    let delivery;
    try {
      delivery = interpretDeliverSm(parseSmBody(raw), { packed: this.config.packed });
    } catch (error) {
      // Never let one bad PDU take the link down: it has been answered, drop it and go on.
      const why = error instanceof PduFormatError ? error.message : String(error);
      logFor('smpp').warn(`smpp: malformed deliver_sm dropped: ${why}`);
      return;
    }
    switch (delivery.kind) {
      case 'receipt':
        this.receipts.emit(delivery.receipt);
        return;
      case 'ignored':
        logFor('smpp').warn(`smpp: deliver_sm not passed on: ${delivery.why}`);
        return;
      case 'message':
        await this.deliverInbound({
          from: delivery.from,
          to: delivery.to,
          text: delivery.text,
          receivedAt: new Date(),
          ...(delivery.binary ? { binary: true } : {}),
          ...(delivery.concat ? { concat: delivery.concat } : {}),
        });
    }
  }

  private async shutdown(bind: Bind): Promise<void> {
    if (bind.reconnect) clearTimeout(bind.reconnect);
    bind.reconnect = undefined;
    const session = bind.session;
    if (!session) return;
    const closed = new Promise<void>((resolve) => {
      if (session.socket.destroyed) resolve();
      else session.socket.once('close', () => resolve());
    });
    if (bind.bound) {
      // A polite unbind lets the SMSC finish answering what is in flight; bounded, as a
      // dead SMSC would never answer.
      const answered = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        const sent = session.send(new smpp.PDU('unbind', {}), () => {
          clearTimeout(timer);
          resolve();
        });
        if (!sent) {
          clearTimeout(timer);
          resolve();
        }
      });
      await answered;
    }
    session.destroy();
    await closed;
  }

  private reportBinds(detail?: string): void {
    const bound = this.binds.filter((b) => b.bound).length;
    const state: ConnectionState = bound > 0 ? 'connected' : this.running ? 'connecting' : 'disconnected';
    this.report(state, detail ?? `${bound} of ${this.binds.length} bind(s) up`);
  }

  private report(state: ConnectionState, detail: string): void {
    const bound = this.binds.filter((b) => b.bound).length;
    const key = `${state}/${bound}`;
    if (key === this.lastState && state !== 'connecting') return;
    this.lastState = key;
    this.states.emit({ state, detail });
  }
}

export type { SmppConfig } from './config';
