import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SendStatus } from '../../../shared/dispatch/schema';
import type { ErrorCode } from '../../../shared/bridge/result';
import { errorKey } from '../../i18n';
import { useAppStore } from '../../store';
import { hasRole } from '../session/sessionSlice';
import { allowedActions, selectControl } from './monitorSlice';

/** The codes the monitor explains in its own words; any other refusal gets the console's general text. */
/** Codes the monitor says in its own words (monitor.actions.*). */
const ownError = (code: ErrorCode): code is 'conflict' | 'forbidden' => code === 'conflict' || code === 'forbidden';

/**
 * Pause, resume, cancel and resend to the failed; cancel only after the officer confirms, since
 * it cannot be undone. A send the engine paused because its gateway refuses everything says
 * so here, in the gateway's own words (shown as text), and what to do.
 */
export function SendControls({ status }: { status: SendStatus }) {
  const { t } = useTranslation();
  const { sendId } = status;
  const control = useAppStore(selectControl(sendId));
  const pause = useAppStore((s) => s.pauseSend);
  const resume = useAppStore((s) => s.resumeSend);
  const cancel = useAppStore((s) => s.cancelSend);
  const resend = useAppStore((s) => s.resendFailed);
  const dismiss = useAppStore((s) => s.dismissSendError);
  // The host decides (pausing, resuming, stopping and resending are the shift leader's), and the
  // console offers only what the officer's role may do, saying who can.
  const canSteer = useAppStore((s) => hasRole(s, 'approver'));
  const [confirming, setConfirming] = useState(false);
  const cancelButton = useRef<HTMLButtonElement>(null);
  const keepButton = useRef<HTMLButtonElement>(null);
  const allowed = allowedActions(status.state, status.counts.failed);
  const busy = control.pending !== null;

  // The question takes focus (on the safe answer), and closes by itself if the send ends meanwhile.
  useEffect(() => {
    if (confirming) keepButton.current?.focus();
  }, [confirming]);
  useEffect(() => {
    if (!allowed.cancel) setConfirming(false);
  }, [allowed.cancel]);

  const closeConfirm = () => {
    setConfirming(false);
    cancelButton.current?.focus();
  };
  const waiting = status.recipients - status.finished;
  const failed = control.failed;

  if (!canSteer) {
    return (
      <p className="hint" data-testid="send-controls-role">
        {t('monitor.actions.roleNone')}
      </p>
    );
  }

  return (
    <div className="send-controls" role="group" aria-label={t('monitor.actions.label')}>
      {status.attention && (
        <div className="error-note send-controls__attention" role="alert" data-testid="send-attention" data-code={status.attention.code}>
          <p className="send-confirm__title">{t('monitor.attention.title', { gateway: status.attention.gateway })}</p>
          <p>
            {t('monitor.attention.said')} <q data-testid="send-attention-words">{status.attention.reason}</q>
          </p>
          <p>{t('monitor.attention.advice')}</p>
        </div>
      )}
      <div className="send-controls__buttons">
        <button
          type="button"
          className="button"
          data-testid="send-pause"
          disabled={!allowed.pause || busy}
          onClick={() => void pause(sendId)}
        >
          {control.pending === 'pause' ? t('monitor.actions.working.pause') : t('monitor.actions.pause')}
        </button>
        <button
          type="button"
          className="button"
          data-testid="send-resume"
          disabled={!allowed.resume || busy}
          onClick={() => void resume(sendId)}
        >
          {control.pending === 'resume' ? t('monitor.actions.working.resume') : t('monitor.actions.resume')}
        </button>
        <button
          type="button"
          className="button monitor-danger"
          data-testid="send-cancel"
          ref={cancelButton}
          disabled={!allowed.cancel || busy || confirming}
          aria-expanded={confirming}
          onClick={() => setConfirming(true)}
        >
          {control.pending === 'cancel' ? t('monitor.actions.working.cancel') : t('monitor.actions.cancel')}
        </button>
        {allowed.resend && (
          <button type="button" className="button" data-testid="send-resend" disabled={busy} onClick={() => void resend(sendId)}>
            {control.pending === 'resend' ? t('monitor.actions.working.resend') : t('monitor.actions.resend', { count: status.counts.failed })}
          </button>
        )}
      </div>
      {confirming && (
        <div
          className="send-confirm"
          role="alertdialog"
          aria-labelledby={`send-confirm-${sendId}-title`}
          aria-describedby={`send-confirm-${sendId}-text`}
          data-testid="send-cancel-confirm"
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation();
              closeConfirm();
            }
          }}
        >
          <p id={`send-confirm-${sendId}-title`} className="send-confirm__title">
            {t('monitor.actions.confirmTitle')}
          </p>
          <p id={`send-confirm-${sendId}-text`}>{t('monitor.actions.confirmText', { count: Math.max(0, waiting) })}</p>
          <div className="send-controls__buttons">
            <button
              type="button"
              className="button monitor-danger"
              data-testid="send-cancel-yes"
              onClick={() => {
                setConfirming(false);
                void cancel(sendId).then(() => cancelButton.current?.focus());
              }}
            >
              {t('monitor.actions.confirm')}
            </button>
            <button type="button" className="button" data-testid="send-cancel-no" ref={keepButton} onClick={closeConfirm}>
              {t('monitor.actions.keep')}
            </button>
          </div>
        </div>
      )}
      {failed && (
        <div className="error-note send-controls__error" role="alert" data-testid="send-action-error" data-code={failed.error.code} title={failed.error.message}>
          <span>
            {t(`monitor.actions.failed.${failed.action}`)}{' '}
            {ownError(failed.error.code) ? t(`monitor.actions.${failed.error.code}`) : t(errorKey(failed.error))}
          </span>
          <button type="button" className="link-button" onClick={() => dismiss(sendId)}>
            {t('monitor.actions.dismiss')}
          </button>
        </div>
      )}
    </div>
  );
}
