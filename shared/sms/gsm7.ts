/**
 * The GSM 7-bit default alphabet and its extension table (3GPP TS 23.038 §6.2.1).
 * Index = septet value. 0x1B is the escape to the extension table, not a character, so the
 * control character U+001B in a text is never GSM-7 (see `basicCode`).
 */
export const GSM7_BASIC_TABLE =
  '@£$¥èéùìòÇ\nØø\rÅå' +
  'Δ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ' +
  ' !"#¤%&\'()*+,-./' +
  '0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNO' +
  'PQRSTUVWXYZÄÖÑÜ§' +
  '¿abcdefghijklmno' +
  'pqrstuvwxyzäöñüà';

export const GSM7_ESCAPE = 0x1b;

/** Extension table: each is sent as ESC + code, so it costs two septets. */
export const GSM7_EXTENSION_TABLE: ReadonlyMap<number, string> = new Map([
  [0x0a, '\f'],
  [0x14, '^'],
  [0x28, '{'],
  [0x29, '}'],
  [0x2f, '\\'],
  [0x3c, '['],
  [0x3d, '~'],
  [0x3e, ']'],
  [0x40, '|'],
  [0x65, '€'],
]);

const basicCodeOf = new Map<number, number>();
for (let code = 0; code < GSM7_BASIC_TABLE.length; code++) {
  if (code !== GSM7_ESCAPE) basicCodeOf.set(GSM7_BASIC_TABLE.charCodeAt(code), code);
}
const extensionCodeOf = new Map<number, number>();
for (const [code, char] of GSM7_EXTENSION_TABLE) extensionCodeOf.set(char.charCodeAt(0), code);

/** Septets a code point costs in GSM-7: 1 (default table), 2 (extension table) or 0 (not GSM-7). */
export function gsm7Septets(codePoint: number): 0 | 1 | 2 {
  if (basicCodeOf.has(codePoint)) return 1;
  if (extensionCodeOf.has(codePoint)) return 2;
  return 0;
}

export function isGsm7(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (gsm7Septets(text.charCodeAt(i)) === 0) return false;
  }
  return true;
}

/** Thrown by `encodeGsm7` so a gateway can log which character (not which text) failed. */
export class GsmEncodingError extends Error {
  constructor(
    readonly index: number,
    readonly codePoint: number,
  ) {
    super(
      `Character U+${codePoint.toString(16).toUpperCase().padStart(4, '0')} at index ${index} ` +
        'is not in the GSM 03.38 alphabet; send the text as UCS-2 or replace the character',
    );
    this.name = 'GsmEncodingError';
  }
}

export function encodeGsm7(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const basic = basicCodeOf.get(unit);
    if (basic !== undefined) {
      out.push(basic);
      continue;
    }
    const extension = extensionCodeOf.get(unit);
    if (extension !== undefined) {
      out.push(GSM7_ESCAPE, extension);
      continue;
    }
    throw new GsmEncodingError(i, text.codePointAt(i) ?? unit);
  }
  return Uint8Array.from(out);
}

/**
 * Lenient by design, because inbound messages come from arbitrary handsets: TS 23.038 says
 * an escape to an undefined extension code shows the default-table character, and an escape
 * that cannot be followed (at the end, or ESC ESC reserved for a future table) shows a space.
 */
export function decodeGsm7(septets: Uint8Array): string {
  let text = '';
  for (let i = 0; i < septets.length; i++) {
    const septet = septets[i] as number;
    if (septet > 0x7f) throw new RangeError(`Byte 0x${septet.toString(16)} at index ${i} is not a septet (> 0x7F)`);
    if (septet !== GSM7_ESCAPE) {
      text += GSM7_BASIC_TABLE[septet];
      continue;
    }
    const next = septets[i + 1];
    if (next === undefined || next === GSM7_ESCAPE) {
      text += ' ';
      i++;
      continue;
    }
    if (next > 0x7f) throw new RangeError(`Byte 0x${next.toString(16)} at index ${i + 1} is not a septet (> 0x7F)`);
    text += GSM7_EXTENSION_TABLE.get(next) ?? GSM7_BASIC_TABLE[next];
    i++;
  }
  return text;
}

function checkFillBits(fillBits: number): void {
  if (!Number.isInteger(fillBits) || fillBits < 0 || fillBits > 6) {
    throw new RangeError(`fillBits must be an integer 0..6, got ${fillBits}`);
  }
}

/**
 * Packs septets LSB first (TS 23.038 §6.1.2.1.1). `fillBits` zero bits come first so that the
 * first septet starts on a septet boundary after a UDH (see `udhFillBits`). A trailing 7-bit gap
 * is left as zeros: over the air TP-UDL counts septets so it is harmless, and a transport that
 * counts octets (SMPP sm_length) must append a CR septet before packing (TS 23.038 §6.1.2.3.1).
 */
export function packGsm7(septets: Uint8Array, fillBits = 0): Uint8Array {
  checkFillBits(fillBits);
  const out = new Uint8Array(Math.ceil((fillBits + septets.length * 7) / 8));
  let accumulator = 0;
  let bits = fillBits;
  let o = 0;
  for (let i = 0; i < septets.length; i++) {
    const septet = septets[i] as number;
    if (septet > 0x7f) throw new RangeError(`Byte 0x${septet.toString(16)} at index ${i} is not a septet (> 0x7F)`);
    accumulator |= septet << bits;
    bits += 7;
    while (bits >= 8) {
      out[o++] = accumulator & 0xff;
      accumulator >>>= 8;
      bits -= 8;
    }
  }
  if (bits > 0) out[o] = accumulator & 0xff;
  return out;
}

/** The inverse of `packGsm7`, for gateways that hand over packed inbound user data. */
export function unpackGsm7(packed: Uint8Array, septetCount: number, fillBits = 0): Uint8Array {
  checkFillBits(fillBits);
  if (!Number.isInteger(septetCount) || septetCount < 0) {
    throw new RangeError(`septetCount must be a non-negative integer, got ${septetCount}`);
  }
  const needed = Math.ceil((fillBits + septetCount * 7) / 8);
  if (packed.length < needed) {
    throw new RangeError(`${septetCount} septets need ${needed} packed bytes, got ${packed.length}`);
  }
  const out = new Uint8Array(septetCount);
  let accumulator = 0;
  let bits = 0;
  let p = 0;
  let skip = fillBits;
  for (let i = 0; i < septetCount; i++) {
    while (bits < 7 + skip) {
      accumulator |= (packed[p++] as number) << bits;
      bits += 8;
    }
    accumulator >>>= skip;
    bits -= skip;
    skip = 0;
    out[i] = accumulator & 0x7f;
    accumulator >>>= 7;
    bits -= 7;
  }
  return out;
}
