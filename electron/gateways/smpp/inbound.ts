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
  | { kind: 'message'; from: string; to: string; text: string; concat?: ConcatInfo }
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

  try {
    const { udh, data } = splitUserData(body.esmClass, userData);
    const text = decodeUserData(body.dataCoding, data, udh ? { packed: options.packed, udhLength: udh.length } : options);
    const message: Delivery = {
      kind: 'message',
      from: address(body.sourceAddrTon, body.sourceAddr),
      to: address(body.destAddrTon, body.destinationAddr),
      text,
    };
    const concat = udh ? concatInfo(udh) : sarInfo(body);
    if (concat && concat.total > 1) message.concat = concat;
    return message;
  } catch {
    // The decoder's message can quote octets of the text, which must not reach a log.
    return { kind: 'ignored', why: `undecodable inbound message (data_coding 0x${body.dataCoding.toString(16)})` };
  }
}

/** The sar_* TLVs, the SMPP way to mark parts when there is no UDH. */
function sarInfo(body: SmBody): ConcatInfo | undefined {
  const reference = tlvInt(body.tlvs.get(TLV.sarMsgRefNum));
  const total = tlvInt(body.tlvs.get(TLV.sarTotalSegments));
  const seq = tlvInt(body.tlvs.get(TLV.sarSegmentSeqnum));
  return reference === undefined || total === undefined || seq === undefined ? undefined : { reference, total, seq };
}

interface Pending {
  parts: (string | undefined)[];
  received: number;
  firstAt: number;
}

/**
 * Joins the parts of a long inbound message. Parts that never complete are dropped after
 * `maxAgeMs` (a handset that lost a part will not resend it), and the number of open
 * messages is capped so a flood of fragments cannot grow memory without bound.
 */
export class InboundAssembler {
  private readonly open = new Map<string, Pending>();

  constructor(
    private readonly maxAgeMs = 10 * 60_000,
    private readonly maxOpen = 10_000,
  ) {}

  /** The whole text once the last part arrives, else undefined. */
  add(from: string, to: string, concat: ConcatInfo, text: string, now: number): string | undefined {
    this.expire(now);
    if (concat.seq < 1 || concat.seq > concat.total) return undefined;
    const key = `${from}\u0000${to}\u0000${concat.reference}\u0000${concat.total}`;
    let pending = this.open.get(key);
    if (!pending) {
      if (this.open.size >= this.maxOpen) {
        const oldest = this.open.keys().next().value;
        if (oldest !== undefined) this.open.delete(oldest);
      }
      pending = { parts: new Array<string | undefined>(concat.total).fill(undefined), received: 0, firstAt: now };
      this.open.set(key, pending);
    }
    if (pending.parts[concat.seq - 1] === undefined) {
      pending.parts[concat.seq - 1] = text;
      pending.received++;
    }
    if (pending.received < concat.total) return undefined;
    this.open.delete(key);
    return pending.parts.join('');
  }

  get size(): number {
    return this.open.size;
  }

  private expire(now: number): void {
    // Insertion order is arrival order, so the oldest are first.
    for (const [key, pending] of this.open) {
      if (now - pending.firstAt <= this.maxAgeMs) break;
      this.open.delete(key);
    }
  }
}
