/**
 * A social channel's settings as one URL, like a gateway's:
 *   facebook://PAGE_ID?token=PAGE_TOKEN[&api=http://127.0.0.1:P]
 *   x://?token=USER_TOKEN[&api=…]
 * `api=simulator` runs the built-in simulator inside the console (demo, training), with
 * `speedup` (how much faster its reach curve runs) and `poll` (seconds between the first
 * hour's reach polls; default 60). The token never leaves the main process.
 */
import type { SocialKind } from '../../shared/social/schema';
import { TrykError } from '../../shared/bridge/result';

export const GRAPH_VERSION = 'v21.0';
export const DEFAULT_API: Record<SocialKind, string> = { facebook: 'https://graph.facebook.com', x: 'https://api.x.com' };

export interface SocialSettings {
  kind: SocialKind;
  /** The Page id (Facebook); empty for X (the account is the token's user). */
  account: string;
  token: string;
  /** Base URL without the version path, or 'simulator' for the embedded one. */
  api: string;
  speedup: number;
  pollSeconds: number;
  /** X, OAuth 2.0: the refresh token and the app's client id (and secret, for a confidential client). */
  refresh: { token: string; clientId: string; clientSecret: string | null } | null;
}

const KNOWN = new Set(['token', 'api', 'speedup', 'poll', 'refresh', 'client', 'secret']);

export function parseSocialUrl(url: string): SocialSettings {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new TrykError('bad_request', 'The channel URL is not a URL (e.g. facebook://PAGE_ID?token=… or x://?token=…)');
  }
  const kind = u.protocol === 'facebook:' ? 'facebook' : u.protocol === 'x:' ? 'x' : null;
  if (!kind) throw new TrykError('bad_request', `Unknown channel scheme ${u.protocol} (use facebook: or x:)`);
  for (const key of u.searchParams.keys()) {
    if (!KNOWN.has(key)) throw new TrykError('bad_request', `Unknown channel setting ${key.slice(0, 40)} (known: ${[...KNOWN].join(', ')})`);
  }
  const token = u.searchParams.get('token') ?? '';
  if (!token || token.length > 2048) throw new TrykError('bad_request', 'The channel URL needs token=… (the Page access token or X user token)');
  const account = decodeURIComponent(u.hostname || u.pathname.replace(/^\/+/, ''));
  if (kind === 'facebook' && !/^[\w.-]{1,64}$/.test(account)) throw new TrykError('bad_request', 'A Facebook channel needs the Page id: facebook://PAGE_ID?token=…');
  if (kind === 'x' && account) throw new TrykError('bad_request', 'An X channel has no account in its URL (the token says whose it is): x://?token=…');
  const api = u.searchParams.get('api') ?? DEFAULT_API[kind];
  if (api !== 'simulator') {
    let a: URL;
    try {
      a = new URL(api);
    } catch {
      throw new TrykError('bad_request', 'api= must be a URL (e.g. http://127.0.0.1:8081) or simulator');
    }
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(a.hostname);
    // The token travels in every request: in clear only to this machine.
    if (a.protocol !== 'https:' && !(a.protocol === 'http:' && loopback)) {
      throw new TrykError('bad_request', 'api= must be https, or http on 127.0.0.1 (a local simulator)');
    }
  }
  const num = (key: string, dflt: number, min: number, max: number) => {
    const v = u.searchParams.get(key);
    if (v === null) return dflt;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max) throw new TrykError('bad_request', `${key}= must be a number from ${min} to ${max}`);
    return n;
  };
  const refreshToken = u.searchParams.get('refresh');
  const clientId = u.searchParams.get('client');
  if (refreshToken && kind !== 'x') throw new TrykError('bad_request', 'refresh= is for X channels (a Page token does not expire)');
  if (refreshToken && !clientId) throw new TrykError('bad_request', 'refresh= needs client= (the X app’s OAuth 2.0 client id)');
  const refresh = refreshToken && clientId ? { token: refreshToken, clientId, clientSecret: u.searchParams.get('secret') } : null;
  return { kind, account, token, api: api.replace(/\/+$/, ''), speedup: num('speedup', 1, 1, 3600), pollSeconds: num('poll', 60, 1, 3600), refresh };
}

/** The same channel URL with new OAuth tokens (X rotates the refresh token on every use). */
export function withTokens(url: string, token: string, refresh: string | null): string {
  const u = new URL(url);
  u.searchParams.set('token', token);
  if (refresh) u.searchParams.set('refresh', refresh);
  return u.toString();
}

/** What may be shown of a channel: never the token. */
export function describeSocial(s: SocialSettings): { account: string; api: string; simulator: boolean } {
  return { account: s.account || '(the token’s account)', api: s.api === 'simulator' ? 'simulator' : s.api, simulator: s.api === 'simulator' };
}
