/**
 * `tryk bench dispatch`: the figures issue 5 asks for. A real encrypted store, the real
 * dispatch engine and SMPP connector, against an SMPP server on loopback that answers and
 * sends receipts at once (the caller provides it: tests/support/smsc in the runner).
 * Unthrottled: messages per second from release to the last receipt, with CPU and memory.
 * Throttled: wall time to deliver N at the agreed rate, divided by the physical bound N/rate.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDispatchEngine } from '../dispatch/engine';
import { SmppGateway } from '../gateways/smpp/connector';
import { parseSmppUrl } from '../gateways/smpp/config';
import { createStore } from '../store/store';
import { lineLog } from '../log';

export interface DispatchBenchOptions {
  /** Recipients for the unthrottled runs. */
  sizes: number[];
  /** Agreed rates (messages per second) for the throttled runs. */
  rates: number[];
  /** Recipients for a throttled run at `rate` (default: 34,000, which takes 680 s at 50/s). */
  throttledRecipients?: (rate: number) => number;
  /** The SMPP server's URL with `query` appended, e.g. smpp://tryk:secret@127.0.0.1:PORT?QUERY. */
  smscUrl: (query: string) => string;
  /** Window per bind and binds for the unthrottled runs. */
  window?: number;
  binds?: number;
  /** Window of the throttled runs (a typical SMSC agreement). */
  throttledWindow?: number;
  /** Where the temporary stores go (a temp dir when absent); removed afterwards. */
  dataDir?: string;
  print: (line: string) => void;
}

export interface DispatchRunResult {
  recipients: number;
  rate: number;
  freezeMs: number;
  totalMs: number;
  messagesPerSecond: number;
  cpuMs: number;
  peakRssMiB: number;
  delivered: number;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');

async function runOnce(opts: DispatchBenchOptions, recipients: number, query: string, rate: number): Promise<DispatchRunResult> {
  const base = opts.dataDir ?? tmpdir();
  const dir = mkdtempSync(join(base, 'tryk-dispatch-bench-'));
  const store = await createStore({ dataDir: join(dir, 'store'), key: { kind: 'passphrase', passphrase: 'bench-passphrase' }, kdf: 'fast' });
  const gateway = new SmppGateway(parseSmppUrl(opts.smscUrl(query)));
  try {
    await gateway.connect();
    const engine = createDispatchEngine({
      db: store.db,
      gateways: new Map([['bench', gateway]]),
      log: lineLog((m) => opts.print(`  warning: ${m}`), 'warn'),
    });
    await engine.start();
    const list = Array.from({ length: recipients }, (_, i) => ({ subscriberId: i + 1, phone: `+45${String(20_000_000 + i)}` }));
    globalThis.gc?.();
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 100);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const released = await engine.release({
      alertRef: 'bench',
      text: 'Politiet: indbrud i området i nat. Hold øje og ring 114 med tips.',
      recipients: list,
      priority: 'urgent',
      validityMinutes: 120,
      primary: 'bench',
      respectQuietHours: false,
    });
    const t1 = performance.now();
    let lastLine = t1;
    const unsubscribe = engine.onProgress((s) => {
      const t = performance.now();
      if (t - lastLine < 10_000) return;
      lastLine = t;
      opts.print(`  … ${fmt(s.counts.delivered)} delivered, ${fmt(s.throughput)} msg/s, eta ${s.etaSeconds ?? '?'} s`);
    });
    const done = await engine.whenFinished(released.sendId);
    const t2 = performance.now();
    const cpu = process.cpuUsage(cpu0);
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    unsubscribe();
    await engine.close();
    return {
      recipients,
      rate,
      freezeMs: t1 - t0,
      totalMs: t2 - t0,
      messagesPerSecond: recipients / ((t2 - t0) / 1000),
      cpuMs: (cpu.user + cpu.system) / 1000,
      peakRssMiB: peakRss / 2 ** 20,
      delivered: done.counts.delivered,
    };
  } finally {
    await gateway.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runDispatchBench(opts: DispatchBenchOptions): Promise<DispatchRunResult[]> {
  const { print } = opts;
  const window = opts.window ?? 1000;
  const binds = opts.binds ?? 2;
  const results: DispatchRunResult[] = [];
  print(`== unthrottled: tps=0, window ${window} × ${binds} binds, one send, receipts at once ==`);
  for (const size of opts.sizes) {
    const r = await runOnce(opts, size, `tps=0&window=${window}&binds=${binds}`, 0);
    results.push(r);
    print(
      `${fmt(size).padStart(9)} recipients: ${(r.totalMs / 1000).toFixed(1)} s release→last receipt = ${fmt(r.messagesPerSecond)} msg/s ` +
        `(freeze ${(r.freezeMs / 1000).toFixed(2)} s); CPU ${(r.cpuMs / 1000).toFixed(1)} s (${((r.cpuMs / r.totalMs) * 100).toFixed(0)} % of a core, ` +
        `${(r.cpuMs / (size / 1000)).toFixed(0)} ms per 1,000); peak RSS ${r.peakRssMiB.toFixed(0)} MiB; delivered ${fmt(r.delivered)}`,
    );
  }
  const throttledWindow = opts.throttledWindow ?? 50;
  if (opts.rates.length) print(`== throttled: the connector's token bucket at the agreed rate, window ${throttledWindow} ==`);
  for (const rate of opts.rates) {
    const n = opts.throttledRecipients?.(rate) ?? 34_000;
    const r = await runOnce(opts, n, `tps=${rate}&window=${throttledWindow}`, rate);
    results.push(r);
    const bound = n / rate;
    print(
      `${fmt(n).padStart(9)} recipients at ${rate}/s: ${(r.totalMs / 1000).toFixed(2)} s vs bound ${bound.toFixed(2)} s = ` +
        `${((r.totalMs / 1000 / bound) * 100).toFixed(2)} % of the bound (+${((r.totalMs / 1000 / bound - 1) * 100).toFixed(2)} %); ` +
        `CPU ${(r.cpuMs / 1000).toFixed(1)} s; peak RSS ${r.peakRssMiB.toFixed(0)} MiB; delivered ${fmt(r.delivered)}`,
    );
  }
  return results;
}
