/**
 * Periods in Danish local time: a report "from 1 March to 31 March" means midnight to
 * midnight in Copenhagen, and a month is a Copenhagen month. Everything stored is ISO 8601
 * UTC, so the period becomes a pair of UTC strings and each month a UTC start string;
 * stored times are then placed by string comparison (no per-row date parsing).
 */
import { TrykError } from '../../shared/bridge/result';

export const REPORT_TIME_ZONE = 'Europe/Copenhagen';

const parts = new Intl.DateTimeFormat('en-US', {
  timeZone: REPORT_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** Milliseconds Copenhagen is ahead of UTC at the instant `ms`. */
function offsetAt(ms: number): number {
  const p = Object.fromEntries(parts.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The UTC instant of local midnight starting day y-m-d (m 1-based; overflowing days roll over). */
export function localMidnight(y: number, m: number, d: number): number {
  const naive = Date.UTC(y, m - 1, d);
  let t = naive - offsetAt(naive);
  t = naive - offsetAt(t); // once more: the offset at the true instant, across a DST change
  return t;
}

export function parseDay(text: string, what: string): { y: number; m: number; d: number } {
  const match = /^(\d{4})-(\d\d)-(\d\d)$/.exec(text);
  const [y, m, d] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [NaN, NaN, NaN];
  const check = new Date(Date.UTC(y, m - 1, d));
  if (!match || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) {
    throw new TrykError('bad_request', `${what} is not a date (YYYY-MM-DD): ${text.slice(0, 40)}`, { field: what });
  }
  return { y, m, d };
}

export interface Period {
  from: string;
  to: string;
  /** ISO UTC, inclusive. */
  startIso: string;
  /** ISO UTC, exclusive: local midnight after the last day. */
  endIso: string;
  startMs: number;
  endMs: number;
  /** Each local month the period touches: its label and where it starts (clipped to the period). */
  months: { month: string; startIso: string }[];
}

/** Longest period a report covers: ten years is a slip, and bounds the work of one request. */
export const MAX_PERIOD_DAYS = 3660;

export function periodOf(from: string, to: string): Period {
  const a = parseDay(from, 'from');
  const b = parseDay(to, 'to');
  const startMs = localMidnight(a.y, a.m, a.d);
  const endMs = localMidnight(b.y, b.m, b.d + 1);
  if (endMs <= startMs) throw new TrykError('bad_request', `The period ends (${to}) before it starts (${from})`, { field: 'to' });
  if (endMs - startMs > MAX_PERIOD_DAYS * 86_400_000) throw new TrykError('bad_request', `A report covers at most ${MAX_PERIOD_DAYS} days`, { field: 'from' });
  const months: Period['months'] = [];
  for (let y = a.y, m = a.m; y < b.y || (y === b.y && m <= b.m); m === 12 ? ((m = 1), y++) : m++) {
    const start = Math.max(startMs, localMidnight(y, m, 1));
    months.push({ month: `${y}-${String(m).padStart(2, '0')}`, startIso: new Date(start).toISOString() });
  }
  return { from, to, startIso: new Date(startMs).toISOString(), endIso: new Date(endMs).toISOString(), startMs, endMs, months };
}

/** Index of the month holding `iso` (which must lie in the period). */
export function monthIndex(period: Period, iso: string): number {
  const ms = period.months;
  let lo = 0,
    hi = ms.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ms[mid]!.startIso <= iso) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** A stored time in local terms for reports: "2026-03-04 14:05". */
export function localTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const p = Object.fromEntries(parts.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}
