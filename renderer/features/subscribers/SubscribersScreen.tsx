import './subscribers.css';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../../store';
import { CountsPanel } from './CountsPanel';
import { ImportPanel } from './ImportPanel';
import { PersonPanel } from './PersonPanel';

/** Abonnenter: the registry's counts for everyone; import and a person's own data for admins. */
export function SubscribersScreen() {
  const { t } = useTranslation();
  const watchSubscribers = useAppStore((s) => s.watchSubscribers);
  const signedIn = useAppStore((s) => s.sessionStatus === 'signedIn');
  const isAdmin = useAppStore((s) => s.officer?.roles.includes('admin') ?? false);
  const officerId = useAppStore((s) => s.officer?.id ?? null);
  const forgetOthers = useAppStore((s) => s.forgetOthersSubscriberWork);

  // A person's data looked up by one admin is not shown to whoever signs in next at this console.
  useEffect(() => {
    if (officerId !== null) forgetOthers(officerId);
  }, [officerId, forgetOthers]);

  // Only while signed in: after a lock the host refuses calls, and signing in again brings the counts up to date.
  useEffect(() => (signedIn ? watchSubscribers() : undefined), [signedIn, watchSubscribers]);

  return (
    <div className="subscribers" data-testid="subscribers">
      <CountsPanel />
      {isAdmin ? (
        <>
          <ImportPanel />
          <PersonPanel />
        </>
      ) : (
        <p className="panel subscribers__admin-only" data-testid="subscribers-admin-only">
          {t('subscribers.adminOnly')}
        </p>
      )}
    </div>
  );
}
