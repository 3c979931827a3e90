import { describe, expect, it } from 'vitest';
import { concatUdh, decodeGsm7, decodeUcs2, encodeGsm7, packGsm7, unpackGsm7, udhFillBits } from '../../../shared/sms';
import { GatewayError } from '../../../electron/gateways/gateway';
import { MAX_PAYLOAD_OCTETS, encodeSubmitParts } from '../../../electron/gateways/smpp/encode';
import type { SubmitPart } from '../../../electron/gateways/smpp/encode';

const plain = { packed: false, payload: false, reference: 42 };
const body = (part: SubmitPart | undefined) => part?.shortMessage ?? new Uint8Array();

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return (error as GatewayError).code;
  }
  throw new Error('expected a GatewayError');
}

describe('encodeSubmitParts', () => {
  it('sends a short GSM text as one unpacked part, data_coding 0, no UDH', () => {
    const parts = encodeSubmitParts('Hej æøå ÆØÅ €', plain);
    expect(parts).toHaveLength(1);
    expect(parts[0]).toMatchObject({ dataCoding: 0, esmClass: 0 });
    expect(parts[0]?.messagePayload).toBeUndefined();
    expect([...body(parts[0])]).toEqual([...encodeGsm7('Hej æøå ÆØÅ €')]);
  });

  it('sends 160 GSM septets in one part and 161 in two', () => {
    expect(encodeSubmitParts('a'.repeat(160), plain)).toHaveLength(1);
    const two = encodeSubmitParts('a'.repeat(161), plain);
    expect(two).toHaveLength(2);
    expect([...body(two[0]).subarray(0, 6)]).toEqual([...concatUdh(42, 2, 1)]);
    expect([...body(two[1]).subarray(0, 6)]).toEqual([...concatUdh(42, 2, 2)]);
    expect(two.every((p) => p.esmClass === 0x40 && body(p).length <= 159)).toBe(true);
  });

  it('picks UCS-2 for text outside GSM 03.38, and splits it at 67 units', () => {
    const one = encodeSubmitParts('Привет', plain);
    expect(one[0]?.dataCoding).toBe(8);
    expect(decodeUcs2(body(one[0]))).toBe('Привет');
    const text = 'ж'.repeat(71);
    const parts = encodeSubmitParts(text, plain);
    expect(parts).toHaveLength(2);
    expect(parts.map((p) => decodeUcs2(body(p).subarray(6))).join('')).toBe(text);
    expect(parts.every((p) => body(p).length <= 140)).toBe(true);
  });

  it('honours a UCS-2 hint for GSM text, never splitting a surrogate pair', () => {
    const text = 'a'.repeat(66) + '😀' + 'b'.repeat(10);
    const parts = encodeSubmitParts(text, { ...plain, encoding: 'UCS-2' });
    expect(parts).toHaveLength(2);
    expect(parts.every((p) => p.dataCoding === 8)).toBe(true);
    const first = decodeUcs2(body(parts[0]).subarray(6));
    expect(first).toBe('a'.repeat(66));
    expect(decodeUcs2(body(parts[1]).subarray(6))).toBe('😀' + 'b'.repeat(10));
    expect(encodeSubmitParts('short', { ...plain, encoding: 'UCS-2' })[0]?.dataCoding).toBe(8);
  });

  it('refuses a GSM-7 hint for text that needs UCS-2', () => {
    expect(codeOf(() => encodeSubmitParts('😀', { ...plain, encoding: 'GSM-7' }))).toBe('ENCODING_MISMATCH');
  });

  it('refuses empty text and more than 255 parts', () => {
    expect(codeOf(() => encodeSubmitParts('', plain))).toBe('EMPTY_MESSAGE');
    expect(codeOf(() => encodeSubmitParts('a'.repeat(153 * 255 + 1), plain))).toBe('MESSAGE_TOO_LONG');
    expect(encodeSubmitParts('a'.repeat(153 * 255), plain)).toHaveLength(255);
  });

  it('packs GSM-7 when asked, padding with CR when 7 bits would be left over', () => {
    const seven = encodeSubmitParts('abcdefg', { ...plain, packed: true });
    // 7 septets = 49 bits in 7 octets: 7 spare bits would read as '@', so a CR fills them.
    expect([...body(seven[0])]).toEqual([...packGsm7(Uint8Array.from([...encodeGsm7('abcdefg'), 0x0d]))]);
    expect(body(seven[0])).toHaveLength(7);
    const eight = encodeSubmitParts('abcdefgh', { ...plain, packed: true });
    expect([...body(eight[0])]).toEqual([...packGsm7(encodeGsm7('abcdefgh'))]);
  });

  it('packs concatenated parts after the UDH with fill bits so the text starts on a septet boundary', () => {
    const text = 'x'.repeat(200);
    const parts = encodeSubmitParts(text, { ...plain, packed: true });
    const data = body(parts[0]).subarray(6);
    const fill = udhFillBits(6);
    expect(fill).toBe(1);
    expect(decodeGsm7(unpackGsm7(data, 153, fill))).toBe('x'.repeat(153));
    // 6 octets of UDH + ceil((1 + 153 * 7) / 8) = 140: a full SMS.
    expect(body(parts[0])).toHaveLength(140);
  });

  it('puts the whole text in message_payload, and never also in short_message, when payload=1', () => {
    const text = 'Rigspolitiet: '.repeat(30);
    const parts = encodeSubmitParts(text, { ...plain, payload: true });
    expect(parts).toHaveLength(1);
    expect(parts[0]?.shortMessage).toBeUndefined();
    expect(parts[0]?.esmClass).toBe(0);
    expect(decodeGsm7(parts[0]?.messagePayload ?? new Uint8Array())).toBe(text);
    const ucs = encodeSubmitParts('🚨'.repeat(100), { ...plain, payload: true });
    expect(ucs[0]?.dataCoding).toBe(8);
    expect(decodeUcs2(ucs[0]?.messagePayload ?? new Uint8Array())).toBe('🚨'.repeat(100));
    expect(codeOf(() => encodeSubmitParts('a'.repeat(MAX_PAYLOAD_OCTETS + 1), { ...plain, payload: true }))).toBe('MESSAGE_TOO_LONG');
  });

  it('puts exactly one of short_message and message_payload in every part', () => {
    for (const options of [plain, { ...plain, payload: true }, { ...plain, packed: true }]) {
      for (const text of ['a', 'a'.repeat(400), '😀'.repeat(80)]) {
        for (const part of encodeSubmitParts(text, options)) {
          expect((part.shortMessage === undefined) !== (part.messagePayload === undefined)).toBe(true);
        }
      }
    }
  });
});
