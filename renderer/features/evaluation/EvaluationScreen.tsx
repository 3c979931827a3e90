import './evaluation.css';
import { useEffect, useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { categories } from '../../../shared/registry/subscriber';
import { fmtDec, fmtOre, fmtPct, fmtSeconds } from '../../../shared/reports/format';
import { outcomes } from '../../../shared/reports/schema';
import type { AlertFigures, EvaluationReport, Outcome } from '../../../shared/reports/schema';
import { saveFile } from '../../lib/download';
import { ChartPanel } from './ChartPanel';
import type { PanelSeries } from './ChartPanel';
import { ErrorNote } from '../../components/ErrorNote';
import { useAppStore } from '../../store';
import type { BridgeError } from '../../../shared/bridge/result';

/** The PDF worker's own failures (electron/reports/pdfClient.ts) have their own words. */
function pdfProblem(error: BridgeError): 'pdfStopped' | 'pdfTooLong' | null {
  const pdf = (error.details as { pdf?: string } | undefined)?.pdf;
  return pdf === 'time_limit' ? 'pdfTooLong' : pdf === 'stopped' || pdf === 'closing' ? 'pdfStopped' : null;
}

type Lang = 'da' | 'en';

/** The evaluation figures of a period: every number comes from the host's reports module. */
export function EvaluationScreen() {
  const { t } = useTranslation();
  const load = useAppStore((s) => s.loadEvaluation);
  const loadDistricts = useAppStore((s) => s.loadDistricts);
  const state = useAppStore((s) => s.evaluation);

  useEffect(() => {
    void loadDistricts();
    void load();
  }, [load, loadDistricts]);

  const report = state.report;
  return (
    <div className="evaluation" data-testid="evaluation" data-state={state.status}>
      <Filters />
      {state.status === 'loading' && !report && <p className="muted">{t('evaluation.loading')}</p>}
      {state.status === 'failed' && state.error && (
        <div className="panel">
          <p>{t('evaluation.loadFailed')}</p>
          <ErrorNote error={state.error} />
        </div>
      )}
      {report && <Report report={report} />}
    </div>
  );
}

function Filters() {
  const { t } = useTranslation();
  const query = useAppStore((s) => s.evaluationQuery);
  const setQuery = useAppStore((s) => s.setEvaluationQuery);
  const load = useAppStore((s) => s.loadEvaluation);
  const districts = useAppStore((s) => s.districts);
  const fetchPdf = useAppStore((s) => s.fetchPdf);
  const pdf = useAppStore((s) => s.pdf);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void load();
  };
  const downloadPeriod = async () => {
    const file = await fetchPdf('period');
    if (file) saveFile(file.fileName, file.bytes as Uint8Array<ArrayBuffer>, 'application/pdf');
  };
  return (
    <form className="panel evaluation__filters" aria-label={t('evaluation.filters')} onSubmit={submit} data-testid="evaluation-filters">
      <label>
        {t('evaluation.from')}
        <input type="date" value={query.from} required onChange={(e) => setQuery({ from: e.target.value })} data-testid="evaluation-from" />
      </label>
      <label>
        {t('evaluation.to')}
        <input type="date" value={query.to} required onChange={(e) => setQuery({ to: e.target.value })} data-testid="evaluation-to" />
      </label>
      <label>
        {t('evaluation.district')}
        <select value={query.district} onChange={(e) => setQuery({ district: e.target.value })} data-testid="evaluation-district">
          <option value="">{t('evaluation.all')}</option>
          {districts.map((d) => (
            <option key={d.code} value={d.code}>
              {d.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('evaluation.category')}
        <select value={query.category} onChange={(e) => setQuery({ category: e.target.value })} data-testid="evaluation-category">
          <option value="">{t('evaluation.all')}</option>
          {categories.map((c) => (
            <option key={c} value={c}>
              {t(`target.categories.${c}`)}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="button" data-testid="evaluation-show">
        {t('evaluation.show')}
      </button>
      <button type="button" className="button" onClick={() => void downloadPeriod()} disabled={pdf.busy !== null} data-testid="evaluation-period-pdf">
        {pdf.busy === 'period' ? t('evaluation.pdfBusy') : t('evaluation.periodPdf')}
      </button>
      {pdf.error && pdfProblem(pdf.error) ? (
        <p className="error-note" role="alert" title={pdf.error.message} data-testid="error-note" data-code={pdf.error.code}>
          {t(`evaluation.${pdfProblem(pdf.error)!}`)}
        </p>
      ) : (
        pdf.error && (
          <ErrorNote error={pdf.error}>
            {' '}
            {t('evaluation.pdfFailed')}
          </ErrorNote>
        )
      )}
    </form>
  );
}

function Report({ report }: { report: EvaluationReport }) {
  const { t, i18n } = useTranslation();
  const lang: Lang = i18n.language === 'en' ? 'en' : 'da';
  const num = (n: number) => n.toLocaleString(lang === 'da' ? 'da-DK' : 'en-GB');
  const s = report.subscribers;
  const d = report.delivery;
  const empty = report.alerts.count + report.alerts.followUps === 0 && s.signups + s.leaves === 0;

  const months = useMemo(() => s.byMonth.map((m) => m.month), [s.byMonth]);
  const totalSeries = useMemo<PanelSeries[]>(() => [{ label: t('evaluation.total'), values: s.byMonth.map((m) => m.total) }], [s.byMonth, t]);
  const movementSeries = useMemo<PanelSeries[]>(
    () => [
      { label: t('evaluation.signups'), values: s.byMonth.map((m) => m.signups), kind: 'bars', color: '#2e7d32' },
      { label: t('evaluation.leaves'), values: s.byMonth.map((m) => m.leaves), kind: 'bars', color: '#c0392b' },
      { label: t('evaluation.net'), values: s.byMonth.map((m) => m.net), color: '#2f5d9e' },
    ],
    [s.byMonth, t],
  );
  const groupNames = useMemo(() => s.byGroup.map((g) => t(`evaluation.groups.${g.group}`, { defaultValue: g.group })), [s.byGroup, t]);
  const groupSeries = useMemo<PanelSeries[]>(
    () => [
      { label: t('evaluation.signups'), values: s.byGroup.map((g) => g.signups), kind: 'bars', color: '#2e7d32' },
      { label: t('evaluation.leaves'), values: s.byGroup.map((g) => g.leaves), kind: 'bars', color: '#c0392b' },
    ],
    [s.byGroup, t],
  );
  const alertMonths = useMemo(() => report.alerts.byMonth.map((m) => m.month), [report.alerts.byMonth]);
  const alertSeries = useMemo<PanelSeries[]>(
    () =>
      categories
        .filter((c) => (report.alerts.byCategory[c] ?? 0) > 0)
        .map((c) => ({ label: t(`target.categories.${c}`), values: report.alerts.byMonth.map((m) => m.byCategory[c] ?? 0) })),
    [report.alerts, t],
  );
  const outcomeNames = useMemo(() => outcomes.map((o) => t(`evaluation.outcomes.${o}`)), [t]);
  const outcomeSeries = useMemo<PanelSeries[]>(
    () => [{ label: t('evaluation.count'), values: outcomes.map((o) => report.outcomes.byOutcome[o] ?? 0), kind: 'bars' }],
    [report.outcomes, t],
  );

  return (
    <>
      {empty && (
        <p className="panel evaluation__nodata" data-testid="evaluation-nodata">
          {t('evaluation.noData')}
        </p>
      )}
      <section className="panel" aria-labelledby="evaluation-figures-title">
        <h2 id="evaluation-figures-title" className="panel__title">
          {t('evaluation.figures')}
        </h2>
        <dl className="evaluation__figures" data-testid="evaluation-figures">
          <Figure id="subscribers-end" label={t('evaluation.subscribersAtEnd')} value={num(s.atEnd)} raw={s.atEnd} />
          <Figure id="signups" label={t('evaluation.signups')} value={num(s.signups)} raw={s.signups} />
          <Figure id="leaves" label={t('evaluation.leaves')} value={num(s.leaves)} raw={s.leaves} />
          <Figure id="net" label={t('evaluation.net')} value={num(s.net)} raw={s.net} />
          <Figure id="alerts" label={t('evaluation.alerts')} value={num(report.alerts.count)} raw={report.alerts.count} />
          <Figure id="follow-ups" label={t('evaluation.followUps')} value={num(report.alerts.followUps)} raw={report.alerts.followUps} />
          <Figure id="rate" label={t('evaluation.rate')} value={fmtPct(d.rate, lang)} raw={d.rate ?? ''} />
          <Figure id="t50" label={t('evaluation.t50')} value={fmtSeconds(d.t50, lang)} raw={d.t50 ?? ''} />
          <Figure id="t90" label={t('evaluation.t90')} value={fmtSeconds(d.t90, lang)} raw={d.t90 ?? ''} />
          <Figure id="t99" label={t('evaluation.t99')} value={fmtSeconds(d.t99, lang)} raw={d.t99 ?? ''} />
          <Figure id="parts" label={t('evaluation.parts')} value={num(report.cost.parts)} raw={report.cost.parts} />
          <Figure id="cost" label={t('evaluation.cost')} value={fmtOre(report.cost.totalOre, lang)} raw={report.cost.totalOre} />
          <Figure id="tips" label={t('evaluation.tips')} value={num(report.tips.total)} raw={report.tips.total} />
          <Figure id="tips-per-alert" label={t('evaluation.tipsPerAlert')} value={fmtDec(report.tips.perAlert, lang, 2)} raw={report.tips.perAlert ?? ''} />
          <Figure id="first-tip" label={t('evaluation.firstTip')} value={fmtSeconds(report.tips.medianFirstTipSeconds, lang)} raw={report.tips.medianFirstTipSeconds ?? ''} />
          <Figure id="outcomes" label={t('evaluation.outcomesRecorded')} value={`${num(report.outcomes.recorded)} / ${num(report.outcomes.recorded + report.outcomes.notRecorded)}`} raw={report.outcomes.recorded} />
        </dl>
        <p className="muted evaluation__note">{t('evaluation.timesNote', { count: d.alertsWithReceipts })}</p>
        <h3 className="panel__subtitle">{t('evaluation.reach')}</h3>
        {report.reach.channels.length === 0 ? (
          <p className="muted" data-testid="evaluation-no-social">
            {t('evaluation.noSocial')}
          </p>
        ) : (
          <ul>
            {report.reach.channels.map((c) => (
              <li key={c.channel}>
                {c.channel}: {num(c.posts)} · {num(c.reach)}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="evaluation__charts">
        <ChartPanel title={t('evaluation.subscribersChart')} x={months} series={totalSeries} xLabel={t('evaluation.month')} csvName="abonnenter" testId="chart-subscribers" />
        <ChartPanel title={t('evaluation.movementChart')} x={months} series={movementSeries} xLabel={t('evaluation.month')} csvName="tilmeldinger" testId="chart-movement" />
        <ChartPanel title={t('evaluation.alertsChart')} x={alertMonths} series={alertSeries} xLabel={t('evaluation.month')} csvName="varsler" testId="chart-alerts" />
        <ChartPanel title={t('evaluation.groupsChart')} x={groupNames} series={groupSeries} xLabel={t('evaluation.group')} csvName="grupper" testId="chart-groups" />
        <ChartPanel title={t('evaluation.outcomesChart')} x={outcomeNames} series={outcomeSeries} xLabel={t('evaluation.outcome')} csvName="resultater" testId="chart-outcomes" />
      </section>
      <AlertTable report={report} lang={lang} />
    </>
  );
}

function Figure({ id, label, value, raw }: { id: string; label: string; value: string; raw: number | string }) {
  return (
    <div className="evaluation__figure">
      <dt>{label}</dt>
      <dd data-testid={`figure-${id}`} data-value={raw}>
        {value}
      </dd>
    </div>
  );
}

function AlertTable({ report, lang }: { report: EvaluationReport; lang: Lang }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState<number | null>(null);
  const canRecord = useAppStore((s) => s.officer?.roles.some((r) => r === 'operator' || r === 'approver') ?? false);
  const fetchPdf = useAppStore((s) => s.fetchPdf);
  const pdf = useAppStore((s) => s.pdf);
  const saved = useAppStore((s) => s.outcomeSaving.savedAlertId);
  const rows = [...report.perAlert].reverse(); // newest first
  const download = async (id: number) => {
    const file = await fetchPdf({ alertId: id });
    if (file) saveFile(file.fileName, file.bytes as Uint8Array<ArrayBuffer>, 'application/pdf');
  };
  return (
    <section className="panel" aria-labelledby="evaluation-alerts-title">
      <h2 id="evaluation-alerts-title" className="panel__title">
        {t('evaluation.perAlert')}
      </h2>
      {rows.length === 0 ? (
        <p className="muted">{t('chart.empty')}</p>
      ) : (
        <div className="evaluation__table">
          <table data-testid="evaluation-alerts">
            <thead>
              <tr>
                {(['id', 'released', 'category', 'kind', 'recipients', 'rate', 't50', 't90', 'tips', 'firstTip', 'cost', 'outcome', 'actions'] as const).map((c) => (
                  <th key={c} scope="col">
                    {t(`evaluation.col.${c}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <AlertRow
                  key={a.id}
                  a={a}
                  lang={lang}
                  canRecord={canRecord}
                  editing={editing === a.id}
                  justSaved={saved === a.id}
                  pdfBusy={pdf.busy === `alert:${a.id}`}
                  onEdit={() => setEditing(editing === a.id ? null : a.id)}
                  onClose={() => setEditing(null)}
                  onPdf={() => void download(a.id)}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function AlertRow(props: {
  a: AlertFigures;
  lang: Lang;
  canRecord: boolean;
  editing: boolean;
  justSaved: boolean;
  pdfBusy: boolean;
  onEdit(): void;
  onClose(): void;
  onPdf(): void;
}) {
  const { a, lang } = props;
  const { t } = useTranslation();
  const released = new Date(a.releasedAt).toLocaleString(lang === 'da' ? 'da-DK' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' });
  return (
    <>
      <tr data-testid={`evaluation-alert-${a.id}`}>
        <td>{a.id}</td>
        <td>{released}</td>
        <td>{t(`target.categories.${a.category}`)}</td>
        <td>{t(`evaluation.kind.${a.kind}`)}</td>
        <td>{a.delivery.recipients.toLocaleString(lang === 'da' ? 'da-DK' : 'en-GB')}</td>
        <td>{fmtPct(a.delivery.rate, lang)}</td>
        <td>{fmtSeconds(a.delivery.t50, lang)}</td>
        <td>{fmtSeconds(a.delivery.t90, lang)}</td>
        <td>{a.tips}</td>
        <td>{fmtSeconds(a.firstTipSeconds, lang)}</td>
        <td>{fmtOre(a.costOre, lang)}</td>
        <td data-testid="alert-outcome" data-outcome={a.outcome?.outcome ?? ''}>
          {a.outcome ? t(`evaluation.outcomes.${a.outcome.outcome}`) : t('evaluation.notRecorded')}
          {props.justSaved && <span className="evaluation__saved"> ✓ {t('evaluation.saved')}</span>}
        </td>
        <td className="evaluation__actions">
          {props.canRecord && (
            <button type="button" className="button button--small" aria-expanded={props.editing} onClick={props.onEdit} data-testid="outcome-edit">
              {a.outcome ? t('evaluation.change') : t('evaluation.record')}
            </button>
          )}
          <button type="button" className="button button--small" onClick={props.onPdf} disabled={props.pdfBusy} data-testid="alert-pdf">
            {props.pdfBusy ? t('evaluation.pdfBusy') : t('evaluation.pdf')}
          </button>
        </td>
      </tr>
      {props.editing && (
        <tr className="evaluation__editor-row">
          <td colSpan={13}>
            <OutcomeEditor a={a} onDone={props.onClose} />
          </td>
        </tr>
      )}
    </>
  );
}

function OutcomeEditor({ a, onDone }: { a: AlertFigures; onDone(): void }) {
  const { t } = useTranslation();
  const save = useAppStore((s) => s.saveOutcome);
  const saving = useAppStore((s) => s.outcomeSaving);
  const [outcome, setOutcome] = useState<Outcome>(a.outcome?.outcome ?? 'unknown');
  const [helped, setHelped] = useState<'yes' | 'no' | ''>(a.outcome?.tipsHelped === true ? 'yes' : a.outcome?.tipsHelped === false ? 'no' : '');
  const [note, setNote] = useState(a.outcome?.note ?? '');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await save(a.id, outcome, helped === '' ? null : helped === 'yes', note)) onDone();
  };
  return (
    <form className="evaluation__editor" aria-label={t('evaluation.outcomeFor', { id: a.id })} onSubmit={(e) => void submit(e)} data-testid="outcome-editor">
      <label>
        {t('evaluation.outcome')}
        <select value={outcome} onChange={(e) => setOutcome(e.target.value as Outcome)} data-testid="outcome-select">
          {outcomes.map((o) => (
            <option key={o} value={o}>
              {t(`evaluation.outcomes.${o}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('evaluation.tipsHelped')}
        <select value={helped} onChange={(e) => setHelped(e.target.value as 'yes' | 'no' | '')} data-testid="outcome-helped">
          <option value="">{t('evaluation.helpedUnknown')}</option>
          <option value="yes">{t('evaluation.helpedYes')}</option>
          <option value="no">{t('evaluation.helpedNo')}</option>
        </select>
      </label>
      <label className="evaluation__note-field">
        {t('evaluation.note')}
        <input type="text" maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} data-testid="outcome-note" />
      </label>
      <button type="submit" className="button button--small" disabled={saving.alertId === a.id} data-testid="outcome-save">
        {t('evaluation.save')}
      </button>
      <button type="button" className="button button--small" onClick={onDone}>
        {t('evaluation.cancel')}
      </button>
      {saving.error && (
        <ErrorNote error={saving.error}>
          {' '}
          {t('evaluation.saveFailed')}
        </ErrorNote>
      )}
    </form>
  );
}
