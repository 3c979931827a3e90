import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TrykError } from '../../shared/bridge/result';
import { startApp } from '../app';
import { startHeadlessHost } from '../host/headless';
import type { Command } from './command';
import { intOption } from './command';
import { rendererDir } from './paths';
import { openWithPassphrase } from './store-commands';
import { VERSION } from './version';

export const DEFAULT_PORT = 4848;

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the console headless: the same services, served to a browser on 127.0.0.1',
  usage: 'tryk serve [--port P] [--data-dir DIR] [--no-tiles]',
  options: { port: { type: 'string' }, 'no-tiles': { type: 'boolean' } },
  async run(ctx) {
    const port = intOption(ctx.values.port, 'port', 0, 65535) ?? DEFAULT_PORT;
    const dir = rendererDir();
    if (!existsSync(join(dir, 'index.html'))) {
      throw new TrykError('unavailable', `The console is not built (${dir} is missing): run "npm run build"`);
    }
    const store = await openWithPassphrase(ctx);
    const noTiles = ctx.values['no-tiles'] === true || ctx.env.TRYK_MAP_TILES === 'off';
    const app = await startApp({ store, host: 'headless', version: VERSION, ...(noTiles ? { tileUrl: null } : {}) });
    let host: Awaited<ReturnType<typeof startHeadlessHost>>;
    try {
      const tileUrl = (await app.services.status()).map.tileUrl;
      const idleLockMs = (await app.services.settings.get('security.idleLockMinutes')) * 60_000;
      host = await startHeadlessHost({
        app,
        idleLockMs: () => idleLockMs,
        rendererDir: dir,
        port,
        tileHosts: tileUrl ? [new URL(tileUrl.replace(/\{[a-z]\}/g, 'a')).origin] : [],
      });
    } catch (e) {
      await app.close();
      throw e;
    }
    // The URL carries the per-start token; it is the one line a person or a test reads.
    console.log(`Tryk Console is running at ${host.url}`);
    ctx.progress(`Data: ${ctx.dataDir}. Stop with Ctrl+C.`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await host.close();
    await app.close();
    return { text: 'Stopped.', json: { stopped: true } };
  },
};
