import { TrykError } from '../../shared/bridge/result';
import { createServices } from '../services';
import { testTileServer } from '../map/tiles';
import type { Command } from './command';
import { intOption, UsageError } from './command';
import { withStore } from './store-commands';
import { VERSION } from './version';

export const mapTestTilesCommand: Command = {
  name: 'map test-tiles',
  summary: 'fetch one tile over Denmark from a tile server (the configured one, or URL) and report',
  usage:
    'tryk map test-tiles [URL] [--timeout SECONDS] [--data-dir DIR] [--json]\n' +
    '  URL: a tile address with {z}, {x} and {y}, e.g. http://tiles.intern/{z}/{x}/{y}.png; set it with tryk settings map.tileUrl URL --as ADMIN',
  options: { timeout: { type: 'string' } },
  async run(ctx) {
    const [given, ...rest] = ctx.positionals;
    if (rest.length) throw new UsageError('give at most one URL');
    const timeoutS = intOption(ctx.values.timeout, 'timeout', 1, 60) ?? 5;
    const template = given ?? (await withStore(ctx, async (store) => (await createServices({ store, host: 'headless', version: VERSION }).status()).map.tileUrl));
    if (!template) throw new UsageError('no tile address is set (tryk settings map.tileUrl URL --as ADMIN), and none was given');
    const r = await testTileServer(template, timeoutS * 1000);
    if (!r.ok) throw new TrykError('unavailable', `${r.url}: ${r.problem}`, r);
    return { text: `${r.url} answered in ${r.ms} ms: ${r.contentType}, ${r.bytes.toLocaleString('en')} bytes.`, json: r };
  },
};
