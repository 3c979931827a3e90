import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEMO_OPERATOR, launchChromium, runTryk, serve, tempDataDir } from './support/console';
import type { RunningConsole } from './support/console';

describe('the console, headless, in Chromium', () => {
  let data: ReturnType<typeof tempDataDir>;
  let running: RunningConsole;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    data = tempDataDir();
    runTryk(data.dir, ['demo', '--subscribers', '3000', '--seed', '7']);
    running = await serve(data.dir);
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    data?.remove();
  });

  it('loads in Danish, asks an officer to sign in, then shows the district outline and the simulator gateway', async () => {
    await page.goto(running.url);
    await expect.poll(() => page.getAttribute('html', 'lang')).toBe('da');
    await page.getByTestId('signin-username').waitFor({ timeout: 30_000 });
    await page.getByTestId('signin-username').fill(DEMO_OPERATOR.username);
    await page.getByTestId('signin-passphrase').fill('not the passphrase');
    await page.getByTestId('signin-submit').click();
    await expect.poll(() => page.locator('body').innerText(), { timeout: 10_000 }).toMatch(/forkert/i);
    await page.getByTestId('signin-passphrase').fill(DEMO_OPERATOR.passphrase);
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('nav-map').waitFor();
    expect(await page.getByTestId('nav-map').innerText()).toMatch(/Kort/);
    await page.locator('path.outline-district').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('path.outline-district').count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('status-gateway').innerText(), { timeout: 15_000 }).toMatch(/simulator/i);
    expect(await page.getByTestId('status-store').innerText()).toMatch(/3[.,]?000/);
    expect(pageErrors).toEqual([]);
  });

  it('keeps the token out of the address bar and refuses a bridge without it', async () => {
    expect(page.url()).not.toContain('token=');
    const origin = new URL(running.url).origin;
    // Without the token the host closes the socket with 4401 and answers nothing.
    const outcome = await page.evaluate(
      (u) =>
        new Promise<{ code: number; answered: boolean }>((resolve) => {
          const ws = new WebSocket(u);
          let answered = false;
          ws.onopen = () => ws.send(JSON.stringify({ id: 1, channel: 'app.status', payload: {} }));
          ws.onmessage = () => (answered = true);
          ws.onclose = (e) => resolve({ code: e.code, answered });
        }),
      origin.replace('http', 'ws') + '/bridge',
    );
    expect(outcome).toEqual({ code: 4401, answered: false });
  });
});
