// What `npm test` needs from the machine besides Node, found before anything long runs:
// a Chromium or Chrome for the end-to-end tests, and (optionally) Kannel for the tests
// against a real Kannel. Shared by build/test.mjs and the test support code.
import { existsSync, readdirSync } from 'node:fs';
import { homedir, platform } from 'node:os';
import { delimiter, join } from 'node:path';

const BROWSER_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
/** Inside a Playwright browser folder (chromium-1234/…), where the executable is, per layout. */
const PLAYWRIGHT_EXECUTABLES = [
  ['chrome-linux', 'chrome'],
  ['chrome-linux64', 'chrome'],
  ['chrome-linux', 'headless_shell'],
  ['chrome-headless-shell-linux64', 'chrome-headless-shell'],
  ['chrome-mac', 'Chromium.app', 'Contents', 'MacOS', 'Chromium'],
  ['chrome-mac-arm64', 'Chromium.app', 'Contents', 'MacOS', 'Chromium'],
];

function onPath(name, env) {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

function playwrightCache(env) {
  if (env.PLAYWRIGHT_BROWSERS_PATH && env.PLAYWRIGHT_BROWSERS_PATH !== '0') return env.PLAYWRIGHT_BROWSERS_PATH;
  if (platform() === 'darwin') return join(homedir(), 'Library', 'Caches', 'ms-playwright');
  if (platform() === 'win32') return join(env.LOCALAPPDATA ?? homedir(), 'ms-playwright');
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'ms-playwright');
}

function fromPlaywrightCache(env) {
  const cache = playwrightCache(env);
  let dirs;
  try {
    dirs = readdirSync(cache).filter((d) => /^chromium(_headless_shell)?-\d+$/.test(d));
  } catch {
    return null;
  }
  // The newest revision first; a full Chromium before a headless shell of the same age.
  dirs.sort((a, b) => Number(b.split('-').pop()) - Number(a.split('-').pop()) || a.length - b.length);
  for (const d of dirs) {
    for (const parts of PLAYWRIGHT_EXECUTABLES) {
      const file = join(cache, d, ...parts);
      if (existsSync(file)) return file;
    }
  }
  return null;
}

/**
 * The browser the end-to-end tests drive: TRYK_CHROMIUM, then chromium / chromium-browser /
 * google-chrome on PATH, then Playwright's own download cache. null when there is none.
 */
export function findBrowser(env = process.env) {
  if (env.TRYK_CHROMIUM) return existsSync(env.TRYK_CHROMIUM) ? env.TRYK_CHROMIUM : null;
  for (const name of BROWSER_NAMES) {
    const found = onPath(name, env);
    if (found) return found;
  }
  return fromPlaywrightCache(env);
}

/** One line: how to get a browser for the end-to-end tests. */
export function browserHint(env = process.env) {
  return env.TRYK_CHROMIUM
    ? `TRYK_CHROMIUM is set to ${env.TRYK_CHROMIUM}, which does not exist: point it at a Chromium or Chrome binary`
    : 'No Chromium or Chrome for the end-to-end tests: install one (Debian/Ubuntu: apt-get install chromium), or run `npx playwright-core install chromium`, or set TRYK_CHROMIUM to a Chromium/Chrome binary';
}

const FAKESMSC_CANDIDATES = ['/usr/lib/kannel/test/fakesmsc', '/usr/lib/kannel/fakesmsc', '/usr/bin/fakesmsc'];

/** Where the Kannel tests look for bearerbox, smsbox and fakesmsc (overridable per program). */
export function kannelBinaries(env = process.env) {
  return {
    bearerbox: env.KANNEL_BEARERBOX ?? '/usr/sbin/bearerbox',
    smsbox: env.KANNEL_SMSBOX ?? '/usr/sbin/smsbox',
    fakesmsc: env.KANNEL_FAKESMSC ?? FAKESMSC_CANDIDATES.find((p) => existsSync(p)) ?? FAKESMSC_CANDIDATES[0],
  };
}

/** Why real Kannel cannot run here, or undefined when it can. */
export function kannelMissing(env = process.env) {
  const missing = Object.entries(kannelBinaries(env)).filter(([, file]) => !existsSync(file));
  if (missing.length === 0) return undefined;
  return `Kannel binaries not found (${missing.map(([name, file]) => `${name} at ${file}`).join(', ')}): apt-get install kannel kannel-extras`;
}
