/**
 * Turning a deliver_sm into a receipt or an inbound message: pure, so every decoding rule
 * is tested without a socket.
 */
import { decodeGsm7, decodeUcs2, udhFillBits, unpackGsm7 } from '../../../shared/sms';
import type { DeliveryReceipt } from '../gateway';
import type { ConcatInfo, SmBody } from './pdu';
import { TLV, concatInfo, splitUserData, tlvInt, tlvString } from './pdu';
import { parseReceipt } from './receipt';

/** esm_class bits 5–2 (SMPP 3.4): what kind of deliver_sm this is. */
export const ESM_TYPE_MASK = 0x3c;
export const ESM_TYPE_RECEIPT = 0x04;
export const ESM_TYPE_INTERMEDIATE = 0x20;

export type Delivery =
  | { kind: 'receipt'; receipt: DeliveryReceipt }
  /** `binary`: user data that is not text (8-bit data, an unknown coding, broken UCS-2), as hex. */
  | { kind: 'message'; from: string; to: string; text: string; binary?: boolean; concat?: ConcatInfo }
  /** Answered but not passed on; `why` names the problem, never the content. */
  | { kind: 'ignored'; why: string };

export class DecodeError extends Error {}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('latin1');
}

function isGsmCoding(dataCoding: number): boolean {
  // 0x00 is the SMSC default alphabet (GSM 03.38 here); 0xF0–0xF3 is GSM-7 with a message class.
  return dataCoding === 0x00 || (dataCoding & 0xf4) === 0xf0;
}

/** User data to text for data_coding 0 (GSM-7), 1 (IA5), 3 (Latin-1) and 8 (UCS-2). */
export function decodeUserData(dataCoding: number, data: Uint8Array, options: { packed: boolean; udhLength?: number }): string {
  if (isGsmCoding(dataCoding)) {
    if (!options.packed) return decodeGsm7(data);
    // Packed data after a UDH starts on the next septet boundary (TS 23.040 9.2.3.24).
    const fill = options.udhLength ? udhFillBits(options.udhLength) : 0;
    const count = Math.floor((data.length * 8 - fill) / 7);
    let septets = unpackGsm7(data, count, fill);
    // A CR that fills an octet exactly is padding (TS 23.038), not text.
    if ((fill + count * 7) % 8 === 0 && septets[count - 1] === 0x0d) septets = septets.subarray(0, count - 1);
    return decodeGsm7(septets);
  }
  if (dataCoding === 0x01 || dataCoding === 0x03) return latin1(data);
  if (dataCoding === 0x08) return decodeUcs2(data);
  throw new DecodeError(`data_coding 0x${dataCoding.toString(16)} is not supported for text`);
}

function address(ton: number, addr: string): string {
  return ton === 1 && /^\d+$/.test(addr) ? `+${addr}` : addr;
}

export function interpretDeliverSm(body: SmBody, options: { packed: boolean }): Delivery {
  const payload = body.tlvs.get(TLV.messagePayload);
  // One or the other per the spec; when an SMSC sends both, the payload is the full text.
  const userData = payload && payload.length > 0 ? payload : body.shortMessage;
  const type = body.esmClass & ESM_TYPE_MASK;

  if (type === ESM_TYPE_RECEIPT || type === ESM_TYPE_INTERMEDIATE) {
    // Receipt text is ASCII in practice; Latin-1 reads every octet without failing, and the
    // fields we need are ASCII either way.
    let text: string | undefined;
    try {
      text = body.dataCoding === 0x08 ? decodeUcs2(userData) : latin1(userData);
    } catch {
      text = undefined;
    }
    const receipt = parseReceipt({
      text,
      receiptedMessageId: tlvString(body.tlvs.get(TLV.receiptedMessageId)),
      messageState: tlvInt(body.tlvs.get(TLV.messageState)),
      networkErrorCode: body.tlvs.get(TLV.networkErrorCode),
    });
    return receipt ? { kind: 'receipt', receipt } : { kind: 'ignored', why: 'receipt without a message id' };
  }
  if (type !== 0) return { kind: 'ignored', why: `deliver_sm with esm_class 0x${body.esmClass.toString(16)}` };

  let split;
  try {
    split = splitUserData(body.esmClass, userData);
  } catch {
    return { kind: 'ignored', why: 'deliver_sm with a malformed UDH' };
  }
  const { udh, data } = split;
  const message: Extract<Delivery, { kind: 'message' }> = {
    kind: 'message',
    from: address(body.sourceAddrTon, body.sourceAddr),
    to: address(body.destAddrTon, body.destinationAddr),
    text: '',
  };
  try {
    message.text = decodeUserData(body.dataCoding, data, udh ? { packed: options.packed, udhLength: udh.length } : options);
  } catch {
    // Not text (8-bit data, a coding we do not know, an odd number of UCS-2 octets): kept as
    // its octets and flagged, so nothing a citizen sent is lost or read as something else.
    message.text = Buffer.from(data).toString('hex');
    message.binary = true;
  }
  const concat = udh ? concatInfo(udh) : sarInfo(body);
  if (concat && concat.total > 1) message.concat = concat;
  return message;
}

/** The sar_* TLVs, the SMPP way to mark parts when there is no UDH. */
function sarInfo(body: SmBody): ConcatInfo | undefined {
  const reference = tlvInt(body.tlvs.get(TLV.sarMsgRefNum));
  const total = tlvInt(body.tlvs.get(TLV.sarTotalSegments));
  const seq = tlvInt(body.tlvs.get(TLV.sarSegmentSeqnum));
  return reference === undefined || total === undefined || seq === undefined ? undefined : { reference, total, seq };
}
