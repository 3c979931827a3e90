import { createServices } from '../services';
import { testGateway } from '../gateways/probe';
import { redactUrl } from '../config/gateways';
import { describeGateway } from '../gateways/registry';
import type { Command } from './command';
import { intOption, UsageError } from './command';
import { withStore } from './store-commands';
import { signInWithRole } from './sign-in';
import { VERSION } from './version';

export const gatewayListCommand: Command = {
  name: 'gateway list',
  summary: 'list the configured gateways (passwords never shown)',
  usage: 'tryk gateway list [--data-dir DIR] [--json]',
  options: {},
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const list = (await createServices({ store, host: 'headless', version: VERSION }).gateways.list()).map((g) => ({
        name: g.name,
        kind: g.kind,
        url: redactUrl(g.url),
        primary: g.primary,
        enabled: g.enabled,
      }));
      return {
        text: list.length ? list.map((g) => `${g.name.padEnd(16)} ${g.kind.padEnd(10)} ${g.primary ? 'primary ' : '        '}${g.url}`).join('\n') : 'No gateways: add one with tryk gateway add NAME URL',
        json: list,
      };
    }),
};

export const gatewayTestCommand: Command = {
  name: 'gateway test',
  summary: 'connect (bind) to a configured gateway and report what it says, then disconnect',
  usage: 'tryk gateway test NAME [--timeout SECONDS] [--data-dir DIR] [--json]',
  options: { timeout: { type: 'string' } },
  async run(ctx) {
    const [name, ...rest] = ctx.positionals;
    if (!name || rest.length) throw new UsageError('name one gateway');
    const timeoutS = intOption(ctx.values.timeout, 'timeout', 1, 300) ?? 15;
    return withStore(ctx, async (store) => {
      const services = createServices({ store, host: 'headless', version: VERSION });
      const config = (await services.gateways.list()).find((g) => g.name === name);
      const described = config ? describeGateway(config.url) : null;
      const r = await testGateway(services.gateways, name, timeoutS);
      return {
        text: `${name} (${described?.kind}${described?.host ? ` at ${described.host}` : ''}) answered in ${r.ms} ms: connected; agreed rate ${r.tps || 'unlimited'} msg/s, window ${r.window}.`,
        json: { ...r, kind: described?.kind },
      };
    });
  },
};

export const gatewayRemoveCommand: Command = {
  name: 'gateway remove',
  summary: 'remove a configured gateway (admin, audited; refused while a send uses it)',
  usage: 'tryk gateway remove NAME --as ADMIN [--data-dir DIR] [--json]\n  the officer passphrase from TRYK_OFFICER_PASSPHRASE, or asked for on a terminal',
  options: { as: { type: 'string' } },
  async run(ctx) {
    const [name, ...rest] = ctx.positionals;
    if (!name || rest.length) throw new UsageError('name one gateway');
    return withStore(ctx, async (store) => {
      const services = createServices({ store, host: 'headless', version: VERSION });
      const officer = await signInWithRole(ctx, services.officers, ['admin'], 'remove a gateway');
      const r = await services.gateways.remove(name, { officer: officer.username });
      return {
        text: `Removed gateway ${r.name}.${r.primary ? ` The primary gateway is ${r.primary}.` : ' No gateway is left: add one with tryk gateway add NAME URL.'}`,
        json: { ...r, removed: true },
      };
    });
  },
};

export const gatewayUpdateCommand: Command = {
  name: 'gateway update',
  summary: "change a gateway's settings: address, credentials, sender, throughput (admin, audited)",
  usage:
    'tryk gateway update NAME URL --as ADMIN [--data-dir DIR] [--json]\n' +
    '  URL is the whole new address, e.g. the one `tryk gateway list` shows with the setting changed;\n' +
    '  its •••• password mark keeps the stored password. A running console reconnects with it.\n' +
    '  the officer passphrase from TRYK_OFFICER_PASSPHRASE, or asked for on a terminal',
  options: { as: { type: 'string' } },
  async run(ctx) {
    const [name, url, ...rest] = ctx.positionals;
    if (!name || !url || rest.length) throw new UsageError('name one gateway and its new URL');
    return withStore(ctx, async (store) => {
      const services = createServices({ store, host: 'headless', version: VERSION });
      const officer = await signInWithRole(ctx, services.officers, ['admin'], 'change a gateway');
      const g = await services.gateways.update(name, url, { officer: officer.username, details: { via: 'cli' } });
      const what = g.changed.length > 0 ? `changed: ${g.changed.join(', ')}` : 'nothing changed';
      return { text: `Gateway ${g.name} (${g.kind}): ${redactUrl(g.url)} (${what}).`, json: { name: g.name, kind: g.kind, url: redactUrl(g.url), changed: g.changed } };
    });
  },
};
