import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../../store';
import { screens } from './navigationSlice';
import type { Screen } from './navigationSlice';

/** The main menu: a list of buttons in a fixed order, the current screen marked for assistive tech too. */
export function Navigation({ onNavigate }: { onNavigate: (screen: Screen) => void }) {
  const { t } = useTranslation();
  const current = useAppStore((s) => s.screen);
  // --- tips --- the badge counts new tips on every screen.
  const newTips = useAppStore((s) => s.tipsNew);
  const signedIn = useAppStore((s) => s.sessionStatus === 'signedIn');
  const watchTipCounts = useAppStore((s) => s.watchTipCounts);
  useEffect(() => (signedIn ? watchTipCounts() : undefined), [signedIn, watchTipCounts]);
  return (
    <nav className="nav" aria-label={t('nav.label')}>
      <ul className="nav__list">
        {screens.map((screen) => (
          <li key={screen}>
            <button
              type="button"
              className="nav__item"
              data-testid={`nav-${screen}`}
              aria-current={screen === current ? 'page' : undefined}
              onClick={() => onNavigate(screen)}
            >
              <span className={`nav__icon nav__icon--${screen}`} aria-hidden="true" />
              {t(`nav.${screen}`)}
              {screen === 'tips' && newTips > 0 ? (
                <span className="nav__badge" data-testid="tips-badge" aria-label={t('tips.badge', { count: newTips })}>
                  {newTips > 999 ? '999+' : newTips}
                </span>
              ) : null}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
