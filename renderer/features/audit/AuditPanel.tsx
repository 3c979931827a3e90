import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../components/ErrorNote';
import { useAppStore } from '../../store';
import { dateTime } from '../alerts/format';

/** Details as one line of text: whatever the host logged, never interpreted as markup. */
function detailsText(details: unknown): string {
  if (details === null || details === undefined) return '';
  if (typeof details === 'string') return details;
  try {
    const text = JSON.stringify(details);
    return text.length > 300 ? `${text.slice(0, 300)}…` : text;
  } catch {
    return '';
  }
}

/** The audit trail for approvers and admins: who did what, when, to which subject. */
export function AuditPanel() {
  const { t, i18n } = useTranslation();
  const audit = useAppStore((s) => s.audit);
  const filter = useAppStore((s) => s.auditFilter);
  const setFilter = useAppStore((s) => s.setAuditFilter);
  const load = useAppStore((s) => s.loadAudit);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section className="panel audit" aria-labelledby="audit-title" data-testid="audit">
      <h2 id="audit-title" className="panel__title">
        {t('audit.title')}
      </h2>
      <form
        className="toolbar audit__filter"
        onSubmit={(e) => {
          e.preventDefault();
          void load();
        }}
      >
        <label className="field">
          <span className="field__label">{t('audit.action')}</span>
          <input data-testid="audit-action" value={filter.action} maxLength={40} onChange={(e) => setFilter({ action: e.target.value })} />
        </label>
        <label className="field">
          <span className="field__label">{t('audit.officer')}</span>
          <input data-testid="audit-officer" value={filter.officer} maxLength={40} onChange={(e) => setFilter({ officer: e.target.value })} />
        </label>
        <button type="submit" className="button" data-testid="audit-refresh">
          {t('audit.refresh')}
        </button>
      </form>
      {audit.status === 'failed' && audit.error && <ErrorNote error={audit.error} />}
      {audit.status === 'loading' && audit.entries.length === 0 && <p className="hint">{t('audit.loading')}</p>}
      {audit.status === 'ready' && audit.entries.length === 0 && <p className="hint">{t('audit.none')}</p>}
      {audit.entries.length > 0 && (
        <table className="audit__table" data-testid="audit-table">
          <thead>
            <tr>
              <th scope="col">{t('audit.seq')}</th>
              <th scope="col">{t('audit.at')}</th>
              <th scope="col">{t('audit.officer')}</th>
              <th scope="col">{t('audit.action')}</th>
              <th scope="col">{t('audit.subject')}</th>
              <th scope="col">{t('audit.details')}</th>
            </tr>
          </thead>
          <tbody>
            {audit.entries.map((e) => (
              <tr key={e.seq} data-testid="audit-row" data-action={e.action}>
                <td>{e.seq}</td>
                <td>{dateTime(e.at, i18n.language)}</td>
                <td>{e.officer ?? t('audit.system')}</td>
                <td>{e.action}</td>
                <td>{e.subject ?? ''}</td>
                <td className="audit__details">{detailsText(e.details)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
