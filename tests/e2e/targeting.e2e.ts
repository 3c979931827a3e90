/**
 * An officer targets an area in the real console (built CLI, `tryk serve`, Chromium): draws a
 * polygon around Hillerød, drags a vertex and sees the count move, makes a bowtie and is told,
 * undoes it, adds postcode 3400 from the search box, exports the area as GeoJSON, and the
 * number on screen equals what `tryk target count` says for that file.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, runTryk, serve, tempDataDir } from './support/console';
import type { RunningConsole } from './support/console';

describe('targeting on the map, in Chromium', () => {
  let data: ReturnType<typeof tempDataDir>;
  let running: RunningConsole | undefined;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const countCalls: number[] = [];

  /** The map's centre in page pixels: after "show 3400", Hillerød is there. */
  let cx = 0;
  let cy = 0;
  /** The polygon's corners, as offsets from the centre; the first one is dragged later. */
  const corners: [number, number][] = [
    [-110, -80],
    [110, -80],
    [110, 80],
    [-110, 80],
  ];

  const total = () => page.getByTestId('target-count-total');
  const state = () => page.getByTestId('target-count').getAttribute('data-state');
  async function settledTotal(): Promise<number> {
    await expect.poll(state, { timeout: 15_000 }).toBe('ready');
    return Number(await total().getAttribute('data-total'));
  }

  beforeAll(async () => {
    data = tempDataDir();
    runTryk(data.dir, ['demo', '--subscribers', '3000', '--seed', '7']);
    running = await serve(data.dir);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // Counts the count requests the page sends, to see that a drag does not queue them up.
    page.on('websocket', (ws) =>
      ws.on('framesent', (f) => {
        if (typeof f.payload === 'string' && f.payload.includes('"target.count"')) countCalls.push(Date.now());
      }),
    );
  });

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    data?.remove();
  });

  /** Signs in as the demo store's operator when the console asks (it does once officers exist). */
  async function signInIfAsked() {
    const signin = page.getByTestId('signin-username');
    const map = page.getByTestId('screen-map');
    await Promise.race([signin.waitFor({ timeout: 30_000 }), map.waitFor({ timeout: 30_000 })]);
    if (await signin.isVisible()) {
      await signin.fill('jensen');
      await page.getByTestId('signin-passphrase').fill('demo-operator');
      await page.getByTestId('signin-submit').click();
      await map.waitFor({ timeout: 15_000 });
    }
  }

  it('finds postcode 3400 with the search box and shows it on the map', async () => {
    await page.goto(running!.url);
    await signInIfAsked();
    await page.locator('path.outline-district').first().waitFor({ timeout: 30_000 });
    await page.getByTestId('boundary-search').fill('3400');
    const result = page.getByTestId('boundary-result-postcode-3400');
    await result.waitFor({ timeout: 10_000 });
    expect(await result.innerText()).toMatch(/3400 Hillerød/);
    await result.getByRole('button', { name: /Vis Postnummer 3400/ }).click();
    // The map jumps there without animation; a moment for Leaflet to redraw.
    await page.waitForTimeout(300);
    const box = (await page.getByTestId('map').boundingBox())!;
    cx = Math.round(box.x + box.width / 2);
    cy = Math.round(box.y + box.height / 2);
  });

  it('clicks postcode 3400 on the map: included, then excluded, then removed', async () => {
    await page.getByTestId('pick-postcode').check();
    // Many postcodes lie off screen (drawn as empty paths): attached is what says they loaded.
    await page.locator('path.outline-postcode').first().waitFor({ state: 'attached', timeout: 30_000 });
    const part = page.getByTestId('part-boundary:postcode:3400');
    await page.mouse.click(cx, cy);
    await expect.poll(() => part.getAttribute('data-mode')).toBe('include');
    const included = await settledTotal();
    expect(included).toBeGreaterThan(0);
    await page.mouse.click(cx, cy);
    await expect.poll(() => part.getAttribute('data-mode')).toBe('exclude');
    // Excluding the only part leaves nothing to count.
    await expect.poll(state).toBe('idle');
    await page.mouse.click(cx, cy);
    await expect.poll(() => part.count()).toBe(0);
    // Back to the municipalities, so the rest of the test picks by search, not by a stray click.
    await page.getByTestId('pick-municipality').check();
  });

  it('draws a polygon with mouse clicks and sees the count appear', async () => {
    await page.getByTestId('draw-polygon').click();
    expect(await page.getByTestId('draw-polygon').getAttribute('aria-pressed')).toBe('true');
    for (const [dx, dy] of corners) await page.mouse.click(cx + dx, cy + dy);
    // Clicking the first point again closes the polygon.
    await page.mouse.click(cx + corners[0]![0], cy + corners[0]![1]);
    await expect.poll(() => page.getByTestId('draw-polygon').getAttribute('aria-pressed')).toBe('false');
    const first = await settledTotal();
    expect(first).toBeGreaterThan(0);
    expect(await total().innerText()).toMatch(/abonnent/);
    expect(await page.getByTestId('area-parts').innerText()).toMatch(/Polygon 1/);
  });

  it('drags a vertex outward: the count follows during the drag, one request at a time', async () => {
    const before = await settledTotal();
    const [dx, dy] = corners[0]!;
    const callsBefore = countCalls.length;
    await page.mouse.move(cx + dx, cy + dy);
    await page.mouse.down();
    const steps = 12;
    for (let i = 1; i <= steps; i++) {
      await page.mouse.move(cx + dx - (i * 180) / steps, cy + dy - (i * 140) / steps);
      await page.waitForTimeout(25);
    }
    // Still holding the vertex: the number has already moved.
    await expect.poll(async () => Number(await total().getAttribute('data-total')), { timeout: 10_000 }).not.toBe(before);
    await page.mouse.up();
    const after = await settledTotal();
    expect(after).toBeGreaterThan(before);
    // Counted while dragging, and never more requests than moves (that the slice coalesces is shown in tests/dom).
    const sent = countCalls.length - callsBefore;
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThanOrEqual(steps + 2);
    corners[0] = [dx - 180, dy - 140];
  });

  it('is told, in Danish, when a drag makes the polygon cross itself, and Ctrl+Z undoes it', async () => {
    const good = await settledTotal();
    // Drag the dragged corner over to the far side: the edges now cross (a bowtie).
    const [dx, dy] = corners[0]!;
    await page.mouse.move(cx + dx, cy + dy);
    await page.mouse.down();
    await page.mouse.move(cx + 60, cy + 200, { steps: 8 });
    await page.mouse.up();
    const error = page.getByTestId('target-count-error');
    await error.waitFor({ timeout: 10_000 });
    expect(await error.innerText()).toBe('Området krydser sig selv – ret det');
    expect(await error.getAttribute('data-problem')).toBe('self_intersecting');
    // The last good count stays on screen, marked as out of date.
    expect(await total().getAttribute('data-stale')).toBe('true');
    expect(await page.getByTestId('target-count-stale').innerText()).toMatch(/Forældet/);

    await page.getByTestId('boundary-search').blur();
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+z');
    expect(await settledTotal()).toBe(good);
    expect(await error.count()).toBe(0);
    expect(await total().getAttribute('data-stale')).toBe('false');
  });

  it('adds postcode 3400 from the search results: the area grows', async () => {
    const polygonOnly = await settledTotal();
    await page.getByTestId('boundary-include-postcode-3400').click();
    await expect.poll(() => page.getByTestId('part-boundary:postcode:3400').getAttribute('data-mode')).toBe('include');
    const both = await settledTotal();
    expect(both).toBeGreaterThanOrEqual(polygonOnly);
    expect(await page.getByTestId('area-parts').innerText()).toMatch(/Postnummer 3400 Hillerød/);
  });

  it('exports the area as GeoJSON, and tryk target count on that file gives the number on screen', async () => {
    const onScreen = await settledTotal();
    const groupsOnScreen: Record<string, string> = {};
    for (const row of await page.locator('[data-testid^="target-count-group-"]').all()) {
      const code = (await row.getAttribute('data-testid'))!.replace('target-count-group-', '');
      groupsOnScreen[code] = await row.locator('dd').innerText();
    }
    expect(Object.keys(groupsOnScreen).length).toBeGreaterThan(0);
    await page.getByTestId('area-export').click();
    const text = page.getByTestId('area-geojson');
    await expect.poll(() => text.inputValue(), { timeout: 10_000 }).toMatch(/FeatureCollection/);
    const geojson = JSON.parse(await text.inputValue()) as { features: { properties: Record<string, unknown> }[] };
    expect(geojson.features).toHaveLength(2);
    expect(geojson.features[1]!.properties).toMatchObject({ mode: 'include', boundary: { kind: 'postcode', code: '3400' } });
    expect(await page.getByTestId('area-download').getAttribute('href')).toMatch(/^blob:/);
    const file = join(dirname(data.dir), 'area.geojson');
    writeFileSync(file, await text.inputValue());
    await page.getByTestId('area-export-close').click();
    expect(await page.getByTestId('area-export-dialog').count()).toBe(0);
    expect(pageErrors).toEqual([]);

    // The store has one writer: `tryk serve` holds its lock, so the CLI counts after the server
    // has stopped, on the very same store and file (nothing changed the registry in between).
    await running!.stop();
    running = undefined;
    const answer = JSON.parse(runTryk(data.dir, ['target', 'count', '--area', file, '--json']).stdout) as {
      ok: true;
      value: { total: number; byGroup: Record<string, number> };
    };
    const cli = answer.value;
    expect(cli.total).toBe(onScreen);
    // The same groups, each with the CLI's number for it (the screen leaves out empty groups).
    const cliGroups = Object.entries(cli.byGroup).filter(([, n]) => n > 0);
    expect(Object.keys(groupsOnScreen).sort()).toEqual(cliGroups.map(([code]) => code).sort());
    for (const [code, n] of cliGroups) expect(groupsOnScreen[code]).toMatch(new RegExp(`^${n.toLocaleString('da-DK')} abonnent`));
  });
});
