/**
 * An X account through API v2 with an OAuth 2.0 user-context token: posts and thread replies
 * (POST /2/tweets), figures from public_metrics, replies found by conversation_id.
 */
import type { Figures, RemoteComment, SocialConnector } from './connector';
import { sameText } from './connector';
import { SocialError, request, retryAfter } from './http';
import type { HttpAnswer, RequestOptions } from './http';

export interface XOptions {
  token: string;
  /** Base URL without /2. */
  api: string;
  timeoutMs?: number;
  now?: () => Date;
  /** OAuth 2.0 refresh: on a 401 the token is renewed once and the request tried again. */
  refresh?: { token: string; clientId: string; clientSecret: string | null } | null;
  /** Told the new tokens after a refresh, to store them (the old refresh token is spent). */
  onTokens?: (access: string, refresh: string | null) => Promise<void>;
}

interface Problem {
  title?: string;
  detail?: string;
  type?: string;
  resource_id?: string;
}

export function xConnector(o: XOptions): SocialConnector {
  const now = o.now ?? (() => new Date());
  const base = `${o.api}/2`;
  let me: { id: string; username: string } | null = null;

  /** X answers problems as { title, detail, type } and rate limits as 429 with x-rate-limit-reset (epoch seconds). */
  function check(a: HttpAnswer): Record<string, unknown> {
    const body = (a.json ?? null) as (Problem & Record<string, unknown>) | null;
    if (a.status >= 200 && a.status < 300) {
      if (!body || typeof body !== 'object') throw new SocialError('transient', `X answered ${a.status} without JSON`, null, a.status);
      return body;
    }
    const what = `X ${a.status}${body?.title ? ` ${String(body.title).slice(0, 80)}` : ''}`;
    if (a.status === 401) throw new SocialError('auth', `${what}: the token expired or was revoked`, null, 401);
    if (a.status === 429) {
      const reset = Number(a.headers.get('x-rate-limit-reset') ?? NaN);
      const at = Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000) : retryAfter(a.headers, now());
      throw new SocialError('rate_limited', `${what}: rate limited`, at ?? new Date(now().getTime() + 60_000), 429);
    }
    if (a.status >= 500) throw new SocialError('transient', `${what}: server error`, null, a.status);
    if (a.status === 404) throw new SocialError('not_found', what, null, 404);
    throw new SocialError('refused', `${what}: ${String(body?.detail ?? 'refused').slice(0, 200)}`, null, a.status);
  }

  let token = o.token;
  let refresh = o.refresh ?? null;
  const once = (path: string, params: Record<string, string>, opts: RequestOptions) => {
    const q = new URLSearchParams(params).toString();
    return request(`${base}/${path}${q ? `?${q}` : ''}`, {
      ...opts,
      headers: { authorization: `Bearer ${token}`, ...(opts.headers ?? {}) },
      ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
    });
  };
  /** POST /2/oauth2/token with the refresh token; false when X refuses it (revoked: a new login is needed). */
  async function renew(): Promise<boolean> {
    if (!refresh) return false;
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (refresh.clientSecret) headers.authorization = `Basic ${Buffer.from(`${refresh.clientId}:${refresh.clientSecret}`).toString('base64')}`;
    const a = await request(`${base}/oauth2/token`, {
      method: 'POST',
      headers,
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refresh.token, client_id: refresh.clientId }).toString(),
      ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
    });
    const body = a.json as { access_token?: unknown; refresh_token?: unknown } | undefined;
    if (a.status !== 200 || typeof body?.access_token !== 'string') return false;
    token = body.access_token;
    const next = typeof body.refresh_token === 'string' ? body.refresh_token : null;
    if (next) refresh = { ...refresh, token: next };
    await o.onTokens?.(token, next);
    return true;
  }
  /** When X said the window is used up (x-rate-limit-remaining: 0), nothing is asked until its reset. */
  let quietUntil = 0;
  const call = async (path: string, params: Record<string, string> = {}, opts: RequestOptions = {}) => {
    if (now().getTime() < quietUntil) throw new SocialError('rate_limited', 'X: the rate-limit window is used up', new Date(quietUntil));
    const a = await once(path, params, opts);
    const remaining = a.headers.get('x-rate-limit-remaining');
    const reset = Number(a.headers.get('x-rate-limit-reset') ?? NaN);
    if (remaining === '0' && Number.isFinite(reset) && a.status < 300) quietUntil = Math.min(reset * 1000, now().getTime() + 15 * 60_000);
    // An expired access token is renewed once; a POST is safe to repeat here: X refused it with 401, nothing was made.
    if (a.status === 401 && (await renew())) return once(path, params, opts);
    return a;
  };

  async function whoami() {
    if (me) return me;
    const data = check(await call('users/me')).data as { id?: unknown; username?: unknown } | undefined;
    if (typeof data?.id !== 'string') throw new SocialError('transient', 'X answered users/me without an id');
    me = { id: data.id, username: typeof data.username === 'string' ? data.username.slice(0, 50) : data.id };
    return me;
  }

  return {
    kind: 'x',
    droppedMetrics: new Set<string>(),
    async whoami() {
      return `@${(await whoami()).username}`;
    },
    async publish(text, inReplyTo) {
      const payload = inReplyTo ? { text, reply: { in_reply_to_tweet_id: inReplyTo } } : { text };
      const body = check(await call('tweets', {}, { method: 'POST', body: JSON.stringify(payload), headers: { 'content-type': 'application/json' } }));
      const id = (body.data as { id?: unknown } | undefined)?.id;
      if (typeof id !== 'string' || !id) throw new SocialError('transient', 'X answered without a post id');
      return id;
    },
    async findOwn(text, inReplyTo, since) {
      const { id } = await whoami();
      const body = check(
        await call(`users/${encodeURIComponent(id)}/tweets`, {
          max_results: '20',
          start_time: new Date(since.getTime() - 300_000).toISOString(),
          'tweet.fields': 'created_at,referenced_tweets',
        }),
      );
      for (const t of (body.data as Array<{ id?: unknown; text?: unknown; referenced_tweets?: Array<{ type?: string; id?: string }> }> | undefined) ?? []) {
        if (typeof t.id !== 'string' || typeof t.text !== 'string' || !sameText(t.text, text)) continue;
        const repliedTo = t.referenced_tweets?.find((r) => r.type === 'replied_to')?.id ?? null;
        if ((inReplyTo ?? null) !== repliedTo) continue;
        return t.id;
      }
      return null;
    },
    async figures(id) {
      const body = check(await call('tweets', { ids: id, 'tweet.fields': 'public_metrics' }));
      const t = (body.data as Array<{ id?: string; public_metrics?: Record<string, unknown> }> | undefined)?.find((d) => d.id === id);
      if (!t) {
        // A deleted post comes back as a partial error: { errors: [{ resource_id, type: …/resource-not-found }] }.
        const gone = (body.errors as Problem[] | undefined)?.some((e) => e.resource_id === id || /not-found/.test(e.type ?? ''));
        throw new SocialError(gone ? 'not_found' : 'transient', gone ? 'X: the post no longer exists' : 'X answered without the post');
      }
      const m = t.public_metrics ?? {};
      const out: Figures = {};
      const map: Record<string, string> = { impression_count: 'impressions', retweet_count: 'retweets', reply_count: 'replies', like_count: 'likes', quote_count: 'quotes' };
      for (const [k, name] of Object.entries(map)) if (typeof m[k] === 'number') out[name] = m[k];
      return out;
    },
    async comments(id) {
      const mine = await whoami();
      const body = check(
        await call('tweets/search/recent', {
          query: `conversation_id:${id}`,
          max_results: '100',
          'tweet.fields': 'author_id,created_at,conversation_id',
          expansions: 'author_id',
          'user.fields': 'username',
        }),
      );
      const users = new Map(((body.includes as { users?: Array<{ id: string; username?: string }> } | undefined)?.users ?? []).map((u) => [u.id, u.username ?? '']));
      const out: RemoteComment[] = [];
      for (const t of (body.data as Array<{ id?: unknown; text?: unknown; author_id?: unknown; created_at?: unknown }> | undefined) ?? []) {
        if (typeof t.id !== 'string' || typeof t.text !== 'string' || t.author_id === mine.id) continue;
        out.push({
          id: t.id.slice(0, 100),
          author: `@${users.get(String(t.author_id)) ?? String(t.author_id ?? '')}`.slice(0, 100),
          text: t.text.slice(0, 5000),
          createdAt: typeof t.created_at === 'string' && Number.isFinite(Date.parse(t.created_at)) ? new Date(t.created_at).toISOString() : now().toISOString(),
        });
      }
      return out;
    },
  };
}
