/**
 * Facebook Graph (v21.0) and X API v2 as one local HTTP server on 127.0.0.1, speaking their
 * documented shapes: the same paths, answers, error bodies ({ error: { code, error_subcode } },
 * { title, detail, type }) and rate-limit headers (x-business-use-case-usage, x-rate-limit-*).
 * The console embeds it for the demo and training (api=simulator); tests start it and inject
 * faults. A post's reach follows a viral curve, the seed's 800,000 views in four hours, run
 * `speedup` times faster. Post ids carry their creation time, so a restarted console still
 * reads figures for the posts it made before.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GRAPH_VERSION } from './url';

export interface SimPost {
  id: string;
  api: 'facebook' | 'x';
  text: string;
  createdMs: number;
  /** The post this comments on / replies to. */
  parent: string | null;
  /** Made by the citizens the simulator plays, not by us. */
  citizen: boolean;
  author: string;
  deleted: boolean;
  hasImage: boolean;
}

export interface SimFaults {
  /** The next N requests are throttled (X: 429 + x-rate-limit-reset; Graph: code 32 + usage header). */
  rateLimitNext: number;
  /** Seconds until the throttle lifts, as the headers say. */
  rateLimitSeconds: number;
  /** The next N post calls create the post, then answer 500 (the post did land). */
  failAfterLanding: number;
  /** Every token is expired (Graph code 190, X 401), except X tokens the simulator issued by refresh since. */
  tokenExpired: boolean;
  /** X refuses refresh tokens (revoked: a new login is needed). */
  refreshRevoked: boolean;
  /** Graph insights metrics the simulator no longer knows (code 100). */
  retiredMetrics: Set<string>;
  /** Answers are 10 MB of JSON-looking junk. */
  huge: boolean;
  /** Answers are an HTML error page. */
  nonJson: boolean;
  /** Every answer waits this long. */
  slowMs: number;
  /** What X's x-rate-limit-remaining says on answers that succeed (default 250). */
  xRemaining: number;
  /** A post call makes the post at once, then waits this long before answering (a crash test kills the caller meanwhile). */
  holdAfterLandingMs: number;
}

export interface SocialSimulator {
  url: string;
  port: number;
  faults: SimFaults;
  posts: Map<string, SimPost>;
  /** Every request: method and path (no query), for tests. */
  calls: Array<{ method: string; path: string }>;
  /** Ours (not citizens'), not deleted. */
  ourPosts(): SimPost[];
  deletePost(id: string): void;
  close(): Promise<void>;
}

export interface SimulatorOptions {
  port?: number;
  /** How much faster than real time the reach curve runs (60: four hours in four minutes). */
  speedup?: number;
  now?: () => number;
  /** Viral peak views for a Facebook post and impressions for an X post. */
  facebookPeak?: number;
  xPeak?: number;
}

export const FOUR_HOURS_MS = 4 * 3600_000;
const PAGE_NAME = 'Nordsjællands Politi (simulator)';
const X_USER = { id: '1900000000000000001', username: 'nsjpoliti_sim', name: 'Nordsjællands Politi (simulator)' };
const CITIZEN_TEXTS = [
  'Jeg så en hvid varevogn uden nummerplader ved stationen for en halv time siden.',
  'Delt! Pas på derude.',
  'Der kørte en sort bil meget stærkt ned ad Helsingørsvej lige før kl. 14.',
  'Min nabo har set en mand i grøn jakke ved skolen.',
  'Tak for info, vi holder øje.',
  'Kan det være ham der stod ved Netto i morges? Ca. 180 cm, mørkt hår.',
  'I saw someone matching the description near the harbour around noon.',
];

/** Share of the peak reached `elapsed` ms after posting: an S-curve, ~97 % at four hours. */
export function viralShare(elapsedMs: number): number {
  if (elapsedMs <= 0) return 0;
  const x = elapsedMs / FOUR_HOURS_MS;
  return 1 - Math.exp(-Math.pow(x / 0.45, 1.6));
}

export async function startSocialSimulator(opts: SimulatorOptions = {}): Promise<SocialSimulator> {
  const speedup = opts.speedup ?? 1;
  const clock = opts.now ?? Date.now;
  const fbPeak = opts.facebookPeak ?? 800_000;
  const xPeak = opts.xPeak ?? 240_000;
  const posts = new Map<string, SimPost>();
  const calls: SocialSimulator['calls'] = [];
  const faults: SimFaults = { rateLimitNext: 0, rateLimitSeconds: 2, failAfterLanding: 0, tokenExpired: false, refreshRevoked: false, retiredMetrics: new Set(), huge: false, nonJson: false, slowMs: 0, holdAfterLandingMs: 0, xRemaining: 250 };
  const landed = () => (faults.holdAfterLandingMs ? new Promise((r) => setTimeout(r, faults.holdAfterLandingMs)) : Promise.resolve());
  let counter = 0;
  /** X access tokens handed out by refresh: valid even when the old ones have expired. */
  const issued = new Set<string>();

  const newId = (api: 'facebook' | 'x', pageId: string) => {
    // The creation time is in the id: figures survive a console restart (and a simulator one).
    const n = `${clock()}${String(counter++ % 1000).padStart(3, '0')}`;
    return api === 'facebook' ? `${pageId}_${n}` : n;
  };
  const createdOf = (id: string): number | null => {
    const m = id.match(/(\d{13})\d{3}$/);
    return m ? Number(m[1]) : null;
  };
  /** A post we know, or one a previous run made (reconstructed from its id). */
  const lookup = (id: string, api: 'facebook' | 'x'): SimPost | null => {
    const p = posts.get(id);
    if (p) return p;
    const created = createdOf(id);
    if (created === null || created > clock()) return null;
    const rebuilt: SimPost = { id, api, text: '', createdMs: created, parent: null, citizen: false, author: '', deleted: false, hasImage: false };
    posts.set(id, rebuilt);
    return rebuilt;
  };
  const reach = (p: SimPost) => Math.round((p.api === 'facebook' ? fbPeak : xPeak) * viralShare((clock() - p.createdMs) * speedup));

  /** Citizens comment as the reach grows: one per 20,000 views, up to 30 per post. */
  const growComments = (p: SimPost) => {
    if (p.citizen || p.parent) return;
    const want = Math.min(30, Math.floor(reach(p) / 20_000));
    const have = [...posts.values()].filter((c) => c.parent === p.id && c.citizen).length;
    for (let i = have; i < want; i++) {
      const id = p.api === 'facebook' ? `${p.id}_c${i}` : `${p.id.slice(0, -3)}${String(500 + i).padStart(3, '0')}`;
      posts.set(id, {
        id,
        api: p.api,
        text: CITIZEN_TEXTS[(i + p.id.length) % CITIZEN_TEXTS.length]!,
        createdMs: clock(),
        parent: p.id,
        citizen: true,
        author: p.api === 'facebook' ? `Borger ${i + 1}` : `borger${i + 1}`,
        deleted: false,
        hasImage: false,
      });
    }
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });

  async function readBody(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req as AsyncIterable<Buffer>) {
      size += c.length;
      if (size > 8 * 1024 * 1024) throw new Error('too large');
      chunks.push(c);
    }
    return Buffer.concat(chunks);
  }

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    if (faults.nonJson) {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
      return;
    }
    if (faults.huge) {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x5b); // '[' forever: looks like JSON, never ends well
      let sent = 0;
      const pump = () => {
        while (sent < 10 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('error', () => undefined);
      pump();
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
    res.end(text);
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    calls.push({ method, path: url.pathname });
    if (calls.length > 10_000) calls.splice(0, calls.length - 5_000); // the embedded one runs for days
    const raw = method === 'POST' ? await readBody(req) : Buffer.alloc(0);
    if (faults.slowMs) await new Promise((r) => setTimeout(r, faults.slowMs));
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] === GRAPH_VERSION) return graph(req, res, url, method, parts.slice(1), raw);
    if (parts[0] === '2') return x(req, res, url, method, parts.slice(1), raw);
    send(res, 404, { error: { message: 'Unknown path', type: 'GraphMethodException', code: 803 } });
  }

  const resetEpoch = () => Math.ceil((clock() + faults.rateLimitSeconds * 1000) / 1000);

  // --- Graph ---
  async function graph(req: IncomingMessage, res: ServerResponse, url: URL, method: string, parts: string[], raw: Buffer) {
    const usage = (pct: number, regain: number) => ({
      'x-app-usage': JSON.stringify({ call_count: pct, total_cputime: 1, total_time: 1 }),
      'x-business-use-case-usage': JSON.stringify({ sim: [{ type: 'pages', call_count: pct, total_cputime: 1, total_time: 1, estimated_time_to_regain_access: regain }] }),
    });
    const err = (status: number, code: number, message: string, subcode?: number, headers: Record<string, string> = {}) =>
      send(res, status, { error: { message, type: code === 190 ? 'OAuthException' : 'GraphMethodException', code, ...(subcode ? { error_subcode: subcode } : {}), fbtrace_id: 'Sim' + counter } }, headers);
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '') || url.searchParams.get('access_token');
    if (!token) return err(400, 2500, 'An active access token must be used to query information about the current user.');
    if (faults.tokenExpired) return err(400, 190, 'Error validating access token: Session has expired.', 463);
    if (faults.rateLimitNext > 0) {
      faults.rateLimitNext--;
      // Page tokens are throttled per business use case; the header says when access returns (minutes, at least 1).
      return err(400, 32, 'Page request limit reached', undefined, usage(100, Math.max(1, Math.ceil(faults.rateLimitSeconds / 60))));
    }
    const ok = (body: unknown) => send(res, 200, body, usage(5, 0));
    const [objectId, edge] = parts;
    if (!objectId) return err(400, 100, 'Unsupported request');
    const form = method === 'POST' ? await formOf(req, raw) : new Map<string, string | Buffer>();
    const isPage = !objectId.includes('_');
    if (method === 'POST' && (edge === 'feed' || edge === 'photos') && isPage) {
      const message = form.get('message');
      if (typeof message !== 'string' || !message) return err(400, 100, '(#100) Missing message or attachment');
      const id = newId('facebook', objectId);
      posts.set(id, { id, api: 'facebook', text: message, createdMs: clock(), parent: null, citizen: false, author: objectId, deleted: false, hasImage: edge === 'photos' });
      await landed();
      if (faults.failAfterLanding > 0) {
        faults.failAfterLanding--;
        return err(500, 2, 'An unexpected error has occurred. Please retry your request later.');
      }
      return ok(edge === 'photos' ? { id: `${id}_photo`, post_id: id } : { id });
    }
    const post = isPage ? null : lookup(objectId, 'facebook');
    if (!isPage && (!post || post.deleted)) {
      return err(400, 100, `Unsupported get request. Object with ID '${objectId.slice(0, 80)}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, 33);
    }
    if (method === 'POST' && edge === 'comments' && post) {
      const message = form.get('message');
      if (typeof message !== 'string' || !message) return err(400, 100, '(#100) Missing message');
      const id = `${post.id}_${clock()}${String(counter++ % 1000).padStart(3, '0')}`;
      const pageId = post.id.split('_')[0]!;
      posts.set(id, { id, api: 'facebook', text: message, createdMs: clock(), parent: post.id, citizen: false, author: pageId, deleted: false, hasImage: false });
      await landed();
      if (faults.failAfterLanding > 0) {
        faults.failAfterLanding--;
        return err(500, 2, 'An unexpected error has occurred. Please retry your request later.');
      }
      return ok({ id });
    }
    if (method !== 'GET') return err(400, 100, 'Unsupported post request.');
    if (isPage && !edge) return ok({ id: objectId, name: PAGE_NAME });
    if (isPage && (edge === 'feed' || edge === 'posts')) {
      const since = Number(url.searchParams.get('since') ?? 0) * 1000;
      const list = [...posts.values()]
        .filter((p) => p.api === 'facebook' && !p.parent && !p.deleted && p.author === objectId && p.createdMs >= since)
        .sort((a, b) => b.createdMs - a.createdMs)
        .slice(0, Number(url.searchParams.get('limit') ?? 25));
      return ok({ data: list.map((p) => ({ id: p.id, message: p.text, created_time: graphTime(p.createdMs) })), paging: {} });
    }
    if (!post) return err(400, 100, 'Unsupported get request.');
    growComments(post);
    const children = [...posts.values()].filter((c) => c.parent === post.id && !c.deleted);
    if (edge === 'comments') {
      const list = children.sort((a, b) => b.createdMs - a.createdMs).slice(0, Number(url.searchParams.get('limit') ?? 25));
      return ok({
        data: list.map((c) => ({ id: c.id, message: c.text, created_time: graphTime(c.createdMs), from: c.citizen ? { name: c.author, id: `9${c.id.length}${c.author.length}` } : { name: PAGE_NAME, id: c.author } })),
        paging: {},
      });
    }
    if (edge === 'insights') {
      const metrics = (url.searchParams.get('metric') ?? '').split(',').filter(Boolean);
      const known = new Set(['post_total_media_view_unique', 'post_clicks', 'post_reactions_by_type_total']);
      const bad = metrics.find((m) => !known.has(m) || faults.retiredMetrics.has(m));
      if (!metrics.length || bad) return err(400, 100, `(#100) The value must be a valid insights metric`);
      const views = reach(post);
      return ok({
        data: metrics.map((m) => ({
          name: m,
          period: 'lifetime',
          values: [{ value: m === 'post_total_media_view_unique' ? views : m === 'post_clicks' ? Math.round(views * 0.04) : { like: Math.round(views * 0.01) } }],
          title: m,
          id: `${post.id}/insights/${m}/lifetime`,
        })),
        paging: {},
      });
    }
    if (!edge) {
      const views = reach(post);
      return ok({
        id: post.id,
        shares: { count: Math.round(views * 0.006) },
        comments: { data: [], summary: { order: 'ranked', total_count: children.length, can_comment: true } },
        reactions: { data: [], summary: { total_count: Math.round(views * 0.012), viewer_reaction: 'NONE' } },
      });
    }
    return err(400, 100, 'Unsupported get request.');
  }

  // --- X ---
  async function x(req: IncomingMessage, res: ServerResponse, url: URL, method: string, parts: string[], raw: Buffer) {
    const limits = (remaining: number) => ({ 'x-rate-limit-limit': '300', 'x-rate-limit-remaining': String(remaining), 'x-rate-limit-reset': String(resetEpoch()) });
    const problem = (status: number, title: string, detail: string, type: string, headers: Record<string, string> = {}) => send(res, status, { title, detail, type, status }, headers);
    if (method === 'POST' && parts[0] === 'oauth2' && parts[1] === 'token') {
      const form = new URLSearchParams(raw.toString('utf8'));
      if (form.get('grant_type') !== 'refresh_token' || !form.get('client_id') || !form.get('refresh_token') || faults.refreshRevoked) {
        return send(res, 400, { error: 'invalid_request', error_description: 'Value passed for the token was invalid.' });
      }
      const access = `sim-access-${clock()}-${counter++}`;
      issued.add(access);
      return send(res, 200, { token_type: 'bearer', expires_in: 7200, access_token: access, scope: 'tweet.read tweet.write users.read offline.access', refresh_token: `sim-refresh-${clock()}-${counter++}` });
    }
    const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!/^Bearer \S+/.test(req.headers.authorization ?? '') || (faults.tokenExpired && !issued.has(bearer))) {
      return problem(401, 'Unauthorized', 'Unauthorized', 'about:blank');
    }
    if (faults.rateLimitNext > 0) {
      faults.rateLimitNext--;
      return problem(429, 'Too Many Requests', 'Too Many Requests', 'about:blank', limits(0));
    }
    const ok = (status: number, body: unknown) => send(res, status, body, limits(faults.xRemaining));
    const [a, b, c] = parts;
    if (method === 'GET' && a === 'users' && b === 'me') return ok(200, { data: X_USER });
    if (method === 'POST' && a === 'tweets' && !b) {
      let body: { text?: unknown; reply?: { in_reply_to_tweet_id?: unknown } };
      try {
        body = JSON.parse(raw.toString('utf8')) as typeof body;
      } catch {
        return problem(400, 'Invalid Request', 'One or more parameters to your request was invalid.', 'https://api.twitter.com/2/problems/invalid-request');
      }
      if (typeof body.text !== 'string' || !body.text) return problem(400, 'Invalid Request', 'The text field is required.', 'https://api.twitter.com/2/problems/invalid-request');
      const parent = typeof body.reply?.in_reply_to_tweet_id === 'string' ? body.reply.in_reply_to_tweet_id : null;
      if (parent && (!lookup(parent, 'x') || posts.get(parent)?.deleted)) {
        return problem(400, 'Invalid Request', 'Your Tweet could not be sent because the Tweet you are replying to has been deleted.', 'https://api.twitter.com/2/problems/invalid-request');
      }
      if ([...posts.values()].some((p) => p.api === 'x' && !p.citizen && !p.deleted && p.text === body.text && p.parent === parent)) {
        return problem(403, 'Forbidden', 'You are not allowed to create a Tweet with duplicate content.', 'about:blank');
      }
      const id = newId('x', '');
      posts.set(id, { id, api: 'x', text: body.text, createdMs: clock(), parent, citizen: false, author: X_USER.id, deleted: false, hasImage: false });
      await landed();
      if (faults.failAfterLanding > 0) {
        faults.failAfterLanding--;
        return problem(503, 'Service Unavailable', 'Service Unavailable', 'about:blank');
      }
      return ok(201, { data: { id, text: body.text, edit_history_tweet_ids: [id] } });
    }
    if (method === 'GET' && a === 'tweets' && !b) {
      const ids = (url.searchParams.get('ids') ?? '').split(',').filter(Boolean).slice(0, 100);
      if (!ids.length) return problem(400, 'Invalid Request', 'The `ids` query parameter can not be empty', 'https://api.twitter.com/2/problems/invalid-request');
      const data: unknown[] = [];
      const errors: unknown[] = [];
      for (const id of ids) {
        const p = lookup(id, 'x');
        if (!p || p.deleted) {
          errors.push({ value: id, detail: `Could not find tweet with ids: [${id}].`, title: 'Not Found Error', resource_type: 'tweet', parameter: 'ids', resource_id: id, type: 'https://api.twitter.com/2/problems/resource-not-found' });
          continue;
        }
        growComments(p);
        const imp = reach(p);
        const replies = [...posts.values()].filter((r) => r.parent === p.id && !r.deleted).length;
        data.push({ id: p.id, text: p.text, edit_history_tweet_ids: [p.id], public_metrics: { retweet_count: Math.round(imp * 0.004), reply_count: replies, like_count: Math.round(imp * 0.01), quote_count: Math.round(imp * 0.0005), bookmark_count: 0, impression_count: imp } });
      }
      return ok(200, { ...(data.length ? { data } : {}), ...(errors.length ? { errors } : {}) });
    }
    if (method === 'GET' && a === 'users' && b === X_USER.id && c === 'tweets') {
      const start = Date.parse(url.searchParams.get('start_time') ?? '') || 0;
      const list = [...posts.values()]
        .filter((p) => p.api === 'x' && !p.citizen && !p.deleted && p.createdMs >= start)
        .sort((p, q) => q.createdMs - p.createdMs)
        .slice(0, Number(url.searchParams.get('max_results') ?? 10));
      return ok(200, {
        data: list.map((p) => ({ id: p.id, text: p.text, created_at: new Date(p.createdMs).toISOString(), ...(p.parent ? { referenced_tweets: [{ type: 'replied_to', id: p.parent }] } : {}) })),
        meta: { result_count: list.length },
      });
    }
    if (method === 'GET' && a === 'tweets' && b === 'search' && c === 'recent') {
      const conv = (url.searchParams.get('query') ?? '').match(/conversation_id:(\d+)/)?.[1];
      const root = conv ? lookup(conv, 'x') : null;
      if (root) growComments(root);
      const list = [...posts.values()].filter((p) => p.api === 'x' && p.parent === conv && !p.deleted);
      const users = list.filter((p) => p.citizen).map((p) => ({ id: `8${p.author.length}${p.author}`.replace(/\D/g, '7'), username: p.author, name: p.author }));
      return ok(200, {
        data: list.map((p) => ({ id: p.id, text: p.text, author_id: p.citizen ? `8${p.author.length}${p.author}`.replace(/\D/g, '7') : X_USER.id, created_at: new Date(p.createdMs).toISOString(), conversation_id: conv })),
        includes: { users },
        meta: { result_count: list.length },
      });
    }
    return problem(404, 'Not Found Error', 'Unknown endpoint', 'about:blank');
  }

  async function formOf(req: IncomingMessage, raw: Buffer): Promise<Map<string, string | Buffer>> {
    const type = req.headers['content-type'] ?? '';
    const out = new Map<string, string | Buffer>();
    if (type.startsWith('multipart/form-data')) {
      const fd = await new Response(new Uint8Array(raw), { headers: { 'content-type': type } }).formData();
      // forEach rather than entries(): the Electron entry files' DOM lib has no iterable FormData.
      const parts: Array<[string, string | Blob]> = [];
      fd.forEach((v, k) => parts.push([k, v]));
      for (const [k, v] of parts) out.set(k, typeof v === 'string' ? v : Buffer.from(await v.arrayBuffer()));
    } else {
      for (const [k, v] of new URLSearchParams(raw.toString('utf8'))) out.set(k, v);
    }
    return out;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    faults,
    posts,
    calls,
    ourPosts: () => [...posts.values()].filter((p) => !p.citizen && !p.deleted && p.text !== ''),
    deletePost(id) {
      const p = posts.get(id);
      if (p) p.deleted = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function graphTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
}
