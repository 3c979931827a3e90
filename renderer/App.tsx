import { useEffect, useState } from 'react';
import type { ComponentType } from 'react';
import { I18nextProvider, useTranslation } from 'react-i18next';
import type { i18n as I18n } from 'i18next';
import { Screen } from './components/Screen';
import { AlertsScreen } from './features/alerts/AlertsScreen';
import { EvaluationScreen } from './features/evaluation/EvaluationScreen';
import { MapScreen } from './features/map/MapScreen';
import { MonitorScreen } from './features/monitor/MonitorScreen';
import { Navigation } from './features/navigation/Navigation';
import { OfficerBadge } from './features/session/OfficerBadge';
import { SessionGate } from './features/session/SessionGate';
import type { Screen as ScreenName } from './features/navigation/navigationSlice';
import { SettingsScreen } from './features/settings/SettingsScreen';
import { StatusBar } from './features/status/StatusBar';
import { SubscribersScreen } from './features/subscribers/SubscribersScreen';
import { SurveysScreen } from './features/surveys/SurveysScreen';
import { TipsScreen } from './features/tips/TipsScreen';
import { StoreContext, useAppStore } from './store';
import type { AppStore } from './store';

const screenComponents: Record<ScreenName, ComponentType> = {
  map: MapScreen,
  alerts: AlertsScreen,
  monitor: MonitorScreen,
  tips: TipsScreen,
  subscribers: SubscribersScreen,
  evaluation: EvaluationScreen,
  surveys: SurveysScreen,
  settings: SettingsScreen,
};

/** The whole console around a store and an i18n instance made by the caller (main.tsx, or a test). */
export function App({ store, i18n }: { store: AppStore; i18n: I18n }) {
  return (
    <StoreContext value={store}>
      <I18nextProvider i18n={i18n}>
        <SessionGate>
          <Frame />
        </SessionGate>
      </I18nextProvider>
    </StoreContext>
  );
}

function Frame() {
  const { t, i18n } = useTranslation();
  const screen = useAppStore((s) => s.screen);
  const navigate = useAppStore((s) => s.navigate);
  const watchStatus = useAppStore((s) => s.watchStatus);
  const language = useAppStore((s) => s.language);
  // Focus moves to the new screen's heading only after the officer navigated, not on first load.
  const [navigated, setNavigated] = useState(false);

  useEffect(() => watchStatus(), [watchStatus]);

  useEffect(() => {
    if (i18n.language !== language) void i18n.changeLanguage(language);
    document.documentElement.lang = language;
  }, [i18n, language]);

  // The window title names the screen too, for the task bar and for screen readers.
  useEffect(() => {
    document.title = `${t(`nav.${screen}`)} · ${t('app.name')}`;
  }, [t, screen]);

  const Body = screenComponents[screen];
  return (
    <div className="frame">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="frame__side">
        <div className="brand">
          <span className="brand__name">{t('app.name')}</span>
          <span className="brand__subtitle">{t('app.subtitle')}</span>
        </div>
        <OfficerBadge />
        <Navigation
          onNavigate={(next) => {
            setNavigated(true);
            navigate(next);
          }}
        />
      </header>
      <main id="main" className="frame__main" tabIndex={-1}>
        <Screen key={screen} id={screen} title={t(`nav.${screen}`)} focusOnMount={navigated}>
          <Body />
        </Screen>
      </main>
      <StatusBar />
    </div>
  );
}
