/**
 * The survey benchmark: a real SQLCipher store with N subscribers (34,000 by default), all on
 * the citizen panel; a survey sent to all of them (the recipients frozen), then N answers and
 * as many ordinary tips through the inbound intake (the same batching as a gateway's traffic),
 * and the tally, timed. Prints one line per case; run with `npm run bench:surveys [-- --subscribers N]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { recordsFromText } from '../../electron/registry/files';
import { createServices } from '../../electron/services';
import { createStore } from '../../electron/store/store';
import { surveyService } from '../../electron/surveys/service';
import { createIntake } from '../../electron/tips/intake';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const n = Number(args.get('subscribers') ?? 34_000);
const dir = mkdtempSync(join(tmpdir(), 'tryk-bench-surveys-'));
const ms = (t0: number) => performance.now() - t0;
const phone = (i: number) => `+4520${String(100_000 + i).padStart(6, '0')}`;

const store = await createStore({ dataDir: join(dir, 'data'), key: { kind: 'passphrase', passphrase: 'bench passphrase for surveys' }, kdf: 'fast' });
try {
  console.log(`load average at start: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const services = createServices({ store, host: 'headless', version: 'bench' });
  const rows = ['phone,groups', ...Array.from({ length: n }, (_, i) => `${phone(i)},citizen;borgerpanel`)];
  let t0 = performance.now();
  const imported = await services.registry.importRecords(recordsFromText(rows.join('\n'), 'csv', 'panel.csv'), 'all_or_nothing', { officer: null, via: 'cli' });
  if (imported.rejected.length > 0) throw new Error(`import refused: ${JSON.stringify(imported.rejected[0])}`);
  console.log(`import of ${n.toLocaleString('en')} panel members: ${(ms(t0) / 1000).toFixed(2)} s`);
  const a = await services.officers.create({ username: 'jensen', displayName: 'J', roles: ['operator'], passphrase: 'a long passphrase here' });
  const b = await services.officers.create({ username: 'holm', displayName: 'H', roles: ['approver'], passphrase: 'a long passphrase here' });
  const surveys = surveyService(store.db);
  const s = await surveys.create(a, {
    title: 'Bench',
    questions: [
      { kind: 'scale', text: 'Hvor tryg føler du dig?', max: 5 },
      { kind: 'yesno', text: 'Kender du TRYK?' },
    ],
    audience: { kind: 'panel', group: 'borgerpanel' },
  });
  await surveys.approve(b, s.id);
  t0 = performance.now();
  const sent = await surveys.send(a, s.id, () => services.targeting());
  console.log(`send: ${sent.recipients.toLocaleString('en')} recipients frozen in ${ms(t0).toFixed(0)} ms`);
  await store.db.run("UPDATE surveys SET state = 'open' WHERE id = ?", [s.id]); // as the pump does once the engine has it

  const intake = createIntake({ db: store.db, settings: services.settings });
  const at = new Date();
  const feed = async (count: number, from: (i: number) => string, text: (i: number) => string) => {
    const started = performance.now();
    const all: Promise<void>[] = [];
    for (let i = 0; i < count; i++) all.push(intake.take('sim', { from: from(i), to: '1999', text: text(i), receivedAt: at }));
    await Promise.all(all);
    return ms(started);
  };
  const tipMs = await feed(n, (i) => `+453${String(1_000_000 + i).padStart(7, '0')}`, (i) => `Jeg så en bil ved skolen ${i}`);
  console.log(`${n.toLocaleString('en')} tips from non-recipients with the survey open: ${(tipMs / 1000).toFixed(2)} s (${((1000 * n) / tipMs).toFixed(0)} msg/s)`);
  const answerMs = await feed(n, phone, (i) => `${1 + (i % 5)} ${i % 3 === 0 ? 'nej' : 'ja'}`);
  console.log(`${n.toLocaleString('en')} survey answers: ${(answerMs / 1000).toFixed(2)} s (${((1000 * n) / answerMs).toFixed(0)} msg/s)`);
  await intake.close();

  const times: number[] = [];
  let respondents = 0;
  for (let k = 0; k < 5; k++) {
    t0 = performance.now();
    respondents = (await surveys.results(s.id)).respondents;
    times.push(ms(t0));
  }
  times.sort((x, y) => x - y);
  console.log(`tally of ${respondents.toLocaleString('en')} respondents (2 questions): median ${times[2]!.toFixed(0)} ms, worst ${times[4]!.toFixed(0)} ms of 5`);
  console.log(`load average at end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
