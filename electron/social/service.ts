/**
 * Facebook and X as the running console does them: a durable posting outbox (one row per
 * alert and channel, the intent committed before the call, and after a crash or an unclear
 * answer our own post looked for before posting again), then each post's reach and comments
 * polled into the store on a schedule. Nothing here touches the SMS send: a dead token marks
 * its channel "needs new login" and stops only that channel.
 */
import type { AlertTimeline, SocialComment, SocialKind, SocialPostSummary } from '../../shared/social/schema';
import { TrykError } from '../../shared/bridge/result';
import { logFor } from '../log';
import type { Log } from '../log';
import type { Db } from '../store/db';
import { socialChannelService } from './channels';
import type { SocialChannel, SocialChannelService } from './channels';
import type { SocialConnector } from './connector';
import { facebookConnector } from './facebook';
import { SocialError } from './http';
import { backoffMs, nextPollDelayMs, POLL_UNTIL_MS } from './schedule';
import { startSocialSimulator } from './simulator';
import type { SocialSimulator } from './simulator';
import { parseSocialUrl, withTokens } from './url';
import { xConnector } from './x';

export interface SocialRunnerOptions {
  db: Db;
  now?: () => Date;
  log?: Log;
  /** Called (at most once per tick) with the alerts whose posts or figures changed. */
  onChange?: (alertIds: number[]) => void;
  tickMs?: number;
  /** Per request. */
  timeoutMs?: number;
  /** After this many unclear attempts a post is given up as failed. */
  maxAttempts?: number;
  /** Picture of an alert's area to attach to a Facebook post (null: text only). */
  imageFor?: (alertId: number) => Promise<Uint8Array | null>;
  /**
   * The tip inbox's intake: comments read under our posts are handed to it after they are
   * stored (it ignores one it has already). At start every stored comment is handed again, so
   * a crash between the two loses none.
   */
  toInbox?: (comment: InboxComment) => Promise<void>;
}

export interface InboxComment {
  channel: SocialKind;
  externalId: string;
  author: string;
  text: string;
  receivedAt: Date;
  alertId: number | null;
}

export interface SocialRunner {
  /** One round of planning, posting and polling (the timer calls it; tests may too). */
  tick(): Promise<void>;
  /** The embedded simulator, when a channel uses api=simulator. */
  simulator(): SocialSimulator | null;
  close(): Promise<void>;
}

interface PostRow {
  id: number;
  alert_id: number;
  channel_id: number;
  kind: 'post' | 'comment' | 'reply';
  in_reply_to: string | null;
  text: string;
  status: string;
  remote_id: string | null;
  attempts: number;
  intent_at: string | null;
  posted_at: string | null;
}

/** Builds connectors for channels; the embedded simulator is started on first need and shared. */
export function connectorFactory(opts: { timeoutMs?: number; now?: () => Date; saveUrl?: (channelId: number, url: string) => Promise<void> } = {}) {
  let sim: Promise<SocialSimulator> | null = null;
  let simSpeedup = 1;
  const cache = new Map<number, { url: string; connector: SocialConnector }>();
  async function forChannel(c: Pick<SocialChannel, 'id' | 'url'>): Promise<SocialConnector> {
    const hit = cache.get(c.id);
    if (hit && hit.url === c.url) return hit.connector;
    const s = parseSocialUrl(c.url);
    let api = s.api;
    if (api === 'simulator') {
      simSpeedup = Math.max(simSpeedup, s.speedup);
      sim ??= startSocialSimulator({ speedup: simSpeedup });
      api = (await sim).url;
    }
    const common = { token: s.token, api, ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}), ...(opts.now ? { now: opts.now } : {}) };
    const entry = { url: c.url, connector: null as unknown as SocialConnector };
    const onTokens = async (access: string, refresh: string | null) => {
      // X spends the old refresh token: the new pair is stored at once, and this connector keeps serving.
      entry.url = withTokens(entry.url, access, refresh);
      await opts.saveUrl?.(c.id, entry.url);
    };
    entry.connector = s.kind === 'facebook' ? facebookConnector({ ...common, pageId: s.account }) : xConnector({ ...common, refresh: s.refresh, onTokens });
    cache.set(c.id, entry);
    const connector = entry.connector;
    return connector;
  }
  return {
    forChannel,
    simulator: async () => (sim ? await sim : null),
    async close() {
      if (sim) await (await sim).close();
    },
  };
}

export function startSocialRunner(o: SocialRunnerOptions): SocialRunner {
  const { db } = o;
  const now = o.now ?? (() => new Date());
  const log = o.log ?? logFor('social');
  const channels = socialChannelService(db, now);
  const factory = connectorFactory({
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
    now,
    saveUrl: async (id, url) => void (await db.run('UPDATE social_channels SET url = ? WHERE id = ?', [url, id])),
  });
  const maxAttempts = o.maxAttempts ?? 12;
  /** Channels with a call under way: a slow API holds only its own channel. */
  const busy = new Set<number>();
  const loggedDrops = new Set<string>();
  const changed = new Set<number>();
  let simulator: SocialSimulator | null = null;
  let closed = false;
  let ticking: Promise<void> | null = null;
  const inFlight = new Set<Promise<unknown>>();

  const iso = (d: Date) => d.toISOString();

  async function handToInbox(cm: InboxComment) {
    if (!o.toInbox) return;
    // Kept in social_comments either way; the inbox takes it again at the next start.
    await o.toInbox(cm).catch((e: unknown) => log.warn(`social: a comment could not reach the tip inbox (${(e as Error).message})`));
  }

  /** Every stored comment to the inbox once at start (it ignores the ones it has): nothing lost to a crash in between. */
  const handedAll = (async () => {
    if (!o.toInbox) return;
    const rows = await db.all<{ kind: SocialKind; remote_id: string; author: string; text: string; created_at: string; alert_id: number | null }>(
      'SELECT c.kind, sc.remote_id, sc.author, sc.text, sc.created_at, sc.alert_id FROM social_comments sc JOIN social_channels c ON c.id = sc.channel_id ORDER BY sc.id',
    );
    for (const r of rows) await handToInbox({ channel: r.kind, externalId: r.remote_id, author: r.author, text: r.text, receivedAt: new Date(r.created_at), alertId: r.alert_id });
  })().catch((e: unknown) => log.warn(`social: stored comments could not be handed to the tip inbox (${(e as Error).message})`));

  /** Rows for every released alert that chose a kind, on each enabled channel of that kind added before the release. */
  async function plan(list: SocialChannel[]) {
    for (const c of list.filter((x) => x.enabled)) {
      const due = await db.all<{ id: number; parent_id: number | null; social_text: string }>(
        `SELECT a.id, a.parent_id, a.social_text FROM alerts a
          WHERE a.released_at IS NOT NULL AND a.released_at >= ? AND a.status <> 'cancelled'
            AND EXISTS (SELECT 1 FROM json_each(a.channels) WHERE value = ?)
            AND NOT EXISTS (SELECT 1 FROM social_posts p WHERE p.alert_id = a.id AND p.channel_id = ?)`,
        [c.createdAt, c.kind, c.id],
      );
      for (const a of due) {
        let kind: PostRow['kind'] = 'post';
        let inReplyTo: string | null = null;
        if (a.parent_id !== null) {
          const parent = await db.get<{ status: string; remote_id: string | null }>('SELECT status, remote_id FROM social_posts WHERE alert_id = ? AND channel_id = ?', [a.parent_id, c.id]);
          if (parent && !parent.remote_id && ['queued', 'posting'].includes(parent.status)) continue; // the thread's start is not out yet
          if (parent?.remote_id && parent.status === 'posted') {
            kind = c.kind === 'facebook' ? 'comment' : 'reply';
            inReplyTo = parent.remote_id;
          }
        }
        const text = a.social_text.trim();
        await db.run(
          `INSERT OR IGNORE INTO social_posts (alert_id, channel_id, kind, in_reply_to, text, status, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
          [a.id, c.id, kind, inReplyTo, text, text ? 'queued' : 'failed', iso(now())],
        );
        if (!text) await db.run("UPDATE social_posts SET last_error = 'empty text' WHERE alert_id = ? AND channel_id = ?", [a.id, c.id]);
        changed.add(a.id);
      }
    }
  }

  async function onAuth(c: SocialChannel, e: SocialError) {
    if (await channels.markNeedsLogin(c.id)) log.warn(`social ${c.name}: needs a new login (${e.message})`);
  }

  /** Posts (or reconciles) one due row of a channel. */
  async function postOne(c: SocialChannel, connector: SocialConnector, p: PostRow) {
    const at = now();
    try {
      if (p.status === 'posting' && p.intent_at) {
        // An earlier attempt may have landed (a crash mid-call, a 500 after the post was made).
        const found = await connector.findOwn(p.text, p.in_reply_to, new Date(p.intent_at));
        if (found) {
          await db.run("UPDATE social_posts SET status = 'posted', remote_id = ?, posted_at = ?, last_error = NULL WHERE id = ?", [found, iso(now()), p.id]);
          log.info(`social ${c.name}: alert ${p.alert_id} was already posted (${found}); not posting again`);
          changed.add(p.alert_id);
          return;
        }
      }
      // The intent is committed before the call: a crash from here on is reconciled above.
      await db.run("UPDATE social_posts SET status = 'posting', intent_at = ?, attempts = attempts + 1 WHERE id = ?", [iso(at), p.id]);
      const image = p.kind === 'post' && c.kind === 'facebook' && o.imageFor ? await o.imageFor(p.alert_id).catch(() => null) : null;
      const id = await connector.publish(p.text, p.in_reply_to, image);
      await db.run("UPDATE social_posts SET status = 'posted', remote_id = ?, posted_at = ?, last_error = NULL WHERE id = ?", [id, iso(now()), p.id]);
      log.info(`social ${c.name}: alert ${p.alert_id} posted`);
    } catch (e) {
      if (!(e instanceof SocialError)) throw e;
      const attempts = p.attempts + 1;
      if (e.errorClass === 'rate_limited') {
        // Nothing was made: the post waits, as it was, until the API says it may come back.
        await db.run('UPDATE social_posts SET status = ?, next_attempt_at = ?, last_error = ? WHERE id = ?', [p.status === 'posting' && p.intent_at ? 'posting' : 'queued', iso(e.retryAt!), e.message, p.id]);
      } else if (e.errorClass === 'auth') {
        await db.run('UPDATE social_posts SET status = ?, last_error = ? WHERE id = ?', [p.status === 'posting' ? 'posting' : 'queued', e.message, p.id]);
        await onAuth(c, e);
      } else if (e.errorClass === 'transient' && attempts < maxAttempts) {
        // The outcome is unknown: stay 'posting', so the next attempt looks for the post first.
        await db.run('UPDATE social_posts SET next_attempt_at = ?, last_error = ? WHERE id = ?', [iso(new Date(now().getTime() + backoffMs(attempts))), e.message, p.id]);
      } else {
        await db.run("UPDATE social_posts SET status = 'failed', last_error = ? WHERE id = ?", [e.message, p.id]);
        log.warn(`social ${c.name}: alert ${p.alert_id} not posted (${e.message})`);
      }
    }
    changed.add(p.alert_id);
  }

  async function pollOne(c: SocialChannel, connector: SocialConnector, p: PostRow) {
    const at = now();
    const postedMs = Date.parse(p.posted_at ?? at.toISOString());
    const pollBase = parseSocialUrl(c.url).pollSeconds;
    try {
      const figures = await connector.figures(p.remote_id!);
      for (const m of connector.droppedMetrics) {
        if (loggedDrops.has(`${c.id}:${m}`)) continue;
        loggedDrops.add(`${c.id}:${m}`);
        log.warn(`social ${c.name}: the API no longer knows the metric ${m}; reading the others`);
      }
      const comments = p.kind === 'post' ? await connector.comments(p.remote_id!) : [];
      const stamp = iso(now());
      const fresh: typeof comments = [];
      await db.transaction(async (tx) => {
        for (const [metric, value] of Object.entries(figures)) {
          await tx.run('INSERT OR REPLACE INTO social_metrics (post_id, at, metric, value) VALUES (?, ?, ?, ?)', [p.id, stamp, metric.slice(0, 40), Math.round(value)]);
        }
        for (const cm of comments) {
          const r = await tx.run(
            `INSERT OR IGNORE INTO social_comments (channel_id, post_id, alert_id, remote_id, author, text, created_at, received_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
            [c.id, p.id, p.alert_id, cm.id, cm.author, cm.text, cm.createdAt, stamp],
          );
          if (r.changes > 0) fresh.push(cm);
        }
        const delay = nextPollDelayMs(now().getTime() - postedMs, pollBase);
        await tx.run('UPDATE social_posts SET polls = polls + 1, next_poll_at = ? WHERE id = ?', [delay === null ? null : iso(new Date(now().getTime() + delay)), p.id]);
      });
      for (const cm of fresh) await handToInbox({ channel: c.kind, externalId: cm.id, author: cm.author, text: cm.text, receivedAt: new Date(cm.createdAt), alertId: p.alert_id });
    } catch (e) {
      if (!(e instanceof SocialError)) throw e;
      if (e.errorClass === 'not_found') {
        await db.run("UPDATE social_posts SET status = 'deleted', deleted_at = ?, next_poll_at = NULL, last_error = ? WHERE id = ?", [iso(now()), 'deleted on the platform', p.id]);
        log.warn(`social ${c.name}: the post of alert ${p.alert_id} was deleted on the platform; its figures stop`);
      } else if (e.errorClass === 'auth') {
        await onAuth(c, e);
      } else {
        const retry = e.retryAt ?? new Date(now().getTime() + (nextPollDelayMs(now().getTime() - postedMs, pollBase) ?? 60_000));
        await db.run('UPDATE social_posts SET next_poll_at = ?, last_error = ? WHERE id = ?', [iso(retry), e.message, p.id]);
      }
    }
    changed.add(p.alert_id);
  }

  /** Each channel works through its due rows one at a time, beside the others. */
  async function work(c: SocialChannel) {
    const connector = await factory.forChannel(c);
    simulator ??= await factory.simulator();
    const stamp = iso(now());
    const toPost = await db.all<PostRow>(
      `SELECT * FROM social_posts WHERE channel_id = ? AND status IN ('queued', 'posting')
         AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY id LIMIT 5`,
      [c.id, stamp],
    );
    for (const p of toPost) {
      if (closed || (await channels.get(c.name))?.state !== 'ok') return;
      await postOne(c, connector, p);
    }
    const toPoll = await db.all<PostRow>(
      `SELECT * FROM social_posts WHERE channel_id = ? AND kind = 'post' AND status = 'posted' AND remote_id IS NOT NULL
         AND (next_poll_at IS NULL OR next_poll_at <= ?) AND posted_at >= ? ORDER BY next_poll_at LIMIT 20`,
      [c.id, stamp, iso(new Date(now().getTime() - POLL_UNTIL_MS * Math.max(1, parseSocialUrl(c.url).pollSeconds / 60)))],
    );
    for (const p of toPoll) {
      if (closed || (await channels.get(c.name))?.state !== 'ok') return;
      await pollOne(c, connector, p);
    }
  }

  async function tick() {
    if (closed) return;
    const list = await channels.list();
    await plan(list);
    for (const c of list) {
      if (!c.enabled || c.state !== 'ok' || busy.has(c.id)) continue;
      busy.add(c.id);
      const job = work(c)
        .catch((e: unknown) => log.warn(`social ${c.name}: ${(e as Error).message}`))
        .finally(() => {
          busy.delete(c.id);
          inFlight.delete(job);
          flush();
        });
      inFlight.add(job);
    }
    flush();
  }

  function flush() {
    if (!changed.size || !o.onChange) return;
    const ids = [...changed];
    changed.clear();
    o.onChange(ids);
  }

  const timer = setInterval(() => {
    if (ticking) return;
    ticking = tick()
      .catch((e: unknown) => log.warn(`social: ${(e as Error).message}`))
      .finally(() => (ticking = null));
  }, o.tickMs ?? 1000);
  timer.unref?.();

  return {
    async tick() {
      await tick();
      await Promise.all([...inFlight]);
    },
    simulator: () => simulator,
    async close() {
      closed = true;
      await handedAll;
      clearInterval(timer);
      await ticking;
      await Promise.allSettled([...inFlight]);
      await factory.close();
    },
  };
}

/** Each channel's post of an alert with its latest figures: the monitor and `tryk alert status`. */
export async function alertPosts(db: Db, alertId: number): Promise<SocialPostSummary[]> {
  const rows = await db.all<{ id: number; name: string; kind: SocialKind; post_kind: 'post' | 'comment' | 'reply'; status: string; remote_id: string | null; posted_at: string | null; last_error: string | null; state: string }>(
    `SELECT p.id, c.name, c.kind, p.kind AS post_kind, p.status, p.remote_id, p.posted_at, p.last_error, c.state
       FROM social_posts p JOIN social_channels c ON c.id = p.channel_id WHERE p.alert_id = ? ORDER BY c.name`,
    [alertId],
  );
  const out: SocialPostSummary[] = [];
  for (const r of rows) {
    const latest = await db.all<{ metric: string; value: number; at: string }>(
      `SELECT metric, value, at FROM social_metrics m WHERE post_id = ? AND at = (SELECT max(at) FROM social_metrics WHERE post_id = m.post_id)`,
      [r.id],
    );
    out.push({
      channel: r.name,
      kind: r.kind,
      postKind: r.post_kind,
      status: (r.state === 'needs_login' && ['queued', 'posting'].includes(r.status) ? 'needs_login' : r.status) as SocialPostSummary['status'],
      remoteId: r.remote_id,
      postedAt: r.posted_at,
      lastError: r.last_error,
      figures: Object.fromEntries(latest.map((l) => [l.metric, l.value])),
      figuresAt: latest[0]?.at ?? null,
    });
  }
  return out;
}

const MAX_POINTS = 1500;

/** SMS delivered, Facebook views, X impressions and tips for one alert, cumulative, on one time axis. */
export async function alertTimeline(db: Db, alertId: number): Promise<AlertTimeline> {
  const alert = await db.get<{ released_at: string | null }>('SELECT released_at FROM alerts WHERE id = ?', [alertId]);
  if (!alert) throw new TrykError('not_found', `No alert ${alertId}`);
  const cumulative = (rows: Array<{ t: number; n: number }>): Array<[number, number]> => {
    let sum = 0;
    return rows.map((r) => [r.t, (sum += r.n)] as [number, number]);
  };
  const thin = (pts: Array<[number, number]>) => (pts.length <= MAX_POINTS ? pts : pts.filter((_, i) => i % Math.ceil(pts.length / MAX_POINTS) === 0 || i === pts.length - 1));
  // Deliveries in 2-second buckets: the outbox row's last change is when its receipt came.
  const sms = await db.all<{ t: number; n: number }>(
    `SELECT (o.updated_at / 2000) * 2000 AS t, count(*) AS n FROM outbox o JOIN sends s ON s.id = o.send_id
      WHERE s.alert_ref = ? AND o.state = 'delivered' GROUP BY t ORDER BY t`,
    [`alert:${alertId}`],
  );
  const metric = async (kind: SocialKind, name: string) =>
    (
      await db.all<{ at: string; value: number }>(
        `SELECT m.at, max(m.value) AS value FROM social_metrics m JOIN social_posts p ON p.id = m.post_id JOIN social_channels c ON c.id = p.channel_id
          WHERE p.alert_id = ? AND c.kind = ? AND m.metric = ? GROUP BY m.at ORDER BY m.at`,
        [alertId, kind, name],
      )
    ).map((r) => [Date.parse(r.at), r.value] as [number, number]);
  // The tip inbox holds every tip (SMS and the comments handed to it); comments it has not
  // taken (a console without one, as in tests) count from social_comments.
  const tipRows = await db.all<{ at: string }>(
    `SELECT received_at AS at FROM tips WHERE alert_id = ?
     UNION ALL SELECT sc.created_at AS at FROM social_comments sc JOIN social_channels c ON c.id = sc.channel_id
      WHERE sc.alert_id = ? AND NOT EXISTS (SELECT 1 FROM tips t WHERE t.channel = c.kind AND t.external_id = sc.remote_id)
     ORDER BY at`,
    [alertId, alertId],
  );
  const start = alert.released_at ? Date.parse(alert.released_at) : null;
  const tips = cumulative(tipRows.map((r) => ({ t: Math.max(Date.parse(r.at), start ?? 0), n: 1 })));
  const withOrigin = (pts: Array<[number, number]>) => (start !== null && pts.length && pts[0]![0] > start ? [[start, 0] as [number, number], ...pts] : pts);
  return {
    alertId,
    series: [
      { key: 'sms_delivered', points: thin(withOrigin(cumulative(sms))) },
      { key: 'facebook_views', points: thin(withOrigin(await metric('facebook', 'views'))) },
      { key: 'x_impressions', points: thin(withOrigin(await metric('x', 'impressions'))) },
      { key: 'tips', points: thin(withOrigin(tips)) },
    ],
    posts: await alertPosts(db, alertId),
  };
}

/** Comments and replies under our posts, newest first (untrusted text). */
export async function listComments(db: Db, opts: { alertId?: number; limit?: number } = {}): Promise<SocialComment[]> {
  const rows = await db.all<{ id: number; name: string; kind: SocialKind; alert_id: number | null; author: string; text: string; created_at: string }>(
    `SELECT sc.id, c.name, c.kind, sc.alert_id, sc.author, sc.text, sc.created_at FROM social_comments sc JOIN social_channels c ON c.id = sc.channel_id
      ${opts.alertId !== undefined ? 'WHERE sc.alert_id = ?' : ''} ORDER BY sc.created_at DESC, sc.id DESC LIMIT ?`,
    opts.alertId !== undefined ? [opts.alertId, opts.limit ?? 200] : [opts.limit ?? 200],
  );
  return rows.map((r) => ({ id: r.id, channel: r.name, kind: r.kind, alertId: r.alert_id, author: r.author, text: r.text, createdAt: r.created_at }));
}

/** Asks the API who the token belongs to: what `tryk social test` and the settings screen do. */
export async function testSocialChannel(service: SocialChannelService, name: string, timeoutMs = 15_000) {
  const c = await service.get(name);
  if (!c) throw new TrykError('not_found', `No social channel called ${name}`);
  const factory = connectorFactory({ timeoutMs, saveUrl: service.saveUrl });
  const started = Date.now();
  try {
    const account = await (await factory.forChannel(c)).whoami();
    return { name, ok: true as const, account, ms: Date.now() - started };
  } catch (e) {
    if (e instanceof SocialError) {
      if (e.errorClass === 'auth') {
        await service.markNeedsLogin(c.id);
        throw new TrykError('unauthorized', `${name}: the token is expired or revoked; add a new one (${e.message})`);
      }
      throw new TrykError('unavailable', `${name}: ${e.message}`);
    }
    throw e;
  } finally {
    await factory.close();
  }
}
