/** When a post's reach is read next: every minute the first hour, every 5 minutes to 6 h, hourly to 48 h, then never. */
export const POLL_UNTIL_MS = 48 * 3600_000;

/** `base` is the first hour's interval (60 s; shorter for demos, which scale the whole schedule). */
export function nextPollDelayMs(ageMs: number, baseSeconds = 60): number | null {
  const scale = baseSeconds / 60;
  if (ageMs >= POLL_UNTIL_MS * scale) return null;
  if (ageMs < 3600_000 * scale) return 60_000 * scale;
  if (ageMs < 6 * 3600_000 * scale) return 5 * 60_000 * scale;
  return 3600_000 * scale;
}

/** Backoff for an attempt that failed for an unclear reason: 2, 4, 8 … s, at most 5 minutes, with jitter. */
export function backoffMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(300_000, 2000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.75 + 0.5 * random()));
}
