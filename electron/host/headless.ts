/**
 * The headless host: the built renderer and the bridge in plain Node, for machines without
 * Electron (CI, this one) and for the end-to-end tests. Loopback only; the bridge WebSocket
 * needs the per-start token and a loopback Origin, so neither another user's process nor a web
 * page the officer happens to open can drive the console.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import type { RawData, WebSocket } from 'ws';
import { MAX_REQUEST_BYTES } from '../../shared/bridge/contract';
import type { EventName } from '../../shared/bridge/contract';
import { fail, TrykError } from '../../shared/bridge/result';
import type { Result } from '../../shared/bridge/result';
import { CallFrame, HELLO_TIMEOUT_MS, HelloFrame, TAKEN_OVER_CLOSE, TOKEN_PARAM, UNAUTHORIZED_CLOSE, WS_PATH } from '../../shared/bridge/wire';
import type { EventFrame, ReplyFrame, ResumeFrame, WelcomeFrame } from '../../shared/bridge/wire';
import type { CallerSession, Dispatch } from '../bridge/dispatcher';
import { SessionRegistry } from '../bridge/sessions';
import { logFor } from '../log';
import type { Log } from '../log';
import { contentSecurityPolicy, DEFAULT_TILE_HOSTS, normalizeTileHost, securityHeaders } from '../security';
import { staticResponse } from './static-files';

export const DEFAULT_PORT = 4848;
/** Close code for a socket without a valid token; the renderer stops reconnecting on it. */
export { UNAUTHORIZED_CLOSE };
const HOST = '127.0.0.1';

/** What the host needs of the app: the bridge and its events. The caller owns (and closes) the app. */
export interface BridgeApp {
  dispatch: Dispatch;
  subscribe(listener: (event: EventName, payload: unknown) => void): () => void;
}

export interface HeadlessHostOptions {
  app: BridgeApp;
  /** The built renderer (index.html, main.js, main.css). */
  rendererDir: string;
  /** 0 picks a free port (tests); default 4848. */
  port?: number;
  tileHosts?: readonly string[];
  /** Host log lines: never payloads, tokens or URLs with the token in them. */
  log?: Log;
  /** The console's idle lock: an idle session is not resumed after a reload or a blip. */
  idleLockMs?: () => number;
  /** How long a session waits for its tab to come back (tests shorten it). */
  resumeWindowMs?: number;
  /** How long a socket may stay open without its hello (tests shorten it). */
  helloTimeoutMs?: number;
}

export interface HeadlessHost {
  /** What to open: http://127.0.0.1:PORT/?token=… */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** Equal-time comparison; hashing first makes the lengths equal, so length leaks nothing either. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

const allowedAuthorities = (port: number) => [`127.0.0.1:${port}`, `localhost:${port}`];

function listen(server: ReturnType<typeof createServer>, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') {
        reject(new TrykError('conflict', `port ${port} is in use (another tryk serve? choose one with --port)`));
      } else if (error.code === 'EACCES') {
        reject(new TrykError('unavailable', `port ${port} may not be used by this user`));
      } else {
        reject(new TrykError('io_error', `cannot listen on ${HOST}:${port}: ${error.code ?? error.message}`));
      }
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host: HOST, port, exclusive: true });
  });
}

export async function startHeadlessHost(options: HeadlessHostOptions): Promise<HeadlessHost> {
  const log = options.log ?? logFor('host');
  const requestedPort = options.port ?? DEFAULT_PORT;
  const token = randomBytes(32).toString('base64url');
  const tileHosts = options.tileHosts ?? DEFAULT_TILE_HOSTS;
  // Validate tile hosts before binding, so a bad list fails without leaving a port open.
  tileHosts.forEach(normalizeTileHost);

  let headers: Record<string, string> = {};
  let authorities: string[] = [];
  let origins: string[] = [];

  const server = createServer((request, response) => {
    serveStatic(request, response).catch(() => {
      if (!response.headersSent) send(response, 500, 'internal error');
      else response.destroy();
    });
  });

  function send(response: ServerResponse, status: number, text: string) {
    const body = Buffer.from(`${text}\n`, 'utf8');
    response.writeHead(status, {
      ...headers,
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': String(body.length),
    });
    response.end(body);
  }

  async function serveStatic(request: IncomingMessage, response: ServerResponse) {
    // A Host other than our loopback names is a DNS-rebinding page: answer it nothing.
    if (!authorities.includes(request.headers.host ?? '')) return send(response, 421, 'misdirected request');
    const pathname = (request.url ?? '/').split('?')[0] ?? '/';
    const answer = await staticResponse(options.rendererDir, { method: request.method ?? 'GET', pathname }, headers);
    response.writeHead(answer.status, answer.headers);
    response.end(answer.body ?? undefined);
  }

  const port = await listen(server, requestedPort);
  headers = securityHeaders(contentSecurityPolicy({ tileHosts, bridgePort: port }));
  authorities = allowedAuthorities(port);
  origins = authorities.map((a) => `http://${a}`);

  const wss = new WebSocketServer({
    server,
    path: WS_PATH,
    maxPayload: MAX_REQUEST_BYTES,
    // Compression would let a small frame inflate past what we accounted for, and buys nothing on loopback.
    perMessageDeflate: false,
    // A foreign Host or Origin (another web page, DNS rebinding) is refused at the handshake and
    // learns nothing. The token is checked in the first frame (below), so the console page
    // with a stale token (the host restarted) gets close code 4401 and can say so, instead of
    // an opaque failed handshake it would retry forever.
    verifyClient: (info, done) => {
      if (isLoopbackPage(info.req)) return done(true);
      log.warn('bridge: refused a WebSocket (bad origin)');
      done(false, 403, 'Forbidden');
    },
  });

  function isLoopbackPage(request: IncomingMessage): boolean {
    return authorities.includes(request.headers.host ?? '') && origins.includes(request.headers.origin ?? '');
  }

  /** The hello's token; a token in the socket's URL is ignored (old pages put it there, where it leaks). */
  function helloProblem(data: RawData, isBinary: boolean): { problem: string } | { hello: HelloFrame['hello'] } {
    if (isBinary) return { problem: 'no hello' };
    let json: unknown;
    try {
      json = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(toBuffers(data)).toString('utf8'));
    } catch {
      return { problem: 'no hello' };
    }
    const frame = HelloFrame.safeParse(json);
    if (!frame.success) return { problem: 'no hello' };
    if (!frame.data.hello.token) return { problem: 'no token' };
    return sameSecret(frame.data.hello.token, token) ? { hello: frame.data.hello } : { problem: 'wrong token' };
  }

  // The HTTP server's own errors after listening (e.g. a client reset) must not crash the host.
  server.on('clientError', (_error, socket: Socket) => socket.destroy());
  wss.on('error', (error) => log.warn(`bridge: WebSocket server error: ${error.message}`));

  function reply(socket: WebSocket, frame: ReplyFrame | ResumeFrame | { result: Result<unknown> }) {
    if (socket.readyState !== socket.OPEN) return;
    socket.send(JSON.stringify(frame));
  }

  async function answer(socket: WebSocket, session: CallerSession, data: RawData, isBinary: boolean) {
    const text = isBinary ? null : Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(toBuffers(data)).toString('utf8');
    if (text === null) {
      log.warn('bridge: refused a frame (bad_request: binary)');
      return reply(socket, { result: fail('bad_request', 'Frames are JSON text') });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      log.warn('bridge: refused a frame (bad_request: not JSON)');
      return reply(socket, { result: fail('bad_request', 'Frame is not JSON') });
    }
    const frame = CallFrame.safeParse(json);
    if (!frame.success) {
      const id = idOf(json);
      log.warn('bridge: refused a frame (bad_request: not a call frame)');
      const result = fail('bad_request', 'Frame is not { id, channel, payload }');
      return reply(socket, id === undefined ? { result } : { id, result });
    }
    let result: Result<unknown>;
    const before = session.officer;
    try {
      result = await options.app.dispatch({ host: 'headless', session }, frame.data.channel, frame.data.payload);
    } catch {
      // The dispatcher answers with Results; a throw here is a bug, reported without the payload.
      log.warn(`bridge: ${JSON.stringify(frame.data.channel)} threw past the dispatcher (internal)`);
      result = fail('internal', 'The host failed to answer');
    }
    if (session.officer && session.officer !== before) {
      // A sign-in: the session's resume token changes with it, before the answer arrives.
      const resume = sessions.rotate(session);
      if (resume) reply(socket, { resume } satisfies ResumeFrame);
    }
    try {
      reply(socket, { id: frame.data.id, result });
    } catch {
      log.warn(`bridge: ${JSON.stringify(frame.data.channel)} answer is not serialisable (internal)`);
      reply(socket, { id: frame.data.id, result: fail('internal', 'The answer could not be sent') });
    }
  }

  /** Sockets that presented the token: the only ones that are answered or hear events. */
  /** Sockets past the token check, with their session (who is signed in there, if anyone). */
  const authenticated = new Map<WebSocket, CallerSession>();
  const sessions = new SessionRegistry<WebSocket>({
    ...(options.idleLockMs ? { idleLockMs: options.idleLockMs } : {}),
    ...(options.resumeWindowMs !== undefined ? { resumeWindowMs: options.resumeWindowMs } : {}),
  });

  function refuse(socket: WebSocket, problem: string) {
    // Nothing this socket sent is read; it learns only the close code.
    log.warn(`bridge: refused a WebSocket (${problem}, unauthorized)`);
    socket.close(UNAUTHORIZED_CLOSE, 'bad or missing token');
  }

  wss.on('connection', (socket) => {
    socket.on('error', (error: Error & { code?: string }) => {
      // ws closes the socket itself (1009 for an oversized message); we only record why.
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        log.warn(`bridge: closed a WebSocket: message larger than ${MAX_REQUEST_BYTES} bytes (too_large, 1009)`);
      } else {
        log.warn(`bridge: closed a WebSocket: ${error.code ?? error.message}`);
      }
    });
    const helloTimer = setTimeout(() => refuse(socket, 'no hello in time'), options.helloTimeoutMs ?? HELLO_TIMEOUT_MS);
    socket.once('close', () => clearTimeout(helloTimer));
    // The first frame must be the hello with the token; until then the socket hears nothing.
    socket.once('message', (data, isBinary) => {
      clearTimeout(helloTimer);
      const checked = helloProblem(data, isBinary);
      if ('problem' in checked) return refuse(socket, checked.problem);
      welcome(socket, checked.hello.resume);
    });
  });

  function welcome(socket: WebSocket, resume: string | undefined) {
    if (socket.readyState !== socket.OPEN) return;
    const attached = sessions.attach(socket, resume);
    const { session } = attached;
    if (attached.displaced) {
      authenticated.delete(attached.displaced);
      attached.displaced.close(TAKEN_OVER_CLOSE, 'the session was resumed elsewhere');
    }
    authenticated.set(socket, session);
    socket.send(JSON.stringify({ welcome: { resume: attached.resume, resumed: attached.resumed } } satisfies WelcomeFrame));
    log.info(`bridge: console connected${attached.resumed ? ', session resumed' : ''} (${authenticated.size} open)`);
    socket.on('close', (code) => {
      authenticated.delete(socket);
      sessions.detach(socket, session);
      log.info(`bridge: console disconnected (${code})`);
    });
    socket.on('message', (data, isBinary) => {
      void answer(socket, session, data, isBinary);
    });
  }

  const unsubscribe = options.app.subscribe((event, payload) => {
    let text: string;
    try {
      text = JSON.stringify({ event, payload } satisfies EventFrame);
    } catch {
      log.warn(`bridge: event ${event} is not serialisable; dropped`);
      return;
    }
    // Events carry what only a signed-in officer may see (sends, alerts, counts): a connection
    // that is signed out, locked or never signed in hears only the status that the sign-in
    // screen itself may ask for.
    const open = event === 'app.statusChanged';
    for (const [client, session] of authenticated) {
      if (client.readyState === client.OPEN && (open || session.officer)) client.send(text);
    }
  });

  const url = `http://${HOST}:${port}/?${TOKEN_PARAM}=${token}`;
  let closing: Promise<void> | null = null;

  return {
    url,
    port,
    token,
    close() {
      closing ??= (async () => {
        unsubscribe();
        sessions.clear();
        for (const client of wss.clients) client.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        await new Promise<void>((resolve, reject) => {
          server.close((error) => (error ? reject(error) : resolve()));
          server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}

function toBuffers(data: RawData): Buffer[] {
  if (Array.isArray(data)) return data;
  return [Buffer.from(data as ArrayBuffer)];
}

function idOf(json: unknown): number | undefined {
  if (typeof json !== 'object' || json === null || !('id' in json)) return undefined;
  const id = json.id;
  return typeof id === 'number' && Number.isInteger(id) && id >= 0 ? id : undefined;
}
