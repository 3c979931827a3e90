/**
 * Issue 5's end to end: an approved alert to the 34,000 demo subscribers over the simulator,
 * watched live on the monitor, paused and resumed half-way, its final funnel equal to
 * `tryk alert status` once the console has stopped.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
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

const count = async (page: Page, sendId: number, row: string) =>
  Number((await page.getByTestId(`monitor-send-${sendId}`).getByTestId(`funnel-${row}`).innerText()).replace(/\D/g, ''));

describe('the delivery monitor, in Chromium', () => {
  let data: ReturnType<typeof tempDataDir>;
  let running: RunningConsole | null = null;
  let browser: Browser;
  let page: Page;
  let alertId = 0;
  let sendId = 0;

  beforeAll(async () => {
    data = tempDataDir();
    runTryk(data.dir, ['demo', '--subscribers', '34000', '--seed', '11']);
    // The alert is written and approved from the command line (the composer has its own
    // end-to-end test): a 25 km circle around Hillerød, urgent so quiet hours hold none back.
    const area = join(data.dir, '..', 'area.geojson');
    writeFileSync(area, JSON.stringify({ type: 'Feature', properties: { radius: 25_000 }, geometry: { type: 'Point', coordinates: [12.311, 55.927] } }));
    const created = JSON.parse(
      trykAs(data.dir, 'demo-operator', ['alert', 'create', '--as', 'jensen', '--category', 'burglary', '--area', area, '--sms', 'Indbrud i området i nat. Tip: svar på denne SMS.', '--urgent', '--submit', '--json']),
    );
    alertId = created.value.id;
    trykAs(data.dir, DEMO_APPROVER.passphrase, ['alert', 'approve', String(alertId), '--as', 'vagtchef']);
    running = await serve(data.dir);
    browser = await launchChromium();
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    data?.remove();
  });

  it('shows the approved alert going out, its funnel filling', async () => {
    await signIn(page, running!.url, DEMO_APPROVER);
    await page.getByTestId('nav-monitor').click();
    // The demo store carries a year of finished sends, and citizens' replies start answer sends:
    // ours is the card of our alert.
    const card = page.locator(`[data-testid^="monitor-send-"][data-alert-ref="alert:${alertId}"]`).first();
    await card.waitFor({ timeout: 60_000 });
    sendId = Number((await card.getAttribute('data-testid'))!.replace('monitor-send-', ''));
    await expect.poll(() => count(page, sendId, 'delivered'), { timeout: 60_000 }).toBeGreaterThan(0);
    expect(await count(page, sendId, 'recipients')).toBeGreaterThan(10_000);
  });

  it('pauses half-way: nothing more is submitted; resumes: it finishes', async () => {
    const panel = page.getByTestId(`monitor-send-${sendId}`);
    // Citizens' replies start one-recipient answer sends above ours while it runs, so the card
    // keeps moving down the page: press the button itself rather than a point on the screen.
    await panel.getByTestId('send-pause').dispatchEvent('click');
    await expect.poll(() => panel.getByTestId('send-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('paused');
    const queued = await count(page, sendId, 'queued');
    expect(queued).toBeGreaterThan(0); // paused while there was still work to do
    await page.waitForTimeout(2_000);
    expect(await count(page, sendId, 'queued')).toBe(queued); // nothing taken while paused
    await panel.getByTestId('send-resume').dispatchEvent('click');
    await expect.poll(() => panel.getByTestId('send-state').getAttribute('data-state'), { timeout: 150_000, interval: 1_000 }).toBe('done');
  });

  it("matches tryk alert status once the console has stopped", async () => {
    const onScreen = Object.fromEntries(
      await Promise.all(['recipients', 'delivered', 'failed', 'expired', 'queued'].map(async (row) => [row, await count(page, sendId, row)] as const)),
    );
    await running!.stop();
    running = null;
    const status = JSON.parse(runTryk(data.dir, ['alert', 'status', String(alertId), '--json']).stdout).value;
    expect(status.state).toBe('done');
    expect(onScreen).toEqual({
      recipients: status.recipients,
      delivered: status.counts.delivered,
      failed: status.counts.failed,
      expired: status.counts.expired,
      queued: status.counts.queued,
    });
  });
});
