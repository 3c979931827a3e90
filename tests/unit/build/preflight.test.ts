import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { browserHint, findBrowser, kannelMissing } from '../../../build/preflight.mjs';

const root = resolve(__dirname, '../../..');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'tryk-preflight-'));
  dirs.push(d);
  return d;
};
const executable = (file: string) => {
  mkdirSync(resolve(file, '..'), { recursive: true });
  writeFileSync(file, '#!/bin/sh\n');
  chmodSync(file, 0o755);
  return file;
};

describe('finding a browser for the end-to-end tests', () => {
  it('takes TRYK_CHROMIUM first, then a chromium or chrome on PATH, then Playwright\'s cache', () => {
    const home = temp();
    const bin = join(home, 'bin');
    const cache = join(home, 'pw');
    const pw = executable(join(cache, 'chromium-1200', 'chrome-linux', 'chrome'));
    executable(join(cache, 'chromium-1100', 'chrome-linux', 'chrome'));
    const env = { PATH: bin, HOME: home, PLAYWRIGHT_BROWSERS_PATH: cache };
    expect(findBrowser(env)).toBe(pw); // the newest revision
    const chrome = executable(join(bin, 'google-chrome'));
    expect(findBrowser(env)).toBe(chrome);
    const own = executable(join(home, 'my-chrome'));
    expect(findBrowser({ ...env, TRYK_CHROMIUM: own })).toBe(own);
  });

  it('finds none on a bare machine and says in one line how to get one', () => {
    const home = temp();
    expect(findBrowser({ PATH: join(home, 'bin'), HOME: home, PLAYWRIGHT_BROWSERS_PATH: join(home, 'none') })).toBeNull();
    expect(findBrowser({ TRYK_CHROMIUM: join(home, 'missing') })).toBeNull();
    expect(browserHint({})).toMatch(/^No Chromium or Chrome .*apt-get install chromium.*TRYK_CHROMIUM/);
    expect(browserHint({})).not.toContain('\n');
  });

  it('npm test stops at once with that line when there is no browser, before lint or anything long', () => {
    const home = temp();
    const r = spawnSync(process.execPath, [join(root, 'build', 'test.mjs')], {
      cwd: root,
      encoding: 'utf8',
      env: { PATH: join(home, 'bin'), HOME: home, PLAYWRIGHT_BROWSERS_PATH: join(home, 'none') },
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    expect(r.stdout.trim()).toBe(browserHint({}));
  });
});

describe('finding Kannel', () => {
  it('names what is missing and how to install it', () => {
    expect(kannelMissing({ KANNEL_BEARERBOX: '/nonexistent/bearerbox' })).toMatch(/bearerbox at \/nonexistent\/bearerbox.*apt-get install kannel kannel-extras/);
  });
});
