/**
 * Two officers in the real console (built CLI, `tryk serve`, Chromium): the operator signs in,
 * writes a burglary alert from its template for postcode 3400, pastes a curly quote and sees
 * the UCS-2 warning, fixes it with one click, and submits; the shift leader signs in in a
 * second browser context, sees the alert with its count and area, and approves it; the audit
 * list shows both steps and `tryk audit verify` passes. Then a draft typed while the bridge is
 * cut off is saved when it comes back (the officer still signed in), survives a SIGKILL of the host, and is there after restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { launchChromium, runTryk, serve, signIn, tempDataDir } from './support/console';
import type { RunningConsole } from './support/console';

const signInAs = (page: Page, url: string, username: string, passphrase: string) => signIn(page, url, { username, passphrase });

/** Includes postcode 3400 from the map's search box and waits for its count. */
async function targetPostcode3400(page: Page): Promise<number> {
  await page.getByTestId('nav-map').click();
  await page.getByTestId('boundary-search').fill('3400');
  const result = page.getByTestId('boundary-result-postcode-3400');
  await result.waitFor({ timeout: 15_000 });
  await result.getByRole('button', { name: /^Medtag/ }).click();
  await expect.poll(() => page.getByTestId('target-count').getAttribute('data-state'), { timeout: 15_000 }).toBe('ready');
  return Number(await page.getByTestId('target-count-total').getAttribute('data-total'));
}

async function newBurglaryDraft(page: Page): Promise<number> {
  await page.getByTestId('nav-alerts').click();
  const before = await page.getByTestId('composer').getAttribute('data-alert-id', { timeout: 1000 }).catch(() => null);
  await page.getByTestId('new-alert-open').click();
  await page.getByTestId('new-category').selectOption('burglary');
  await page.getByTestId('new-create').click();
  // The new draft's composer, not the one that may have been on screen before.
  await expect.poll(() => page.getByTestId('composer').getAttribute('data-alert-id'), { timeout: 15_000 }).not.toBe(before);
  await page.getByTestId('field-area_name').waitFor({ timeout: 15_000 });
  return Number(await page.getByTestId('composer').getAttribute('data-alert-id'));
}

const saved = (page: Page) => expect.poll(() => page.getByTestId('save-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('saved');

describe('alerts with four eyes, in Chromium', () => {
  let data: ReturnType<typeof tempDataDir>;
  let running: RunningConsole | undefined;
  let browser: Browser;
  let operatorContext: BrowserContext;
  let approverContext: BrowserContext;
  let operatorPage: Page;
  let approverPage: Page;
  const pageErrors: string[] = [];
  let alertId = 0;
  let mapCount = 0;
  /** The operator's bridge sockets, so the test can cut them as a failed network would. */
  let cut = false;
  const sockets: WebSocketRoute[] = [];

  beforeAll(async () => {
    data = tempDataDir();
    runTryk(data.dir, ['demo', '--subscribers', '3000', '--seed', '7']);
    running = await serve(data.dir);
    browser = await launchChromium();
    operatorContext = await browser.newContext({ viewport: { width: 1500, height: 1000 } });
    await operatorContext.routeWebSocket(/\/bridge/, (ws) => {
      if (cut) return void ws.close({ code: 1006 });
      ws.connectToServer();
      sockets.push(ws);
    });
    approverContext = await browser.newContext({ viewport: { width: 1500, height: 1000 } });
    operatorPage = await operatorContext.newPage();
    approverPage = await approverContext.newPage();
    for (const p of [operatorPage, approverPage]) p.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    data?.remove();
  });

  it('the operator signs in, writes the alert from its template and takes the area from the map', async () => {
    await signInAs(operatorPage, running!.url, 'jensen', 'demo-operator');
    expect(await operatorPage.getByTestId('officer-name').innerText()).toBe('Betjent Jensen');
    mapCount = await targetPostcode3400(operatorPage);
    expect(mapCount).toBeGreaterThan(0);

    alertId = await newBurglaryDraft(operatorPage);
    expect(alertId).toBeGreaterThan(0);
    await operatorPage.getByTestId('field-case_number').fill('0900-80150-00123-26');
    await operatorPage.getByTestId('field-description').fill('Tyven kom ind gennem et vindue.');
    await operatorPage.getByTestId('field-area_name').fill('Hillerød');
    await operatorPage.getByTestId('field-time').fill('i nat');
    const sms = operatorPage.getByTestId('sms-text');
    expect(await sms.inputValue()).toContain('Indbrud i Hillerød i nat.');
    await operatorPage.getByTestId('use-map-area').click();
    expect(await operatorPage.getByTestId('area-summary').innerText()).toMatch(/Postnummer 3400/);
    await saved(operatorPage);
    await expect
      .poll(async () => Number(await operatorPage.getByTestId('preview-recipients').getAttribute('data-count')), { timeout: 15_000 })
      .toBe(mapCount);
  });

  it('sees the UCS-2 warning when a curly quote is pasted, and it goes away with the suggested fix', async () => {
    const sms = operatorPage.getByTestId('sms-text');
    await sms.focus();
    await operatorPage.keyboard.press('Control+End');
    // What a word processor pastes: a typographic apostrophe.
    await operatorPage.keyboard.insertText(' Det’s vigtigt.');
    const warning = operatorPage.getByTestId('ucs2-warning');
    await warning.waitFor({ timeout: 5000 });
    expect(await operatorPage.getByTestId('sms-encoding').innerText()).toBe('UCS-2');
    expect(await warning.getByTestId('offending-mark').allInnerTexts()).toEqual(['’']);
    await warning.getByTestId('fix-char').click();
    await warning.waitFor({ state: 'detached', timeout: 5000 });
    expect(await operatorPage.getByTestId('sms-encoding').innerText()).toBe('GSM-7');
    expect(await sms.inputValue()).toContain("Det's vigtigt.");
    await saved(operatorPage);
  });

  it('submits it for approval', async () => {
    await operatorPage.getByTestId('submit').click();
    await expect
      .poll(() => operatorPage.getByTestId('alert-detail').getAttribute('data-status'), { timeout: 15_000 })
      .toBe('awaiting_approval');
  });

  it('the shift leader sees it with its count and area, and approves it', async () => {
    await signInAs(approverPage, running!.url, 'vagtchef', 'demo-vagtchef');
    await approverPage.getByTestId('nav-alerts').click();
    await approverPage.getByTestId('view-approvals').click();
    await approverPage.getByTestId('approval-list').getByTestId(`alert-item-${alertId}`).click();
    const review = approverPage.getByTestId('review');
    await review.waitFor({ timeout: 15_000 });
    expect(await review.getByTestId('review-sms').innerText()).toContain("Det's vigtigt.");
    expect(await review.getByTestId('review-created-by').innerText()).toBe('Betjent Jensen');
    expect(await review.getByTestId('area-summary').innerText()).toMatch(/Postnummer 3400/);
    await expect
      .poll(async () => Number(await review.getByTestId('preview-recipients').getAttribute('data-count')), { timeout: 15_000 })
      .toBe(mapCount);
    await approverPage.getByTestId('decision-comment').fill('Godkendt – tak.');
    await approverPage.getByTestId('approve').click();
    await expect
      .poll(() => approverPage.getByTestId('alert-detail').getAttribute('data-status'), { timeout: 15_000 })
      .not.toBe('awaiting_approval');
    expect(await approverPage.getByTestId('action-error').count()).toBe(0);
    expect(await approverPage.getByTestId('review-approved-by').innerText()).toMatch(/^Vagtchef Holm/);
  });

  it("the operator's console hears of the approval live, without reloading", async () => {
    await expect
      .poll(() => operatorPage.getByTestId(`alert-item-${alertId}`).getAttribute('data-status'), { timeout: 15_000 })
      .not.toBe('awaiting_approval');
    expect(await operatorPage.getByTestId('alert-detail').getAttribute('data-status')).not.toBe('awaiting_approval');
  });

  it('the audit list shows the submission and the approval, by whom', async () => {
    await approverPage.getByTestId('view-audit').click();
    await approverPage.getByTestId('audit-row').first().waitFor({ timeout: 15_000 });
    const rows = await approverPage.getByTestId('audit-row').allInnerTexts();
    const about = rows.filter((r) => r.includes(`alert:${alertId}`));
    expect(about.some((r) => /jensen/.test(r) && /submit/i.test(r))).toBe(true);
    expect(about.some((r) => /vagtchef/.test(r) && /approv/i.test(r))).toBe(true);
  });

  it('saves a draft typed while the bridge is cut off once it is back; it survives a SIGKILL of the host', async () => {
    const id = await newBurglaryDraft(operatorPage);
    await saved(operatorPage);
    // The network fails: the bridge socket drops and new ones are refused.
    cut = true;
    for (const ws of sockets.splice(0)) await ws.close({ code: 1006 });
    const text = 'Skrevet uden forbindelse: indbrud på Slotsgade, ring 114.';
    await operatorPage.getByTestId('sms-text').fill(text);
    await expect
      .poll(() => operatorPage.getByTestId('save-state').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('offline');
    expect(await operatorPage.getByTestId('save-state').innerText()).toMatch(/Ikke gemt – ingen forbindelse/);
    expect(await operatorPage.evaluate(() => sessionStorage.getItem('tryk.unsavedDraft'))).toContain('Slotsgade');

    cut = false; // back: the console reconnects by itself, resumes the officer's session and saves
    await saved(operatorPage);
    expect(await operatorPage.getByTestId('signin').count()).toBe(0);
    expect(await operatorPage.getByTestId('sms-text').inputValue()).toBe(text);

    // No goodbye: the host dies at once, so only what the store had committed survives.
    running!.process.kill('SIGKILL');
    await new Promise<void>((done) => (running!.process.exitCode !== null ? done() : running!.process.once('exit', () => done())));
    running = await serve(data.dir);

    const page = await approverContext.newPage();
    await signInAs(page, running.url, 'jensen', 'demo-operator');
    await page.getByTestId('nav-alerts').click();
    await page.getByTestId(`alert-item-${id}`).click();
    expect(await page.getByTestId('sms-text').inputValue()).toBe(text);
    await page.close();
  });

  it('tryk audit verify passes once the host has stopped', async () => {
    await running?.stop();
    running = undefined;
    const { stdout } = runTryk(data.dir, ['audit', 'verify']);
    expect(stdout).toMatch(/ok|intact|verified/i);
    expect(pageErrors).toEqual([]);
  });
});
