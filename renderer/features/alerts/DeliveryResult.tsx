import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../components/ErrorNote';
import { useAppStore } from '../../store';

/** Outcomes shown for a released alert, in funnel order; the monitor has the full picture. */
const shown = ['delivered', 'failed', 'expired', 'cancelled'] as const;

/**
 * A released alert's delivery result: who it reached, from its send (the recipients frozen at
 * release), followed every few seconds while the send is still going.
 */
export function DeliveryResult({ sendId }: { sendId: number }) {
  const { t, i18n } = useTranslation();
  const navigate = useAppStore((s) => s.navigate);
  const selectSend = useAppStore((s) => s.selectSend);
  const watchDelivery = useAppStore((s) => s.watchDelivery);
  const delivery = useAppStore((s) => s.delivery);
  const status = delivery.sendId === sendId ? delivery.value : null;
  const error = delivery.sendId === sendId ? delivery.error : null;

  useEffect(() => watchDelivery(sendId), [watchDelivery, sendId]);

  const n = (value: number) => value.toLocaleString(i18n.language === 'da' ? 'da-DK' : 'en-GB');
  const inFlight = status ? status.recipients - status.finished : 0;
  return (
    <section className="panel" aria-labelledby="delivery-result" data-testid="delivery-result" data-send-id={sendId}>
      <h2 id="delivery-result" className="panel__title">
        {t('alerts.delivery.title')}
      </h2>
      {status && (
        <dl className="facts">
          <dt>{t('alerts.delivery.state')}</dt>
          <dd data-testid="delivery-state">{t(`monitor.state.${status.state}`)}</dd>
          <dt>{t('alerts.delivery.frozen')}</dt>
          <dd data-testid="delivery-recipients" data-count={status.recipients}>
            {n(status.recipients)}
          </dd>
          {shown.map((key) => (
            <div key={key} className="facts__row">
              <dt>{t(`monitor.funnel.${key}`)}</dt>
              <dd data-testid={`delivery-${key}`} data-count={status.counts[key]}>
                {n(status.counts[key])}
              </dd>
            </div>
          ))}
          {inFlight > 0 && (
            <>
              <dt>{t('alerts.delivery.inFlight')}</dt>
              <dd data-testid="delivery-in-flight">{n(inFlight)}</dd>
            </>
          )}
        </dl>
      )}
      {error && <ErrorNote error={error} />}
      <button
        type="button"
        className="link-button"
        data-testid="delivery-open-monitor"
        onClick={() => {
          selectSend(sendId);
          navigate('monitor');
        }}
      >
        {t('alerts.delivery.openMonitor')}
      </button>
    </section>
  );
}
