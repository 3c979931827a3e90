import { memo, useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { SendStatus } from '../../../shared/dispatch/schema';
import { useAppStore } from '../../store';
import { CellsMap } from './CellsMap';
import { FailureList } from './FailureList';
import { Funnel } from './Funnel';
import { SendControls } from './SendControls';
import { Sparkline } from './Sparkline';
import { etaParts, formatNumber, locale } from './format';
import { alertIdOf, selectSamples, selectSend, selectTitle } from './monitorSlice';
import { ExerciseChip } from '../alerts/ExerciseBanner';
import { AlertTimelinePanel } from '../social/AlertTimeline';
import { TipsOfAlert } from '../tips/TipsOfAlert';
import { ThankTipsters } from '../tips/TipAnswers';

/** The send's name: the alert's category and first words when known, else its number. */
export function SendName({ sendId }: { sendId: number }) {
  const { t } = useTranslation();
  const title = useAppStore(selectTitle(sendId));
  const alertRef = useAppStore(selectSend(sendId))?.alertRef ?? null;
  const alertId = alertIdOf(alertRef);
  // An officer who may not read alerts (an administrator) still sees which alert it is.
  if (!title && alertId !== null) return <>{t('monitor.alertOnly', { alertId })}</>;
  // --- surveys --- a survey's send (`survey:<id>`) is named as the survey.
  const survey = /^survey:(\d+)$/.exec(alertRef ?? '');
  if (!title && survey) return <>{t('monitor.surveyTitle', { id: Number(survey[1]) })}</>;
  if (!title) return <>{t('monitor.sendTitle', { id: sendId })}</>;
  return (
    <>
      {title.exercise && <ExerciseChip />}
      <span className="send-name__main">
        {t('monitor.alertTitle', { category: t(`target.categories.${title.category}`), alertId: title.alertId })}
      </span>
      {/* The officer's own text, but still text: rendered by React, never as HTML. */}
      <span className="send-name__excerpt" data-testid="send-excerpt">
        {title.excerpt}
      </span>
    </>
  );
}

export function SendStateChip({ state }: { state: SendStatus['state'] }) {
  const { t } = useTranslation();
  return (
    <span className={`send-chip send-chip--${state}`} data-testid="send-state" data-state={state}>
      {t(`monitor.state.${state}`)}
    </span>
  );
}

function Eta({ status }: { status: SendStatus }) {
  const { t } = useTranslation();
  let text: string;
  if (status.state === 'done' || status.state === 'cancelled') text = t('monitor.etaDone');
  else if (status.state === 'paused') text = t('monitor.etaPaused');
  else if (status.etaSeconds === null) text = t('monitor.etaUnknown');
  else {
    const p = etaParts(status.etaSeconds);
    text = t(`monitor.etaValue.${p.unit}`, p);
  }
  return <dd data-testid="send-eta">{text}</dd>;
}

/** Possible duplicates after a crash, with the why one hover or Tab away. */
function Duplicates({ count }: { count: number }) {
  const { t, i18n } = useTranslation();
  const tip = useId();
  return (
    <div className="send-duplicates" data-testid="send-duplicates">
      <dt>{t('monitor.duplicates.label')}</dt>
      <dd>
        <span
          className="tooltip"
          tabIndex={0}
          aria-describedby={tip}
          // Escape hides it again (by leaving focus) without the officer having to Tab away.
          onKeyDown={(e) => {
            if (e.key === 'Escape') e.currentTarget.blur();
          }}
        >
          {formatNumber(count, i18n.language)}
          {/* A drawn "?" badge: the ⓘ glyph is missing from the fonts of locked-down PCs. */}
          <span className="tooltip__badge" aria-hidden="true">
            ?
          </span>
          <span role="tooltip" id={tip} className="tooltip__text" data-testid="send-duplicates-explain">
            {t('monitor.duplicates.explain')}
          </span>
        </span>
      </dd>
    </div>
  );
}

/**
 * One send: its name and state, the funnel, throughput and time left, gateway, duplicates,
 * failures and the controls; with `detailed` also the map. Memoised: a card re-renders only when
 * its own send changes, not when the screen around it does.
 */
export const SendPanel = memo(function SendPanel({ sendId, detailed }: { sendId: number; detailed: boolean }) {
  const { t, i18n } = useTranslation();
  const status = useAppStore(selectSend(sendId));
  const open = useAppStore((s) => s.selectSend);
  const samples = useAppStore(selectSamples(sendId));
  const titleId = useId();
  if (!status) return null;
  const created = new Date(status.createdAt);
  const fallback = status.gateways.active !== status.gateways.primary;
  return (
    <article
      className={`send-panel ${detailed ? 'send-panel--detailed' : ''}`}
      data-testid={`monitor-send-${sendId}`}
      data-state={status.state}
      data-alert-ref={status.alertRef ?? undefined}
      aria-labelledby={titleId}
    >
      <header className="send-panel__head">
        <h2 id={titleId} className="send-panel__title">
          <SendName sendId={sendId} />
        </h2>
        <div className="send-panel__meta">
          <SendStateChip state={status.state} />
          <span className={`send-priority send-priority--${status.priority}`}>{t(`monitor.priority.${status.priority}`)}</span>
          {!Number.isNaN(created.getTime()) && (
            <span className="muted">
              {t('monitor.created', {
                time: created.toLocaleString(locale(i18n.language), { dateStyle: 'short', timeStyle: 'short' }),
              })}
            </span>
          )}
        </div>
      </header>
      <Funnel status={status} />
      {/^alert:\d+$/.test(status.alertRef ?? '') && (
        <div className="send-panel__tips">
          <TipsOfAlert alertId={Number(status.alertRef!.slice(6))} />
          <ThankTipsters alertId={Number(status.alertRef!.slice(6))} />
        </div>
      )}
      {/^alert:\d+$/.test(status.alertRef ?? '') && <AlertTimelinePanel alertId={Number(status.alertRef!.slice(6))} sendVersion={status.counts.delivered} />}
      <dl className="send-facts">
        <div>
          <dt>{t('monitor.throughput')}</dt>
          <dd className="send-facts__throughput">
            <span data-testid="send-throughput">
              {t('monitor.throughputValue', { value: formatNumber(status.throughput, i18n.language, 1) })}
            </span>
            <Sparkline samples={samples ?? []} />
          </dd>
        </div>
        <div>
          <dt>{t('monitor.eta')}</dt>
          <Eta status={status} />
        </div>
        <div>
          <dt>{t('monitor.gateway')}</dt>
          <dd data-testid="send-gateway" data-fallback={fallback ? 'true' : 'false'}>
            {status.gateways.active}
            {fallback && (
              <span className="send-fallback" data-testid="send-fallback">
                {' '}
                {t('monitor.gatewayFallback', { active: status.gateways.active, primary: status.gateways.primary })}
              </span>
            )}
          </dd>
        </div>
        {status.possibleDuplicates > 0 && <Duplicates count={status.possibleDuplicates} />}
      </dl>
      <SendControls status={status} />
      <FailureList failures={status.failures} />
      {detailed ? (
        <CellsMap sendId={sendId} alertId={alertIdOf(status.alertRef ?? null)} />
      ) : (
        <button type="button" className="link-button" data-testid={`monitor-open-${sendId}`} onClick={() => open(sendId)}>
          {t('monitor.showDetails')}
        </button>
      )}
    </article>
  );
});
