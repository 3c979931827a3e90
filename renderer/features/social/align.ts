import type uPlot from 'uplot';

/**
 * Series with their own timestamps (ms) onto one x axis (seconds, as uPlot's time scale wants):
 * the union of the times, each series null where it has no sample, so the chart joins a
 * series' own samples with straight lines (spanGaps) instead of steps at the other series' times.
 */
export function alignSeries(series: ReadonlyArray<ReadonlyArray<readonly [number, number]>>): uPlot.AlignedData {
  const xs = [...new Set(series.flatMap((s) => s.map((p) => p[0])))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const out = series.map((s) => {
    const ys: Array<number | null> = xs.map(() => null);
    for (const [x, y] of s) ys[index.get(x)!] = y;
    return ys;
  });
  return [xs.map((x) => x / 1000), ...out] as uPlot.AlignedData;
}
