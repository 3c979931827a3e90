/**
 * The service graph, built once per host from a store. Electron's main.ts, the headless host
 * and the CLI all call `startApp`, so they run the same services behind the same bridge.
 */
import type { AppStatus, EventName, EventOf } from '../shared/bridge/contract';
import { boundaryService } from './boundaries/service';
import type { BoundaryService } from './boundaries/service';
import { createDispatcher, consoleLog } from './bridge/dispatcher';
import type { Dispatch, DispatchLog, Handlers } from './bridge/dispatcher';
import { gatewayConfigService } from './config/gateways';
import type { GatewayConfigService } from './config/gateways';
import { settingsService } from './config/settings';
import type { SettingsService } from './config/settings';
import type { Store } from './store/store';

export type EventListener = <E extends EventName>(event: E, payload: EventOf<E>) => void;

export interface Services {
  store: Store;
  boundaries: BoundaryService;
  settings: SettingsService;
  gateways: GatewayConfigService;
  status(): Promise<AppStatus>;
}

export interface App {
  dispatch: Dispatch;
  services: Services;
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
}

export function createServices(opts: AppOptions): Services {
  const { store } = opts;
  const now = opts.now ?? (() => new Date());
  const boundaries = boundaryService(store.db, now);
  const settings = settingsService(store.db);
  const gateways = gatewayConfigService(store.db, now);
  const count = async (table: string) => (await store.db.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))?.n ?? 0;
  return {
    store,
    boundaries,
    settings,
    gateways,
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
          // The simulator is built in and always reachable; real gateways report their own
          // state once the dispatch engine connects them.
          state: !g.enabled ? 'disabled' : g.kind === 'simulator' ? 'connected' : 'disconnected',
          primary: g.primary,
        })),
        map: { tileUrl: opts.tileUrl !== undefined ? opts.tileUrl : await settings.get('map.tileUrl') },
      };
    },
  };
}

export function handlersFor(services: Services): Handlers {
  return {
    'app.status': { handle: () => services.status() },
    'boundaries.list': { handle: ({ kind }) => services.boundaries.list(kind) },
    'boundaries.outlines': { handle: ({ kind }) => services.boundaries.outlines(kind) },
  };
}

export async function startApp(opts: AppOptions): Promise<App> {
  const services = createServices(opts);
  const listeners = new Set<(event: EventName, payload: unknown) => void>();
  const emit: EventListener = (event, payload) => {
    for (const l of listeners) l(event, payload);
  };
  return {
    dispatch: createDispatcher(handlersFor(services), opts.log ?? consoleLog),
    services,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit,
    close: () => opts.store.close(),
  };
}
