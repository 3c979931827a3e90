import { useTranslation } from 'react-i18next';
import { useAppStore } from '../../store';

/** "Tips (N)" for one alert, on the alert and monitor screens: opens the inbox filtered to it. */
export function TipsOfAlert({ alertId }: { alertId: number }) {
  const { t } = useTranslation();
  const counts = useAppStore((s) => s.tipsByAlert.find((b) => b.alertId === alertId));
  const showTipsOf = useAppStore((s) => s.showTipsOf);
  return (
    <button type="button" className="tips-of-alert" data-testid={`tips-of-alert-${alertId}`} onClick={() => showTipsOf(alertId)}>
      {t('tips.ofAlert', { count: counts?.total ?? 0 })}
      {counts && counts.new > 0 ? ` · ${t('tips.newOfAlert', { count: counts.new })}` : ''}
    </button>
  );
}
