/**
 * Makes the right Gateway from the URL an operator configured (smpp://, kannel://,
 * simulator://), and describes one for the settings screen without its credentials.
 */
import type { Gateway } from './gateway';
import { GatewayError } from './gateway';
import { parseKannelUrl } from './kannel/config';
import { KannelGateway } from './kannel/connector';
import { parseSimulatorUrl } from './simulator/config';
import { SimulatorGateway } from './simulator/connector';
import type { Clock } from './simulator/schedule';
import { parseSmppUrl } from './smpp/config';
import { SmppGateway } from './smpp/connector';
import type { Log } from '../log';

export type GatewayKind = 'smpp' | 'kannel' | 'simulator';

export interface GatewayFactoryOptions {
  /** Milliseconds clock for rate limiting and simulated time; the system clock by default. */
  now?: () => number;
  /** Where connection state changes are written (never credentials, numbers or text). */
  log?: Log;
}

export interface GatewayDescription {
  kind: GatewayKind;
  /** host:port of the SMSC or Kannel; absent for the simulator. */
  host?: string;
  /** Agreed parts per second; 0 = no limit. */
  tps: number;
  /** Submits that may await an answer at once. */
  window: number;
}

/** The scheme, read without URL parsing so that no error can echo the (secret-bearing) URL. */
function kindOf(url: string): GatewayKind {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url.trim())?.[1]?.toLowerCase();
  if (scheme === 'smpp' || scheme === 'kannel' || scheme === 'simulator') return scheme;
  throw new GatewayError(
    'unknown_scheme',
    scheme
      ? `Unknown gateway type "${scheme.slice(0, 20)}://" (expected smpp://, kannel:// or simulator://)`
      : 'The gateway address has no type (expected smpp://, kannel:// or simulator://)',
  );
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export function createGateway(url: string, options: GatewayFactoryOptions = {}): Gateway {
  const kind = kindOf(url);
  const now = options.now;
  let gateway: Gateway;
  switch (kind) {
    case 'smpp':
      gateway = new SmppGateway(parseSmppUrl(url.trim()), now ? { now } : {});
      break;
    case 'kannel':
      gateway = new KannelGateway(parseKannelUrl(url.trim()), now ? { now } : {});
      break;
    case 'simulator': {
      const clock: Clock | undefined = now
        ? { now, setTimeout: (callback, ms) => setTimeout(callback, ms), clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout) }
        : undefined;
      gateway = new SimulatorGateway(parseSimulatorUrl(url.trim()), clock ? { clock } : {});
      break;
    }
  }
  const log = options.log;
  if (log) gateway.onState((change) => log.info(`gateway ${kind}: ${change.state} (${change.detail})`));
  return gateway;
}

export function describeGateway(url: string): GatewayDescription {
  const kind = kindOf(url);
  switch (kind) {
    case 'smpp': {
      const config = parseSmppUrl(url.trim());
      return { kind, host: hostPort(config.host, config.port), tps: config.tps, window: config.window * config.binds };
    }
    case 'kannel': {
      const config = parseKannelUrl(url.trim());
      return { kind, host: hostPort(config.host, config.port), tps: config.tps, window: config.window };
    }
    case 'simulator': {
      const config = parseSimulatorUrl(url.trim());
      return { kind, tps: config.tps, window: config.window };
    }
  }
}
