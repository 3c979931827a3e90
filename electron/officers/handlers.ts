/** The session channels: who is signed in, signing in and out (each audited with the host). */
import { appendAudit } from '../audit/service';
import type { DomainHandlers } from '../bridge/dispatcher';
import type { Services } from '../services';

export function sessionHandlers(services: Services): DomainHandlers<'session.current' | 'session.signIn' | 'session.signOut'> {
  return {
    'session.current': {
      passive: true,
      handle: async (_req, caller) => ({
        officer: caller.session.officer ? { ...caller.session.officer, roles: [...caller.session.officer.roles] } : null,
        officersExist: (await services.officers.count()) > 0,
        idleLockMinutes: await services.settings.get('security.idleLockMinutes'),
      }),
    },
    'session.signIn': {
      handle: async ({ username, passphrase }, caller) => {
        // The officer service serialises attempts per account and audits every outcome.
        const officer = await services.officers.signIn(username, passphrase, { host: caller.host });
        caller.session.officer = officer;
        caller.session.lastActivity = Date.now();
        return officer;
      },
    },
    'session.signOut': {
      handle: async (_req, caller) => {
        const officer = caller.session.officer;
        caller.session.officer = null;
        if (officer) {
          await services.store.db.transaction((tx) =>
            appendAudit(tx, { at: new Date(), officer: officer.username, action: 'sign_out', subject: 'session', details: { host: caller.host } }),
          );
        }
        return { signedOut: true as const };
      },
    },
  };
}
