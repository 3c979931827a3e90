/**
 * The social outbox and reach poller against the Facebook and X simulators over real HTTP:
 * exactly one post per channel per alert through every fault the issue names, follow-ups
 * threaded, figures and comments polled into the store.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { socialChannelService } from '../../../electron/social/channels';
import { alertPosts, alertTimeline, listComments, startSocialRunner, testSocialChannel } from '../../../electron/social/service';
import { lineLog, silentLog } from '../../../electron/log';
import type { InboxComment, SocialRunner } from '../../../electron/social/service';
import { settingsService } from '../../../electron/config/settings';
import { createIntake } from '../../../electron/tips/intake';
import { startSocialSimulator } from '../../../electron/social/simulator';
import { drawAreaPng } from '../../../electron/social/picture';
import type { SocialSimulator } from '../../../electron/social/simulator';
import { testStore } from '../../support/store';
import { releasedAlert } from './helpers';

type TestStore = Awaited<ReturnType<typeof testStore>>;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Rig {
  store: TestStore;
  sim: SocialSimulator;
  runner: SocialRunner;
  logs: string[];
  /** Ticks until `done` holds (each tick also waits for its channel work). */
  until(done: () => Promise<boolean>, ticks?: number): Promise<void>;
}

async function rig(opts: { timeoutMs?: number; kinds?: Array<'facebook' | 'x'>; speedup?: number; image?: Uint8Array } = {}): Promise<Rig> {
  const store = await testStore();
  cleanups.push(() => store.remove());
  const sim = await startSocialSimulator({ speedup: opts.speedup ?? 3600 });
  cleanups.push(() => sim.close());
  const channels = socialChannelService(store.db, () => new Date(Date.now() - 60_000));
  const kinds = opts.kinds ?? ['facebook', 'x'];
  if (kinds.includes('facebook')) await channels.add('fb', `facebook://112233?token=page-token&api=${sim.url}&poll=1`);
  if (kinds.includes('x')) await channels.add('x', `x://?token=user-token&api=${sim.url}&poll=1`);
  const logs: string[] = [];
  const runner = startSocialRunner({
    db: store.db,
    tickMs: 3_600_000, // the test drives the ticks
    timeoutMs: opts.timeoutMs ?? 3000,
    log: lineLog((m) => logs.push(m), 'debug'),
    ...(opts.image ? { imageFor: async () => opts.image! } : {}),
  });
  cleanups.push(() => runner.close());
  return {
    store,
    sim,
    runner,
    logs,
    async until(done, ticks = 40) {
      for (let i = 0; i < ticks; i++) {
        await runner.tick();
        if (await done()) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('condition not reached');
    },
  };
}

const posted = (r: Rig, alertId: number, n: number) => async () =>
  (await alertPosts(r.store.db, alertId)).filter((p) => p.status === 'posted').length === n;
const TEXT = 'Indbrud i Hillerød i nat. Har du set noget mistænkeligt, så ring 114. #politidk';

describe('social outbox and reach against the simulators', () => {
  it('posts once on each channel, reads figures and comments into the store, threads follow-ups', async () => {
    const r = await rig();
    const id = await releasedAlert(r.store.db, { text: TEXT, channels: ['sms', 'facebook', 'x'] });
    await r.until(posted(r, id, 2));
    expect(r.sim.ourPosts().map((p) => p.api).sort()).toEqual(['facebook', 'x']);
    // Polls: figures rise along the viral curve (an hour of simulated time per second here).
    await r.until(async () => (await alertPosts(r.store.db, id)).every((p) => Object.keys(p.figures).length > 0));
    await new Promise((res) => setTimeout(res, 1500));
    await r.store.db.run('UPDATE social_posts SET next_poll_at = NULL');
    await r.runner.tick();
    const posts = await alertPosts(r.store.db, id);
    const fb = posts.find((p) => p.kind === 'facebook')!;
    const x = posts.find((p) => p.kind === 'x')!;
    expect(fb.figures.views).toBeGreaterThan(0);
    expect(x.figures.impressions).toBeGreaterThan(0);
    const timeline = await alertTimeline(r.store.db, id);
    const views = timeline.series.find((s) => s.key === 'facebook_views')!.points;
    expect(views.length).toBeGreaterThanOrEqual(2);
    expect(views.at(-1)![1]).toBeGreaterThan(views[0]![1]);
    // Citizens' comments and replies became rows (untrusted text kept as text).
    const comments = await listComments(r.store.db, { alertId: id });
    expect(comments.some((c) => c.kind === 'facebook')).toBe(true);
    expect(comments.some((c) => c.kind === 'x')).toBe(true);
    expect(timeline.series.find((s) => s.key === 'tips')!.points.at(-1)![1]).toBe(comments.length);

    // A follow-up: a comment under the Facebook post, a reply in the X thread.
    const update = await releasedAlert(r.store.db, { text: 'Opdatering: bilen er fundet. Tak for hjælpen.', channels: ['sms', 'facebook', 'x'], parentId: id });
    await r.until(posted(r, update, 2));
    const ups = await alertPosts(r.store.db, update);
    expect(ups.map((p) => p.postKind).sort()).toEqual(['comment', 'reply']);
    const fbComment = r.sim.posts.get(ups.find((p) => p.kind === 'facebook')!.remoteId!)!;
    const xReply = r.sim.posts.get(ups.find((p) => p.kind === 'x')!.remoteId!)!;
    expect(fbComment.parent).toBe(fb.remoteId);
    expect(xReply.parent).toBe(x.remoteId);
    // Our own follow-ups are not read back as tips.
    await r.store.db.run('UPDATE social_posts SET next_poll_at = NULL');
    await r.runner.tick();
    expect((await listComments(r.store.db)).some((c) => c.text.startsWith('Opdatering'))).toBe(false);
  });

  it('a 500 on a post call whose post landed: no second post', async () => {
    const r = await rig();
    r.sim.faults.failAfterLanding = 2;
    const id = await releasedAlert(r.store.db, { text: TEXT, channels: ['facebook', 'x'] });
    await r.store.db.run("UPDATE social_posts SET next_attempt_at = NULL"); // no backoff wait in the test
    await r.until(async () => {
      await r.store.db.run("UPDATE social_posts SET next_attempt_at = NULL WHERE status <> 'posted'");
      return posted(r, id, 2)();
    });
    expect(r.sim.ourPosts()).toHaveLength(2);
    expect(r.logs.filter((l) => /already posted/.test(l))).toHaveLength(2);
  });

  it('a 429 storm: waits for the reset the headers give, then posts once', async () => {
    const r = await rig();
    r.sim.faults.rateLimitNext = 6;
    r.sim.faults.rateLimitSeconds = 1;
    const id = await releasedAlert(r.store.db, { text: TEXT, channels: ['facebook', 'x'] });
    await r.runner.tick();
    const waiting = await r.store.db.all<{ next_attempt_at: string; status: string }>('SELECT next_attempt_at, status FROM social_posts');
    expect(waiting.every((w) => w.status === 'queued' && Date.parse(w.next_attempt_at) > Date.now())).toBe(true);
    await r.until(async () => {
      await r.store.db.run("UPDATE social_posts SET next_attempt_at = NULL WHERE status <> 'posted'");
      return posted(r, id, 2)();
    });
    expect(r.sim.ourPosts()).toHaveLength(2);
  });

  it('X says its window is used up (x-rate-limit-remaining: 0): nothing more is asked until the reset', async () => {
    const r = await rig({ kinds: ['x'] });
    r.sim.faults.xRemaining = 0;
    r.sim.faults.rateLimitSeconds = 600;
    const first = await releasedAlert(r.store.db, { text: TEXT, channels: ['x'] });
    await r.runner.tick();
    expect((await alertPosts(r.store.db, first))[0]!.status).toBe('posted');
    await releasedAlert(r.store.db, { text: 'Savnet: 82-årig mand i Gilleleje. Ring 114.', channels: ['x'] });
    const before = r.sim.calls.length;
    await r.runner.tick();
    expect(r.sim.calls.length).toBe(before);
    const waiting = await r.store.db.get<{ status: string; next_attempt_at: string }>("SELECT status, next_attempt_at FROM social_posts WHERE status <> 'posted'");
    expect(waiting!.status).toBe('queued');
    expect(Date.parse(waiting!.next_attempt_at)).toBeGreaterThan(Date.now() + 500_000);
  });

  it('a token expiring mid-campaign marks only that channel "needs new login"; a new token resumes it', async () => {
    const r = await rig();
    const first = await releasedAlert(r.store.db, { text: TEXT, channels: ['facebook', 'x'] });
    await r.until(posted(r, first, 2));
    r.sim.faults.tokenExpired = true;
    const second = await releasedAlert(r.store.db, { text: 'Savnet: 82-årig mand i Gilleleje. Ring 114.', channels: ['facebook', 'x'] });
    await r.runner.tick();
    const channels = socialChannelService(r.store.db);
    expect((await channels.list()).map((c) => c.state)).toEqual(['needs_login', 'needs_login']);
    expect((await alertPosts(r.store.db, second)).map((p) => p.status)).toEqual(['needs_login', 'needs_login']);
    await expect(testSocialChannel(channels, 'x')).rejects.toMatchObject({ code: 'unauthorized' });
    r.sim.faults.tokenExpired = false;
    await channels.add('fb', `facebook://112233?token=new-token&api=${r.sim.url}&poll=1`, { replace: true });
    await channels.add('x', `x://?token=new-token&api=${r.sim.url}&poll=1`, { replace: true });
    await r.until(posted(r, second, 2));
    expect(r.sim.ourPosts()).toHaveLength(4);
  });

  it('a metric the API no longer knows is logged once; the rest keep working', async () => {
    const r = await rig({ kinds: ['facebook'] });
    r.sim.faults.retiredMetrics.add('post_total_media_view_unique');
    const id = await releasedAlert(r.store.db, { text: TEXT, channels: ['facebook'] });
    await r.until(posted(r, id, 1));
    for (let i = 0; i < 3; i++) {
      await r.store.db.run('UPDATE social_posts SET next_poll_at = NULL');
      await r.runner.tick();
    }
    const [fb] = await alertPosts(r.store.db, id);
    expect(fb!.figures.views).toBeUndefined();
    expect(fb!.figures).toHaveProperty('clicks');
    expect(fb!.figures).toHaveProperty('shares');
    expect(r.logs.filter((l) => /no longer knows the metric post_total_media_view_unique/.test(l))).toHaveLength(1);
  });

  it('a post deleted on the platform: figures stop and the post is marked', async () => {
    const r = await rig();
    const id = await releasedAlert(r.store.db, { text: TEXT, channels: ['facebook', 'x'] });
    await r.until(posted(r, id, 2));
    for (const p of await alertPosts(r.store.db, id)) r.sim.deletePost(p.remoteId!);
    await r.store.db.run('UPDATE social_posts SET next_poll_at = NULL');
    await r.runner.tick();
    expect((await alertPosts(r.store.db, id)).map((p) => p.status)).toEqual(['deleted', 'deleted']);
    const before = r.sim.calls.length;
    await r.runner.tick();
    expect(r.sim.calls.length).toBe(before);
  });

  it('a 10 MB answer and a non-JSON answer are read within bounds and change nothing half-way', async () => {
    for (const fault of ['huge', 'nonJson'] as const) {
      const r = await rig({ kinds: ['x'] });
      r.sim.faults[fault] = true;
      const id = await releasedAlert(r.store.db, { text: `${TEXT} ${fault}`, channels: ['x'] });
      await r.runner.tick();
      const row = await r.store.db.get<{ status: string; last_error: string }>('SELECT status, last_error FROM social_posts WHERE alert_id = ?', [id]);
      expect(row!.status).toBe('posting'); // unclear: looked for before any second attempt
      expect(row!.last_error).toMatch(fault === 'huge' ? /too large/ : /without JSON|server error/);
      r.sim.faults[fault] = false;
      await r.until(async () => {
        await r.store.db.run("UPDATE social_posts SET next_attempt_at = NULL WHERE status <> 'posted'");
        return posted(r, id, 1)();
      });
      expect(r.sim.ourPosts()).toHaveLength(1);
    }
  });

  it('a slow API times out without holding the other channel', async () => {
    const r = await rig({ timeoutMs: 400, kinds: ['x'] });
    const fastSim = await startSocialSimulator();
    cleanups.push(() => fastSim.close());
    await socialChannelService(r.store.db, () => new Date(Date.now() - 60_000)).add('fb', `facebook://112233?token=t&api=${fastSim.url}`);
    r.sim.faults.slowMs = 5000;
    const id = await releasedAlert(r.store.db, { text: TEXT, channels: ['facebook', 'x'] });
    const t0 = Date.now();
    await r.runner.tick();
    expect(Date.now() - t0).toBeLessThan(4000);
    const posts = await alertPosts(r.store.db, id);
    expect(posts.find((p) => p.kind === 'facebook')!.status).toBe('posted');
    expect(posts.find((p) => p.kind === 'x')!.lastError).toMatch(/no answer within 400 ms/);
  });

  it('posts the area picture with the Facebook post (a photo post), text only on X', async () => {
    const png = (await drawAreaPng([{ mode: 'include', rings: [[[12.2, 55.9], [12.4, 55.9], [12.4, 56], [12.2, 55.9]]] }]))!;
    const r = await rig({ image: png });
    const id = await releasedAlert(r.store.db, { text: TEXT, channels: ['sms', 'facebook', 'x', 'picture'] });
    await r.until(posted(r, id, 2));
    const fb = r.sim.ourPosts().find((p) => p.api === 'facebook')!;
    expect(fb.hasImage).toBe(true);
    expect(r.sim.calls.filter((c) => c.method === 'POST').map((c) => c.path).sort()).toEqual(['/2/tweets', '/v21.0/112233/photos']);
    // The post (not the photo object) is what is measured.
    expect((await alertPosts(r.store.db, id)).find((p) => p.kind === 'facebook')!.remoteId).toBe(fb.id);
  });

  it('tests a channel: names the account, never the token', async () => {
    const r = await rig();
    const channels = socialChannelService(r.store.db);
    expect(await testSocialChannel(channels, 'fb')).toMatchObject({ ok: true, account: expect.stringMatching(/simulator/) });
    expect(await testSocialChannel(channels, 'x')).toMatchObject({ ok: true, account: '@nsjpoliti_sim' });
  });
});

describe('X OAuth 2.0 refresh', () => {
  it('renews an expired access token once, stores the new pair, and posts; a revoked refresh token means a new login', async () => {
    const store = await testStore();
    cleanups.push(() => store.remove());
    const sim = await startSocialSimulator();
    cleanups.push(() => sim.close());
    const channels = socialChannelService(store.db, () => new Date(Date.now() - 60_000));
    await channels.add('x', `x://?token=old-access&refresh=old-refresh&client=app-id&secret=app-secret&api=${sim.url}`);
    const runner = startSocialRunner({ db: store.db, tickMs: 3_600_000, log: silentLog() });
    cleanups.push(() => runner.close());
    sim.faults.tokenExpired = true;
    const id = await releasedAlert(store.db, { text: TEXT, channels: ['x'] });
    await runner.tick();
    expect((await alertPosts(store.db, id)).map((p) => p.status)).toEqual(['posted']);
    const url = new URL((await channels.get('x'))!.url);
    expect(url.searchParams.get('token')).toMatch(/^sim-access-/);
    expect(url.searchParams.get('refresh')).toMatch(/^sim-refresh-/);
    expect((await channels.get('x'))!.state).toBe('ok');

    // Both tokens dead: the channel needs a new login, and nothing else changes.
    sim.faults.refreshRevoked = true;
    await store.db.run("UPDATE social_channels SET url = ? WHERE name = 'x'", [`x://?token=dead&refresh=dead&client=app-id&api=${sim.url}`]);
    const second = await releasedAlert(store.db, { text: 'Savnet: 82-årig mand i Gilleleje. Ring 114.', channels: ['x'] });
    await runner.tick();
    expect((await channels.get('x'))!.state).toBe('needs_login');
    expect((await alertPosts(store.db, second)).map((p) => p.status)).toEqual(['needs_login']);
  });
});

describe('comments into the tip inbox', () => {
  it('hands each comment and reply to the tips intake once, and again after a restart without doubling', async () => {
    const store = await testStore();
    cleanups.push(() => store.remove());
    const sim = await startSocialSimulator({ speedup: 3600 });
    cleanups.push(() => sim.close());
    const channels = socialChannelService(store.db, () => new Date(Date.now() - 60_000));
    await channels.add('fb', `facebook://112233?token=t&api=${sim.url}&poll=1`);
    await channels.add('x', `x://?token=t&api=${sim.url}&poll=1`);
    const intake = createIntake({ db: store.db, settings: settingsService(store.db) });
    cleanups.push(() => intake.close());
    const toInbox = async (c: InboxComment) =>
      void (await intake.takeSocial({ channel: c.channel, externalId: c.externalId, sender: c.author, text: c.text, receivedAt: c.receivedAt, alertId: c.alertId }));
    const quiet = silentLog();
    let runner = startSocialRunner({ db: store.db, tickMs: 3_600_000, log: quiet, toInbox });
    const id = await releasedAlert(store.db, { text: TEXT, channels: ['facebook', 'x'] });
    for (let i = 0; i < 30; i++) {
      await runner.tick();
      const n = (await store.db.get<{ n: number }>('SELECT count(*) AS n FROM tips'))!.n;
      if (n > 0 && (await store.db.get<{ n: number }>("SELECT count(DISTINCT channel) AS n FROM tips"))!.n === 2) break;
      await store.db.run('UPDATE social_posts SET next_poll_at = NULL');
      await new Promise((r) => setTimeout(r, 100));
    }
    await runner.close();
    const stored = (await store.db.get<{ n: number }>('SELECT count(*) AS n FROM social_comments'))!.n;
    const tips = await store.db.all<{ channel: string; alert_id: number }>('SELECT channel, alert_id FROM tips ORDER BY id');
    expect(new Set(tips.map((t) => t.channel))).toEqual(new Set(['facebook', 'x']));
    expect(tips.every((t) => t.alert_id === id)).toBe(true);
    expect(tips).toHaveLength(stored);
    const timeline = await alertTimeline(store.db, id);
    expect(timeline.series.find((s) => s.key === 'tips')!.points.at(-1)![1]).toBe(stored);

    // A restart hands every stored comment again: the inbox keeps one of each.
    runner = startSocialRunner({ db: store.db, tickMs: 3_600_000, log: quiet, toInbox });
    await runner.close();
    expect((await store.db.get<{ n: number }>('SELECT count(*) AS n FROM tips'))!.n).toBe(stored);
  });
});
