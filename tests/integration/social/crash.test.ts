/**
 * One post per channel per alert across a SIGKILL during posting: the console is killed after
 * the simulator made the posts but before it answered; started again, it finds its own posts
 * and does not post a second time.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { socialChannelService } from '../../../electron/social/channels';
import { startSocialSimulator } from '../../../electron/social/simulator';
import { TEST_PASSPHRASE, testStore } from '../../support/store';
import { releasedAlert } from './helpers';

const root = resolve(__dirname, '../../..');
const outDir = join(root, 'node_modules', '.social-test');
const runner = join(outDir, 'crash-runner.mjs');

beforeAll(async () => {
  mkdirSync(outDir, { recursive: true });
  await build({ entryPoints: [join(__dirname, 'crash-runner.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: runner, logLevel: 'silent' });
});

const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function start(env: Record<string, string>): { child: ChildProcess; lines: AsyncIterableIterator<string>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [runner], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    return exited;
  });
  return { child, lines: createInterface({ input: child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator](), exited };
}

describe('social posting survives SIGKILL', () => {
  it('killed while the post calls were under way: after a restart, still one post per channel', async () => {
    const sim = await startSocialSimulator();
    cleanups.push(() => sim.close());
    const store = await testStore();
    cleanups.push(() => store.remove());
    const channels = socialChannelService(store.db, () => new Date(Date.now() - 60_000));
    await channels.add('fb', `facebook://112233?token=t&api=${sim.url}`);
    await channels.add('x', `x://?token=t&api=${sim.url}`);
    await releasedAlert(store.db, { text: 'Efterlyst bil: grå Toyota, AB 12 345, set i Helsingør. Ring 114.', channels: ['sms', 'facebook', 'x'] });
    const dataDir = store.dataDir;
    await store.close();
    const env = { DATA_DIR: dataDir, TRYK_PASSPHRASE: TEST_PASSPHRASE };

    // The posts land at once; the answers would come a minute later.
    sim.faults.holdAfterLandingMs = 60_000;
    const first = start(env);
    await new Promise<void>((res, rej) => {
      const timer = setInterval(() => {
        if (sim.ourPosts().length === 2) {
          clearInterval(timer);
          first.child.kill('SIGKILL');
          res();
        } else if (first.child.exitCode !== null) {
          clearInterval(timer);
          rej(new Error('the runner ended before posting'));
        }
      }, 5);
    });
    await first.exited;
    expect(sim.ourPosts()).toHaveLength(2);

    sim.faults.holdAfterLandingMs = 0;
    const second = start(env);
    const logs: string[] = [];
    for (;;) {
      const { value, done } = await second.lines.next();
      if (done) throw new Error('the runner ended without posting');
      const msg = JSON.parse(value) as { log?: string; statuses?: string[] };
      if (msg.log) logs.push(msg.log);
      if (msg.statuses?.length === 2 && msg.statuses.every((s) => s === 'posted')) break;
    }
    expect(await second.exited).toBe(0);
    expect(sim.ourPosts()).toHaveLength(2);
    expect(sim.calls.filter((c) => c.method === 'POST')).toHaveLength(2);
    expect(logs.filter((l) => /already posted/.test(l))).toHaveLength(2);
  }, 60_000);
});
