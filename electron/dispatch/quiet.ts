/**
 * Quiet hours: a subscriber's window of local time (minutes after local midnight) in which a
 * routine alert waits. Local means Danish time, DST and all, whatever the PC's zone is.
 */

export const DISPATCH_TIME_ZONE = 'Europe/Copenhagen';

interface LocalTime {
  year: number;
  month: number;
  day: number;
  /** Minutes after local midnight. */
  minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function localParts(ms: number, timeZone: string): LocalTime & { seconds: number } {
  const out: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  return {
    year: out.year ?? 1970,
    month: out.month ?? 1,
    day: out.day ?? 1,
    minutes: (out.hour ?? 0) * 60 + (out.minute ?? 0),
    seconds: out.second ?? 0,
  };
}

/** The zone's offset from UTC at instant `ms`, in ms (positive east of Greenwich). */
function offsetAt(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, 0, p.minutes, p.seconds);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant a local wall-clock time happens. In the spring-forward gap (02:00–03:00 does
 * not exist) this lands an hour late, which for the end of quiet hours is the safe side.
 */
export function localToInstant(year: number, month: number, day: number, minutes: number, timeZone = DISPATCH_TIME_ZONE): number {
  const wall = Date.UTC(year, month - 1, day, 0, minutes);
  const first = wall - offsetAt(wall, timeZone);
  return wall - offsetAt(first, timeZone);
}

export function localTime(ms: number, timeZone = DISPATCH_TIME_ZONE): LocalTime {
  const { seconds: _s, ...rest } = localParts(ms, timeZone);
  return rest;
}

/**
 * When a recipient's quiet hours end if `nowMs` falls inside them, else null. Equal start and
 * end means no quiet hours; a start after the end wraps midnight (22:00–07:00).
 */
export function quietHoursEnd(
  nowMs: number,
  quietStart: number | null | undefined,
  quietEnd: number | null | undefined,
  timeZone = DISPATCH_TIME_ZONE,
): number | null {
  return quietHoursClock(nowMs, timeZone)(quietStart, quietEnd);
}

/**
 * The same test for many recipients at one instant: the local time is worked out once and
 * each distinct end once, so freezing 6 million rows costs a comparison per row.
 */
export function quietHoursClock(
  nowMs: number,
  timeZone = DISPATCH_TIME_ZONE,
): (quietStart: number | null | undefined, quietEnd: number | null | undefined) => number | null {
  const now = localTime(nowMs, timeZone);
  const ends = new Map<number, number>();
  const endOn = (dayOffset: number, minutes: number) => {
    const key = dayOffset * 10_000 + minutes;
    let at = ends.get(key);
    if (at === undefined) {
      at = localToInstant(now.year, now.month, now.day + dayOffset, minutes, timeZone);
      ends.set(key, at);
    }
    return at;
  };
  return (start, end) => {
    if (start == null || end == null || start === end) return null;
    const m = now.minutes;
    if (start < end) return m >= start && m < end ? endOn(0, end) : null;
    if (m >= start) return endOn(1, end);
    if (m < end) return endOn(0, end);
    return null;
  };
}
