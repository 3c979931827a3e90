/**
 * Delivery receipts as SMSCs send them in deliver_sm: the free-text form of SMPP 3.4
 * Appendix B (`id:… sub:… dlvrd:… submit date:… done date:… stat:… err:… text:…`), the
 * `receipted_message_id` / `message_state` TLVs, or both. node-smpp parses neither, and
 * SMSCs vary (case, missing fields, 12-digit dates, hex or decimal ids), so this is lenient
 * about shape and strict about values: a field that does not look right is dropped, never
 * guessed.
 */
import type { DeliveryReceipt, ReceiptState } from '../gateway';

export interface ReceiptText {
  id?: string;
  sub?: number;
  dlvrd?: number;
  submittedAt?: Date;
  doneAt?: Date;
  stat?: string;
  err?: string;
}

export interface ReceiptInput {
  /** The short_message or message_payload, already decoded to a string. */
  text?: string;
  /** TLV 0x001E. */
  receiptedMessageId?: string;
  /** TLV 0x0427. */
  messageState?: number;
  /** TLV 0x0423: network type (1 octet) and error code (2 octets). */
  networkErrorCode?: Uint8Array;
}

/** Longer ids are not message ids but garbage or an attack on memory downstream. */
const MAX_ID_LENGTH = 64;
const idPattern = /^[\x21-\x7e]{1,64}$/;

interface StateInfo {
  state: ReceiptState;
  final: boolean;
}

const stats: Record<string, StateInfo> = {
  DELIVRD: { state: 'delivered', final: true },
  DELIVERED: { state: 'delivered', final: true },
  EXPIRED: { state: 'expired', final: true },
  DELETED: { state: 'failed', final: true },
  UNDELIV: { state: 'failed', final: true },
  UNDELIVERABLE: { state: 'failed', final: true },
  REJECTD: { state: 'failed', final: true },
  REJECTED: { state: 'failed', final: true },
  FAILED: { state: 'failed', final: true },
  SKIPPED: { state: 'failed', final: true },
  // SMPP 3.4 message_state: ACCEPTED is final ("read on behalf of the subscriber by customer service").
  ACCEPTD: { state: 'accepted', final: true },
  ACCEPTED: { state: 'accepted', final: true },
  // UNKNOWN is the spec's final "message is in invalid state".
  UNKNOWN: { state: 'unknown', final: true },
  ENROUTE: { state: 'enroute', final: false },
  BUFFRED: { state: 'enroute', final: false },
  BUFFERED: { state: 'enroute', final: false },
  SCHEDULED: { state: 'enroute', final: false },
};

/** message_state TLV values of SMPP 3.4 (0 and 9 from SMPP 5.0). */
const messageStates: Record<number, { stat: string } & StateInfo> = {
  0: { stat: 'SCHEDULED', state: 'enroute', final: false },
  1: { stat: 'ENROUTE', state: 'enroute', final: false },
  2: { stat: 'DELIVRD', state: 'delivered', final: true },
  3: { stat: 'EXPIRED', state: 'expired', final: true },
  4: { stat: 'DELETED', state: 'failed', final: true },
  5: { stat: 'UNDELIV', state: 'failed', final: true },
  6: { stat: 'ACCEPTD', state: 'accepted', final: true },
  7: { stat: 'UNKNOWN', state: 'unknown', final: true },
  8: { stat: 'REJECTD', state: 'failed', final: true },
  9: { stat: 'SKIPPED', state: 'failed', final: true },
};

/** Our state for a receipt `stat:` word; an unfamiliar word is 'unknown' and not final. */
export function stateOfStat(stat: string): StateInfo {
  const key = stat.toUpperCase();
  // hasOwn, so a stat such as "__PROTO__" can never reach Object.prototype.
  return Object.hasOwn(stats, key) ? (stats[key] as StateInfo) : { state: 'unknown', final: false };
}

const fieldPatterns = new Map<string, RegExp>();

function field(header: string, name: string): string | undefined {
  let pattern = fieldPatterns.get(name);
  if (!pattern) {
    // A field starts the text or follows whitespace, so "id:" never matches inside "xid:".
    pattern = new RegExp(`(?:^|\\s)${name}:\\s*(\\S*)`, 'i');
    fieldPatterns.set(name, pattern);
  }
  const match = pattern.exec(header);
  const value = match?.[1];
  return value === undefined || value === '' ? undefined : value;
}

function count(value: string | undefined): number | undefined {
  return value !== undefined && /^\d{1,6}$/.test(value) ? Number(value) : undefined;
}

/**
 * YYMMDDhhmm or YYMMDDhhmmss. The spec gives no time zone (SMSCs use UTC or their local
 * time); we read UTC, so a local-time SMSC's dates are off by its offset. Impossible dates
 * are rejected rather than rolled over by Date.
 */
export function parseReceiptDate(value: string | undefined): Date | undefined {
  if (value === undefined || !/^(\d{10}|\d{12})$/.test(value)) return undefined;
  const n = (from: number) => Number(value.slice(from, from + 2));
  const [year, month, day, hour, minute] = [2000 + n(0), n(2), n(4), n(6), n(8)];
  const second = value.length === 12 ? n(10) : 0;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (date.getUTCDate() !== day) return undefined; // 31 February and the like
  return date;
}

/** Reads the Appendix B text form. Anything after `text:` is the message's start and is ignored. */
export function parseReceiptText(text: string): ReceiptText {
  // Cap the work on hostile input; a real receipt header is well under 200 characters.
  const bounded = text.slice(0, 1024);
  const textAt = bounded.search(/(?:^|\s)text:/i);
  const header = textAt >= 0 ? bounded.slice(0, textAt) : bounded;
  const result: ReceiptText = {};
  const id = field(header, 'id');
  if (id !== undefined && idPattern.test(id)) result.id = id;
  const sub = count(field(header, 'sub'));
  if (sub !== undefined) result.sub = sub;
  const dlvrd = count(field(header, 'dlvrd'));
  if (dlvrd !== undefined) result.dlvrd = dlvrd;
  const submittedAt = parseReceiptDate(field(header, 'submit[ _]?date'));
  if (submittedAt) result.submittedAt = submittedAt;
  const doneAt = parseReceiptDate(field(header, 'done[ _]?date'));
  if (doneAt) result.doneAt = doneAt;
  const stat = field(header, 'stat');
  if (stat !== undefined && /^[A-Za-z_]{1,16}$/.test(stat)) result.stat = stat.toUpperCase();
  const err = field(header, 'err');
  if (err !== undefined && /^[0-9A-Za-z]{1,10}$/.test(err)) result.err = err;
  return result;
}

/**
 * The same id in the other radix: an all-digit id may be decimal or hex without letters, so
 * both readings are offered; the caller tries them only when the id itself matches nothing.
 */
export function alternativeIds(id: string): string[] {
  if (id.length > 32) return [];
  const out = new Set<string>();
  if (/^\d+$/.test(id)) {
    const hex = BigInt(id).toString(16);
    out.add(hex);
    out.add(hex.toUpperCase());
  }
  if (/^[0-9a-f]+$/i.test(id)) {
    out.add(BigInt(`0x${id}`).toString(10));
    out.add(id.toLowerCase());
    out.add(id.toUpperCase());
  }
  // Some SMSCs zero-pad ids in one place and not the other.
  const unpadded = id.replace(/^0+(?=.)/, '');
  out.add(unpadded);
  out.delete(id);
  return [...out];
}

function tlvId(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  // A cstring TLV may carry its terminating NUL (and padding) into the decoded value.
  const trimmed = value.replace(/\0.*$/s, '').trim();
  return trimmed.length > 0 && trimmed.length <= MAX_ID_LENGTH && idPattern.test(trimmed) ? trimmed : undefined;
}

/**
 * A receipt from whatever the SMSC sent; TLVs win over the text when both are present, as
 * they are typed and the text form is only informative in SMPP 3.4. Returns null when no
 * message id can be found, as such a receipt can match nothing.
 */
export function parseReceipt(input: ReceiptInput): DeliveryReceipt | null {
  const text = input.text === undefined ? {} : parseReceiptText(input.text);
  const messageId = tlvId(input.receiptedMessageId) ?? text.id;
  if (messageId === undefined) return null;

  const fromTlv = input.messageState === undefined ? undefined : messageStates[input.messageState];
  let state: StateInfo;
  let stat: string | undefined;
  if (fromTlv) {
    state = fromTlv;
    stat = fromTlv.stat;
  } else if (text.stat !== undefined) {
    state = stateOfStat(text.stat);
    stat = text.stat;
  } else {
    state = { state: 'unknown', final: false };
  }

  const receipt: DeliveryReceipt = {
    messageId,
    altMessageIds: alternativeIds(messageId),
    state: state.state,
    final: state.final,
  };
  if (stat !== undefined) receipt.stat = stat;
  const network = input.networkErrorCode;
  if (network && network.length === 3) {
    // Network type (1 = ANSI-136, 2 = IS-95, 3 = GSM, …) then a 2-octet code.
    receipt.errorCode = `${network[0]}:${((network[1] ?? 0) << 8) | (network[2] ?? 0)}`;
  } else if (text.err !== undefined) {
    receipt.errorCode = text.err;
  }
  if (text.submittedAt) receipt.submittedAt = text.submittedAt;
  if (text.doneAt) receipt.doneAt = text.doneAt;
  return receipt;
}
