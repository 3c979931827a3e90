/** Test doubles for the renderer: a host that answers from a table, a network switch, a socket. */
import { vi } from 'vitest';
import type { AppStatus, BoundaryOutline, ChannelName } from '../../shared/bridge/contract';
import type { Result } from '../../shared/bridge/result';
import { createBridgeClient } from '../../renderer/lib/bridge';
import type { BridgeClient, ConnectionState, Transport } from '../../renderer/lib/bridge';
import type { NetworkMonitor } from '../../renderer/lib/network';
import { createAppStore } from '../../renderer/store';
import type { AppStore } from '../../renderer/store';

export const demoStatus: AppStatus = {
  version: '0.1.0',
  host: 'headless',
  store: { schemaVersion: 2, encrypted: true, subscribers: 34000, places: 44200, boundaries: 700 },
  gateways: [{ name: 'Simulator', kind: 'simulator', state: 'connected', primary: true }],
  map: { tileUrl: null },
  district: { code: '9', name: 'Nordsjællands Politi' },
};

const square = (lon: number, lat: number, size: number): BoundaryOutline['geometry'] => ({
  type: 'Polygon',
  coordinates: [
    [
      [lon, lat],
      [lon + size, lat],
      [lon + size, lat + size],
      [lon, lat + size],
      [lon, lat],
    ],
  ],
});

export const demoOutlines: Record<'district' | 'municipality' | 'postcode', BoundaryOutline[]> = {
  district: [{ id: 1, code: '1', name: 'Nordsjællands Politi', geometry: square(11.8, 55.7, 0.8) }],
  municipality: [
    { id: 10, code: '219', name: 'Hillerød', geometry: square(12.2, 55.9, 0.2) },
    { id: 11, code: '217', name: 'Helsingør', geometry: square(12.4, 56.0, 0.2) },
  ],
  postcode: [{ id: 100, code: '3400', name: 'Hillerød', geometry: square(12.25, 55.92, 0.05) }],
};

/** The officer the fake host has signed in, unless a test says otherwise. */
export const demoOfficer = { id: 1, username: 'vagtchef', displayName: 'Vagtchef Demo', roles: ['operator', 'approver'] as const };

type Answer = (payload: unknown) => Result<unknown> | Promise<Result<unknown>> | unknown;

/**
 * A transport answering from a table of handlers (raw, so tests can send malformed answers)
 * and recording every call; its connection state and events are driven by the test.
 */
export class FakeHost implements Transport {
  readonly kind = 'websocket' as const;
  calls: { channel: string; payload: unknown }[] = [];
  private listeners = new Set<(event: string, payload: unknown) => void>();
  private stateListeners = new Set<(state: ConnectionState) => void>();
  private current: ConnectionState = 'connected';

  constructor(public handlers: Partial<Record<ChannelName, Answer>>) {}

  async call(channel: string, payload: unknown): Promise<unknown> {
    this.calls.push({ channel, payload });
    const handler = this.handlers[channel as ChannelName];
    if (!handler) return { ok: false, error: { code: 'unknown_channel', message: 'no handler in the fake' } };
    return handler(payload);
  }
  subscribe(listener: (event: string, payload: unknown) => void) {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
  state() {
    return this.current;
  }
  onStateChange(listener: (state: ConnectionState) => void) {
    this.stateListeners.add(listener);
    return () => void this.stateListeners.delete(listener);
  }
  close() {}

  emit(event: string, payload: unknown) {
    for (const l of [...this.listeners]) l(event, payload);
  }
  setState(state: ConnectionState) {
    this.current = state;
    for (const l of [...this.stateListeners]) l(state);
  }
  callsTo(channel: ChannelName) {
    return this.calls.filter((c) => c.channel === channel);
  }
}

export function demoHost(overrides: Partial<Record<ChannelName, Answer>> = {}): FakeHost {
  const acks = new Map<number, string | null>();
  return new FakeHost({
    'app.status': () => ({ ok: true, value: demoStatus }),
    // Signed in by default: the console shows nothing before sign-in (tests/dom/session.test.tsx covers that).
    'session.current': () => ({ ok: true, value: { officer: demoOfficer, officersExist: true, idleLockMinutes: 0 } }),
    'boundaries.outlines': (p) => ({ ok: true, value: demoOutlines[(p as { kind: keyof typeof demoOutlines }).kind] ?? [] }),
    'boundaries.list': () => ({ ok: true, value: [] }),
    'boundaries.search': () => ({ ok: true, value: [] }),
    'target.density': () => ({ ok: true, value: { cellSizeDeg: 0.01, minCount: 5, cells: [], hiddenCells: 0 } }),
    'tips.counts': () => ({ ok: true, value: { total: 0, new: 0, byAlert: [] } }),
    'tips.list': () => ({ ok: true, value: { tips: [], total: 0 } }),
    // The composer asks for each alert's automatic acknowledgement; none unless a test sets one.
    'tips.acknowledgement': (p) => {
      const { alertId, set } = p as { alertId: number; set?: string | null };
      if (set !== undefined) acks.set(alertId, set);
      return { ok: true, value: { alertId, text: acks.get(alertId) ?? null } };
    },
    ...overrides,
  });
}

export class FakeNetwork implements NetworkMonitor {
  private listeners = new Set<(online: boolean) => void>();
  constructor(private isOnline = true) {}
  online() {
    return this.isOnline;
  }
  subscribe(listener: (online: boolean) => void) {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
  set(online: boolean) {
    this.isOnline = online;
    for (const l of [...this.listeners]) l(online);
  }
}

export function memoryStorage(initial: Record<string, string> = {}): Storage {
  const map = new Map(Object.entries(initial));
  return {
    get length() {
      return map.size;
    },
    clear: () => map.clear(),
    getItem: (k) => map.get(k) ?? null,
    key: (i) => [...map.keys()][i] ?? null,
    removeItem: (k) => void map.delete(k),
    setItem: (k, v) => void map.set(k, String(v)),
  };
}

export interface Rig {
  host: FakeHost;
  bridge: BridgeClient;
  network: FakeNetwork;
  preferences: Storage;
  store: AppStore;
}

/** A fresh store around a fake host for each test: nothing leaks between cases. */
export function rig({ host = demoHost(), online = true, preferences = memoryStorage() } = {}): Rig {
  const bridge = createBridgeClient(host, { timeoutMs: 1000 });
  const network = new FakeNetwork(online);
  const store = createAppStore({ bridge, network, preferences });
  return { host, bridge, network, preferences, store };
}

/** A WebSocket double the test opens, answers and drops by hand. */
export class FakeSocket {
  static instances: FakeSocket[] = [];
  static reset() {
    FakeSocket.instances = [];
  }
  static last(): FakeSocket {
    const s = FakeSocket.instances.at(-1);
    if (!s) throw new Error('no socket was opened');
    return s;
  }
  readyState = 0;
  sent: { id: number; channel: string; payload: unknown }[] = [];
  /** Hello frames (the handshake), kept apart from the calls. */
  hellos: { token: string; resume?: string }[] = [];
  /** The resume token open() welcomes with; each socket gets its own. */
  static nextResume = 1;
  closedByClient = false;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;

  constructor(public url: string) {
    FakeSocket.instances.push(this);
  }
  send(data: string) {
    if (this.readyState !== 1) throw new Error('socket is not open');
    const frame = JSON.parse(data);
    if (frame.hello) this.hellos.push(frame.hello);
    else this.sent.push(frame);
  }
  close() {
    this.closedByClient = true;
    this.readyState = 3;
  }
  /** Opens the socket and, as the host would, welcomes the hello (unless `welcome` is false). */
  open({ welcome = true, resumed = false } = {}) {
    this.readyState = 1;
    this.onopen?.({});
    if (welcome && this.hellos.length > 0) this.receive({ welcome: { resume: `r${FakeSocket.nextResume++}`, resumed } });
  }
  receive(frame: unknown) {
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
  }
  reply(index: number, result: unknown) {
    const call = this.sent[index];
    if (!call) throw new Error(`no call #${index} was sent`);
    this.receive({ id: call.id, result });
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onerror?.({});
    this.onclose?.({ code });
  }
}

export const asWebSocket = FakeSocket as unknown as typeof WebSocket;

export const silenceWarnings = () => vi.spyOn(console, 'warn').mockImplementation(() => {});

/** A promise the test settles by hand, to hold a bridge call in flight. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A host whose answers to one channel wait until the test releases them, oldest first. */
export function holdingHost(channel: ChannelName, overrides: Partial<Record<ChannelName, Answer>> = {}) {
  const held: { payload: unknown; release(answer: unknown): void }[] = [];
  const host = demoHost({
    ...overrides,
    [channel]: (payload: unknown) => {
      const d = deferred<unknown>();
      held.push({ payload, release: d.resolve });
      return d.promise;
    },
  });
  return { host, held };
}

/** Lets promise callbacks (the bridge client's, the slice's) run. */
export const flush = () => new Promise<void>((r) => setTimeout(r, 0));
