/**
 * The built-in simulated SMSC, the embedded default for demos and training. It behaves like
 * a real link seen from the dispatch engine: a rate it enforces by refusing (ESME_RTHROTTLED,
 * as an SMSC does; it never queues, so the dispatch's own pacing and backoff are exercised),
 * a window of submits in flight, a latency before each answer, receipts after a delay, a
 * failure mix, throttling episodes and citizens who reply. No socket: everything runs on one
 * timer heap, so it takes thousands of submits a second and close() stops it at once.
 */
import { E164 } from '../../../shared/phone';
import { analyzeSms, splitSms } from '../../../shared/sms';
import type {
  DeliveryReceipt,
  Gateway,
  GatewayCapacity,
  InboundSms,
  OutboundSms,
  SubmitOutcome,
} from '../gateway';
import { GatewayError, GatewayEvents } from '../gateway';
import type { SimulatorConfig } from './config';
import { hashUniform, seededRandom } from './random';
import { SIMULATED_REPLIES } from './replies';
import { questionsInSms } from '../../../shared/surveys/schema';
import type { SurveyQuestion } from '../../../shared/surveys/schema';
import type { Clock } from './schedule';
import { Schedule, systemClock } from './schedule';

export interface SimulatorGatewayOptions {
  /** Time and timers; defaults to Date.now and the global timers (which vitest can fake). */
  clock?: Clock;
}

/** What happens to a recipient, decided by the seed and the number. */
export type SimulatedFate = 'invalid' | 'absent' | 'expired' | 'failed' | 'delivered';


const STATUS = {
  ESME_RMSGQFUL: 0x14,
  ESME_RINVDSTADR: 0x0b,
  ESME_RTHROTTLED: 0x58,
} as const;

/** The fate of a number under a configuration: pure, so tests and demos can predict it. */
export function simulatedFate(config: SimulatorConfig, to: string): SimulatedFate {
  const u = hashUniform(config.seed, to);
  let edge = config.invalid;
  if (u < edge) return 'invalid';
  edge += config.absent;
  if (u < edge) return 'absent';
  edge += config.expire;
  if (u < edge) return 'expired';
  edge += config.fail;
  if (u < edge) return 'failed';
  return 'delivered';
}

/** Whether a delivered recipient replies, and with which text. */
/**
 * A reply as a phone sends it: a UCS-2 text longer than one part (70 units) goes as parts of
 * 67 with a 16-bit reference, which the console joins again.
 */
export function simulatedParts(text: string, reference: number): { text: string; concat?: InboundSms['concat'] }[] {
  const units = [...text];
  const ucs2 = analyzeSms(text).encoding === 'UCS-2';
  if (!ucs2 || text.length <= 70) return [{ text }];
  const parts: string[] = [];
  let current = '';
  for (const ch of units) {
    if (current.length + ch.length > 67) {
      parts.push(current);
      current = '';
    }
    current += ch;
  }
  if (current) parts.push(current);
  return parts.map((p, i) => ({ text: p, concat: { reference, total: parts.length, seq: i + 1 } }));
}

export function simulatedReply(config: SimulatorConfig, to: string, received = ''): string | undefined {
  const survey = questionsInSms(received);
  if (survey) return simulatedSurveyAnswer(config, to, survey);
  if (hashUniform(config.seed, `reply:${to}`) >= config.replies) return undefined;
  const pick = Math.floor(hashUniform(config.seed, `text:${to}`) * SIMULATED_REPLIES.length);
  return SIMULATED_REPLIES[pick];
}

/**
 * How a simulated citizen answers a survey: most who answer give a fitting answer (scales lean
 * to the upper middle, yes/no to yes), in the spellings people use ("ja", "Nej.", "4"); about
 * one in twenty writes something that is not an answer ("ved ikke"), which the console keeps
 * as a tip.
 */
export function simulatedSurveyAnswer(config: SimulatorConfig, to: string, questions: readonly SurveyQuestion[]): string | undefined {
  if (hashUniform(config.seed, `survey:${to}`) >= config.surveyReplies) return undefined;
  const u = (k: string) => hashUniform(config.seed, `survey:${k}:${to}`);
  if (u('junk') < 0.05) return ['ved ikke', 'Hvad handler det om?', 'Det ved jeg ikke rigtig 🤔'][Math.floor(u('junk-text') * 3)];
  return questions
    .map((q, i) => {
      const v = u(`q${i}`);
      if (q.kind === 'yesno') return v < 0.7 ? ['JA', 'ja', 'Ja'][Math.floor(u(`s${i}`) * 3)] : ['NEJ', 'nej', 'Nej.'][Math.floor(u(`s${i}`) * 3)];
      // A triangular lean towards the upper middle of the scale.
      const lean = (v + u(`r${i}`)) / 2;
      return String(Math.min(q.max, 1 + Math.floor(lean * q.max + 0.15 * q.max * (1 - lean))));
    })
    .join(' ');
}

const RECEIPT_OF: Record<Exclude<SimulatedFate, 'invalid'>, Pick<DeliveryReceipt, 'state' | 'stat' | 'errorCode'>> = {
  delivered: { state: 'delivered', stat: 'DELIVRD', errorCode: '000' },
  // GSM MAP error 27: absent subscriber.
  absent: { state: 'failed', stat: 'UNDELIV', errorCode: '027' },
  expired: { state: 'expired', stat: 'EXPIRED', errorCode: '000' },
  failed: { state: 'failed', stat: 'REJECTD', errorCode: '069' },
};

interface Pending {
  resolve: (outcome: SubmitOutcome) => void;
  messageIds: string[];
}

export class SimulatorGateway extends GatewayEvents implements Gateway {
  private readonly clock: Clock;
  private readonly schedule: Schedule;
  private readonly jitter: () => number;
  private readonly pending = new Set<Pending>();
  private readonly burst: number;
  private tokens: number;
  private lastRefill: number;
  private readonly startedAt: number;
  private nextId = 1;
  private connected = false;
  private closed = false;

  constructor(
    private readonly config: SimulatorConfig,
    options: SimulatorGatewayOptions = {},
  ) {
    super();
    this.clock = options.clock ?? systemClock;
    this.schedule = new Schedule(this.clock);
    this.jitter = seededRandom(config.seed);
    // A tenth of a second's worth: a sender pacing at the agreed rate with ordinary timer
    // jitter is never refused, one that bursts a whole second's worth is.
    this.burst = Math.max(1, config.tps / 10);
    this.tokens = this.burst;
    this.startedAt = this.clock.now();
    this.lastRefill = this.startedAt;
  }

  capacity(): GatewayCapacity {
    return { tps: this.config.tps, window: this.connected ? this.config.window : 0, inFlight: this.pending.size };
  }

  /** Timed events still due (answers, receipts, replies): 0 after close(). */
  scheduled(): number {
    return this.schedule.size;
  }

  async connect(): Promise<void> {
    if (this.closed) throw new GatewayError('GATEWAY_CLOSED', 'This gateway was closed; create a new one');
    if (this.connected) return;
    this.states.emit({ state: 'connecting', detail: 'starting the built-in simulator' });
    this.connected = true;
    this.states.emit({ state: 'connected', detail: `simulator at ${this.config.tps || 'unlimited'} msg/s, seed ${this.config.seed}` });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.connected = false;
    this.schedule.cancel();
    for (const entry of [...this.pending]) {
      entry.resolve({
        kind: 'rejected',
        temporary: true,
        code: 'GATEWAY_CLOSED',
        reason: 'The gateway was closed before the simulated SMSC answered',
        messageIds: entry.messageIds,
        // As with a real link dropped mid-submit: the simulated SMSC may have taken it.
        maybeSubmitted: true,
      });
    }
    this.pending.clear();
    this.states.emit({ state: 'disconnected', detail: 'closed' });
  }

  submit(message: OutboundSms): Promise<SubmitOutcome> {
    if (!this.config.pace || this.config.tps === 0 || this.closed || !this.connected) return this.submitNow(message, false);
    const parts = Math.max(1, splitSms(message.text).parts.length);
    // One queue, first come first served: the engine already orders urgent before routine.
    const turn = this.paceTail.then(() => this.waitForTokens(parts));
    this.paceTail = turn.catch(() => undefined);
    return turn.then(() => this.submitNow(message, true));
  }

  private paceTail: Promise<void> = Promise.resolve();

  /** Waits until the simulated SMSC has a token, then takes every part's (running into debt). */
  private waitForTokens(parts: number): Promise<void> {
    return new Promise((resolve) => {
      const attempt = () => {
        if (this.closed) return resolve();
        const now = this.clock.now();
        if (now > this.lastRefill) {
          this.tokens = Math.min(this.burst, this.tokens + ((now - this.lastRefill) * this.config.tps) / 1000);
          this.lastRefill = now;
        }
        if (this.tokens >= 1) {
          this.tokens -= parts;
          return resolve();
        }
        this.schedule.after(Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.config.tps)), attempt);
      };
      attempt();
    });
  }

  private submitNow(message: OutboundSms, paced: boolean): Promise<SubmitOutcome> {
    const refuse = (code: string, reason: string, temporary: boolean, status?: number): Promise<SubmitOutcome> =>
      Promise.resolve({ kind: 'rejected', temporary, code, reason, status, messageIds: [], maybeSubmitted: false });
    if (this.closed) return refuse('GATEWAY_CLOSED', 'The gateway was closed', true);
    if (!this.connected) return refuse('SIM_NOT_CONNECTED', 'connect() has not been called', true);
    if (!E164.test(message.to)) return refuse('INVALID_NUMBER', 'The destination is not an E.164 number', false);
    if (this.pending.size >= this.config.window) {
      return refuse('ESME_RMSGQFUL', 'Simulated SMSC: too many submits awaiting an answer', true, STATUS.ESME_RMSGQFUL);
    }
    const now = this.clock.now();
    if (this.throttling(now)) {
      return refuse('ESME_RTHROTTLED', 'Simulated SMSC: throttling episode', true, STATUS.ESME_RTHROTTLED);
    }
    const parts = Math.max(1, splitSms(message.text).parts.length);
    // Parts are submitted one after another: those that find a token are accepted even if a
    // later one is refused, as on a real link, and their receipts still come.
    const accepted = paced ? parts : Math.min(parts, this.takeTokens(now, parts));
    const messageIds = Array.from({ length: accepted }, () => (this.nextId++).toString(16).toUpperCase().padStart(8, '0'));
    const fate = simulatedFate(this.config, message.to);

    return new Promise<SubmitOutcome>((resolve) => {
      const entry: Pending = { resolve, messageIds };
      this.pending.add(entry);
      const latency = this.config.latencyMs * (0.8 + 0.4 * this.jitter());
      this.schedule.after(latency, () => {
        this.pending.delete(entry);
        const answeredAt = this.clock.now();
        if (accepted > 0 && fate !== 'invalid') {
          messageIds.forEach((id, part) => this.scheduleReceipt(id, fate, answeredAt, message.to, part === 0, message.text));
        }
        if (fate === 'invalid' && accepted > 0) {
          // The first part is refused: nothing of the message was taken.
          resolve({
            kind: 'rejected',
            temporary: false,
            code: 'ESME_RINVDSTADR',
            status: STATUS.ESME_RINVDSTADR,
            reason: 'Simulated SMSC: invalid destination address',
            messageIds: [],
            maybeSubmitted: false,
          });
        } else if (accepted < parts) {
          resolve({
            kind: 'rejected',
            temporary: true,
            code: 'ESME_RTHROTTLED',
            status: STATUS.ESME_RTHROTTLED,
            reason: `Simulated SMSC: message rate above ${this.config.tps}/s`,
            messageIds,
            maybeSubmitted: false,
          });
        } else {
          resolve({ kind: 'accepted', messageIds });
        }
      });
    });
  }

  private throttling(now: number): boolean {
    const every = this.config.throttleEverySeconds * 1000;
    if (every === 0) return false;
    // Episodes close each period, so a run starts with a normal stretch.
    const intoPeriod = (now - this.startedAt) % every;
    return intoPeriod >= every - this.config.throttleForSeconds * 1000;
  }

  /** Takes up to `wanted` tokens; returns how many it got. */
  private takeTokens(now: number, wanted: number): number {
    if (this.config.tps === 0) return wanted;
    if (now > this.lastRefill) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.lastRefill) * this.config.tps) / 1000);
      this.lastRefill = now;
    }
    let got = 0;
    while (got < wanted && this.tokens >= 1) {
      this.tokens -= 1;
      got++;
    }
    return got;
  }

  private scheduleReceipt(messageId: string, fate: Exclude<SimulatedFate, 'invalid'>, submittedAt: number, to: string, firstPart: boolean, text: string): void {
    const delay = this.config.dlrDelayMs * (0.5 + this.jitter());
    this.schedule.after(delay, () => {
      const doneAt = this.clock.now();
      this.receipts.emit({
        messageId,
        altMessageIds: [],
        ...RECEIPT_OF[fate],
        final: true,
        submittedAt: new Date(submittedAt),
        doneAt: new Date(doneAt),
      });
      // A citizen answers a message once, not once per part.
      if (fate === 'delivered' && firstPart) this.maybeReply(to, text);
    });
  }

  private maybeReply(to: string, received: string): void {
    const text = simulatedReply(this.config, to, received);
    if (text === undefined) return;
    const delay = this.config.replyDelayMs * (0.5 + this.jitter());
    this.schedule.after(delay, () => {
      const receivedAt = new Date(this.clock.now());
      const parts = simulatedParts(text, Math.floor(this.jitter() * 65536));
      for (const part of parts) this.offer({ from: to, to: this.config.replyTo, text: part.text, receivedAt, ...(part.concat ? { concat: part.concat } : {}) }, 0);
    });
  }

  /** Like an SMSC: a message the console could not take is offered again a little later. */
  private offer(message: InboundSms, attempt: number): void {
    this.deliverInbound(message).catch(() => {
      if (attempt < 10 && !this.closed) this.schedule.after(2000 * (attempt + 1), () => this.offer(message, attempt + 1));
    });
  }
}

export type { SimulatorConfig } from './config';
