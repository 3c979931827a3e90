/**
 * A survey in the real console (built CLI, `tryk demo`, `tryk serve`, Chromium): an operator
 * drafts a one-question survey to the citizen panel, a shift leader approves and sends it,
 * the simulator's citizens answer by SMS and the tally climbs live on the screen (uPlot bars,
 * the table view), the survey is closed and its results download as CSV equal to
 * `tryk survey results --json`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { SurveyResults } from '../../shared/surveys/schema';
import { DEMO_APPROVER, DEMO_OPERATOR, launchChromium, runTryk, serve, signIn, tempDataDir } from './support/console';
import type { RunningConsole } from './support/console';

describe('a survey of the citizen panel in Chromium', () => {
  let data: ReturnType<typeof tempDataDir>;
  let files: string;
  let running: RunningConsole | undefined;
  let browser: Browser;
  let operator: Page;
  let leader: Page;
  const pageErrors: string[] = [];
  let surveyId = 0;

  beforeAll(async () => {
    data = tempDataDir();
    files = mkdtempSync(join(tmpdir(), 'tryk-e2e-survey-'));
    runTryk(data.dir, ['demo', '--subscribers', '4000', '--seed', '5']);
    running = await serve(data.dir);
    browser = await launchChromium();
    operator = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
    leader = await (await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true })).newPage();
    for (const p of [operator, leader]) p.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    data?.remove();
    if (files) rmSync(files, { recursive: true, force: true });
  });

  it('an operator drafts a one-question survey to the panel; the SMS is previewed', async () => {
    await signIn(operator, running!.url, DEMO_OPERATOR);
    await operator.getByTestId('nav-surveys').click();
    await expect.poll(() => operator.getByTestId('surveys').getAttribute('data-state'), { timeout: 30_000 }).toBe('ready');
    expect(await operator.getByTestId('survey-panel-size').innerText()).toMatch(/Borgerpanelet har \d+ aktive medlemmer/);
    await operator.getByTestId('survey-new').click();
    await operator.getByTestId('survey-title').fill('Tryghed i Nordsjælland');
    await operator.getByTestId('survey-q-text-0').fill('Hvor tryg føler du dig i dit område?');
    expect(await operator.getByTestId('survey-sms-preview').innerText()).toBe('Politiet spørger: Hvor tryg føler du dig i dit område? (svar 1-5)');
    await operator.getByTestId('survey-create').click();
    await operator.getByTestId('survey-detail').waitFor();
    expect(await operator.getByTestId('survey-state').innerText()).toBe('Kladde');
    // Four eyes: the one who drafted it is not offered approval.
    expect(await operator.getByTestId('survey-approve').count()).toBe(0);
    const row = operator.locator('[data-testid^=survey-row-]').first();
    surveyId = Number((await row.getAttribute('data-testid'))!.replace('survey-row-', ''));
    expect(surveyId).toBeGreaterThan(0);
  });

  it('a shift leader approves and sends it; the simulator’s citizens answer and the tally climbs live', async () => {
    await signIn(leader, running!.url, DEMO_APPROVER);
    await leader.getByTestId('nav-surveys').click();
    await leader.getByTestId(`survey-row-${surveyId}`).click();
    await leader.getByTestId('survey-approve').click();
    await expect.poll(() => leader.getByTestId('survey-state').innerText(), { timeout: 15_000 }).toBe('Godkendt');
    await leader.getByTestId('survey-send').click();
    await expect.poll(() => leader.getByTestId('survey-state').innerText(), { timeout: 30_000 }).toBe('Åben');
    const recipients = Number((await leader.getByTestId('survey-recipients').innerText()).replace(/\D/g, ''));
    expect(recipients).toBeGreaterThan(10);
    // No reload: the screen follows the host's aggregated event as answers arrive.
    await expect.poll(async () => Number((await leader.getByTestId('survey-respondents').innerText()).replace(/\D/g, '')), { timeout: 60_000, interval: 500 }).toBeGreaterThanOrEqual(5);
    const chart = leader.getByTestId('survey-chart-0');
    await chart.locator('canvas').first().waitFor();
    // The operator's screen follows too.
    await operator.getByTestId(`survey-row-${surveyId}`).click();
    await expect.poll(async () => Number((await operator.getByTestId('survey-respondents').innerText()).replace(/\D/g, '')), { timeout: 30_000 }).toBeGreaterThanOrEqual(5);
    // The monitor shows the survey's send by its name, like an alert's.
    await leader.getByTestId('nav-monitor').click();
    const card = leader.locator(`[data-alert-ref="survey:${surveyId}"]`);
    await card.waitFor({ timeout: 15_000 });
    expect(await card.locator('h2').innerText()).toBe(`Undersøgelse ${surveyId}`);
    await leader.getByTestId('nav-surveys').click();
    await leader.getByTestId(`survey-row-${surveyId}`).click();
    await leader.getByTestId('survey-close').waitFor();
  });

  it('closes it; the table and the CSV carry the same tally as the CLI', async () => {
    await leader.getByTestId('survey-close').click();
    await expect.poll(() => leader.getByTestId('survey-state').innerText(), { timeout: 15_000 }).toBe('Lukket');
    const respondents = Number((await leader.getByTestId('survey-respondents').innerText()).replace(/\D/g, ''));
    const chart = leader.getByTestId('survey-chart-0');
    await chart.getByTestId('chart-toggle').click();
    const table = (await chart.locator('tbody tr td').allInnerTexts()).map((c) => Number(c.replace(/\D/g, '')));
    expect(table).toHaveLength(5);
    expect(table.reduce((a, b) => a + b, 0)).toBe(respondents);
    const download = leader.waitForEvent('download');
    await leader.getByTestId('survey-csv').click();
    const file = join(files, 'resultater.csv');
    await (await download).saveAs(file);
    const lines = readFileSync(file, 'utf8').trim().split('\r\n');
    expect(lines[0]).toBe('spørgsmål,tekst,svar,antal');
    expect(lines.slice(1).map((l) => Number(l.split(',').at(-1)))).toEqual(table);
    expect(pageErrors).toEqual([]);
    // The CLI (once the console has let go of the store) reads the same tally.
    await running!.stop();
    running = undefined;
    const cli = JSON.parse(runTryk(data.dir, ['survey', 'results', String(surveyId), '--json']).stdout) as { ok: true; value: SurveyResults };
    expect(cli.value.state).toBe('closed');
    expect(cli.value.respondents).toBe(respondents);
    expect(cli.value.tally[0]!.options.map((o) => o.count)).toEqual(table);
  });
});
