import { useTranslation } from 'react-i18next';
import type { AlertStatus } from '../../../shared/alerts/schema';

/** An alert's status as a word (the colour only repeats it). */
export function StatusChip({ status }: { status: AlertStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`chip chip--${status}`} data-testid="status-chip" data-status={status}>
      {t(`alerts.status.${status}`)}
    </span>
  );
}
