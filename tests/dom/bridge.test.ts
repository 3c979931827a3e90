import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_REQUEST_BYTES } from '../../shared/bridge/contract';
import type { TrykBridgeApi } from '../../shared/bridge/wire';
import {
  bridgeSocketUrl,
  createBridge,
  createBridgeClient,
  ipcTransport,
  takeToken,
  webSocketTransport,
} from '../../renderer/lib/bridge';
import type { ConnectionState } from '../../renderer/lib/bridge';
import { asWebSocket, demoStatus, FakeSocket, silenceWarnings } from './fakes';

/** A preload double: answers each call with what the test queued, records calls, fans out events. */
function fakePreload(answer: (channel: string, payload: unknown) => Promise<unknown>) {
  const listeners = new Set<(event: string, payload: unknown) => void>();
  const calls: [string, unknown][] = [];
  const api: TrykBridgeApi = {
    invoke: (channel, payload) => {
      calls.push([channel, payload]);
      return answer(channel, payload) as ReturnType<TrykBridgeApi['invoke']>;
    },
    onEvent: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
  const emit = (event: string, payload: unknown) => listeners.forEach((l) => l(event, payload));
  return { api, calls, emit, listeners };
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('bridge client over window.tryk (Electron)', () => {
  it('sends the channel and payload and returns the validated value', async () => {
    const preload = fakePreload(async () => ({ ok: true, value: demoStatus }));
    const bridge = createBridgeClient(ipcTransport(preload.api));
    const result = await bridge.invoke('app.status', {});
    expect(preload.calls).toEqual([['app.status', {}]]);
    expect(result).toEqual({ ok: true, value: demoStatus });
    expect(bridge.host).toBe('ipc');
    expect(bridge.connectionState()).toBe('connected');
  });

  it('passes an error result through with its code', async () => {
    const preload = fakePreload(async () => ({ ok: false, error: { code: 'store_locked', message: 'in use' } }));
    const result = await createBridgeClient(ipcTransport(preload.api)).invoke('boundaries.outlines', {
      kind: 'district',
    });
    expect(result).toEqual({ ok: false, error: { code: 'store_locked', message: 'in use' } });
  });

  it('turns an error code it does not know into internal, keeping the message', async () => {
    const preload = fakePreload(async () => ({ ok: false, error: { code: 'brand_new', message: 'from a newer host' } }));
    const result = await createBridgeClient(ipcTransport(preload.api)).invoke('app.status', {});
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: 'from a newer host' } });
  });

  it('refuses a value that does not match the response schema', async () => {
    const preload = fakePreload(async () => ({ ok: true, value: { ...demoStatus, store: { schemaVersion: 'two' } } }));
    const result = await createBridgeClient(ipcTransport(preload.api)).invoke('app.status', {});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('internal');
  });

  it('refuses an answer that is not a Result at all', async () => {
    const preload = fakePreload(async () => 'hello');
    const result = await createBridgeClient(ipcTransport(preload.api)).invoke('app.status', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('fails with unavailable when the host never answers, after the timeout', async () => {
    vi.useFakeTimers();
    const preload = fakePreload(() => new Promise(() => {}));
    const pending = createBridgeClient(ipcTransport(preload.api), { timeoutMs: 2000 }).invoke('app.status', {});
    let settled = false;
    void pending.then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(1999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await pending).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('fails with unavailable when the IPC call rejects', async () => {
    const preload = fakePreload(() => Promise.reject(new Error('render frame was disposed')));
    const result = await createBridgeClient(ipcTransport(preload.api)).invoke('app.status', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('delivers events by name, validated, until unsubscribed', async () => {
    const warn = silenceWarnings();
    const preload = fakePreload(async () => ({ ok: true, value: demoStatus }));
    const bridge = createBridgeClient(ipcTransport(preload.api));
    const heard: unknown[] = [];
    const stop = bridge.onEvent('app.statusChanged', (s) => heard.push(s));
    preload.emit('something.else', demoStatus);
    preload.emit('app.statusChanged', { nonsense: true });
    preload.emit('app.statusChanged', demoStatus);
    expect(heard).toEqual([demoStatus]);
    expect(warn).toHaveBeenCalledTimes(1);
    stop();
    preload.emit('app.statusChanged', demoStatus);
    expect(heard).toHaveLength(1);
    expect(preload.listeners.size).toBe(0);
  });
});

describe('bridge client over the WebSocket (headless host)', () => {
  beforeEach(() => {
    FakeSocket.reset();
    vi.useFakeTimers();
  });

  const open = (options: Partial<Parameters<typeof webSocketTransport>[0]> = {}) => {
    const transport = webSocketTransport({
      url: 'ws://127.0.0.1:5000/bridge',
      token: 't',
      WebSocketImpl: asWebSocket,
      ...options,
    });
    const states: ConnectionState[] = [];
    transport.onStateChange((s) => states.push(s));
    return { bridge: createBridgeClient(transport, { timeoutMs: 3000 }), transport, states };
  };

  it('queues a call made while connecting and sends it once the socket opens', async () => {
    const { bridge, states } = open();
    expect(bridge.connectionState()).toBe('connecting');
    const pending = bridge.invoke('boundaries.outlines', { kind: 'postcode' });
    const socket = FakeSocket.last();
    expect(socket.url).toBe('ws://127.0.0.1:5000/bridge');
    expect(socket.sent).toEqual([]);
    socket.open();
    expect(socket.hellos).toEqual([{ token: 't' }]);
    expect(states).toEqual(['connected']);
    expect(socket.sent).toEqual([{ id: expect.any(Number), channel: 'boundaries.outlines', payload: { kind: 'postcode' } }]);
    socket.reply(0, { ok: true, value: [] });
    expect(await pending).toEqual({ ok: true, value: [] });
  });

  it('matches answers to calls by id, whatever order they come in', async () => {
    const { bridge } = open();
    const socket = FakeSocket.last();
    socket.open();
    const first = bridge.invoke('app.status', {});
    const second = bridge.invoke('boundaries.list', { kind: 'district' });
    socket.reply(1, { ok: false, error: { code: 'not_found', message: 'none' } });
    socket.reply(0, { ok: true, value: demoStatus });
    expect(await first).toEqual({ ok: true, value: demoStatus });
    expect(await second).toEqual({ ok: false, error: { code: 'not_found', message: 'none' } });
  });

  it('fails a call with unavailable when no connection comes within the timeout, and never sends it later', async () => {
    const { bridge } = open();
    const pending = bridge.invoke('app.status', {});
    await vi.advanceTimersByTimeAsync(3000);
    expect(await pending).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    FakeSocket.last().open();
    expect(FakeSocket.last().sent).toEqual([]);
  });

  it('fails a sent call with unavailable when the host does not answer in time, and ignores the late answer', async () => {
    const { bridge } = open();
    const socket = FakeSocket.last();
    socket.open();
    const pending = bridge.invoke('app.status', {});
    await vi.advanceTimersByTimeAsync(3000);
    expect(await pending).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(() => socket.reply(0, { ok: true, value: demoStatus })).not.toThrow();
  });

  it('fails calls in flight at once when the connection drops, then reconnects with growing delays', async () => {
    const { bridge, states } = open({ initialBackoffMs: 500, maxBackoffMs: 2000 });
    FakeSocket.last().open();
    const pending = bridge.invoke('app.status', {});
    FakeSocket.last().drop();
    expect(await pending).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(bridge.connectionState()).toBe('disconnected');

    expect(FakeSocket.instances).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(499);
    expect(FakeSocket.instances).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeSocket.instances).toHaveLength(2);
    FakeSocket.last().drop();
    await vi.advanceTimersByTimeAsync(999);
    expect(FakeSocket.instances).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeSocket.instances).toHaveLength(3);
    FakeSocket.last().drop();
    await vi.advanceTimersByTimeAsync(2000); // capped at maxBackoffMs
    expect(FakeSocket.instances).toHaveLength(4);
    FakeSocket.last().open();
    expect(states).toEqual([
      'connected',
      'disconnected',
      'connecting',
      'disconnected',
      'connecting',
      'disconnected',
      'connecting',
      'connected',
    ]);

    // A successful open resets the delay to the first step.
    FakeSocket.last().drop();
    await vi.advanceTimersByTimeAsync(500);
    expect(FakeSocket.instances).toHaveLength(5);
  });

  it('sends a call made while reconnecting once the connection is back', async () => {
    const { bridge } = open({ initialBackoffMs: 100 });
    FakeSocket.last().open();
    FakeSocket.last().drop();
    const pending = bridge.invoke('app.status', {});
    await vi.advanceTimersByTimeAsync(100);
    const socket = FakeSocket.last();
    socket.open();
    socket.reply(0, { ok: true, value: demoStatus });
    expect(await pending).toEqual({ ok: true, value: demoStatus });
  });

  it('stops reconnecting when the host refuses the token (it restarted), and fails calls fast', async () => {
    const { bridge } = open();
    const queued = bridge.invoke('app.status', {});
    FakeSocket.last().open({ welcome: false });
    FakeSocket.last().drop(4401);
    expect(bridge.connectionState()).toBe('stale');
    expect(await queued).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.instances).toHaveLength(1);
    expect(await bridge.invoke('app.status', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });

  it('reports unauthorized for a call already sent when the host accepts the socket and then refuses the token', async () => {
    const { bridge } = open();
    const pending = bridge.invoke('app.status', {});
    FakeSocket.last().open();
    expect(FakeSocket.last().sent).toHaveLength(1);
    FakeSocket.last().drop(1008);
    expect(await pending).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(bridge.connectionState()).toBe('stale');
  });

  it('refuses a request larger than the host accepts without sending it', async () => {
    const { bridge } = open();
    const socket = FakeSocket.last();
    socket.open();
    const huge = { kind: 'x'.repeat(MAX_REQUEST_BYTES) } as unknown as { kind: 'district' };
    expect(await bridge.invoke('boundaries.outlines', huge)).toMatchObject({ ok: false, error: { code: 'too_large' } });
    expect(socket.sent).toEqual([]);
  });

  it('without a token it does not connect and says unauthorized', async () => {
    const { bridge } = open({ token: null });
    expect(FakeSocket.instances).toHaveLength(0);
    expect(bridge.connectionState()).toBe('unauthorized');
    expect(await bridge.invoke('app.status', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });

  it('delivers events from event frames and ignores frames that are not JSON or not frames', () => {
    silenceWarnings();
    const { bridge } = open();
    const socket = FakeSocket.last();
    socket.open();
    const heard: unknown[] = [];
    bridge.onEvent('app.statusChanged', (s) => heard.push(s));
    socket.receive('{not json');
    socket.receive({ hello: 1 });
    socket.receive({ id: 99, result: { ok: true, value: 1 } });
    socket.receive({ event: 'app.statusChanged', payload: demoStatus });
    expect(heard).toEqual([demoStatus]);
  });

  it('sends nothing but the hello until the host welcomes it, and ignores frames before the welcome', async () => {
    const { bridge } = open();
    const pending = bridge.invoke('app.status', {});
    const socket = FakeSocket.last();
    socket.open({ welcome: false });
    expect(socket.hellos).toEqual([{ token: 't' }]);
    expect(socket.sent).toEqual([]);
    expect(bridge.connectionState()).toBe('connecting');
    const heard: unknown[] = [];
    bridge.onEvent('app.statusChanged', (e) => heard.push(e));
    socket.receive({ event: 'app.statusChanged', payload: demoStatus });
    expect(heard).toEqual([]);
    socket.receive({ welcome: { resume: 'r', resumed: false } });
    expect(bridge.connectionState()).toBe('connected');
    expect(socket.sent).toHaveLength(1);
    socket.reply(0, { ok: true, value: demoStatus });
    expect(await pending).toEqual({ ok: true, value: demoStatus });
  });

  it('keeps the resume token the host gives (welcome, then after a sign-in) and presents it on the next connection', async () => {
    let stored: string | null = null;
    const resumeStore = { get: () => stored, set: (t: string | null) => void (stored = t) };
    const { bridge } = open({ resumeStore, initialBackoffMs: 100 });
    FakeSocket.last().open();
    expect(stored).toMatch(/^r\d+$/);
    FakeSocket.last().receive({ resume: 'after-sign-in' });
    expect(stored).toBe('after-sign-in');
    FakeSocket.last().drop();
    await vi.advanceTimersByTimeAsync(100);
    FakeSocket.last().open({ welcome: false });
    expect(FakeSocket.last().hellos).toEqual([{ token: 't', resume: 'after-sign-in' }]);
    FakeSocket.last().receive({ welcome: { resume: 'rotated', resumed: true } });
    expect(stored).toBe('rotated');
    expect(bridge.connectionState()).toBe('connected');
    // A refused token ends the session for good: its resume token is dropped too.
    FakeSocket.last().drop(4401);
    expect(stored).toBeNull();
  });

  it('close() fails what is waiting and stops reconnecting', async () => {
    const { bridge, transport } = open({ initialBackoffMs: 100 });
    const queued = bridge.invoke('app.status', {});
    transport.close();
    expect(await queued).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(FakeSocket.last().closedByClient).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(FakeSocket.instances).toHaveLength(1);
  });
});

describe('the token and the choice of host', () => {
  beforeEach(() => {
    sessionStorage.clear();
    FakeSocket.reset();
    window.history.replaceState(null, '', '/');
  });
  afterEach(() => {
    delete window.tryk;
    vi.unstubAllGlobals();
  });

  it('takes the token from the URL, keeps it for the session and removes it from the address bar', () => {
    window.history.replaceState(null, '', '/?lang=da&token=s3cr%2Bet#kort');
    expect(takeToken(window)).toBe('s3cr+et');
    expect(window.location.search).toBe('?lang=da');
    expect(window.location.hash).toBe('#kort');
    expect(window.location.href).not.toContain('s3cr');
    // After a reload the URL has no token any more; the session still has it.
    expect(takeToken(window)).toBe('s3cr+et');
  });

  it('has no token when neither the URL nor the session has one', () => {
    expect(takeToken(window)).toBeNull();
  });

  it('builds the socket URL on the page host, without the token (a failed socket prints its URL)', () => {
    expect(bridgeSocketUrl({ protocol: 'http:', host: '127.0.0.1:4321' })).toBe('ws://127.0.0.1:4321/bridge');
    expect(bridgeSocketUrl({ protocol: 'https:', host: 'x' })).toBe('wss://x/bridge');
  });

  it('uses window.tryk when the preload exposed it, and opens no socket', () => {
    vi.stubGlobal('WebSocket', asWebSocket);
    window.tryk = fakePreload(async () => ({ ok: true, value: demoStatus })).api;
    const bridge = createBridge(window);
    expect(bridge.host).toBe('ipc');
    expect(FakeSocket.instances).toHaveLength(0);
  });

  it('otherwise connects to /bridge on the page host with the token from the URL', () => {
    vi.stubGlobal('WebSocket', asWebSocket);
    window.history.replaceState(null, '', '/?token=abc');
    const bridge = createBridge(window);
    expect(bridge.host).toBe('websocket');
    expect(FakeSocket.last().url).toBe(`ws://${window.location.host}/bridge`);
    FakeSocket.last().open();
    expect(FakeSocket.last().hellos).toEqual([{ token: 'abc' }]);
    bridge.close();
  });
});
