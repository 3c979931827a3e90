/**
 * A ready-to-use demo store: boundaries, the simulator gateway and synthetic subscribers.
 * `tryk demo` and the desktop app's first start both make it here; all or nothing.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { TrykError } from '../../shared/bridge/result';
import { createServices } from '../services';
import { STORE_PASSPHRASE } from '../officers/service';
import type { ParsedBoundary } from '../boundaries/parse';
import { createStore, DB_FILE, KEY_FILE } from '../store/store';
import type { Store } from '../store/store';
import type { KdfCost, KeySource } from '../store/keys';
import { socialChannelService } from '../social/channels';
import { boundariesFromParsed } from './dagi';
import { warmSendFigures } from '../reports/figures';
import { writeHistory } from './history';
import { insertSubscribers, synthesizeSubscribers } from './synthesize';

export const DEFAULT_DEMO_DISTRICT = 'Nordsjællands Politi';
export const DEMO_GATEWAY_URL = 'simulator://?tps=500&fail=0.02';
/**
 * The embedded Facebook and X simulators: a post's reach runs 60 times faster than life (the
 * seed's 800,000 views in four hours take four minutes), and is read every 5 s at first.
 */
export const DEMO_SOCIAL_CHANNELS = [
  { name: 'facebook', url: 'facebook://nordsjaellandspoliti?token=demo-page-token&api=simulator&speedup=60&poll=5' },
  { name: 'x', url: 'x://?token=demo-user-token&api=simulator&speedup=60&poll=5' },
] as const;

/** Demo accounts, one per role, for training (documented in the README; synthetic data only). */
export const DEMO_OFFICERS = [
  { username: 'jensen', displayName: 'Betjent Jensen', roles: ['operator'] as const, passphrase: 'demo-operator' },
  { username: 'vagtchef', displayName: 'Vagtchef Holm', roles: ['operator', 'approver'] as const, passphrase: 'demo-vagtchef' },
  { username: 'admin', displayName: 'Administrator', roles: ['admin'] as const, passphrase: 'demo-administrator' },
];

/** The district a name (or number) means, or null for 'all'; a clear error listing the choices otherwise. */
export function pickDistrict(parsed: readonly ParsedBoundary[], name: string): ParsedBoundary | null {
  if (name.trim().toLowerCase() === 'all') return null;
  const wanted = name.trim().toLocaleLowerCase('da');
  const d = parsed.find((b) => b.kind === 'district' && (b.name.toLocaleLowerCase('da') === wanted || b.code === name.trim()));
  if (!d) {
    const names = parsed.filter((b) => b.kind === 'district').map((b) => b.name);
    throw new TrykError('bad_request', `no police district "${name}"; choose one of: ${names.join(', ')}, or all`);
  }
  return d;
}

export interface DemoOptions {
  dataDir: string;
  key: KeySource;
  kdf?: KdfCost;
  boundaries: readonly ParsedBoundary[];
  district: ParsedBoundary | null;
  subscribers: number;
  seed: number;
  version: string;
  /** A year of alerts, deliveries, tips, outcomes and sign-ups before now (default true). */
  history?: boolean;
  now?: Date;
  progress?: (line: string) => void;
}

/** Makes the store and leaves it open for the caller; on any failure removes what it made. */
export async function makeDemoStore(opts: DemoOptions): Promise<{ store: Store; subscribers: number; places: number }> {
  const store = await createStore({ dataDir: opts.dataDir, key: opts.key, ...(opts.kdf ? { kdf: opts.kdf } : {}) });
  try {
    const services = createServices({ store, host: 'headless', version: opts.version });
    const imported = await services.boundaries.importAll(opts.boundaries);
    opts.progress?.(`Imported ${imported.imported} boundaries.`);
    await services.gateways.add('simulator', DEMO_GATEWAY_URL, { primary: true });
    const social = socialChannelService(store.db);
    for (const c of DEMO_SOCIAL_CHANNELS) await social.add(c.name, c.url);
    for (const o of DEMO_OFFICERS) await services.officers.create({ ...o, roles: [...o.roles] }, STORE_PASSPHRASE, { host: 'cli' });
    await services.settings.set('console.district', opts.district?.code ?? null);
    opts.progress?.(
      `Placing ${opts.subscribers.toLocaleString('en')} synthetic subscribers in ${opts.district?.name ?? 'Denmark'} (seed ${opts.seed})…`,
    );
    const stats = await insertSubscribers(
      store.db,
      synthesizeSubscribers({
        count: opts.subscribers,
        district: opts.district?.name ?? null,
        seed: opts.seed,
        boundaries: boundariesFromParsed(opts.boundaries),
      }),
    );
    if (opts.history !== false) {
      const officerId = async (username: string) => (await store.db.get<{ id: number }>('SELECT id FROM officers WHERE username = ?', [username]))!.id;
      await writeHistory({
        db: store.db,
        targeting: () => services.targeting(),
        now: opts.now ?? new Date(),
        seed: opts.seed,
        operator: await officerId('jensen'),
        approver: await officerId('vagtchef'),
        gateway: 'simulator',
        ...(opts.progress ? { progress: opts.progress } : {}),
      });
      await warmSendFigures(store.db);
    }
    return { store, subscribers: stats.subscribers, places: stats.places };
  } catch (e) {
    // A half-made demo store is worse than none: remove exactly what was created here.
    await store.close().catch(() => undefined);
    for (const f of [DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`, KEY_FILE]) rmSync(join(opts.dataDir, f), { force: true });
    throw e instanceof TrykError ? e : new TrykError('internal', `the demo store could not be made: ${(e as Error).message}`);
  }
}
