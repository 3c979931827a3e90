import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Alert } from '../../../shared/alerts/schema';
import type { BridgeError } from '../../../shared/bridge/result';
import type { TranslationKey } from '../../i18n';
import { useAppStore } from '../../store';
import { hasRole } from '../session/sessionSlice';
import { TestToPhone } from './TestToPhone';
import { cancellableStatuses } from './draft';

const detail = (error: BridgeError, key: string): unknown =>
  typeof error.details === 'object' && error.details !== null ? (error.details as Record<string, unknown>)[key] : undefined;

/** Which field the host named when it refused a submission, as the composer's own words for it. */
const fieldProblems: Partial<Record<string, TranslationKey>> = {
  smsText: 'alerts.blockers.smsEmpty',
  fields: 'alerts.blockers.requiredField',
  socialText: 'alerts.blockers.xTooLong',
  area: 'alerts.blockers.noArea',
};

/** A refusal in the officer's words; the four-eyes rule and the usual submission problems get their own sentences. */
function Refusal({ error, own }: { error: BridgeError; own: boolean }) {
  const { t } = useTranslation();
  const field = detail(error, 'field');
  const text =
    error.code === 'forbidden' && (own || detail(error, 'reason') === 'four_eyes')
      ? t('alerts.errors.ownApproval')
      : error.code === 'conflict'
        ? t('alerts.errors.conflict')
        : error.code === 'bad_request' && detail(error, 'recipients') === 0
          ? t('alerts.errors.noRecipients')
          : error.code === 'bad_request' && typeof field === 'string' && fieldProblems[field]
            ? t(fieldProblems[field])
            : t(`errors.${error.code}`);
  return (
    <p className="error-note" role="alert" data-testid="action-error" data-code={error.code} title={error.message}>
      {text}
    </p>
  );
}

function Decision({ alert, own }: { alert: Alert; own: boolean }) {
  const { t } = useTranslation();
  const approve = useAppStore((s) => s.approveAlert);
  const reject = useAppStore((s) => s.rejectAlert);
  const pending = useAppStore((s) => s.alertAction.pending);
  const [comment, setComment] = useState('');
  const [triedReject, setTriedReject] = useState(false);
  const needComment = triedReject && !comment.trim();
  return (
    <section className="panel decision" aria-labelledby="decision-title" data-testid="decision">
      <h2 id="decision-title" className="panel__title">
        {t('alerts.decision.title')}
      </h2>
      {own && <p className="hint" data-testid="own-alert">{t('alerts.decision.own')}</p>}
      <label className="field">
        <span className="field__label">{t('alerts.decision.comment')}</span>
        <textarea
          data-testid="decision-comment"
          rows={2}
          maxLength={1000}
          value={comment}
          aria-invalid={needComment}
          onChange={(e) => setComment(e.target.value)}
        />
      </label>
      {needComment && (
        <p className="error-note" role="alert" data-testid="comment-needed">
          {t('alerts.decision.commentNeeded')}
        </p>
      )}
      <div className="toolbar toolbar--actions">
        <button
          type="button"
          className="button button--primary"
          data-testid="approve"
          disabled={pending !== null}
          onClick={() => void approve(comment)}
        >
          {t('alerts.decision.approve', { revision: alert.revision })}
        </button>
        <button
          type="button"
          className="button"
          data-testid="reject"
          disabled={pending !== null}
          onClick={() => {
            setTriedReject(true);
            if (comment.trim()) void reject(comment);
          }}
        >
          {t('alerts.decision.reject')}
        </button>
      </div>
    </section>
  );
}

/** What can be done with the alert on screen, by this officer, in its status. */
export function AlertActions({ alert, canSubmit = true }: { alert: Alert; canSubmit?: boolean }) {
  const { t } = useTranslation();
  const officer = useAppStore((s) => s.officer);
  const canDraft = useAppStore((s) => hasRole(s, 'operator', 'approver'));
  const canApprove = useAppStore((s) => hasRole(s, 'approver'));
  const action = useAppStore((s) => s.alertAction);
  const submit = useAppStore((s) => s.submitAlert);
  const cancel = useAppStore((s) => s.cancelAlert);
  const followUp = useAppStore((s) => s.createFollowUp);
  const openCap = useAppStore((s) => s.openCap);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const own = !!officer && alert.createdBy?.id === officer.id;
  const busy = action.pending !== null;

  return (
    <div className="alert-actions">
      {alert.status === 'awaiting_approval' && canApprove && <Decision alert={alert} own={own} />}
      {action.error && <Refusal error={action.error} own={own} />}
      <div className="toolbar toolbar--actions">
        {alert.status === 'draft' && canDraft && (
          <button type="button" className="button button--primary" data-testid="submit" disabled={!canSubmit || busy} onClick={() => void submit()}>
            {alert.needsApproval ? t('alerts.actions.submit') : t('alerts.actions.submitNoApproval')}
          </button>
        )}
        {(alert.status === 'sent' || alert.status === 'sending') && canDraft && (
          <>
            <button type="button" className="button" data-testid="follow-update" disabled={busy} onClick={() => void followUp('update')}>
              {t('alerts.actions.update')}
            </button>
            <button type="button" className="button" data-testid="follow-close" disabled={busy} onClick={() => void followUp('close')}>
              {t('alerts.actions.close')}
            </button>
          </>
        )}
        {canDraft && <TestToPhone alert={alert} />}
        <button type="button" className="button" data-testid="export-cap" disabled={busy} onClick={() => void openCap()}>
          {t('alerts.actions.cap')}
        </button>
        {cancellableStatuses.includes(alert.status) && canDraft &&
          (confirmCancel ? (
            <>
              <button
                type="button"
                className="button button--danger"
                data-testid="cancel-confirm"
                disabled={busy}
                onClick={() => {
                  setConfirmCancel(false);
                  void cancel();
                }}
              >
                {t('alerts.actions.cancelConfirm')}
              </button>
              <button type="button" className="button" onClick={() => setConfirmCancel(false)}>
                {t('alerts.actions.cancelKeep')}
              </button>
            </>
          ) : (
            <button type="button" className="button" data-testid="cancel" disabled={busy} onClick={() => setConfirmCancel(true)}>
              {t('alerts.actions.cancel')}
            </button>
          ))}
      </div>
      {alert.needsApproval && alert.status === 'draft' && <p className="hint">{t('alerts.actions.needsApproval')}</p>}
    </div>
  );
}
