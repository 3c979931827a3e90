/**
 * Who is signed in at this console. The host keeps the session (per window or connection) and
 * may end it by itself after a quiet spell; the console then shows the sign-in screen again
 * while every slice keeps what the officer was working on.
 */
import type { Officer } from '../../../shared/bridge/contract';
import type { BridgeError } from '../../../shared/bridge/result';
import { isRefusedState } from '../../lib/bridge';
import type { AppState, SliceCreator } from '../../store';

export type Role = Officer['roles'][number];

/**
 * loading: not yet asked; signedOut: nobody signed in (`lock` says why, if the console locked);
 * signedIn: `officer` is who; failed: the host could not say (no connection, no store).
 */
export type SessionStatus = 'loading' | 'signedOut' | 'signedIn' | 'failed';
/**
 * idle: the host (or this console) locked after a quiet spell; manual: the officer pressed Lås;
 * expired: the host no longer knows this session for another reason (it restarted).
 */
export type LockReason = 'idle' | 'manual' | 'expired' | null;

export interface SessionSlice {
  sessionStatus: SessionStatus;
  officer: Officer | null;
  officersExist: boolean;
  idleLockMinutes: number;
  lockReason: LockReason;
  /** Whether anyone has been signed in since the console opened: the screens behind then stay mounted. */
  everSignedIn: boolean;
  sessionError: BridgeError | null;
  signInPending: boolean;
  signInError: BridgeError | null;
  /**
   * The host will not take this page any more: `stale` after it restarted (a new start has a
   * new token), `unauthorized` when the page never had a token. Nothing on this page can fix
   * it; the console says so instead of asking for a passphrase.
   */
  hostRefused: 'stale' | 'unauthorized' | null;
  loadSession(): Promise<void>;
  signIn(username: string, passphrase: string): Promise<boolean>;
  /** Lås: ends the session on the host; the sign-in screen takes over. */
  lock(reason?: Exclude<LockReason, null>): Promise<void>;
  /** Called for any refused call: the host no longer knows us as signed in. */
  sessionRefused(error: BridgeError): void;
  /** Follows reconnects (a new connection is a new session on the headless host); returns the stop function. */
  watchSession(): () => void;
}

/** Whether a refusal means "sign in again" (and not a wrong token or a wrong passphrase). */
export const isIdleLock = (error: BridgeError) =>
  error.code === 'unauthorized' &&
  typeof error.details === 'object' &&
  error.details !== null &&
  (error.details as { reason?: unknown }).reason === 'idle_lock';

export const createSessionSlice: SliceCreator<SessionSlice> = (set, get, { bridge }) => {
  // Only the newest session.current answer may write, so a slow one cannot undo a sign-in.
  let latest = 0;

  function signedOut(lockReason: LockReason) {
    latest++;
    set({ sessionStatus: 'signedOut', officer: null, lockReason, signInError: null });
  }

  return {
    sessionStatus: 'loading',
    officer: null,
    officersExist: true,
    idleLockMinutes: 0,
    lockReason: null,
    everSignedIn: false,
    sessionError: null,
    signInPending: false,
    signInError: null,
    hostRefused: null,

    async loadSession() {
      const seq = ++latest;
      const result = await bridge.invoke('session.current', {});
      if (seq !== latest) return;
      if (!result.ok) {
        // Keep whoever was signed in on screen: a lost connection is not a sign-out.
        set({ sessionError: result.error, sessionStatus: get().officer ? 'signedIn' : 'failed' });
        return;
      }
      const { officer, officersExist, idleLockMinutes } = result.value;
      const wasSignedIn = get().officer !== null;
      set({
        officer,
        officersExist,
        idleLockMinutes,
        sessionError: null,
        sessionStatus: officer ? 'signedIn' : 'signedOut',
        everSignedIn: get().everSignedIn || officer !== null,
        // The host forgot us (it restarted, or this is a new connection): say so on the sign-in screen.
        lockReason: officer ? null : wasSignedIn ? 'expired' : get().lockReason,
      });
    },

    async signIn(username, passphrase) {
      set({ signInPending: true, signInError: null });
      const result = await bridge.invoke('session.signIn', { username, passphrase });
      if (!result.ok && isRefusedState(bridge.connectionState())) {
        // Not the passphrase: the host no longer takes this page (the gate says why).
        set({ signInPending: false, signInError: null, hostRefused: get().hostRefused ?? 'stale' });
        return false;
      }
      if (!result.ok) {
        set({ signInPending: false, signInError: result.error });
        return false;
      }
      latest++;
      set({
        signInPending: false,
        officer: result.value,
        sessionStatus: 'signedIn',
        everSignedIn: true,
        lockReason: null,
        sessionError: null,
      });
      return true;
    },

    async lock(reason = 'manual') {
      // Locked on screen at once; the host is told as well, and if it cannot be reached its own
      // idle lock ends the session there.
      signedOut(reason);
      await bridge.invoke('session.signOut', {});
    },

    sessionRefused(error) {
      if (error.code !== 'unauthorized') return;
      // A refused token is the connection's problem (the gate says so), not a sign-out.
      if (isRefusedState(bridge.connectionState())) return;
      if (get().sessionStatus !== 'signedIn') return;
      signedOut(isIdleLock(error) ? 'idle' : 'expired');
    },

    watchSession() {
      const refusedNow = () => {
        const state = bridge.connectionState();
        return isRefusedState(state) ? state : null;
      };
      const stop = bridge.onConnectionChange((state) => {
        if (state === 'connected') void get().loadSession();
        set({ hostRefused: refusedNow() });
      });
      set({ hostRefused: refusedNow() });
      void get().loadSession();
      return stop;
    },
  };
};

export const hasRole = (s: Pick<AppState, 'officer'>, ...roles: Role[]) =>
  !!s.officer && roles.some((r) => s.officer!.roles.includes(r));
