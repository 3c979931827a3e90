import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../components/ErrorNote';
import { useAppStore } from '../../store';

/** The sign-in form; also what a locked console shows, with why it locked. */
export function SignInScreen() {
  const { t } = useTranslation();
  const status = useAppStore((s) => s.sessionStatus);
  const officersExist = useAppStore((s) => s.officersExist);
  const lockReason = useAppStore((s) => s.lockReason);
  const pending = useAppStore((s) => s.signInPending);
  const error = useAppStore((s) => s.signInError);
  const sessionError = useAppStore((s) => s.sessionError);
  const signIn = useAppStore((s) => s.signIn);
  const loadSession = useAppStore((s) => s.loadSession);
  const [username, setUsername] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const first = useRef<HTMLInputElement>(null);

  // The form appears once the host has answered; the cursor waits in it.
  const ready = status !== 'loading';
  useEffect(() => {
    if (ready) first.current?.focus();
  }, [ready]);

  // A wrong passphrase clears the passphrase (never kept longer than needed) and puts the cursor back.
  useEffect(() => {
    if (error) setPassphrase('');
  }, [error]);

  if (status === 'loading') {
    return (
      <section className="signin" data-testid="signin" aria-busy="true">
        <p>{t('session.loading')}</p>
      </section>
    );
  }

  return (
    <section className="signin" data-testid="signin" aria-labelledby="signin-title">
      <div className="signin__card panel">
        <p className="signin__brand">
          {t('app.name')} · {t('app.subtitle')}
        </p>
        <h1 id="signin-title" className="signin__title">
          {t('session.title')}
        </h1>
        {lockReason && (
          <p className="signin__lock" role="status" data-testid="lock-reason" data-reason={lockReason}>
            {t(`session.locked.${lockReason}`)}
          </p>
        )}
        {status === 'failed' && sessionError && (
          <ErrorNote error={sessionError}>
            {' '}
            <button type="button" className="link-button" onClick={() => void loadSession()}>
              {t('session.retry')}
            </button>
          </ErrorNote>
        )}
        {!officersExist && (
          <div className="signin__none" data-testid="no-officers">
            <p>{t('session.noOfficers')}</p>
            <pre className="signin__command">{t('session.noOfficersCommand')}</pre>
            <p className="hint">{t('session.noOfficersHint')}</p>
          </div>
        )}
        <form
          className="signin__form"
          onSubmit={(e) => {
            e.preventDefault();
            if (!username.trim() || !passphrase) return;
            void signIn(username.trim(), passphrase);
          }}
        >
          <label className="field">
            <span className="field__label">{t('session.username')}</span>
            <input
              ref={first}
              data-testid="signin-username"
              autoComplete="username"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              maxLength={40}
              required
            />
          </label>
          <label className="field">
            <span className="field__label">{t('session.passphrase')}</span>
            <input
              data-testid="signin-passphrase"
              type="password"
              autoComplete="current-password"
              value={passphrase}
              onChange={(e) => setPassphrase(e.target.value)}
              required
            />
          </label>
          {error && (
            <p className="error-note" role="alert" data-testid="signin-error" title={error.message}>
              {error.code === 'unauthorized' ? t('session.wrong') : t(`errors.${error.code}`)}
            </p>
          )}
          <button type="submit" className="button button--primary" data-testid="signin-submit" disabled={pending}>
            {pending ? t('session.signingIn') : t('session.signIn')}
          </button>
        </form>
      </div>
    </section>
  );
}
