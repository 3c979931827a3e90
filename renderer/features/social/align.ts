import type uPlot from 'uplot';

/**
 * Series with their own timestamps (ms) onto one x axis (seconds, as uPlot's time scale wants):
 * the union of the times, each series carrying its last value forward (the figures are
 * cumulative), null before its first point.
 */
export function alignSeries(series: ReadonlyArray<ReadonlyArray<readonly [number, number]>>): uPlot.AlignedData {
  const xs = [...new Set(series.flatMap((s) => s.map((p) => p[0])))].sort((a, b) => a - b);
  const out: Array<Array<number | null>> = series.map((s) => {
    const ys: Array<number | null> = [];
    let i = 0;
    let current: number | null = null;
    for (const x of xs) {
      while (i < s.length && s[i]![0] <= x) current = s[i++]![1];
      ys.push(current);
    }
    return ys;
  });
  return [xs.map((x) => x / 1000), ...out] as uPlot.AlignedData;
}
