import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../components/ErrorNote';
import { useAppStore } from '../../store';
import { DeliveryResult } from './DeliveryResult';
import { duration, kroner } from './format';

/** The store's estimate for the alert as saved: recipients, parts in all, cost and time to send. */
export function PreviewFacts() {
  const { t, i18n } = useTranslation();
  const preview = useAppStore((s) => s.preview);
  const stale = useAppStore((s) => s.editor?.dirty ?? false);
  const value = preview.value;
  const time = value ? duration(value.sendSeconds) : null;
  const release = value?.release ?? null;
  return (
    <>
      <section className="panel" aria-labelledby="preview-facts" data-testid="preview-facts" aria-busy={preview.status === 'loading'}>
        <h2 id="preview-facts" className="panel__title">
          {release ? t('alerts.preview.releasedTitle') : t('alerts.preview.title')}
        </h2>
        {value ? (
          <dl className="facts">
            <dt>{release ? t('alerts.preview.frozenRecipients') : t('alerts.preview.recipients')}</dt>
            <dd data-testid="preview-recipients" data-count={value.recipients} data-frozen={release ? 'true' : undefined}>
              {t('alerts.recipients', { count: value.recipients })}
            </dd>
            {value.byLanguage && (
              <>
                <dt>{t('alerts.preview.byLanguage')}</dt>
                <dd data-testid="preview-languages" data-da={value.byLanguage.da} data-en={value.byLanguage.en}>
                  {t('alerts.preview.byLanguageValue', { da: value.byLanguage.da, en: value.byLanguage.en })}
                </dd>
              </>
            )}
            <dt>{t('alerts.preview.parts')}</dt>
            <dd data-testid="preview-parts">
              {value.texts && value.texts.length > 1
                ? value.texts
                    .map((x) => t('alerts.preview.partsPerLanguage', { language: t(`alerts.languages.${x.language}`), parts: x.smsParts, count: x.recipients }))
                    .concat(t('alerts.preview.partsTotal', { total: value.totalParts }))
                    .join(' · ')
                : t('alerts.preview.partsValue', { parts: value.smsParts, total: value.totalParts })}
            </dd>
            <dt>{t('alerts.preview.cost')}</dt>
            <dd data-testid="preview-cost">{kroner(value.costEstimateOre, i18n.language)}</dd>
            <dt>{t('alerts.preview.time')}</dt>
            <dd data-testid="preview-time">
              {time && time.minutes > 0
                ? t('alerts.preview.minutes', { minutes: time.minutes, seconds: time.seconds })
                : t('alerts.preview.seconds', { seconds: time?.seconds ?? 0 })}
            </dd>
            {value.delayedByQuietHours > 0 && (
              <>
                <dt>{t('alerts.preview.delayed')}</dt>
                <dd data-testid="preview-delayed">{t('alerts.recipients', { count: value.delayedByQuietHours })}</dd>
              </>
            )}
          </dl>
        ) : (
          preview.status !== 'failed' && <p className="hint">{t('alerts.preview.loading')}</p>
        )}
        {stale && value && <p className="hint">{t('alerts.preview.stale')}</p>}
        {preview.status === 'failed' && preview.error && <ErrorNote error={preview.error} />}
      </section>
      {release?.sendId != null && <DeliveryResult sendId={release.sendId} />}
    </>
  );
}
