import { readBoundedJson } from './read-file';
import { basename, join } from 'node:path';
import type { BoundaryKind } from '../../shared/bridge/contract';
import { boundaryKinds } from '../../shared/bridge/contract';
import { createServices } from '../services';
import { parseBoundaryJson } from '../boundaries/bundled';
import type { ParsedBoundary } from '../boundaries/parse';
import { createStore, openStore } from '../store/store';
import type { Store } from '../store/store';
import type { KdfCost } from '../store/keys';
import type { Command, CommandContext } from './command';
import { UsageError } from './command';
import { readPassphrase } from './passphrase';
import { VERSION } from './version';
import { actorOrStorePassphrase } from './sign-in';
import { registryVersion, snapshotState } from '../targeting/snapshot';
import { refreshStaleSnapshot } from '../targeting/live';

/** Test runs may ask for the cheap KDF; a real store always gets the default cost. */
export const kdfFromEnv = (env: NodeJS.ProcessEnv): KdfCost => (env.TRYK_KDF_COST === 'fast' ? 'fast' : 'default');

export async function openWithPassphrase(ctx: CommandContext): Promise<Store> {
  const passphrase = await readPassphrase({ confirm: false, env: ctx.env });
  return openStore({ dataDir: ctx.dataDir, key: { kind: 'passphrase', passphrase } });
}

/**
 * Opens the store for one command and closes it after. A command that changed the registry
 * (an import, an erase, a keyword) leaves the console's index snapshot stale: it is brought up
 * to date before the store closes, so the console's next start stays warm (issue 14).
 */
export async function withStore<T>(ctx: CommandContext, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openWithPassphrase(ctx);
  try {
    const before = await registryVersion(store.db);
    const result = await fn(store);
    if ((await registryVersion(store.db)) !== before && (await snapshotState(store.db)) === 'stale') {
      // On stderr: the command's own output (text or --json) stays as it was.
      process.stderr.write("Updating the map index for the console's next start…\n");
      const r = await refreshStaleSnapshot(store.db);
      process.stderr.write(r.outcome === 'written' ? `Map index updated in ${(r.ms / 1000).toFixed(1)} s.\n` : `The map index was not updated (${r.detail ?? r.outcome}); the console builds it on its next start.\n`);
    }
    return result;
  } finally {
    await store.close();
  }
}

export function readBoundaryFiles(files: string[], kind?: BoundaryKind): ParsedBoundary[] {
  return files.flatMap((file) => {
    const json = readBoundedJson(file, 'boundaries');
    return parseBoundaryJson(json, basename(file), kind);
  });
}

/** The DAGI files a demo imports, in this order. */
export const dagiFiles = ['politikredse.geojson', 'kommuner.geojson', 'postnumre.geojson', 'regioner.geojson'];
export const dagiPaths = (dir: string) => dagiFiles.map((f) => join(dir, f));

export const initCommand: Command = {
  name: 'init',
  summary: 'create a new, empty encrypted store',
  usage: 'tryk init [--data-dir DIR]',
  options: {},
  async run(ctx) {
    const passphrase = await readPassphrase({ confirm: true, env: ctx.env });
    const store = await createStore({ dataDir: ctx.dataDir, key: { kind: 'passphrase', passphrase }, kdf: kdfFromEnv(ctx.env) });
    const version = store.schemaVersion;
    await store.close();
    return {
      text: `Created an encrypted store in ${ctx.dataDir} (schema ${version}).`,
      json: { dataDir: ctx.dataDir, schemaVersion: version },
    };
  },
};

export const statusCommand: Command = {
  name: 'status',
  summary: 'open the store and show what it holds',
  usage: 'tryk status [--data-dir DIR] [--json]',
  options: {},
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const s = await createServices({ store, host: 'headless', version: VERSION }).status();
      const gateways = s.gateways.length
        ? s.gateways.map((g) => `${g.name} (${g.kind}${g.primary ? ', primary' : ''})`).join(', ')
        : 'none';
      return {
        text: [
          `Store:        ${ctx.dataDir} (encrypted, schema ${s.store.schemaVersion})`,
          `Subscribers:  ${s.store.subscribers.toLocaleString('en')} with ${s.store.places.toLocaleString('en')} places`,
          `Boundaries:   ${s.store.boundaries}`,
          `Gateways:     ${gateways}`,
        ].join('\n'),
        json: { dataDir: ctx.dataDir, ...s },
      };
    }),
};

export const boundariesImportCommand: Command = {
  name: 'boundaries import',
  summary: 'import police districts, municipalities, postcodes or regions from GeoJSON or TopoJSON',
  usage: 'tryk boundaries import FILE... [--kind district|municipality|postcode|region] [--as ADMIN] [--data-dir DIR]',
  options: { kind: { type: 'string' }, as: { type: 'string' } },
  async run(ctx) {
    if (ctx.positionals.length === 0) throw new UsageError('name at least one GeoJSON or TopoJSON file');
    const kind = ctx.values.kind as string | undefined;
    if (kind !== undefined && !(boundaryKinds as readonly string[]).includes(kind)) {
      throw new UsageError(`--kind must be one of ${boundaryKinds.join(', ')}`);
    }
    const parsed = readBoundaryFiles(ctx.positionals, kind as BoundaryKind | undefined); // all files read before the store changes
    return withStore(ctx, async (store) => {
      const services = createServices({ store, host: 'headless', version: VERSION });
      const { audit } = await actorOrStorePassphrase(ctx, services.officers, ['admin'], 'import boundaries');
      const result = await services.boundaries.importAll(parsed, audit);
      const parts = Object.entries(result.byKind).map(([k, n]) => `${n} ${k}`);
      return { text: `Imported ${parts.join(', ')} boundaries.`, json: result };
    });
  },
};

export const gatewayAddCommand: Command = {
  name: 'gateway add',
  summary: 'configure an SMS gateway (simulator://, smpp://, kannel://, https://)',
  usage: 'tryk gateway add NAME URL [--primary] [--as ADMIN] [--data-dir DIR]',
  options: { primary: { type: 'boolean' }, as: { type: 'string' } },
  async run(ctx) {
    const [name, url] = ctx.positionals;
    if (!name || !url || ctx.positionals.length > 2) throw new UsageError('give a NAME and a URL');
    return withStore(ctx, async (store) => {
      const services = createServices({ store, host: 'headless', version: VERSION });
      const { audit } = await actorOrStorePassphrase(ctx, services.officers, ['admin'], 'add gateways');
      const g = await services.gateways.add(name, url, { primary: ctx.values.primary === true }, audit);
      return {
        text: `Added gateway ${g.name} (${g.kind}${g.primary ? ', primary' : ''}).`,
        json: { name: g.name, kind: g.kind, primary: g.primary },
      };
    });
  },
};
