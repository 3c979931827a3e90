/**
 * Reads submit_sm / deliver_sm bodies from the raw PDU bytes. node-smpp decodes
 * short_message and message_payload into strings with its own GSM table, which loses packed
 * septets, escapes and anything outside 0x00–0x7F; the gateway and the test SMSC need the
 * exact octets, so they read them here (SMPP 3.4 submit_sm and deliver_sm layouts).
 */

export const TLV = {
  receiptedMessageId: 0x001e,
  sarMsgRefNum: 0x020c,
  sarTotalSegments: 0x020e,
  sarSegmentSeqnum: 0x020f,
  networkErrorCode: 0x0423,
  messagePayload: 0x0424,
  messageState: 0x0427,
} as const;

export interface SmBody {
  commandId: number;
  sequenceNumber: number;
  serviceType: string;
  sourceAddrTon: number;
  sourceAddrNpi: number;
  sourceAddr: string;
  destAddrTon: number;
  destAddrNpi: number;
  destinationAddr: string;
  esmClass: number;
  protocolId: number;
  priorityFlag: number;
  scheduleDeliveryTime: string;
  validityPeriod: string;
  registeredDelivery: number;
  replaceIfPresentFlag: number;
  dataCoding: number;
  smDefaultMsgId: number;
  /** sm_length octets; empty when the message travels in message_payload. */
  shortMessage: Uint8Array;
  /** Every TLV by tag; a repeated tag keeps its first value. */
  tlvs: Map<number, Uint8Array>;
}

export class PduFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PduFormatError';
  }
}

export function parseSmBody(pdu: Uint8Array): SmBody {
  const view = new DataView(pdu.buffer, pdu.byteOffset, pdu.byteLength);
  if (pdu.length < 16) throw new PduFormatError(`PDU of ${pdu.length} octets is shorter than its header`);
  const length = view.getUint32(0);
  if (length !== pdu.length) throw new PduFormatError(`command_length ${length} but ${pdu.length} octets`);
  let offset = 16;
  const need = (n: number) => {
    if (offset + n > length) throw new PduFormatError(`PDU ends inside a field at octet ${offset}`);
  };
  const int8 = () => {
    need(1);
    return pdu[offset++] as number;
  };
  const cstring = (max: number) => {
    const end = pdu.indexOf(0, offset);
    if (end < 0 || end >= length) throw new PduFormatError(`Unterminated C-string at octet ${offset}`);
    if (end - offset > max) throw new PduFormatError(`C-string at octet ${offset} is longer than ${max}`);
    const value = Buffer.from(pdu.subarray(offset, end)).toString('latin1');
    offset = end + 1;
    return value;
  };
  const body = {
    commandId: view.getUint32(4),
    sequenceNumber: view.getUint32(12),
    serviceType: cstring(15),
    sourceAddrTon: int8(),
    sourceAddrNpi: int8(),
    sourceAddr: cstring(64),
    destAddrTon: int8(),
    destAddrNpi: int8(),
    destinationAddr: cstring(64),
    esmClass: int8(),
    protocolId: int8(),
    priorityFlag: int8(),
    scheduleDeliveryTime: cstring(16),
    validityPeriod: cstring(16),
    registeredDelivery: int8(),
    replaceIfPresentFlag: int8(),
    dataCoding: int8(),
    smDefaultMsgId: int8(),
  };
  const smLength = int8();
  need(smLength);
  const shortMessage = pdu.slice(offset, offset + smLength);
  offset += smLength;
  const tlvs = new Map<number, Uint8Array>();
  while (offset < length) {
    need(4);
    const tag = view.getUint16(offset);
    const tlvLength = view.getUint16(offset + 2);
    offset += 4;
    need(tlvLength);
    if (!tlvs.has(tag)) tlvs.set(tag, pdu.slice(offset, offset + tlvLength));
    offset += tlvLength;
  }
  return { ...body, shortMessage, tlvs };
}

/** A C-octet-string TLV value without its terminating NUL. */
export function tlvString(value: Uint8Array | undefined): string | undefined {
  if (value === undefined) return undefined;
  const end = value.indexOf(0);
  return Buffer.from(end < 0 ? value : value.subarray(0, end)).toString('latin1');
}

export function tlvInt(value: Uint8Array | undefined): number | undefined {
  if (value === undefined || value.length === 0 || value.length > 4) return undefined;
  let n = 0;
  for (const byte of value) n = n * 256 + byte;
  return n;
}

export interface UserData {
  /** The UDH octets including the UDHL octet, when esm_class says one is present. */
  udh?: Uint8Array;
  data: Uint8Array;
}

/** Splits a UDH off the user data when esm_class has the UDHI bit (0x40). */
export function splitUserData(esmClass: number, userData: Uint8Array): UserData {
  if ((esmClass & 0x40) === 0 || userData.length === 0) return { data: userData };
  const udhLength = (userData[0] as number) + 1;
  if (udhLength > userData.length) throw new PduFormatError('UDH is longer than the user data');
  return { udh: userData.slice(0, udhLength), data: userData.slice(udhLength) };
}

export interface ConcatInfo {
  reference: number;
  total: number;
  seq: number;
}

/** The concatenation IE (0x00 8-bit or 0x08 16-bit reference, TS 23.040 9.2.3.24.1/.8) of a UDH. */
export function concatInfo(udh: Uint8Array): ConcatInfo | undefined {
  let i = 1;
  while (i + 1 < udh.length) {
    const iei = udh[i] as number;
    const len = udh[i + 1] as number;
    const value = udh.subarray(i + 2, i + 2 + len);
    if (value.length !== len) return undefined;
    if (iei === 0x00 && len === 3) return { reference: value[0] as number, total: value[1] as number, seq: value[2] as number };
    if (iei === 0x08 && len === 4) {
      return { reference: ((value[0] as number) << 8) | (value[1] as number), total: value[2] as number, seq: value[3] as number };
    }
    i += 2 + len;
  }
  return undefined;
}
