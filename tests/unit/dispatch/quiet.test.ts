import { describe, expect, it } from 'vitest';
import { localTime, localToInstant, quietHoursEnd } from '../../../electron/dispatch/quiet';

const at = (iso: string) => Date.parse(iso);

describe('quiet hours in Danish time', () => {
  it('reads local time in winter (UTC+1) and summer (UTC+2)', () => {
    expect(localTime(at('2026-01-15T22:30:00Z'))).toEqual({ year: 2026, month: 1, day: 15, minutes: 23 * 60 + 30 });
    expect(localTime(at('2026-07-01T22:30:00Z'))).toEqual({ year: 2026, month: 7, day: 2, minutes: 30 });
  });

  it('turns local wall time into the instant, across DST', () => {
    expect(localToInstant(2026, 1, 16, 7 * 60)).toBe(at('2026-01-16T06:00:00Z'));
    expect(localToInstant(2026, 7, 2, 7 * 60)).toBe(at('2026-07-02T05:00:00Z'));
    // The morning after the spring change (29 March 2026, 02:00 → 03:00).
    expect(localToInstant(2026, 3, 29, 7 * 60)).toBe(at('2026-03-29T05:00:00Z'));
    expect(localToInstant(2026, 3, 28, 7 * 60)).toBe(at('2026-03-28T06:00:00Z'));
  });

  it('defers to the end of a window that wraps midnight, today or tomorrow', () => {
    const q = [22 * 60, 7 * 60] as const;
    expect(quietHoursEnd(at('2026-01-15T22:30:00Z'), ...q)).toBe(at('2026-01-16T06:00:00Z')); // 23:30 local
    expect(quietHoursEnd(at('2026-01-16T04:00:00Z'), ...q)).toBe(at('2026-01-16T06:00:00Z')); // 05:00 local
    expect(quietHoursEnd(at('2026-01-16T06:00:00Z'), ...q)).toBeNull(); // 07:00 local: over
    expect(quietHoursEnd(at('2026-01-15T20:59:00Z'), ...q)).toBeNull(); // 21:59 local: not yet
    expect(quietHoursEnd(at('2026-01-15T21:00:00Z'), ...q)).toBe(at('2026-01-16T06:00:00Z')); // 22:00 sharp
  });

  it('handles a window inside one day, and none', () => {
    expect(quietHoursEnd(at('2026-07-01T10:30:00Z'), 12 * 60, 13 * 60)).toBe(at('2026-07-01T11:00:00Z')); // 12:30 summer
    expect(quietHoursEnd(at('2026-07-01T10:30:00Z'), 13 * 60, 14 * 60)).toBeNull();
    expect(quietHoursEnd(at('2026-07-01T10:30:00Z'), 600, 600)).toBeNull();
    expect(quietHoursEnd(at('2026-07-01T10:30:00Z'), null, 600)).toBeNull();
  });

  it('ends quiet hours that span the autumn change at the right instant', () => {
    // 25 October 2026: 03:00 summer time becomes 02:00 winter time.
    expect(quietHoursEnd(at('2026-10-24T21:00:00Z'), 22 * 60, 7 * 60)).toBe(at('2026-10-25T06:00:00Z'));
  });
});
