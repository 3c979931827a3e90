/**
 * Every chart in the console, through uPlot wrapped once: a few labelled series over a shared
 * x axis (labels such as months), drawn as lines or bars, with a table view of the same numbers
 * and a CSV export. Where a canvas cannot be drawn (a test's DOM) the table is shown instead.
 * An empty chart says so rather than drawing axes over nothing.
 */
import 'uplot/dist/uPlot.min.css';
import { useEffect, useId, useRef, useState } from 'react';
// uPlot reads matchMedia as it loads, so it is loaded only where a chart can be drawn.
import type uPlot from 'uplot';
import { useTranslation } from 'react-i18next';

export interface ChartSeries {
  label: string;
  values: readonly (number | null)[];
  kind?: 'line' | 'bars';
  color?: string;
}

export interface ChartProps {
  title: string;
  /** One label per point (e.g. "2026-03"). */
  x: readonly string[];
  series: readonly ChartSeries[];
  /** The x column's heading in the table and the CSV. */
  xLabel: string;
  /** File name of the CSV export, without extension. */
  csvName: string;
  /** Formats a value in the table (default: the locale's number). */
  format?: (value: number | null) => string;
  height?: number;
  testId?: string;
}

const PALETTE = ['#2f5d9e', '#c0392b', '#2e7d32', '#f39c12', '#8e44ad', '#16a085', '#7f8c8d', '#d35400'];

/** CSV with a header row; fields quoted when they hold a separator, quote or line break. */
export function toCsv(head: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  const cell = (v: string | number | null) => {
    const s = v === null ? '' : String(v);
    return /[",;\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [head, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** Hands the browser a file to save. */
export function saveFile(name: string, data: BlobPart, type: string) {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function canDraw(): boolean {
  try {
    return typeof window !== 'undefined' && !!document.createElement('canvas').getContext('2d') && typeof window.matchMedia === 'function';
  } catch {
    return false;
  }
}

export function Chart({ title, x, series, xLabel, csvName, format, height = 220, testId }: ChartProps) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const drawable = useRef(canDraw());
  const [view, setView] = useState<'chart' | 'table'>(drawable.current ? 'chart' : 'table');
  const box = useRef<HTMLDivElement>(null);
  const empty = x.length === 0 || series.every((s) => s.values.every((v) => v === null || v === 0));
  const fmt = format ?? ((v: number | null) => (v === null ? '–' : v.toLocaleString(i18n.language === 'da' ? 'da-DK' : 'en-GB')));

  useEffect(() => {
    const el = box.current;
    if (!el || view !== 'chart' || empty) return;
    let plot: uPlot | null = null;
    let resize: ResizeObserver | null = null;
    let gone = false;
    void import('uplot').then(({ default: UPlot }) => {
      if (gone) return;
      const bars = UPlot.paths.bars?.({ size: [0.6, 60] });
      plot = new UPlot(
      {
        width: Math.max(300, el.clientWidth || 600),
        height,
        legend: { show: true },
        // One tick per label, half a step of room either side so bars at the ends show whole.
        scales: { x: { time: false, range: () => [-0.5, x.length - 0.5] } },
        axes: [
          { splits: () => x.map((_, i) => i), values: (_u, ticks) => ticks.map((i) => x[Math.round(i)] ?? '') },
          { size: 60 },
        ],
        series: [
          { label: xLabel, value: (_u, i) => (i === null ? '' : (x[Math.round(i)] ?? '')) },
          ...series.map((s, i) => {
            const color = s.color ?? PALETTE[i % PALETTE.length]!;
            return s.kind === 'bars' && bars
              ? { label: s.label, stroke: color, fill: `${color}cc`, paths: bars, points: { show: false } }
              : { label: s.label, stroke: color, width: 2 };
          }),
        ],
      },
      [x.map((_, i) => i), ...series.map((s) => s.values.map((v) => v))] as uPlot.AlignedData,
      el,
      );
      const drawn = plot;
      resize = new ResizeObserver(() => drawn.setSize({ width: Math.max(300, el.clientWidth), height }));
      resize.observe(el);
    });
    return () => {
      gone = true;
      resize?.disconnect();
      plot?.destroy();
    };
  }, [view, empty, x, series, xLabel, height]);

  const exportCsv = () =>
    saveFile(
      `${csvName}.csv`,
      toCsv(
        [xLabel, ...series.map((s) => s.label)],
        x.map((label, i) => [label, ...series.map((s) => s.values[i] ?? null)]),
      ),
      'text/csv;charset=utf-8',
    );

  return (
    <figure className="chart" aria-labelledby={`${id}-title`} data-testid={testId} data-view={view} data-empty={empty}>
      <figcaption className="chart__head">
        <span id={`${id}-title`} className="chart__title">
          {title}
        </span>
        <span className="chart__tools">
          {drawable.current && (
            <button type="button" className="button button--small" aria-pressed={view === 'table'} onClick={() => setView(view === 'chart' ? 'table' : 'chart')} data-testid="chart-toggle">
              {view === 'chart' ? t('chart.showTable') : t('chart.showChart')}
            </button>
          )}
          <button type="button" className="button button--small" onClick={exportCsv} disabled={x.length === 0} data-testid="chart-csv">
            {t('chart.csv')}
          </button>
        </span>
      </figcaption>
      {empty ? (
        <p className="chart__empty muted" data-testid="chart-empty">
          {t('chart.empty')}
        </p>
      ) : view === 'chart' ? (
        <div ref={box} className="chart__plot" />
      ) : (
        <div className="chart__table">
          <table>
            <thead>
              <tr>
                <th scope="col">{xLabel}</th>
                {series.map((s) => (
                  <th key={s.label} scope="col">
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {x.map((label, i) => (
                <tr key={label}>
                  <th scope="row">{label}</th>
                  {series.map((s) => (
                    <td key={s.label}>{fmt(s.values[i] ?? null)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </figure>
  );
}
