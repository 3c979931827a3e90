/**
 * Inbound SMS over SMPP into the tip intake with a real store: the loopback SMSC sends
 * deliver_sm in the shapes SMSCs use (UDH with 8- and 16-bit references, message_payload,
 * UCS-2, binary data_coding, an alphanumeric sender) and redelivers what the console did not
 * acknowledge when the connection drops mid-stream. Everything is stored once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { concatUdh, encodeGsm7, encodeUcs2 } from '../../../shared/sms';
import { SmppGateway } from '../../../electron/gateways/smpp/connector';
import { parseSmppUrl } from '../../../electron/gateways/smpp/config';
import { createServices } from '../../../electron/services';
import { createIntake } from '../../../electron/tips/intake';
import type { Intake } from '../../../electron/tips/intake';
import { TestSmsc } from '../../support/smsc/server';
import type { InboundOptions } from '../../support/smsc/server';
import { testStore } from '../../support/store';

const udh16 = (reference: number, total: number, seq: number) => Uint8Array.of(0x06, 0x08, 0x04, reference >> 8, reference & 0xff, total, seq);

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('tips over SMPP', () => {
  let smsc: TestSmsc;
  let gateway: SmppGateway;
  let intake: Intake;
  let store: Awaited<ReturnType<typeof testStore>>;

  beforeEach(async () => {
    store = await testStore();
    const services = createServices({ store, host: 'headless', version: 'test' });
    intake = createIntake({ db: store.db, settings: services.settings });
    smsc = await TestSmsc.start();
    gateway = new SmppGateway(parseSmppUrl(smsc.url('reconnect_min_ms=100&reconnect_max_ms=200')));
    gateway.onInbound((m) => intake.take('smpp', m));
    await gateway.connect();
  });
  afterEach(async () => {
    await gateway.close();
    await smsc.close();
    await intake.close();
    await store.remove();
  });

  const tips = () => store.db.all<{ text: string; sender: string; binary: number }>('SELECT text, sender, binary FROM tips ORDER BY id');
  const mo = (o: Partial<InboundOptions> & { userData: Uint8Array }) => smsc.sendInbound({ from: '4522334455', to: '1999', dataCoding: 0, ...o });

  it('joins long messages with 8- and 16-bit references, UCS-2 and GSM-7, parts in any order', async () => {
    const long = 'Jeg så manden 🏃 løbe ned ad Slotsgade mod søen, han havde en sort rygsæk og en grå hættetrøje på. ';
    const units = encodeUcs2(long);
    const a = units.subarray(0, 134);
    const b = units.subarray(134);
    expect(await mo({ dataCoding: 8, esmClass: 0x40, userData: Uint8Array.from([...udh16(40_000, 2, 2), ...b]) })).toBe(0);
    expect(await mo({ dataCoding: 8, esmClass: 0x40, userData: Uint8Array.from([...udh16(40_000, 2, 1), ...a]) })).toBe(0);
    expect(await mo({ esmClass: 0x40, userData: Uint8Array.from([...concatUdh(7, 2, 1), ...encodeGsm7('Første del,')]) })).toBe(0);
    expect(await mo({ esmClass: 0x40, userData: Uint8Array.from([...concatUdh(7, 2, 2), ...encodeGsm7(' anden del')]) })).toBe(0);
    expect((await tips()).map((t) => t.text)).toEqual([long, 'Første del, anden del']);
  });

  it('takes a 10 KB message_payload, binary data, an alphanumeric sender and an empty message', async () => {
    expect(await mo({ payload: true, userData: encodeGsm7('a'.repeat(10_240)) })).toBe(0);
    expect(await mo({ dataCoding: 0x04, userData: Uint8Array.of(0x0b, 0x05, 0x04, 0xff) })).toBe(0);
    expect(await mo({ from: 'NETTO', sourceTon: 5, userData: encodeGsm7('Tilbud i dag') })).toBe(0);
    expect(await mo({ userData: new Uint8Array() })).toBe(0);
    const t = await tips();
    expect(t[0]!.text.length).toBeGreaterThan(7_000);
    expect(t[1]).toMatchObject({ binary: 1, text: '0b0504ff' });
    expect(t[2]).toMatchObject({ sender: 'NETTO', text: 'Tilbud i dag' });
    expect(t[3]).toMatchObject({ text: '' });
  });

  it('stores every message once when the connection drops mid-stream and the SMSC redelivers', async () => {
    const messages = Array.from({ length: 400 }, (_, i) => ({ from: `452000${String(i).padStart(4, '0')}`, to: '1999', dataCoding: 0, userData: encodeGsm7(`Tip nummer ${i}`) }));
    const stream = smsc.moStream(messages, { rate: 2000, window: 50 });
    await until(() => stream.acked >= 150);
    smsc.dropConnections(); // unanswered deliver_sm are offered again on the next bind
    await stream.done;
    expect(stream.redelivered).toBeGreaterThan(0);
    const n = await store.db.get<{ n: number; d: number }>('SELECT count(*) AS n, count(DISTINCT text) AS d FROM inbound_messages');
    expect(n).toEqual({ n: 400, d: 400 });
  }, 30_000);
});
