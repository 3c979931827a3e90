import { describe, expect, it } from 'vitest';
import { concatUdh, encodeGsm7, encodeUcs2, packGsm7, udhFillBits } from '../../../shared/sms';
import { decodeUserData, interpretDeliverSm } from '../../../electron/gateways/smpp/inbound';
import { PduFormatError, TLV, concatInfo, parseSmBody, splitUserData } from '../../../electron/gateways/smpp/pdu';

interface Fields {
  sourceTon?: number;
  source?: string;
  dest?: string;
  esmClass?: number;
  dataCoding?: number;
  shortMessage?: Uint8Array;
  tlvs?: [number, Uint8Array][];
}

/** A deliver_sm laid out by hand from the SMPP 3.4 deliver_sm layout, independent of node-smpp. */
function deliverSm(fields: Fields): Uint8Array {
  const out: number[] = [];
  const cstr = (s: string) => out.push(...Buffer.from(s, 'latin1'), 0);
  cstr(''); // service_type
  out.push(fields.sourceTon ?? 1, 1);
  cstr(fields.source ?? '4522334455');
  out.push(0, 1);
  cstr(fields.dest ?? '1999');
  out.push(fields.esmClass ?? 0, 0, 0);
  cstr('');
  cstr('');
  out.push(0, 0, fields.dataCoding ?? 0, 0);
  const sm = fields.shortMessage ?? new Uint8Array();
  out.push(sm.length, ...sm);
  for (const [tag, value] of fields.tlvs ?? []) out.push(tag >> 8, tag & 0xff, value.length >> 8, value.length & 0xff, ...value);
  const pdu = new Uint8Array(16 + out.length);
  const view = new DataView(pdu.buffer);
  view.setUint32(0, pdu.length);
  view.setUint32(4, 0x00000005);
  view.setUint32(12, 77);
  pdu.set(out, 16);
  return pdu;
}

const cstring = (s: string) => Uint8Array.from([...Buffer.from(s, 'latin1'), 0]);

describe('parseSmBody', () => {
  it('reads every field and the TLVs', () => {
    const body = parseSmBody(deliverSm({ esmClass: 0x04, dataCoding: 8, shortMessage: Uint8Array.of(1, 2), tlvs: [[TLV.messageState, Uint8Array.of(2)]] }));
    expect(body).toMatchObject({
      commandId: 5,
      sequenceNumber: 77,
      sourceAddrTon: 1,
      sourceAddr: '4522334455',
      destinationAddr: '1999',
      esmClass: 0x04,
      dataCoding: 8,
    });
    expect([...body.shortMessage]).toEqual([1, 2]);
    expect([...(body.tlvs.get(TLV.messageState) ?? [])]).toEqual([2]);
  });

  it('refuses truncated and inconsistent PDUs with a PduFormatError', () => {
    const good = deliverSm({ shortMessage: Uint8Array.of(1, 2, 3) });
    for (let cut = 0; cut < good.length; cut++) {
      const truncated = good.slice(0, cut);
      if (cut >= 4) new DataView(truncated.buffer).setUint32(0, cut);
      expect(() => parseSmBody(truncated)).toThrow(PduFormatError);
    }
    const lying = good.slice();
    new DataView(lying.buffer).setUint32(0, good.length + 10);
    expect(() => parseSmBody(lying)).toThrow(/command_length/);
    const badTlv = deliverSm({ tlvs: [[TLV.messageState, Uint8Array.of(2)]] });
    new DataView(badTlv.buffer).setUint16(badTlv.length - 3, 9); // TLV claims 9 octets
    expect(() => parseSmBody(badTlv)).toThrow(PduFormatError);
  });
});

describe('user data', () => {
  it('splits the UDH only when esm_class says so', () => {
    const data = Uint8Array.from([...concatUdh(9, 3, 2), 65, 66]);
    expect(splitUserData(0x40, data)).toEqual({ udh: concatUdh(9, 3, 2), data: Uint8Array.of(65, 66) });
    expect(splitUserData(0x00, data)).toEqual({ data });
    expect(() => splitUserData(0x40, Uint8Array.of(9, 1))).toThrow(PduFormatError);
  });

  it('finds 8-bit and 16-bit concatenation IEs among others', () => {
    expect(concatInfo(concatUdh(9, 3, 2))).toEqual({ reference: 9, total: 3, seq: 2 });
    expect(concatInfo(Uint8Array.of(0x0b, 0x05, 0x04, 0x0b, 0x84, 0x23, 0xf0, 0x08, 0x04, 0x12, 0x34, 2, 1))).toEqual({
      reference: 0x1234,
      total: 2,
      seq: 1,
    });
    expect(concatInfo(Uint8Array.of(0x02, 0x00, 0x05))).toBeUndefined();
  });

  it('decodes data_coding 0 (unpacked and packed), 1, 3 and 8', () => {
    const text = 'Søen {ved} Århus €';
    expect(decodeUserData(0, encodeGsm7(text), { packed: false })).toBe(text);
    expect(decodeUserData(0xf1, encodeGsm7(text), { packed: false })).toBe(text);
    expect(decodeUserData(0, packGsm7(encodeGsm7(text)), { packed: true })).toBe(text);
    expect(decodeUserData(0, packGsm7(Uint8Array.from([...encodeGsm7('abcdefg'), 0x0d])), { packed: true })).toBe('abcdefg');
    expect(decodeUserData(0, packGsm7(encodeGsm7('hej'), udhFillBits(6)), { packed: true, udhLength: 6 })).toBe('hej');
    expect(decodeUserData(1, Buffer.from('plain', 'latin1'), { packed: false })).toBe('plain');
    expect(decodeUserData(3, Buffer.from('blå', 'latin1'), { packed: false })).toBe('blå');
    expect(decodeUserData(8, encodeUcs2('Tak 👍'), { packed: false })).toBe('Tak 👍');
    expect(() => decodeUserData(4, Uint8Array.of(1), { packed: false })).toThrow(/data_coding 0x4/);
  });
});

describe('interpretDeliverSm', () => {
  const interpret = (fields: Fields, packed = false) => interpretDeliverSm(parseSmBody(deliverSm(fields)), { packed });

  it('turns an esm_class 0x04 deliver_sm into a receipt', () => {
    const text = Buffer.from('id:1A sub:001 dlvrd:001 submit date:2611240355 done date:2611240356 stat:DELIVRD err:000 text:hej', 'latin1');
    expect(interpret({ esmClass: 0x04, shortMessage: text })).toMatchObject({ kind: 'receipt', receipt: { messageId: '1A', state: 'delivered' } });
  });

  it('reads receipts from TLVs, and from message_payload', () => {
    expect(
      interpret({ esmClass: 0x04, tlvs: [[TLV.receiptedMessageId, cstring('77')], [TLV.messageState, Uint8Array.of(3)]] }),
    ).toMatchObject({ kind: 'receipt', receipt: { messageId: '77', state: 'expired' } });
    expect(
      interpret({ esmClass: 0x04, tlvs: [[TLV.messagePayload, Buffer.from('id:88 stat:UNDELIV err:001', 'latin1')]] }),
    ).toMatchObject({ kind: 'receipt', receipt: { messageId: '88', state: 'failed', errorCode: '001' } });
  });

  it('treats an intermediate notification (0x20) as a receipt too', () => {
    expect(interpret({ esmClass: 0x20, shortMessage: Buffer.from('id:5 stat:ENROUTE') })).toMatchObject({
      kind: 'receipt',
      receipt: { state: 'enroute', final: false },
    });
  });

  it('ignores a receipt with no id, and other esm_class types', () => {
    expect(interpret({ esmClass: 0x04, shortMessage: Buffer.from('stat:DELIVRD') })).toMatchObject({ kind: 'ignored' });
    expect(interpret({ esmClass: 0x08, shortMessage: Buffer.from('ack') })).toMatchObject({ kind: 'ignored' });
  });

  it('turns esm_class 0 into an inbound message with E.164 sender when TON is international', () => {
    expect(interpret({ dataCoding: 0, shortMessage: encodeGsm7('Jeg så det') })).toEqual({
      kind: 'message',
      from: '+4522334455',
      to: '1999',
      text: 'Jeg så det',
    });
    expect(interpret({ sourceTon: 0, source: '22334455', dataCoding: 8, shortMessage: encodeUcs2('👀') })).toMatchObject({
      from: '22334455',
      text: '👀',
    });
  });

  it('marks the parts of a long inbound message, by UDH or by sar TLVs', () => {
    expect(interpret({ esmClass: 0x40, shortMessage: Uint8Array.from([...concatUdh(3, 2, 1), ...encodeGsm7('del 1')]) })).toMatchObject({
      text: 'del 1',
      concat: { reference: 3, total: 2, seq: 1 },
    });
    expect(
      interpret({
        shortMessage: encodeGsm7('del 2'),
        tlvs: [
          [TLV.sarMsgRefNum, Uint8Array.of(0, 3)],
          [TLV.sarTotalSegments, Uint8Array.of(2)],
          [TLV.sarSegmentSeqnum, Uint8Array.of(2)],
        ],
      }),
    ).toMatchObject({ text: 'del 2', concat: { reference: 3, total: 2, seq: 2 } });
  });

  it('keeps undecodable and binary inbound messages as flagged octets instead of guessing', () => {
    expect(interpret({ dataCoding: 8, shortMessage: Uint8Array.of(0, 65, 66) })).toMatchObject({ kind: 'message', binary: true, text: '004142' });
    expect(interpret({ dataCoding: 4, shortMessage: Uint8Array.of(1, 0xff) })).toMatchObject({ kind: 'message', binary: true, text: '01ff' });
    expect(interpret({ dataCoding: 0x15, shortMessage: Uint8Array.of(7) })).toMatchObject({ kind: 'message', binary: true });
  });

  it('passes a lone UTF-16 surrogate on as text (the intake makes it U+FFFD)', () => {
    const m = interpret({ dataCoding: 8, shortMessage: Uint8Array.of(0xd8, 0x3d, 0, 0x41) });
    expect(m).toMatchObject({ kind: 'message', text: '\ud83dA' });
    expect((m as { binary?: boolean }).binary).toBeUndefined();
  });
});
