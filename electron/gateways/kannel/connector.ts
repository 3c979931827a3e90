/**
 * A Kannel gateway over HTTP: each message is one GET of smsbox's cgi-bin/sendsms (Kannel
 * splits long texts itself), paced by a token bucket and a window of requests in flight;
 * delivery reports and inbound messages come back to a KannelReceiver on 127.0.0.1.
 * Message ids are our own references (see protocol.ts for why).
 */
import { E164 } from '../../../shared/phone';
import http from 'node:http';
import type {
  ConnectionState,
  Gateway,
  GatewayCapacity,
  OutboundSms,
  SubmitOutcome,
} from '../gateway';
import { GatewayError, GatewayEvents } from '../gateway';
import { TokenBucket } from '../smpp/rate';
import type { KannelConfig } from './config';
import { classifySendsmsAnswer, probePath, senderProbePath, sendsmsRequest } from './protocol';
import { KannelReceiver } from './receiver';

export interface KannelGatewayOptions {
  /** Milliseconds clock for the rate limiter. */
  now?: () => number;
}

interface Waiter {
  start: () => void;
  fail: (outcome: SubmitOutcome) => void;
}

/** Kannel's answers are one short line; anything longer is not Kannel. */
const MAX_ANSWER_BYTES = 4096;

type HttpResult = { ok: true; status: number; body: string } | { ok: false; code: string; detail: string; sent: boolean };

const refuse = (code: string, reason: string, temporary = false): SubmitOutcome => ({
  kind: 'rejected',
  temporary,
  code,
  reason,
  messageIds: [],
  maybeSubmitted: false,
});

export class KannelGateway extends GatewayEvents implements Gateway {
  private readonly receiver: KannelReceiver;
  private readonly agent: http.Agent;
  private readonly bucket: TokenBucket;
  private readonly now: () => number;
  private readonly urgent: Waiter[] = [];
  private readonly routine: Waiter[] = [];
  private readonly requests = new Set<http.ClientRequest>();
  private pumpTimer?: NodeJS.Timeout;
  private inFlight = 0;
  private receiverBase?: string;
  private connecting?: Promise<void>;
  private connected = false;
  private closed = false;
  private lastState?: ConnectionState;

  constructor(
    private readonly config: KannelConfig,
    options: KannelGatewayOptions = {},
  ) {
    super();
    this.now = options.now ?? (() => performance.now());
    this.bucket = new TokenBucket(config.tps, this.now());
    this.agent = new http.Agent({ keepAlive: true, maxSockets: config.window });
    this.receiver = new KannelReceiver({
      receipt: (r) => this.receipts.emit(r),
      inbound: (m) => this.deliverInbound(m),
      now: () => new Date(),
    });
  }

  capacity(): GatewayCapacity {
    return { tps: this.config.tps, window: this.connected ? this.config.window : 0, inFlight: this.inFlight };
  }

  /** The base URL of our receiver (for building kannel.conf's sms-service get-url); set after connect(). */
  receiverUrl(): string | undefined {
    return this.receiverBase;
  }

  connect(): Promise<void> {
    if (this.closed) return Promise.reject(new GatewayError('GATEWAY_CLOSED', 'This gateway was closed; create a new one'));
    this.connecting ??= this.start();
    return this.connecting;
  }

  private async start(): Promise<void> {
    this.report('connecting', `checking Kannel sendsms at ${this.config.host}:${this.config.port} as ${this.config.username}`);
    try {
      this.receiverBase = await this.receiver.listen(this.config.listenHost, this.config.listenPort);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'KANNEL_RECEIVER_FAILED';
      await this.close();
      throw new GatewayError(code, `Could not listen for Kannel callbacks on ${this.config.listenHost}:${this.config.listenPort}: ${(error as Error).message}`);
    }
    // Credentials without a receiver: Kannel checks them and refuses to send (400), so we
    // learn whether smsbox is up and the user is right without sending anything.
    const probe = await this.get(probePath(this.config));
    if (this.closed) throw new GatewayError('GATEWAY_CLOSED', 'The gateway was closed while connecting');
    let error: GatewayError | undefined;
    if (!probe.ok) {
      error = new GatewayError(probe.code, `Could not reach Kannel at ${this.config.host}:${this.config.port}: ${probe.detail}`);
    } else if (probe.status === 403) {
      error = new GatewayError('KANNEL_AUTH_FAILED', 'Kannel refused the sendsms username or password (or our IP)', 403);
    } else if (probe.status >= 500) {
      error = new GatewayError('KANNEL_UNAVAILABLE', `Kannel answered HTTP ${probe.status}`, probe.status);
    }
    if (error) {
      await this.close();
      throw error;
    }
    this.connected = true;
    this.report('connected', `Kannel sendsms at ${this.config.host}:${this.config.port}; callbacks at ${this.receiverBase}`);
  }

  /** Whether Kannel could send for us at all (a sender, the credentials), without sending anything. */
  async check(): Promise<void> {
    const answer = await this.get(senderProbePath(this.config));
    if (!answer.ok) throw new GatewayError(answer.code, `Could not reach Kannel at ${this.config.host}:${this.config.port}: ${answer.detail}`);
    const said = answer.body.trim().slice(0, 120);
    if (answer.status === 403) throw new GatewayError('KANNEL_AUTH_FAILED', `Kannel refused the sendsms username or password (or our IP): ${said}`, 403);
    if (answer.status === 400 && /sender missing/i.test(said)) {
      throw new GatewayError(
        'KANNEL_SENDER_MISSING',
        `Kannel would refuse every message: "${said}". Give the gateway a sender (add from=NAME to its address) or set default-sender in Kannel's sendsms-user (or global-sender in its smsbox group)`,
        400,
      );
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.connected = false;
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    this.pumpTimer = undefined;
    const outcome = refuse('GATEWAY_CLOSED', 'The gateway was closed', true);
    for (const waiter of this.urgent.splice(0).concat(this.routine.splice(0))) waiter.fail(outcome);
    for (const request of this.requests) request.destroy(new GatewayError('GATEWAY_CLOSED', 'The gateway was closed'));
    this.agent.destroy();
    await this.receiver.close();
    this.report('disconnected', 'closed');
  }

  submit(message: OutboundSms): Promise<SubmitOutcome> {
    if (this.closed) return Promise.resolve(refuse('GATEWAY_CLOSED', 'The gateway was closed', true));
    if (!this.connected || !this.receiverBase) return Promise.resolve(refuse('KANNEL_NOT_CONNECTED', 'connect() has not succeeded', true));
    if (!E164.test(message.to)) return Promise.resolve(refuse('INVALID_NUMBER', 'The destination is not an E.164 number'));
    const request = sendsmsRequest(this.config, message, this.receiverBase);
    if (!request.ok) return Promise.resolve(refuse(request.code, request.reason));
    return new Promise<SubmitOutcome>((resolve) => {
      const waiter: Waiter = {
        fail: resolve,
        start: () => {
          this.inFlight++;
          const done = (result: HttpResult) => {
            this.inFlight--;
            resolve(this.outcomeOf(result, message.ref));
            this.pump();
          };
          // get() answers every HTTP failure as a result; a throw (a request node refuses to
          // make) must still end this submit, or it would hold a window slot for ever. Its code
          // only: node's message could quote the path, which carries the password.
          this.get(request.path).then(done, (e: unknown) =>
            done({ ok: false, code: 'KANNEL_REQUEST_FAILED', detail: `the request could not be made (${(e as NodeJS.ErrnoException)?.code ?? 'error'})`, sent: false }),
          );
        },
      };
      (message.priority === 'urgent' ? this.urgent : this.routine).push(waiter);
      this.pump();
    });
  }

  private outcomeOf(result: HttpResult, ref: string): SubmitOutcome {
    if (result.ok) return classifySendsmsAnswer(result.status, result.body, ref);
    return {
      kind: 'rejected',
      temporary: true,
      code: result.code,
      reason: `The sendsms request failed: ${result.detail}`,
      messageIds: [],
      // Refused before the request left: Kannel never saw it. Later failures may follow a send.
      maybeSubmitted: result.sent,
    };
  }

  /** Starts waiting requests while a token and a window slot are free. */
  private pump(): void {
    if (this.pumpTimer || this.closed) return;
    while (this.urgent.length + this.routine.length > 0 && this.inFlight < this.config.window) {
      const wait = this.bucket.take(this.now());
      if (wait > 0) {
        this.pumpTimer = setTimeout(() => {
          this.pumpTimer = undefined;
          this.pump();
        }, wait);
        return;
      }
      const waiter = (this.urgent.length > 0 ? this.urgent : this.routine).shift() as Waiter;
      waiter.start();
    }
  }

  /**
   * One GET to smsbox; never rejects. A kept-alive socket that smsbox closed while idle
   * fails at once with ECONNRESET before any answer; smsbox never read that request, so
   * it is sent once more on a fresh socket (node's documented `reusedSocket` pattern).
   */
  private async get(path: string): Promise<HttpResult> {
    const first = await this.getOnce(path);
    if (first.ok || !first.staleSocket || this.closed) return first;
    return this.getOnce(path);
  }

  private getOnce(path: string): Promise<HttpResult & { staleSocket?: boolean }> {
    return new Promise<HttpResult & { staleSocket?: boolean }>((resolve) => {
      let settled = false;
      let sent = false;
      let answered = false;
      const settle = (result: HttpResult & { staleSocket?: boolean }) => {
        if (settled) return;
        settled = true;
        this.requests.delete(request);
        resolve(result);
      };
      const request = http.request(
        { host: this.config.host, port: this.config.port, path, method: 'GET', agent: this.agent, timeout: this.config.timeoutSeconds * 1000 },
        (response) => {
          answered = true;
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size <= MAX_ANSWER_BYTES) chunks.push(chunk);
          });
          response.on('end', () => settle({ ok: true, status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          response.on('error', (error) => settle({ ok: false, code: 'KANNEL_CONNECTION_LOST', detail: error.message, sent: true }));
        },
      );
      this.requests.add(request);
      request.on('finish', () => {
        sent = true;
      });
      request.on('timeout', () => {
        request.destroy();
        settle({ ok: false, code: 'KANNEL_TIMEOUT', detail: `no answer within ${this.config.timeoutSeconds} s`, sent: true });
      });
      request.on('error', (error: NodeJS.ErrnoException) => {
        // The error message of node's http names host and port only, never the path (which
        // carries the password and the text).
        const code = error instanceof GatewayError ? error.code : error.code ?? 'KANNEL_CONNECTION_LOST';
        const detail = error instanceof GatewayError ? error.message : `${error.code ?? 'error'} talking to ${this.config.host}:${this.config.port}`;
        const staleSocket = request.reusedSocket && code === 'ECONNRESET' && !answered;
        settle({ ok: false, code, detail, sent: sent && code !== 'ECONNREFUSED', staleSocket });
      });
      request.end();
    });
  }

  private report(state: ConnectionState, detail: string): void {
    if (state === this.lastState) return;
    this.lastState = state;
    this.states.emit({ state, detail });
  }
}

export type { KannelConfig } from './config';
