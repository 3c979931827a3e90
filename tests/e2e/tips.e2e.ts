/**
 * Issue 11's end to end: an alert goes out over the simulator, whose citizens reply; a tip
 * appears in the inbox with the badge, an officer marks it useful and answers it. Over a real
 * SMPP peer on loopback, `TILMELD 3400` then `JA` adds an active subscriber (the map's count
 * for postcode 3400 goes up by one), and that number's STOP opts them out (down by one again)
 * with exactly one confirmation SMS; a STOP from a recipient of the alert opts them out too.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { encodeGsm7 } from '../../shared/sms';
import { parseSimulatorUrl } from '../../electron/gateways/simulator/config';
import { simulatedReply } from '../../electron/gateways/simulator/connector';
import { TestSmsc } from '../support/smsc/server';
import { consoleEnv, DEMO_APPROVER, launchChromium, repoRoot, runTryk, serve, signIn, tempDataDir } from './support/console';
import type { RunningConsole } from './support/console';

function trykAs(dataDir: string, passphrase: string, args: string[]): string {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'tryk.js'), ...args, '--data-dir', dataDir], {
    env: { ...consoleEnv(dataDir), TRYK_OFFICER_PASSPHRASE: passphrase },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`tryk ${args.join(' ')} exited ${r.status}: ${r.stderr || r.stdout}`);
  return r.stdout;
}

const NEWCOMER = '4529990001';

describe('tips and two-way SMS, in Chromium', () => {
  let data: ReturnType<typeof tempDataDir>;
  let running: RunningConsole | null = null;
  let browser: Browser;
  let page: Page;
  let smsc: TestSmsc;
  let recipient = '';
  const tipCellFrames: string[] = [];

  const mo = (from: string, text: string) => smsc.sendInbound({ from, to: '1999', dataCoding: 0, userData: encodeGsm7(text) });
  const submitsTo = (number: string) => smsc.submits().filter((s) => s.destinationAddr.replace(/^\+/, '') === number);
  const mapCount = async () => Number(await page.getByTestId('target-count-total').getAttribute('data-total'));

  beforeAll(async () => {
    data = tempDataDir();
    smsc = await TestSmsc.start();
    runTryk(data.dir, ['demo', '--subscribers', '3000', '--seed', '4']);
    // Citizens who answer: a share of those who got the alert reply within a second or so.
    const citizens = 'simulator://?tps=500&fail=0&replies=0.3&replyDelay=400&dlrDelay=200&seed=4';
    runTryk(data.dir, ['gateway', 'add', 'borgere', citizens, '--primary']);
    runTryk(data.dir, ['gateway', 'add', 'smsc', smsc.url('tps=50')]);
    const area = join(data.dir, '..', 'area.geojson');
    writeFileSync(area, JSON.stringify({ type: 'Feature', properties: { radius: 25_000 }, geometry: { type: 'Point', coordinates: [12.311, 55.927] } }));
    const exported = join(data.dir, '..', 'people.json');
    runTryk(data.dir, ['subscribers', 'export', '--format', 'json', '--out', exported]);
    const people = JSON.parse(readFileSync(exported, 'utf8')) as { phone: string; status: string; places: { lat: number; lon: number }[] }[];
    // Someone near Hillerød station (inside the alert's circle) whose simulated self does not reply.
    const config = parseSimulatorUrl(citizens);
    recipient = people
      .find((p) => p.status === 'active' && simulatedReply(config, p.phone) === undefined && p.places.some((x) => Math.abs(x.lat - 55.927) < 0.05 && Math.abs(x.lon - 12.311) < 0.08))!
      .phone.replace('+', '');
    const created = JSON.parse(
      trykAs(data.dir, 'demo-operator', ['alert', 'create', '--as', 'jensen', '--category', 'burglary', '--area', area, '--sms', 'Indbrud i området i nat. Tip: svar på denne SMS.', '--urgent', '--submit', '--json']),
    );
    trykAs(data.dir, DEMO_APPROVER.passphrase, ['alert', 'approve', String(created.value.id), '--as', 'vagtchef']);
    running = await serve(data.dir);
    browser = await launchChromium();
    page = await browser.newPage();
    // The tip map's answers as they cross the bridge: counts by cell, to check no number or place is in them.
    page.on('websocket', (ws) =>
      ws.on('framereceived', (f) => {
        if (typeof f.payload === 'string' && f.payload.includes('"tipsters"')) tipCellFrames.push(f.payload);
      }),
    );
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await smsc?.close();
    data?.remove();
  });

  it('shows a reply as a tip with the badge; an officer marks it useful and answers it', async () => {
    await signIn(page, running!.url, DEMO_APPROVER);
    const badge = page.getByTestId('tips-badge');
    await badge.waitFor({ timeout: 60_000 });
    expect(Number(await badge.innerText())).toBeGreaterThan(0);
    await page.getByTestId('nav-tips').click();
    const row = page.getByTestId('tip-row').first();
    await row.waitFor({ timeout: 10_000 });
    expect(await row.innerText()).toMatch(/Varsel \d+/);
    await row.click();
    const detail = page.getByTestId('tip-detail');
    expect(await detail.getByTestId('tip-sender').innerText()).toMatch(/^\+45\d{8}$/);
    await detail.getByTestId('tip-mark-useful').click();
    await expect.poll(() => detail.getByTestId('tip-mark-useful').getAttribute('aria-pressed')).toBe('true');
    await detail.getByTestId('tip-reply-text').fill('Tak for dit tip. En patrulje er på vej.');
    await detail.getByTestId('tip-reply-send').click();
    await detail.getByTestId('tip-replied').waitFor({ timeout: 10_000 });
    await expect.poll(() => detail.getByTestId('tip-answers').innerText(), { timeout: 15_000 }).toMatch(/sendt/);
  });

  it('shows the alert’s tips as cells on a map, never a number or a place, and an opened tip’s one place', async () => {
    const alertId = Number(/Varsel (\d+)/.exec(await page.getByTestId('tip-row').first().innerText())![1]);
    // From the monitor's card of the alert to the inbox filtered to it.
    await page.getByTestId('nav-monitor').click();
    await page.getByTestId(`tips-of-alert-${alertId}`).first().click();
    await page.getByTestId('tips-alert-filter').waitFor();
    await page.getByTestId('tips-map-toggle').click();
    const map = page.getByTestId('tip-map');
    await expect.poll(() => map.locator('path.tip-cell').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await map.getByTestId('tip-cells-note').innerText()).toMatch(/tips vist som felter/);
    expect(tipCellFrames.length).toBeGreaterThan(0);
    for (const frame of tipCellFrames) {
      expect(frame).not.toMatch(/\+?45\d{8}/);
      expect(frame).not.toContain('"sender"');
    }
    // The cells are on the delivery grid: every corner is a whole number of cells.
    const value = (JSON.parse(tipCellFrames.at(-1)!) as { result: { value: { cellSizeDeg: number; cells: { lat: number; lon: number }[] } } }).result.value;
    for (const c of value.cells) expect(Math.abs(c.lat / value.cellSizeDeg - Math.round(c.lat / value.cellSizeDeg))).toBeLessThan(1e-6);

    await page.getByTestId('tip-row').first().click();
    const place = page.getByTestId('tip-detail').getByTestId('tip-place-map');
    await place.waitFor({ timeout: 10_000 });
    expect(await place.locator('path.tip-place__point').count()).toBe(1);
    await page.getByTestId('tips-map-toggle').click();
  });

  it('TILMELD 3400 then JA adds an active subscriber, whose STOP takes them out again: the map follows', async () => {
    await page.getByTestId('nav-map').click();
    await page.getByTestId('boundary-search').fill('3400');
    await page.getByTestId('boundary-include-postcode-3400').click();
    await expect.poll(() => page.getByTestId('target-count-total').getAttribute('data-total'), { timeout: 15_000 }).not.toBeNull();
    const before = await mapCount();

    expect(await mo(NEWCOMER, 'TILMELD 3400')).toBe(0); // acknowledged once stored
    await expect.poll(() => submitsTo(NEWCOMER).length, { timeout: 15_000 }).toBe(1); // "Svar JA"
    expect(await mapCount()).toBe(before); // pending until confirmed
    expect(await mo(NEWCOMER, 'Ja')).toBe(0);
    await expect.poll(mapCount, { timeout: 15_000 }).toBe(before + 1);

    expect(await mo(NEWCOMER, 'stop')).toBe(0);
    await expect.poll(mapCount, { timeout: 15_000 }).toBe(before);
    await expect.poll(() => submitsTo(NEWCOMER).length, { timeout: 15_000 }).toBe(3); // question, welcome, goodbye
    expect(await mo(NEWCOMER, 'STOP')).toBe(0);
    await page.waitForTimeout(1_500);
    expect(submitsTo(NEWCOMER)).toHaveLength(3); // a second STOP is not answered again
  });

  it('a STOP from a recipient of the alert opts them out at once', async () => {
    await page.getByTestId('nav-subscribers').click();
    const optedOut = page.getByTestId('count-opted_out');
    await optedOut.waitFor();
    const before = Number((await optedOut.innerText()).replace(/\D/g, ''));
    expect(await mo(recipient, 'STOP')).toBe(0);
    await expect.poll(async () => Number((await optedOut.innerText()).replace(/\D/g, '')), { timeout: 15_000 }).toBe(before + 1);
    await expect.poll(() => submitsTo(recipient).length, { timeout: 15_000 }).toBe(1);
  });
});
