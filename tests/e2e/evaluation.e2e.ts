/**
 * Evaluering in the real console (built CLI, `tryk demo` with its year of history, `tryk serve`,
 * Chromium): the screen opens on the demo store with figures equal to `tryk report period
 * --json`, charts drawn by uPlot with their table view, a shift leader records an outcome,
 * and the after-action PDF downloads as a real PDF whose text carries the alert's figures.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { EvaluationReport } from '../../shared/reports/schema';
import { DEMO_APPROVER, launchChromium, runTryk, serve, signIn, tempDataDir } from './support/console';
import type { RunningConsole } from './support/console';

describe('Evaluering in Chromium', () => {
  let data: ReturnType<typeof tempDataDir>;
  let files: string;
  let running: RunningConsole | undefined;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  let alertId = 0;

  beforeAll(async () => {
    data = tempDataDir();
    files = mkdtempSync(join(tmpdir(), 'tryk-e2e-eval-'));
    runTryk(data.dir, ['demo', '--subscribers', '4000', '--seed', '5']);
    running = await serve(data.dir);
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1400, height: 1100 }, acceptDownloads: true })).newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    data?.remove();
    if (files) rmSync(files, { recursive: true, force: true });
  });

  it('opens on the demo store with a year of figures, charts and their tables', async () => {
    await signIn(page, running!.url, DEMO_APPROVER);
    await page.getByTestId('nav-evaluation').click();
    await expect.poll(() => page.getByTestId('evaluation').getAttribute('data-state'), { timeout: 30_000 }).toBe('ready');
    const alerts = Number(await page.getByTestId('figure-alerts').getAttribute('data-value'));
    const signups = Number(await page.getByTestId('figure-signups').getAttribute('data-value'));
    expect(alerts).toBeGreaterThan(50);
    expect(signups).toBeGreaterThan(100);
    expect(await page.getByTestId('figure-rate').innerText()).toMatch(/^\d{2},\d %$/);
    // Drawn by uPlot in a real browser, and the same numbers as a table on request.
    const chart = page.getByTestId('chart-subscribers');
    await chart.locator('canvas').first().waitFor();
    await chart.getByTestId('chart-toggle').click();
    expect(await chart.getAttribute('data-view')).toBe('table');
    expect(await chart.locator('tbody tr').count()).toBeGreaterThanOrEqual(12);
    const csv = page.waitForEvent('download');
    await chart.getByTestId('chart-csv').click();
    const file = join(files, 'abonnenter.csv');
    await (await csv).saveAs(file);
    expect(readFileSync(file, 'utf8').split('\r\n')[0]).toBe('Måned,Abonnenter');
    const rows = page.locator('[data-testid^=evaluation-alert-]');
    expect(await rows.count()).toBeGreaterThan(50);
    alertId = Number((await rows.first().getAttribute('data-testid'))!.replace('evaluation-alert-', ''));
    expect(pageErrors).toEqual([]);
  });

  it('records an outcome on a sent alert', async () => {
    const row = page.getByTestId(`evaluation-alert-${alertId}`);
    await row.getByTestId('outcome-edit').click();
    const editor = page.getByTestId('outcome-editor');
    await editor.getByTestId('outcome-select').selectOption('found');
    await editor.getByTestId('outcome-helped').selectOption('yes');
    await editor.getByTestId('outcome-note').fill('Fundet ved Esrum Sø efter tip');
    await editor.getByTestId('outcome-save').click();
    await expect.poll(() => page.getByTestId(`evaluation-alert-${alertId}`).getByTestId('alert-outcome').getAttribute('data-outcome'), { timeout: 15_000 }).toBe('found');
  });

  it('downloads the after-action PDF with the alert’s figures and the outcome', async () => {
    const download = page.waitForEvent('download');
    await page.getByTestId(`evaluation-alert-${alertId}`).getByTestId('alert-pdf').click();
    const pdf = await download;
    expect(pdf.suggestedFilename()).toBe(`efterrapport-varsel-${alertId}.pdf`);
    const file = join(files, 'a.pdf');
    await pdf.saveAs(file);
    expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain(`Efterrapport: Varsel #${alertId}`);
    expect(text).toMatch(/Resultat\s+fundet/);
    expect(text).toContain('Note: Fundet ved Esrum Sø efter tip');
    expect(text).toContain('Område og levering pr. celle');
    expect(pageErrors).toEqual([]);
  });

  it('shows the same figures as tryk report period --json once the console has stopped', async () => {
    const from = await page.getByTestId('evaluation-from').inputValue();
    const to = await page.getByTestId('evaluation-to').inputValue();
    const shown = {
      alerts: Number(await page.getByTestId('figure-alerts').getAttribute('data-value')),
      signups: Number(await page.getByTestId('figure-signups').getAttribute('data-value')),
      end: Number(await page.getByTestId('figure-subscribers-end').getAttribute('data-value')),
      parts: Number(await page.getByTestId('figure-parts').getAttribute('data-value')),
      tips: Number(await page.getByTestId('figure-tips').getAttribute('data-value')),
    };
    await running!.stop();
    running = undefined;
    const json = (JSON.parse(runTryk(data.dir, ['report', 'period', '--from', from, '--to', to, '--json']).stdout) as { value: EvaluationReport }).value;
    expect(shown).toEqual({ alerts: json.alerts.count, signups: json.subscribers.signups, end: json.subscribers.atEnd, parts: json.cost.parts, tips: json.tips.total });
    expect(json.perAlert.find((a) => a.id === alertId)!.outcome).toMatchObject({ outcome: 'found', tipsHelped: true, recordedBy: 'vagtchef' });
  });
});
