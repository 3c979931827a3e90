import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  GsmEncodingError,
  decodeGsm7,
  encodeGsm7,
  gsm7Septets,
  isGsm7,
  packGsm7,
  unpackGsm7,
} from '../../../shared/sms';

// An independent transcription of TS 23.038 §6.2.1: the rows 0x20..0x7F are ASCII except the
// positions listed here, so a wrong cell in the source table cannot also hide in this one.
const BASIC_NON_ASCII: Record<number, string> = {
  0x00: '\u0040', 0x01: '\u00a3', 0x02: '\u0024', 0x03: '\u00a5', 0x04: '\u00e8', 0x05: '\u00e9',
  0x06: '\u00f9', 0x07: '\u00ec', 0x08: '\u00f2', 0x09: '\u00c7', 0x0a: '\u000a', 0x0b: '\u00d8',
  0x0c: '\u00f8', 0x0d: '\u000d', 0x0e: '\u00c5', 0x0f: '\u00e5', 0x10: '\u0394', 0x11: '\u005f',
  0x12: '\u03a6', 0x13: '\u0393', 0x14: '\u039b', 0x15: '\u03a9', 0x16: '\u03a0', 0x17: '\u03a8',
  0x18: '\u03a3', 0x19: '\u0398', 0x1a: '\u039e', 0x1c: '\u00c6', 0x1d: '\u00e6', 0x1e: '\u00df',
  0x1f: '\u00c9', 0x24: '\u00a4', 0x40: '\u00a1', 0x5b: '\u00c4', 0x5c: '\u00d6', 0x5d: '\u00d1',
  0x5e: '\u00dc', 0x5f: '\u00a7', 0x60: '\u00bf', 0x7b: '\u00e4', 0x7c: '\u00f6', 0x7d: '\u00f1',
  0x7e: '\u00fc', 0x7f: '\u00e0',
};
const BASIC: [number, string][] = [];
for (let code = 0; code < 0x80; code++) {
  if (code === 0x1b) continue;
  BASIC.push([code, BASIC_NON_ASCII[code] ?? String.fromCharCode(code)]);
}
const EXTENSION: [number, string][] = [
  [0x0a, '\u000c'], [0x14, '^'], [0x28, '{'], [0x29, '}'], [0x2f, '\\'],
  [0x3c, '['], [0x3d, '~'], [0x3e, ']'], [0x40, '|'], [0x65, '\u20ac'],
];
const GSM_CHARS = [...BASIC, ...EXTENSION].map(([, char]) => char);

describe('GSM-7 tables', () => {
  it('encodes and decodes every default-table character as its own septet', () => {
    expect(BASIC).toHaveLength(127);
    for (const [code, char] of BASIC) {
      expect(Array.from(encodeGsm7(char)), `U+${char.charCodeAt(0).toString(16)}`).toEqual([code]);
      expect(decodeGsm7(Uint8Array.of(code))).toBe(char);
      expect(gsm7Septets(char.charCodeAt(0))).toBe(1);
    }
  });

  it('encodes and decodes every extension character as ESC + code, costing two septets', () => {
    for (const [code, char] of EXTENSION) {
      expect(Array.from(encodeGsm7(char)), char).toEqual([0x1b, code]);
      expect(decodeGsm7(Uint8Array.of(0x1b, code))).toBe(char);
      expect(gsm7Septets(char.charCodeAt(0))).toBe(2);
    }
  });

  it('knows no other character in the whole Unicode range', () => {
    const expected = new Set(GSM_CHARS.map((char) => char.codePointAt(0)));
    const found: number[] = [];
    for (let codePoint = 0; codePoint <= 0x10ffff; codePoint++) {
      if (gsm7Septets(codePoint) !== 0) found.push(codePoint);
    }
    expect(new Set(found)).toEqual(expected);
  });

  it('round-trips all 137 characters in one text', () => {
    const all = GSM_CHARS.join('');
    expect(isGsm7(all)).toBe(true);
    expect(decodeGsm7(encodeGsm7(all))).toBe(all);
    expect(encodeGsm7(all)).toHaveLength(127 + 2 * 10);
  });

  it.each([
    ['æøåÆØÅ'], ['ÄÖÑÜ§¿¡ß'], ['é É ù ì ò à è Ç'], ['ΔΦΓΛΩΠΨΣΘΞ'], ['@£$¥¤'],
  ])('has the letters Danish and European text needs: %s', (text) => {
    expect(isGsm7(text)).toBe(true);
  });

  it('puts @, £ and $ where the spec does, not where ASCII does', () => {
    expect(Array.from(encodeGsm7('@£$'))).toEqual([0x00, 0x01, 0x02]);
  });

  it.each([
    ['á'], ['í'], ['ó'], ['ú'], ['Á'], ['À'], ['È'], ['Ì'], ['Ò'], ['Ù'], ['ç'], ['ê'], ['ë'],
    ['ï'], ['ô'], ['û'], ['\t'], ['`'], ['\u2019'], ['\u201c'], ['\u2013'], ['\u2014'], ['\u2026'],
    ['\u00a0'], ['😀'], ['\u001b'], ['δ'],
  ])('rejects %j, which is not GSM-7', (char) => {
    expect(isGsm7(`abc${char}`)).toBe(false);
    expect(() => encodeGsm7(`abc${char}`)).toThrow(GsmEncodingError);
  });

  it('names the character and its position when it cannot encode', () => {
    const error = (() => {
      try {
        encodeGsm7('Hej 😀');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(GsmEncodingError);
    expect((error as GsmEncodingError).index).toBe(4);
    expect((error as GsmEncodingError).codePoint).toBe(0x1f600);
    expect((error as GsmEncodingError).message).toMatch(/U\+1F600 at index 4/);
  });

  it('treats the empty text as GSM-7', () => {
    expect(isGsm7('')).toBe(true);
    expect(encodeGsm7('')).toHaveLength(0);
    expect(decodeGsm7(new Uint8Array())).toBe('');
  });
});

describe('decodeGsm7 on inbound data', () => {
  it('shows an escape to an undefined extension code as the default-table character', () => {
    expect(decodeGsm7(Uint8Array.of(0x1b, 0x41))).toBe('A');
    expect(decodeGsm7(Uint8Array.of(0x1b, 0x0d, 0x41))).toBe('\rA');
  });

  it('shows a trailing escape and the reserved ESC ESC as a space', () => {
    expect(decodeGsm7(Uint8Array.of(0x41, 0x1b))).toBe('A ');
    expect(decodeGsm7(Uint8Array.of(0x1b, 0x1b, 0x41))).toBe(' A');
  });

  it('refuses bytes that are not septets', () => {
    expect(() => decodeGsm7(Uint8Array.of(0x41, 0x80))).toThrow(RangeError);
    expect(() => decodeGsm7(Uint8Array.of(0x1b, 0xff))).toThrow(RangeError);
  });
});

/** Reference packing done bit by bit, LSB first, to check the accumulator version against. */
function packByBits(septets: number[], fillBits: number): number[] {
  const bits: number[] = new Array<number>(fillBits).fill(0);
  for (const septet of septets) for (let b = 0; b < 7; b++) bits.push((septet >> b) & 1);
  const out: number[] = [];
  for (let i = 0; i < bits.length; i += 8) {
    let byte = 0;
    for (let b = 0; b < 8 && i + b < bits.length; b++) byte |= (bits[i + b] as number) << b;
    out.push(byte);
  }
  return out;
}

const septetArrays = fc.array(fc.integer({ min: 0, max: 0x7f }), { maxLength: 200 });

describe('packGsm7 / unpackGsm7', () => {
  it('packs the textbook example "hellohello"', () => {
    const packed = packGsm7(encodeGsm7('hellohello'));
    expect(Buffer.from(packed).toString('hex')).toBe('e8329bfd4697d9ec37');
  });

  it('shifts by the fill bits that follow a concatenation UDH', () => {
    // One fill bit: 'A' (0x41) becomes 0x82 in the first octet.
    expect(Array.from(packGsm7(Uint8Array.of(0x41), 1))).toEqual([0x82]);
    expect(Array.from(packGsm7(Uint8Array.of(0x7f, 0x7f), 6))).toEqual([0xc0, 0xff, 0x0f]);
  });

  it('packs 160 septets into 140 octets and 153 septets after a 6-octet UDH into 134', () => {
    expect(packGsm7(new Uint8Array(160))).toHaveLength(140);
    expect(packGsm7(new Uint8Array(153), 1)).toHaveLength(134);
  });

  it('matches a bit-by-bit reference for any septets and fill bits', () => {
    fc.assert(
      fc.property(septetArrays, fc.integer({ min: 0, max: 6 }), (septets, fillBits) => {
        expect(Array.from(packGsm7(Uint8Array.from(septets), fillBits))).toEqual(packByBits(septets, fillBits));
      }),
    );
  });

  it('unpacks what it packed', () => {
    fc.assert(
      fc.property(septetArrays, fc.integer({ min: 0, max: 6 }), (septets, fillBits) => {
        const packed = packGsm7(Uint8Array.from(septets), fillBits);
        expect(Array.from(unpackGsm7(packed, septets.length, fillBits))).toEqual(septets);
      }),
    );
  });

  it('rejects bytes above 0x7F, bad fill bits and short packed data', () => {
    expect(() => packGsm7(Uint8Array.of(0x80))).toThrow(RangeError);
    expect(() => packGsm7(Uint8Array.of(1), 7)).toThrow(RangeError);
    expect(() => packGsm7(Uint8Array.of(1), -1)).toThrow(RangeError);
    expect(() => unpackGsm7(Uint8Array.of(0xe8), 2)).toThrow(RangeError);
  });
});

describe('GSM-7 properties', () => {
  const gsmText = fc.string({ unit: fc.constantFrom(...GSM_CHARS), maxLength: 400 });

  it('decode(encode(text)) is the text for every GSM-7 text', () => {
    fc.assert(
      fc.property(gsmText, (text) => {
        expect(isGsm7(text)).toBe(true);
        expect(decodeGsm7(encodeGsm7(text))).toBe(text);
      }),
    );
  });

  it('survives packing and unpacking on the way to and from an SMSC', () => {
    fc.assert(
      fc.property(gsmText, fc.integer({ min: 0, max: 6 }), (text, fillBits) => {
        const septets = encodeGsm7(text);
        expect(decodeGsm7(unpackGsm7(packGsm7(septets, fillBits), septets.length, fillBits))).toBe(text);
      }),
    );
  });

  it('isGsm7 agrees with encodeGsm7 on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(fc.constantFrom(...GSM_CHARS), fc.string({ unit: 'binary', maxLength: 1 })) }), (text) => {
        let encodes = true;
        try {
          encodeGsm7(text);
        } catch {
          encodes = false;
        }
        expect(isGsm7(text)).toBe(encodes);
      }),
    );
  });
});
