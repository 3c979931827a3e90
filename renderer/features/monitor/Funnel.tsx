import { useTranslation } from 'react-i18next';
import type { SendStatus } from '../../../shared/dispatch/schema';
import { barShares, barStages, formatNumber, percentFinished } from './format';

/** The rows of the funnel in the order a message travels; testids the e2e tests read. */
const rows = ['recipients', 'queued', 'deferred', 'submitting', 'accepted', 'delivered', 'failed', 'expired', 'cancelled'] as const;

/** Recipients through the stages as numbers, and the same as one stacked bar (the numbers are the truth). */
export function Funnel({ status }: { status: SendStatus }) {
  const { t, i18n } = useTranslation();
  const n = (v: number) => formatNumber(v, i18n.language);
  const shares = barShares(status);
  const value = (row: (typeof rows)[number]) => (row === 'recipients' ? status.recipients : status.counts[row]);
  return (
    <section className="funnel" aria-label={t('monitor.funnel.label')}>
      <p className="funnel__progress" data-testid="send-progress">
        {t('monitor.progress', { percent: percentFinished(status), finished: n(status.finished), recipients: n(status.recipients) })}
      </p>
      {/* The bar repeats the numbers below; a screen reader gets them from the list, not from the colours. */}
      <div className="funnel__bar" data-testid="funnel-bar" aria-hidden="true" title={t('monitor.funnel.bar')}>
        {barStages.map((stage) =>
          shares[stage] > 0 ? (
            <span
              key={stage}
              className={`funnel__segment funnel__segment--${stage}`}
              data-stage={stage}
              style={{ width: `${shares[stage]}%` }}
            />
          ) : null,
        )}
      </div>
      <dl className="funnel__numbers">
        {rows.map((row) => (
          <div key={row} className={`funnel__row funnel__row--${row}`} data-zero={value(row) === 0 ? 'true' : 'false'}>
            <dt>
              {row !== 'recipients' && <span className={`funnel__swatch funnel__segment--${row}`} aria-hidden="true" />}
              {t(`monitor.funnel.${row}`)}
            </dt>
            <dd data-testid={`funnel-${row}`}>{n(value(row))}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
