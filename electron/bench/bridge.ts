/**
 * The targeting figures as an officer feels them: over the real bridge (the headless host's
 * WebSocket, round trip, with sign-in, schema checks and the worker behind it) on a store the
 * caller has filled. Measured side by side in one run:
 * - count p50/p95 per area while the console is idle, checked equal to the caller's counts;
 * - the same while a 500,000-recipient send runs at full speed through the simulator gateway
 *   (no rate limit), on another connection's console;
 * - an autosave (alerts.update) p50/p95 while another connection counts back to back;
 * - an import over the bridge, the background snapshot it triggers, and the console's start
 *   afterwards (which must load that snapshot, not build from the store);
 * - the resident memory of the whole process (main thread and workers).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { WS_PATH } from '../../shared/bridge/wire';
import { startApp } from '../app';
import { createServices } from '../services';
import { startHeadlessHost } from '../host/headless';
import type { ParsedBoundary } from '../boundaries/parse';
import { openStore } from '../store/store';
import { silentLog } from '../log';
import type { Store } from '../store/store';
import type { KeySource } from '../store/keys';
import type { TargetArea, TargetFilterInput } from '../../shared/targeting/area';

export interface BridgeBenchOptions {
  store: Store;
  key: KeySource;
  boundaries: readonly ParsedBoundary[];
  shapes: { name: string; area: TargetArea }[];
  filter: TargetFilterInput;
  /** What the in-process index counted for each shape: the bridge must answer the same. */
  expected: number[];
  runs: number;
  sendRecipients: number;
  /** How long counts are measured while the send runs (15 s; a test shortens it). */
  sendWindowMs?: number;
  print: (line: string) => void;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const ms = (v: number) => (v < 10 ? v.toFixed(2) : v.toFixed(1));
const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
const stats = (times: number[]) => {
  const s = [...times].sort((a, b) => a - b);
  return { p50: quantile(s, 0.5), p95: quantile(s, 0.95), n: s.length };
};
const load = () => `load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`;

interface Conn {
  call(channel: string, payload: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string }; ms: number }>;
  close(): void;
}

/**
 * A bridge connection as the console page makes one: the token goes in the first frame (the
 * hello), never the URL, and calls wait for the host's welcome. A closed socket fails every
 * waiting call, so a refused connection ends the bench with its reason instead of hanging.
 */
function connect(port: number, token: string): Promise<Conn> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}${WS_PATH}`, { headers: { Origin: `http://127.0.0.1:${port}` } });
  let next = 1;
  const waiting = new Map<number, { resolve: (r: { ok: boolean; value?: unknown; error?: { code: string; message: string } }) => void; reject: (e: Error) => void }>();
  let welcomed: (() => void) | null = null;
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as { id?: number; result?: { ok: boolean }; welcome?: unknown };
    if (frame.welcome !== undefined) welcomed?.();
    if (frame.id !== undefined && frame.result) {
      waiting.get(frame.id)?.resolve(frame.result);
      waiting.delete(frame.id);
    }
  });
  socket.on('close', (code, reason) => {
    const error = new Error(`the bridge closed the connection (${code}${reason.length ? `: ${reason.toString()}` : ''})`);
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
  });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('close', (code) => reject(new Error(`the bridge refused the connection (${code})`)));
    welcomed = () =>
      resolve({
        call(channel, payload) {
          const id = next++;
          const t0 = performance.now();
          return new Promise((res, rej) => {
            if (socket.readyState !== socket.OPEN) return rej(new Error('the bridge connection is closed'));
            waiting.set(id, { resolve: (r) => res({ ...r, ms: performance.now() - t0 }), reject: rej });
            socket.send(JSON.stringify({ id, channel, payload }));
          });
        },
        close: () => socket.close(),
      });
    socket.once('open', () => socket.send(JSON.stringify({ hello: { token } })));
  });
}

const OPERATOR = { username: 'bench-op', passphrase: 'bench operator passphrase' };
const ADMIN = { username: 'bench-admin', passphrase: 'bench admin passphrase' };

async function signedIn(port: number, token: string, who: { username: string; passphrase: string }): Promise<Conn> {
  const c = await connect(port, token);
  const r = await c.call('session.signIn', who);
  if (!r.ok) throw new Error(`sign-in failed: ${r.error?.message}`);
  return c;
}

/** Starts the console on `store` and its headless host; resolves when the index is loaded. */
async function startConsole(store: Store, rendererDir: string) {
  const t0 = performance.now();
  const app = await startApp({ store, host: 'headless', version: 'bench', tileUrl: null, log: silentLog() });
  const startMs = performance.now() - t0;
  const host = await startHeadlessHost({ app, rendererDir, port: 0, log: silentLog() });
  return { app, host, startMs };
}

async function countRuns(conn: Conn, opts: BridgeBenchOptions, runs: number, check: boolean): Promise<{ name: string; p50: number; p95: number; n: number; times: number[]; same: boolean }[]> {
  const out = [];
  for (const [i, s] of opts.shapes.entries()) {
    for (let w = 0; w < 3; w++) await conn.call('target.count', { area: s.area, filter: opts.filter });
    const times: number[] = [];
    let same = true;
    for (let r = 0; r < runs; r++) {
      const res = await conn.call('target.count', { area: s.area, filter: opts.filter });
      if (!res.ok) throw new Error(`${s.name}: ${res.error?.code}: ${res.error?.message}`);
      times.push(res.ms);
      if (check && (res.value as { total: number }).total !== opts.expected[i]) same = false;
    }
    out.push({ name: s.name, ...stats(times), times, same });
  }
  return out;
}

/**
 * The shapes counted in turn, so each count is of another area than the one before: the
 * worker keeps the last area's cell classes, and this measures counts that cannot use them
 * (an officer moving from one area to the next).
 */
async function countInTurn(conn: Conn, opts: BridgeBenchOptions, runs: number): Promise<{ p50: number; p95: number; n: number; same: boolean }[]> {
  const times: number[][] = opts.shapes.map(() => []);
  let same = true;
  for (let r = 0; r < runs; r++) {
    for (const [i, s] of opts.shapes.entries()) {
      const res = await conn.call('target.count', { area: s.area, filter: opts.filter });
      if (!res.ok) throw new Error(`${s.name}: ${res.error?.code}: ${res.error?.message}`);
      if ((res.value as { total: number }).total !== opts.expected[i]) same = false;
      times[i]!.push(res.ms);
    }
  }
  return times.map((t) => ({ ...stats(t), same }));
}

export async function runBridgeBench(opts: BridgeBenchOptions): Promise<Store> {
  const { print } = opts;
  const rendererDir = mkdtempSync(join(tmpdir(), 'tryk-bench-renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>bench</title>');
  let store = opts.store;
  // On a failure half-way the console must stop too, or its timers keep the process alive.
  let stopConsole: (() => Promise<void>) | null = null;
  try {
    {
      // What a console needs beyond subscribers: boundaries, a gateway without a rate limit, two officers.
      const setup = createServices({ store, host: 'headless', version: 'bench' });
      await setup.boundaries.importAll(opts.boundaries);
      await setup.gateways.add('bench', 'simulator://?tps=0&fail=0&latency=0&dlrDelay=0&replies=0', { primary: true });
      await setup.officers.create({ username: OPERATOR.username, displayName: 'Bench operator', roles: ['operator'], passphrase: OPERATOR.passphrase });
      await setup.officers.create({ username: ADMIN.username, displayName: 'Bench admin', roles: ['admin'], passphrase: ADMIN.passphrase });
      await setup.liveTargeting.close();
    }
    let { app, host, startMs } = await startConsole(store, rendererDir);
    // The whole console: sender, social and tips timers, the index worker and the store.
    const stopBoth = (h: typeof host, a: typeof app) => async () => {
      await h.close().catch(() => undefined);
      await a.close().catch(() => undefined);
    };
    stopConsole = stopBoth(host, app);
    const loaded = app.services.liveTargeting.client.lastLoad;
    print(`bridge: console start ${(startMs / 1000).toFixed(2)} s (index from the ${loaded?.source}, worker ${((loaded?.ms ?? 0) / 1000).toFixed(2)} s); RSS ${mib(process.memoryUsage().rss)}`);

    const a = await signedIn(host.port, host.token, OPERATOR);
    const b = await signedIn(host.port, host.token, OPERATOR);
    const header = `${'bridge round trip'.padEnd(28)}${'idle p50'.padStart(10)}${'p95'.padStart(8)}${'in turn p50'.padStart(13)}${'p95'.padStart(8)}${'sending p50'.padStart(13)}${'p95'.padStart(8)}  same`;

    // Idle means idle: the start's own background work (a snapshot refresh) is over first.
    await app.services.liveTargeting.snapshotSettled();
    const idle = await countRuns(a, opts, opts.runs, true);
    const inTurn = await countInTurn(a, opts, opts.runs);
    print(`bridge idle counts done (${load()})`);

    // An autosave while the other connection counts back to back.
    const created = await b.call('alerts.create', { category: 'burglary' });
    if (!created.ok) throw new Error(`alerts.create: ${created.error?.message}`);
    let draft = created.value as { id: number; revision: number };
    let stop = false;
    let backToBack = 0;
    const counting = (async () => {
      while (!stop) {
        for (const s of opts.shapes) {
          await a.call('target.count', { area: s.area, filter: opts.filter });
          backToBack++;
        }
      }
    })();
    const saves: number[] = [];
    for (let r = 0; r < opts.runs; r++) {
      const res = await b.call('alerts.update', { id: draft.id, revision: draft.revision, patch: { smsText: `Politiet: indbrud i området (${r}). Ring 114 med tips.` } });
      if (!res.ok) throw new Error(`alerts.update: ${res.error?.message}`);
      draft = res.value as { id: number; revision: number };
      saves.push(res.ms);
      await new Promise((r2) => setTimeout(r2, 20)); // an officer typing, not a flood
    }
    stop = true;
    await counting;
    const save = stats(saves);
    print(`bridge autosave while counts run back to back: p50 ${ms(save.p50)} ms, p95 ${ms(save.p95)} ms (${save.n} saves, ${backToBack} counts meanwhile; ${load()})`);

    // Counts while a large send runs at full speed.
    const sender = app.sender;
    if (!sender) throw new Error('the console is not sending');
    const list = Array.from({ length: opts.sendRecipients }, (_, i) => ({ subscriberId: i + 1, phone: `+45${String(20_000_000 + i)}` }));
    const t0 = performance.now();
    const released = await sender.engine.release({
      alertRef: 'bench',
      text: 'Politiet: indbrud i området i nat. Hold øje og ring 114 med tips.',
      recipients: list,
      priority: 'urgent',
      validityMinutes: 120,
      primary: 'bench',
      respectQuietHours: false,
    });
    const frozeMs = performance.now() - t0;
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
    // Let the send reach its pace, then count for at least 15 s of it.
    await new Promise((r) => setTimeout(r, Math.min(2000, opts.sendWindowMs ?? 2000)));
    const before = await sender.engine.status(released.sendId);
    const tSend = performance.now();
    let sending = await countRuns(a, opts, opts.runs, true);
    while (performance.now() - tSend < (opts.sendWindowMs ?? 15_000)) {
      const more = await countRuns(a, opts, opts.runs, true);
      sending = sending.map((x, i) => ({ ...x, times: [...x.times, ...more[i]!.times], same: x.same && more[i]!.same }));
    }
    sending = sending.map((x) => ({ ...x, ...stats(x.times) }));
    const after = await sender.engine.status(released.sendId);
    const during = (after.counts.delivered - before.counts.delivered) / ((performance.now() - tSend) / 1000);
    const stillSending = after.counts.delivered < opts.sendRecipients;
    clearInterval(sampler);
    print(
      `bridge counts during a ${opts.sendRecipients.toLocaleString('en')}-recipient send: frozen in ${(frozeMs / 1000).toFixed(1)} s, ${Math.round(during).toLocaleString('en')} delivered/s while counting` +
        `${stillSending ? '' : ' (the send FINISHED before the counts did)'}; peak RSS ${mib(peakRss)} (${load()})`,
    );
    // A send that finished meanwhile has nothing left to cancel.
    if (stillSending) await sender.engine.cancel(released.sendId).catch(() => undefined);
    print(header);
    for (const [i, r] of idle.entries()) {
      const s = sending[i]!;
      const t = inTurn[i]!;
      print(
        `${r.name.padEnd(28)}${ms(r.p50).padStart(10)}${ms(r.p95).padStart(8)}${ms(t.p50).padStart(13)}${ms(t.p95).padStart(8)}${ms(s.p50).padStart(13)}${ms(s.p95).padStart(8)}  ${r.same && s.same && t.same ? 'yes' : 'NO'} (${r.n} + ${t.n} + ${s.n} runs)`,
      );
    }
    a.close();
    b.close();

    // An import over the bridge, then the next start: the snapshot must have followed.
    const admin = await signedIn(host.port, host.token, ADMIN);
    // 1,000 subscribers of the store move home (synthetic numbers: any new valid one may already be taken).
    const phones = await store.db.all<{ phone: string }>('SELECT phone FROM subscribers ORDER BY id DESC LIMIT 1000');
    const rows = ['phone;home_lat;home_lon;groups', ...phones.map(({ phone }, i) => `${phone};55,9${String(i % 100).padStart(2, '0')};12,3${String(i % 97).padStart(2, '0')};citizen`)];
    // As the console uploads a file: in pieces (one here: 1,000 rows are far under a piece), then the import.
    const t0Import = performance.now();
    const part = await admin.call('subscribers.importPart', { uploadId: null, format: 'csv', fileName: 'bench.csv', content: rows.join('\n') });
    if (!part.ok) throw new Error(`import upload: ${part.error?.message}`);
    const done = await admin.call('subscribers.import', { uploadId: (part.value as { uploadId: number }).uploadId, mode: 'all_or_nothing' });
    const imported = { ...done, ms: performance.now() - t0Import };
    if (!imported.ok) throw new Error(`import: ${imported.error?.message}`);
    const report = imported.value as { imported: boolean; created: number; updated: number };
    if (!report.imported) throw new Error(`import refused: ${JSON.stringify(report).slice(0, 300)}`);
    admin.close();
    const tImport = performance.now();
    await app.services.liveTargeting.applied();
    await app.services.liveTargeting.snapshotSettled();
    print(`bridge import updating ${(report.created + report.updated).toLocaleString('en')} subscribers: ${(imported.ms / 1000).toFixed(2)} s; snapshot up to date ${((performance.now() - tImport) / 1000).toFixed(1)} s later (in the background)`);
    await stopConsole();
    stopConsole = null;
    store = await openStore({ dataDir: store.dataDir, key: opts.key });
    ({ app, host, startMs } = await startConsole(store, rendererDir));
    stopConsole = stopBoth(host, app);
    const again = app.services.liveTargeting.client.lastLoad;
    print(
      `console start after the import: ${(startMs / 1000).toFixed(2)} s (index from the ${again?.source}${again?.source === 'snapshot' ? '' : ' — the snapshot was NOT current'}); RSS ${mib(process.memoryUsage().rss)} (${load()})`,
    );
    await stopConsole();
    stopConsole = null;
    return store; // the caller closes it
  } finally {
    await stopConsole?.();
    rmSync(rendererDir, { recursive: true, force: true });
  }
}
