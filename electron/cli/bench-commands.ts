import { runImportBench } from '../bench/import';
import type { Command } from './command';
import { intOption, UsageError } from './command';

const sizes = (v: unknown, fallback: number[]) => {
  if (v === undefined) return fallback;
  const list = String(v).split(',').map((s) => Number(s.trim().replace(/_/g, '')));
  if (list.some((n) => !Number.isInteger(n) || n < 1 || n > 10_000_000)) throw new UsageError('sizes are whole numbers from 1 to 10,000,000, comma separated');
  return list;
};

export const benchImportCommand: Command = {
  name: 'bench import',
  summary: 'time a subscriber import (read, validate, write, re-import) into a temporary store',
  usage: 'tryk bench import [--rows 10000,100000]',
  options: { rows: { type: 'string' } },
  async run(ctx) {
    const lines: string[] = [];
    await runImportBench({ rows: sizes(ctx.values.rows, [10_000, 100_000]), print: (l) => (ctx.json ? lines.push(l) : console.log(l)) });
    return { text: '', json: { lines } };
  },
};

export const benchTargetingCommand: Command = {
  name: 'bench targeting',
  summary: 'time exact area counts at 34,000 / 1,000,000 / 6,000,000 subscribers against a naive scan, in process and over the bridge',
  usage: 'tryk bench targeting [--sizes 34000,1000000,6000000] [--runs 50] [--send 500000] [--boundaries DIR]\n  --send 0 leaves out the console part (bridge round trips, the send, autosaves, start after an import)',
  options: { sizes: { type: 'string' }, runs: { type: 'string' }, send: { type: 'string' }, boundaries: { type: 'string' } },
  async run(ctx) {
    const { runTargetingBench } = await import('../bench/targeting');
    const boundariesDir = ctx.values.boundaries as string | undefined;
    const lines: string[] = [];
    await runTargetingBench({
      sizes: sizes(ctx.values.sizes, [34_000, 1_000_000, 6_000_000]),
      runs: intOption(ctx.values.runs, 'runs', 1, 10_000) ?? 50,
      ...((send) => (send === 0 ? { bridge: false } : { sendRecipients: send }))(intOption(ctx.values.send, 'send', 0, 2_000_000) ?? 500_000),
      ...(boundariesDir ? { boundariesDir } : {}),
      print: (l) => (ctx.json ? lines.push(l) : console.log(l)),
    });
    return { text: '', json: { lines } };
  },
};

export const benchDispatchCommand: Command = {
  name: 'bench dispatch',
  summary: 'time the dispatch engine against an SMPP server (npm run bench:dispatch starts one on loopback)',
  usage:
    'tryk bench dispatch --smsc smpp://system_id:password@127.0.0.1:PORT [--sizes 34000,500000] [--rates 50,500] [--throttled 50=3400,500=34000]\n' +
    '  the server must answer submits and send receipts; never point it at a real SMSC',
  options: { smsc: { type: 'string' }, sizes: { type: 'string' }, rates: { type: 'string' }, throttled: { type: 'string' } },
  async run(ctx) {
    const base = ctx.values.smsc;
    if (typeof base !== 'string' || !/^smpp:\/\/[^@]+@(127\.\d+\.\d+\.\d+|localhost|\[::1\]):\d+\/?$/.test(base)) {
      // A benchmark floods its peer: only a server on this machine is a fair target.
      throw new UsageError('--smsc is an smpp:// URL on 127.0.0.1 (or localhost) with a port and no query');
    }
    const { runDispatchBench } = await import('../bench/dispatch');
    const throttled = new Map(
      String(ctx.values.throttled ?? '50=3400,500=34000')
        .split(',')
        .map((kv) => kv.split('=').map(Number) as [number, number]),
    );
    const lines: string[] = [];
    await runDispatchBench({
      sizes: sizes(ctx.values.sizes, [34_000, 500_000]),
      rates: sizes(ctx.values.rates, [50, 500]),
      throttledRecipients: (rate) => throttled.get(rate) ?? 34_000,
      smscUrl: (query) => `${base.replace(/\/$/, '')}?${query}`,
      print: (l) => (ctx.json ? lines.push(l) : console.log(l)),
    });
    return { text: '', json: { lines } };
  },
};

// --- tips ---
export const benchInboundCommand: Command = {
  name: 'bench inbound',
  summary: 'the console half of the inbound benchmark (npm run bench:inbound brings the SMPP peer, the kill and the figures)',
  usage:
    'tryk bench inbound --smsc smpp://system_id:password@127.0.0.1:PORT --data-dir DIR\n' +
    '  binds to the peer, takes inbound messages until SIGTERM and prints when each tip reached the bridge',
  options: { smsc: { type: 'string' } },
  async run(ctx) {
    const base = ctx.values.smsc;
    if (typeof base !== 'string' || !/^smpp:\/\/[^@]+@(127\.\d+\.\d+\.\d+|localhost|\[::1\]):\d+\/?(\?[\w=&]*)?$/.test(base)) {
      throw new UsageError('--smsc is an smpp:// URL on 127.0.0.1 (or localhost) with a port');
    }
    if (typeof ctx.values['data-dir'] !== 'string') throw new UsageError('--data-dir DIR is required (the benchmark makes its own store there)');
    const { runInboundHost } = await import('../bench/inbound');
    await runInboundHost({ smscUrl: base, dataDir: ctx.values['data-dir'], print: (l) => console.log(l) });
    return { text: '', json: {} };
  },
};
