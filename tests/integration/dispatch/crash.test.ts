/**
 * Kill the console (SIGKILL) at a random moment of a send to a real SMPP peer, start it
 * again, and check the promise of the outbox: every recipient ends in a final state, none is
 * skipped, and the recipients the SMSC got twice are no more than the possible duplicates the
 * send reports, which are no more than the window.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SendStatus } from '../../../electron/dispatch/outbox';
import { TestSmsc } from '../../support/smsc/server';
import { TEST_PASSPHRASE, testStore } from '../../support/store';

const root = resolve(__dirname, '../../..');
// Inside node_modules so the bundle's external packages (sqlcipher, smpp) resolve.
const outDir = join(root, 'node_modules', '.dispatch-test');
const runner = join(outDir, 'crash-runner.mjs');
const RECIPIENTS = 2000;
const WINDOW = 20;
const KILLS = 5;

beforeAll(async () => {
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [join(__dirname, 'crash-runner.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile: runner,
    logLevel: 'silent',
  });
});

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function start(env: Record<string, string>): { child: ChildProcess; lines: AsyncIterableIterator<string>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [runner], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    return exited;
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
  return { child, lines, exited };
}

async function next(lines: AsyncIterableIterator<string>): Promise<Record<string, unknown>> {
  const { value, done } = await lines.next();
  if (done) throw new Error('the runner ended without saying more');
  return JSON.parse(value) as Record<string, unknown>;
}

function receiptFields(id: string) {
  const text = `id:${id} sub:001 dlvrd:001 submit date:2601011200 done date:2601011200 stat:DELIVRD err:000 text:`;
  return {
    source_addr_ton: 1,
    source_addr_npi: 1,
    source_addr: '4530000000',
    dest_addr_ton: 5,
    dest_addr_npi: 0,
    destination_addr: 'TRYK',
    esm_class: 0x04,
    data_coding: 0,
    short_message: Buffer.from(text, 'latin1'),
  };
}

describe('dispatch survives SIGKILL at random points', () => {
  let totalPossible = 0;

  for (let run = 1; run <= KILLS; run++) {
    it(`kill ${run} of ${KILLS}: every recipient final, none skipped, duplicates ≤ reported ≤ window`, async () => {
      const smsc = await TestSmsc.start();
      cleanups.push(() => smsc.close());
      const store = await testStore();
      const dataDir = store.dataDir;
      await store.close();
      cleanups.push(() => store.remove());
      const env = { DATA_DIR: dataDir, TRYK_PASSPHRASE: TEST_PASSPHRASE, SMSC_URL: smsc.url(`tps=0&window=${WINDOW}`) };

      // Spread the kill points over the send, with some jitter inside each fifth.
      const killAt = Math.floor(((run - 1 + Math.random()) / KILLS) * (RECIPIENTS - 20)) + 10;
      const first = start({ ...env, MODE: 'release', RECIPIENTS: String(RECIPIENTS) });
      const released = await next(first.lines);
      const sendId = released.released as number;
      expect(sendId).toBeGreaterThan(0);
      let seen = 0;
      let scanned = 0;
      await new Promise<void>((res, rej) => {
        const timer = setInterval(() => {
          for (; scanned < smsc.received.length; scanned++) if (smsc.received[scanned]?.command === 'submit_sm') seen++;
          if (seen >= killAt) {
            clearInterval(timer);
            first.child.kill('SIGKILL');
            res();
          } else if (first.child.exitCode !== null) {
            clearInterval(timer);
            rej(new Error(`the runner finished before submit ${killAt}`));
          }
        }, 1);
      });
      await first.exited; // reaped, so its lock is seen as stale

      const second = start({ ...env, MODE: 'resume', SEND_ID: String(sendId) });
      let done: SendStatus | undefined;
      for (;;) {
        const msg = await next(second.lines);
        if (msg.awaiting) {
          for (const id of msg.awaiting as string[]) await smsc.deliver(receiptFields(id));
        }
        if (msg.done) {
          done = msg.done as SendStatus;
          break;
        }
      }
      expect(await second.exited).toBe(0);

      const perNumber = new Map<string, number>();
      for (const body of smsc.submits()) perNumber.set(body.destinationAddr, (perNumber.get(body.destinationAddr) ?? 0) + 1);
      const context = `killed after submit ${killAt} (${seen} seen)`;
      // None skipped: every recipient reached the SMSC.
      expect(perNumber.size, context).toBe(RECIPIENTS);
      // Every recipient final (the SMSC delivers everything).
      expect(done?.counts.delivered, context).toBe(RECIPIENTS);
      expect(done?.finished, context).toBe(RECIPIENTS);
      expect(done?.state).toBe('done');
      const twice = [...perNumber.values()].filter((n) => n > 1).length;
      const possible = done?.possibleDuplicates ?? -1;
      expect(twice, context).toBeLessThanOrEqual(possible);
      expect(possible, context).toBeLessThanOrEqual(WINDOW);
      expect([...perNumber.values()].every((n) => n <= 2), context).toBe(true);
      totalPossible += possible;
    });
  }

  it('had something in flight at some of the kills (the test is not vacuous)', () => {
    expect(totalPossible).toBeGreaterThan(0);
  });
});
