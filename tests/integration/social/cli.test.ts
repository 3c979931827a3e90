/** `tryk social …` in process, against the simulator over HTTP: tokens are never printed back. */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../../electron/cli/main';
import { startSocialSimulator } from '../../../electron/social/simulator';
import type { SocialSimulator } from '../../../electron/social/simulator';
import { tempDir, TEST_PASSPHRASE } from '../../support/store';

describe('tryk social', () => {
  let tmp: ReturnType<typeof tempDir>;
  let dataDir: string;
  let out: string[];
  let err: string[];
  let sim: SocialSimulator;
  const tryk = async (...argv: string[]) => {
    out = [];
    err = [];
    return (await run(argv, { ...process.env, TRYK_PASSPHRASE: TEST_PASSPHRASE, TRYK_KDF_COST: 'fast', TRYK_DATA_DIR: dataDir })).code;
  };
  beforeEach(async () => {
    tmp = tempDir();
    dataDir = join(tmp.dir, 'data');
    sim = await startSocialSimulator();
    vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await sim.close();
    tmp.remove();
  });

  it('adds, lists and tests channels; refuses bad URLs with a reason; never shows a token', async () => {
    expect(await tryk('init')).toBe(0);
    expect(await tryk('social', 'add', 'fb', `facebook://112233?token=SECRET-PAGE-TOKEN&api=${sim.url}`)).toBe(0);
    expect(await tryk('social', 'add', 'x', `x://?token=SECRET-X-TOKEN&api=${sim.url}`)).toBe(0);
    expect(await tryk('social', 'add', 'bad', 'facebook://112233?token=t&api=http://example.org')).toBe(1);
    expect(err[0]).toMatch(/https, or http on 127\.0\.0\.1/);
    expect(await tryk('social', 'add', 'bad', 'myspace://x?token=t')).toBe(1);
    expect(await tryk('social', 'add', 'fb', `facebook://112233?token=t&api=${sim.url}`)).toBe(1);
    expect(err[0]).toMatch(/already a channel called fb/);
    expect(await tryk('social', 'list', '--json')).toBe(0);
    const list = JSON.parse(out[0]!).value;
    expect(list.map((c: { name: string; kind: string; state: string }) => [c.name, c.kind, c.state])).toEqual([
      ['fb', 'facebook', 'ok'],
      ['x', 'x', 'ok'],
    ]);
    expect(await tryk('social', 'test', 'x')).toBe(0);
    expect(out[0]).toMatch(/@nsjpoliti_sim/);
    sim.faults.tokenExpired = true;
    expect(await tryk('social', 'test', 'fb')).toBe(1);
    expect(err[0]).toMatch(/expired or revoked/);
    expect(await tryk('social', 'list')).toBe(0);
    expect(out.join('\n')).toMatch(/fb\s+facebook\s+NEEDS LOGIN/);
    expect(await tryk('social', 'comments')).toBe(0);
    expect([...out, ...err].join('\n')).not.toMatch(/SECRET/);
    // An alert's channels from a script: SMS is always one of them.
    expect(await tryk('alert', 'create', '--as', 'jensen', '--category', 'burglary', '--channels', 'facebook,x')).toBe(2);
    expect(err[0]).toMatch(/--channels is a list of sms, facebook, x and picture/);
  });
});
