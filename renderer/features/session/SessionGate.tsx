import { useEffect } from 'react';
import type { ReactNode } from 'react';
import { useAppStore } from '../../store';
import { HostGoneScreen } from './HostGoneScreen';
import { SignInScreen } from './SignInScreen';
import './session.css';

/** Activity that keeps the console unlocked: the officer typing, clicking or scrolling. */
const activityEvents = ['keydown', 'pointerdown', 'wheel', 'input'] as const;

/**
 * Nothing of the console shows before an officer signs in. After a lock the screens stay
 * mounted but hidden and inert, so what the officer was doing (the composer's unsaved text,
 * the map's view) is there again after signing back in, and nothing is readable meanwhile.
 */
export function SessionGate({ children }: { children: ReactNode }) {
  const status = useAppStore((s) => s.sessionStatus);
  const everSignedIn = useAppStore((s) => s.everSignedIn);
  const watchSession = useAppStore((s) => s.watchSession);
  const idleLockMinutes = useAppStore((s) => s.idleLockMinutes);
  const lock = useAppStore((s) => s.lock);
  const hostRefused = useAppStore((s) => s.hostRefused);
  const signedIn = status === 'signedIn' && !hostRefused;

  useEffect(() => watchSession(), [watchSession]);

  // What runs only while an officer is signed in: live alert status, and saving what was typed
  // while locked or offline. Started again at each sign-in, so it catches up at once.
  const watchAlerts = useAppStore((s) => s.watchAlerts);
  useEffect(() => (signedIn ? watchAlerts() : undefined), [signedIn, watchAlerts]);

  // The host locks on its own clock, but only notices at the next call; locking here too means
  // an unattended console does not keep showing its screens until someone touches it.
  useEffect(() => {
    if (!signedIn || idleLockMinutes <= 0) return;
    const ms = idleLockMinutes * 60_000;
    let timer = setTimeout(() => void lock('idle'), ms);
    const active = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void lock('idle'), ms);
    };
    for (const e of activityEvents) document.addEventListener(e, active, { capture: true, passive: true });
    return () => {
      clearTimeout(timer);
      for (const e of activityEvents) document.removeEventListener(e, active, { capture: true });
    };
  }, [signedIn, idleLockMinutes, lock]);

  return (
    <>
      {hostRefused ? <HostGoneScreen reason={hostRefused} /> : !signedIn && <SignInScreen />}
      {everSignedIn && (
        <div className="session-content" hidden={!signedIn} inert={!signedIn} data-testid="session-content">
          {children}
        </div>
      )}
    </>
  );
}
