/**
 * The first start on a fresh clone with nothing beside it: `npm start`'s own script, run in a
 * copy of the files a clone has after `npm install` (package.json, bin/, build/, data/, the
 * built dist/, node_modules linked) in a folder with no ../shared, makes the demo data from the
 * console's own boundaries and serves a console an officer can sign in to.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { DEMO_OPERATOR, launchChromium, repoRoot, signIn } from './support/console';

describe('first start on a clone with no ../shared beside it', () => {
  let base: string;
  let clone: string;
  let child: ChildProcess | undefined;
  let browser: Browser | undefined;
  let output = '';

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'tryk-clone-'));
    clone = join(base, 'tryk-console');
    mkdirSync(clone);
    for (const f of ['package.json', 'bin', 'build', 'data', 'dist']) cpSync(join(repoRoot, f), join(clone, f), { recursive: true });
    symlinkSync(join(repoRoot, 'node_modules'), join(clone, 'node_modules'), 'dir');
    expect(existsSync(join(clone, '..', 'shared'))).toBe(false);
  });

  afterAll(async () => {
    await browser?.close();
    if (child && child.exitCode === null) {
      const exited = new Promise((done) => child!.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(base, { recursive: true, force: true });
  });

  it('npm start makes the demo from the bundled boundaries and the console opens on the district', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, TRYK_HEADLESS: '1', TRYK_KDF_COST: 'fast', TRYK_MAP_TILES: 'off' };
    delete env.TRYK_DATA_DIR;
    delete env.TRYK_PASSPHRASE;
    child = spawn(process.execPath, [join(clone, 'build', 'start.mjs'), '--port', '0'], { cwd: clone, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no console URL after 240 s:\n${output}`)), 240_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const m = output.match(/running at (http:\/\/127\.0\.0\.1:\d+\/\S*)/);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      child!.stdout!.on('data', onData);
      child!.stderr!.on('data', onData);
      child!.once('exit', (code) => reject(new Error(`npm start exited ${code}:\n${output}`)));
    });
    expect(output).toMatch(/First start: making demo data in .*tryk-console[\\/]\.tryk-demo/);
    expect(output).toMatch(/34,000 subscribers/);
    expect(existsSync(join(clone, '.tryk-demo', 'tryk.db'))).toBe(true);

    browser = await launchChromium();
    const page = await browser.newPage();
    await signIn(page, url, DEMO_OPERATOR);
    await page.locator('path.outline-district').first().waitFor({ timeout: 30_000 });
    await page.getByTestId('boundary-search').fill('3400');
    await expect.poll(() => page.locator('body').innerText(), { timeout: 15_000 }).toMatch(/Hillerød/);
  }, 300_000);
});
