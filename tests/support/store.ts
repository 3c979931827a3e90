import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Db } from '../../electron/store/db';
import { createStore } from '../../electron/store/store';
import type { Store } from '../../electron/store/store';
import { migrations } from '../../electron/store/migrations';
import type { Migration } from '../../electron/store/migrations';

export const TEST_PASSPHRASE = 'correct horse battery staple';

export function tempDir(prefix = 'tryk-test-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A real encrypted store in a fresh temporary directory, with the cheap test KDF. */
export async function testStore(): Promise<Store & { remove(): Promise<void> }> {
  const tmp = tempDir();
  const store = await createStore({
    dataDir: join(tmp.dir, 'data'),
    key: { kind: 'passphrase', passphrase: TEST_PASSPHRASE },
    kdf: 'fast',
  });
  return Object.assign(store, {
    remove: async () => {
      await store.close();
      tmp.remove();
    },
  });
}

/** An in-memory database migrated up to (and including) `version`, for migration tests. */
export async function memoryDbAt(version: number, list: readonly Migration[] = migrations): Promise<Db> {
  const db = await Db.open(':memory:', true);
  await db.exec('PRAGMA foreign_keys = ON');
  for (const m of list.filter((x) => x.version <= version)) {
    await db.transaction((tx) => m.up(tx));
  }
  return db;
}
