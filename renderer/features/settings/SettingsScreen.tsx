import { useTranslation } from 'react-i18next';
import { languages } from '../../i18n/types';
import { useAppStore } from '../../store';
import { GatewaysPanel } from './GatewaysPanel';
import { MapTilesPanel } from './MapTilesPanel';
import { InboxSettingsPanel } from './InboxSettingsPanel';
import { SocialChannelsPanel } from '../social/SocialChannelsPanel';

export function SettingsScreen() {
  const { t } = useTranslation();
  const language = useAppStore((s) => s.language);
  const setLanguage = useAppStore((s) => s.setLanguage);
  const status = useAppStore((s) => s.appStatus);
  return (
    <div className="settings">
      <fieldset className="panel">
        <legend className="panel__title">{t('screens.settings.languageLegend')}</legend>
        {languages.map((lang) => (
          <label key={lang} className="choice">
            <input
              type="radio"
              name="language"
              value={lang}
              checked={language === lang}
              onChange={() => setLanguage(lang)}
              data-testid={`language-${lang}`}
            />
            {/* Each language's name in its own language, so an officer can find theirs in either. */}
            <span lang={lang}>{t(`language.${lang}`)}</span>
          </label>
        ))}
        <p className="hint">{t('screens.settings.languageHint')}</p>
      </fieldset>

      <section className="panel" aria-labelledby="settings-about">
        <h2 id="settings-about" className="panel__title">
          {t('screens.settings.about')}
        </h2>
        <dl className="facts">
          <dt>{t('screens.settings.version')}</dt>
          <dd>{status?.version ?? t('screens.settings.unknown')}</dd>
          <dt>{t('screens.settings.host')}</dt>
          <dd>
            {status
              ? t(status.host === 'electron' ? 'screens.settings.hostElectron' : 'screens.settings.hostHeadless')
              : t('screens.settings.unknown')}
          </dd>
        </dl>
      </section>

      <GatewaysPanel />
      <MapTilesPanel />
      <InboxSettingsPanel />
      <SocialChannelsPanel />
    </div>
  );
}
