/**
 * The console's one chart: uPlot wrapped once, so every screen's chart (the alert timeline,
 * the evaluation) draws the same way. Data is uPlot's aligned form: the x values (seconds since
 * the epoch for a time axis) and one array per series, null where a series has no value.
 * With `xLabels` the x axis is categorical (months, groups): x values are the labels' indexes.
 * A series is a line, or bars. Beside the canvas a hidden table gives each series' latest
 * value to screen readers and tests.
 */
import { useEffect, useRef } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** uPlot is loaded on first use: it reads the display (matchMedia) as it loads, which not every DOM has. */
let loading: Promise<typeof uPlot | null> | null = null;
const loadUPlot = () =>
  (loading ??= import('uplot').then(
    (m) => (m as unknown as { default: typeof uPlot }).default ?? (m as unknown as typeof uPlot),
    () => null,
  ));

export interface ChartSeries {
  label: string;
  color: string;
  /** Which y scale (and axis) the series is drawn against; default 'y'. */
  scale?: string;
  /** Shown in the hidden table (data-testid="chart-latest-KEY"). */
  key: string;
  /** Default 'line'. */
  kind?: 'line' | 'bars';
}

export interface ChartAxis {
  scale: string;
  label: string;
  /** 3: left (default), 1: right. */
  side?: 1 | 3;
}

export interface ChartProps {
  data: uPlot.AlignedData;
  series: readonly ChartSeries[];
  axes?: readonly ChartAxis[];
  /** The x values are seconds since the epoch. */
  time?: boolean;
  /** A categorical x axis: one label per x index (0, 1, 2, …); implies time: false. */
  xLabels?: readonly string[];
  height?: number;
  ariaLabel: string;
  formatValue?: (v: number) => string;
  testId?: string;
}

function options(p: ChartProps, width: number, UPlot: typeof uPlot): uPlot.Options {
  const labels = p.xLabels;
  const axes: uPlot.Axis[] = [
    labels
      ? { stroke: '#555', grid: { stroke: '#eee' }, splits: () => labels.map((_, i) => i), values: (_u, ticks) => ticks.map((i) => labels[Math.round(i)] ?? '') }
      : { stroke: '#555', grid: { stroke: '#eee' } },
  ];
  const bars = UPlot.paths.bars?.({ size: [0.6, 60] });
  for (const a of p.axes ?? [{ scale: 'y', label: '' }]) {
    axes.push({
      scale: a.scale,
      label: a.label,
      side: a.side ?? 3,
      stroke: '#555',
      grid: { show: (a.side ?? 3) === 3, stroke: '#eee' },
      size: 70,
      ...(p.formatValue ? { values: (_u: uPlot, vals: number[]) => vals.map((v) => p.formatValue!(v)) } : {}),
    });
  }
  return {
    width,
    height: p.height ?? 240,
    // A categorical axis keeps half a step either side, so bars at the ends show whole.
    scales: { x: labels ? { time: false, range: () => [-0.5, labels.length - 0.5] } : { time: p.time ?? true } },
    legend: { show: true },
    cursor: { drag: { x: false, y: false } },
    series: [
      labels ? { value: (_u: uPlot, i: number | null) => (i === null ? '' : (labels[Math.round(i)] ?? '')) } : {},
      ...p.series.map((s) =>
        s.kind === 'bars' && bars
          ? { label: s.label, stroke: s.color, fill: `${s.color}cc`, width: 1, scale: s.scale ?? 'y', paths: bars, points: { show: false } }
          : { label: s.label, stroke: s.color, width: 2, scale: s.scale ?? 'y', spanGaps: true, points: { show: false } },
      ),
    ],
    axes,
  };
}

export function Chart(p: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latestData = useRef(p.data);
  latestData.current = p.data;
  const latestProps = useRef(p);
  latestProps.current = p;
  const shape = JSON.stringify([p.series, p.axes, p.time, p.height, p.xLabels]);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const p = latestProps.current;
    let u: uPlot | null = null;
    let gone = false;
    const resize = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => u?.setSize({ width: Math.max(200, el.clientWidth), height: p.height ?? 240 }));
    void loadUPlot().then((UPlot) => {
      if (gone || !UPlot) return;
      try {
        u = new UPlot(options(p, Math.max(200, el.clientWidth || 600), UPlot), latestData.current, el);
      } catch {
        u = null; // no canvas (a DOM without one): the table below still tells the figures
      }
      plot.current = u;
      resize?.observe(el);
    });
    return () => {
      gone = true;
      resize?.disconnect();
      u?.destroy();
      plot.current = null;
    };
    // The plot is rebuilt only when its shape changes; data flows in through setData below.
  }, [shape]);

  useEffect(() => {
    plot.current?.setData(p.data);
  }, [p.data]);

  const latest = (i: number) => {
    const ys = p.data[i + 1] ?? [];
    for (let j = ys.length - 1; j >= 0; j--) if (ys[j] !== null && ys[j] !== undefined) return ys[j] as number;
    return null;
  };
  return (
    <figure className="chart" data-testid={p.testId} aria-label={p.ariaLabel}>
      <div ref={box} className="chart__plot" aria-hidden="true" />
      <table className="visually-hidden">
        <caption>{p.ariaLabel}</caption>
        <tbody>
          {p.series.map((s, i) => {
            const v = latest(i);
            return (
              <tr key={s.key}>
                <th scope="row">{s.label}</th>
                <td data-testid={`chart-latest-${s.key}`} data-value={v ?? ''}>
                  {v === null ? '–' : p.formatValue ? p.formatValue(v) : String(v)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </figure>
  );
}
