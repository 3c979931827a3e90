/** The gateway channels: the configured gateways with their live state (passwords hidden), add and test. */
import { ALL_ROLES } from '../bridge/dispatcher';
import type { DomainHandlers } from '../bridge/dispatcher';
import { checkGatewayUrl, redactUrl } from '../config/gateways';
import type { Services } from '../services';
import { testGateway } from './probe';

export function gatewayHandlers(
  services: Services,
): DomainHandlers<'gateways.list' | 'gateways.add' | 'gateways.update' | 'gateways.test' | 'gateways.remove'> {
  return {
    'gateways.list': {
      roles: ALL_ROLES,
      passive: true,
      handle: async () => {
        const status = await services.status();
        const state = new Map(status.gateways.map((g) => [g.name, g.state]));
        return (await services.gateways.list()).map((g) => ({
          name: g.name,
          kind: g.kind,
          url: redactUrl(g.url),
          primary: g.primary,
          enabled: g.enabled,
          state: state.get(g.name) ?? 'disconnected',
        }));
      },
    },
    'gateways.add': {
      roles: ['admin'],
      handle: async ({ name, url, primary }, caller) => {
        // Checked by the connector's own parser first, so a mistyped URL is refused with its reason.
        checkGatewayUrl(url);
        const g = await services.gateways.add(name, url, { primary }, { officer: caller.session.officer!.username, details: { host: caller.host } });
        return { name: g.name, kind: g.kind, primary: g.primary };
      },
    },
    'gateways.update': {
      roles: ['admin'],
      handle: async ({ name, url }, caller) => {
        const g = await services.gateways.update(name, url, { officer: caller.session.officer!.username, details: { host: caller.host } });
        // The URL goes back redacted: the password never reaches the renderer.
        return { name: g.name, kind: g.kind, url: redactUrl(g.url), changed: g.changed };
      },
    },
    'gateways.test': { roles: ['admin'], handle: ({ name }) => testGateway(services.gateways, name) },
    'gateways.remove': {
      roles: ['admin'],
      handle: async ({ name }, caller) => ({ ...(await services.gateways.remove(name, { officer: caller.session.officer!.username })), removed: true as const }),
    },
  };
}
