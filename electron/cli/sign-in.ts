/**
 * `--as USERNAME` for every CLI command that changes something: the officer's passphrase from
 * TRYK_OFFICER_PASSPHRASE or a hidden prompt, checked by the officer service (the same lockout
 * and audit as the console's sign-in). Without --as, only commands that allow it run, and the
 * audit trail records them as done with the store passphrase alone.
 */
import { TrykError } from '../../shared/bridge/result';
import type { Role } from '../bridge/dispatcher';
import type { Officer, OfficerService } from '../officers/service';
import type { CommandContext } from './command';
import { UsageError } from './command';
import { readPassphrase } from './passphrase';

/** The audit's name for an action taken with the store passphrase and no officer. */
export const STORE_PASSPHRASE_AUTHORITY = 'store passphrase';

export async function signInAs(ctx: CommandContext, officers: OfficerService, why = 'changes are made by a signed-in officer'): Promise<Officer> {
  const username = ctx.values.as;
  if (typeof username !== 'string' || !username.trim()) throw new UsageError(`--as USERNAME is required: ${why}`);
  const passphrase =
    ctx.env.TRYK_OFFICER_PASSPHRASE ||
    // The store's hidden prompt, with the store passphrase kept out of it.
    (await readPassphrase({ confirm: false, env: { ...ctx.env, TRYK_PASSPHRASE: '' } }));
  return officers.signIn(username, passphrase, { host: 'cli' });
}

/** Signs in and requires one of `roles` (the README's role table, as the bridge applies it). */
export async function signInWithRole(ctx: CommandContext, officers: OfficerService, roles: readonly Role[], what: string): Promise<Officer> {
  const officer = await signInAs(ctx, officers);
  if (!roles.some((r) => officer.roles.includes(r))) {
    throw new TrykError('forbidden', `${officer.username} may not ${what}: that needs the ${roles.join(' or ')} role`);
  }
  return officer;
}

/** --as when given (signed in, role checked), else the store passphrase, recorded as such. */
export async function actorOrStorePassphrase(
  ctx: CommandContext,
  officers: OfficerService,
  roles: readonly Role[],
  what: string,
): Promise<{ officer: Officer | null; audit: { officer: string | null; details: Record<string, unknown> } }> {
  if (ctx.values.as === undefined) {
    return { officer: null, audit: { officer: null, details: { via: 'cli', authority: STORE_PASSPHRASE_AUTHORITY } } };
  }
  const officer = await signInWithRole(ctx, officers, roles, what);
  return { officer, audit: { officer: officer.username, details: { via: 'cli' } } };
}
