import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testTileServer, tileRequestUrl } from '../../../electron/map/tiles';

/** A tile server on loopback: /ok/… answers a PNG, /down/… 503, /html/… a web page, /slow/… never. */
describe('testing a tile server', () => {
  let server: Server;
  let base = '';
  const asked: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      asked.push(req.url ?? '');
      if (req.url?.startsWith('/ok/')) return res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.alloc(1234));
      if (req.url?.startsWith('/down/')) return res.writeHead(503).end('maintenance');
      if (req.url?.startsWith('/html/')) return res.writeHead(200, { 'content-type': 'text/html' }).end('<p>login</p>');
      // /slow/: no answer
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('fetches one tile over Denmark and says it is an image', async () => {
    const r = await testTileServer(`${base}/ok/{z}/{x}/{y}.png`);
    expect(r).toMatchObject({ ok: true, status: 200, contentType: 'image/png', bytes: 1234, problem: null });
    expect(asked.at(-1)).toBe('/ok/7/68/39.png');
  });

  it('says why a server is not usable: an error, a web page instead of a tile, no answer', async () => {
    expect(await testTileServer(`${base}/down/{z}/{x}/{y}.png`)).toMatchObject({ ok: false, status: 503, problem: 'HTTP 503' });
    expect(await testTileServer(`${base}/html/{z}/{x}/{y}.png`)).toMatchObject({ ok: false, problem: 'not an image (text/html)' });
    expect(await testTileServer(`${base}/slow/{z}/{x}/{y}.png`, 300)).toMatchObject({ ok: false, problem: 'no answer within 300 ms' });
  });

  it('refuses an address that is not a tile template, and never shows credentials', async () => {
    expect(() => tileRequestUrl('ftp://x/{z}/{x}/{y}')).toThrow(/https:\/\/ or http:\/\//);
    expect(() => tileRequestUrl('https://tiles.example/map.png')).toThrow(/\{z\}, \{x\} and \{y\}/);
    const r = await testTileServer(`${base.replace('http://', 'http://user:secret@')}/ok/{z}/{x}/{y}.png`);
    expect(r.url).not.toContain('secret');
  });
});
