import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BridgeError } from '../../../shared/bridge/result';
import { ErrorNote } from '../../components/ErrorNote';
import { useAppStore } from '../../store';

/**
 * Why a typed tile address cannot be used, before it goes to the host (which checks it again):
 * an http(s) URL with {z}, {x} and {y} in it. Null when it is fine.
 */
export function tileAddressProblem(address: string): 'scheme' | 'placeholders' | 'url' | null {
  if (!/^https?:\/\//i.test(address)) return 'scheme';
  if (!address.includes('{z}') || !address.includes('{x}') || !address.includes('{y}')) return 'placeholders';
  try {
    new URL(address.replaceAll(/\{[a-z]\}/g, 'a'));
  } catch {
    return 'url';
  }
  return null;
}

/**
 * The map's tile server for an administrator: the address in use, a field to set another one
 * (an internal tile server; saved audited, used by the map from the next start, since the
 * console's security policy names its tile host at start), turning tiles off, and a test that
 * fetches one tile over Denmark from the host before officers rely on it.
 */
export function MapTilesPanel() {
  const { t, i18n } = useTranslation();
  const isAdmin = useAppStore((s) => s.officer?.roles.includes('admin') ?? false);
  const inUse = useAppStore((s) => s.appStatus?.map.tileUrl ?? null);
  const testTiles = useAppStore((s) => s.testTiles);
  const setTileUrl = useAppStore((s) => s.setTileUrl);
  const [saved, setSaved] = useState<{ url: string | null } | null>(null);
  const [other, setOther] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<BridgeError | null>(null);
  const [busy, setBusy] = useState(false);
  if (!isAdmin) return null;
  const current = saved ? saved.url : inUse;
  const checked = (): string | null => {
    const address = other.trim();
    const p = tileAddressProblem(address);
    setProblem(p ? t(`screens.settings.tiles.invalid.${p}`) : null);
    return p ? null : address;
  };
  const save = async (url: string | null) => {
    setError(null);
    setResult(null);
    setBusy(true);
    const r = await setTileUrl(url);
    setBusy(false);
    if (!r.ok) return setError(r.error);
    setSaved({ url: r.value.tileUrl });
    setResult(r.value.tileUrl ? t('screens.settings.tiles.saved') : t('screens.settings.tiles.savedOff'));
  };
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
            setProblem(null);
            let address: string | undefined;
            if (other.trim()) {
              const ok = checked();
              if (!ok) return;
              address = ok;
            }
            setResult(t('screens.settings.tiles.testing'));
            const r = await testTiles(address);
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
            onChange={(e) => {
              setOther(e.target.value);
              setProblem(null);
            }}
            placeholder="https://tiles.example/{z}/{x}/{y}.png"
            maxLength={500}
            spellCheck={false}
            autoComplete="off"
            aria-invalid={problem ? true : undefined}
          />
        </label>
        <button type="submit" className="button" data-testid="tiles-test">
          {t('screens.settings.tiles.test')}
        </button>
        <button
          type="button"
          className="button"
          data-testid="tiles-save"
          disabled={busy}
          onClick={() => {
            const address = checked();
            if (address) void save(address);
          }}
        >
          {t('screens.settings.tiles.save')}
        </button>
        <button type="button" className="button button--secondary" data-testid="tiles-off" disabled={busy || current === null} onClick={() => void save(null)}>
          {t('screens.settings.tiles.off')}
        </button>
      </form>
      {problem && (
        <p className="error-note" role="alert" data-testid="tiles-problem">
          {problem}
        </p>
      )}
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
