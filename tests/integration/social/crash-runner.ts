/**
 * The console's social side as its own process (bundled by crash.test.ts), so the test can
 * SIGKILL it while a post call is under way: opens the store, runs the social outbox, and says
 * on stdout (one JSON object a line) each post's status until every one is posted.
 *
 * Env: DATA_DIR, TRYK_PASSPHRASE.
 */
import { alertPosts, startSocialRunner } from '../../../electron/social/service';
import { openStore } from '../../../electron/store/store';
import { lineLog } from '../../../electron/log';

const env = process.env;
const say = (obj: unknown) => process.stdout.write(`${JSON.stringify(obj)}\n`);
const store = await openStore({ dataDir: env.DATA_DIR as string, key: { kind: 'passphrase', passphrase: env.TRYK_PASSPHRASE as string } });
const runner = startSocialRunner({ db: store.db, tickMs: 50, timeoutMs: 20_000, log: lineLog((m) => say({ log: m })) });
say({ started: true });
for (;;) {
  const ids = (await store.db.all<{ id: number }>('SELECT id FROM alerts')).map((r) => r.id);
  const posts = (await Promise.all(ids.map((id) => alertPosts(store.db, id)))).flat();
  say({ statuses: posts.map((p) => p.status) });
  if (posts.length && posts.every((p) => p.status === 'posted')) break;
  // A post whose first answer never came is looked for again at once (the test does not wait out the backoff).
  await store.db.run("UPDATE social_posts SET next_attempt_at = NULL WHERE status = 'posting'");
  await new Promise((r) => setTimeout(r, 50));
}
await runner.close();
await store.close();
