/**
 * The whole target, drawn (issue 10, items 2 and 3): a postcode included from the search box
 * is drawn on the map even with postcode outlines hidden; a rectangle over Hillerød minus
 * postcode 3400 — carved out by clicking inside the drawn rectangle — shows the hole in the
 * resulting outline, hatched, and the lower count; the approver's review shows the same area
 * on a real map.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, runTryk, serve, signIn, tempDataDir } from './support/console';
import type { RunningConsole } from './support/console';

describe('the target area drawn with its parts, in Chromium', () => {
  let data: ReturnType<typeof tempDataDir>;
  let running: RunningConsole | undefined;
  let browser: Browser;
  let operator: Page;
  let approver: Page;
  let alertId = 0;
  const pageErrors: string[] = [];

  const settledTotal = async (page: Page) => {
    await expect.poll(() => page.getByTestId('target-count').getAttribute('data-state'), { timeout: 15_000 }).toBe('ready');
    return Number(await page.getByTestId('target-count-total').getAttribute('data-total'));
  };

  beforeAll(async () => {
    data = tempDataDir();
    runTryk(data.dir, ['demo', '--subscribers', '3000', '--seed', '7']);
    running = await serve(data.dir);
    browser = await launchChromium();
    operator = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    approver = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    for (const p of [operator, approver]) p.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    data?.remove();
  });

  it('draws postcode 3400 included from the search box, with postcode outlines hidden', async () => {
    await signIn(operator, running!.url, { username: 'jensen', passphrase: 'demo-operator' });
    await operator.locator('path.outline-district').first().waitFor({ timeout: 30_000 });
    expect(await operator.getByTestId('layer-toggle-postcode').isChecked()).toBe(false);
    await operator.getByTestId('boundary-search').fill('3400');
    const result = operator.getByTestId('boundary-result-postcode-3400');
    await result.waitFor({ timeout: 15_000 });
    await result.getByRole('button', { name: /^Medtag/ }).click();
    expect(await settledTotal(operator)).toBeGreaterThan(0);
    const drawn = operator.locator('path.area-part--include[data-part="postcode:3400"]');
    await drawn.waitFor({ state: 'attached', timeout: 15_000 });
    expect(await operator.locator('path.area-result').count()).toBe(1);
    // No tiles here (TRYK_MAP_TILES=off): the offline map, with towns named.
    expect(await operator.getByTestId('basemap-state').innerText()).toMatch(/^Offlinekort/);
    await expect.poll(() => operator.getByTestId('map-labels').locator('.map-label--town').allInnerTexts(), { timeout: 15_000 }).toContain('Hillerød');
    await operator.getByTestId('part-remove-boundary:postcode:3400').click();
    await expect.poll(() => drawn.count()).toBe(0);
    await result.getByRole('button', { name: /Vis Postnummer 3400/ }).click();
  });

  it('a rectangle minus postcode 3400, carved out by clicks inside the rectangle, shows the hole and the count', async () => {
    // One step out, so the rectangle covers 3400 with room to spare.
    await operator.locator('.leaflet-control-zoom-out').click();
    await operator.waitForTimeout(400);
    const box = (await operator.getByTestId('map').boundingBox())!;
    const [cx, cy] = [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)];
    await operator.getByTestId('draw-rectangle').click();
    // Clear of the zoom control in the top left corner.
    await operator.mouse.click(box.x + 70, box.y + 90);
    await operator.mouse.click(box.x + box.width - 40, box.y + box.height - 40);
    await expect.poll(() => operator.getByTestId('draw-rectangle').getAttribute('aria-pressed')).toBe('false');
    const rectangleOnly = await settledTotal(operator);
    expect(rectangleOnly).toBeGreaterThan(0);
    expect(await operator.locator('path.area-result').getAttribute('data-holes')).toBe('0');

    // Postcodes are picked by click; the click lands on the drawn rectangle, which passes it on.
    await operator.getByTestId('pick-postcode').check();
    await operator.locator('path.outline-postcode').first().waitFor({ state: 'attached', timeout: 30_000 });
    const part = operator.getByTestId('part-boundary:postcode:3400');
    await operator.mouse.click(cx, cy);
    await expect.poll(() => part.getAttribute('data-mode')).toBe('include');
    // No black focus box on what was clicked.
    expect(await operator.evaluate(() => getComputedStyle(document.activeElement ?? document.body).outlineStyle)).toBe('none');
    await operator.mouse.click(cx, cy);
    await expect.poll(() => part.getAttribute('data-mode')).toBe('exclude');
    const withHole = await settledTotal(operator);
    expect(withHole).toBeLessThan(rectangleOnly);
    expect(withHole).toBeGreaterThan(0);
    // The hole: 3400 hatched, and the resulting outline with an inner ring.
    const hatched = operator.locator('path.area-part--exclude[data-part="postcode:3400"]');
    await hatched.waitFor({ state: 'attached' });
    expect(await hatched.getAttribute('fill')).toBe('url(#area-hatch-exclude)');
    await expect.poll(() => operator.locator('path.area-result').getAttribute('data-holes')).toBe('1');
    // The drawn rectangle itself was neither moved nor replaced by the clicks.
    expect(await operator.getByTestId('area-parts').innerText()).toMatch(/Rektangel/);
    // Each part's name stays on one line in its row (no "Rek/tan/gel").
    const name = operator.getByTestId('area-parts').locator('.part__name').first();
    expect((await name.boundingBox())!.height).toBeLessThan(30);
  });

  it("the approver's review shows the area on a real map, hole included", async () => {
    await operator.getByTestId('nav-alerts').click();
    await operator.getByTestId('new-alert-open').click();
    await operator.getByTestId('new-category').selectOption('burglary');
    await operator.getByTestId('new-create').click();
    await operator.getByTestId('field-area_name').waitFor({ timeout: 15_000 });
    alertId = Number(await operator.getByTestId('composer').getAttribute('data-alert-id'));
    for (const [field, value] of [
      ['case_number', '0900-80150-00124-26'],
      ['description', 'Tyven kom ind gennem et vindue.'],
      ['area_name', 'Hillerød'],
      ['time', 'i nat'],
    ]) {
      await operator.getByTestId(`field-${field}`).fill(value!);
    }
    await operator.getByTestId('use-map-area').click();
    await operator.getByTestId('area-map').locator('path.area-result').waitFor({ state: 'attached', timeout: 15_000 });
    await expect.poll(() => operator.getByTestId('save-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('saved');
    await operator.getByTestId('submit').click();
    await expect.poll(() => operator.getByTestId('alert-detail').getAttribute('data-status'), { timeout: 15_000 }).toBe('awaiting_approval');

    await signIn(approver, running!.url, { username: 'vagtchef', passphrase: 'demo-vagtchef' });
    await approver.getByTestId('nav-alerts').click();
    await approver.getByTestId('view-approvals').click();
    await approver.getByTestId('approval-list').getByTestId(`alert-item-${alertId}`).click();
    const map = approver.getByTestId('review').getByTestId('area-map');
    await map.locator('.leaflet-container').waitFor({ timeout: 15_000 });
    await expect.poll(() => map.locator('path.area-result').getAttribute('data-holes'), { timeout: 15_000 }).toBe('1');
    expect(await map.locator('path.area-part--include').count()).toBe(1);
    expect(await map.locator('path.area-part--exclude[data-part="postcode:3400"]').count()).toBe(1);
    // Fitted to the area: the rectangle fills most of the map's width.
    const mapBox = (await map.boundingBox())!;
    const partBox = (await map.locator('path.area-part--include').boundingBox())!;
    expect(partBox.width).toBeGreaterThan(mapBox.width * 0.4);
    expect(pageErrors).toEqual([]);
  });
});
