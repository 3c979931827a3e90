/**
 * The evaluation benchmark: a demo store of 34,000 subscribers with a year of history (made
 * here in a temporary directory, or --data-dir of an existing one), then the Evaluering
 * screen's data for the whole year, by district and for one category, an after-action report
 * and both PDFs, timed. Prints one line per case; run with `npm run bench:evaluation`.
 *
 * The PDFs are timed twice: rendered in this thread as they were before issue 9 (the whole
 * render is main-thread time), and through the PDF worker as the console and CLI make them
 * now, with this thread's busy time (event-loop utilisation) and its longest event-loop stall
 * while the worker renders (on a loaded machine the stall includes waiting for a core).
 */
import { createRequire } from 'node:module';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBundledBoundaries } from '../../electron/boundaries/bundled';
import { DEFAULT_DEMO_DISTRICT, makeDemoStore, pickDistrict } from '../../electron/demo/make-demo';
import { alertReport } from '../../electron/reports/alert';
import { reportDeps } from '../../electron/reports/deps';
import { evaluation } from '../../electron/reports/figures';
import { renderAlertPdf, renderPeriodPdf } from '../../electron/reports/pdf';
import { PdfClient } from '../../electron/reports/pdfClient';
import { createServices } from '../../electron/services';
import { openStore } from '../../electron/store/store';
import type { Store } from '../../electron/store/store';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const passphrase = 'bench passphrase for evaluation';
const subscribers = Number(args.get('subscribers') ?? 34_000);

async function store(): Promise<{ store: Store; cleanup(): void }> {
  if (args.has('data-dir')) {
    const s = await openStore({ dataDir: args.get('data-dir')!, key: { kind: 'passphrase', passphrase: process.env.TRYK_PASSPHRASE ?? passphrase } });
    return { store: s, cleanup: () => undefined };
  }
  const dir = mkdtempSync(join(tmpdir(), 'tryk-bench-eval-'));
  const boundaries = readBundledBoundaries();
  const t0 = performance.now();
  const made = await makeDemoStore({
    dataDir: dir,
    key: { kind: 'passphrase', passphrase },
    kdf: 'fast',
    boundaries,
    district: pickDistrict(boundaries, DEFAULT_DEMO_DISTRICT),
    subscribers,
    seed: 7,
    version: 'bench',
    progress: (l) => console.log(`  ${l}`),
  });
  console.log(`demo store with a year of history: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { store: made.store, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const { store: s, cleanup } = await store();
try {
  const services = createServices({ store: s, host: 'headless', version: 'bench' });
  const host = { db: s.db, settings: services.settings, targeting: () => services.targeting() };
  const counts = await s.db.get<{ alerts: number; outbox: number; events: number }>(
    'SELECT (SELECT count(*) FROM alerts) AS alerts, (SELECT count(*) FROM outbox) AS outbox, (SELECT count(*) FROM subscriber_events) AS events',
  );
  console.log(`store: ${subscribers.toLocaleString('en')} subscribers, ${counts!.alerts} alerts, ${counts!.outbox.toLocaleString('en')} outbox rows, ${counts!.events.toLocaleString('en')} subscriber events`);
  const now = new Date();
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const year = { from: day(new Date(now.getTime() - 365 * 86_400_000)), to: day(now) };
  const district = (await services.settings.get('console.district')) ?? undefined;
  await services.targeting(); // built once per console start, before the screen is ever opened
  const time = async (label: string, fn: () => Promise<unknown>, runs = 5) => {
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await fn();
      ms.push(performance.now() - t);
    }
    ms.sort((a, b) => a - b);
    console.log(`${label.padEnd(52)} first ${ms[0]!.toFixed(0).padStart(5)} ms · median ${ms[ms.length >> 1]!.toFixed(0).padStart(5)} ms · worst ${ms[ms.length - 1]!.toFixed(0).padStart(5)} ms (${runs} runs)`);
  };
  await time('screen data, a year, whole store', async () => evaluation(await reportDeps(host), year));
  if (district) await time('screen data, a year, the district', async () => evaluation(await reportDeps(host), { ...year, district }));
  await time('screen data, a year, burglary only', async () => evaluation(await reportDeps(host), { ...year, category: 'burglary' }));
  const last = (await s.db.get<{ id: number }>("SELECT max(id) AS id FROM alerts WHERE kind = 'alert' AND released_at IS NOT NULL"))!.id;
  await time(`after-action report data, alert ${last}`, async () => alertReport(await reportDeps(host), last));
  const require = createRequire(import.meta.url);
  const fonts = { regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'), bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf') };
  const alertData = await alertReport(await reportDeps(host), last);
  const yearData = await evaluation(await reportDeps(host), year);
  await time('after-action PDF, in the main thread (before)', async () => renderAlertPdf(alertData, 'da', fonts), 3);
  await time('period PDF, a year, in the main thread (before)', async () => renderPeriodPdf(yearData, 'da', fonts), 3);
  const pdf = new PdfClient();
  try {
    const inWorker = async (label: string, fn: () => Promise<unknown>, runs = 3) => {
      const rows: string[] = [];
      for (let i = 0; i < runs; i++) {
        const loop = monitorEventLoopDelay({ resolution: 5 });
        loop.enable();
        const elu = performance.eventLoopUtilization();
        const t = performance.now();
        await fn();
        const wall = performance.now() - t;
        const busy = performance.eventLoopUtilization(elu).active;
        loop.disable();
        rows.push(`${wall.toFixed(0)} ms (main thread busy ${busy.toFixed(0)} ms, longest stall ${(loop.max / 1e6).toFixed(0)} ms)`);
      }
      console.log(`${label.padEnd(52)} ${rows.join(' · ')}`);
    };
    await inWorker('after-action PDF, in the worker (1st starts it)', async () => pdf.alertPdf(alertData, 'da'));
    await inWorker('period PDF, a year, in the worker', async () => pdf.periodPdf(yearData, 'da'));
  } finally {
    await pdf.close();
  }
  console.log(`(load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')})`);
} finally {
  await s.close();
  cleanup();
}
