/** How long tiles stay down after the n-th failure in a row: 15 s, doubling, at most 10 min. */
export function tileBackoffMs(failures: number): number {
  return Math.min(600_000, 15_000 * 2 ** Math.max(0, failures - 1));
}
