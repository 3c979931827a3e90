import { TrykError } from '../../shared/bridge/result';
import { createServices } from '../app';
import { redactUrl } from '../config/gateways';
import { createGateway, describeGateway } from '../gateways/registry';
import type { Command } from './command';
import { intOption, UsageError } from './command';
import { withStore } from './store-commands';
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
      const config = (await createServices({ store, host: 'headless', version: VERSION }).gateways.list()).find((g) => g.name === name);
      if (!config) throw new TrykError('not_found', `No gateway called ${name}`);
      const described = describeGateway(config.url);
      const gateway = createGateway(config.url);
      const started = Date.now();
      try {
        await Promise.race([
          gateway.connect(),
          new Promise((_, reject) => setTimeout(() => reject(new TrykError('unavailable', `${name} did not answer within ${timeoutS} s`)), timeoutS * 1000).unref()),
        ]);
      } catch (e) {
        // Connector errors carry a code and a message without credentials.
        const code = (e as { code?: string }).code ?? 'error';
        throw e instanceof TrykError ? e : new TrykError('unavailable', `${name} refused or could not be reached: ${code} (${(e as Error).message})`);
      } finally {
        await gateway.close().catch(() => undefined);
      }
      const ms = Date.now() - started;
      return {
        text: `${name} (${described.kind}${described.host ? ` at ${described.host}` : ''}) answered in ${ms} ms: connected; agreed rate ${described.tps || 'unlimited'} msg/s, window ${described.window}.`,
        json: { name, ...described, connected: true, ms },
      };
    });
  },
};
