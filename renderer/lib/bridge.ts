/**
 * The renderer's one typed client of the bridge. It carries calls over the preload's
 * `window.tryk` (Electron) or over the headless host's WebSocket; nothing outside this file
 * knows which. Every answer is a Result validated against the contract's schemas, and no call
 * waits forever: a call without an answer in time fails with `unavailable`.
 */
import { z } from 'zod';
import { channels, events, MAX_REQUEST_BYTES } from '../../shared/bridge/contract';
import type { ChannelName, EventName, EventOf, RequestOf, ResponseOf } from '../../shared/bridge/contract';
import { errorCodes, fail } from '../../shared/bridge/result';
import type { BridgeError, ErrorCode, Result } from '../../shared/bridge/result';
import { TOKEN_PARAM, UNAUTHORIZED_CLOSE, WS_PATH } from '../../shared/bridge/wire';
import type { TrykBridgeApi } from '../../shared/bridge/wire';

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent in a plain browser (the headless host). */
    tryk?: TrykBridgeApi;
  }
}

/**
 * `unauthorized`: this page has no token (none in the URL or the tab's session): opening the
 * address the host printed fixes it. `stale`: the host refused the token this page had: it was
 * restarted (each start has a new token) or the address is an old one. Reconnecting fixes
 * neither, so the transport stops trying.
 */
export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'unauthorized' | 'stale';

/** Whether the host will never take this page again (reopening the printed address is the fix). */
export const isRefusedState = (state: ConnectionState) => state === 'unauthorized' || state === 'stale';

export interface InvokeOptions {
  /** How long to wait for an answer, including waiting for the connection; default 15 s. */
  timeoutMs?: number;
}

export interface BridgeClient {
  readonly host: 'ipc' | 'websocket';
  invoke<C extends ChannelName>(
    channel: C,
    request: RequestOf<C>,
    options?: InvokeOptions,
  ): Promise<Result<ResponseOf<C>>>;
  /** Listens to one event; payloads that fail the event's schema are dropped. */
  onEvent<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void;
  connectionState(): ConnectionState;
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
  close(): void;
}

/** A failure the transport knows the code of (the client turns it into a Result). */
export class TransportFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TransportFailure';
  }
}

/** What the client needs from a host; `call` resolves to the host's raw, unvalidated answer. */
export interface Transport {
  readonly kind: 'ipc' | 'websocket';
  call(channel: string, payload: unknown, signal: AbortSignal): Promise<unknown>;
  subscribe(listener: (event: string, payload: unknown) => void): () => void;
  state(): ConnectionState;
  onStateChange(listener: (state: ConnectionState) => void): () => void;
  close(): void;
}

export const DEFAULT_TIMEOUT_MS = 15_000;

const knownCodes = new Set<string>(errorCodes);

// The host is trusted but the wire is not typed: anything that is not a Result is treated
// as an internal error rather than handed to the UI.
const RawResult = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({
    ok: z.literal(false),
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
  }),
]);

function toError(code: string, message: string, details: unknown): BridgeError {
  // An unknown code (a newer host) still fails, as `internal`, so the UI always has a translation.
  const known = knownCodes.has(code) ? (code as ErrorCode) : 'internal';
  return details === undefined ? { code: known, message } : { code: known, message, details };
}

export function createBridgeClient(
  transport: Transport,
  { timeoutMs: defaultTimeout = DEFAULT_TIMEOUT_MS }: InvokeOptions = {},
): BridgeClient {
  async function invoke<C extends ChannelName>(
    channel: C,
    request: RequestOf<C>,
    options: InvokeOptions = {},
  ): Promise<Result<ResponseOf<C>>> {
    const timeoutMs = options.timeoutMs ?? defaultTimeout;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let raw: unknown;
    try {
      raw = await transport.call(channel, request, controller.signal);
    } catch (e) {
      if (e instanceof TransportFailure) return fail(e.code, e.message);
      if (controller.signal.aborted) return fail('unavailable', `${channel}: no answer within ${timeoutMs} ms`);
      return fail('unavailable', `${channel}: ${e instanceof Error ? e.message : 'the host did not answer'}`);
    } finally {
      clearTimeout(timer);
    }
    const result = RawResult.safeParse(raw);
    if (!result.success) return fail('internal', `${channel}: the host's answer is not a Result`);
    if (!result.data.ok) {
      const { code, message, details } = result.data.error;
      return { ok: false, error: toError(code, message, details) };
    }
    const value = channels[channel].response.safeParse(result.data.value);
    if (!value.success) return fail('internal', `${channel}: the host's answer does not match the contract`);
    return { ok: true, value: value.data as ResponseOf<C> };
  }

  function onEvent<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void {
    return transport.subscribe((name, payload) => {
      if (name !== event) return;
      const parsed = events[event].safeParse(payload);
      if (parsed.success) listener(parsed.data as EventOf<E>);
      else console.warn(`bridge: dropped a malformed ${event} event`);
    });
  }

  return {
    host: transport.kind,
    invoke,
    onEvent,
    connectionState: () => transport.state(),
    onConnectionChange: (listener) => transport.onStateChange(listener),
    close: () => transport.close(),
  };
}

/** Rejects when the signal aborts, so a hung IPC call cannot hold its caller forever. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error('the host did not answer'));
      },
    );
  });
}

/** The Electron preload's API as a transport: IPC is always "connected" while the window lives. */
export function ipcTransport(api: TrykBridgeApi): Transport {
  return {
    kind: 'ipc',
    call: (channel, payload, signal) => abortable(api.invoke(channel, payload), signal),
    subscribe: (listener) => api.onEvent(listener),
    state: () => 'connected',
    onStateChange: () => () => {},
    close: () => {},
  };
}

/** Where this tab keeps its session's resume token (sessionStorage: this tab only, gone with it). */
export interface ResumeStore {
  get(): string | null;
  set(token: string | null): void;
}

export interface WebSocketTransportOptions {
  /** The ws(s):// URL of the bridge. It carries no secret: browsers print a failed socket's URL. */
  url: string;
  /** The per-start token, sent in the hello frame; null when the page has none. */
  token: string | null;
  resumeStore?: ResumeStore;
  WebSocketImpl?: typeof WebSocket;
  /** First reconnect delay; doubles after each failed attempt up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * Close codes after which reconnecting is pointless: the host refused our token. 1008 is the
 * standard "policy violation"; 4401 is ours for "bad or missing token".
 */
export const UNAUTHORIZED_CLOSE_CODES: readonly number[] = [1008, UNAUTHORIZED_CLOSE];

const memoryResumeStore = (): ResumeStore => {
  let token: string | null = null;
  return { get: () => token, set: (t) => void (token = t) };
};

interface Waiting {
  channel: string;
  payload: unknown;
  /** The frame id, once sent. */
  id?: number;
  resolve(raw: unknown): void;
  reject(e: Error): void;
}

const utf8Length = (text: string) => new TextEncoder().encode(text).length;

export function webSocketTransport({
  url,
  token,
  resumeStore = memoryResumeStore(),
  WebSocketImpl = globalThis.WebSocket,
  initialBackoffMs = 500,
  maxBackoffMs = 10_000,
}: WebSocketTransportOptions): Transport {
  let state: ConnectionState = token ? 'connecting' : 'unauthorized';
  let socket: WebSocket | null = null;
  let backoff = initialBackoffMs;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;
  let nextId = 1;
  /** Calls made while not connected, sent in order once the socket opens (or dropped on timeout). */
  const queue: Waiting[] = [];
  /** Calls sent and not yet answered, by frame id. */
  const pending = new Map<number, Waiting>();
  const eventListeners = new Set<(event: string, payload: unknown) => void>();
  const stateListeners = new Set<(state: ConnectionState) => void>();

  function setState(next: ConnectionState) {
    if (next === state) return;
    state = next;
    for (const l of [...stateListeners]) l(next);
  }

  function send(w: Waiting) {
    const id = nextId++;
    let frame: string;
    try {
      frame = JSON.stringify({ id, channel: w.channel, payload: w.payload });
    } catch {
      return w.reject(new TransportFailure('bad_request', `${w.channel}: the request cannot be written as JSON`));
    }
    // The host would refuse it anyway; refusing here keeps a huge frame off the socket.
    if (frame.length > MAX_REQUEST_BYTES / 3 && utf8Length(frame) > MAX_REQUEST_BYTES) {
      return w.reject(new TransportFailure('too_large', `${w.channel}: request over ${MAX_REQUEST_BYTES} bytes`));
    }
    try {
      socket!.send(frame);
      w.id = id;
      pending.set(id, w);
    } catch {
      w.reject(new TransportFailure('unavailable', `${w.channel}: could not send to the host`));
    }
  }

  function failAll(list: Iterable<Waiting>, code: ErrorCode, message: string) {
    for (const w of list) w.reject(new TransportFailure(code, `${w.channel}: ${message}`));
  }

  function onMessage(data: unknown) {
    if (typeof data !== 'string') return;
    let frame: unknown;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof frame !== 'object' || frame === null) return;
    const f = frame as Record<string, unknown>;
    if (typeof f.welcome === 'object' && f.welcome !== null) {
      const { resume } = f.welcome as { resume?: unknown };
      if (typeof resume === 'string') resumeStore.set(resume);
      if (state !== 'connecting') return;
      backoff = initialBackoffMs;
      setState('connected');
      for (const w of queue.splice(0)) send(w);
    } else if (typeof f.resume === 'string') {
      resumeStore.set(f.resume);
    } else if (state !== 'connected') {
      return; // nothing counts before the welcome
    } else if (typeof f.id === 'number' && 'result' in f) {
      const w = pending.get(f.id);
      if (!w) return; // answered after its caller gave up: nobody is waiting any more
      pending.delete(f.id);
      w.resolve(f.result);
    } else if (typeof f.event === 'string') {
      for (const l of [...eventListeners]) l(f.event, f.payload);
    }
  }

  function connect() {
    if (closed || !token) return;
    reconnectTimer = null;
    setState('connecting');
    let ws: WebSocket;
    try {
      ws = new WebSocketImpl(url);
    } catch {
      scheduleReconnect();
      return;
    }
    socket = ws;
    // The token goes in the first frame, with this tab's resume token: the host answers with a
    // welcome (then the queued calls go) or closes the socket with 4401.
    ws.onopen = () => {
      if (socket !== ws) return;
      const resume = resumeStore.get();
      try {
        ws.send(JSON.stringify({ hello: { token, ...(resume ? { resume } : {}) } }));
      } catch {
        // the close event follows and schedules the reconnect
      }
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (socket === ws) onMessage(ev.data);
    };
    ws.onclose = (ev: CloseEvent) => {
      if (socket !== ws) return;
      socket = null;
      const refused = UNAUTHORIZED_CLOSE_CODES.includes(ev.code);
      // A call already sent may or may not have been carried out; its caller must be told now.
      const lost = [...pending.values()];
      pending.clear();
      if (refused) failAll(lost, 'unauthorized', 'the host refused the token');
      else failAll(lost, 'unavailable', 'the connection to the host was lost before the answer arrived');
      if (closed) return;
      if (refused) {
        // The session went with the host start; its resume token means nothing any more.
        resumeStore.set(null);
        setState('stale');
        failAll(queue.splice(0), 'unauthorized', 'the host refused the token');
        return;
      }
      scheduleReconnect();
    };
    // An error is always followed by a close event; the close handler does the work.
    ws.onerror = () => {};
  }

  function scheduleReconnect() {
    setState('disconnected');
    reconnectTimer = setTimeout(connect, backoff);
    backoff = Math.min(backoff * 2, maxBackoffMs);
  }

  function call(channel: string, payload: unknown, signal: AbortSignal): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      if (closed) return reject(new TransportFailure('unavailable', `${channel}: the bridge is closed`));
      if (isRefusedState(state)) {
        return reject(
          new TransportFailure('unauthorized', `${channel}: no valid token; open the address the host printed`),
        );
      }
      const stopWaiting = () => signal.removeEventListener('abort', onAbort);
      const w: Waiting = {
        channel,
        payload,
        resolve: (raw) => {
          stopWaiting();
          resolve(raw);
        },
        reject: (e) => {
          stopWaiting();
          reject(e);
        },
      };
      // Given up by its caller: forget the call, so it is never sent later and a late answer is dropped.
      function onAbort() {
        const queued = queue.indexOf(w);
        if (queued >= 0) queue.splice(queued, 1);
        if (w.id !== undefined) pending.delete(w.id);
        w.reject(
          new TransportFailure(
            'unavailable',
            w.id !== undefined ? `${channel}: no answer in time` : `${channel}: not connected to the host`,
          ),
        );
      }
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      if (state === 'connected' && socket) send(w);
      else queue.push(w);
    });
  }

  connect();

  return {
    kind: 'websocket',
    call,
    subscribe(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    state: () => state,
    onStateChange(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    close() {
      if (closed) return;
      closed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      const ws = socket;
      socket = null;
      ws?.close();
      failAll([...pending.values(), ...queue.splice(0)], 'unavailable', 'the bridge was closed');
      pending.clear();
      setState('disconnected');
    },
  };
}

/** The parts of `window` the bridge reads; a parameter so tests can hand in their own. */
export type BridgeWindow = Pick<Window, 'location' | 'history' | 'sessionStorage'> & { tryk?: TrykBridgeApi };

const TOKEN_KEY = 'tryk.bridgeToken';

/**
 * The headless host's token arrives once in the page URL. Keep it for this tab's session so a
 * reload still works, and take it out of the address bar so it is not copied, bookmarked or
 * left in the history.
 */
export function takeToken(win: BridgeWindow): string | null {
  const url = new URL(win.location.href);
  const fromUrl = url.searchParams.get(TOKEN_PARAM);
  let storage: Storage | null = null;
  try {
    storage = win.sessionStorage;
  } catch {
    // Storage can be disabled by policy; the token then lives only as long as the page.
  }
  if (fromUrl) {
    try {
      storage?.setItem(TOKEN_KEY, fromUrl);
    } catch {
      // as above
    }
    url.searchParams.delete(TOKEN_PARAM);
    win.history.replaceState(win.history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  try {
    return storage?.getItem(TOKEN_KEY) ?? null;
  } catch {
    return null;
  }
}

/** The bridge's address on the page's host; no token in it (see webSocketTransport). */
export function bridgeSocketUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}${WS_PATH}`;
}

const RESUME_KEY = 'tryk.resume';

/**
 * The tab's resume token lives in sessionStorage: a reload of this tab finds it, another tab
 * or window does not, and it ends with the tab. Where storage is refused it lives in memory,
 * which still carries a network blip.
 */
export function sessionResumeStore(win: Pick<Window, 'sessionStorage'>): ResumeStore {
  let memory: string | null = null;
  const storage = (): Storage | null => {
    try {
      return win.sessionStorage;
    } catch {
      return null;
    }
  };
  return {
    get() {
      try {
        return storage()?.getItem(RESUME_KEY) ?? memory;
      } catch {
        return memory;
      }
    },
    set(token) {
      memory = token;
      try {
        if (token) storage()?.setItem(RESUME_KEY, token);
        else storage()?.removeItem(RESUME_KEY);
      } catch {
        // memory has it
      }
    },
  };
}

/** The client for this page: the preload's bridge in Electron, otherwise the headless host's WebSocket. */
export function createBridge(win: BridgeWindow = window, options: InvokeOptions = {}): BridgeClient {
  if (win.tryk) return createBridgeClient(ipcTransport(win.tryk), options);
  const token = takeToken(win);
  return createBridgeClient(
    webSocketTransport({ url: bridgeSocketUrl(win.location), token, resumeStore: sessionResumeStore(win) }),
    options,
  );
}
