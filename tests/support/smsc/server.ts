/**
 * A real SMPP 3.4 peer on 127.0.0.1 for the gateway tests and the dispatch benchmark: binds
 * transceivers, answers submit_sm, sends delivery receipts and inbound messages, and can
 * throttle, refuse numbers and drop connections on demand. It records every PDU it receives,
 * raw, so tests can assert on the exact octets the gateway put on the wire.
 *
 * It uses node-smpp's Session (through the gateway's RawSession, to keep raw octets) on a
 * plain net.Server, which is all node-smpp's createServer is.
 */
// The tests project does not see the electron project's ambient module declarations.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="../../../electron/gateways/smpp/smpp.d.ts" />
import net from 'node:net';
import smpp from 'smpp';
import type { PDU } from 'smpp';
import type { SmBody } from '../../../electron/gateways/smpp/pdu';
import { TLV, parseSmBody } from '../../../electron/gateways/smpp/pdu';
import { RawSession, rawOf } from '../../../electron/gateways/smpp/session';

export type ReceiptForm = 'text' | 'tlv' | 'both';

export interface SmscOptions {
  systemId?: string;
  password?: string;
  /** Delay before a receipt is sent; 0 sends it right after the submit_sm_resp. */
  receiptDelayMs?: number;
  receiptForm?: ReceiptForm;
  /** Delay before answering a submit_sm (to make the window observable). */
  responseDelayMs?: number;
  /** Message ids as uppercase hex (like many SMSCs) or decimal. */
  idFormat?: 'hex' | 'decimal';
  /** The receipt outcome for a destination (without '+'); delivered by default. */
  outcome?: (destination: string) => { stat: string; state: number; err: string };
  /**
   * Keep every received PDU in `received` (default). Benchmarks of hundreds of thousands of
   * messages turn it off and read the counters instead.
   */
  record?: boolean;
}

export interface ReceivedPdu {
  /** Which connection (1, 2, …) it came on. */
  connection: number;
  command: string;
  sequenceNumber: number;
  raw: Buffer;
  /** Parsed body, for submit_sm. */
  body?: SmBody;
  /** Why the body could not be parsed, if it could not. */
  error?: string;
  at: number;
}

export interface InboundOptions {
  from: string;
  to: string;
  /** User data octets (include the UDH when `esmClass` has 0x40). */
  userData: Uint8Array;
  dataCoding: number;
  esmClass?: number;
  sourceTon?: number;
  /** Put the user data in message_payload instead of short_message. */
  payload?: boolean;
  tlvs?: Record<string, unknown>;
}

/**
 * Inbound messages the SMSC keeps offering until the gateway acknowledges each with status 0,
 * as a real SMSC does: a message without an answer (the connection dropped, the host was
 * killed, a temporary error) is delivered again on the next bind.
 */
export interface MoStream {
  readonly total: number;
  acked: number;
  /** deliver_sm sent again for a message already sent once. */
  redelivered: number;
  /** Non-zero deliver_sm_resp statuses seen. */
  refused: number;
  /** When each message was last sent (performance.now()), by index. */
  readonly lastSentAt: Float64Array;
  readonly ackedAt: Float64Array;
  /** Resolves once every message is acknowledged. */
  readonly done: Promise<void>;
  stop(): void;
}

interface Connection {
  id: number;
  session: RawSession;
  socket: net.Socket;
  bound: boolean;
  outstanding: number;
}

const deliveredOutcome = { stat: 'DELIVRD', state: 2, err: '000' };

function yymmddhhmm(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    two(date.getUTCFullYear() % 100) +
    two(date.getUTCMonth() + 1) +
    two(date.getUTCDate()) +
    two(date.getUTCHours()) +
    two(date.getUTCMinutes())
  );
}

export class TestSmsc {
  readonly received: ReceivedPdu[] = [];
  /** deliver_sm_resp statuses the gateway answered with, in order. */
  readonly deliverResponses: number[] = [];
  /** The highest number of submit_sm awaiting an answer on one connection. */
  maxOutstanding = 0;
  /** submit_sm received, and those answered with a message id, whether recorded or not. */
  submitCount = 0;
  acceptedCount = 0;
  receiptDelayMs: number;
  /** When true the SMSC reads but answers nothing, like a hung SMSC behind a live TCP link. */
  silent = false;
  receiptForm: ReceiptForm;
  responseDelayMs: number;
  private readonly connections = new Set<Connection>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly streamTimers = new Set<NodeJS.Timeout>();
  private throttleCount = 0;
  private throttleSkip = 0;
  private failPattern?: RegExp;
  private nextId = 0x1000;
  private connectionCount = 0;
  private readonly options: Required<Pick<SmscOptions, 'systemId' | 'password' | 'idFormat'>> & SmscOptions;

  private constructor(
    private readonly server: net.Server,
    options: SmscOptions,
  ) {
    this.options = { systemId: 'tryk', password: 'secret', idFormat: 'hex', ...options };
    this.receiptDelayMs = options.receiptDelayMs ?? 0;
    this.receiptForm = options.receiptForm ?? 'text';
    this.responseDelayMs = options.responseDelayMs ?? 0;
    server.on('connection', (socket) => this.accept(socket));
  }

  static async start(options: SmscOptions = {}): Promise<TestSmsc> {
    const server = net.createServer();
    const smsc = new TestSmsc(server, options);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return smsc;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** A gateway URL for this SMSC; `query` is appended as is. */
  url(query = '', credentials = `${this.options.systemId}:${this.options.password}`): string {
    return `smpp://${credentials}@127.0.0.1:${this.port}${query ? `?${query}` : ''}`;
  }

  get boundConnections(): number {
    return [...this.connections].filter((c) => c.bound).length;
  }

  get openConnections(): number {
    return this.connections.size;
  }

  submits(): SmBody[] {
    return this.received.flatMap((pdu) => (pdu.command === 'submit_sm' && pdu.body ? [pdu.body] : []));
  }

  /** Answer the next `count` submit_sm with ESME_RTHROTTLED. */
  throttleNext(count: number): void {
    this.throttleAfter(0, count);
  }

  /** Let `accepted` more submit_sm through, then answer `count` with ESME_RTHROTTLED. */
  throttleAfter(accepted: number, count = 1): void {
    this.throttleSkip = accepted;
    this.throttleCount = count;
  }

  /** Answer submit_sm to destinations (without '+') matching `pattern` with ESME_RINVDSTADR. */
  failNumbers(pattern: RegExp | undefined): void {
    this.failPattern = pattern;
  }

  /** Drops every connection without an unbind, as a crashed SMSC or a cut cable would. */
  dropConnections(): void {
    for (const connection of this.connections) connection.socket.destroy();
  }

  /** Sends a deliver_sm (an inbound message) on the first bound connection. */
  sendInbound(inbound: InboundOptions): Promise<number> {
    const fields: Record<string, unknown> = {
      source_addr_ton: inbound.sourceTon ?? 1,
      source_addr_npi: 1,
      source_addr: inbound.from,
      dest_addr_ton: 0,
      dest_addr_npi: 1,
      destination_addr: inbound.to,
      esm_class: inbound.esmClass ?? 0,
      data_coding: inbound.dataCoding,
      ...inbound.tlvs,
    };
    if (inbound.payload) fields.message_payload = Buffer.from(inbound.userData);
    else fields.short_message = Buffer.from(inbound.userData);
    return this.deliver(fields);
  }

  /**
   * Offers every message at `rate` a second, at most `window` unanswered at once, until each is
   * acknowledged (see MoStream). Messages go out on whichever connection is bound.
   */
  moStream(messages: readonly InboundOptions[], opts: { rate: number; window: number; timeoutMs?: number }): MoStream {
    const total = messages.length;
    const queue: number[] = Array.from({ length: total }, (_, i) => i);
    const sent = new Uint8Array(total);
    const inflight = new Map<number, Connection>();
    let resolveDone!: () => void;
    const stream: MoStream = {
      total,
      acked: 0,
      redelivered: 0,
      refused: 0,
      lastSentAt: new Float64Array(total),
      ackedAt: new Float64Array(total),
      done: new Promise<void>((r) => (resolveDone = r)),
      stop: () => clearInterval(tick),
    };
    let tokens = 0;
    let last = performance.now();
    const timeoutMs = opts.timeoutMs ?? 10_000;
    const requeue = (i: number) => {
      if (inflight.delete(i)) queue.push(i);
    };
    const tick = setInterval(() => {
      const now = performance.now();
      tokens = Math.min(opts.rate / 10, tokens + ((now - last) * opts.rate) / 1000);
      last = now;
      // Unanswered on a connection that is gone: offered again.
      for (const [i, c] of inflight) if (c.socket.destroyed || !this.connections.has(c)) requeue(i);
      const bound = [...this.connections].filter((c) => c.bound && !c.socket.destroyed);
      if (bound.length === 0) return;
      let k = 0;
      while (tokens >= 1 && inflight.size < opts.window && queue.length > 0) {
        const i = queue.shift()!;
        const connection = bound[k++ % bound.length]!;
        tokens -= 1;
        if (sent[i]) stream.redelivered++;
        sent[i] = 1;
        stream.lastSentAt[i] = performance.now();
        inflight.set(i, connection);
        const m = messages[i]!;
        const fields: Record<string, unknown> = {
          source_addr_ton: m.sourceTon ?? 1,
          source_addr_npi: 1,
          source_addr: m.from,
          dest_addr_ton: 0,
          dest_addr_npi: 1,
          destination_addr: m.to,
          esm_class: m.esmClass ?? 0,
          data_coding: m.dataCoding,
          ...m.tlvs,
        };
        if (m.payload) fields.message_payload = Buffer.from(m.userData);
        else fields.short_message = Buffer.from(m.userData);
        const timer = setTimeout(() => requeue(i), timeoutMs);
        const ok = connection.session.send(new smpp.PDU('deliver_sm', fields), (resp) => {
          clearTimeout(timer);
          if (inflight.get(i) !== connection) return;
          inflight.delete(i);
          if (resp.command_status === 0) {
            stream.acked++;
            stream.ackedAt[i] = performance.now();
            if (stream.acked === total) {
              clearInterval(tick);
              resolveDone();
            }
          } else {
            stream.refused++;
            queue.push(i);
          }
        });
        if (!ok) {
          clearTimeout(timer);
          requeue(i);
        }
      }
    }, 5);
    this.streamTimers.add(tick);
    return stream;
  }

  /** Sends a deliver_sm built from raw fields (for receipts in odd shapes). */
  async deliver(fields: Record<string, unknown>): Promise<number> {
    const status = await this.request('deliver_sm', fields);
    this.deliverResponses.push(status);
    return status;
  }

  /**
   * Sends any request PDU to the gateway on the first bound connection and resolves with
   * the response's command_status; rejects if no answer comes within `timeoutMs`, so a
   * gateway that never answers fails the test quickly instead of hanging it.
   */
  request(command: string, fields: Record<string, unknown> = {}, timeoutMs = 5000): Promise<number> {
    const connection = [...this.connections].find((c) => c.bound);
    if (!connection) return Promise.reject(new Error('No bound connection'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`No response to ${command} within ${timeoutMs} ms`)), timeoutMs);
      const sent = connection.session.send(new smpp.PDU(command, fields), (resp) => {
        clearTimeout(timer);
        resolve(resp.command_status);
      });
      if (!sent) {
        clearTimeout(timer);
        reject(new Error('The connection is not writable'));
      }
    });
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const timer of this.streamTimers) clearInterval(timer);
    this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private later(ms: number, run: () => void): void {
    if (ms <= 0) {
      run();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }

  private accept(socket: net.Socket): void {
    const session = new RawSession({ socket });
    const connection: Connection = { id: ++this.connectionCount, session, socket, bound: false, outstanding: 0 };
    this.connections.add(connection);
    session.on('error', () => undefined); // resets from the gateway are part of the tests
    socket.on('close', () => this.connections.delete(connection));
    session.on('pdu', (pdu: PDU) => this.onPdu(connection, pdu));
  }

  private onPdu(connection: Connection, pdu: PDU): void {
    const raw = rawOf(pdu) ?? Buffer.alloc(0);
    const record: ReceivedPdu = { connection: connection.id, command: pdu.command, sequenceNumber: pdu.sequence_number, raw, at: performance.now() };
    let malformed = false;
    if (pdu.command === 'submit_sm') {
      try {
        record.body = parseSmBody(raw);
      } catch (error) {
        // Recorded and refused, so a test sees a clear failure instead of a crashed peer.
        record.error = error instanceof Error ? error.message : String(error);
        malformed = true;
      }
    }
    if (this.options.record !== false) this.received.push(record);
    if (pdu.command === 'submit_sm') this.submitCount++;
    if (pdu.isResponse() || this.silent) return;
    if (malformed) {
      connection.session.send(pdu.response({ command_status: smpp.errors.ESME_RINVCMDLEN }));
      return;
    }
    const { session } = connection;
    switch (pdu.command) {
      case 'bind_transceiver': {
        const ok = pdu.system_id === this.options.systemId && pdu.password === this.options.password;
        connection.bound = ok;
        session.send(pdu.response(ok ? { system_id: 'TestSMSC' } : { command_status: smpp.errors.ESME_RBINDFAIL }));
        return;
      }
      case 'enquire_link':
        session.send(pdu.response());
        return;
      case 'unbind':
        connection.bound = false;
        session.send(pdu.response(), () => connection.socket.end());
        return;
      case 'submit_sm':
        this.onSubmit(connection, pdu, record.body as SmBody);
        return;
      default:
        session.send(pdu.response({ command_status: smpp.errors.ESME_RINVCMDID }));
    }
  }

  private onSubmit(connection: Connection, pdu: PDU, body: SmBody): void {
    connection.outstanding++;
    this.maxOutstanding = Math.max(this.maxOutstanding, connection.outstanding);
    const answer = (options: Record<string, unknown>) => {
      connection.outstanding--;
      connection.session.send(pdu.response(options));
    };
    const status = this.statusFor(connection, body);
    this.later(this.responseDelayMs, () => {
      if (status !== 0) {
        answer({ command_status: status });
        return;
      }
      const id = this.options.idFormat === 'hex' ? (this.nextId++).toString(16).toUpperCase() : String(this.nextId++);
      this.acceptedCount++;
      answer({ message_id: id });
      if (body.registeredDelivery & 0x01) this.later(this.receiptDelayMs, () => this.sendReceipt(connection, id, body));
    });
  }

  private statusFor(connection: Connection, body: SmBody): number {
    if (!connection.bound) return smpp.errors.ESME_RINVBNDSTS as number;
    // SMPP 3.4: a message in both short_message and message_payload is an error.
    if (body.shortMessage.length > 0 && body.tlvs.has(TLV.messagePayload)) return smpp.errors.ESME_RINVMSGLEN as number;
    if (this.throttleCount > 0) {
      if (this.throttleSkip > 0) {
        this.throttleSkip--;
      } else {
        this.throttleCount--;
        return smpp.errors.ESME_RTHROTTLED as number;
      }
    }
    if (this.failPattern?.test(body.destinationAddr)) return smpp.errors.ESME_RINVDSTADR as number;
    return 0;
  }

  private sendReceipt(connection: Connection, id: string, body: SmBody): void {
    if (!connection.bound || connection.socket.destroyed) return;
    const outcome = this.options.outcome?.(body.destinationAddr) ?? deliveredOutcome;
    const now = yymmddhhmm(new Date());
    const fields: Record<string, unknown> = {
      source_addr_ton: body.destAddrTon,
      source_addr_npi: body.destAddrNpi,
      source_addr: body.destinationAddr,
      dest_addr_ton: body.sourceAddrTon,
      dest_addr_npi: body.sourceAddrNpi,
      destination_addr: body.sourceAddr,
      esm_class: 0x04,
      data_coding: 0,
    };
    if (this.receiptForm !== 'tlv') {
      const text = `id:${id} sub:001 dlvrd:${outcome.state === 2 ? '001' : '000'} submit date:${now} done date:${now} stat:${outcome.stat} err:${outcome.err} text:`;
      fields.short_message = Buffer.from(text, 'latin1');
    }
    if (this.receiptForm !== 'text') {
      fields.receipted_message_id = id;
      fields.message_state = outcome.state;
    }
    connection.session.send(new smpp.PDU('deliver_sm', fields), (resp) => this.deliverResponses.push(resp.command_status));
  }
}
