/**
 * The SMPP gateway against a real SMPP peer on loopback (tests/support/smsc): every check
 * looks at what actually crossed the socket.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { concatUdh, decodeGsm7, decodeUcs2, encodeGsm7, encodeUcs2, packGsm7, udhFillBits } from '../../../shared/sms';
import type { DeliveryReceipt, GatewayStateChange, InboundSms } from '../../../electron/gateways/gateway';
import { GatewayError } from '../../../electron/gateways/gateway';
import { SmppGateway } from '../../../electron/gateways/smpp/connector';
import { parseSmppUrl } from '../../../electron/gateways/smpp/config';
import { TLV } from '../../../electron/gateways/smpp/pdu';
import type { SmscOptions } from '../../support/smsc/server';
import { TestSmsc } from '../../support/smsc/server';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(query = '', options: SmscOptions = {}) {
  const smsc = await TestSmsc.start(options);
  cleanups.push(() => smsc.close());
  const gateway = new SmppGateway(parseSmppUrl(smsc.url(query)));
  cleanups.push(() => gateway.close());
  return { smsc, gateway };
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const bytes = (data: Uint8Array) => [...data];

describe('SMPP gateway on loopback', () => {
  it('binds as a transceiver with the configured credentials and reports connected', async () => {
    const { smsc, gateway } = await setup();
    const states: GatewayStateChange[] = [];
    gateway.onState((s) => states.push(s));
    await gateway.connect();
    expect(smsc.boundConnections).toBe(1);
    const bind = smsc.received.find((p) => p.command === 'bind_transceiver');
    expect(bind).toBeDefined();
    // interface_version is the octet before addr_ton/addr_npi and the empty address_range.
    expect(bind?.raw.at(-4)).toBe(0x34);
    expect(states.map((s) => s.state)).toEqual(['connecting', 'connected']);
    expect(gateway.capacity()).toEqual({ tps: 50, window: 10, inFlight: 0 });
  });

  it('rejects a wrong password with ESME_RBINDFAIL, without the password in the message', async () => {
    const smsc = await TestSmsc.start({ password: 'secret' });
    cleanups.push(() => smsc.close());
    const gateway = new SmppGateway(parseSmppUrl(smsc.url('', 'tryk:wr0ngpw')));
    const error = await gateway.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('ESME_RBINDFAIL');
    expect((error as GatewayError).status).toBe(0x0d);
    expect((error as GatewayError).message).not.toContain('wr0ngpw');
    // A refused bind is final: no reconnect loop hammering the SMSC with a bad password.
    await new Promise((r) => setTimeout(r, 300));
    expect(smsc.received.filter((p) => p.command === 'bind_transceiver')).toHaveLength(1);
    expect(smsc.openConnections).toBe(0);
  });

  it('reports a refused TCP connection with its errno code', async () => {
    const smsc = await TestSmsc.start();
    const url = smsc.url();
    await smsc.close();
    const gateway = new SmppGateway(parseSmppUrl(url));
    await expect(gateway.connect()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('sends GSM-7 with Danish letters unpacked, data_coding 0, to an international number', async () => {
    const { smsc, gateway } = await setup('source=Politi&validity=90');
    await gateway.connect();
    const text = 'Rigspolitiet: Søg ly indendørs på Ærø. Luk vinduer & døre!';
    const outcome = await gateway.submit({ ref: 'r1', to: '+4512345678', text });
    expect(outcome).toEqual({ kind: 'accepted', messageIds: ['1000'] });
    const [pdu] = smsc.submits();
    expect(pdu?.dataCoding).toBe(0);
    expect(pdu?.esmClass).toBe(0);
    expect(pdu?.destAddrTon).toBe(1);
    expect(pdu?.destAddrNpi).toBe(1);
    expect(pdu?.destinationAddr).toBe('4512345678');
    expect(pdu?.sourceAddr).toBe('Politi');
    expect(pdu?.sourceAddrTon).toBe(5);
    expect(pdu?.registeredDelivery).toBe(1);
    expect(pdu?.validityPeriod).toBe('000000013000000R');
    expect(bytes(pdu?.shortMessage ?? new Uint8Array())).toEqual(bytes(encodeGsm7(text)));
    expect(decodeGsm7(pdu?.shortMessage ?? new Uint8Array())).toBe(text);
    expect(pdu?.tlvs.has(TLV.messagePayload)).toBe(false);
  });

  it('packs GSM-7 septets when the SMSC asks for packed=1', async () => {
    const { smsc, gateway } = await setup('packed=1');
    await gateway.connect();
    const text = 'Evakuér nu'; // 10 septets: 70 bits in 9 octets, no padding needed
    await gateway.submit({ ref: 'r1', to: '+4512345678', text });
    const [pdu] = smsc.submits();
    expect(pdu?.dataCoding).toBe(0);
    expect(bytes(pdu?.shortMessage ?? new Uint8Array())).toEqual(bytes(packGsm7(encodeGsm7(text))));
  });

  it('sends text with an emoji as UCS-2 (data_coding 8, UTF-16BE with the surrogate pair)', async () => {
    const { smsc, gateway } = await setup();
    await gateway.connect();
    const text = 'Brand i Aarhus 🔥 hold afstand';
    const outcome = await gateway.submit({ ref: 'r1', to: '+4512345678', text });
    expect(outcome.kind).toBe('accepted');
    const [pdu] = smsc.submits();
    expect(pdu?.dataCoding).toBe(8);
    expect(decodeUcs2(pdu?.shortMessage ?? new Uint8Array())).toBe(text);
    expect(bytes(pdu?.shortMessage ?? new Uint8Array())).toEqual(bytes(encodeUcs2(text)));
  });

  it('splits a long GSM-7 message into 3 parts with one UDH reference and sequence 1..3', async () => {
    const { smsc, gateway } = await setup();
    await gateway.connect();
    const text = 'Æ'.repeat(153) + 'ø'.repeat(153) + 'å'.repeat(10);
    const outcome = await gateway.submit({ ref: 'r1', to: '+4512345678', text });
    expect(outcome.kind === 'accepted' && outcome.messageIds).toEqual(['1000', '1001', '1002']);
    const parts = smsc.submits();
    expect(parts).toHaveLength(3);
    const reference = parts[0]?.shortMessage[3] as number;
    parts.forEach((part, i) => {
      expect(part.esmClass & 0x40).toBe(0x40);
      expect(part.dataCoding).toBe(0);
      expect(bytes(part.shortMessage.subarray(0, 6))).toEqual(bytes(concatUdh(reference, 3, i + 1)));
    });
    const joined = parts.map((p) => decodeGsm7(p.shortMessage.subarray(6))).join('');
    expect(joined).toBe(text);
    // The next long message gets a new reference, so handsets do not mix the two.
    await gateway.submit({ ref: 'r2', to: '+4512345678', text });
    expect(smsc.submits()[3]?.shortMessage[3]).not.toBe(reference);
  });

  it('packs concatenated parts with the fill bits after the UDH', async () => {
    const { smsc, gateway } = await setup('packed=1');
    await gateway.connect();
    const text = 'a'.repeat(200);
    await gateway.submit({ ref: 'r1', to: '+4512345678', text });
    const [first] = smsc.submits();
    const udh = first?.shortMessage.subarray(0, 6) as Uint8Array;
    expect(bytes(first?.shortMessage.subarray(6) ?? new Uint8Array())).toEqual(
      bytes(packGsm7(encodeGsm7('a'.repeat(153)), udhFillBits(udh.length))),
    );
  });

  it('splits a long UCS-2 message into 2 parts with a correct UDH', async () => {
    const { smsc, gateway } = await setup();
    await gateway.connect();
    const text = 'Сообщение полиции: '.repeat(5); // 95 UTF-16 units: 2 parts of ≤ 67
    const outcome = await gateway.submit({ ref: 'r1', to: '+4512345678', text });
    expect(outcome.kind === 'accepted' && outcome.messageIds).toHaveLength(2);
    const parts = smsc.submits();
    const reference = parts[0]?.shortMessage[3] as number;
    parts.forEach((part, i) => {
      expect(part.dataCoding).toBe(8);
      expect(part.esmClass & 0x40).toBe(0x40);
      expect(bytes(part.shortMessage.subarray(0, 6))).toEqual(bytes(concatUdh(reference, 2, i + 1)));
    });
    expect(parts.map((p) => decodeUcs2(p.shortMessage.subarray(6))).join('')).toBe(text);
  });

  it('puts a long message in one message_payload PDU with no short_message when payload=1', async () => {
    const { smsc, gateway } = await setup('payload=1');
    await gateway.connect();
    const text = 'Øst for Storebælt: '.repeat(20);
    const outcome = await gateway.submit({ ref: 'r1', to: '+4512345678', text });
    expect(outcome.kind === 'accepted' && outcome.messageIds).toHaveLength(1);
    const pdus = smsc.submits();
    expect(pdus).toHaveLength(1);
    expect(pdus[0]?.shortMessage).toHaveLength(0);
    expect(pdus[0]?.esmClass).toBe(0);
    expect(decodeGsm7(pdus[0]?.tlvs.get(TLV.messagePayload) ?? new Uint8Array())).toBe(text);
    // And never both fields in any PDU (the test SMSC would also refuse such a PDU).
    expect(smsc.submits().every((p) => p.shortMessage.length === 0 || !p.tlvs.has(TLV.messagePayload))).toBe(true);
  });

  it('matches text-form receipts to the message ids of the parts', async () => {
    const { smsc, gateway } = await setup('', { receiptForm: 'text', receiptDelayMs: 20 });
    const receipts: DeliveryReceipt[] = [];
    gateway.onReceipt((r) => receipts.push(r));
    await gateway.connect();
    const outcome = await gateway.submit({ ref: 'r1', to: '+4512345678', text: 'x'.repeat(200) });
    await until(() => receipts.length === 2);
    expect(outcome.kind === 'accepted' && outcome.messageIds).toEqual(receipts.map((r) => r.messageId));
    expect(receipts.every((r) => r.state === 'delivered' && r.final && r.stat === 'DELIVRD' && r.doneAt instanceof Date)).toBe(true);
    await until(() => smsc.deliverResponses.length === 2);
    expect(smsc.deliverResponses).toEqual([0, 0]);
  });

  it('reads TLV-form receipts, including failures', async () => {
    const { smsc, gateway } = await setup('', {
      receiptForm: 'tlv',
      outcome: (to) => (to.endsWith('99') ? { stat: 'UNDELIV', state: 5, err: '001' } : { stat: 'DELIVRD', state: 2, err: '000' }),
    });
    const receipts: DeliveryReceipt[] = [];
    gateway.onReceipt((r) => receipts.push(r));
    await gateway.connect();
    const ok = await gateway.submit({ ref: 'a', to: '+4512345678', text: 'hej' });
    const bad = await gateway.submit({ ref: 'b', to: '+4512345699', text: 'hej' });
    await until(() => receipts.length === 2);
    const byId = new Map(receipts.map((r) => [r.messageId, r]));
    expect(ok.kind === 'accepted' && byId.get(ok.messageIds[0] as string)?.state).toBe('delivered');
    expect(bad.kind === 'accepted' && byId.get(bad.messageIds[0] as string)).toMatchObject({ state: 'failed', stat: 'UNDELIV', final: true });
    await until(() => smsc.deliverResponses.length === 2);
    expect(smsc.deliverResponses).toEqual([0, 0]);
  });

  it('lets the TLVs win when a receipt carries both forms', async () => {
    const { smsc, gateway } = await setup();
    const receipts: DeliveryReceipt[] = [];
    gateway.onReceipt((r) => receipts.push(r));
    await gateway.connect();
    await smsc.deliver({
      esm_class: 0x04,
      data_coding: 0,
      short_message: Buffer.from('id:111 sub:001 dlvrd:001 submit date:2611240400 done date:2611240401 stat:DELIVRD err:000 text:'),
      receipted_message_id: 'ABC',
      message_state: 3,
    });
    await until(() => receipts.length === 1);
    expect(receipts[0]).toMatchObject({ messageId: 'ABC', state: 'expired', stat: 'EXPIRED' });
  });

  it('decodes inbound messages (GSM-7, UCS-2, parts of a long one) and answers every deliver_sm', async () => {
    const { smsc, gateway } = await setup();
    const inbound: InboundSms[] = [];
    gateway.onInbound((m) => inbound.push(m));
    await gateway.connect();
    await smsc.sendInbound({ from: '4522334455', to: '1999', dataCoding: 0, userData: encodeGsm7('Jeg så en rød bil {ved} søen €') });
    await smsc.sendInbound({ from: '4522334455', to: '1999', dataCoding: 8, userData: encodeUcs2('Tak 👍') });
    const udh1 = concatUdh(7, 2, 1);
    const udh2 = concatUdh(7, 2, 2);
    // Parts are passed on with their numbering: the intake joins them in the store, so a
    // part acknowledged to the SMSC is never only in memory.
    await smsc.sendInbound({ from: '4522334455', to: '1999', dataCoding: 0, esmClass: 0x40, userData: Uint8Array.from([...udh2, ...encodeGsm7(' anden del')]) });
    await smsc.sendInbound({ from: '4522334455', to: '1999', dataCoding: 0, esmClass: 0x40, userData: Uint8Array.from([...udh1, ...encodeGsm7('Første del,')]) });
    await until(() => inbound.length === 4);
    expect(inbound.map((m) => m.text)).toEqual(['Jeg så en rød bil {ved} søen €', 'Tak 👍', ' anden del', 'Første del,']);
    expect(inbound.map((m) => m.concat)).toEqual([undefined, undefined, { reference: 7, total: 2, seq: 2 }, { reference: 7, total: 2, seq: 1 }]);
    expect(inbound[0]).toMatchObject({ from: '+4522334455', to: '1999' });
    expect(inbound[0]?.receivedAt).toBeInstanceOf(Date);
    await until(() => smsc.deliverResponses.length === 4);
    expect(smsc.deliverResponses).toEqual([0, 0, 0, 0]);
  });

  it('reports throttling as temporary with the SMPP code, then recovers', async () => {
    const { smsc, gateway } = await setup();
    await gateway.connect();
    smsc.throttleNext(1);
    expect(await gateway.submit({ ref: 'r1', to: '+4512345678', text: 'hej' })).toEqual({
      kind: 'rejected',
      temporary: true,
      code: 'ESME_RTHROTTLED',
      status: 0x58,
      reason: expect.any(String),
      messageIds: [],
      maybeSubmitted: false,
    });
    expect((await gateway.submit({ ref: 'r1', to: '+4512345678', text: 'hej' })).kind).toBe('accepted');
  });

  it('reports an invalid destination as permanent, and a malformed number without sending', async () => {
    const { smsc, gateway } = await setup();
    await gateway.connect();
    smsc.failNumbers(/^4500/);
    expect(await gateway.submit({ ref: 'r1', to: '+4500000000', text: 'hej' })).toMatchObject({
      kind: 'rejected',
      temporary: false,
      code: 'ESME_RINVDSTADR',
      status: 0x0b,
    });
    expect(await gateway.submit({ ref: 'r2', to: '12345678', text: 'hej' })).toMatchObject({ kind: 'rejected', temporary: false, code: 'INVALID_NUMBER' });
    expect(smsc.submits()).toHaveLength(1);
  });

  it('keeps the ids of parts accepted before a later part failed', async () => {
    const { smsc, gateway } = await setup();
    await gateway.connect();
    smsc.throttleAfter(1);
    const text = 'x'.repeat(300); // 3 parts
    const outcome = await gateway.submit({ ref: 'r1', to: '+4512345678', text });
    expect(outcome).toMatchObject({ kind: 'rejected', temporary: true, code: 'ESME_RTHROTTLED', messageIds: ['1000'] });
    // The part after the refused one is not sent: it could never be joined without it.
    expect(smsc.submits()).toHaveLength(2);
  });

  it('reconnects with backoff after the SMSC drops the connection, failing what was in flight as temporary', async () => {
    const { smsc, gateway } = await setup('reconnect_min_ms=50&reconnect_max_ms=200', { responseDelayMs: 200 });
    const states: GatewayStateChange[] = [];
    gateway.onState((s) => states.push(s));
    await gateway.connect();
    const inFlight = gateway.submit({ ref: 'r1', to: '+4512345678', text: 'hej' });
    await until(() => smsc.submits().length === 1);
    smsc.dropConnections();
    expect(await inFlight).toMatchObject({ kind: 'rejected', temporary: true, code: 'SMPP_CONNECTION_LOST', maybeSubmitted: true });
    await until(() => smsc.boundConnections === 1);
    await until(() => states.at(-1)?.state === 'connected');
    expect(states.map((s) => s.state)).toContain('connecting');
    smsc.responseDelayMs = 0;
    expect((await gateway.submit({ ref: 'r2', to: '+4512345678', text: 'igen' })).kind).toBe('accepted');
    expect(smsc.received.filter((p) => p.command === 'bind_transceiver').length).toBe(2);
  });

  it('reconnects when the SMSC asks to unbind', async () => {
    const { smsc, gateway } = await setup('reconnect_min_ms=20&reconnect_max_ms=50');
    await gateway.connect();
    expect(await smsc.request('unbind')).toBe(0);
    await until(() => smsc.received.filter((p) => p.command === 'bind_transceiver').length === 2 && smsc.boundConnections === 1);
    // The peer has the new bind; the gateway takes submits once it has read the bind_resp.
    await until(() => gateway.capacity().window > 0);
    expect((await gateway.submit({ ref: 'r1', to: '+4512345678', text: 'hej' })).kind).toBe('accepted');
  });

  it('drops and rebinds a link whose SMSC stops answering enquire_link', async () => {
    const { smsc, gateway } = await setup('enquire_link=1&timeout=1&reconnect_min_ms=20&reconnect_max_ms=50');
    const states: GatewayStateChange[] = [];
    gateway.onState((s) => states.push(s));
    await gateway.connect();
    smsc.silent = true;
    await until(() => states.some((s) => s.state === 'connecting' && s.detail.includes('no enquire_link_resp')), 5000);
    smsc.silent = false;
    await until(() => states.at(-1)?.state === 'connected', 5000);
    expect(smsc.received.filter((p) => p.command === 'bind_transceiver').length).toBeGreaterThanOrEqual(2);
  });

  it('answers an undecodable inbound message and passes it on flagged as binary', async () => {
    const { smsc, gateway } = await setup();
    const inbound: InboundSms[] = [];
    gateway.onInbound((m) => inbound.push(m));
    await gateway.connect();
    // Odd-length UCS-2 cannot be decoded; it must be acknowledged anyway or the SMSC resends forever.
    expect(await smsc.sendInbound({ from: '4522334455', to: '1999', dataCoding: 8, userData: Uint8Array.of(0, 65, 66) })).toBe(0);
    expect(await smsc.sendInbound({ from: '4522334455', to: '1999', dataCoding: 0, userData: encodeGsm7('ok') })).toBe(0);
    await until(() => inbound.length === 2);
    expect(inbound[0]).toMatchObject({ binary: true, text: '004142' });
    expect(inbound[1]?.text).toBe('ok');
  });

  it('answers a deliver_sm only once the listener has stored it, and with a temporary error when it could not', async () => {
    const { smsc, gateway } = await setup();
    let release!: () => void;
    let fail = false;
    gateway.onInbound(() => (fail ? Promise.reject(new Error('disk full')) : new Promise<void>((r) => (release = r))));
    await gateway.connect();
    let answered: number | undefined;
    const pending = smsc.sendInbound({ from: '4522334455', to: '1999', dataCoding: 0, userData: encodeGsm7('tip') }).then((s) => (answered = s));
    await new Promise((r) => setTimeout(r, 200));
    expect(answered).toBeUndefined(); // not yet committed: not yet acknowledged
    release();
    await pending;
    expect(answered).toBe(0);
    fail = true;
    expect(await smsc.sendInbound({ from: '4522334455', to: '1999', dataCoding: 0, userData: encodeGsm7('tip 2') })).toBe(0x64); // ESME_RX_T_APPN
  });

  it('fails fast with SMPP_NOT_BOUND while no bind is up', async () => {
    const { smsc, gateway } = await setup('reconnect_min_ms=5000&reconnect_max_ms=5000');
    await gateway.connect();
    smsc.dropConnections();
    await until(() => gateway.capacity().window === 0);
    expect(await gateway.submit({ ref: 'r1', to: '+4512345678', text: 'hej' })).toMatchObject({ kind: 'rejected', temporary: true, code: 'SMPP_NOT_BOUND' });
  });

  it('respects the tps limit (20 submits at tps=10 take at least ~1.9 s)', async () => {
    const { gateway } = await setup('tps=10&window=50');
    await gateway.connect();
    const start = performance.now();
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => gateway.submit({ ref: `r${i}`, to: '+4512345678', text: 'hej' })));
    const elapsed = performance.now() - start;
    expect(outcomes.every((o) => o.kind === 'accepted')).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(1850);
  });

  it('keeps at most `window` submits in flight per bind and spreads them over several binds', async () => {
    const { smsc, gateway } = await setup('tps=0&window=2&binds=2', { responseDelayMs: 50 });
    await gateway.connect();
    expect(smsc.boundConnections).toBe(2);
    expect(gateway.capacity()).toMatchObject({ window: 4 });
    const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) => gateway.submit({ ref: `r${i}`, to: '+4512345678', text: 'hej' })));
    expect(outcomes.every((o) => o.kind === 'accepted')).toBe(true);
    expect(smsc.maxOutstanding).toBe(2);
    expect([smsc.submitCount, smsc.acceptedCount]).toEqual([12, 12]);
    const perConnection = new Map<number, number>();
    for (const pdu of smsc.received.filter((p) => p.command === 'submit_sm')) {
      perConnection.set(pdu.connection, (perConnection.get(pdu.connection) ?? 0) + 1);
    }
    // Round-robin: both binds carry a share (exact counts depend on answer timing).
    const counts = [...perConnection.values()];
    expect(counts).toHaveLength(2);
    expect(Math.abs((counts[0] ?? 0) - (counts[1] ?? 0))).toBeLessThanOrEqual(2);
  });

  it('counts without recording when the test SMSC runs a benchmark (record: false)', async () => {
    const { smsc, gateway } = await setup('tps=0', { record: false });
    const receipts: DeliveryReceipt[] = [];
    gateway.onReceipt((r) => receipts.push(r));
    await gateway.connect();
    await Promise.all(Array.from({ length: 50 }, (_, i) => gateway.submit({ ref: `r${i}`, to: '+4512345678', text: 'hej' })));
    await until(() => receipts.length === 50);
    expect(smsc.received).toHaveLength(0);
    expect([smsc.submitCount, smsc.acceptedCount]).toEqual([50, 50]);
  });

  it('lets urgent messages overtake routine ones waiting for the rate limit', async () => {
    const { smsc, gateway } = await setup('tps=20&window=50');
    await gateway.connect();
    const routine = Array.from({ length: 6 }, (_, i) => gateway.submit({ ref: `r${i}`, to: '+4511111111', text: 'rutine' }));
    const urgent = gateway.submit({ ref: 'u', to: '+4522222222', text: 'hast', priority: 'urgent' });
    await Promise.all([...routine, urgent]);
    const order = smsc.submits().map((p) => p.destinationAddr);
    // The first routine submit took the only token; the urgent one goes next.
    expect(order.indexOf('4522222222')).toBe(1);
    expect(smsc.submits()[1]?.priorityFlag).toBe(1);
  });

  it('answers enquire_link from the SMSC and sends its own keep-alive', async () => {
    const { smsc, gateway } = await setup('enquire_link=1');
    await gateway.connect();
    expect(await smsc.request('enquire_link')).toBe(0);
    await until(() => smsc.received.some((p) => p.command === 'enquire_link'), 3000);
  });

  it('answers requests it does not support with ESME_RINVCMDID instead of ignoring them', async () => {
    const { smsc, gateway } = await setup();
    await gateway.connect();
    expect(await smsc.request('query_sm', { message_id: '1' })).toBe(0x03);
  });

  it('close() unbinds and leaves no socket or timer behind', async () => {
    const smsc = await TestSmsc.start();
    cleanups.push(() => smsc.close());
    const count = (kind: string) => process.getActiveResourcesInfo().filter((h) => h === kind).length;
    await new Promise((r) => setTimeout(r, 50));
    const before = { sockets: count('TCPSocketWrap'), timers: count('Timeout') };
    const gateway = new SmppGateway(parseSmppUrl(smsc.url('binds=2&enquire_link=1&tps=10')));
    await gateway.connect();
    await Promise.all([1, 2, 3].map((i) => gateway.submit({ ref: `r${i}`, to: '+4512345678', text: 'hej' })));
    expect(count('TCPSocketWrap')).toBeGreaterThan(before.sockets);
    expect(count('Timeout')).toBeGreaterThan(before.timers); // the keep-alive interval
    await gateway.close();
    await until(() => smsc.openConnections === 0);
    expect(smsc.received.filter((p) => p.command === 'unbind')).toHaveLength(2);
    await new Promise((r) => setImmediate(r));
    expect(count('TCPSocketWrap')).toBe(before.sockets);
    // The runner's own timers come and go, so only "no more than before" is stable.
    expect(count('Timeout')).toBeLessThanOrEqual(before.timers);
    expect(await gateway.submit({ ref: 'r2', to: '+4512345678', text: 'hej' })).toMatchObject({ code: 'GATEWAY_CLOSED', temporary: true });
  });
});
