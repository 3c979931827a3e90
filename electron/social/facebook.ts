/**
 * A Facebook Page through the Graph API (pinned version): posts on the Page's feed, comments
 * under them, reach from insights (post_total_media_view_unique: the post_impressions* metrics
 * were retired in 2025) and engagement from the post's fields.
 */
import type { Figures, RemoteComment, SocialConnector } from './connector';
import { sameText } from './connector';
import { SocialError, request, retryAfter } from './http';
import type { HttpAnswer, RequestOptions } from './http';
import { GRAPH_VERSION } from './url';

/** Graph's throttling codes (app, user, page, custom, business use case). */
const RATE_CODES = new Set([4, 17, 32, 613, 80001]);
/** Reach and clicks; stored as views and clicks. */
export const FACEBOOK_METRICS: Record<string, string> = { post_total_media_view_unique: 'views', post_clicks: 'clicks' };

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object';

interface GraphError {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
}

export interface FacebookOptions {
  pageId: string;
  token: string;
  /** Base URL without the version. */
  api: string;
  timeoutMs?: number;
  now?: () => Date;
}

export function facebookConnector(o: FacebookOptions): SocialConnector {
  const now = o.now ?? (() => new Date());
  const base = `${o.api}/${GRAPH_VERSION}`;
  const dropped = new Set<string>();

  /** Graph answers errors as { error: { code, error_subcode, message } }, throttling as codes 4/17/32/613. */
  function check(a: HttpAnswer, context: 'default' | 'insights' = 'default'): Record<string, unknown> {
    const body = isRecord(a.json) ? a.json : null;
    const err = body ? (body.error as GraphError | undefined) : undefined;
    if (a.status >= 200 && a.status < 300 && !err) {
      if (!body) throw new SocialError('transient', `Graph answered ${a.status} without JSON`, null, a.status);
      return body;
    }
    const code = err?.code ?? null;
    const what = `Graph ${a.status}${code !== null ? ` code ${code}` : ''}${err?.error_subcode ? `/${err.error_subcode}` : ''}`;
    if (code === 190 || code === 102) throw new SocialError('auth', `${what}: the Page token expired or was revoked`, null, a.status);
    if ((code !== null && RATE_CODES.has(code)) || a.status === 429) {
      throw new SocialError('rate_limited', `${what}: throttled`, regainAt(a) ?? new Date(now().getTime() + 60_000), a.status);
    }
    if (code === 100 && err?.error_subcode === 33) throw new SocialError('not_found', `${what}: the object no longer exists`, null, a.status);
    if (code === 100 && context === 'insights') throw new SocialError('unknown_metric', `${what}: ${String(err?.message ?? '').slice(0, 200)}`, null, a.status);
    if (a.status >= 500 || code === 1 || code === 2) throw new SocialError('transient', `${what}: server error`, null, a.status);
    if (a.status === 404) throw new SocialError('not_found', what, null, a.status);
    throw new SocialError('refused', `${what}: ${String(err?.message ?? 'refused').slice(0, 200)}`, null, a.status);
  }

  /** Business-use-case throttling says how many minutes until access is regained. */
  function regainAt(a: HttpAnswer): Date | null {
    const fromRetry = retryAfter(a.headers, now());
    if (fromRetry) return fromRetry;
    const buc = a.headers.get('x-business-use-case-usage');
    if (!buc) return null;
    try {
      const parsed = JSON.parse(buc) as Record<string, Array<{ estimated_time_to_regain_access?: number }>>;
      const minutes = Math.max(0, ...Object.values(parsed).flat().map((u) => u.estimated_time_to_regain_access ?? 0));
      return minutes > 0 ? new Date(now().getTime() + minutes * 60_000) : null;
    } catch {
      return null;
    }
  }

  const call = (path: string, params: Record<string, string>, opts: RequestOptions = {}) => {
    const q = new URLSearchParams(params).toString();
    return request(`${base}/${path}${q ? `?${q}` : ''}`, {
      ...opts,
      headers: { authorization: `Bearer ${o.token}`, ...(opts.headers ?? {}) },
      ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
    });
  };
  const seg = (id: string) => encodeURIComponent(id);

  async function insights(id: string, metrics: string[]): Promise<Figures> {
    const body = check(await call(`${seg(id)}/insights`, { metric: metrics.join(',') }), 'insights');
    const out: Figures = {};
    for (const m of (body.data as Array<{ name?: string; values?: Array<{ value?: unknown }> }> | undefined) ?? []) {
      const name = m.name && FACEBOOK_METRICS[m.name];
      const v = m.values?.[m.values.length - 1]?.value;
      if (name && typeof v === 'number' && Number.isFinite(v)) out[name] = Math.max(0, Math.round(v));
    }
    return out;
  }

  return {
    kind: 'facebook',
    droppedMetrics: dropped,
    async whoami() {
      const body = check(await call(seg(o.pageId), { fields: 'id,name' }));
      return String(body.name ?? body.id ?? o.pageId).slice(0, 100);
    },
    async publish(text, inReplyTo, image) {
      let body: Record<string, unknown>;
      if (inReplyTo) {
        body = check(await call(`${seg(inReplyTo)}/comments`, {}, { method: 'POST', body: new URLSearchParams({ message: text }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
      } else if (image) {
        const form = new FormData();
        form.set('message', text);
        // A copy on a plain ArrayBuffer: Blob takes no view of a SharedArrayBuffer.
        form.set('source', new Blob([new Uint8Array(image)], { type: 'image/png' }), 'area.png');
        body = check(await call(`${seg(o.pageId)}/photos`, {}, { method: 'POST', body: form }));
        // A photo answers { id: photo, post_id: the feed post }: the post is what people see and share.
        if (typeof body.post_id === 'string') return body.post_id;
      } else {
        body = check(await call(`${seg(o.pageId)}/feed`, {}, { method: 'POST', body: new URLSearchParams({ message: text }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
      }
      if (typeof body.id !== 'string' || !body.id) throw new SocialError('transient', 'Graph answered without an id');
      return body.id;
    },
    async findOwn(text, inReplyTo, since) {
      const path = inReplyTo ? `${seg(inReplyTo)}/comments` : `${seg(o.pageId)}/feed`;
      const params: Record<string, string> = { fields: 'id,message,created_time,from', limit: '50' };
      if (!inReplyTo) params.since = String(Math.floor(since.getTime() / 1000) - 300);
      else params.order = 'reverse_chronological';
      const body = check(await call(path, params));
      for (const p of (body.data as Array<{ id?: string; message?: string; created_time?: string; from?: { id?: string } }> | undefined) ?? []) {
        if (!p.id || typeof p.message !== 'string' || !sameText(p.message, text)) continue;
        if (inReplyTo && p.from?.id !== o.pageId) continue;
        const at = p.created_time ? Date.parse(p.created_time) : NaN;
        if (Number.isFinite(at) && at < since.getTime() - 300_000) continue;
        return p.id;
      }
      return null;
    },
    async figures(id) {
      const out: Figures = {};
      const wanted = Object.keys(FACEBOOK_METRICS).filter((m) => !dropped.has(m));
      if (wanted.length) {
        try {
          Object.assign(out, await insights(id, wanted));
        } catch (e) {
          if (!(e instanceof SocialError) || e.errorClass !== 'unknown_metric') throw e;
          // Graph refuses the whole request for one retired metric: ask one by one, drop the unknown.
          for (const m of wanted) {
            try {
              Object.assign(out, await insights(id, [m]));
            } catch (e2) {
              if (e2 instanceof SocialError && e2.errorClass === 'unknown_metric') dropped.add(m);
              else throw e2;
            }
          }
        }
      }
      const body = check(await call(seg(id), { fields: 'shares,comments.summary(true).limit(0),reactions.summary(true).limit(0)' }));
      const shares = (body.shares as { count?: unknown } | undefined)?.count;
      const comments = (body.comments as { summary?: { total_count?: unknown } } | undefined)?.summary?.total_count;
      const reactions = (body.reactions as { summary?: { total_count?: unknown } } | undefined)?.summary?.total_count;
      out.shares = typeof shares === 'number' ? shares : 0;
      if (typeof comments === 'number') out.comments = comments;
      if (typeof reactions === 'number') out.reactions = reactions;
      return out;
    },
    async comments(id) {
      const body = check(await call(`${seg(id)}/comments`, { fields: 'id,message,created_time,from', limit: '100', order: 'reverse_chronological' }));
      const out: RemoteComment[] = [];
      for (const c of (body.data as Array<{ id?: unknown; message?: unknown; created_time?: unknown; from?: { id?: unknown; name?: unknown } }> | undefined) ?? []) {
        if (typeof c.id !== 'string' || typeof c.message !== 'string') continue;
        if (c.from?.id === o.pageId) continue; // our own follow-ups
        out.push({
          id: c.id.slice(0, 100),
          author: typeof c.from?.name === 'string' ? c.from.name.slice(0, 100) : '',
          text: c.message.slice(0, 5000),
          createdAt: typeof c.created_time === 'string' && Number.isFinite(Date.parse(c.created_time)) ? new Date(c.created_time).toISOString() : now().toISOString(),
        });
      }
      return out;
    },
  };
}
