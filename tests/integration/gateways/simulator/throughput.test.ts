/**
 * The simulator on the real clock at dispatch-benchmark speed: it must take well over
 * 5,000 submits a second (the console's aim) and still deliver every receipt.
 */
import { describe, expect, it } from 'vitest';
import type { DeliveryReceipt } from '../../../../electron/gateways/gateway';
import { parseSimulatorUrl } from '../../../../electron/gateways/simulator/config';
import { SimulatorGateway } from '../../../../electron/gateways/simulator/connector';

describe('simulator throughput', () => {
  it('takes 50,000 submits at more than 5,000 a second with a window of 1,000 and 50 ms latency', async () => {
    const gateway = new SimulatorGateway(
      parseSimulatorUrl('simulator://?tps=0&window=1000&latency=50&dlrDelay=100&fail=0.02&absent=0.01&expire=0.005&invalid=0.005&replies=0.01&replyDelay=100'),
    );
    const receipts: DeliveryReceipt[] = [];
    let replies = 0;
    gateway.onReceipt((r) => receipts.push(r));
    gateway.onInbound(() => replies++);
    await gateway.connect();
    const total = 50_000;
    let next = 0;
    let accepted = 0;
    let parts = 0;
    const start = performance.now();
    // A dispatcher's loop: keep the window full, start another submit as each one answers.
    await new Promise<void>((resolve, reject) => {
      let done = 0;
      const launch = () => {
        const i = next++;
        gateway
          .submit({ ref: `r${i}`, to: `+45${30_000_000 + i}`, text: 'Politiet: Hold dig inde og luk vinduer.' })
          .then((outcome) => {
            if (outcome.kind === 'accepted') {
              accepted++;
              parts += outcome.messageIds.length;
            } else if (outcome.code !== 'ESME_RINVDSTADR') reject(new Error(`unexpected ${outcome.code}`));
            if (++done === total) resolve();
            else if (next < total) launch();
          }, reject);
      };
      for (let i = 0; i < 1000; i++) launch();
    });
    const seconds = (performance.now() - start) / 1000;
    const rate = total / seconds;
    console.log(`simulator: ${total} submits in ${seconds.toFixed(2)} s = ${Math.round(rate)}/s`);
    expect(rate).toBeGreaterThan(5000);
    expect(accepted).toBeGreaterThan(total * 0.99);
    const until = Date.now() + 5000;
    while (receipts.length < parts && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(receipts).toHaveLength(parts);
    await gateway.close();
    expect(gateway.scheduled()).toBe(0);
    expect(replies).toBeGreaterThan(0);
  });
});
