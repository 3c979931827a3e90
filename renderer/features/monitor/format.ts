/** Pure helpers of the monitor: numbers, time left, failure reasons, funnel shares. */
import type { SendStatus } from '../../../shared/dispatch/schema';

export const locale = (language: string) => (language === 'en' ? 'en-GB' : 'da-DK');

export function formatNumber(value: number, language: string, maximumFractionDigits = 0): string {
  return new Intl.NumberFormat(locale(language), { maximumFractionDigits }).format(value);
}

/** Time left split into the two largest units the officer needs: hours and minutes, or minutes and seconds. */
export type EtaParts =
  | { unit: 'lessThanSecond' }
  | { unit: 'seconds'; seconds: number }
  | { unit: 'minutes'; minutes: number; seconds: number }
  | { unit: 'hours'; hours: number; minutes: number };

export function etaParts(etaSeconds: number): EtaParts {
  const s = Math.max(0, Math.ceil(etaSeconds));
  if (s < 1) return { unit: 'lessThanSecond' };
  if (s < 60) return { unit: 'seconds', seconds: s };
  if (s < 3600) return { unit: 'minutes', minutes: Math.floor(s / 60), seconds: s % 60 };
  return { unit: 'hours', hours: Math.floor(s / 3600), minutes: Math.floor((s % 3600) / 60) };
}

/**
 * Reason codes the console explains. Receipts arrive as `STAT:err` (e.g. `UNDELIV:027`); the part
 * before the colon is looked up, the whole code is always shown beside the explanation.
 */
export const knownReasons = [
  'INVALID_NUMBER',
  'ESME_RINVDSTADR',
  'UNDELIV',
  'UNDELIVERABLE',
  'REJECTD',
  'DELETED',
  'EXPIRED',
  'VALIDITY_EXPIRED',
  'UNKNOWN',
  'FAILED',
  'ESME_RTHROTTLED',
  'ESME_RMSGQFUL',
  'ESME_RSYSERR',
  'ESME_RSUBMITFAIL',
  'CANCELLED',
  'GATEWAY_CLOSED',
  'GATEWAY_ERROR',
  'NOT_GSM7',
  'SMPP_CONNECTION_LOST',
  'SMPP_NOT_BOUND',
  'SMPP_RESPONSE_TIMEOUT',
  'KANNEL_CONNECTION_LOST',
  'KANNEL_NOT_CONNECTED',
  'KANNEL_TIMEOUT',
] as const;
export type KnownReason = (typeof knownReasons)[number];

const known = new Set<string>(knownReasons);

/** The known reason a code stands for, or null: then the code itself is all the officer gets. */
export function reasonOf(code: string): KnownReason | null {
  const base = code.split(':', 1)[0] ?? '';
  return known.has(base) ? (base as KnownReason) : null;
}

/** The funnel's stages as the bar stacks them, left to right: done well, under way, waiting, gone wrong. */
export const barStages = ['delivered', 'accepted', 'submitting', 'queued', 'deferred', 'failed', 'expired', 'cancelled'] as const;
export type BarStage = (typeof barStages)[number];

/**
 * Each stage's share of the bar in percent. Counts are per recipient, but a host mid-way may
 * report slightly more than the recipients; the bar then spans the counts, never overflows.
 */
export function barShares(status: Pick<SendStatus, 'recipients' | 'counts'>): Record<BarStage, number> {
  const total = Math.max(
    status.recipients,
    barStages.reduce((sum, stage) => sum + status.counts[stage], 0),
  );
  return Object.fromEntries(barStages.map((stage) => [stage, total > 0 ? (100 * status.counts[stage]) / total : 0])) as Record<
    BarStage,
    number
  >;
}

/** Share of recipients in a final state, 0–100, rounded down so 100 means really all. */
export function percentFinished(status: Pick<SendStatus, 'recipients' | 'finished'>): number {
  if (status.recipients <= 0) return 0;
  return Math.min(100, Math.floor((100 * status.finished) / status.recipients));
}

/** Points of an SVG polyline for the samples, scaled to the box; the top is the largest sample. */
export function sparklinePoints(samples: readonly number[], width: number, height: number): string {
  if (samples.length === 0) return '';
  const max = Math.max(...samples, 1);
  const step = samples.length > 1 ? width / (samples.length - 1) : 0;
  return samples
    .map((v, i) => `${(i * step).toFixed(1)},${(height - (Math.max(0, v) / max) * height).toFixed(1)}`)
    .join(' ');
}
