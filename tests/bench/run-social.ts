// The social benchmark: the posting outbox and the reach poller against the Facebook and X
// simulator over loopback HTTP, in a real SQLCipher store, and the area picture.
//   npm run bench:social [alerts]      (default 200 alerts, each on Facebook and X)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { readBundledBoundaries } from '../../electron/boundaries/bundled';
import { socialChannelService } from '../../electron/social/channels';
import { drawAreaPng } from '../../electron/social/picture';
import { startSocialRunner } from '../../electron/social/service';
import { startSocialSimulator } from '../../electron/social/simulator';
import { createStore } from '../../electron/store/store';
import { lineLog } from '../../electron/log';

const ALERTS = Number(process.argv[2] ?? 200);
const dir = mkdtempSync(join(tmpdir(), 'tryk-social-bench-'));
const store = await createStore({ dataDir: join(dir, 'store'), key: { kind: 'passphrase', passphrase: 'bench-passphrase' }, kdf: 'fast' });
const sim = await startSocialSimulator({ speedup: 60 });
const print = (s: string) => console.log(s);
const ms = (n: number) => `${n.toFixed(1)} ms`;
try {
  const channels = socialChannelService(store.db, () => new Date(Date.now() - 60_000));
  await channels.add('fb', `facebook://112233?token=t&api=${sim.url}`);
  await channels.add('x', `x://?token=t&api=${sim.url}`);
  await store.db.run("INSERT INTO officers (id, username, display_name, roles, pass_hash, created_at, updated_at) VALUES (1, 'b', 'B', '[]', 'x', 'now', 'now')");
  const at = new Date().toISOString();
  for (let i = 0; i < ALERTS; i++) {
    await store.db.run(
      `INSERT INTO alerts (uuid, kind, category, language, sms_text, social_text, status, created_by, last_edited_by, released_at, created_at, updated_at, channels)
       VALUES (?, 'alert', 'burglary', 'da', 's', ?, 'scheduled', 1, 1, ?, ?, ?, '["sms","facebook","x"]')`,
      [`u${i}`, `Indbrud nr. ${i} i Hillerød i nat. Ring 114. #politidk`, at, at, at],
    );
  }
  const loop = monitorEventLoopDelay({ resolution: 1 });
  const runner = startSocialRunner({ db: store.db, tickMs: 3_600_000, log: lineLog(print, 'warn') });
  // Posting: each channel works through its queue one post at a time (5 per round).
  loop.enable();
  let cpu0 = process.cpuUsage();
  let t0 = performance.now();
  let rounds = 0;
  for (;;) {
    await runner.tick();
    rounds++;
    const left = await store.db.get<{ n: number }>("SELECT count(*) AS n FROM social_posts WHERE status <> 'posted'");
    if (!left?.n) break;
  }
  let wall = performance.now() - t0;
  let cpu = process.cpuUsage(cpu0);
  const posts = ALERTS * 2;
  print(`posting: ${posts} posts (${ALERTS} alerts × Facebook + X) in ${(wall / 1000).toFixed(2)} s, ${rounds} rounds; ${ms((cpu.user + cpu.system) / 1000 / posts)} CPU per post; simulator holds ${sim.ourPosts().length} posts (one each: ${sim.ourPosts().length === posts})`);
  print(`  event-loop delay while posting: p99 ${ms(loop.percentile(99) / 1e6)}, max ${ms(loop.max / 1e6)}`);

  // One poll round of every post: figures and comments into the store.
  loop.reset();
  await store.db.run('UPDATE social_posts SET next_poll_at = NULL');
  cpu0 = process.cpuUsage();
  t0 = performance.now();
  let polled = 0;
  while (polled < posts) {
    await runner.tick();
    polled = (await store.db.get<{ n: number }>('SELECT count(*) AS n FROM social_posts WHERE polls > 0'))!.n;
  }
  wall = performance.now() - t0;
  cpu = process.cpuUsage(cpu0);
  const rows = (await store.db.get<{ n: number }>('SELECT count(*) AS n FROM social_metrics'))!.n;
  print(`polling: ${posts} posts read (figures + comments) in ${(wall / 1000).toFixed(2)} s; ${ms((cpu.user + cpu.system) / 1000 / posts)} CPU per post; ${rows} metric rows stored`);
  print(`  event-loop delay while polling: p99 ${ms(loop.percentile(99) / 1e6)}, max ${ms(loop.max / 1e6)}`);
  loop.disable();
  await runner.close();

  // The area picture with every municipality drawn around the area.
  const context = readBundledBoundaries()
    .filter((b) => b.kind === 'municipality')
    .flatMap((b) => b.geometry.coordinates.flat() as [number, number][][]);
  const part = { mode: 'include' as const, rings: [[[12.2, 55.9], [12.4, 55.9], [12.4, 56], [12.2, 56], [12.2, 55.9]]] as [number, number][][] };
  for (let i = 0; i < 3; i++) {
    const d = monitorEventLoopDelay({ resolution: 1 });
    d.enable();
    const t = performance.now();
    const png = await drawAreaPng([part], context);
    const total = performance.now() - t;
    d.disable();
    print(`picture: 1200×630 PNG (${png!.length.toLocaleString('en')} bytes, ${context.length} context rings) in ${ms(total)}; event-loop delay max ${ms(d.max / 1e6)}`);
  }
} finally {
  await sim.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
