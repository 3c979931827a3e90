/**
 * The headless host against real peers on loopback: node's HTTP client for the static files
 * (it sends paths verbatim, so traversal attempts reach the server unnormalised) and the `ws`
 * client for the bridge, with the real dispatcher in front of fake handlers.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { AppStatus, EventName } from '../../../shared/bridge/contract';
import { channels, MAX_REQUEST_BYTES } from '../../../shared/bridge/contract';
import { TrykError } from '../../../shared/bridge/result';
import { createDispatcher } from '../../../electron/bridge/dispatcher';
import type { Caller, Handlers } from '../../../electron/bridge/dispatcher';
import { createLog, lineLog, silentLog } from '../../../electron/log';
import { startHeadlessHost } from '../../../electron/host/headless';
import type { BridgeApp, HeadlessHost } from '../../../electron/host/headless';

const SECRET = 'outside-the-renderer-4512345678';
const PERSONAL = '+4512345678';

const status: AppStatus = {
  version: '0.1.0',
  host: 'headless',
  store: { schemaVersion: 2, encrypted: true, subscribers: 3, places: 3, boundaries: 1 },
  gateways: [{ name: 'Simulator', kind: 'simulator', state: 'connected', primary: true }],
  map: { tileUrl: null },
  district: { code: '9', name: 'Nordsjællands Politi' },
};

interface FakeApp extends BridgeApp {
  calls: { channel: string; host: string }[];
  emit(event: EventName, payload: unknown): void;
  listeners: number;
  logLines: string[];
}

function fakeApp(): FakeApp {
  const listeners = new Set<(event: EventName, payload: unknown) => void>();
  const calls: FakeApp['calls'] = [];
  const logLines: string[] = [];
  // Every channel of the contract gets a handler (the contract grows; this test need not), and
  // only the two this file calls do anything.
  const unused = {
    handle: async () => {
      throw new TrykError('unavailable', 'not used in this test');
    },
  };
  const handlers = {
    ...Object.fromEntries(Object.keys(channels).map((channel) => [channel, unused])),
    'app.status': {
      handle: async (_request: unknown, caller: Caller) => {
        calls.push({ channel: 'app.status', host: caller.host });
        return status;
      },
    },
    // Enough of sign-in to see which session a connection has.
    'session.signIn': {
      handle: async (request: { username: string }, caller: Caller) => {
        caller.session.officer = { id: 1, username: request.username, displayName: request.username, roles: ['operator'] };
        caller.session.lastActivity = Date.now();
        return caller.session.officer;
      },
    },
    'session.signOut': {
      handle: async (_request: unknown, caller: Caller) => {
        caller.session.officer = null;
        return { signedOut: true };
      },
    },
    'session.current': {
      handle: async (_request: unknown, caller: Caller) => ({ officer: caller.session.officer, officersExist: true, idleLockMinutes: 15 }),
    },
    'boundaries.list': {
      handle: async (request: { kind: string }) => {
        calls.push({ channel: 'boundaries.list', host: 'headless' });
        return [{ id: 1, kind: request.kind, code: '1', name: 'Nordsjælland', bbox: [12, 55.8, 12.6, 56.1] }];
      },
    },
  } as unknown as Handlers;
  const log = createLog({
    level: 'debug',
    destination: {
      write(line: string) {
        const entry = JSON.parse(line) as { channel: string; code?: string; msg: string };
        logLines.push(entry.code ? `refused ${entry.channel} ${entry.code}` : `failed ${entry.msg}`);
      },
    },
  });
  const dispatch = createDispatcher(handlers, log);
  return {
    calls,
    logLines,
    dispatch,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit: (event, payload) => listeners.forEach((l) => l(event, payload)),
    get listeners() {
      return listeners.size;
    },
  };
}

let root: string;
let rendererDir: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'tryk-headless-'));
  rendererDir = path.join(root, 'renderer');
  await mkdir(path.join(rendererDir, 'assets'), { recursive: true });
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>Tryk</title><script src="main.js"></script>');
  await writeFile(path.join(rendererDir, 'main.js'), 'console.log("tryk")');
  await writeFile(path.join(rendererDir, 'main.css'), 'body{}');
  await writeFile(path.join(rendererDir, '.env'), SECRET);
  await writeFile(path.join(root, 'package.json'), SECRET);
  await writeFile(path.join(root, 'secret.txt'), SECRET);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const hosts: HeadlessHost[] = [];
const sockets: WebSocket[] = [];
afterEach(async () => {
  sockets.splice(0).forEach((s) => s.terminate());
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

async function start(app: BridgeApp = fakeApp(), port = 0, extra: { resumeWindowMs?: number } = {}) {
  const logs: string[] = [];
  const host = await startHeadlessHost({
    app,
    rendererDir,
    port,
    log: lineLog((l) => logs.push(l), 'debug'),
    helloTimeoutMs: 500,
    ...extra,
  });
  hosts.push(host);
  return { host, logs };
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request whose path goes to the server byte for byte (fetch would resolve `..` first). */
function raw(port: number, rawPath: string, options: { method?: string; host?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: rawPath, method: options.method ?? 'GET', headers: { host: options.host ?? `127.0.0.1:${port}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

type Welcome = { resume: string; resumed: boolean };
type Connection = { socket: WebSocket; welcome?: Welcome } | { refused: number } | { closed: number; received: number };

/**
 * Connects and reports how the host answered: a refused handshake (HTTP status), a socket the
 * host closed straight away (close code, and how many frames came before it), or an open socket
 * with the host's welcome. The token goes in the hello frame (null: no hello at all). Unless
 * `probe` is false, the socket also sends a call at once, so a socket that should be ignored is
 * tested for being ignored, not just for being closed.
 */
function connect(
  port: number,
  options: { token?: string | null; resume?: string; origin?: string | null; path?: string; probe?: boolean } = {},
): Promise<Connection> {
  const headers: Record<string, string> = {};
  if (options.origin !== null) headers.Origin = options.origin ?? `http://127.0.0.1:${port}`;
  const socket = new WebSocket(`ws://127.0.0.1:${port}${options.path ?? '/bridge'}`, { headers });
  sockets.push(socket);
  let received = 0;
  let welcome: Welcome | undefined;
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      if (options.token !== null) {
        socket.send(JSON.stringify({ hello: { token: options.token ?? '', ...(options.resume ? { resume: options.resume } : {}) } }));
      }
      if (options.probe !== false) socket.send(JSON.stringify({ id: 1, channel: 'app.status', payload: {} }));
      // Give the host a moment to close an unauthorized socket; an authorized one answers.
      const timer = setTimeout(() => resolve({ socket, ...(welcome ? { welcome } : {}) }), 1000);
      const onMessage = (data: unknown) => {
        const frame = JSON.parse(String(data)) as { welcome?: Welcome };
        if (frame.welcome) {
          welcome = frame.welcome;
          if (options.probe !== false) return; // the probe's answer comes next
        } else {
          received += 1;
        }
        socket.off('message', onMessage);
        clearTimeout(timer);
        resolve({ socket, ...(welcome ? { welcome } : {}) });
      };
      socket.on('message', onMessage);
      socket.once('close', (code) => {
        clearTimeout(timer);
        resolve({ closed: code, received });
      });
    });
    socket.once('unexpected-response', (_req, res) => resolve({ refused: res.statusCode ?? 0 }));
    socket.once('error', reject);
  });
}

async function open(host: HeadlessHost, origin?: string): Promise<WebSocket> {
  return (await welcomed(host, { origin })).socket;
}

async function welcomed(host: HeadlessHost, options: { origin?: string; resume?: string } = {}) {
  const result = await connect(host.port, { token: host.token, probe: false, ...options });
  if (!('socket' in result) || !result.welcome) throw new Error(`not connected: ${JSON.stringify(result)}`);
  return { socket: result.socket, welcome: result.welcome };
}

/** Collects every frame the socket receives from now on. */
function frames(socket: WebSocket) {
  const received: unknown[] = [];
  const waiters: (() => void)[] = [];
  socket.on('message', (data) => {
    received.push(JSON.parse(String(data)));
    waiters.splice(0).forEach((w) => w());
  });
  return {
    received,
    async next(): Promise<unknown> {
      while (received.length === 0) await new Promise<void>((r) => waiters.push(r));
      return received.shift();
    },
  };
}

describe('static files', () => {
  it('serves index.html for / with the CSP (naming its own WebSocket) and the security headers', async () => {
    const { host } = await start();
    const response = await raw(host.port, '/?token=whatever');
    expect(response.status).toBe(200);
    expect(response.body).toContain('<title>Tryk</title>');
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${host.port} ws://localhost:${host.port}`);
    expect(csp).toContain('https://tile.openstreetmap.org');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['cross-origin-opener-policy']).toBe('same-origin');
  });

  it('serves files with their content types, HEAD without a body, and 404 with headers otherwise', async () => {
    const { host } = await start();
    expect((await raw(host.port, '/main.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await raw(host.port, '/main.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    const head = await raw(host.port, '/index.html', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(Number(head.headers['content-length'])).toBeGreaterThan(0);
    const missing = await raw(host.port, '/nope.js');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-security-policy']).toContain("default-src 'none'");
    expect((await raw(host.port, '/assets')).status).toBe(404);
  });

  it('answers only GET and HEAD', async () => {
    const { host } = await start();
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
      const response = await raw(host.port, '/index.html', { method });
      expect(response.status).toBe(405);
      expect(response.headers.allow).toBe('GET, HEAD');
    }
  });

  it.each([
    '/../package.json',
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E/package.json',
    '/..%2fsecret.txt',
    '/%2e%2e%2fsecret.txt',
    '/assets/../../secret.txt',
    '/..%5csecret.txt',
    '/%252e%252e/secret.txt',
    '/.env',
    '/%2eenv',
    '/%00index.html',
    '/%E0%A4%A',
    '//etc/passwd',
  ])('refuses %s without leaking anything outside the renderer', async (rawPath) => {
    const { host } = await start();
    const response = await raw(host.port, rawPath);
    expect([400, 404]).toContain(response.status);
    expect(response.body).not.toContain(SECRET);
    expect(response.body).not.toContain('root:');
  });

  it('answers nothing to a foreign Host header (DNS rebinding)', async () => {
    const { host } = await start();
    const response = await raw(host.port, '/', { host: `evil.example:${host.port}` });
    expect(response.status).toBe(421);
    expect(response.body).not.toContain('<title>');
    expect((await raw(host.port, '/', { host: `localhost:${host.port}` })).status).toBe(200);
  });
});

describe('bridge authentication', () => {
  it('binds to 127.0.0.1 only and prints the token in the URL', async () => {
    const { host } = await start();
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
    expect(host.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { host: other } = await start();
    expect(other.token).not.toBe(host.token);
  });

  it('closes a socket without a token, with a wrong token or one of the wrong length (4401), unanswered', async () => {
    const app = fakeApp();
    const { host, logs } = await start(app);
    const refused = { closed: 4401, received: 0 };
    expect(await connect(host.port, { token: null })).toEqual(refused);
    expect(await connect(host.port, { token: '' })).toEqual(refused);
    const wrong = host.token.slice(0, -1) + (host.token.endsWith('A') ? 'B' : 'A');
    expect(await connect(host.port, { token: wrong })).toEqual(refused);
    expect(await connect(host.port, { token: host.token + 'x' })).toEqual(refused);
    expect(app.calls).toEqual([]);
    expect(logs.filter((l) => l.includes('unauthorized'))).toHaveLength(4);
    expect(logs.join('\n')).not.toContain(host.token);
  });

  it('sends no events to a socket without the token', async () => {
    const app = fakeApp();
    const { host } = await start(app);
    // The token in the URL (where old pages put it) counts for nothing: no hello, no events.
    const socket = new WebSocket(`ws://127.0.0.1:${host.port}/bridge?token=${host.token}`, {
      headers: { Origin: `http://127.0.0.1:${host.port}` },
    });
    sockets.push(socket);
    const received: unknown[] = [];
    socket.on('message', (data) => received.push(String(data)));
    await new Promise<void>((resolve) => socket.once('open', () => resolve()));
    app.emit('app.statusChanged', status);
    const code = await Promise.race([
      new Promise<number>((resolve) => socket.once('close', (c) => resolve(c))),
      new Promise<number>((resolve) => setTimeout(() => resolve(-1), 2000)),
    ]);
    expect(code).toBe(4401);
    expect(received).toEqual([]);
  });

  it('refuses a foreign or missing Origin even with the right token', async () => {
    const { host } = await start();
    expect(await connect(host.port, { token: host.token, origin: 'http://evil.example' })).toEqual({ refused: 403 });
    expect(await connect(host.port, { token: host.token, origin: `http://127.0.0.1:${host.port + 1}` })).toEqual({ refused: 403 });
    expect(await connect(host.port, { token: host.token, origin: `https://127.0.0.1:${host.port}` })).toEqual({ refused: 403 });
    expect(await connect(host.port, { token: host.token, origin: 'null' })).toEqual({ refused: 403 });
    expect(await connect(host.port, { token: host.token, origin: null })).toEqual({ refused: 403 });
  });

  it('refuses other paths and accepts the right token from either loopback name', async () => {
    const { host } = await start();
    expect(await connect(host.port, { token: host.token, path: '/other' })).toEqual({ refused: 400 });
    expect('socket' in (await connect(host.port, { token: host.token, origin: `http://localhost:${host.port}` }))).toBe(true);
  });
});

describe('bridge calls', () => {
  it('answers a valid call with the dispatcher result and the frame id, as the headless caller', async () => {
    const app = fakeApp();
    const { host } = await start(app);
    const socket = await open(host);
    const inbox = frames(socket);
    socket.send(JSON.stringify({ id: 7, channel: 'app.status', payload: {} }));
    expect(await inbox.next()).toEqual({ id: 7, result: { ok: true, value: status } });
    expect(app.calls).toEqual([{ channel: 'app.status', host: 'headless' }]);
  });

  it('answers an unknown channel and a schema-failing payload with the dispatcher codes, logging no payload', async () => {
    const app = fakeApp();
    const { host, logs } = await start(app);
    const socket = await open(host);
    const inbox = frames(socket);
    socket.send(JSON.stringify({ id: 1, channel: 'subscribers.dump', payload: { phone: PERSONAL } }));
    expect(await inbox.next()).toMatchObject({ id: 1, result: { ok: false, error: { code: 'unknown_channel' } } });
    socket.send(JSON.stringify({ id: 2, channel: 'boundaries.list', payload: { kind: PERSONAL } }));
    expect(await inbox.next()).toMatchObject({ id: 2, result: { ok: false, error: { code: 'bad_request' } } });
    expect(app.calls).toEqual([]);
    expect([...logs, ...app.logLines].join('\n')).not.toContain(PERSONAL);
    expect(app.logLines).toEqual(['refused (unknown channel) unknown_channel', 'refused boundaries.list bad_request']);
  });

  it('answers non-JSON and malformed frames with bad_request and keeps the socket usable', async () => {
    const { host, logs } = await start();
    const socket = await open(host);
    const inbox = frames(socket);
    socket.send(`{"id": 1, "channel": "app.status", "payload": ${PERSONAL}`);
    expect(await inbox.next()).toEqual({ result: { ok: false, error: { code: 'bad_request', message: 'Frame is not JSON' } } });
    socket.send(JSON.stringify({ id: 3, payload: { phone: PERSONAL } }));
    expect(await inbox.next()).toMatchObject({ id: 3, result: { ok: false, error: { code: 'bad_request' } } });
    socket.send(JSON.stringify({ id: -1, channel: 'app.status' }));
    expect(await inbox.next()).toEqual({ result: expect.objectContaining({ ok: false }) });
    socket.send(Buffer.from(JSON.stringify({ id: 4, channel: 'app.status', payload: {} })), { binary: true });
    expect(await inbox.next()).toMatchObject({ result: { ok: false, error: { code: 'bad_request' } } });
    socket.send(JSON.stringify({ id: 5, channel: 'app.status', payload: {} }));
    expect(await inbox.next()).toMatchObject({ id: 5, result: { ok: true } });
    expect(socket.readyState).toBe(WebSocket.OPEN);
    expect(logs.join('\n')).not.toContain(PERSONAL);
  });

  it('closes the socket with 1009 on a message over the limit, logs it, and does not dispatch it', async () => {
    const app = fakeApp();
    const { host, logs } = await start(app);
    const socket = await open(host);
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.on('error', () => undefined);
    const padding = 'x'.repeat(MAX_REQUEST_BYTES);
    socket.send(JSON.stringify({ id: 1, channel: 'app.status', payload: { padding } }));
    expect(await closed).toBe(1009);
    expect(app.calls).toEqual([]);
    expect(logs.some((l) => l.includes('1009') && l.includes('too_large'))).toBe(true);
    // The host survives it: a new connection works.
    const again = await open(host);
    const inbox = frames(again);
    again.send(JSON.stringify({ id: 2, channel: 'app.status', payload: {} }));
    expect(await inbox.next()).toMatchObject({ id: 2, result: { ok: true } });
  });
});

describe('sessions that survive a reload or a blip', () => {
  async function call(socket: WebSocket, id: number, channel: string, payload: unknown = {}) {
    const inbox = frames(socket);
    socket.send(JSON.stringify({ id, channel, payload }));
    for (;;) {
      const frame = (await inbox.next()) as { id?: number; resume?: string; result?: { ok: boolean; value?: unknown } };
      if (frame.id === id) return frame.result!;
    }
  }
  const signedInAs = async (socket: WebSocket, id: number) =>
    ((await call(socket, id, 'session.current')) as { value: { officer: { username: string } | null } }).value.officer?.username ?? null;

  it('resumes the signed-in session on a new connection with the resume token, once, and rotates it', async () => {
    const { host } = await start();
    const first = await welcomed(host);
    expect(first.welcome.resumed).toBe(false);
    const inbox = frames(first.socket);
    first.socket.send(JSON.stringify({ id: 1, channel: 'session.signIn', payload: { username: 'jensen', passphrase: 'x'.repeat(12) } }));
    // The sign-in rotates the token before its answer arrives.
    const rotated = (await inbox.next()) as { resume: string };
    expect(rotated.resume).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(rotated.resume).not.toBe(first.welcome.resume);
    expect(await inbox.next()).toMatchObject({ id: 1, result: { ok: true } });
    first.socket.terminate(); // the blip

    // The token from before the sign-in resumes nothing.
    const stale = await welcomed(host, { resume: first.welcome.resume });
    expect(stale.welcome.resumed).toBe(false);
    expect(await signedInAs(stale.socket, 2)).toBeNull();

    const back = await welcomed(host, { resume: rotated.resume });
    expect(back.welcome).toEqual({ resumed: true, resume: expect.not.stringMatching(rotated.resume) });
    expect(await signedInAs(back.socket, 3)).toBe('jensen');
    // Used once: the same token again is a new, signed-out session.
    const replay = await welcomed(host, { resume: rotated.resume });
    expect(replay.welcome.resumed).toBe(false);
    expect(await signedInAs(replay.socket, 4)).toBeNull();
  });

  it('hands the session to the newest connection and closes the old one with 4409', async () => {
    const { host } = await start();
    const first = await welcomed(host);
    const inbox = frames(first.socket);
    first.socket.send(JSON.stringify({ id: 1, channel: 'session.signIn', payload: { username: 'jensen', passphrase: 'x'.repeat(12) } }));
    const { resume } = (await inbox.next()) as { resume: string };
    const closed = new Promise<number>((resolve) => first.socket.once('close', (code) => resolve(code)));
    const second = await welcomed(host, { resume });
    expect(second.welcome.resumed).toBe(true);
    expect(await closed).toBe(4409);
    expect(await signedInAs(second.socket, 2)).toBe('jensen');
  });

  it('resumes nothing after sign-out, after the resume window, or on another host start', async () => {
    const { host } = await start(fakeApp(), 0, { resumeWindowMs: 300 });
    const signIn = async () => {
      const c = await welcomed(host);
      const inbox = frames(c.socket);
      c.socket.send(JSON.stringify({ id: 1, channel: 'session.signIn', payload: { username: 'jensen', passphrase: 'x'.repeat(12) } }));
      const { resume } = (await inbox.next()) as { resume: string };
      await inbox.next();
      return { socket: c.socket, resume };
    };
    const out = await signIn();
    await call(out.socket, 2, 'session.signOut');
    out.socket.terminate();
    expect((await welcomed(host, { resume: out.resume })).welcome.resumed).toBe(false);

    const late = await signIn();
    late.socket.terminate();
    await new Promise((r) => setTimeout(r, 600));
    expect((await welcomed(host, { resume: late.resume })).welcome.resumed).toBe(false);

    const kept = await signIn();
    kept.socket.terminate();
    const { host: restarted } = await start();
    // The old page's token is refused by the new start (4401), whatever resume token it brings.
    expect(await connect(restarted.port, { token: host.token, resume: kept.resume })).toEqual({ closed: 4401, received: 0 });
    expect((await welcomed(restarted, { resume: kept.resume })).welcome.resumed).toBe(false);
  });
});

describe('events and lifecycle', () => {
  it('broadcasts every app event to all connected sockets', async () => {
    const app = fakeApp();
    const { host } = await start(app);
    const a = frames(await open(host));
    const b = frames(await open(host, `http://localhost:${host.port}`));
    app.emit('app.statusChanged', status);
    expect(await a.next()).toEqual({ event: 'app.statusChanged', payload: status });
    expect(await b.next()).toEqual({ event: 'app.statusChanged', payload: status });
  });

  // Before: a signed-out (or never signed-in) connection heard every send's progress and alert change.
  it('sends events other than the status only to signed-in connections', async () => {
    const app = fakeApp();
    const { host } = await start(app);
    const signedOut = frames(await open(host));
    const officer = await open(host);
    const inbox = frames(officer);
    officer.send(JSON.stringify({ id: 1, channel: 'session.signIn', payload: { username: 'jensen', passphrase: 'x'.repeat(12) } }));
    while (!((await inbox.next()) as { id?: number }).id);
    const change = { id: 7, status: 'draft', revision: 1 };
    app.emit('alerts.changed', change);
    app.emit('app.statusChanged', status);
    expect(await inbox.next()).toEqual({ event: 'alerts.changed', payload: change });
    expect(await inbox.next()).toEqual({ event: 'app.statusChanged', payload: status });
    expect(await signedOut.next()).toEqual({ event: 'app.statusChanged', payload: status });
    expect(signedOut.received).toEqual([]);
    officer.send(JSON.stringify({ id: 2, channel: 'session.signOut', payload: {} }));
    while (((await inbox.next()) as { id?: number }).id !== 2);
    app.emit('alerts.changed', change);
    app.emit('app.statusChanged', status);
    expect(await inbox.next()).toEqual({ event: 'app.statusChanged', payload: status });
  });

  it('close() closes sockets, unsubscribes from the app and frees the port', async () => {
    const app = fakeApp();
    const { host } = await start(app);
    const socket = await open(host);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    expect(app.listeners).toBe(1);
    await host.close();
    await closed;
    expect(app.listeners).toBe(0);
    await expect(raw(host.port, '/')).rejects.toThrow();
    const { host: again } = await start(fakeApp(), host.port);
    expect(again.port).toBe(host.port);
    expect((await raw(again.port, '/')).status).toBe(200);
  });

  it('says clearly when the port is in use', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      await expect(start(fakeApp(), port)).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining(`port ${port} is in use`) });
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('refuses an invalid tile host before binding anything', async () => {
    await expect(
      startHeadlessHost({ app: fakeApp(), rendererDir, port: 0, tileHosts: ['https://*.evil.example'], log: silentLog() }),
    ).rejects.toThrow(/tile host/);
  });
});
