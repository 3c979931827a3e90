/**
 * The service graph, built once per host from a store. Electron's main.ts, the headless host
 * and the CLI all call these, so they run the same services behind the same bridge.
 */
import type { AppStatus, EventName, EventOf, GatewaySummary } from '../shared/bridge/contract';
import { TrykError } from '../shared/bridge/result';
import type { AreaResult, BoundaryResolver } from '../shared/targeting/compile';
import { areaToGeoJSON } from '../shared/targeting/geojson';
import { normalizePhone } from '../shared/phone';
import type { AreaGeometry } from '../shared/geo/types';
import { boundaryService } from './boundaries/service';
import type { BoundaryService } from './boundaries/service';
import { ALL_ROLES, createDispatcher, consoleLog } from './bridge/dispatcher';
import { deliveryCells } from './sending/cells';
import { startSender } from './sending/sender';
import { redactUrl } from './config/gateways';
import { createGateway, describeGateway } from './gateways/registry';
import type { Sender } from './sending/sender';
import type { Dispatch, DispatchLog, Handlers } from './bridge/dispatcher';
import { gatewayConfigService } from './config/gateways';
import type { GatewayConfigService } from './config/gateways';
import { settingsService } from './config/settings';
import type { SettingsService } from './config/settings';
import { recordsFromText } from './registry/files';
import { subscriberRecords } from './registry/index-sync';
import { alertHandlers } from './alerts/handlers';
import { appendAudit } from './audit/service';
import { officerService } from './officers/service';
import type { OfficerService } from './officers/service';
import { registryService } from './registry/service';
import type { RegistryService } from './registry/service';
import type { Store } from './store/store';
import { TargetingEngine } from './targeting/engine';
import { loadBoundaryResolver } from './targeting/fromStore';
import { loadOrBuildIndex } from './targeting/snapshot';
// --- tips ---
import { tipHandlers } from './tips/handlers';
import { createTips } from './tips/runtime';
import type { Tips } from './tips/runtime';
import { tipService } from './tips/service';

export type EventListener = <E extends EventName>(event: E, payload: EventOf<E>) => void;

export interface Services {
  store: Store;
  boundaries: BoundaryService;
  registry: RegistryService;
  officers: OfficerService;
  settings: SettingsService;
  gateways: GatewayConfigService;
  /** Built from the store on first use (seconds at national scale), then kept current. */
  targeting(): Promise<TargetingEngine>;
  /** Set by the running console's sender: the gateways' live connection states. */
  liveGatewayStates: (() => Map<string, GatewaySummary['state']>) | null;
  status(): Promise<AppStatus>;
}

export interface App {
  dispatch: Dispatch;
  services: Services;
  /** The gateways and dispatch engine, when this console sends (not in the CLI's short runs). */
  sender: Sender | null;
  /** The inbound pipeline: intake, inbox, answers. */
  tips: Tips;
  /** Every bridge event; returns the function that stops listening. */
  subscribe(listener: (event: EventName, payload: unknown) => void): () => void;
  emit: EventListener;
  close(): Promise<void>;
}

export interface AppOptions {
  store: Store;
  host: 'electron' | 'headless';
  version: string;
  /** Overrides the stored tile URL for this run (null: no online tiles, e.g. in tests). */
  tileUrl?: string | null;
  now?: () => Date;
  log?: DispatchLog;
  /** false: no gateways are connected and nothing is sent (tests of other parts). */
  sending?: boolean;
}

/** Density cells with fewer places than this are never sent to the renderer. */
export const DENSITY_MIN_COUNT = 5;

/** Targeting errors are the officer's to fix (a bowtie, an unknown postcode): a bad request with the reason. */
export function unwrapArea<T>(r: AreaResult<T>): T {
  if (!r.ok) throw new TrykError('bad_request', r.error.message, { area: r.error.code });
  return r.value;
}

export function createServices(opts: AppOptions): Services {
  const { store } = opts;
  const now = opts.now ?? (() => new Date());
  const plainBoundaries = boundaryService(store.db, now);
  const registry = registryService(store.db, now);
  const officers = officerService(store.db, { now });
  const settings = settingsService(store.db);
  const gateways = gatewayConfigService(store.db, now);

  let resolve: BoundaryResolver = () => undefined;
  let engine: Promise<TargetingEngine> | null = null;
  const targeting = () =>
    (engine ??= (async () => {
      resolve = await loadBoundaryResolver(store.db);
      // From the persisted snapshot when it matches the registry's version (seconds at 6 M),
      // else built from the store and saved in the background for the next start.
      const { index } = await loadOrBuildIndex(store.db);
      return new TargetingEngine(index, (kind, code) => resolve(kind, code));
    })());
  // The index follows the registry, so imports and erasures reach the counts at once.
  registry.onChange(({ upserted, removed }) => {
    if (!engine) return; // not built yet: it will read the store as it is
    void engine.then(async (t) => {
      for (const id of removed) t.removeSubscriber(id);
      for (const r of await subscriberRecords(store.db, upserted)) t.upsertSubscriber(r);
    });
  });
  const boundaries: BoundaryService = {
    ...plainBoundaries,
    async importAll(list) {
      const result = await plainBoundaries.importAll(list);
      if (engine) {
        resolve = await loadBoundaryResolver(store.db);
        (await engine).forgetBoundaries();
      }
      return result;
    },
  };

  const count = async (table: string) => (await store.db.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))?.n ?? 0;
  const services: Services = {
    liveGatewayStates: null,
    store,
    boundaries,
    registry,
    officers,
    settings,
    gateways,
    targeting,
    async status() {
      const configured = await gateways.list();
      return {
        version: opts.version,
        host: opts.host,
        store: {
          schemaVersion: store.schemaVersion,
          encrypted: true,
          subscribers: await count('subscribers'),
          places: await count('places'),
          boundaries: await boundaries.count(),
        },
        gateways: configured.map((g) => ({
          name: g.name,
          kind: g.kind,
          // Live when the console is sending; the CLI has no connections and says so.
          state: !g.enabled ? 'disabled' : (services.liveGatewayStates?.().get(g.name) ?? 'disconnected'),
          primary: g.primary,
        })),
        map: { tileUrl: opts.tileUrl !== undefined ? opts.tileUrl : await settings.get('map.tileUrl') },
        district: await (async () => {
          const code = await settings.get('console.district');
          const d = code ? await boundaries.findByName('district', code) : null;
          return d ? { code: d.code, name: d.name } : null;
        })(),
      };
    },
  };
  return services;
}

function requirePhoneInput(phone: string): string {
  const p = normalizePhone(phone);
  if (!p.ok) throw new TrykError('bad_request', 'That is not a valid phone number', { phone: p.reason });
  return p.e164;
}

/** Binds to a configured gateway and lets go again: what `tryk gateway test` and the settings screen do. */
export async function testGateway(services: Services, name: string, timeoutS = 15) {
  const config = (await services.gateways.list()).find((g) => g.name === name);
  if (!config) throw new TrykError('not_found', `No gateway called ${name}`);
  const described = describeGateway(config.url);
  const gateway = createGateway(config.url);
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      gateway.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new TrykError('unavailable', `${name} did not answer within ${timeoutS} s`)), timeoutS * 1000);
      }),
    ]);
  } catch (e) {
    // Connector errors carry a code and a message without credentials.
    if (e instanceof TrykError) throw e;
    throw new TrykError('unavailable', `${name} refused or could not be reached: ${(e as { code?: string }).code ?? 'error'} (${(e as Error).message})`);
  } finally {
    clearTimeout(timer);
    await gateway.close().catch(() => undefined);
  }
  return { name, connected: true as const, ms: Date.now() - started, tps: described.tps, window: described.window };
}

/** Recent sends for the monitor. */
const RECENT_SENDS = 'SELECT id FROM sends ORDER BY id DESC LIMIT ?';

export function handlersFor(services: Services, emit?: EventListener, now?: () => Date, sender: () => Sender | null = () => null, tips: () => Tips | null = () => null): Handlers {
  const plainTips = tipService(services.store.db, now);
  const engine = () => {
    const s = sender();
    if (!s) throw new TrykError('unavailable', 'This console is not sending (no dispatch engine is running here)');
    return s.engine;
  };
  return {
    'app.status': { passive: true, handle: () => services.status() },
    'session.current': {
      passive: true,
      handle: async (_req, caller) => ({
        officer: caller.session.officer ? { ...caller.session.officer, roles: [...caller.session.officer.roles] } : null,
        officersExist: (await services.officers.count()) > 0,
        idleLockMinutes: await services.settings.get('security.idleLockMinutes'),
      }),
    },
    'session.signIn': {
      handle: async ({ username, passphrase }, caller) => {
        const audit = (officer: string | null, action: 'sign_in' | 'sign_in_failed', details: Record<string, unknown>) =>
          services.store.db.transaction((tx) => appendAudit(tx, { at: new Date(), officer, action, subject: 'session', details: { host: caller.host, ...details } }));
        let officer;
        try {
          officer = await services.officers.signIn(username, passphrase);
        } catch (e) {
          await audit(null, 'sign_in_failed', { username: username.slice(0, 40) });
          throw e;
        }
        await audit(officer.username, 'sign_in', {});
        caller.session.officer = officer;
        caller.session.lastActivity = Date.now();
        return officer;
      },
    },
    'session.signOut': {
      handle: async (_req, caller) => {
        const officer = caller.session.officer;
        caller.session.officer = null;
        if (officer) {
          await services.store.db.transaction((tx) =>
            appendAudit(tx, { at: new Date(), officer: officer.username, action: 'sign_out', subject: 'session', details: { host: caller.host } }),
          );
        }
        return { signedOut: true as const };
      },
    },
    'boundaries.list': { roles: ALL_ROLES, handle: ({ kind }) => services.boundaries.list(kind) },
    'boundaries.outlines': { roles: ALL_ROLES, handle: ({ kind }) => services.boundaries.outlines(kind) },
    'boundaries.search': { roles: ALL_ROLES, handle: ({ query }) => services.boundaries.search(query) },
    'target.count': { roles: ALL_ROLES, handle: async ({ area, filter }) => unwrapArea((await services.targeting()).count(area, filter)) },
    'target.geojson': {
      roles: ALL_ROLES,
      handle: async ({ area }) => {
        const geometryOf = new Map<string, Awaited<ReturnType<BoundaryService['geometry']>>>();
        for (const part of area.parts) {
          if (part.shape.type !== 'boundary') continue;
          const g = await services.boundaries.geometry(part.shape.kind, part.shape.code);
          if (!g) throw new TrykError('bad_request', `No ${part.shape.kind} with code ${part.shape.code}`, { area: 'unknown_boundary' });
          geometryOf.set(`${part.shape.kind}:${part.shape.code}`, g);
        }
        return areaToGeoJSON(area, (kind, code) => geometryOf.get(`${kind}:${code}`) as AreaGeometry | undefined) as { type: 'FeatureCollection'; features: unknown[] };
      },
    },
    'target.density': {
      roles: ALL_ROLES,
      passive: true,
      handle: async ({ bbox, zoom, filter }) => ({
        ...unwrapArea((await services.targeting()).density(bbox, { zoom, minCount: DENSITY_MIN_COUNT, ...(filter ? { filter } : {}) })),
        minCount: DENSITY_MIN_COUNT,
      }),
    },
    ...alertHandlers(services, { ...(emit ? { emit } : {}), ...(now ? { now } : {}) }),
    ...tipHandlers(services, () => tips()?.service ?? plainTips),
    'dispatch.list': {
      roles: ALL_ROLES,
      passive: true,
      handle: async ({ limit }) => {
        const e = engine();
        const ids = await services.store.db.all<{ id: number }>(RECENT_SENDS, [limit]);
        return Promise.all(ids.map((r) => e.status(r.id)));
      },
    },
    'dispatch.status': { roles: ALL_ROLES, passive: true, handle: ({ sendId }) => engine().status(sendId) },
    'dispatch.pause': { roles: ['operator', 'approver'], handle: ({ sendId }) => engine().pause(sendId) },
    'dispatch.resume': { roles: ['operator', 'approver'], handle: ({ sendId }) => engine().resume(sendId) },
    // Stopping an approved alert half-way is the shift leader's call.
    'dispatch.cancel': { roles: ['approver'], handle: ({ sendId }) => engine().cancel(sendId) },
    'dispatch.cells': { roles: ALL_ROLES, passive: true, handle: ({ sendId, zoom }) => deliveryCells(services.store.db, sendId, zoom) },
    'gateways.list': {
      roles: ALL_ROLES,
      passive: true,
      handle: async () => {
        const status = await services.status();
        const state = new Map(status.gateways.map((g) => [g.name, g.state]));
        return (await services.gateways.list()).map((g) => ({
          name: g.name,
          kind: g.kind,
          url: redactUrl(g.url),
          primary: g.primary,
          enabled: g.enabled,
          state: state.get(g.name) ?? 'disconnected',
        }));
      },
    },
    'gateways.add': {
      roles: ['admin'],
      handle: async ({ name, url, primary }, caller) => {
        // Checked by the connector's own parser first, so a mistyped URL is refused with its reason.
        describeGateway(url);
        const g = await services.gateways.add(name, url, { primary });
        await services.store.db.transaction((tx) =>
          appendAudit(tx, { at: new Date(), officer: caller.session.officer!.username, action: 'gateway_added', subject: `gateway:${g.name}`, details: { kind: g.kind, primary: g.primary } }),
        );
        return { name: g.name, kind: g.kind, primary: g.primary };
      },
    },
    'gateways.test': { roles: ['admin'], handle: ({ name }) => testGateway(services, name) },
    'subscribers.counts': { roles: ALL_ROLES, passive: true, handle: () => services.registry.counts() },
    'subscribers.find': {
      roles: ['admin'],
      handle: async ({ phone }, caller) => {
        const e164 = requirePhoneInput(phone);
        const found = await services.registry.find(e164);
        if (!found) throw new TrykError('not_found', 'No subscriber with that phone number');
        await services.store.db.transaction((tx) =>
          appendAudit(tx, { at: new Date(), officer: caller.session.officer!.username, action: 'export', subject: `subscriber:${found.id}`, details: { via: 'console', what: 'person' } }),
        );
        const { id: _id, ...person } = found;
        return person;
      },
    },
    'subscribers.erase': {
      roles: ['admin'],
      handle: async ({ phone }, caller) => {
        const erased = await services.registry.erase(requirePhoneInput(phone), { officer: caller.session.officer!.username, via: 'console' });
        if (!erased) throw new TrykError('not_found', 'No subscriber with that phone number');
        return { erased: true as const };
      },
    },
    'subscribers.import': {
      roles: ['admin'],
      handle: ({ content, format, mode, fileName }, caller) =>
        services.registry.importRecords(recordsFromText(content, format, fileName), mode, {
          officer: caller.session.officer?.username ?? null,
          via: 'console',
        }),
    },
  };
}

export async function startApp(opts: AppOptions): Promise<App> {
  const services = createServices(opts);
  await services.targeting(); // the first count must be instant, so the index is built before the window opens
  const listeners = new Set<(event: EventName, payload: unknown) => void>();
  const emit: EventListener = (event, payload) => {
    for (const l of listeners) l(event, payload);
  };
  services.registry.onChange(() => {
    void services.registry.counts().then((c) => emit('subscribers.changed', { total: c.total }));
  });
  const idleLockMs = (await services.settings.get('security.idleLockMinutes')) * 60_000;
  const tips = createTips(services, emit, opts.now);
  const sender = opts.sending === false ? null : await startSender({ services, emit, inbound: tips.inbound, ...(opts.now ? { now: opts.now } : {}) });
  if (sender) services.liveGatewayStates = sender.gatewayStates;
  tips.attach(sender);
  return {
    tips,
    dispatch: createDispatcher(handlersFor(services, emit, opts.now, () => sender, () => tips), opts.log ?? consoleLog, {
      idleLockMs: () => idleLockMs,
    }),
    services,
    sender,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit,
    async close() {
      await sender?.close();
      await tips.close();
      await opts.store.close();
    },
  };
}
