// Runs the dispatch benchmark outside the CLI, with the test SMSC in a child process so its
// CPU and memory are not counted as the console's:
//   npx esbuild tests/bench/run-dispatch.ts --bundle --platform=node --format=esm --packages=external --outfile=node_modules/.bench/dispatch.mjs
//   node node_modules/.bench/dispatch.mjs [sizes] [rates] [throttled sizes, rate=n,…]
//   e.g. node node_modules/.bench/dispatch.mjs 34000,500000 50,500 50=3400,500=34000
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { runDispatchBench } from '../../electron/bench/dispatch';
import { TestSmsc } from '../support/smsc/server';

if (process.argv[2] === '--smsc') {
  const smsc = await TestSmsc.start({ receiptDelayMs: 0 });
  // The test SMSC records every PDU for assertions; a benchmark only needs it to answer.
  setInterval(() => {
    smsc.received.splice(0);
    smsc.deliverResponses.splice(0);
  }, 200);
  console.log(String(smsc.port));
} else {
  const child = spawn(process.execPath, [process.argv[1] as string, '--smsc'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', () => reject(new Error('the SMSC process ended')));
  });
  const sizes = (process.argv[2] ?? '34000,500000').split(',').map(Number);
  const rates = (process.argv[3] ?? '50,500').split(',').filter(Boolean).map(Number);
  const throttled = new Map((process.argv[4] ?? '50=3400,500=34000').split(',').map((kv) => kv.split('=').map(Number) as [number, number]));
  try {
    await runDispatchBench({
      sizes,
      rates,
      throttledRecipients: (rate) => throttled.get(rate) ?? 34_000,
      smscUrl: (query) => `smpp://tryk:secret@127.0.0.1:${port}?${query}`,
      print: (line) => console.log(line),
    });
  } finally {
    child.kill();
  }
}
