// The README's screenshots, made the way an officer gets there: a demo store (34,000
// synthetic subscribers), the headless console with no online tiles (the offline map), and
// Chromium at 1280×720. Writes docs/screenshots/{map,review,monitor}.png.
//
//   node build/build.mjs && node build/screenshots.mjs
//
// Chromium: TRYK_CHROMIUM, or Debian's /usr/bin/chromium.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'docs', 'screenshots');
const base = mkdtempSync(join(tmpdir(), 'tryk-shots-'));
const dataDir = join(base, 'data');
const env = { ...process.env, TRYK_DATA_DIR: dataDir, TRYK_PASSPHRASE: 'screenshots', TRYK_KDF_COST: 'fast', TRYK_MAP_TILES: 'off' };
const tryk = join(root, 'bin', 'tryk.js');
const viewport = { width: 1280, height: 720 };

function step(what) {
  console.log(`screenshots: ${what}`);
}

async function main() {
  mkdirSync(out, { recursive: true });
  step('making the demo store');
  const demo = spawnSync(process.execPath, [tryk, 'demo'], { env, stdio: 'inherit' });
  if (demo.status !== 0) throw new Error('tryk demo failed');
  const server = spawn(process.execPath, [tryk, 'serve', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await new Promise((resolve, reject) => {
      let text = '';
      server.stdout.on('data', (c) => {
        text += c;
        const m = text.match(/running at (http:\/\/127\.0\.0\.1:\d+\/\S*)/);
        if (m) resolve(m[1]);
      });
      server.once('exit', (code) => reject(new Error(`tryk serve exited ${code}`)));
    });
    const executablePath = [process.env.TRYK_CHROMIUM, '/usr/bin/chromium'].find((p) => p && existsSync(p));
    const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      await shoot(browser, url);
    } finally {
      await browser.close();
    }
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => (server.exitCode !== null ? r() : server.once('exit', r)));
    rmSync(base, { recursive: true, force: true });
  }
}

async function signIn(page, url, username, passphrase) {
  await page.goto(url);
  await page.getByTestId('signin-username').fill(username);
  await page.getByTestId('signin-passphrase').fill(passphrase);
  await page.getByTestId('signin-submit').click();
  await page.getByTestId('officer-name').waitFor({ timeout: 15_000 });
}

const ready = (page) => page.waitForFunction(() => document.querySelector('[data-testid="target-count"]')?.getAttribute('data-state') === 'ready');

async function shoot(browser, url) {
  const operator = await browser.newPage({ viewport });
  await signIn(operator, url, 'jensen', 'demo-operator');
  await operator.locator('path.outline-district').first().waitFor({ timeout: 30_000 });

  step('map: a rectangle over Hillerød minus postcode 3400');
  await operator.getByTestId('boundary-search').fill('3400');
  const result = operator.getByTestId('boundary-result-postcode-3400');
  await result.getByRole('button', { name: /Vis Postnummer 3400/ }).click();
  await operator.locator('.leaflet-control-zoom-out').click();
  await operator.waitForTimeout(400);
  await operator.getByTestId('boundary-search').fill('');
  const box = await operator.getByTestId('map').boundingBox();
  await operator.getByTestId('draw-rectangle').click();
  await operator.mouse.click(box.x + 70, box.y + 90);
  await operator.mouse.click(box.x + box.width - 40, box.y + box.height - 40);
  await operator.getByTestId('pick-postcode').check();
  await operator.locator('path.outline-postcode').first().waitFor({ state: 'attached', timeout: 30_000 });
  const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
  await operator.mouse.click(cx, cy);
  await operator.mouse.click(cx, cy);
  await operator.waitForFunction(() => document.querySelector('path.area-result')?.getAttribute('data-holes') === '1');
  await ready(operator);
  // The count and the parts at the top of the panel, the pointer off the map.
  await operator.locator('.map-panel').evaluate((el) => el.scrollTo(0, 0));
  await operator.mouse.move(box.x + box.width - 5, box.y + 5);
  await operator.screenshot({ path: join(out, 'map.png') });

  step('review: the approver sees the alert and its area on a map');
  await operator.getByTestId('nav-alerts').click();
  await operator.getByTestId('new-alert-open').click();
  await operator.getByTestId('new-category').selectOption('burglary');
  await operator.getByTestId('new-create').click();
  await operator.getByTestId('field-area_name').waitFor({ timeout: 15_000 });
  const alertId = await operator.getByTestId('composer').getAttribute('data-alert-id');
  for (const [field, value] of [
    ['case_number', '0900-80150-00123-26'],
    ['description', 'Tyven kom ind gennem et vindue.'],
    ['area_name', 'Hillerød'],
    ['time', 'i nat'],
  ]) {
    await operator.getByTestId(`field-${field}`).fill(value);
  }
  await operator.getByTestId('use-map-area').click();
  await operator.waitForFunction(() => document.querySelector('[data-testid="save-state"]')?.getAttribute('data-state') === 'saved');
  await operator.getByTestId('submit').click();
  await operator.waitForFunction(() => document.querySelector('[data-testid="alert-detail"]')?.getAttribute('data-status') === 'awaiting_approval');

  const approver = await browser.newPage({ viewport });
  await signIn(approver, url, 'vagtchef', 'demo-vagtchef');
  await approver.getByTestId('nav-alerts').click();
  await approver.getByTestId('view-approvals').click();
  await approver.getByTestId('approval-list').getByTestId(`alert-item-${alertId}`).click();
  const map = approver.getByTestId('review').getByTestId('area-map');
  await map.locator('path.area-result').waitFor({ state: 'attached', timeout: 15_000 });
  await map.scrollIntoViewIfNeeded();
  await approver.waitForTimeout(500);
  await approver.screenshot({ path: join(out, 'review.png') });

  step('monitor: the approved alert going out');
  await approver.getByTestId('approve').click();
  await approver.waitForFunction(() => document.querySelector('[data-testid="alert-detail"]')?.getAttribute('data-status') !== 'awaiting_approval');
  await approver.getByTestId('nav-monitor').click();
  await approver.waitForTimeout(6000);
  await approver.screenshot({ path: join(out, 'monitor.png') });
  step(`written to ${out}`);
}

main().catch((e) => {
  console.error(`screenshots: ${e.message}`);
  process.exitCode = 1;
});
