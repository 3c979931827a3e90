import { useTranslation } from 'react-i18next';

/**
 * What a page the host no longer takes shows instead of the sign-in form: a restarted console
 * has a new token, so this page can never reconnect, and a passphrase would be refused for a
 * reason that has nothing to do with it. The screens behind stay mounted (hidden), and the
 * tab's sessionStorage keeps unsaved text for the new address opened in this tab.
 */
export function HostGoneScreen({ reason }: { reason: 'stale' | 'unauthorized' }) {
  const { t } = useTranslation();
  return (
    <section className="signin" data-testid="host-gone" data-reason={reason} aria-labelledby="host-gone-title">
      <div className="signin__card panel" role="alert">
        <p className="signin__brand">
          {t('app.name')} · {t('app.subtitle')}
        </p>
        <h1 id="host-gone-title" className="signin__title">
          {t(`session.gone.${reason}.title`)}
        </h1>
        <p>{t(`session.gone.${reason}.body`)}</p>
        <p>{t(`session.gone.${reason}.how`)}</p>
      </div>
    </section>
  );
}
