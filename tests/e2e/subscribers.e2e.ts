/**
 * Abonnenter in the real console (built CLI, `tryk serve`, Chromium), as an admin: a small CSV
 * with one bad row is checked all-or-nothing and imports nothing; the report shows the row; the
 * admin imports the good rows and the counts grow. Then one imported person is looked up,
 * shown, erased after the confirmation, and the counts shrink. An operator sees the counts and
 * is told the rest needs the admin role.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEMO_OPERATOR, launchChromium, runTryk, serve, signIn, tempDataDir } from './support/console';
import type { RunningConsole } from './support/console';

const ADMIN = { username: 'admin', passphrase: 'demo-administrator' };
const FIRST = '+4520990011';
const SECOND = '+4520990012';

// Line 3 (the second data row) has a number that cannot be a phone number.
const CSV = [
  'phone,name,language,status,groups,categories,quiet_start,quiet_end,home_lat,home_lon,home_address',
  `${FIRST},E2E Første,da,active,citizen;taxi,burglary;fraud,22:00,07:00,55.9296,12.3006,Slotsgade 1 3400 Hillerød`,
  '12,E2E Forkert,da,active,citizen,,,,55.93,12.30,',
  `${SECOND},E2E Anden,en,active,citizen,,,,55.93,12.31,`,
  '',
].join('\n');

const count = async (page: Page, id: string) => Number(await page.getByTestId(`count-${id}`).getAttribute('data-count'));

describe('Abonnenter in Chromium', () => {
  let data: ReturnType<typeof tempDataDir>;
  let files: string;
  let running: RunningConsole | undefined;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  let totalBefore = 0;

  beforeAll(async () => {
    data = tempDataDir();
    files = mkdtempSync(join(tmpdir(), 'tryk-e2e-import-'));
    runTryk(data.dir, ['demo', '--subscribers', '500', '--seed', '11']);
    running = await serve(data.dir);
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    data?.remove();
    if (files) rmSync(files, { recursive: true, force: true });
  });

  it('an admin sees the counts of the registry', async () => {
    await signIn(page, running!.url, ADMIN);
    await page.getByTestId('nav-subscribers').click();
    await expect.poll(() => page.getByTestId('subscriber-counts').getAttribute('data-state'), { timeout: 15_000 }).toBe('ready');
    totalBefore = await count(page, 'total');
    expect(totalBefore).toBe(500);
    const byStatus = (await count(page, 'active')) + (await count(page, 'paused')) + (await count(page, 'opted_out'));
    expect(byStatus).toBe(500);
    expect(await page.getByTestId('count-group-citizen').innerText()).toMatch(/^Borgere\s/);
  });

  it('a file with a bad row imports nothing and shows the row; the good rows are imported on request', async () => {
    const path = join(files, 'nye-abonnenter.csv');
    writeFileSync(path, CSV, 'utf8');
    await page.getByTestId('import-file').setInputFiles(path);
    const report = page.getByTestId('import-report');
    await report.waitFor({ timeout: 15_000 });
    const bad = report.getByTestId('import-rejected-3');
    expect(await bad.getAttribute('data-code')).toBe('phone_invalid');
    expect(await bad.innerText()).toContain('Ugyldigt telefonnummer');
    expect(await report.locator('tbody tr').count()).toBe(1);
    // Nothing was imported by the check.
    expect(await count(page, 'total')).toBe(totalBefore);

    const accept = page.getByTestId('import-accept-valid');
    expect(await accept.innerText()).toBe('Importér de 2 gyldige rækker');
    await accept.click();
    const done = page.getByTestId('import-done');
    await done.waitFor({ timeout: 15_000 });
    expect(await done.getByTestId('import-created').getAttribute('data-count')).toBe('2');
    await expect.poll(() => count(page, 'total'), { timeout: 15_000 }).toBe(totalBefore + 2);
  });

  it("looks up an imported person, shows their data, and erases them after the confirmation", async () => {
    await page.getByTestId('person-phone').fill('20 99 00 11');
    await page.getByTestId('person-find').click();
    const shown = page.getByTestId('person-data');
    await shown.waitFor({ timeout: 15_000 });
    expect(await shown.getByTestId('person-phone').innerText()).toBe(FIRST);
    expect(await shown.getByTestId('person-name').innerText()).toBe('E2E Første');
    expect(await shown.getByTestId('person-groups').innerText()).toBe('Borgere, Taxa');
    expect(await shown.getByTestId('person-quietHours').innerText()).toBe('22:00–07:00');
    expect(await shown.getByTestId('person-places').innerText()).toContain('Slotsgade 1 3400 Hillerød');

    await page.getByTestId('person-erase').click();
    expect(await page.getByTestId('person-erase-dialog').innerText()).toContain('Det kan ikke fortrydes.');
    await page.getByTestId('person-erase-confirm').click();
    await page.getByTestId('person-erased').waitFor({ timeout: 15_000 });
    await expect.poll(() => count(page, 'total'), { timeout: 15_000 }).toBe(totalBefore + 1);

    // Gone for good: a second lookup finds nobody.
    await page.getByTestId('person-phone').fill(FIRST);
    await page.getByTestId('person-find').click();
    const error = page.getByTestId('person-error');
    await error.waitFor({ timeout: 15_000 });
    expect(await error.getAttribute('data-code')).toBe('not_found');
  });

  it('an operator sees the counts and is told the rest needs the admin role', async () => {
    const other = await browser.newContext();
    try {
      const operatorPage = await other.newPage();
      operatorPage.on('pageerror', (e) => pageErrors.push(e.message));
      await signIn(operatorPage, running!.url, DEMO_OPERATOR);
      await operatorPage.getByTestId('nav-subscribers').click();
      await expect.poll(() => count(operatorPage, 'total'), { timeout: 15_000 }).toBe(totalBefore + 1);
      expect(await operatorPage.getByTestId('subscribers-admin-only').innerText()).toContain('administrator-rollen');
      expect(await operatorPage.getByTestId('import-file').count()).toBe(0);
    } finally {
      await other.close();
    }
    expect(pageErrors).toEqual([]);
  });
});
