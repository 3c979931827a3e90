/**
 * A session that survives a blip, in the real console (built CLI, `tryk serve`, Chromium): the
 * operator writes a draft, the bridge is cut for 5 s (new sockets refused meanwhile) and the
 * page is reloaded; the officer stays signed in on the same screen and draft. Then the host is
 * restarted: the old tab says the console was restarted and how to reach it, never that the
 * passphrase is wrong, and the token never appears in the browser's console. The new address
 * opened in the same tab brings the unsaved text along.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { DEMO_OPERATOR, launchChromium, runTryk, serve, signIn, tempDataDir } from './support/console';
import type { RunningConsole } from './support/console';

const saved = (page: Page) => expect.poll(() => page.getByTestId('save-state').getAttribute('data-state'), { timeout: 20_000 }).toBe('saved');

describe('a session that survives a blip, a reload and tells of a restart, in Chromium', () => {
  let data: ReturnType<typeof tempDataDir>;
  let running: RunningConsole | undefined;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  const consoleLines: string[] = [];
  let cut = false;
  const sockets: WebSocketRoute[] = [];
  let alertId = 0;
  const text = 'Indbrud på Slotsgade i nat. Ring 114 med oplysninger.';

  beforeAll(async () => {
    data = tempDataDir();
    runTryk(data.dir, ['demo', '--subscribers', '500', '--seed', '3']);
    running = await serve(data.dir);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.routeWebSocket(/\/bridge/, (ws) => {
      if (cut) return void ws.close({ code: 1006 });
      ws.connectToServer();
      sockets.push(ws);
    });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => consoleLines.push(m.text()));
  });

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    data?.remove();
  });

  it('signs in and writes a draft', async () => {
    await signIn(page, running!.url, DEMO_OPERATOR);
    await page.getByTestId('nav-alerts').click();
    await page.getByTestId('new-alert-open').click();
    await page.getByTestId('new-category').selectOption('burglary');
    await page.getByTestId('new-create').click();
    await page.getByTestId('sms-text').waitFor({ timeout: 15_000 });
    alertId = Number(await page.getByTestId('composer').getAttribute('data-alert-id'));
    expect(alertId).toBeGreaterThan(0);
    await page.getByTestId('sms-text').fill(text);
    await saved(page);
  });

  it('a 5 s network cut keeps the officer signed in, and what was typed meanwhile is saved', async () => {
    cut = true;
    for (const ws of sockets.splice(0)) await ws.close({ code: 1006 });
    await expect.poll(() => page.getByTestId('status-network').innerText(), { timeout: 10_000 }).toMatch(/afbrudt|forbinder/i);
    await page.getByTestId('sms-text').fill(`${text} Tak.`);
    await new Promise((r) => setTimeout(r, 5000));
    cut = false;
    await saved(page);
    expect(await page.getByTestId('signin').count()).toBe(0);
    expect(await page.getByTestId('officer-name').innerText()).toBe('Betjent Jensen');
  });

  it('a reload keeps the officer signed in, on the same screen and draft', async () => {
    await page.reload();
    await page.getByTestId('officer-name').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('signin').count()).toBe(0);
    await expect.poll(() => page.getByTestId('composer').getAttribute('data-alert-id'), { timeout: 15_000 }).toBe(String(alertId));
    expect(await page.getByTestId('nav-alerts').getAttribute('aria-current')).toBeTruthy();
    expect(await page.getByTestId('sms-text').inputValue()).toBe(`${text} Tak.`);
  });

  it('after a restart of the host the old tab says so and how to reach it, and never blames the passphrase', async () => {
    const port = Number(new URL(running!.url).port);
    const oldToken = new URL(running!.url).searchParams.get('token')!;
    await running!.stop();
    running = await serve(data.dir, port);
    const gone = page.getByTestId('host-gone');
    await gone.waitFor({ timeout: 30_000 });
    expect(await gone.getAttribute('data-reason')).toBe('stale');
    const said = await gone.innerText();
    expect(said).toMatch(/startet igen/);
    expect(said).toMatch(/terminalen/);
    expect(said).not.toMatch(/forkert (brugernavn|adgangsfrase)/i);
    expect(await page.getByTestId('signin-passphrase').count()).toBe(0);
    // It stopped trying: no new socket comes.
    const tries = sockets.length;
    await new Promise((r) => setTimeout(r, 4000));
    expect(sockets.length).toBe(tries);
    // The token went in a frame, never in a URL the browser prints.
    const printed = consoleLines.join('\n');
    expect(printed).not.toContain(oldToken);
    expect(printed).not.toContain(new URL(running.url).searchParams.get('token')!);
  });

  it('the new address in the same tab asks for a sign-in and brings the draft back', async () => {
    await signIn(page, running!.url, DEMO_OPERATOR);
    await page.getByTestId('nav-alerts').click();
    await expect.poll(() => page.getByTestId('composer').getAttribute('data-alert-id'), { timeout: 15_000 }).toBe(String(alertId));
    expect(await page.getByTestId('sms-text').inputValue()).toBe(`${text} Tak.`);
    expect(pageErrors).toEqual([]);
  });
});
