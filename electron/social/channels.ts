/** The configured Facebook Pages and X accounts. URLs hold tokens: they stay in the encrypted store. */
import type { SocialChannelSummary, SocialKind } from '../../shared/social/schema';
import { TrykError } from '../../shared/bridge/result';
import type { Db } from '../store/db';
import { describeSocial, parseSocialUrl } from './url';

export interface SocialChannel {
  id: number;
  name: string;
  kind: SocialKind;
  /** Holds the token: never leaves the main process, never logged. */
  url: string;
  enabled: boolean;
  state: 'ok' | 'needs_login';
  createdAt: string;
}

interface Row {
  id: number;
  name: string;
  kind: SocialKind;
  url: string;
  enabled: number;
  state: 'ok' | 'needs_login';
  created_at: string;
}

const toChannel = (r: Row): SocialChannel => ({ id: r.id, name: r.name, kind: r.kind, url: r.url, enabled: r.enabled === 1, state: r.state, createdAt: r.created_at });

export function summarize(c: SocialChannel): SocialChannelSummary {
  const d = describeSocial(parseSocialUrl(c.url));
  return { name: c.name, kind: c.kind, account: d.account, api: d.api, simulator: d.simulator, enabled: c.enabled, state: c.state };
}

export interface SocialChannelService {
  list(): Promise<SocialChannel[]>;
  get(name: string): Promise<SocialChannel | null>;
  /** Adds a channel, or with `replace` gives an existing one new settings (a new token) and clears "needs new login". */
  add(name: string, url: string, opts?: { replace?: boolean }): Promise<SocialChannel>;
  markNeedsLogin(id: number): Promise<boolean>;
  /** Stores renewed OAuth tokens (the URL as the connector rebuilt it). */
  saveUrl(id: number, url: string): Promise<void>;
}

export function socialChannelService(db: Db, now: () => Date = () => new Date()): SocialChannelService {
  return {
    async list() {
      return (await db.all<Row>('SELECT id, name, kind, url, enabled, state, created_at FROM social_channels ORDER BY name')).map(toChannel);
    },
    async get(name) {
      const r = await db.get<Row>('SELECT id, name, kind, url, enabled, state, created_at FROM social_channels WHERE name = ?', [name]);
      return r ? toChannel(r) : null;
    },
    async add(name, url, opts = {}) {
      if (!/^[\w.-]{1,40}$/.test(name)) throw new TrykError('bad_request', 'A channel name is 1–40 letters, digits, dots, dashes or underscores');
      const { kind } = parseSocialUrl(url);
      return db.transaction(async (tx) => {
        const existing = await tx.get<Row>('SELECT id, name, kind, url, enabled, state, created_at FROM social_channels WHERE name = ?', [name]);
        const at = now().toISOString();
        if (existing) {
          if (!opts.replace) throw new TrykError('conflict', `There is already a channel called ${name} (use --replace to give it a new token)`);
          if (existing.kind !== kind) throw new TrykError('bad_request', `${name} is a ${existing.kind} channel; a new token must be for ${existing.kind} too`);
          await tx.run("UPDATE social_channels SET url = ?, state = 'ok', state_at = ? WHERE id = ?", [url, at, existing.id]);
          return toChannel({ ...existing, url, state: 'ok' });
        }
        const { lastID } = await tx.run('INSERT INTO social_channels (name, kind, url, enabled, state, created_at) VALUES (?, ?, ?, 1, ?, ?)', [name, kind, url, 'ok', at]);
        return { id: lastID, name, kind, url, enabled: true, state: 'ok', createdAt: at };
      });
    },
    async saveUrl(id, url) {
      await db.run('UPDATE social_channels SET url = ? WHERE id = ?', [url, id]);
    },
    async markNeedsLogin(id) {
      const r = await db.run("UPDATE social_channels SET state = 'needs_login', state_at = ? WHERE id = ? AND state <> 'needs_login'", [now().toISOString(), id]);
      return r.changes > 0;
    },
  };
}
