import { describe, expect, it } from 'vitest';
import { parseKannelUrl } from '../../../../electron/gateways/kannel/config';
import {
  classifySendsmsAnswer,
  decodeMoText,
  decodeRef,
  dlrUrl,
  encodeRef,
  moGetUrl,
  normaliseNumber,
  parseDlrQuery,
  parseMoQuery,
  queryOctets,
  sendsmsRequest,
} from '../../../../electron/gateways/kannel/protocol';

const config = parseKannelUrl('kannel://tryk:pw@127.0.0.1:13013?from=Politi');
const now = () => new Date(0);

describe('references in the dlr-url', () => {
  it.each(['rcp-1', '12345', 'a.b_c-d', 'alert 7/rcp %C æ', '%d%T', '😀'])('round-trips %s through a Kannel-safe token', (ref) => {
    const token = encodeRef(ref);
    // Kannel would replace any %x in the dlr-url; the token must have none.
    expect(token).toMatch(/^[A-Za-z0-9._~-]+$/);
    expect(decodeRef(token)).toBe(ref);
  });

  it('rejects malformed tokens', () => {
    expect(decodeRef('')).toBeUndefined();
    expect(decodeRef('a b')).toBeUndefined();
    expect(decodeRef('~')).toBeUndefined();
  });

  it('builds the dlr-url and the sms-service get-url with Kannel escapes', () => {
    expect(dlrUrl('http://127.0.0.1:9', 'r1')).toBe('http://127.0.0.1:9/dlr?ref=r1&type=%d&ts=%T&smsc=%i&answer=%A&smscid=%F');
    expect(moGetUrl('http://127.0.0.1:9')).toBe('http://127.0.0.1:9/mo?from=%p&to=%P&text=%b&coding=%c&charset=%C&ts=%T&id=%I');
  });
});

describe('sendsmsRequest', () => {
  const query = (path: string) => new URL(path, 'http://x').searchParams;

  it('picks coding 0 for GSM text and 2 otherwise, always charset UTF-8', () => {
    const gsm = sendsmsRequest(config, { ref: 'r', to: '+4512345678', text: 'æøå {}' }, 'http://h:1');
    expect(gsm.ok && query(gsm.path).get('coding')).toBe('0');
    const ucs = sendsmsRequest(config, { ref: 'r', to: '+4512345678', text: 'Hej ✓' }, 'http://h:1');
    expect(ucs.ok && [query(ucs.path).get('coding'), query(ucs.path).get('charset')]).toEqual(['2', 'UTF-8']);
  });

  it('follows the configured coding and the message encoding, message first', () => {
    const ucs2Config = parseKannelUrl('kannel://u:p@h?coding=ucs2');
    const forced = sendsmsRequest(ucs2Config, { ref: 'r', to: '+4512345678', text: 'Hej' }, 'http://h:1');
    expect(forced.ok && query(forced.path).get('coding')).toBe('2');
    const back = sendsmsRequest(ucs2Config, { ref: 'r', to: '+4512345678', text: 'Hej', encoding: 'GSM-7' }, 'http://h:1');
    expect(back.ok && query(back.path).get('coding')).toBe('0');
    expect(sendsmsRequest(parseKannelUrl('kannel://u:p@h?coding=gsm'), { ref: 'r', to: '+4512345678', text: '😀' }, 'http://h:1')).toMatchObject({ ok: false, code: 'NOT_GSM7' });
  });

  it('omits from, smsc, validity and the dlr fields when not configured', () => {
    const bare = parseKannelUrl('kannel://u:p@h?dlrMask=0');
    const request = sendsmsRequest(bare, { ref: 'r', to: '+4512345678', text: 'Hej' }, 'http://h:1');
    expect(request.ok && [...query(request.path).keys()].sort()).toEqual(['charset', 'coding', 'password', 'text', 'to', 'username']);
    expect(sendsmsRequest(bare, { ref: 'r', to: '+4512345678', text: 'x', validityMinutes: -1 }, 'http://h:1')).toMatchObject({ ok: false, code: 'INVALID_VALIDITY' });
  });
});

describe('classifySendsmsAnswer', () => {
  it.each([
    [202, '0: Accepted for delivery', { kind: 'accepted', messageIds: ['r'] }],
    [202, '3: Queued for later delivery', { kind: 'accepted', messageIds: ['r'] }],
    [202, 'Sent.', { kind: 'accepted', messageIds: ['r'] }],
    [403, 'Authorization failed for sendsms', { kind: 'rejected', temporary: false, code: 'KANNEL_AUTH_FAILED', status: 403, maybeSubmitted: false }],
    [400, 'Missing receiver number, rejected', { kind: 'rejected', temporary: false, code: 'KANNEL_REJECTED', status: 400 }],
    [404, 'Not found', { kind: 'rejected', temporary: false, code: 'KANNEL_REJECTED', status: 404 }],
    [429, '', { kind: 'rejected', temporary: true, code: 'KANNEL_THROTTLED', status: 429, maybeSubmitted: false }],
    [503, '4: Message queue full', { kind: 'rejected', temporary: true, code: 'KANNEL_UNAVAILABLE', status: 503 }],
    [502, 'Bad gateway', { kind: 'rejected', temporary: true, code: 'KANNEL_SERVER_ERROR', status: 502, maybeSubmitted: true }],
  ])('HTTP %i %s', (status, body, expected) => {
    expect(classifySendsmsAnswer(status, body, 'r')).toMatchObject(expected);
  });

  it('cuts a long body out of the reason', () => {
    const outcome = classifySendsmsAnswer(400, 'x'.repeat(10_000), 'r');
    expect(outcome.kind === 'rejected' && outcome.reason.length).toBeLessThan(200);
  });
});

describe('callback queries', () => {
  it('reads octets per key, + as space, and refuses bad encodings and repeats', () => {
    const q = queryOctets('a=%00J+%D8%3D&b=&c');
    expect(q.ok && [...(q.value.get('a') as Buffer)]).toEqual([0x00, 0x4a, 0x20, 0xd8, 0x3d]);
    expect(q.ok && q.value.get('c')?.length).toBe(0);
    expect(queryOctets('a=%G1').ok).toBe(false);
    expect(queryOctets('a=1&a=2').ok).toBe(false);
  });

  it.each([
    [1, 'delivered', true],
    [2, 'failed', true],
    [4, 'enroute', false],
    [8, 'accepted', false],
    [16, 'failed', true],
  ])('maps DLR type %i to %s (final %s)', (type, state, final) => {
    expect(parseDlrQuery(`ref=r&type=${type}`)).toEqual({ ok: true, value: expect.objectContaining({ messageId: 'r', state, final }) });
  });

  it('refuses combined or unknown DLR types', () => {
    expect(parseDlrQuery('ref=r&type=3')).toMatchObject({ ok: false });
    expect(parseDlrQuery('ref=r&type=0')).toMatchObject({ ok: false });
    expect(parseDlrQuery('ref=r&type=1&ts=soon')).toMatchObject({ ok: true, value: { state: 'delivered' } });
  });

  it('decodes inbound text by Kannel coding and charset', () => {
    const utf16 = Buffer.from('Jeg så 🚗', 'utf16le').swap16();
    expect(decodeMoText(utf16, 2, 'UTF-16BE')).toBe('Jeg så 🚗');
    expect(decodeMoText(utf16, 2, '')).toBe('Jeg så 🚗');
    expect(decodeMoText(Buffer.from('æøå', 'utf8'), 0, 'UTF-8')).toBe('æøå');
    expect(decodeMoText(Buffer.from('æøå', 'utf8'), 1, '8-BIT')).toBe('æøå');
    expect(decodeMoText(Buffer.from([0xe6, 0xf8, 0xe5]), 0, 'ISO-8859-1')).toBe('æøå');
  });

  it('normalises international numbers only', () => {
    expect(normaliseNumber('+4512345678')).toBe('+4512345678');
    expect(normaliseNumber('004512345678')).toBe('+4512345678');
    expect(normaliseNumber('12345678')).toBe('12345678');
    expect(normaliseNumber('1999')).toBe('1999');
  });

  it('parses an inbound message and refuses one without sender or text', () => {
    expect(parseMoQuery('from=004512345678&to=1999&text=STOP++nu&coding=0&charset=UTF-8', now)).toEqual({
      ok: true,
      value: { from: '+4512345678', to: '1999', text: 'STOP  nu', receivedAt: new Date(0) },
    });
    expect(parseMoQuery('to=1999&text=x', now)).toMatchObject({ ok: false });
    expect(parseMoQuery('from=1&to=1999', now)).toMatchObject({ ok: false });
    expect(parseMoQuery('from=1&to=1999&text=x&coding=zz', now)).toMatchObject({ ok: false });
    expect(parseMoQuery('from=%3Cscript%3E&to=1999&text=x', now)).toMatchObject({ ok: false });
  });
});
