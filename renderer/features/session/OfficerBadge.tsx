import { useTranslation } from 'react-i18next';
import { useAppStore } from '../../store';

/** Who is signed in, with their roles, and the Lås button that locks the console at once. */
export function OfficerBadge() {
  const { t } = useTranslation();
  const officer = useAppStore((s) => s.officer);
  const lock = useAppStore((s) => s.lock);
  if (!officer) return null;
  return (
    <div className="officer" data-testid="officer">
      <span className="officer__label">{t('session.signedInAs')}</span>
      <span className="officer__name" data-testid="officer-name">
        {officer.displayName}
      </span>
      <span className="officer__roles">{officer.roles.map((r) => t(`session.roles.${r}`)).join(', ')}</span>
      <button
        type="button"
        className="button button--small officer__lock"
        data-testid="lock"
        title={t('session.lockHint')}
        onClick={() => void lock('manual')}
      >
        {t('session.lock')}
      </button>
    </div>
  );
}
