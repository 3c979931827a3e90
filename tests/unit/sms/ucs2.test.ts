import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUcs2, encodeUcs2 } from '../../../shared/sms';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('UCS-2 (UTF-16BE)', () => {
  it('writes big-endian code units', () => {
    expect(hex(encodeUcs2('Aå€'))).toBe('004100e520ac');
  });

  it('writes an emoji as its surrogate pair', () => {
    expect(hex(encodeUcs2('😀'))).toBe('d83dde00');
    expect(decodeUcs2(Uint8Array.of(0xd8, 0x3d, 0xde, 0x00))).toBe('😀');
  });

  it('handles the empty text', () => {
    expect(encodeUcs2('')).toHaveLength(0);
    expect(decodeUcs2(new Uint8Array())).toBe('');
  });

  it('refuses an odd number of bytes', () => {
    expect(() => decodeUcs2(Uint8Array.of(0x00, 0x41, 0x00))).toThrow(RangeError);
  });

  it('agrees with Node for well-formed text and round-trips any text, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const bytes = encodeUcs2(text);
        expect(decodeUcs2(bytes)).toBe(text);
        if (!LONE_SURROGATE.test(text)) expect(hex(bytes)).toBe(hex(Buffer.from(text, 'utf16le').swap16()));
      }),
    );
  });

  it('decodes texts longer than one argument-spread chunk', () => {
    const text = 'æ😀'.repeat(200_000);
    expect(decodeUcs2(encodeUcs2(text))).toBe(text);
  });
});
