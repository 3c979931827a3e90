/**
 * The service graph, built once per host from a store: every service exists once and the
 * handlers, the sender and the CLI all reach it here. Electron's main.ts, the headless host and
 * the CLI build it the same way, so they run the same services behind the same bridge.
 */
import type { AppStatus, EventName, EventOf, GatewaySummary } from '../shared/bridge/contract';
import type { AreaGeometry } from '../shared/geo/types';
import { alertService } from './alerts/service';
import type { AlertService } from './alerts/service';
import { boundaryService } from './boundaries/service';
import type { BoundaryService } from './boundaries/service';
import { gatewayConfigService } from './config/gateways';
import type { GatewayConfigService } from './config/gateways';
import { settingsService } from './config/settings';
import type { SettingsService } from './config/settings';
import { officerService } from './officers/service';
import type { OfficerService } from './officers/service';
import { registryService } from './registry/service';
import type { RegistryService } from './registry/service';
import type { Store } from './store/store';
import { ParseClient } from './parse/client';
import { PdfClient } from './reports/pdfClient';
import type { TargetingClient } from './targeting/client';
import { liveTargeting } from './targeting/live';
import type { LiveTargeting, LiveTargetingOptions } from './targeting/live';

export type EventListener = <E extends EventName>(event: E, payload: EventOf<E>) => void;

export interface Services {
  store: Store;
  boundaries: BoundaryService;
  registry: RegistryService;
  officers: OfficerService;
  settings: SettingsService;
  gateways: GatewayConfigService;
  alerts: AlertService;
  /** The parse worker: untrusted files (CAP, subscriber imports) read and checked off the main thread. */
  parse: ParseClient;
  /** The PDF worker: the after-action and period PDFs rendered off the main thread. */
  pdf: PdfClient;
  /** The place index in its worker, loaded on first use (seconds at national scale), then kept current. */
  targeting(): Promise<TargetingClient>;
  /** The worker, the registry changes it follows and its snapshot in the background. */
  liveTargeting: LiveTargeting;
  /** Set by the running console's sender: the gateways' live connection states. */
  liveGatewayStates: (() => Map<string, GatewaySummary['state']>) | null;
  /** Set by the running console's sender: gateways refusing every message, in their own words. */
  liveGatewayProblems: (() => Map<string, { code: string; reason: string }>) | null;
  status(): Promise<AppStatus>;
  /** Every bridge event the services raise goes to the listeners here (none in the CLI). */
  emit: EventListener;
  /** Listens to every event; returns the function that stops listening. */
  subscribe(listener: (event: EventName, payload: unknown) => void): () => void;
  now(): Date;
}

export interface ServiceOptions {
  store: Store;
  host: 'electron' | 'headless';
  version: string;
  /** Overrides the stored tile URL for this run (null: no online tiles, e.g. in tests). */
  tileUrl?: string | null;
  now?: () => Date;
  /** The targeting worker's settings: the snapshot's quiet time after a change (default 2 s); tests slow its counts. */
  targeting?: Pick<LiveTargetingOptions, 'snapshotDelayMs' | 'workerOptions'>;
}

export function createServices(opts: ServiceOptions): Services {
  const { store } = opts;
  const now = opts.now ?? (() => new Date());
  const plainBoundaries = boundaryService(store.db, now);
  const registry = registryService(store.db, now);
  const officers = officerService(store.db, { now });
  const settings = settingsService(store.db);
  const gateways = gatewayConfigService(store.db, now);

  const listeners = new Set<(event: EventName, payload: unknown) => void>();
  const emit: EventListener = (event, payload) => {
    for (const l of listeners) l(event, payload);
  };

  // The place index lives in a worker thread (electron/targeting/): loaded from the snapshot
  // when it matches the registry, else from the store; every registry change reaches it at
  // once and the snapshot follows in the background, so the next start is warm after any change.
  const live = liveTargeting(store.db, opts.targeting);
  const targeting = async () => {
    await live.client.start();
    return live.client;
  };
  registry.onChange((change) => live.applyChange(change));
  const boundaries: BoundaryService = {
    ...plainBoundaries,
    async importAll(list, by) {
      const result = await plainBoundaries.importAll(list, by);
      if (live.client.starts > 0) await live.boundariesChanged();
      return result;
    },
  };
  const alerts = alertService({
    db: store.db,
    settings,
    targeting,
    gateways,
    // Stored boundaries were checked on import; the store's type is looser than the shape it holds.
    boundaryGeometry: async (kind, code) => (await boundaries.geometry(kind, code)) as AreaGeometry | null,
    now,
    onChange: (change) => emit('alerts.changed', change),
  });

  const count = async (table: string) => (await store.db.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))?.n ?? 0;
  const services: Services = {
    liveGatewayStates: null,
    liveGatewayProblems: null,
    store,
    boundaries,
    registry,
    officers,
    settings,
    gateways,
    alerts,
    parse: new ParseClient(),
    pdf: new PdfClient(),
    targeting,
    liveTargeting: live,
    emit,
    now,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
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
        gateways: configured.map((g) => {
          const problem = services.liveGatewayProblems?.().get(g.name);
          // Live when the console is sending; the CLI has no connections and says so.
          const state = !g.enabled ? 'disabled' : problem ? 'attention' : (services.liveGatewayStates?.().get(g.name) ?? 'disconnected');
          return { name: g.name, kind: g.kind, state, primary: g.primary, ...(problem && g.enabled ? { problem } : {}) };
        }),
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
