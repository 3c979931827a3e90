import { afterEach, describe, expect, it } from 'vitest';
import { migration0009 } from '../../../electron/store/migrations/0009-no-http-gateways';
import { gatewayConfigService } from '../../../electron/config/gateways';
import { latestVersion } from '../../../electron/store/migrations';
import type { Db } from '../../../electron/store/db';
import { memoryDbAt } from '../../support/store';

describe('migration 0009 (no http gateways)', () => {
  let db: Db;
  afterEach(() => db?.close());

  it('removes the http gateways no connector could connect, and keeps the others', async () => {
    db = await memoryDbAt(migration0009.version - 1);
    for (const [name, kind, url] of [
      ['sim', 'simulator', 'simulator://'],
      ['web', 'http', 'https://user:pw@example.invalid/send'],
      ['kannel', 'kannel', 'kannel://u:p@127.0.0.1:13013'],
    ] as const) {
      await db.run('INSERT INTO gateways (name, kind, url, is_primary, enabled, created_at) VALUES (?, ?, ?, 0, 1, ?)', [name, kind, url, 'now']);
    }
    await db.transaction((tx) => migration0009.up(tx));
    expect((await db.all<{ name: string }>('SELECT name FROM gateways ORDER BY name')).map((r) => r.name)).toEqual(['kannel', 'sim']);
  });

  it('and an http(s) address is refused when a gateway is added', async () => {
    db = await memoryDbAt(latestVersion);
    await expect(gatewayConfigService(db).add('web', 'https://user:pw@example.invalid/send')).rejects.toMatchObject({ code: 'bad_request' });
    await expect(gatewayConfigService(db).add('sim', 'simulator://')).resolves.toMatchObject({ kind: 'simulator' });
  });
});
