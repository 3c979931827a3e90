/**
 * Kannel's HTTP shapes, as pure functions: the sendsms request and the meaning of its answer,
 * the dlr-url Kannel calls back with a delivery report, and the sms-service get-url it calls
 * with an inbound message. Escape codes follow Kannel 1.4's urltrans.c (%d report type or
 * dlr-mask, %T unix time, %i smsc-id, %A SMSC answer, %F SMSC message id, %p sender,
 * %P receiver, %b the message octets, %c coding, %C charset).
 *
 * Why our own reference is the message id: smsbox answers sendsms ("0: Accepted for
 * delivery") before bearerbox has submitted anything to an SMSC, so the answer carries no
 * SMSC id. We put our reference into the dlr-url instead; every report Kannel sends for the
 * message comes back with it, so `messageIds` is `[ref]` and receipts carry `ref` too.
 */
import { analyzeSms, isGsm7 } from '../../../shared/sms';
import type { DeliveryReceipt, InboundSms, OutboundSms, ReceiptState, SubmitOutcome } from '../gateway';
import type { KannelConfig } from './config';


const dlrMeaning: Record<number, { state: ReceiptState; final: boolean; stat: string }> = {
  1: { state: 'delivered', final: true, stat: 'DELIVRD' },
  2: { state: 'failed', final: true, stat: 'UNDELIV' },
  // Buffered: the SMSC holds it for a handset that is off; it may still be delivered.
  4: { state: 'enroute', final: false, stat: 'BUFFRED' },
  // The SMSC took the message; with a fake or fast SMSC this can arrive after the delivery
  // report (Kannel 1.4.5 sends 8 after 1 for smsc=fake), so consumers must keep final states.
  8: { state: 'accepted', final: false, stat: 'ACK' },
  16: { state: 'failed', final: true, stat: 'REJECTD' },
};

/** Characters that survive Kannel's escape-code pass (a '%' in our reference would not). */
const SAFE_REF = /^[A-Za-z0-9._-]{1,100}$/;

/** Our reference as it travels inside the dlr-url: as-is when safe, else base64url with a '~' mark. */
export function encodeRef(ref: string): string {
  return SAFE_REF.test(ref) ? ref : `~${Buffer.from(ref, 'utf8').toString('base64url')}`;
}

export function decodeRef(token: string): string | undefined {
  if (SAFE_REF.test(token)) return token;
  if (/^~[A-Za-z0-9_-]+$/.test(token)) {
    const ref = Buffer.from(token.slice(1), 'base64url').toString('utf8');
    return ref === '' ? undefined : ref;
  }
  return undefined;
}

/** The dlr-url Kannel will fill in and call for each report of this message. */
export function dlrUrl(receiverBase: string, ref: string): string {
  return `${receiverBase}/dlr?ref=${encodeRef(ref)}&type=%d&ts=%T&smsc=%i&answer=%A&smscid=%F`;
}

/**
 * The get-url to put in kannel.conf's sms-service for inbound messages. %b (the octets) with
 * %c and %C instead of %a, because %a squeezes runs of spaces and splits UCS-2 octets at
 * whatever byte happens to be 0x20.
 */
export function moGetUrl(receiverBase: string): string {
  return `${receiverBase}/mo?from=%p&to=%P&text=%b&coding=%c&charset=%C&ts=%T&id=%I`;
}

export type SendsmsRequest =
  | { ok: true; path: string; encoding: 'GSM-7' | 'UCS-2' }
  | { ok: false; code: string; reason: string };

/** The sendsms path and query for one message (whole text: Kannel splits long ones). */
export function sendsmsRequest(config: KannelConfig, message: OutboundSms, receiverBase: string): SendsmsRequest {
  const wanted = message.encoding ?? 'auto';
  const configured = config.coding === 'gsm' ? 'GSM-7' : config.coding === 'ucs2' ? 'UCS-2' : 'auto';
  const choice = wanted !== 'auto' ? wanted : configured;
  const encoding = choice === 'auto' ? analyzeSms(message.text).encoding : choice;
  if (encoding === 'GSM-7' && !isGsm7(message.text)) {
    return { ok: false, code: 'NOT_GSM7', reason: 'The text has characters outside the GSM 03.38 alphabet' };
  }
  const validity = message.validityMinutes ?? config.validityMinutes;
  if (!Number.isInteger(validity) || validity < 0 || validity > 99 * 1440) {
    return { ok: false, code: 'INVALID_VALIDITY', reason: 'The validity period must be 0 to 99 days in whole minutes' };
  }
  const params = new URLSearchParams();
  params.set('username', config.username);
  params.set('password', config.password);
  params.set('to', message.to);
  if (config.from) params.set('from', config.from);
  params.set('text', message.text);
  // Kannel recodes the UTF-8 text itself: to the GSM alphabet for coding 0, UCS-2 for 2.
  params.set('charset', 'UTF-8');
  params.set('coding', encoding === 'GSM-7' ? '0' : '2');
  if (config.smsc) params.set('smsc', config.smsc);
  if (validity > 0) params.set('validity', String(validity));
  if (config.dlrMask > 0) {
    params.set('dlr-mask', String(config.dlrMask));
    params.set('dlr-url', dlrUrl(receiverBase, message.ref));
  }
  return { ok: true, path: `/cgi-bin/sendsms?${params.toString()}`, encoding };
}

/** The probe connect() sends: credentials and no receiver, which Kannel answers without sending. */
export function probePath(config: KannelConfig): string {
  const params = new URLSearchParams({ username: config.username, password: config.password });
  return `/cgi-bin/sendsms?${params.toString()}`;
}

/**
 * The probe check() sends: a receiver, a sender only if we have one, and a coding Kannel
 * refuses as misformed. Kannel decides the sender before it reads the coding, so the answer is
 * "Sender missing and no global set" when it could not send, and "Coding field misformed"
 * when it could: either way nothing is sent.
 */
export function senderProbePath(config: KannelConfig): string {
  const params = new URLSearchParams({ username: config.username, password: config.password, to: '+4500000000', text: 'probe', coding: '7' });
  if (config.from) params.set('from', config.from);
  if (config.smsc) params.set('smsc', config.smsc);
  return `/cgi-bin/sendsms?${params.toString()}`;
}

const rejected = (
  temporary: boolean,
  code: string,
  reason: string,
  status?: number,
  maybeSubmitted = false,
  about?: 'gateway',
): SubmitOutcome => ({ kind: 'rejected', temporary, code, reason, status, messageIds: [], maybeSubmitted, ...(about ? { about } : {}) });

/** Kannel's 400 answers that are about its set-up or ours, not about the number or the text. */
const SENDER_MISSING = /sender missing/i;
const CONFIG_REFUSAL = /global|smsc|not allowed|forbidden|authori[sz]|denied for this user|account/i;

/**
 * What a sendsms answer means. Kannel 1.4 answers 202 "0: Accepted for delivery" or
 * "3: Queued for later delivery" (older ones "Sent."), 403 for bad credentials or a denied
 * IP, 400 for a bad request or a number its lists deny, 503 or 429 when it is overloaded.
 */
export function classifySendsmsAnswer(status: number, body: string, ref: string): SubmitOutcome {
  // The body is Kannel's own short sentence; cut so a misbehaving proxy cannot fill our logs.
  const said = body.trim().slice(0, 120);
  if (status >= 200 && status < 300) return { kind: 'accepted', messageIds: [ref] };
  if (status === 403) return rejected(false, 'KANNEL_AUTH_FAILED', `Kannel refused the sendsms credentials (${said})`, status, false, 'gateway');
  if (status === 429) return rejected(true, 'KANNEL_THROTTLED', `Kannel asked us to slow down (${said})`, status);
  if (status === 503) return rejected(true, 'KANNEL_UNAVAILABLE', `Kannel is overloaded or has no SMSC (${said})`, status);
  if (status === 400 && SENDER_MISSING.test(said)) {
    return rejected(false, 'KANNEL_SENDER_MISSING', `Kannel has no sender for the message: ${said}`, status, false, 'gateway');
  }
  if (status >= 400 && status < 500) {
    // A list that denies the number, a field we built wrongly: about this message. Anything that
    // names the account, the SMSC or a global setting is about the gateway.
    return rejected(false, 'KANNEL_REJECTED', `Kannel rejected the message: ${said}`, status, false, CONFIG_REFUSAL.test(said) && !/white|black/i.test(said) ? 'gateway' : undefined);
  }
  // Another 5xx: Kannel (or a proxy in front of it) failed; whether it queued the message is unknown.
  return rejected(true, 'KANNEL_SERVER_ERROR', `Kannel answered HTTP ${status}`, status, true);
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; why: string };

/**
 * A query string as octets per key, because Kannel's %b is the message's raw octets
 * (UTF-16BE for UCS-2), which URLSearchParams would force through UTF-8 and break.
 */
export function queryOctets(rawQuery: string): Parsed<Map<string, Buffer>> {
  const result = new Map<string, Buffer>();
  if (rawQuery === '') return { ok: true, value: result };
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? '' : pair.slice(eq + 1);
    const keyBytes = percentDecode(key);
    const valueBytes = percentDecode(value);
    if (!keyBytes || !valueBytes) return { ok: false, why: 'badly percent-encoded query' };
    const name = keyBytes.toString('utf8');
    if (result.has(name)) return { ok: false, why: `"${name}" given twice` };
    result.set(name, valueBytes);
  }
  return { ok: true, value: result };
}

function percentDecode(text: string): Buffer | undefined {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25) {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
      out.push(parseInt(hex, 16));
      i += 2;
    } else if (c === 0x2b) {
      out.push(0x20);
    } else {
      // Node hands a request line's raw octets over as latin1 characters.
      out.push(c & 0xff);
    }
  }
  return Buffer.from(out);
}

const utf8 = (bytes: Buffer | undefined) => (bytes ? new TextDecoder('utf-8', { fatal: false }).decode(bytes) : undefined);

function unixTime(text: string | undefined): Date | undefined {
  if (text === undefined || !/^\d{1,12}$/.test(text)) return undefined;
  return new Date(Number(text) * 1000);
}

/** A delivery report callback's query → a receipt for our reference, or why it is bad. */
export function parseDlrQuery(rawQuery: string): Parsed<DeliveryReceipt> {
  const query = queryOctets(rawQuery);
  if (!query.ok) return query;
  const q = query.value;
  const token = utf8(q.get('ref'));
  const ref = token === undefined ? undefined : decodeRef(token);
  if (ref === undefined) return { ok: false, why: 'missing or malformed ref' };
  const typeText = utf8(q.get('type'));
  if (typeText === undefined || !/^\d{1,3}$/.test(typeText)) return { ok: false, why: 'missing or malformed type' };
  const meaning = dlrMeaning[Number(typeText)];
  if (!meaning) return { ok: false, why: `unknown report type ${typeText}` };
  const answer = utf8(q.get('answer')) ?? '';
  const receipt: DeliveryReceipt = {
    messageId: ref,
    altMessageIds: [],
    state: meaning.state,
    final: meaning.final,
    stat: answerStat(answer) ?? meaning.stat,
  };
  const errorCode = answerError(answer);
  if (errorCode !== undefined) receipt.errorCode = errorCode;
  const doneAt = unixTime(utf8(q.get('ts')));
  if (doneAt) receipt.doneAt = doneAt;
  return { ok: true, value: receipt };
}

/** The stat: of an SMPP receipt text Kannel passes on as %A, when it is one. */
function answerStat(answer: string): string | undefined {
  return /\bstat:([A-Z]{5,8})\b/.exec(answer)?.[1];
}

/** err: of an SMPP receipt text, or the command_status of a NACK ("NACK/0x0000000b/…"). */
function answerError(answer: string): string | undefined {
  return /\berr:([0-9A-Za-z]{1,10})\b/.exec(answer)?.[1] ?? /^NACK\/([0-9A-Za-z]{1,12})/.exec(answer)?.[1];
}

const CHARSETS: Record<string, string> = {
  'UTF-8': 'utf-8',
  'UTF-16BE': 'utf-16be',
  'UCS-2': 'utf-16be',
  'ISO-8859-1': 'latin1',
  'WINDOWS-1252': 'windows-1252',
};

/** Text of an inbound message from Kannel's %b octets, %c coding and %C charset. */
export function decodeMoText(octets: Buffer, coding: number, charset: string): string {
  const label = CHARSETS[charset.toUpperCase()] ?? (coding === 2 ? 'utf-16be' : 'utf-8');
  if (label === 'utf-16be') {
    // TextDecoder's utf-16be is ICU-only; swapping to LE works on every Node build.
    const even = octets.subarray(0, octets.length - (octets.length % 2));
    return Buffer.from(even).swap16().toString('utf16le');
  }
  // 8-bit data we cannot know the charset of: UTF-8 is what phones and fakesmsc send.
  return new TextDecoder(label, { fatal: false }).decode(octets);
}

/** Kannel passes numbers as the SMSC gave them; '00' and '+' both mean international. */
export function normaliseNumber(number: string): string {
  if (/^\+\d{1,15}$/.test(number)) return number;
  if (/^00\d{1,15}$/.test(number)) return `+${number.slice(2)}`;
  return number;
}

/** An inbound-message callback's query → the message, or why it is bad. */
export function parseMoQuery(rawQuery: string, now: () => Date): Parsed<InboundSms> {
  const query = queryOctets(rawQuery);
  if (!query.ok) return query;
  const q = query.value;
  const from = utf8(q.get('from'));
  const to = utf8(q.get('to'));
  const octets = q.get('text');
  if (!from || !/^\+?[0-9A-Za-z ]{1,20}$/.test(from)) return { ok: false, why: 'missing or malformed from' };
  if (to === undefined || !/^\+?[0-9A-Za-z ]{0,20}$/.test(to)) return { ok: false, why: 'malformed to' };
  if (!octets) return { ok: false, why: 'missing text' };
  const codingText = utf8(q.get('coding')) ?? '0';
  if (!/^-?\d{1,2}$/.test(codingText)) return { ok: false, why: 'malformed coding' };
  const charset = utf8(q.get('charset')) ?? '';
  const receivedAt = unixTime(utf8(q.get('ts'))) ?? now();
  // %I: Kannel's id of the message, the same when smsbox retries the get-url.
  const id = utf8(q.get('id'));
  const smscId = id && /^[0-9A-Za-z-]{1,64}$/.test(id) ? id : undefined;
  // coding 1 is 8-bit data: kept as octets and flagged, never read as text.
  const binary = Number(codingText) === 1;
  return {
    ok: true,
    value: {
      from: normaliseNumber(from),
      to: normaliseNumber(to),
      text: binary ? Buffer.from(octets).toString('hex') : decodeMoText(octets, Number(codingText), charset),
      receivedAt,
      ...(smscId ? { smscId } : {}),
      ...(binary ? { binary: true } : {}),
    },
  };
}
