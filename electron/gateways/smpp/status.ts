/**
 * SMPP 3.4 command_status values (spec section 5.1.3) and whether a submit refused with one
 * may succeed later. The temporary set follows Kannel's smsc_smpp.c (queue full, throttled,
 * system error, temporary application error) plus the codes that are about our link or the
 * SMSC rather than the message.
 */

/**
 * Who the error is about: the recipient (fail that recipient only), the message we built
 * (every recipient of this text will fail the same way), or the gateway set-up (every
 * message on this gateway will fail: the dispatch should move to a fallback).
 */
export type StatusScope = 'recipient' | 'message' | 'gateway';

export interface StatusInfo {
  code: string;
  temporary: boolean;
  scope: StatusScope;
  reason: string;
}

/** A system error at the SMSC is temporary, but a run of them says the SMSC, not the message, is wrong. */
const REPEATS_MEAN_GATEWAY = new Set(['ESME_RSYSERR']);

/**
 * True when a refused submit is about the gateway's set-up (our source address, credentials,
 * system type, what the account may do), so every other message would be refused alike:
 * the permanent errors about the gateway, and the system error that only repeats when the
 * SMSC itself is broken. Throttling and vendor codes are not: they pass or are retried.
 */
export function isAboutGateway(info: StatusInfo): boolean {
  return (info.scope === 'gateway' && !info.temporary) || REPEATS_MEAN_GATEWAY.has(info.code);
}

type Row = readonly [status: number, code: string, temporary: boolean, scope: StatusScope, reason: string];

const T = true;
const P = false;

const table: readonly Row[] = [
  [0x00, 'ESME_ROK', P, 'message', 'No error'],
  [0x01, 'ESME_RINVMSGLEN', P, 'message', 'Message length is invalid'],
  [0x02, 'ESME_RINVCMDLEN', P, 'message', 'Command length is invalid'],
  [0x03, 'ESME_RINVCMDID', P, 'gateway', 'Invalid command id'],
  // Not bound (yet, or any more): a rebind fixes it.
  [0x04, 'ESME_RINVBNDSTS', T, 'gateway', 'Incorrect bind status for the command'],
  [0x05, 'ESME_RALYBND', P, 'gateway', 'Already bound'],
  [0x06, 'ESME_RINVPRTFLG', P, 'message', 'Invalid priority flag'],
  [0x07, 'ESME_RINVREGDLVFLG', P, 'message', 'Invalid registered delivery flag'],
  [0x08, 'ESME_RSYSERR', T, 'gateway', 'System error at the SMSC'],
  [0x0a, 'ESME_RINVSRCADR', P, 'gateway', 'Invalid source address'],
  [0x0b, 'ESME_RINVDSTADR', P, 'recipient', 'Invalid destination address'],
  [0x0c, 'ESME_RINVMSGID', P, 'message', 'Message id is invalid'],
  [0x0d, 'ESME_RBINDFAIL', P, 'gateway', 'Bind failed'],
  [0x0e, 'ESME_RINVPASWD', P, 'gateway', 'Invalid password'],
  [0x0f, 'ESME_RINVSYSID', P, 'gateway', 'Invalid system id'],
  [0x11, 'ESME_RCANCELFAIL', P, 'message', 'cancel_sm failed'],
  [0x13, 'ESME_RREPLACEFAIL', P, 'message', 'replace_sm failed'],
  [0x14, 'ESME_RMSGQFUL', T, 'gateway', 'Message queue full'],
  [0x15, 'ESME_RINVSERTYP', P, 'gateway', 'Invalid service type'],
  [0x33, 'ESME_RINVNUMDESTS', P, 'message', 'Invalid number of destinations'],
  [0x34, 'ESME_RINVDLNAME', P, 'message', 'Invalid distribution list name'],
  [0x40, 'ESME_RINVDESTFLAG', P, 'message', 'Invalid destination flag'],
  [0x42, 'ESME_RINVSUBREP', P, 'message', "Invalid 'submit with replace' request"],
  [0x43, 'ESME_RINVESMCLASS', P, 'message', 'Invalid esm_class'],
  [0x44, 'ESME_RCNTSUBDL', P, 'message', 'Cannot submit to distribution list'],
  // The spec only says "submit_sm failed"; it names no fault of the recipient or the message,
  // and failing a citizen's alert on a vague error costs more than a bounded retry.
  [0x45, 'ESME_RSUBMITFAIL', T, 'gateway', 'submit_sm failed'],
  [0x48, 'ESME_RINVSRCTON', P, 'gateway', 'Invalid source address TON'],
  [0x49, 'ESME_RINVSRCNPI', P, 'gateway', 'Invalid source address NPI'],
  [0x50, 'ESME_RINVDSTTON', P, 'recipient', 'Invalid destination address TON'],
  [0x51, 'ESME_RINVDSTNPI', P, 'recipient', 'Invalid destination address NPI'],
  [0x53, 'ESME_RINVSYSTYP', P, 'gateway', 'Invalid system type'],
  [0x54, 'ESME_RINVREPFLAG', P, 'message', 'Invalid replace_if_present flag'],
  [0x55, 'ESME_RINVNUMMSGS', P, 'message', 'Invalid number of messages'],
  [0x58, 'ESME_RTHROTTLED', T, 'gateway', 'Throttled: message rate exceeded'],
  [0x61, 'ESME_RINVSCHED', P, 'message', 'Invalid scheduled delivery time'],
  [0x62, 'ESME_RINVEXPIRY', P, 'message', 'Invalid validity period'],
  [0x63, 'ESME_RINVDFTMSGID', P, 'message', 'Predefined message invalid or not found'],
  [0x64, 'ESME_RX_T_APPN', T, 'gateway', 'Receiver temporary application error'],
  [0x65, 'ESME_RX_P_APPN', P, 'recipient', 'Receiver permanent application error'],
  [0x66, 'ESME_RX_R_APPN', P, 'recipient', 'Receiver rejected the message'],
  [0x67, 'ESME_RQUERYFAIL', P, 'message', 'query_sm failed'],
  [0xc0, 'ESME_RINVTLVSTREAM', P, 'message', 'Error in the optional part of the PDU'],
  [0xc1, 'ESME_RTLVNOTALLWD', P, 'message', 'TLV not allowed'],
  [0xc2, 'ESME_RINVTLVLEN', P, 'message', 'Invalid TLV length'],
  [0xc3, 'ESME_RMISSINGTLV', P, 'message', 'Expected TLV missing'],
  [0xc4, 'ESME_RINVTLVVAL', P, 'message', 'Invalid TLV value'],
  [0xfe, 'ESME_RDELIVERYFAILURE', T, 'recipient', 'Transaction delivery failure'],
  [0xff, 'ESME_RUNKNOWNERR', T, 'gateway', 'Unknown error'],
  // SMPP 5.0 additions some 3.4 SMSCs also send.
  [0x100, 'ESME_RSERTYPUNAUTH', P, 'gateway', 'Not authorised to use the service type'],
  [0x101, 'ESME_RPROHIBITED', P, 'gateway', 'Prohibited from this operation'],
  [0x102, 'ESME_RSERTYPUNAVAIL', T, 'gateway', 'Service type unavailable'],
  [0x103, 'ESME_RSERTYPDENIED', P, 'gateway', 'Service type denied'],
  [0x104, 'ESME_RINVDCS', P, 'message', 'Invalid data coding scheme'],
  [0x105, 'ESME_RINVSRCADDRSUBUNIT', P, 'message', 'Invalid source address subunit'],
  [0x106, 'ESME_RINVDSTADDRSUBUNIT', P, 'message', 'Invalid destination address subunit'],
];

const byStatus = new Map<number, StatusInfo>(
  table.map(([status, code, temporary, scope, reason]) => [status, { code, temporary, scope, reason }]),
);
const byCode = new Map<string, number>(table.map(([status, code]) => [code, status]));

/** The SMPP status number for a name such as 'ESME_RTHROTTLED' (undefined if unknown). */
export function statusOf(code: string): number | undefined {
  return byCode.get(code);
}

/**
 * Classifies a command_status. Unlisted values (reserved, or 0x400–0x4FF which the spec
 * leaves to SMSC vendors) are temporary: a vendor error says nothing sure about the
 * recipient, and the dispatch bounds retries by count and validity period.
 */
export function classifyStatus(status: number): StatusInfo {
  const known = byStatus.get(status);
  if (known) return known;
  const hex = `0x${status.toString(16).toUpperCase().padStart(8, '0')}`;
  const vendor = status >= 0x400 && status <= 0x4ff;
  return {
    code: `SMPP_STATUS_${hex}`,
    temporary: true,
    scope: 'gateway',
    reason: vendor ? `SMSC vendor-specific error ${hex}` : `Unknown SMPP status ${hex}`,
  };
}
