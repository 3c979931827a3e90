import { TrykError } from '../../shared/bridge/result';
import { maskPhone, normalizePhone } from '../../shared/phone';
import type { Role } from '../bridge/dispatcher';
import { officerService, roles as allRoles, STORE_PASSPHRASE } from '../officers/service';
import { signInWithRole } from './sign-in';
import type { Command } from './command';
import { UsageError } from './command';
import { withStore } from './store-commands';

async function officerPassphrase(env: NodeJS.ProcessEnv): Promise<string> {
  if (env.TRYK_OFFICER_PASSPHRASE) return env.TRYK_OFFICER_PASSPHRASE;
  const { readPassphrase } = await import('./passphrase');
  // The same hidden prompt as the store's, asked twice; the env var keeps scripts non-interactive.
  return readPassphrase({ confirm: true, env: { ...env, TRYK_PASSPHRASE: '' } });
}

export const officerAddCommand: Command = {
  name: 'officer add',
  summary: 'create an officer account (roles: operator, approver, admin)',
  usage:
    'tryk officer add USERNAME --roles operator[,approver,admin] [--name "Display Name"] [--phone NUMBER] [--as ADMIN] [--data-dir DIR]\n' +
    "  the new officer's passphrase comes from $TRYK_NEW_OFFICER_PASSPHRASE (or $TRYK_OFFICER_PASSPHRASE without --as) or is asked for;\n" +
    '  with --as an administrator signs in ($TRYK_OFFICER_PASSPHRASE); without it the audit trail records the store passphrase;\n' +
    "  --phone is the officer's own number for test SMS",
  options: { roles: { type: 'string' }, name: { type: 'string' }, phone: { type: 'string' }, as: { type: 'string' } },
  async run(ctx) {
    const [username] = ctx.positionals;
    if (!username || ctx.positionals.length > 1) throw new UsageError('give one USERNAME');
    const roles = String(ctx.values.roles ?? '')
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean) as Role[];
    if (roles.length === 0 || roles.some((r) => !allRoles.includes(r))) throw new UsageError(`--roles is one or more of ${allRoles.join(', ')}`);
    const phone = ctx.values.phone === undefined ? null : officerPhone(String(ctx.values.phone));
    return withStore(ctx, async (store) => {
      const officers = officerService(store.db);
      // The first admin of a new store can only come from the store passphrase; later ones
      // should come from an admin (--as), and either way the trail says which.
      const actor = ctx.values.as === undefined ? STORE_PASSPHRASE : { officer: (await signInWithRole(ctx, officers, ['admin'], 'create officers')).username };
      const passphrase =
        ctx.values.as === undefined ? await officerPassphrase(ctx.env) : await officerPassphrase({ ...ctx.env, TRYK_OFFICER_PASSPHRASE: ctx.env.TRYK_NEW_OFFICER_PASSPHRASE ?? '' });
      const officer = await officers.create(
        { username, displayName: (ctx.values.name as string | undefined) ?? username, roles, passphrase },
        actor,
        { host: 'cli' },
      );
      if (phone) await officers.setPhone(officer.username, phone, { by: 'officer' in actor ? actor.officer : null, via: 'cli' });
      const withPhone = phone ? `, own phone ${maskPhone(phone)}` : '';
      return { text: `Created officer ${officer.username} (${officer.roles.join(', ')}${withPhone}).`, json: { ...officer, phone: phone !== null } };
    });
  },
};

export const officerListCommand: Command = {
  name: 'officer list',
  summary: 'list the officer accounts',
  usage: 'tryk officer list [--data-dir DIR] [--json]',
  options: {},
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const list = await officerService(store.db).list();
      if (list.length === 0 && !ctx.json) throw new TrykError('not_found', 'No officers yet: create one with "tryk officer add NAME --roles admin"');
      return {
        text: list.map((o) => `${o.username.padEnd(16)} ${o.roles.join(',').padEnd(24)} ${o.displayName}${o.disabled ? ' (disabled)' : ''}`).join('\n'),
        json: list,
      };
    }),
};

/** An officer's own number as E.164, or a usage error saying why not. */
function officerPhone(input: string): string {
  const p = normalizePhone(input);
  if (!p.ok) throw new UsageError(`--phone is not a valid phone number (${p.reason})`);
  return p.e164;
}

export const officerSetPhoneCommand: Command = {
  name: 'officer set-phone',
  summary: "set or clear an officer's own phone number (for \"send test to my phone\")",
  usage: 'tryk officer set-phone USERNAME NUMBER | --clear [--data-dir DIR]',
  options: { clear: { type: 'boolean' } },
  async run(ctx) {
    const [username, number] = ctx.positionals;
    const clear = ctx.values.clear === true;
    if (!username || ctx.positionals.length > 2 || (clear ? number !== undefined : number === undefined)) {
      throw new UsageError('give USERNAME and either a NUMBER or --clear');
    }
    const phone = clear ? null : officerPhone(number!);
    return withStore(ctx, async (store) => {
      if (!(await officerService(store.db).setPhone(username, phone, { by: null, via: 'cli' }))) {
        throw new TrykError('not_found', `No officer called ${username}`);
      }
      return {
        text: phone ? `${username}'s own phone is now ${maskPhone(phone)}.` : `${username} has no own phone any more.`,
        json: { username, phone: phone !== null },
      };
    });
  },
};
