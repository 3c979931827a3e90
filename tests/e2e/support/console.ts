/**
 * End-to-end fixtures: a real console (the built CLI's `tryk demo` + `tryk serve`) in its
 * own data directory, driven by a real Chromium through playwright-core.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { browserHint, findBrowser } from '../../../build/preflight.mjs';
import type { Browser, Page } from 'playwright-core';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const PASSPHRASE = 'e2e passphrase for a test store';
const tryk = join(repoRoot, 'bin', 'tryk.js');

export const consoleEnv = (dataDir: string): NodeJS.ProcessEnv => ({
  ...process.env,
  TRYK_DATA_DIR: dataDir,
  TRYK_PASSPHRASE: PASSPHRASE,
  TRYK_KDF_COST: 'fast',
  TRYK_MAP_TILES: 'off', // never fetch tiles from off this machine in tests
});

/** Runs the built CLI synchronously; throws with its output when it fails. */
export function runTryk(dataDir: string, args: string[]): { stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [tryk, ...args, '--data-dir', dataDir], {
    env: consoleEnv(dataDir),
    encoding: 'utf8',
    timeout: 170_000,
  });
  if (r.status !== 0) throw new Error(`tryk ${args.join(' ')} exited ${r.status}: ${r.stderr || r.stdout}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

export interface RunningConsole {
  url: string;
  dataDir: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** `tryk serve` on an ephemeral port (or `port`); resolves with the URL it prints (token included). */
export function serve(dataDir: string, port = 0): Promise<RunningConsole> {
  const child = spawn(process.execPath, [tryk, 'serve', '--port', String(port), '--data-dir', dataDir], {
    env: consoleEnv(dataDir),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`tryk serve did not start: ${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = output.match(/running at (http:\/\/127\.0\.0\.1:\d+\/\S*)/);
      if (m) {
        clearTimeout(timer);
        resolvePromise({
          url: m[1]!,
          dataDir,
          process: child,
          stop: () =>
            new Promise((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tryk serve exited ${code}: ${output}`));
    });
  });
}

export function tempDataDir(): { dir: string; remove(): void } {
  const base = mkdtempSync(join(tmpdir(), 'tryk-e2e-'));
  return { dir: join(base, 'data'), remove: () => rmSync(base, { recursive: true, force: true }) };
}

/** The browser build/preflight.mjs finds (TRYK_CHROMIUM, PATH, Playwright's cache); none is an error with the fix. */
export function chromiumPath(): string {
  const found = findBrowser() ?? playwrightOwn();
  if (!found) throw new Error(browserHint());
  return found;
}

function playwrightOwn(): string | null {
  try {
    const p = chromium.executablePath();
    return existsSync(p) ? p : null;
  } catch {
    return null; // playwright-core knows no browser of its own here
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}

/** The demo store's officers (made by `tryk demo`). */
export const DEMO_OPERATOR = { username: 'jensen', passphrase: 'demo-operator' };
export const DEMO_APPROVER = { username: 'vagtchef', passphrase: 'demo-vagtchef' };

/** Opens the console and signs in through its sign-in screen. */
export async function signIn(page: Page, url: string, who: { username: string; passphrase: string }) {
  await page.goto(url);
  await page.getByTestId('signin-username').waitFor({ timeout: 30_000 });
  await page.getByTestId('signin-username').fill(who.username);
  await page.getByTestId('signin-passphrase').fill(who.passphrase);
  await page.getByTestId('signin-submit').click();
  await page.getByTestId('officer-name').waitFor({ timeout: 15_000 });
}
