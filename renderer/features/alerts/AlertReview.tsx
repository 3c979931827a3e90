import { useTranslation } from 'react-i18next';
import type { Alert } from '../../../shared/alerts/schema';
import { X_MAX_LENGTH } from '../../../shared/alerts/schema';
import { useAppStore } from '../../store';
import { AlertActions } from './AlertActions';
import { AreaSummary } from './AreaSummary';
import { xLength } from './draft';
import { dateTime } from './format';
import { otherLanguage, smsAsSent } from '../../../shared/alerts/exercise';
import { PhonePreview } from './PhonePreview';
import { PreviewFacts } from './PreviewFacts';
import { SmsFacts, useSmsAnalysis } from './SmsFacts';
import { TipsOfAlert } from '../tips/TipsOfAlert';
import { ThankTipsters, TipAcknowledgement } from '../tips/TipAnswers';

/** The alert's text in its other language, approved and sent with the first. */
function OtherLanguageReview({ alert, recipients }: { alert: Alert; recipients: number | null }) {
  const { t } = useTranslation();
  const language = otherLanguage(alert.language);
  const sent = smsAsSent({ capStatus: alert.capStatus, smsText: alert.smsTextOther, language });
  const analysis = useSmsAnalysis(sent);
  return (
    <div className="composer__sms" data-testid="review-other">
      <div className="panel">
        <h2 className="panel__title">{t('alerts.composer.smsIn', { language: t(`alerts.languages.${language}`) })}</h2>
        <p className="review__text" data-testid="review-sms-other" lang={language}>
          {sent}
        </p>
        <SmsFacts text={sent} analysis={analysis} recipients={recipients} readOnly />
      </div>
      <PhonePreview text={sent} />
    </div>
  );
}

/** An alert that can no longer be edited, shown exactly as it will go (or went) out. */
export function AlertReview({ alert }: { alert: Alert }) {
  const { t, i18n } = useTranslation();
  const preview = useAppStore((s) => s.preview.value);
  const sent = smsAsSent(alert);
  const analysis = useSmsAnalysis(sent);
  return (
    <div className="review" data-testid="review" data-alert-id={alert.id}>
      <dl className="facts">
        <dt>{t('alerts.review.createdBy')}</dt>
        <dd data-testid="review-created-by">{alert.createdBy?.displayName ?? t('alerts.review.unknown')}</dd>
        <dt>{t('alerts.review.updated')}</dt>
        <dd>{dateTime(alert.updatedAt, i18n.language)}</dd>
        <dt>{t('alerts.review.urgency')}</dt>
        <dd data-testid="review-urgency">{t(`alerts.urgency.${alert.urgency}`)}</dd>
        {(alert.releaseAt || alert.expiresAt) && (
          <>
            <dt>{t('alerts.schedule.title')}</dt>
            <dd data-testid="review-schedule">
              {alert.releaseAt ? t('alerts.schedule.from', { time: dateTime(alert.releaseAt, i18n.language) }) : t('alerts.schedule.now')}
              {alert.expiresAt ? ` · ${t('alerts.schedule.until', { time: dateTime(alert.expiresAt, i18n.language) })}` : ''}
            </dd>
          </>
        )}
        <dt>{t('alerts.review.cap')}</dt>
        <dd>{alert.capEnabled ? t(`alerts.capStatus.${alert.capStatus}`) : t('alerts.review.noCap')}</dd>
        {alert.approvedBy && (
          <>
            <dt>{t('alerts.review.approvedBy')}</dt>
            <dd data-testid="review-approved-by">
              {alert.approvedBy.displayName}
              {alert.approvedAt ? ` · ${dateTime(alert.approvedAt, i18n.language)}` : ''}
            </dd>
          </>
        )}
        {alert.decisionComment && (
          <>
            <dt>{t('alerts.review.comment')}</dt>
            <dd data-testid="review-comment">{alert.decisionComment}</dd>
          </>
        )}
      </dl>
      <div className="composer__sms">
        <div className="panel">
          <h2 className="panel__title">{t('alerts.composer.sms')}</h2>
          <p className="review__text" data-testid="review-sms">
            {sent}
          </p>
          <SmsFacts text={sent} analysis={analysis} recipients={preview ? (preview.texts?.[0]?.recipients ?? preview.recipients) : null} readOnly />
        </div>
        <PhonePreview text={sent} />
      </div>
      {alert.smsTextOther?.trim() && <OtherLanguageReview alert={alert} recipients={preview?.texts?.[1]?.recipients ?? null} />}
      <p className="panel" data-testid="review-channels">
        <strong>{t('social.channels.title')}:</strong>{' '}
        {alert.channels
          .filter((c) => c !== 'picture')
          .map((c) => t(`social.channels.${c}`))
          .join(', ')}
        {alert.channels.includes('picture') && ` (${t('social.channels.picture')})`}
      </p>
      {alert.socialText && (
        <div className="panel">
          <h2 className="panel__title">{t('alerts.composer.social')}</h2>
          <p className="review__text" data-testid="review-social">
            {alert.socialText}
          </p>
          <p className="hint">{t('alerts.composer.xCount', { length: xLength(alert.socialText), max: X_MAX_LENGTH })}</p>
        </div>
      )}
      <section className="panel" aria-labelledby="review-area">
        <h2 id="review-area" className="panel__title">
          {t('alerts.area.title')}
        </h2>
        <AreaSummary area={alert.area} />
      </section>
      <PreviewFacts />
      {['sending', 'sent', 'closed'].includes(alert.status) ? (
        <>
          <TipsOfAlert alertId={alert.id} />
          <ThankTipsters alertId={alert.id} language={alert.language} />
        </>
      ) : null}
      {['approved', 'scheduled', 'sending', 'sent'].includes(alert.status) ? <TipAcknowledgement alertId={alert.id} language={alert.language} /> : null}
      <AlertActions key={alert.id} alert={alert} />
    </div>
  );
}
