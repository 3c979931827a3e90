/**
 * Facebook and X in the settings: every officer sees the channels and their state (tokens are
 * never sent to the renderer); an administrator adds one, gives one a new token, or tests it.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BridgeError } from '../../../shared/bridge/result';
import { ErrorNote } from '../../components/ErrorNote';
import { useAppStore } from '../../store';

export function SocialChannelsPanel() {
  const { t } = useTranslation();
  const rows = useAppStore((s) => s.socialChannels);
  const load = useAppStore((s) => s.loadSocialChannels);
  const calls = useAppStore((s) => s.socialCalls);
  const isAdmin = useAppStore((s) => s.officer?.roles.includes('admin') ?? false);
  const [error, setError] = useState<BridgeError | null>(null);
  const [note, setNote] = useState<Record<string, string>>({});
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [replace, setReplace] = useState(false);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  useEffect(() => void load(), [load]);

  return (
    <section className="panel" aria-labelledby="settings-social" data-testid="social-channels">
      <h2 id="settings-social" className="panel__title">
        {t('social.settings.title')}
      </h2>
      {rows.length === 0 ? (
        <p className="hint">{t('social.settings.empty')}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>{t('social.settings.name')}</th>
              <th>{t('social.settings.kind')}</th>
              <th>{t('social.settings.account')}</th>
              <th>{t('social.settings.api')}</th>
              <th>{t('social.settings.state')}</th>
              {isAdmin && <th />}
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr key={c.name} data-testid={`social-${c.name}`} data-state={c.state}>
                <td>{c.name}</td>
                <td>{c.kind === 'facebook' ? 'Facebook' : 'X'}</td>
                <td>{c.account}</td>
                <td>
                  <code>{c.simulator ? t('social.settings.simulator') : c.api}</code>
                </td>
                <td>{t(`social.settings.${c.state}`)}</td>
                {isAdmin && (
                  <td>
                    <button
                      type="button"
                      className="button"
                      data-testid={`social-test-${c.name}`}
                      onClick={() =>
                        void (async () => {
                          const r = await calls.test(c.name);
                          setNote((x) => ({ ...x, [c.name]: r.ok ? t('social.settings.tested', { name: c.name, account: r.value.account, ms: r.value.ms }) : r.error.message }));
                          void load();
                        })()
                      }
                    >
                      {t('social.settings.test')}
                    </button>
                    {note[c.name] && (
                      <span className="hint" role="status" data-testid={`social-test-result-${c.name}`}>
                        {' '}
                        {note[c.name]}
                      </span>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {error && <ErrorNote error={error} />}
      {saved && (
        <p className="hint" role="status">
          {t('social.settings.added', { name: saved })}
        </p>
      )}
      {isAdmin && (
        <form
          className="form"
          onSubmit={(e) =>
            void (async () => {
              e.preventDefault();
              setBusy(true);
              setError(null);
              setSaved(null);
              const r = await calls.add({ name, url, replace });
              setBusy(false);
              if (!r.ok) return setError(r.error);
              setSaved(r.value.name);
              setName('');
              setUrl(''); // the token leaves the screen as soon as it is stored
              setReplace(false);
              void load();
            })()
          }
        >
          <label className="field">
            <span className="field__label">{t('social.settings.name')}</span>
            <input data-testid="social-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={40} />
          </label>
          <label className="field">
            <span className="field__label">{t('social.settings.url')}</span>
            <input
              data-testid="social-url"
              type="password"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              required
              maxLength={4000}
              placeholder="facebook://PAGE_ID?token=…"
              autoComplete="off"
              spellCheck={false}
            />
          </label>
          <label className="choice">
            <input type="checkbox" checked={replace} onChange={(e) => setReplace(e.target.checked)} />
            {t('social.settings.replace')}
          </label>
          <button type="submit" className="button button--primary" data-testid="social-add" disabled={busy}>
            {t('social.settings.add')}
          </button>
        </form>
      )}
    </section>
  );
}
