import { TrykError } from '../../shared/bridge/result';
import type { Role } from '../bridge/dispatcher';
import { officerService, roles as allRoles } from '../officers/service';
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
  usage: 'tryk officer add USERNAME --roles operator[,approver,admin] [--name "Display Name"] [--data-dir DIR]\n  the passphrase comes from $TRYK_OFFICER_PASSPHRASE or is asked for',
  options: { roles: { type: 'string' }, name: { type: 'string' } },
  async run(ctx) {
    const [username] = ctx.positionals;
    if (!username || ctx.positionals.length > 1) throw new UsageError('give one USERNAME');
    const roles = String(ctx.values.roles ?? '')
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean) as Role[];
    if (roles.length === 0 || roles.some((r) => !allRoles.includes(r))) throw new UsageError(`--roles is one or more of ${allRoles.join(', ')}`);
    return withStore(ctx, async (store) => {
      const passphrase = await officerPassphrase(ctx.env);
      const officer = await officerService(store.db).create({
        username,
        displayName: (ctx.values.name as string | undefined) ?? username,
        roles,
        passphrase,
      });
      return { text: `Created officer ${officer.username} (${officer.roles.join(', ')}).`, json: officer };
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
