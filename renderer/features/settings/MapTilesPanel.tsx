import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BridgeError } from '../../../shared/bridge/result';
import { ErrorNote } from '../../components/ErrorNote';
import { useAppStore } from '../../store';

/**
 * The map's tile server for an administrator: the address in use, and a test that fetches one
 * tile over Denmark from the host (the configured address, or another one such as an internal
 * tile server) before officers rely on it.
 */
export function MapTilesPanel() {
  const { t, i18n } = useTranslation();
  const isAdmin = useAppStore((s) => s.officer?.roles.includes('admin') ?? false);
  const current = useAppStore((s) => s.appStatus?.map.tileUrl ?? null);
  const testTiles = useAppStore((s) => s.testTiles);
  const [other, setOther] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<BridgeError | null>(null);
  if (!isAdmin) return null;
  return (
    <section className="panel" aria-labelledby="settings-tiles" data-testid="tiles">
      <h2 id="settings-tiles" className="panel__title">
        {t('screens.settings.tiles.title')}
      </h2>
      <p>
        {t('screens.settings.tiles.current')}: <code data-testid="tiles-current">{current ?? t('screens.settings.tiles.none')}</code>
      </p>
      <form
        className="gateway-add"
        onSubmit={(e) =>
          void (async () => {
            e.preventDefault();
            setError(null);
            setResult(t('screens.settings.tiles.testing'));
            const r = await testTiles(other.trim() || undefined);
            if (!r.ok) {
              setResult(null);
              return setError(r.error);
            }
            const bytes = r.value.bytes.toLocaleString(i18n.language === 'en' ? 'en-GB' : 'da-DK');
            setResult(r.value.ok ? t('screens.settings.tiles.ok', { ms: r.value.ms, bytes }) : t('screens.settings.tiles.failed', { problem: r.value.problem }));
          })()
        }
      >
        <label className="field">
          <span className="field__label">{t('screens.settings.tiles.other')}</span>
          <input
            data-testid="tiles-url"
            value={other}
            onChange={(e) => setOther(e.target.value)}
            placeholder="https://tiles.example/{z}/{x}/{y}.png"
            maxLength={500}
            spellCheck={false}
            autoComplete="off"
          />
        </label>
        <button type="submit" className="button" data-testid="tiles-test">
          {t('screens.settings.tiles.test')}
        </button>
      </form>
      {result && (
        <p role="status" data-testid="tiles-result">
          {result}
        </p>
      )}
      {error && <ErrorNote error={error} />}
      <p className="hint">{t('screens.settings.tiles.howToSet')}</p>
    </section>
  );
}
