import { useId } from 'react';
import type { ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../components/ErrorNote';
import { useAppStore } from '../../store';
import type { ImportReport } from '../../../shared/bridge/contract';

/** Enough rows to read and correct a file by; the rest are counted, not drawn. */
export const REPORT_ROWS_SHOWN = 200;

const reasonCodes = [
  'phone_missing',
  'phone_invalid',
  'duplicate_phone',
  'bad_status',
  'bad_language',
  'unknown_group',
  'unknown_category',
  'bad_quiet_hours',
  'bad_place',
  'bad_consent_time',
  'too_long',
  'bad_row',
] as const;
/** A refused row's code if it has a sentence of its own (subscribers.import.reasons/fixes), else 'unknown'. */
const reasonOf = (code: string): (typeof reasonCodes)[number] | 'unknown' => (reasonCodes as readonly string[]).includes(code) ? (code as (typeof reasonCodes)[number]) : 'unknown';

/** Import of a CSV or JSON file: checked all-or-nothing first; with bad rows the officer chooses. */
export function ImportPanel() {
  const { t, i18n } = useTranslation();
  const state = useAppStore((s) => s.subscriberImport);
  const importSubscribers = useAppStore((s) => s.importSubscribers);
  const acceptValidRows = useAppStore((s) => s.acceptValidRows);
  const cancelImport = useAppStore((s) => s.cancelImport);
  const inputId = useId();
  const helpId = useId();
  const file = state.fileName ?? '';
  const busy = state.phase === 'checking' || state.phase === 'importing';

  function onPick(e: ChangeEvent<HTMLInputElement>) {
    const picked = e.target.files?.[0];
    // Cleared so that picking the same file again (after correcting it) is a new change.
    e.target.value = '';
    if (picked) void importSubscribers(picked);
  }

  const report = state.report;
  return (
    <section className="panel subscribers__import" aria-labelledby="subscribers-import-title" data-testid="import" data-phase={state.phase}>
      <h2 id="subscribers-import-title" className="panel__title">
        {t('subscribers.import.title')}
      </h2>
      <label htmlFor={inputId} className="subscribers__label">
        {t('subscribers.import.fileLabel')}
      </label>
      <input
        id={inputId}
        type="file"
        accept=".csv,.json"
        aria-describedby={helpId}
        disabled={busy}
        onChange={onPick}
        data-testid="import-file"
      />
      <details className="subscribers__help" id={helpId}>
        <summary>{t('subscribers.import.helpTitle')}</summary>
        <p className="hint">{t('subscribers.import.help')}</p>
      </details>

      <div aria-live="polite">
        {state.phase === 'checking' && <p className="muted">{t('subscribers.import.checking', { file })}</p>}
        {state.phase === 'importing' && <p className="muted">{t('subscribers.import.importing', { file })}</p>}
      </div>

      {state.phase === 'refused' && state.refusal && (
        <p className="error-note" role="alert" data-testid="import-refused" data-refusal={state.refusal}>
          {t(`subscribers.import.refused.${state.refusal}`, { file })}
        </p>
      )}
      {state.phase === 'failed' && state.error && (
        <div data-testid="import-failed">
          <p>{t('subscribers.import.failed', { file })}</p>
          <ErrorNote error={state.error} />
        </div>
      )}

      {(state.phase === 'review' || state.phase === 'importing') && report && (
        <div className="subscribers__report" data-testid="import-report" role="region" aria-label={t('subscribers.import.reportTitle', { file })}>
          <h3>{t('subscribers.import.reportTitle', { file })}</h3>
          <p>{t('subscribers.import.reportLead', { count: report.refused, rows: report.rows })}</p>
          <table className="subscribers__table">
            <thead>
              <tr>
                <th scope="col">{t('subscribers.import.row')}</th>
                <th scope="col">{t('subscribers.import.field')}</th>
                <th scope="col">{t('subscribers.import.reason')}</th>
                <th scope="col">{t('subscribers.import.detail')}</th>
              </tr>
            </thead>
            <tbody>
              {report.rejected.slice(0, REPORT_ROWS_SHOWN).map((r, i) => (
                <tr key={`${r.row}-${i}`} data-testid={`import-rejected-${r.row}`} data-code={r.code}>
                  <th scope="row">{r.row}</th>
                  <td>{r.field}</td>
                  <td>{t(`subscribers.import.reasons.${reasonOf(r.code)}`)}</td>
                  {/* The host's detail is English (it names values and columns exactly); a Danish
                      officer reads what to correct, with the detail in the tooltip. */}
                  {i18n.language === 'en' ? (
                    <td className="hint">{r.message}</td>
                  ) : (
                    <td className="hint" title={r.message} data-testid="import-fix">
                      {t(`subscribers.import.fixes.${reasonOf(r.code)}`)}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
          {report.refused > Math.min(REPORT_ROWS_SHOWN, report.rejected.length) && (
            <p className="hint">{t('subscribers.import.moreRows', { count: report.refused - Math.min(REPORT_ROWS_SHOWN, report.rejected.length) })}</p>
          )}
          {state.error && <ErrorNote error={state.error} />}
          {report.accepted === 0 && <p>{t('subscribers.import.noValid')}</p>}
          <div className="subscribers__actions">
            {report.accepted > 0 && (
              <button
                type="button"
                className="button"
                disabled={busy}
                onClick={() => void acceptValidRows()}
                data-testid="import-accept-valid"
              >
                {t('subscribers.import.acceptValid', { count: report.accepted })}
              </button>
            )}
            <button type="button" className="button" disabled={busy} onClick={cancelImport} data-testid="import-cancel">
              {t('subscribers.import.cancel')}
            </button>
          </div>
        </div>
      )}

      {state.phase === 'done' && report && (
        <div data-testid="import-done" role="status">
          <p>{t('subscribers.import.done', { file })}</p>
          <dl className="facts">
            {[
              { id: 'created' as const, count: report.created },
              { id: 'updated' as const, count: report.updated },
              { id: 'keptOptedOut' as const, count: report.keptOptedOut },
              ...(report.refused > 0 ? [{ id: 'skipped' as const, count: report.refused }] : []),
              ...(report.warned > 0 ? [{ id: 'warned' as const, count: report.warned }] : []),
            ].map((row) => (
              <div key={row.id} className="facts__row">
                <dt>{t(`subscribers.import.${row.id}`)}</dt>
                <dd data-testid={`import-${row.id}`} data-count={row.count}>
                  {t('subscribers.counts.value', { count: row.count })}
                </dd>
              </div>
            ))}
          </dl>
          {report.warned > 0 && <ImportWarnings report={report} />}
          <button type="button" className="link-button" onClick={cancelImport}>
            {t('subscribers.import.another')}
          </button>
        </div>
      )}
    </section>
  );
}

const warningCodes = ['outside_district'] as const;
const warningOf = (code: string): (typeof warningCodes)[number] | 'unknown' =>
  (warningCodes as readonly string[]).includes(code) ? (code as (typeof warningCodes)[number]) : 'unknown';

/** Rows imported with a warning (a place outside the police district), each with its line. */
function ImportWarnings({ report }: { report: ImportReport }) {
  const { t, i18n } = useTranslation();
  const shown = report.warnings.slice(0, REPORT_ROWS_SHOWN);
  return (
    <div className="subscribers__report" data-testid="import-warnings" role="region" aria-label={t('subscribers.import.warningsTitle')}>
      <h3>{t('subscribers.import.warningsTitle')}</h3>
      <p>{t('subscribers.import.warningsLead', { count: report.warned })}</p>
      <table className="subscribers__table">
        <thead>
          <tr>
            <th scope="col">{t('subscribers.import.row')}</th>
            <th scope="col">{t('subscribers.import.field')}</th>
            <th scope="col">{t('subscribers.import.reason')}</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((w, i) => (
            <tr key={`${w.row}-${i}`} data-testid={`import-warning-${w.row}`} data-code={w.code}>
              <th scope="row">{w.row}</th>
              <td>{w.field}</td>
              {/* The host's detail (English) names the district; Danish shows the translated reason with the detail as tooltip. */}
              <td className="hint" title={i18n.language === 'en' ? undefined : w.message}>
                {i18n.language === 'en' ? w.message : t(`subscribers.import.warnings.${warningOf(w.code)}`)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {report.warned > shown.length && <p className="hint">{t('subscribers.import.moreRows', { count: report.warned - shown.length })}</p>}
    </div>
  );
}
