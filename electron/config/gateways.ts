import { appendAudit } from '../audit/service';
import type { AuditBy } from '../audit/service';
import type { GatewaySummary } from '../../shared/bridge/contract';
import { TrykError } from '../../shared/bridge/result';
import type { Db } from '../store/db';
import { GatewayError } from '../gateways/gateway';
import { describeGateway } from '../gateways/registry';
import { keepStoredPassword } from '../gateways/url';

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

/** One copy of URL redaction, with the gateway URL helpers. */
export { redactUrl } from '../gateways/url';

export interface GatewayConfigService {
  list(): Promise<GatewayConfig[]>;
  /**
   * Removes a gateway, audited in the same transaction; refused while a send that is not
   * finished uses it. When it was the primary, the first remaining one (by name) becomes primary.
   */
  remove(name: string, by: { officer: string }): Promise<{ name: string; primary: string | null }>;
  /** With `by`, audited (gateway_added, never the URL's password) in the same transaction. */
  add(name: string, url: string, opts?: { primary?: boolean }, by?: AuditBy): Promise<GatewayConfig>;
  /**
   * Told after a removal commits, so the running console closes that gateway's connection at
   * once instead of at its next restart. Returns the unsubscribe function.
   */
  onRemoved(listener: (name: string) => void): () => void;
  /**
   * New settings for a stored gateway (address, credentials, sender, throughput: its whole URL).
   * A URL whose password is the mark redactUrl shows keeps the stored password, so an admin edits
   * what the console showed without retyping it. Checked by the connector's own parser; audited
   * (gateway_updated: which parts changed, never a value) in the same transaction.
   */
  update(name: string, url: string, by: AuditBy): Promise<GatewayConfig & { changed: string[] }>;
  /** Told after an update commits, so the running console reconnects with the new settings. */
  onUpdated(listener: (name: string) => void): () => void;
}

/**
 * The connector's own parser on `url`: a mistyped setting is a bad request with its reason (the
 * parsers never echo the URL, which holds the password), not an unexpected failure.
 */
export function checkGatewayUrl(url: string): void {
  try {
    describeGateway(url);
  } catch (e) {
    if (e instanceof GatewayError) throw new TrykError('bad_request', e.message);
    throw e;
  }
}

/** Which parts of a gateway URL differ, by name only: the values may be secret. */
function changedParts(before: string, after: string): string[] {
  const a = new URL(before);
  const b = new URL(after);
  const changed: string[] = [];
  if (a.protocol !== b.protocol) changed.push('kind');
  if (a.host !== b.host) changed.push('address');
  if (a.username !== b.username) changed.push('user');
  if (a.password !== b.password) changed.push('password');
  const keys = new Set([...a.searchParams.keys(), ...b.searchParams.keys()]);
  for (const k of [...keys].sort()) if (a.searchParams.getAll(k).join('\n') !== b.searchParams.getAll(k).join('\n')) changed.push(k);
  return changed;
}

export function gatewayConfigService(db: Db, now: () => Date = () => new Date()): GatewayConfigService {
  const list = async () =>
    (
      await db.all<{ id: number; name: string; kind: GatewayKind; url: string; is_primary: number; enabled: number }>(
        'SELECT id, name, kind, url, is_primary, enabled FROM gateways ORDER BY is_primary DESC, name',
      )
    ).map((r) => ({ id: r.id, name: r.name, kind: r.kind, url: r.url, primary: r.is_primary === 1, enabled: r.enabled === 1 }));
  const removedListeners = new Set<(name: string) => void>();
  const updatedListeners = new Set<(name: string) => void>();
  return {
    list,
    onUpdated(listener) {
      updatedListeners.add(listener);
      return () => updatedListeners.delete(listener);
    },
    async update(name, url, by) {
      const stored = await db.get<{ url: string }>('SELECT url FROM gateways WHERE name = ?', [name]);
      if (!stored) throw new TrykError('not_found', `There is no gateway called ${name}`);
      const next = keepStoredPassword(url.trim(), stored.url);
      const kind = gatewayKindOf(next);
      checkGatewayUrl(next);
      const result = await db.transaction(async (tx) => {
        const row = await tx.get<{ id: number; url: string; is_primary: number; enabled: number }>(
          'SELECT id, url, is_primary, enabled FROM gateways WHERE name = ?',
          [name],
        );
        if (!row) throw new TrykError('not_found', `There is no gateway called ${name}`);
        const changed = changedParts(row.url, next);
        await tx.run('UPDATE gateways SET url = ?, kind = ? WHERE id = ?', [next, kind, row.id]);
        await appendAudit(tx, { at: now(), officer: by.officer, action: 'gateway_updated', subject: `gateway:${name}`, details: { ...by.details, kind, changed } });
        return { id: row.id, name, kind, url: next, primary: row.is_primary === 1, enabled: row.enabled === 1, changed };
      });
      for (const listener of updatedListeners) listener(name);
      return result;
    },
    onRemoved(listener) {
      removedListeners.add(listener);
      return () => removedListeners.delete(listener);
    },
    async add(name, url, opts = {}, by) {
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
        if (by) await appendAudit(tx, { at: now(), officer: by.officer, action: 'gateway_added', subject: `gateway:${name}`, details: { ...by.details, kind, primary } });
        return { id: lastID, name, kind, url, primary, enabled: true };
      });
    },
    async remove(name, by) {
      const result = await db.transaction(async (tx) => {
        const g = await tx.get<{ kind: GatewayKind; is_primary: number }>('SELECT kind, is_primary FROM gateways WHERE name = ?', [name]);
        if (!g) throw new TrykError('not_found', `There is no gateway called ${name}`);
        const busy = await tx.get<{ id: number }>(
          `SELECT id FROM sends WHERE state IN ('queued', 'sending', 'paused')
             AND (primary_gateway = ? OR fallback_gateway = ? OR active_gateway = ?) ORDER BY id LIMIT 1`,
          [name, name, name],
        );
        if (busy) {
          throw new TrykError('conflict', `Gateway ${name} is in use by send ${busy.id}; wait until it is done or cancel it, then remove the gateway`);
        }
        await tx.run('DELETE FROM gateways WHERE name = ?', [name]);
        let primary = (await tx.get<{ name: string }>('SELECT name FROM gateways WHERE is_primary = 1'))?.name ?? null;
        if (!primary) {
          primary = (await tx.get<{ name: string }>('SELECT name FROM gateways ORDER BY name LIMIT 1'))?.name ?? null;
          if (primary) await tx.run('UPDATE gateways SET is_primary = 1 WHERE name = ?', [primary]);
        }
        await appendAudit(tx, {
          at: now(),
          officer: by.officer,
          action: 'gateway_removed',
          subject: `gateway:${name}`,
          details: { kind: g.kind, wasPrimary: g.is_primary === 1, primary },
        });
        return { name, primary };
      });
      for (const listener of removedListeners) listener(name);
      return result;
    },
  };
}
