import { useTranslation } from 'react-i18next';
import type { Alert } from '../../../shared/alerts/schema';
import type { TranslationKey } from '../../i18n';
import { useAppStore } from '../../store';
import { dateTime } from './format';
import { StatusChip } from './StatusChip';
import { isExercise } from '../../../shared/alerts/exercise';
import { ExerciseChip } from './ExerciseBanner';

/** The first words of the SMS: what an officer recognises an alert by. */
const headline = (a: Alert) => a.smsText.split('\n')[0]!.slice(0, 90);

/** Alerts as a list of buttons, newest first, each with its status in words. */
export function AlertList({ alerts, emptyKey, testid }: { alerts: Alert[]; emptyKey: TranslationKey; testid: string }) {
  const { t, i18n } = useTranslation();
  const selectedId = useAppStore((s) => s.selected?.id ?? null);
  const select = useAppStore((s) => s.selectAlert);
  if (alerts.length === 0) return <p className="hint" data-testid={`${testid}-empty`}>{t(emptyKey)}</p>;
  return (
    <ul className="alert-list" data-testid={testid}>
      {alerts.map((a) => (
        <li key={a.id}>
          <button
            type="button"
            className="alert-list__item"
            data-testid={`alert-item-${a.id}`}
            data-status={a.status}
            aria-current={a.id === selectedId ? 'true' : undefined}
            onClick={() => void select(a.id)}
          >
            <span className="alert-list__top">
              <StatusChip status={a.status} />
              {isExercise(a) && <ExerciseChip />}
              <span className="alert-list__category">
                {t(`target.categories.${a.category}`)}
                {a.kind !== 'alert' ? ` · ${t(`alerts.kinds.${a.kind}`)}` : ''}
              </span>
            </span>
            <span className="alert-list__text">{headline(a) || t('alerts.list.noText')}</span>
            <span className="alert-list__meta hint">
              {a.createdBy?.displayName ?? ''} · {dateTime(a.updatedAt, i18n.language)}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
