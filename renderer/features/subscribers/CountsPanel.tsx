import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../components/ErrorNote';
import { useAppStore } from '../../store';
import { groupName } from './labels';

const statusOrder = ['active', 'paused', 'opted_out'] as const;

/** Totals by status and active subscribers by group, for every officer; kept current by `subscribers.changed`. */
export function CountsPanel() {
  const { t, i18n } = useTranslation();
  const counts = useAppStore((s) => s.subscriberCounts);
  const reload = useAppStore((s) => s.loadSubscriberCounts);
  const value = counts.value;
  const exists = (key: string) => i18n.exists(key);
  const groups = value ? Object.entries(value.byGroup).sort(([, a], [, b]) => b - a) : [];

  return (
    <section className="panel subscribers__counts" aria-labelledby="subscribers-counts-title" data-testid="subscriber-counts" data-state={counts.status} aria-busy={counts.status === 'loading'}>
      <h2 id="subscribers-counts-title" className="panel__title">
        {t('subscribers.counts.title')}
      </h2>
      {!value && counts.status !== 'failed' && <p className="muted">{t('subscribers.counts.loading')}</p>}
      {counts.status === 'failed' && counts.error && (
        <div>
          <p>{t('subscribers.counts.loadFailed')}</p>
          <ErrorNote error={counts.error} />
          <button type="button" className="button button--small" onClick={() => void reload()}>
            {t('subscribers.counts.retry')}
          </button>
        </div>
      )}
      {value && (
        <div className="subscribers__figures">
          <dl className="facts" aria-label={t('subscribers.counts.byStatus')}>
            {[
              { id: 'total', label: t('subscribers.counts.total'), count: value.total },
              ...statusOrder.map((status) => ({ id: status, label: t(`subscribers.status.${status}`), count: value.byStatus[status] })),
              { id: 'places', label: t('subscribers.counts.places'), count: value.places },
            ].map((row) => (
              <div key={row.id} className="facts__row">
                <dt>{row.label}</dt>
                <dd data-testid={`count-${row.id}`} data-count={row.count}>
                  {t('subscribers.counts.value', { count: row.count })}
                </dd>
              </div>
            ))}
          </dl>
          <table className="subscribers__table" data-testid="count-groups">
            <caption>{t('subscribers.counts.byGroup')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('subscribers.counts.group')}</th>
                <th scope="col">{t('subscribers.counts.number')}</th>
              </tr>
            </thead>
            <tbody>
              {groups.length === 0 ? (
                <tr>
                  <td colSpan={2}>{t('subscribers.counts.noGroups')}</td>
                </tr>
              ) : (
                groups.map(([code, n]) => (
                  <tr key={code} data-testid={`count-group-${code}`} data-count={n}>
                    <th scope="row">{groupName(t, exists, code)}</th>
                    <td>{t('subscribers.counts.value', { count: n })}</td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
