/**
 * The settings of the built-in simulator, from a URL such as
 * simulator://?tps=200&latency=50&dlrDelay=2000&fail=0.02&seed=1. Every setting is optional;
 * SIMULATOR_DEFAULTS below is the documented default of each.
 */
import { z } from 'zod';
import { failUrl, gatewayQuery, openGatewayUrl } from '../url';

export interface SimulatorConfig {
  /** Parts per second the simulated SMSC accepts; more are refused ESME_RTHROTTLED. 0 = no limit. */
  tps: number;
  /** Submits awaiting an answer at once; more are refused ESME_RMSGQFUL. */
  window: number;
  /** Milliseconds before a submit is answered (jittered ±20 %). */
  latencyMs: number;
  /** Milliseconds from the answer to the delivery receipt (jittered 50–150 %). */
  dlrDelayMs: number;
  /** Share of recipients the network refuses after accepting (receipt REJECTD). */
  fail: number;
  /** Share of recipients whose phone is off or unknown (receipt UNDELIV, err 027). */
  absent: number;
  /** Share of messages that time out at the SMSC (receipt EXPIRED). */
  expire: number;
  /** Share of numbers refused at submit as invalid (ESME_RINVDSTADR, permanent). */
  invalid: number;
  /** Every this many seconds a throttling episode starts; 0 = never. */
  throttleEverySeconds: number;
  /** How long an episode lasts: every submit is refused ESME_RTHROTTLED meanwhile. */
  throttleForSeconds: number;
  /** Share of delivered recipients who answer with a tip. */
  replies: number;
  /** Share of delivered recipients of a survey who answer it (a few of them with something that is not an answer). */
  surveyReplies: number;
  /** Milliseconds from delivery to the reply (jittered 50–150 %). */
  replyDelayMs: number;
  /** The number replies are sent to. */
  replyTo: string;
  /** Seeds who fails and how, and every jitter: the same seed and the same sends give the same run. */
  seed: number;
  /**
   * The console's side paces submits at `tps`, as the SMPP and Kannel connectors do, so the
   * simulated SMSC is not refusing all day; false sends as fast as asked and lets it refuse
   * the excess (to exercise the dispatch engine's backoff).
   */
  pace: boolean;
}

export const SIMULATOR_DEFAULTS: SimulatorConfig = {
  tps: 200,
  window: 100,
  latencyMs: 50,
  dlrDelayMs: 2000,
  fail: 0.02,
  absent: 0.01,
  expire: 0.005,
  invalid: 0.005,
  throttleEverySeconds: 0,
  throttleForSeconds: 5,
  replies: 0.01,
  surveyReplies: 0.6,
  replyDelayMs: 5000,
  replyTo: '1999',
  seed: 1,
  pace: true,
};

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const share = z
  .string()
  .regex(/^(\d+(\.\d*)?|\.\d+)$/, 'must be a number from 0 to 1')
  .transform(Number)
  .pipe(z.number().min(0, 'must be a number from 0 to 1').max(1, 'must be a number from 0 to 1'));

const querySchema = z
  .object({
    tps: int(0, 1_000_000).optional(),
    window: int(1, 1_000_000).optional(),
    latency: int(0, 60_000).optional(),
    dlrDelay: int(0, 24 * 3_600_000).optional(),
    fail: share.optional(),
    absent: share.optional(),
    expire: share.optional(),
    invalid: share.optional(),
    throttle: int(0, 86_400).optional(),
    throttleFor: int(1, 86_400).optional(),
    replies: share.optional(),
    surveyReplies: share.optional(),
    replyDelay: int(0, 24 * 3_600_000).optional(),
    replyTo: z.string().regex(/^\+?\d{3,15}$/, 'must be a phone number').optional(),
    seed: int(0, 2 ** 32 - 1).optional(),
    pace: z.enum(['0', '1']).optional(),
  })
  .strict();

const fail = failUrl;

export function parseSimulatorUrl(url: string): SimulatorConfig {
  const parsed = openGatewayUrl(url, 'simulator:', 'simulator://?tps=200&…');
  if (parsed.hostname !== '' || parsed.username !== '' || parsed.port !== '') fail('The simulator address takes no host (simulator://?…)');
  const q = gatewayQuery(parsed, querySchema);
  const d = SIMULATOR_DEFAULTS;
  const config: SimulatorConfig = {
    tps: q.tps ?? d.tps,
    window: q.window ?? d.window,
    latencyMs: q.latency ?? d.latencyMs,
    dlrDelayMs: q.dlrDelay ?? d.dlrDelayMs,
    fail: q.fail ?? d.fail,
    absent: q.absent ?? d.absent,
    expire: q.expire ?? d.expire,
    invalid: q.invalid ?? d.invalid,
    throttleEverySeconds: q.throttle ?? d.throttleEverySeconds,
    throttleForSeconds: q.throttleFor ?? d.throttleForSeconds,
    replies: q.replies ?? d.replies,
    surveyReplies: q.surveyReplies ?? d.surveyReplies,
    replyDelayMs: q.replyDelay ?? d.replyDelayMs,
    replyTo: q.replyTo ?? d.replyTo,
    seed: q.seed ?? d.seed,
    pace: q.pace === undefined ? d.pace : q.pace === '1',
  };
  if (config.fail + config.absent + config.expire + config.invalid > 1) fail('fail + absent + expire + invalid must not exceed 1');
  if (config.throttleEverySeconds > 0 && config.throttleForSeconds >= config.throttleEverySeconds) {
    fail('throttleFor must be shorter than throttle (the period), or the simulator never accepts anything');
  }
  return config;
}
