/**
 * Issue 12's end to end (built CLI, `tryk serve` on a demo store whose Facebook and X channels
 * are the embedded simulators, Chromium): an operator chooses SMS + Facebook + X for a burglary
 * alert and submits it; a second officer approves it; the monitor shows the alert's timeline
 * with SMS delivered, Facebook views and X impressions rising live; `tryk alert status --json`
 * then names each channel's post and its latest figures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_APPROVER, DEMO_OPERATOR, launchChromium, runTryk, serve, signIn, tempDataDir } from './support/console';
import type { RunningConsole } from './support/console';

const latest = async (page: Page, alertId: number, key: string) =>
  Number((await page.getByTestId(`timeline-${alertId}`).getByTestId(`chart-latest-${key}`).getAttribute('data-value')) || 0);

describe('Facebook and X with the SMS, in Chromium', () => {
  let data: ReturnType<typeof tempDataDir>;
  let running: RunningConsole | null = null;
  let browser: Browser;
  let operatorContext: BrowserContext;
  let approverContext: BrowserContext;
  let operator: Page;
  let approver: Page;
  const pageErrors: string[] = [];
  let alertId = 0;

  beforeAll(async () => {
    data = tempDataDir();
    runTryk(data.dir, ['demo', '--subscribers', '3000', '--seed', '12']);
    running = await serve(data.dir);
    browser = await launchChromium();
    operatorContext = await browser.newContext({ viewport: { width: 1500, height: 1000 } });
    approverContext = await browser.newContext({ viewport: { width: 1500, height: 1000 } });
    operator = await operatorContext.newPage();
    approver = await approverContext.newPage();
    for (const p of [operator, approver]) p.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    data?.remove();
  });

  it('the operator picks SMS, Facebook and X, writes the alert and submits it', async () => {
    await signIn(operator, running!.url, DEMO_OPERATOR);
    await operator.getByTestId('nav-map').click();
    await operator.getByTestId('boundary-search').fill('3400');
    const result = operator.getByTestId('boundary-result-postcode-3400');
    await result.waitFor({ timeout: 15_000 });
    await result.getByRole('button', { name: /^Medtag/ }).click();
    await expect.poll(() => operator.getByTestId('target-count').getAttribute('data-state'), { timeout: 15_000 }).toBe('ready');

    await operator.getByTestId('nav-alerts').click();
    await operator.getByTestId('new-alert-open').click();
    await operator.getByTestId('new-category').selectOption('burglary');
    await operator.getByTestId('new-create').click();
    await operator.getByTestId('field-area_name').waitFor({ timeout: 15_000 });
    alertId = Number(await operator.getByTestId('composer').getAttribute('data-alert-id'));
    await operator.getByTestId('field-case_number').fill('0900-80150-00777-26');
    await operator.getByTestId('field-description').fill('Tyven kom ind gennem et vindue.');
    await operator.getByTestId('field-area_name').fill('Hillerød');
    await operator.getByTestId('field-time').fill('i nat');
    await operator.getByTestId('use-map-area').click();

    // SMS is always on; Facebook and X are the demo's simulator channels.
    expect(await operator.getByTestId('channel-sms').isChecked()).toBe(true);
    await operator.getByTestId('channel-facebook').check();
    await operator.getByTestId('channel-picture').check();
    await operator.getByTestId('channel-x').check();
    expect(await operator.getByTestId('social-text').inputValue()).toContain('Hillerød');
    await expect.poll(() => operator.getByTestId('save-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('saved');
    await operator.getByTestId('submit').click();
    await expect.poll(() => operator.getByTestId('alert-detail').getAttribute('data-status'), { timeout: 15_000 }).toBe('awaiting_approval');
  });

  it('a second officer sees the channels in the review and approves all of them', async () => {
    await signIn(approver, running!.url, DEMO_APPROVER);
    await approver.getByTestId('nav-alerts').click();
    await approver.getByTestId('view-approvals').click();
    await approver.getByTestId('approval-list').getByTestId(`alert-item-${alertId}`).click();
    const review = approver.getByTestId('review');
    await review.waitFor({ timeout: 15_000 });
    expect(await review.getByTestId('review-channels').innerText()).toMatch(/SMS, Facebook, X/);
    await approver.getByTestId('approve').click();
    await expect.poll(() => approver.getByTestId('alert-detail').getAttribute('data-status'), { timeout: 15_000 }).not.toBe('awaiting_approval');
  });

  it('the monitor shows SMS delivered, Facebook views and X impressions rising live on one timeline', async () => {
    await approver.getByTestId('nav-monitor').click();
    const timeline = approver.getByTestId(`timeline-${alertId}`);
    await timeline.waitFor({ timeout: 60_000 });
    await expect.poll(() => timeline.getByTestId('post-facebook').getAttribute('data-status'), { timeout: 60_000 }).toBe('posted');
    await expect.poll(() => timeline.getByTestId('post-x').getAttribute('data-status'), { timeout: 60_000 }).toBe('posted');
    await expect.poll(() => latest(approver, alertId, 'sms_delivered'), { timeout: 90_000 }).toBeGreaterThan(0);
    await expect.poll(() => latest(approver, alertId, 'facebook_views'), { timeout: 60_000 }).toBeGreaterThan(0);
    await expect.poll(() => latest(approver, alertId, 'x_impressions'), { timeout: 60_000 }).toBeGreaterThan(0);
    // Live: without a reload, the curves keep rising.
    const views = await latest(approver, alertId, 'facebook_views');
    const impressions = await latest(approver, alertId, 'x_impressions');
    await expect.poll(() => latest(approver, alertId, 'facebook_views'), { timeout: 60_000 }).toBeGreaterThan(views);
    await expect.poll(() => latest(approver, alertId, 'x_impressions'), { timeout: 60_000 }).toBeGreaterThan(impressions);
    // uPlot drew it: a canvas inside the chart.
    expect(await timeline.locator('canvas').count()).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
  });

  it('tryk alert status --json names each channel’s post and its latest figures', async () => {
    await running!.stop();
    running = null;
    const status = JSON.parse(runTryk(data.dir, ['alert', 'status', String(alertId), '--json']).stdout).value;
    const byKind = Object.fromEntries((status.social as Array<{ kind: string; remoteId: string; figures: Record<string, number> }>).map((p) => [p.kind, p]));
    expect(byKind.facebook?.remoteId).toMatch(/^nordsjaellandspoliti_\d+$/);
    expect(byKind.facebook?.figures.views).toBeGreaterThan(0);
    expect(byKind.x?.remoteId).toMatch(/^\d+$/);
    expect(byKind.x?.figures.impressions).toBeGreaterThan(0);
  });
});
