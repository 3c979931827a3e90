import { DEFAULT_DEMO_DISTRICT, makeDemoStore, pickDistrict } from '../demo/make-demo';
import type { Command } from './command';
import { intOption } from './command';
import { readBundledBoundaries } from '../boundaries/bundled';
import { readPassphrase } from './passphrase';
import { dagiPaths, kdfFromEnv, readBoundaryFiles } from './store-commands';
import { VERSION } from './version';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'make a ready-to-use store: boundaries, the simulator gateway and synthetic subscribers',
  usage:
    'tryk demo [--subscribers N] [--district NAME|all] [--seed S] [--boundaries DIR] [--data-dir DIR]\n' +
    `  defaults: 34,000 subscribers in "${DEFAULT_DEMO_DISTRICT}", seed 1, the console's own boundaries (data/boundaries)\n` +
    '  --boundaries DIR: a folder with the DAGI files politikredse.geojson, kommuner.geojson, postnumre.geojson, regioner.geojson',
  options: { subscribers: { type: 'string' }, district: { type: 'string' }, seed: { type: 'string' }, boundaries: { type: 'string' } },
  async run(ctx) {
    const subscribers = intOption(ctx.values.subscribers, 'subscribers', 0, 10_000_000) ?? 34_000;
    const seed = intOption(ctx.values.seed, 'seed', 0, 2 ** 32 - 1) ?? 1;
    const dir = ctx.values.boundaries as string | undefined;
    // Everything that can be wrong with the input is found before anything is written.
    const boundaries = dir ? readBoundaryFiles(dagiPaths(dir)) : readBundledBoundaries();
    const district = pickDistrict(boundaries, (ctx.values.district as string | undefined) ?? DEFAULT_DEMO_DISTRICT);
    const passphrase = await readPassphrase({ confirm: true, env: ctx.env });
    const made = await makeDemoStore({
      dataDir: ctx.dataDir,
      key: { kind: 'passphrase', passphrase },
      kdf: kdfFromEnv(ctx.env),
      boundaries,
      district,
      subscribers,
      seed,
      version: VERSION,
      progress: ctx.progress,
    });
    await made.store.close();
    const where = district?.name ?? 'Denmark';
    return {
      text: `Demo store ready in ${ctx.dataDir}: ${made.subscribers.toLocaleString('en')} subscribers with ${made.places.toLocaleString('en')} places in ${where}, simulator gateway.`,
      json: { dataDir: ctx.dataDir, subscribers: made.subscribers, places: made.places, district: district?.name ?? null, seed },
    };
  },
};
