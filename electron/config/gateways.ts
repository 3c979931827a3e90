import type { GatewaySummary } from '../../shared/bridge/contract';
import { TrykError } from '../../shared/bridge/result';
import type { Db } from '../store/db';

export type GatewayKind = GatewaySummary['kind'];

export interface GatewayConfig {
  id: number;
  name: string;
  kind: GatewayKind;
  /** Holds credentials: never leaves the main process, never logged. */
  url: string;
  primary: boolean;
  enabled: boolean;
}

const schemes: Record<string, GatewayKind> = {
  'simulator:': 'simulator',
  'smpp:': 'smpp',
  'kannel:': 'kannel',
};

export function gatewayKindOf(url: string): GatewayKind {
  let scheme: string;
  try {
    scheme = new URL(url).protocol;
  } catch {
    throw new TrykError('bad_request', 'The gateway URL is not a URL (e.g. simulator://?tps=200 or smpp://user:pass@host:2775)');
  }
  const kind = schemes[scheme];
  if (!kind) throw new TrykError('bad_request', `Unknown gateway scheme ${scheme} (use simulator:, smpp: or kannel:)`);
  return kind;
}

/** A URL with its password removed, for display and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '••••';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}

export interface GatewayConfigService {
  list(): Promise<GatewayConfig[]>;
  add(name: string, url: string, opts?: { primary?: boolean }): Promise<GatewayConfig>;
}

export function gatewayConfigService(db: Db, now: () => Date = () => new Date()): GatewayConfigService {
  const list = async () =>
    (
      await db.all<{ id: number; name: string; kind: GatewayKind; url: string; is_primary: number; enabled: number }>(
        'SELECT id, name, kind, url, is_primary, enabled FROM gateways ORDER BY is_primary DESC, name',
      )
    ).map((r) => ({ id: r.id, name: r.name, kind: r.kind, url: r.url, primary: r.is_primary === 1, enabled: r.enabled === 1 }));
  return {
    list,
    async add(name, url, opts = {}) {
      if (!/^[\w.-]{1,40}$/.test(name)) {
        throw new TrykError('bad_request', 'A gateway name is 1–40 letters, digits, dots, dashes or underscores');
      }
      const kind = gatewayKindOf(url);
      return db.transaction(async (tx) => {
        if (await tx.get('SELECT 1 FROM gateways WHERE name = ?', [name])) {
          throw new TrykError('conflict', `There is already a gateway called ${name}`);
        }
        const isFirst = !(await tx.get('SELECT 1 FROM gateways'));
        const primary = opts.primary || isFirst;
        if (primary) await tx.run('UPDATE gateways SET is_primary = 0');
        const { lastID } = await tx.run(
          'INSERT INTO gateways (name, kind, url, is_primary, enabled, created_at) VALUES (?, ?, ?, ?, 1, ?)',
          [name, kind, url, primary ? 1 : 0, now().toISOString()],
        );
        return { id: lastID, name, kind, url, primary, enabled: true };
      });
    },
  };
}
