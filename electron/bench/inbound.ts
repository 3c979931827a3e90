/**
 * `tryk bench inbound`: the measured half of the inbound benchmark (npm run bench:inbound runs
 * the other half: an SMPP peer on loopback that offers messages at a rate, kills this process
 * with SIGKILL mid-stream, starts it again and redelivers what was not acknowledged).
 *
 * This half is the running console: a real encrypted store in --data-dir (made on the first
 * start, reopened after a kill), the SMPP connector bound to the peer, the intake, and the
 * aggregated tips.changed event. On every event it reads the tips that arrived since the last
 * one through the inbox service, as the renderer would, and prints one line
 * `seen <ms> <seq>,<seq>,…` (the peer puts a sequence number in each text) so the runner can
 * time deliver_sm → tip on the bridge.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startApp } from '../app';
import { createStore, openStore } from '../store/store';

const PASSPHRASE = 'bench-passphrase';

export async function runInboundHost(opts: { smscUrl: string; dataDir: string; print: (line: string) => void }): Promise<void> {
  const dir = join(opts.dataDir, 'store');
  const fresh = !existsSync(join(dir, 'tryk.db'));
  const store = fresh
    ? await createStore({ dataDir: dir, key: { kind: 'passphrase', passphrase: PASSPHRASE }, kdf: 'fast' })
    : await openStore({ dataDir: dir, key: { kind: 'passphrase', passphrase: PASSPHRASE } });
  if (fresh) {
    await store.db.run("INSERT INTO gateways (name, kind, url, is_primary, enabled, created_at) VALUES ('bench', 'smpp', ?, 1, 1, ?)", [opts.smscUrl, new Date().toISOString()]);
  }
  const app = await startApp({ store, host: 'headless', version: 'bench' });
  let lastId = (await store.db.get<{ id: number | null }>('SELECT max(id) AS id FROM tips'))?.id ?? 0;
  let reading = false;
  let again = false;
  const read = async () => {
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    try {
      do {
        again = false;
        const rows = await store.db.all<{ id: number; text: string }>('SELECT id, text FROM tips WHERE id > ? ORDER BY id LIMIT 5000', [lastId]);
        if (rows.length === 0) break;
        lastId = rows[rows.length - 1]!.id;
        const at = Date.now();
        const seqs = rows.map((r) => /#(\d+)/.exec(r.text)?.[1]).filter((x): x is string => x !== undefined);
        opts.print(`seen ${at} ${seqs.join(',')}`);
        if (rows.length === 5000) again = true;
      } while (again);
    } finally {
      reading = false;
    }
  };
  app.subscribe((event) => {
    if (event === 'tips.changed') void read();
  });
  // CPU this process has used, every second: a figure that a loaded machine distorts less
  // than the rate (the runner keeps the last line of each run, the killed one included).
  const cpuTimer = setInterval(() => {
    const u = process.cpuUsage();
    opts.print(`cpu ${Math.round((u.user + u.system) / 1000)}`);
  }, 1000);
  opts.print('ready');
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  clearInterval(cpuTimer);
  await read();
  const u = process.cpuUsage();
  opts.print(`cpu ${Math.round((u.user + u.system) / 1000)}`);
  await app.close();
}
