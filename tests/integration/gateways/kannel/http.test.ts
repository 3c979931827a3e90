/**
 * The Kannel gateway against a local HTTP server that answers like smsbox's sendsms, for
 * what a real Kannel will not do on demand: refuse with 403/429/503 mid-send, hang, count
 * concurrent requests. Also the callback receiver's handling of bad requests.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryReceipt, InboundSms, OutboundSms } from '../../../../electron/gateways/gateway';
import { KannelGateway } from '../../../../electron/gateways/kannel/connector';
import { parseKannelUrl } from '../../../../electron/gateways/kannel/config';

interface Seen {
  query: URLSearchParams;
  at: number;
}

type Answer = (query: URLSearchParams) => { status: number; body: string; delayMs?: number } | 'hang';

class FakeSmsbox {
  readonly seen: Seen[] = [];
  active = 0;
  maxActive = 0;
  answer: Answer = (q) => (q.has('to') ? { status: 202, body: '0: Accepted for delivery' } : { status: 400, body: 'Missing receiver number, rejected' });
  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<FakeSmsbox> {
    const server = http.createServer();
    const fake = new FakeSmsbox(server);
    server.on('request', (req, res) => fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const query = url.searchParams;
    if (url.pathname !== '/cgi-bin/sendsms') {
      res.writeHead(404).end();
      return;
    }
    if (query.has('to')) this.seen.push({ query, at: Date.now() });
    const answer = this.answer(query);
    if (answer === 'hang') return;
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    setTimeout(() => {
      this.active--;
      res.writeHead(answer.status, { 'content-type': 'text/html' }).end(answer.body);
    }, answer.delayMs ?? 0);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(query = '') {
  const smsbox = await FakeSmsbox.start();
  cleanups.push(() => smsbox.close());
  const gateway = new KannelGateway(parseKannelUrl(`kannel://tryk:s3cret@127.0.0.1:${smsbox.port}?from=Politi${query}`));
  cleanups.push(() => gateway.close());
  await gateway.connect();
  const receipts: DeliveryReceipt[] = [];
  const inbound: InboundSms[] = [];
  gateway.onReceipt((r) => receipts.push(r));
  gateway.onInbound((m) => inbound.push(m));
  return { smsbox, gateway, receipts, inbound, receiver: gateway.receiverUrl() as string };
}

const sms = (ref: string, extra: Partial<OutboundSms> = {}): OutboundSms => ({ ref, to: '+4512345678', text: 'Hej æøå', ...extra });

describe('Kannel gateway over HTTP', () => {
  it('sends the sendsms query Kannel expects', async () => {
    const { smsbox, gateway, receiver } = await setup('&smsc=TDC&validity=90');
    expect(await gateway.submit(sms('r1'))).toEqual({ kind: 'accepted', messageIds: ['r1'] });
    const q = smsbox.seen[0]?.query as URLSearchParams;
    expect(Object.fromEntries(q)).toEqual({
      username: 'tryk',
      password: 's3cret',
      to: '+4512345678',
      from: 'Politi',
      text: 'Hej æøå',
      charset: 'UTF-8',
      coding: '0',
      smsc: 'TDC',
      validity: '90',
      'dlr-mask': '31',
      'dlr-url': `${receiver}/dlr?ref=r1&type=%d&ts=%T&smsc=%i&answer=%A&smscid=%F`,
    });
    await gateway.submit(sms('r2', { text: 'Hej 😀', validityMinutes: 5 }));
    expect(smsbox.seen[1]?.query.get('coding')).toBe('2');
    expect(smsbox.seen[1]?.query.get('validity')).toBe('5');
  });

  it.each([
    [403, 'Authorization failed for sendsms', false, 'KANNEL_AUTH_FAILED'],
    [400, 'Number(s) has/have been denied by white- and/or black-lists.', false, 'KANNEL_REJECTED'],
    [429, 'Too many requests', true, 'KANNEL_THROTTLED'],
    [503, 'Message queue full', true, 'KANNEL_UNAVAILABLE'],
    [500, 'Internal error', true, 'KANNEL_SERVER_ERROR'],
  ])('classifies HTTP %i as temporary=%s? (%s)', async (status, body, temporary, code) => {
    const { smsbox, gateway } = await setup();
    smsbox.answer = (q) => (q.has('to') ? { status, body } : { status: 400, body: '' });
    const outcome = await gateway.submit(sms('r'));
    expect(outcome).toMatchObject({ kind: 'rejected', temporary, code, status, messageIds: [] });
    if (outcome.kind === 'rejected') expect(outcome.reason).not.toContain('s3cret');
  });

  it('paces submits at the agreed tps', async () => {
    const { smsbox, gateway } = await setup('&tps=20');
    const start = Date.now();
    await Promise.all(Array.from({ length: 11 }, (_, i) => gateway.submit(sms(`r${i}`))));
    // 11 messages at 20/s: the 11th cannot start before 10 intervals of 50 ms.
    expect(Date.now() - start).toBeGreaterThanOrEqual(450);
    // Paced all the way, not in one burst at the end: the 6th leaves at least 5 intervals after
    // the 1st. (Single gaps are not checked: a timer that fires late on a busy machine is
    // legitimately followed by a shorter one while the bucket catches up.)
    const at = smsbox.seen.map((s) => s.at);
    expect(at[5]! - at[0]!).toBeGreaterThanOrEqual(200);
  });

  it('keeps at most `window` requests in flight and lets urgent messages overtake', async () => {
    const { smsbox, gateway } = await setup('&tps=0&window=2');
    smsbox.answer = () => ({ status: 202, body: '0: Accepted for delivery', delayMs: 30 });
    const routine = Array.from({ length: 6 }, (_, i) => gateway.submit(sms(`routine${i}`)));
    const urgent = gateway.submit(sms('urgent', { priority: 'urgent' }));
    expect(gateway.capacity()).toEqual({ tps: 0, window: 2, inFlight: 2 });
    await Promise.all([...routine, urgent]);
    expect(smsbox.maxActive).toBe(2);
    const order = smsbox.seen.map((s) => s.query.get('dlr-url')?.match(/ref=([^&]+)/)?.[1]);
    expect(order.indexOf('urgent')).toBe(2);
  });

  it('times out a hung request as a temporary, possibly submitted failure', async () => {
    const { smsbox, gateway } = await setup('&timeout=1');
    smsbox.answer = (q) => (q.has('to') ? 'hang' : { status: 400, body: '' });
    const outcome = await gateway.submit(sms('r'));
    expect(outcome).toMatchObject({ kind: 'rejected', temporary: true, code: 'KANNEL_TIMEOUT', maybeSubmitted: true });
  });

  it('answers ECONNREFUSED (temporary, not submitted) when Kannel goes away, and refuses to connect to it', async () => {
    const { smsbox, gateway } = await setup();
    const port = smsbox.port;
    await smsbox.close();
    expect(await gateway.submit(sms('r'))).toMatchObject({ kind: 'rejected', temporary: true, code: 'ECONNREFUSED', maybeSubmitted: false });
    const other = new KannelGateway(parseKannelUrl(`kannel://tryk:s3cret@127.0.0.1:${port}`));
    await expect(other.connect()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('refuses bad numbers and non-GSM text forced to GSM-7 before calling Kannel', async () => {
    const { smsbox, gateway } = await setup();
    expect(await gateway.submit(sms('r', { to: '12345678' }))).toMatchObject({ kind: 'rejected', temporary: false, code: 'INVALID_NUMBER' });
    expect(await gateway.submit(sms('r', { text: '😀', encoding: 'GSM-7' }))).toMatchObject({ kind: 'rejected', code: 'NOT_GSM7' });
    expect(smsbox.seen).toHaveLength(0);
  });

  it('turns DLR callbacks into receipts and answers bad callbacks with 400 without stopping', async () => {
    const { receipts, receiver, inbound } = await setup();
    const get = (path: string, method = 'GET') => fetch(`${receiver}${path}`, { method }).then((r) => r.status);
    expect(await get('/dlr?ref=r1&type=8&ts=1795493604&smsc=FAKE&answer=ACK%2F&smscid=')).toBe(200);
    expect(await get('/dlr?ref=r1&type=1&ts=1795493605&smsc=FAKE&answer=id%3A1+sub%3A001+dlvrd%3A001+stat%3ADELIVRD+err%3A000&smscid=abc')).toBe(200);
    expect(await get('/dlr?ref=r2&type=16&answer=NACK%2F0x0000000b%2FInvalid+Destination+Address')).toBe(200);
    expect(await get('/dlr?ref=r3&type=2&answer=id%3A9+stat%3AUNDELIV+err%3A001')).toBe(200);
    expect(await get('/dlr?ref=r4&type=4')).toBe(200);
    for (const bad of ['/dlr?type=1', '/dlr?ref=r1', '/dlr?ref=r1&type=3', '/dlr?ref=r1&type=abc', '/dlr?ref=%zz&type=1', '/dlr?ref=a&ref=b&type=1', '/mo?to=1999&text=x', '/mo?from=%2B45&to=1999']) {
      expect(await get(bad), bad).toBe(400);
    }
    expect(await get('/dlr?ref=r1&type=1', 'POST')).toBe(405);
    expect(await get('/elsewhere')).toBe(404);
    expect(receipts).toEqual([
      { messageId: 'r1', altMessageIds: [], state: 'accepted', final: false, stat: 'ACK', doneAt: new Date(1795493604000) },
      { messageId: 'r1', altMessageIds: [], state: 'delivered', final: true, stat: 'DELIVRD', errorCode: '000', doneAt: new Date(1795493605000) },
      { messageId: 'r2', altMessageIds: [], state: 'failed', final: true, stat: 'REJECTD', errorCode: '0x0000000b' },
      { messageId: 'r3', altMessageIds: [], state: 'failed', final: true, stat: 'UNDELIV', errorCode: '001' },
      { messageId: 'r4', altMessageIds: [], state: 'enroute', final: false, stat: 'BUFFRED' },
    ]);
    expect(inbound).toEqual([]);
    expect(await get('/mo?from=%2B4512345678&to=1999&text=STOP&coding=0&charset=UTF-8&ts=1795493604')).toBe(200);
    expect(inbound).toEqual([{ from: '+4512345678', to: '1999', text: 'STOP', receivedAt: new Date(1795493604000) }]);
  });

  it('frees the receiver port on close()', async () => {
    const { gateway, receiver } = await setup();
    await gateway.close();
    await expect(fetch(`${receiver}/dlr?ref=r&type=1`)).rejects.toThrow();
    expect(await gateway.submit(sms('r'))).toMatchObject({ kind: 'rejected', code: 'GATEWAY_CLOSED', temporary: true });
  });
});
