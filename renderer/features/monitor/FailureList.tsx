import { useTranslation } from 'react-i18next';
import type { SendStatus } from '../../../shared/dispatch/schema';
import { formatNumber, reasonOf } from './format';

/**
 * Failures by reason, most first. Known codes are explained in the officer's language; the
 * code itself is always shown (as text: it comes from a gateway) so it can be quoted to the operator.
 */
export function FailureList({ failures }: { failures: SendStatus['failures'] }) {
  const { t, i18n } = useTranslation();
  const sorted = [...failures].sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  return (
    <section className="failures">
      <h3 className="monitor-subtitle">{t('monitor.failures.title')}</h3>
      {sorted.length === 0 ? (
        <p className="muted" data-testid="failures-none">
          {t('monitor.failures.none')}
        </p>
      ) : (
        <ul className="failures__list" data-testid="failures">
          {sorted.map((f) => {
            const known = reasonOf(f.reason);
            return (
              <li key={f.reason} className="failures__item" data-testid="failure-reason" data-reason={f.reason}>
                <span className="failures__count">{formatNumber(f.count, i18n.language)}</span>
                <span className="failures__label" data-testid="failure-label">
                  {known ? t(`monitor.reasons.${known}`) : f.reason}
                </span>
                {known && (
                  <code className="failures__code" data-testid="failure-code">
                    {t('monitor.failures.code', { code: f.reason })}
                  </code>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
