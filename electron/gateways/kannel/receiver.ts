/**
 * The small HTTP server Kannel calls back on 127.0.0.1: /dlr for delivery reports (the
 * dlr-url we send with each message) and /mo for inbound messages (the sms-service get-url
 * in kannel.conf). Receipts are answered at once; an inbound message is answered 200 only
 * after the intake committed it, else 503 so smsbox tries again (http-request-retry). A bad
 * request gets a 400 and is dropped, never an exception: a retry would not fix it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeliveryReceipt, InboundSms } from '../gateway';
import { parseDlrQuery, parseMoQuery } from './protocol';

export interface ReceiverHandlers {
  receipt: (receipt: DeliveryReceipt) => void;
  /** Resolves once the message is committed; only then does Kannel get its 200. */
  inbound: (message: InboundSms) => void | Promise<void>;
  now: () => Date;
}

export class KannelReceiver {
  private server?: http.Server;
  private address?: AddressInfo;

  constructor(private readonly handlers: ReceiverHandlers) {}

  /** Listens; resolves with the base URL (http://host:port) to give Kannel. */
  listen(host: string, port: number): Promise<string> {
    const server = http.createServer((req, res) => this.handle(req, res));
    // Kannel keeps connections alive between callbacks; don't let one hold close() forever.
    server.keepAliveTimeout = 5000;
    server.headersTimeout = 10_000;
    server.requestTimeout = 10_000;
    this.server = server;
    return new Promise<string>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        this.address = server.address() as AddressInfo;
        resolve(this.baseUrl());
      });
    });
  }

  baseUrl(): string {
    if (!this.address) throw new Error('The Kannel receiver is not listening');
    const host = this.address.family === 'IPv6' ? `[${this.address.address}]` : this.address.address;
    return `http://${host}:${this.address.port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const rawQuery = q < 0 ? '' : url.slice(q + 1);
    const answer = (status: number, text: string) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    if (req.method !== 'GET') return answer(405, 'GET only\n');
    // The reply to an sms-service request is sent back to the citizen as an SMS unless the
    // service has max-messages = 0, so every answer here is empty on success.
    if (path === '/dlr') {
      const parsed = parseDlrQuery(rawQuery);
      if (!parsed.ok) return answer(400, `bad delivery report: ${parsed.why}\n`);
      answer(200, '');
      this.handlers.receipt(parsed.value);
      return;
    }
    if (path === '/mo') {
      const parsed = parseMoQuery(rawQuery, this.handlers.now);
      if (!parsed.ok) return answer(400, `bad inbound message: ${parsed.why}\n`);
      Promise.resolve()
        .then(() => this.handlers.inbound(parsed.value))
        .then(
          () => answer(200, ''),
          () => answer(503, 'not stored, try again\n'),
        );
      return;
    }
    answer(404, 'not found\n');
  }
}
