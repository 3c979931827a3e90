/**
 * The console side of the crash test, run as its own process (bundled by crash.test.ts with
 * esbuild) so the test can SIGKILL it mid-send: opens the store, binds to the test SMSC,
 * releases a send (or resumes the store's open ones), and reports on stdout, one JSON
 * object per line, until the send is finished.
 *
 * Env: DATA_DIR, TRYK_PASSPHRASE, SMSC_URL, MODE=release|resume, RECIPIENTS, SEND_ID.
 */
import { createDispatchEngine } from '../../../electron/dispatch/engine';
import { SmppGateway } from '../../../electron/gateways/smpp/connector';
import { parseSmppUrl } from '../../../electron/gateways/smpp/config';
import { openStore } from '../../../electron/store/store';
import { silentLog } from '../../../electron/log';

const env = process.env;
const say = (obj: unknown) => process.stdout.write(`${JSON.stringify(obj)}\n`);

const store = await openStore({ dataDir: env.DATA_DIR as string, key: { kind: 'passphrase', passphrase: env.TRYK_PASSPHRASE as string } });
const gateway = new SmppGateway(parseSmppUrl(env.SMSC_URL as string));
await gateway.connect();
const engine = createDispatchEngine({
  db: store.db,
  gateways: new Map([['smsc', gateway]]),
  tuning: { maintenanceIntervalMs: 50 },
  log: silentLog(),
});
await engine.start();
let sendId: number;
if (env.MODE === 'release') {
  const n = Number(env.RECIPIENTS);
  const recipients = Array.from({ length: n }, (_, i) => ({ subscriberId: i + 1, phone: `+4530${String(i).padStart(6, '0')}` }));
  const r = await engine.release({
    alertRef: 'crash-test',
    text: 'Politiet: indbrud i området, hold øje med naboens hus',
    recipients,
    priority: 'routine',
    validityMinutes: 60,
    primary: 'smsc',
    respectQuietHours: false,
  });
  sendId = r.sendId;
  say({ released: sendId });
} else {
  sendId = Number(env.SEND_ID);
  say({ resumed: sendId, status: await engine.status(sendId) });
}

// Receipts the SMSC sent while this process was dead are lost with the socket; a real SMSC
// keeps them and sends them on the next bind. The test plays that part: once nothing is left
// to submit, this side says which accepted parts still wait for a receipt.
let announced = false;
for (;;) {
  const s = await engine.status(sendId);
  if (s.finishedAt) {
    say({ done: s });
    break;
  }
  if (!announced && s.counts.queued + s.counts.submitting + s.counts.deferred === 0) {
    const rows = await store.db.all<{ message_id: string }>(
      `SELECT p.message_id FROM outbox_parts p JOIN outbox o ON o.id = p.outbox_id
        WHERE o.send_id = ? AND o.state = 'accepted' AND p.state = 'accepted'`,
      [sendId],
    );
    say({ awaiting: rows.map((r) => r.message_id) });
    announced = true;
  }
  await new Promise((r) => setTimeout(r, 50));
}
await engine.close();
await gateway.close();
await store.close();
process.exit(0);
