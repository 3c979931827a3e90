/**
 * The dispatch engine with the real SMPP connector against the real SMPP test peer on
 * loopback, in an encrypted store: receipts parsed off the wire, refusals, throttling, and a
 * move to the fallback when the primary SMSC is gone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDispatchEngine } from '../../../electron/dispatch/engine';
import type { DispatchEngine, DispatchTuning } from '../../../electron/dispatch/engine';
import { readLog } from '../../../electron/dispatch/outbox';
import { SmppGateway } from '../../../electron/gateways/smpp/connector';
import { parseSmppUrl } from '../../../electron/gateways/smpp/config';
import type { Store } from '../../../electron/store/store';
import { TestSmsc } from '../../support/smsc/server';
import type { SmscOptions } from '../../support/smsc/server';
import { testStore } from '../../support/store';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function smscAndGateway(query: string, options: SmscOptions = {}) {
  const smsc = await TestSmsc.start(options);
  cleanups.push(() => smsc.close());
  const gateway = new SmppGateway(parseSmppUrl(smsc.url(query)), {});
  cleanups.push(() => gateway.close());
  await gateway.connect();
  return { smsc, gateway };
}

async function engineWith(gateways: Record<string, SmppGateway>, tuning: Partial<DispatchTuning> = {}): Promise<{ store: Store; engine: DispatchEngine }> {
  const store = await testStore();
  cleanups.push(() => store.remove());
  const engine = createDispatchEngine({
    db: store.db,
    gateways: new Map(Object.entries(gateways)),
    tuning: { maintenanceIntervalMs: 50, retryBaseMs: 50, retryMaxMs: 200, drainMs: 200, ...tuning },
  });
  cleanups.push(() => engine.close());
  await engine.start();
  return { store, engine };
}

const list = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ subscriberId: from + i + 1, phone: `+4540${String(from + i).padStart(6, '0')}` }));

const base = {
  alertRef: 'A-7',
  text: 'Politiet: savnet dreng, 9 år, blå jakke. Ring 114.',
  priority: 'routine' as const,
  validityMinutes: 30,
  respectQuietHours: false,
};

describe('dispatch over SMPP', () => {
  it('delivers to everyone, with receipts parsed from deliver_sm (text and TLV forms)', async () => {
    const { smsc, gateway } = await smscAndGateway('tps=0&window=10', { receiptForm: 'both', outcome: (d) => (d.endsWith('7') ? { stat: 'UNDELIV', state: 5, err: '001' } : { stat: 'DELIVRD', state: 2, err: '000' }) });
    const { engine, store } = await engineWith({ smsc: gateway });
    const r = await engine.release({ ...base, recipients: list(300), primary: 'smsc' });
    const done = await engine.whenFinished(r.sendId);
    expect(done.counts).toMatchObject({ delivered: 270, failed: 30 });
    expect(done.failures).toEqual([{ reason: 'UNDELIV:001', count: 30 }]);
    expect(smsc.submits()).toHaveLength(300);
    expect(smsc.maxOutstanding).toBeLessThanOrEqual(10);
    expect(done.possibleDuplicates).toBe(0);
    const kinds = (await readLog(store.db, r.sendId)).map((e) => e.kind);
    expect(kinds).toEqual(['released', 'done']);
  });

  it('fails refused numbers with the SMPP reason and retries after throttling', async () => {
    const { smsc, gateway } = await smscAndGateway('tps=0&window=5');
    smsc.failNumbers(/^4540000003$/);
    smsc.throttleAfter(20, 10);
    const { engine } = await engineWith({ smsc: gateway });
    const r = await engine.release({ ...base, recipients: list(100), primary: 'smsc' });
    const done = await engine.whenFinished(r.sendId);
    expect(done.counts).toMatchObject({ delivered: 99, failed: 1 });
    expect(done.failures).toEqual([{ reason: 'ESME_RINVDSTADR', count: 1 }]);
    const perNumber = new Map<string, number>();
    for (const b of smsc.submits()) perNumber.set(b.destinationAddr, (perNumber.get(b.destinationAddr) ?? 0) + 1);
    expect(perNumber.size).toBe(100);
    // The ten throttled submits were tried again; nothing else was sent twice.
    expect([...perNumber.values()].reduce((a, b) => a + b, 0)).toBe(110);
  });

  it('moves the rest of the send to the fallback SMSC when the primary goes away', async () => {
    const primary = await smscAndGateway('tps=0&window=5&reconnect_min_ms=5000&reconnect_max_ms=5000', { responseDelayMs: 5 });
    const fallback = await smscAndGateway('tps=0&window=5');
    const { engine, store } = await engineWith({ primary: primary.gateway, fallback: fallback.gateway }, { failoverAfterMs: 300, failoverAfterErrors: 3 });
    const r = await engine.release({ ...base, recipients: list(400), primary: 'primary', fallback: 'fallback' });
    await new Promise<void>((res) => {
      const timer = setInterval(() => {
        if (primary.smsc.submits().length >= 50) {
          clearInterval(timer);
          void primary.smsc.close().then(() => res());
        }
      }, 2);
    });
    const done = await engine.whenFinished(r.sendId);
    expect(done.gateways.active).toBe('fallback');
    expect(done.counts.delivered + done.counts.accepted).toBe(400);
    const onPrimary = new Set(primary.smsc.submits().map((b) => b.destinationAddr));
    const onFallback = fallback.smsc.submits().map((b) => b.destinationAddr);
    expect(new Set([...onPrimary, ...onFallback]).size).toBe(400);
    // Only what was in flight on the primary when it went can have gone to both.
    const both = onFallback.filter((d) => onPrimary.has(d)).length;
    expect(both).toBeLessThanOrEqual(done.possibleDuplicates);
    expect(new Set(onFallback).size).toBe(onFallback.length);
    const log = await readLog(store.db, r.sendId);
    expect(log.some((e) => e.kind === 'gateway_switch' && e.detail?.to === 'fallback')).toBe(true);
  });
});
