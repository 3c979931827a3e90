// The inbound benchmark (issue 11): an SMPP peer on loopback (this process) offers N inbound
// messages at a rate to the console (`tryk bench inbound`, a child process with a real
// encrypted store), kills the console with SIGKILL part-way, starts it again on the same
// store, and redelivers what was not acknowledged. It prints the rate, the time from a
// deliver_sm to its tip on the bridge, and what the store holds: every message once.
//   npm run bench:inbound -- [messages] [rate] [kill at fraction]
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { encodeGsm7 } from '../../shared/sms';
import { openStore } from '../../electron/store/store';
import { TestSmsc } from '../support/smsc/server';
import type { InboundOptions } from '../support/smsc/server';

const total = Number(process.argv[2] ?? 30_000);
const rate = Number(process.argv[3] ?? 1000);
const killAt = Number(process.argv[4] ?? 0.4);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const tryk = join(root, 'bin', 'tryk.js');

const smsc = await TestSmsc.start({ record: false });
const dir = mkdtempSync(join(tmpdir(), 'tryk-inbound-bench-'));
const seenAt = new Float64Array(total);
/** CPU milliseconds of each run of the console (the last report before it ended). */
const cpuOfRun: number[] = [];

function startHost(): Promise<ChildProcess> {
  const run = cpuOfRun.push(0) - 1;
  const child = spawn(process.execPath, [tryk, 'bench', 'inbound', '--smsc', smsc.url(), '--data-dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolveReady, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line === 'ready') resolveReady(child);
      const cpu = /^cpu (\d+)$/.exec(line);
      if (cpu) cpuOfRun[run] = Number(cpu[1]);
      const m = /^seen (\d+) ([\d,]*)$/.exec(line);
      if (!m) return;
      const at = Number(m[1]);
      for (const s of m[2]!.split(',').filter(Boolean)) {
        const i = Number(s);
        if (i < total && seenAt[i] === 0) seenAt[i] = at;
      }
    });
    child.once('exit', (code) => reject(new Error(`the console exited (${code}) before it was ready`)));
  });
}

const messages: InboundOptions[] = Array.from({ length: total }, (_, i) => ({
  from: `452${String(1_000_000 + (i % 20_000)).slice(1)}0`,
  to: '1999',
  dataCoding: 0,
  userData: encodeGsm7(`Tip #${i}: en mand i mørk jakke ved stationen`),
}));

const wall = () => performance.timeOrigin + performance.now();
let host = await startHost();
const started = wall();
const stream = smsc.moStream(messages, { rate, window: 200 });
let killedAt = 0;
let readyAgainAt = 0;
let ackedAtKill = 0;
await new Promise<void>((done) => {
  const watch = setInterval(() => {
    if (!killedAt && stream.acked >= total * killAt) {
      killedAt = wall();
      ackedAtKill = stream.acked;
      const victim = host;
      victim.once('exit', () => {
        void startHost().then((h) => {
          host = h;
          readyAgainAt = wall();
        });
      });
      victim.kill('SIGKILL');
    }
    if (stream.acked === total) {
      clearInterval(watch);
      done();
    }
  }, 20);
});
const lastAck = Math.max(...stream.ackedAt) + performance.timeOrigin;
// The last events of the aggregated stream, then a polite stop.
await new Promise((r) => setTimeout(r, 1500));
await new Promise<void>((r) => {
  host.once('exit', () => r());
  host.kill('SIGTERM');
});
stream.stop();
await smsc.close();

const store = await openStore({ dataDir: join(dir, 'store'), key: { kind: 'passphrase', passphrase: 'bench-passphrase' } });
const rows = await store.db.get<{ n: number; distinct: number; repeats: number }>('SELECT count(*) AS n, count(DISTINCT text) AS "distinct", sum(repeats) AS repeats FROM inbound_messages');
const tips = (await store.db.get<{ n: number }>('SELECT count(*) AS n FROM tips'))?.n ?? 0;
await store.close();
rmSync(dir, { recursive: true, force: true });

const latencies: number[] = [];
for (let i = 0; i < total; i++) {
  if (seenAt[i] === 0) continue;
  const d = seenAt[i]! - (performance.timeOrigin + stream.lastSentAt[i]!);
  if (d >= 0) latencies.push(d);
}
latencies.sort((a, b) => a - b);
const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
const secs = (lastAck - started) / 1000;
const downtime = (readyAgainAt - killedAt) / 1000;
const fmt = (n: number, d = 0) => n.toLocaleString('en', { maximumFractionDigits: d, minimumFractionDigits: d });
console.log(`inbound over SMPP on loopback: ${fmt(total)} messages offered at ${fmt(rate)}/s, window 200, 20,000 senders`);
console.log(`  SIGKILL of the console after ${fmt(ackedAtKill)} acknowledged; restarted and bound again in ${fmt(downtime, 1)} s`);
console.log(`  rate: ${fmt(total / secs)} msg/s overall (${fmt(secs, 1)} s, the restart included); ${fmt(ackedAtKill / ((killedAt - started) / 1000))} msg/s before the kill`);
console.log(`  deliver_sm → tip on the bridge (tips.changed, then read): p50 ${fmt(q(0.5))} ms, p95 ${fmt(q(0.95))} ms, max ${fmt(q(1))} ms over ${fmt(latencies.length)} tips seen live`);
const cpuMs = cpuOfRun.reduce((a, b) => a + b, 0);
console.log(`  console CPU: ${fmt(cpuMs / 1000, 1)} s in all (start-ups included): ${fmt((cpuMs / total) * 1000)} ms per 1,000 messages`);
console.log(`  peer: ${fmt(stream.redelivered)} redelivered (unacknowledged at the kill), ${fmt(stream.refused)} refused with a temporary error`);
console.log(`  store: ${fmt(rows?.n ?? 0)} inbound messages, ${fmt(rows?.distinct ?? 0)} distinct, ${fmt(tips)} tips; duplicates stored: ${fmt((rows?.n ?? 0) - (rows?.distinct ?? 0))}; lost: ${fmt(total - (rows?.distinct ?? 0))}; redeliveries recognised: ${fmt(rows?.repeats ?? 0)}`);
process.exit((rows?.n ?? 0) === total && (rows?.distinct ?? 0) === total ? 0 : 1);
