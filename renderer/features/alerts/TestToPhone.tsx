import { useTranslation } from 'react-i18next';
import type { Alert } from '../../../shared/alerts/schema';
import { errorKey } from '../../i18n';
import { useAppStore } from '../../store';

const testable: readonly Alert['status'][] = ['draft', 'awaiting_approval', 'approved'];

/** "Send test to my phone" before approval, and what became of the last test. */
export function TestToPhone({ alert }: { alert: Alert }) {
  const { t } = useTranslation();
  const state = useAppStore((s) => s.testSms);
  const send = useAppStore((s) => s.sendTestSms);
  if (!testable.includes(alert.status)) return null;
  const mine = state.alertId === alert.id;
  const reason = (state.error?.details as { reason?: string } | undefined)?.reason;
  return (
    <div className="test-sms" data-testid="test-sms">
      <button type="button" className="button" data-testid="send-test" disabled={mine && state.pending} onClick={() => void send(alert.id)}>
        {mine && state.pending ? t('alerts.testSms.sending') : t('alerts.testSms.button')}
      </button>
      {mine && state.result && (
        <p className={state.result.accepted ? 'hint' : 'error-note'} role="status" data-testid="test-sms-result" data-accepted={state.result.accepted}>
          {state.result.accepted
            ? t('alerts.testSms.sent', { to: state.result.to, gateway: state.result.gateway })
            : t('alerts.testSms.refused', { gateway: state.result.gateway, code: state.result.code ?? '' })}
        </p>
      )}
      {mine && state.error && (
        <p className="error-note" role="alert" data-testid="test-sms-error" title={state.error.message}>
          {reason === 'no_phone' || reason === 'too_soon' || reason === 'gateway_offline' ? t(`alerts.testSms.${reason}`) : t(errorKey(state.error))}
        </p>
      )}
    </div>
  );
}
