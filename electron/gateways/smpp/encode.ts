/**
 * Turns a text into the submit_sm user data an SMSC expects: data_coding 0 (GSM 03.38,
 * one septet per octet, or packed) or 8 (UCS-2/UTF-16BE); several parts with a
 * concatenation UDH (esm_class UDHI 0x40), or one PDU with message_payload. A part carries
 * short_message or message_payload, never both, because node-smpp mangles the encoding of a
 * PDU with both and SMPP 3.4 forbids it.
 */
import {
  GsmEncodingError,
  MAX_CONCATENATED_PARTS,
  SEGMENT_UNITS,
  concatUdh,
  encodeGsm7,
  encodeUcs2,
  packGsm7,
  splitSms,
  udhFillBits,
} from '../../../shared/sms';
import type { SmsEncoding } from '../gateway';
import { GatewayError } from '../gateway';

export const DATA_CODING = { 'GSM-7': 0x00, 'UCS-2': 0x08 } as const;
export const ESM_CLASS_UDHI = 0x40;
/** node-smpp refuses PDUs over 16384 octets; this leaves room for the header and addresses. */
export const MAX_PAYLOAD_OCTETS = 16_000;

export interface SubmitPart {
  dataCoding: number;
  esmClass: number;
  /** Exactly one of the two is set. */
  shortMessage?: Uint8Array;
  messagePayload?: Uint8Array;
}

export interface EncodeOptions {
  encoding?: SmsEncoding | 'auto';
  packed: boolean;
  payload: boolean;
  /** Concatenation reference shared by the parts of one message (0–255). */
  reference: number;
}

/** Splits on code points, never between surrogate halves, for UCS-2 chosen by the caller. */
function splitUcs2(text: string): string[] {
  const units = text.length;
  const budget = SEGMENT_UNITS['UCS-2'];
  if (units <= budget.single) return [text];
  const parts: string[] = [];
  let start = 0;
  let i = 0;
  while (i < text.length) {
    const length = (text.codePointAt(i) as number) > 0xffff ? 2 : 1;
    if (i + length - start > budget.multi) {
      parts.push(text.slice(start, i));
      start = i;
    }
    i += length;
  }
  parts.push(text.slice(start));
  return parts;
}

/**
 * GSM septets as the SMSC wants them. Packed: a CR pads the final octet when it has exactly 7
 * spare bits, because without a septet count (SMPP has only an octet count) the receiver
 * would read those zero bits as a trailing '@' (TS 23.038).
 */
function gsmUserData(text: string, packed: boolean, udh?: Uint8Array): Uint8Array {
  const septets = encodeGsm7(text);
  if (!packed) return udh ? concat(udh, septets) : septets;
  const fill = udh ? udhFillBits(udh.length) : 0;
  const spare = (8 - ((fill + septets.length * 7) % 8)) % 8;
  const padded = spare === 7 ? concat(septets, Uint8Array.of(0x0d)) : septets;
  const data = packGsm7(padded, fill);
  return udh ? concat(udh, data) : data;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

export function encodeSubmitParts(text: string, options: EncodeOptions): SubmitPart[] {
  if (text === '') throw new GatewayError('EMPTY_MESSAGE', 'The message has no text');
  const natural = splitSms(text);
  const hint = options.encoding ?? 'auto';
  if (hint === 'GSM-7' && natural.encoding !== 'GSM-7') {
    throw new GatewayError('ENCODING_MISMATCH', 'The text has characters outside the GSM 03.38 alphabet but GSM-7 was asked for');
  }
  const encoding: SmsEncoding = hint === 'auto' ? natural.encoding : hint;
  const dataCoding = DATA_CODING[encoding];
  const userData = (part: string, udh?: Uint8Array): Uint8Array => {
    try {
      if (encoding === 'GSM-7') return gsmUserData(part, options.packed, udh);
      const ucs2 = encodeUcs2(part);
      return udh ? concat(udh, ucs2) : ucs2;
    } catch (error) {
      if (error instanceof GsmEncodingError) throw new GatewayError('ENCODING_MISMATCH', error.message);
      throw error;
    }
  };

  if (options.payload) {
    const messagePayload = userData(text);
    if (messagePayload.length > MAX_PAYLOAD_OCTETS) {
      throw new GatewayError('MESSAGE_TOO_LONG', `The message needs ${messagePayload.length} octets; at most ${MAX_PAYLOAD_OCTETS} fit one PDU`);
    }
    return [{ dataCoding, esmClass: 0, messagePayload }];
  }

  const parts = encoding === natural.encoding ? natural.parts : splitUcs2(text);
  if (parts.length > MAX_CONCATENATED_PARTS) {
    throw new GatewayError('MESSAGE_TOO_LONG', `The message needs ${parts.length} parts; at most ${MAX_CONCATENATED_PARTS} can be joined`);
  }
  if (parts.length === 1) return [{ dataCoding, esmClass: 0, shortMessage: userData(parts[0] as string) }];
  return parts.map((part, index) => ({
    dataCoding,
    esmClass: ESM_CLASS_UDHI,
    shortMessage: userData(part, concatUdh(options.reference & 0xff, parts.length, index + 1)),
  }));
}
