import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentTypeOf, staticPathOf, staticResponse } from '../../../electron/host/static-files';

const root = '/srv/tryk/renderer';

describe('staticPathOf', () => {
  it('maps / to index.html and plain paths under the root', () => {
    expect(staticPathOf(root, '/')).toEqual({ kind: 'path', file: '/srv/tryk/renderer/index.html' });
    expect(staticPathOf(root, '/assets/marker%20icon.png')).toEqual({ kind: 'path', file: '/srv/tryk/renderer/assets/marker icon.png' });
    expect(staticPathOf(root, '//main.js')).toEqual({ kind: 'path', file: '/srv/tryk/renderer/main.js' });
  });

  it.each(['/..', '/../x', '/%2e%2e/x', '/a/%2E%2E/%2e%2e/x', '/..%2f..%2fetc/passwd', '/.git/config', '/%2egit/config'])(
    'refuses %s',
    (p) => {
      expect(staticPathOf(root, p).kind).not.toBe('path');
    },
  );

  it.each(['/%zz', '/a%00b', '/..%5c..%5cwindows', 'main.js', ''])('answers %j as a bad request', (p) => {
    expect(staticPathOf(root, p)).toEqual({ kind: 'bad_request' });
  });
});

describe('contentTypeOf', () => {
  it('names the renderer files and serves unknown ones as opaque bytes', () => {
    expect(contentTypeOf('index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeOf('main.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeOf('main.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeOf('marker.svg')).toBe('image/svg+xml');
    expect(contentTypeOf('data.bin')).toBe('application/octet-stream');
  });
});

describe('staticResponse', () => {
  let dir: string;
  const headers = { 'Content-Security-Policy': "default-src 'none'" };
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tryk-static-'));
    await mkdir(path.join(dir, 'renderer'));
    await writeFile(path.join(dir, 'renderer', 'index.html'), '<!doctype html>');
    await writeFile(path.join(dir, 'secret'), 'secret');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('serves a file with the given headers, and HEAD without a body', async () => {
    const get = await staticResponse(path.join(dir, 'renderer'), { method: 'GET', pathname: '/' }, headers);
    expect(get.status).toBe(200);
    expect(get.body?.toString()).toBe('<!doctype html>');
    expect(get.headers).toMatchObject({ ...headers, 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': '15' });
    const head = await staticResponse(path.join(dir, 'renderer'), { method: 'HEAD', pathname: '/index.html' }, headers);
    expect(head.body).toBeNull();
    expect(head.headers['Content-Length']).toBe('15');
  });

  it('keeps the security headers on 404, 400 and 405', async () => {
    const r = path.join(dir, 'renderer');
    for (const [request, status] of [
      [{ method: 'GET', pathname: '/../secret' }, 404],
      [{ method: 'GET', pathname: '/%zz' }, 400],
      [{ method: 'POST', pathname: '/' }, 405],
    ] as const) {
      const answer = await staticResponse(r, request, headers);
      expect(answer.status).toBe(status);
      expect(answer.headers['Content-Security-Policy']).toBe("default-src 'none'");
      expect(answer.body?.toString()).not.toContain('secret');
    }
  });
});
