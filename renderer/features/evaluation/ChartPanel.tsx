/**
 * An evaluation chart: the console's one chart (components/Chart.tsx) over labelled points
 * (months, groups, outcomes), with the same numbers as a table on request and as CSV. An empty
 * chart says so rather than drawing axes over nothing.
 */
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type uPlot from 'uplot';
import { Chart } from '../../components/Chart';
import { saveFile, toCsv } from '../../lib/download';

export interface PanelSeries {
  label: string;
  values: readonly (number | null)[];
  kind?: 'line' | 'bars';
  color?: string;
}

const PALETTE = ['#2f5d9e', '#c0392b', '#2e7d32', '#f39c12', '#8e44ad', '#16a085', '#7f8c8d', '#d35400'];

export function ChartPanel(props: { title: string; x: readonly string[]; series: readonly PanelSeries[]; xLabel: string; csvName: string; testId: string }) {
  const { title, x, series, xLabel, csvName, testId } = props;
  const { t, i18n } = useTranslation();
  const [view, setView] = useState<'chart' | 'table'>('chart');
  const empty = x.length === 0 || series.length === 0 || series.every((s) => s.values.every((v) => v === null || v === 0));
  const fmt = (v: number | null) => (v === null ? '–' : v.toLocaleString(i18n.language === 'en' ? 'en-GB' : 'da-DK'));
  const data = useMemo(() => [x.map((_, i) => i), ...series.map((s) => [...s.values])] as uPlot.AlignedData, [x, series]);
  const chartSeries = useMemo(
    () => series.map((s, i) => ({ label: s.label, key: `${testId}-${i}`, color: s.color ?? PALETTE[i % PALETTE.length]!, kind: s.kind ?? 'line' })),
    [series, testId],
  );
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
    <section className="chart-panel" aria-label={title} data-testid={testId} data-view={view} data-empty={empty}>
      <header className="chart-panel__head">
        <h3 className="chart-panel__title">{title}</h3>
        <span className="chart-panel__tools">
          <button type="button" className="button button--small" aria-pressed={view === 'table'} onClick={() => setView(view === 'chart' ? 'table' : 'chart')} data-testid="chart-toggle">
            {view === 'chart' ? t('chart.showTable') : t('chart.showChart')}
          </button>
          <button type="button" className="button button--small" onClick={exportCsv} disabled={x.length === 0} data-testid="chart-csv">
            {t('chart.csv')}
          </button>
        </span>
      </header>
      {empty ? (
        <p className="muted" data-testid="chart-empty">
          {t('chart.empty')}
        </p>
      ) : view === 'chart' ? (
        <Chart data={data} series={chartSeries} xLabels={x} ariaLabel={title} height={220} />
      ) : (
        <div className="chart-panel__table">
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
    </section>
  );
}
