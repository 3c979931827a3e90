import { useTranslation } from 'react-i18next';
import type { SendStatus } from '../../../shared/dispatch/schema';
import type { AppState } from '../../store';
import { useAppStore } from '../../store';
import { formatNumber, locale } from './format';
import { SendStateChip } from './SendPanel';

const PENDING: readonly (keyof SendStatus['counts'])[] = ['queued', 'deferred', 'submitting', 'accepted'];
const FAILED: readonly (keyof SendStatus['counts'])[] = ['failed', 'expired'];

/** One sum over the answer sends, a number (so the card re-renders only when that number changes). */
const sumOf = (keys: readonly (keyof SendStatus['counts'])[]) => (s: AppState) =>
  s.monitorAnswers.reduce((n, id) => n + keys.reduce((m, k) => m + (s.monitorSends[id]?.counts[k] ?? 0), 0), 0);

function AnswerRow({ sendId }: { sendId: number }) {
  const { t, i18n } = useTranslation();
  const status = useAppStore((s) => s.monitorSends[sendId]);
  const what = useAppStore((s) => s.monitorAnswerKinds[sendId]);
  if (!status) return null;
  const created = new Date(status.createdAt);
  const kind = what ? t(`tips.answerKind.${what.kind}`, { defaultValue: t('monitor.answers.answer') }) : t('monitor.answers.answer');
  return (
    <li className="answer-row" data-testid={`monitor-answer-${sendId}`} data-alert-ref={status.alertRef ?? undefined}>
      <span className="answer-row__what">
        {kind}
        {what?.tipId ? ` · ${t('monitor.answers.toTip', { id: what.tipId })}` : ''}
        {what?.alertId ? ` · ${t('monitor.answerAlert', { alertId: what.alertId })}` : ''}
      </span>
      <SendStateChip state={status.state} />
      {!Number.isNaN(created.getTime()) && <time dateTime={status.createdAt}>{created.toLocaleString(locale(i18n.language), { timeStyle: 'short', dateStyle: 'short' })}</time>}
    </li>
  );
}

/**
 * Answers to citizens (replies to tips, acknowledgements, STOP and sign-up confirmations,
 * thanks) are one-SMS sends of their own: shown together in one collapsed card below the
 * alerts, so they never push an alert's card around.
 */
export function AnswerSends() {
  const { t, i18n } = useTranslation();
  const ids = useAppStore((s) => s.monitorAnswers);
  const delivered = useAppStore(sumOf(['delivered']));
  const pending = useAppStore(sumOf(PENDING));
  const failed = useAppStore(sumOf(FAILED));
  if (ids.length === 0) return null;
  const n = (v: number) => formatNumber(v, i18n.language);
  return (
    <details className="send-panel answer-sends" data-testid="monitor-answers">
      <summary className="answer-sends__summary">
        <span className="send-panel__title">{t('monitor.answers.title')}</span>
        <span className="muted" data-testid="monitor-answers-summary">
          {t('monitor.answers.summary', { count: ids.length, delivered: n(delivered), pending: n(pending), failed: n(failed) })}
        </span>
      </summary>
      <ul className="answer-sends__list">
        {ids.map((id) => (
          <AnswerRow key={id} sendId={id} />
        ))}
      </ul>
      <p className="hint">{t('monitor.answers.hint')}</p>
    </details>
  );
}
