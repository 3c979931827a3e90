import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BridgeError } from '../../../shared/bridge/result';
import { ErrorNote } from '../../components/ErrorNote';
import { useAppStore } from '../../store';

interface GatewayRow {
  name: string;
  kind: string;
  url: string;
  primary: boolean;
  enabled: boolean;
  state: string;
}

/**
 * The configured SMS gateways: every officer sees them (passwords replaced by the host);
 * an administrator adds one or tests its connection. Small enough to keep its state here.
 */
export function GatewaysPanel() {
  const { t } = useTranslation();
  const calls = useAppStore((s) => s.gatewayCalls);
  const isAdmin = useAppStore((s) => s.officer?.roles.includes('admin') ?? false);
  const [rows, setRows] = useState<GatewayRow[]>([]);
  const [error, setError] = useState<BridgeError | null>(null);
  const [tested, setTested] = useState<Record<string, string>>({});
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [primary, setPrimary] = useState(false);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  /** The gateway being edited and its URL as typed (starting from the redacted one). */
  const [editing, setEditing] = useState<{ name: string; url: string } | null>(null);

  const update = async (name: string, url: string) => {
    setError(null);
    setNotice(null);
    setBusy(true);
    const r = await calls.update({ name, url });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    setEditing(null);
    setNotice(
      r.value.changed.length > 0
        ? t('screens.settings.gateways.updated', { name, changed: r.value.changed.join(', ') })
        : t('screens.settings.gateways.unchanged', { name }),
    );
    void load();
  };

  const remove = async (name: string) => {
    setError(null);
    setNotice(null);
    const r = await calls.remove(name);
    setConfirming(null);
    if (!r.ok && r.error.code === 'conflict') return setNotice(t('screens.settings.gateways.removeInUse', { name }));
    if (!r.ok) return setError(r.error);
    const sentence = r.value.primary
      ? t('screens.settings.gateways.removedPrimary', { name, primary: r.value.primary })
      : t('screens.settings.gateways.removed', { name });
    setNotice(`${sentence} ${t('screens.settings.gateways.removedRestart')}`);
    void load();
  };

  const load = useCallback(async () => {
    const r = await calls.list();
    if (r.ok) setRows(r.value);
    else setError(r.error);
  }, [calls]);
  useEffect(() => void load(), [load]);

  return (
    <section className="panel" aria-labelledby="settings-gateways" data-testid="gateways">
      <h2 id="settings-gateways" className="panel__title">
        {t('screens.settings.gateways.title')}
      </h2>
      <div className="table-scroll">
      <table className="table gateways__table">
        <thead>
          <tr>
            <th>{t('screens.settings.gateways.name')}</th>
            <th>{t('screens.settings.gateways.kind')}</th>
            <th>{t('screens.settings.gateways.state')}</th>
            <th>{t('screens.settings.gateways.address')}</th>
            {isAdmin && <th />}
          </tr>
        </thead>
        <tbody>
          {rows.map((g) => (
            <tr key={g.name} data-testid={`gateway-${g.name}`}>
              <td>
                {g.name}
                {g.primary ? ` (${t('screens.settings.gateways.primary')})` : ''}
              </td>
              <td>{g.kind}</td>
              <td>{t(`gatewayState.${g.state}`, { defaultValue: g.state })}</td>
              <td className="gateways__url">
                {editing?.name === g.name ? (
                  <form
                    className="gateway-edit"
                    onSubmit={(e) => {
                      e.preventDefault();
                      void update(g.name, editing.url);
                    }}
                  >
                    <input
                      data-testid={`gateway-edit-url-${g.name}`}
                      aria-label={t('screens.settings.gateways.address')}
                      value={editing.url}
                      onChange={(e) => setEditing({ name: g.name, url: e.target.value })}
                      required
                      maxLength={2000}
                      autoComplete="off"
                      spellCheck={false}
                    />
                    <button type="submit" className="button button--primary" data-testid={`gateway-save-${g.name}`} disabled={busy}>
                      {t('screens.settings.gateways.save')}
                    </button>
                    <button type="button" className="button" onClick={() => setEditing(null)}>
                      {t('screens.settings.gateways.cancelEdit')}
                    </button>
                    <p className="hint">{t('screens.settings.gateways.editHint')}</p>
                  </form>
                ) : (
                  <code>{g.url}</code>
                )}
              </td>
              {isAdmin && (
                <td className="gateways__actions">
                  <button
                    type="button"
                    className="button"
                    data-testid={`gateway-test-${g.name}`}
                    onClick={() =>
                      void (async () => {
                        setTested((x) => ({ ...x, [g.name]: t('screens.settings.gateways.testing') }));
                        const r = await calls.test(g.name);
                        setTested((x) => ({
                          ...x,
                          [g.name]: r.ok ? t('screens.settings.gateways.testOk', { ms: r.value.ms }) : t('screens.settings.gateways.testFailed', { reason: r.error.message }),
                        }));
                      })()
                    }
                  >
                    {t('screens.settings.gateways.test')}
                  </button>
                  <button type="button" className="button" data-testid={`gateway-edit-${g.name}`} onClick={() => setEditing({ name: g.name, url: g.url })}>
                    {t('screens.settings.gateways.edit')}
                  </button>
                  {confirming === g.name ? (
                    <span className="gateways__confirm" role="group" aria-label={t('screens.settings.gateways.removeConfirm', { name: g.name })}>
                      <span>{t('screens.settings.gateways.removeConfirm', { name: g.name })}</span>
                      <button type="button" className="button button--danger" data-testid={`gateway-remove-yes-${g.name}`} onClick={() => void remove(g.name)}>
                        {t('screens.settings.gateways.removeYes')}
                      </button>
                      <button type="button" className="button" onClick={() => setConfirming(null)}>
                        {t('screens.settings.gateways.removeNo')}
                      </button>
                    </span>
                  ) : (
                    <button type="button" className="button" data-testid={`gateway-remove-${g.name}`} onClick={() => setConfirming(g.name)}>
                      {t('screens.settings.gateways.remove')}
                    </button>
                  )}
                  <span data-testid={`gateway-tested-${g.name}`}>{tested[g.name] ?? ''}</span>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      </div>
      {notice && (
        <p role="status" data-testid="gateway-notice">
          {notice}
        </p>
      )}
      {error && <ErrorNote error={error} />}
      {isAdmin ? (
        <form
          className="gateway-add"
          onSubmit={(e) =>
            void (async () => {
              e.preventDefault();
              setBusy(true);
              setError(null);
              const r = await calls.add({ name, url, primary });
              setBusy(false);
              if (!r.ok) return setError(r.error);
              setName('');
              setUrl('');
              setPrimary(false);
              void load();
            })()
          }
        >
          <label className="field">
            <span className="field__label">{t('screens.settings.gateways.name')}</span>
            <input data-testid="gateway-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={40} />
          </label>
          <label className="field">
            <span className="field__label">{t('screens.settings.gateways.address')}</span>
            <input
              data-testid="gateway-url"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              required
              placeholder="smpp://system_id:password@host:2775?tps=50"
              autoComplete="off"
              spellCheck={false}
            />
          </label>
          <label className="choice">
            <input type="checkbox" checked={primary} onChange={(e) => setPrimary(e.target.checked)} />
            {t('screens.settings.gateways.makePrimary')}
          </label>
          <button type="submit" className="button button--primary" data-testid="gateway-add" disabled={busy}>
            {t('screens.settings.gateways.add')}
          </button>
          <p className="hint">{t('screens.settings.gateways.addHint')}</p>
        </form>
      ) : (
        <p className="hint">{t('screens.settings.gateways.adminOnly')}</p>
      )}
    </section>
  );
}
