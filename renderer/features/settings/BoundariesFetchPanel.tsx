import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ResponseOf } from '../../../shared/bridge/contract';
import type { BridgeError } from '../../../shared/bridge/result';
import { ErrorNote } from '../../components/ErrorNote';
import { useAppStore } from '../../store';

/** The host's reason a fetch failed (a network, size or format problem), shown as text. */
const reasonOf = (error: BridgeError): string | null => {
  const reason = (error.details as { reason?: unknown } | undefined)?.reason;
  return typeof reason === 'string' ? reason : null;
};

/**
 * For an administrator: fetch the current police districts, municipalities and postcodes from
 * Dataforsyningen (when the console is online), imported like `tryk boundaries import` and
 * audited. On any failure the host changes nothing and says why.
 */
export function BoundariesFetchPanel() {
  const { t, i18n } = useTranslation();
  const isAdmin = useAppStore((s) => s.officer?.roles.includes('admin') ?? false);
  const fetchBoundaries = useAppStore((s) => s.fetchBoundaries);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<ResponseOf<'boundaries.fetch'> | null>(null);
  const [error, setError] = useState<BridgeError | null>(null);
  if (!isAdmin) return null;
  const n = (x: number | undefined) => (x ?? 0).toLocaleString(i18n.language === 'en' ? 'en-GB' : 'da-DK');
  return (
    <section className="panel" aria-labelledby="settings-boundaries" data-testid="boundaries-fetch">
      <h2 id="settings-boundaries" className="panel__title">
        {t('screens.settings.boundaries.title')}
      </h2>
      <p className="hint">{t('screens.settings.boundaries.explain')}</p>
      <button
        type="button"
        className="button"
        data-testid="boundaries-fetch-button"
        disabled={busy}
        onClick={() => void (async () => {
          setBusy(true);
          setDone(null);
          setError(null);
          const r = await fetchBoundaries();
          setBusy(false);
          if (r.ok) setDone(r.value);
          else setError(r.error);
        })()}
      >
        {t('screens.settings.boundaries.fetch')}
      </button>
      {busy && <p role="status">{t('screens.settings.boundaries.fetching')}</p>}
      {done && (
        <p role="status" data-testid="boundaries-fetch-result">
          {t('screens.settings.boundaries.done', {
            districts: n(done.byKind.district),
            municipalities: n(done.byKind.municipality),
            postcodes: n(done.byKind.postcode),
            source: done.source,
          })}
        </p>
      )}
      {error && (reasonOf(error) ? (
        <p className="error-note" role="alert" data-testid="boundaries-fetch-error">
          {t('screens.settings.boundaries.failed', { reason: reasonOf(error) })}
        </p>
      ) : (
        <ErrorNote error={error} />
      ))}
      <p className="hint">{t('screens.settings.boundaries.howToSet')}</p>
    </section>
  );
}
