import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStore, DB_FILE, KEY_FILE, openStore } from '../../../electron/store/store';
import type { Store } from '../../../electron/store/store';
import { LOCK_FILE } from '../../../electron/store/lock';
import { latestVersion } from '../../../electron/store/migrations';
import { TEST_PASSPHRASE, tempDir } from '../../support/store';

const pass = (passphrase = TEST_PASSPHRASE) => ({ kind: 'passphrase' as const, passphrase });

describe('the encrypted store', () => {
  let tmp: ReturnType<typeof tempDir>;
  let dataDir: string;
  let open: Store[] = [];
  const track = (s: Store) => (open.push(s), s);

  beforeEach(() => {
    tmp = tempDir();
    dataDir = join(tmp.dir, 'data');
  });
  afterEach(async () => {
    for (const s of open) await s.close();
    open = [];
    tmp.remove();
  });

  const create = async () => track(await createStore({ dataDir, key: pass(), kdf: 'fast' }));

  it('creates, migrates to the latest schema, closes and opens again', async () => {
    const s = await create();
    expect(s.schemaVersion).toBe(latestVersion);
    await s.db.run("INSERT INTO settings (key, value) VALUES ('k', '1')");
    await s.close();
    const again = track(await openStore({ dataDir, key: pass() }));
    expect(await again.db.get('SELECT value FROM settings WHERE key = ?', ['k'])).toEqual({ value: '1' });
  });

  it('leaves no plaintext: neither a known phone number nor the SQLite header in any file', async () => {
    const phone = '+4529876543';
    const s = await create();
    await s.db.run("INSERT INTO subscribers (phone, created_at, updated_at) VALUES (?, 'now', 'now')", [phone]);
    const { lastID } = (await s.db.get<{ id: number }>('SELECT id FROM subscribers'))
      ? { lastID: (await s.db.get<{ id: number }>('SELECT id FROM subscribers'))!.id }
      : { lastID: 0 };
    await s.db.run("INSERT INTO places (subscriber_id, address, lat, lon) VALUES (?, 'Slotsgade 1, Hillerød', 55.93, 12.30)", [
      lastID,
    ]);
    // Check while open (WAL in use) and after close (checkpointed).
    const scan = () => {
      const files = readdirSync(dataDir);
      expect(files).toContain(DB_FILE);
      for (const f of files) {
        const bytes = readFileSync(join(dataDir, f));
        for (const needle of [phone, phone.slice(3), 'SQLite format 3', 'Slotsgade']) {
          expect(bytes.includes(Buffer.from(needle)), `${needle} in ${f}`).toBe(false);
        }
      }
    };
    scan();
    await s.close();
    scan();
  });

  it('refuses a wrong passphrase and changes nothing', async () => {
    const s = await create();
    await s.close();
    const before = readFileSync(join(dataDir, DB_FILE));
    await expect(openStore({ dataDir, key: pass('not the passphrase') })).rejects.toMatchObject({ code: 'store_wrong_key' });
    expect(readFileSync(join(dataDir, DB_FILE)).equals(before)).toBe(true);
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
  });

  it('calls a damaged database file corrupt (not a wrong key) and never replaces it', async () => {
    const s = await create();
    await s.close();
    writeFileSync(join(dataDir, DB_FILE), Buffer.alloc(8192, 7));
    await expect(openStore({ dataDir, key: pass() })).rejects.toMatchObject({ code: 'store_corrupt' });
    expect(readFileSync(join(dataDir, DB_FILE)).equals(Buffer.alloc(8192, 7))).toBe(true);
  });

  it('calls a damaged key file corrupt', async () => {
    const s = await create();
    await s.close();
    writeFileSync(join(dataDir, KEY_FILE), '{ not json');
    await expect(openStore({ dataDir, key: pass() })).rejects.toMatchObject({ code: 'store_corrupt' });
  });

  it('says so when the directory or the store is missing, without creating anything', async () => {
    await expect(openStore({ dataDir, key: pass() })).rejects.toMatchObject({ code: 'store_missing' });
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses half a store instead of making a new one over it', async () => {
    const s = await create();
    await s.close();
    const { rmSync } = await import('node:fs');
    rmSync(join(dataDir, KEY_FILE));
    await expect(openStore({ dataDir, key: pass() })).rejects.toMatchObject({ code: 'store_corrupt' });
    await expect(createStore({ dataDir, key: pass(), kdf: 'fast' })).rejects.toMatchObject({ code: 'store_exists' });
  });

  it('refuses to create over an existing store', async () => {
    const s = await create();
    await s.close();
    await expect(createStore({ dataDir, key: pass(), kdf: 'fast' })).rejects.toMatchObject({ code: 'store_exists' });
  });

  it('refuses a too-short passphrase without leaving files', async () => {
    await expect(createStore({ dataDir, key: pass('short'), kdf: 'fast' })).rejects.toMatchObject({ code: 'bad_request' });
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('allows one writer: a store held by a live process is refused, a stale lock is taken over', async () => {
    const s = await create();
    await s.close();
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      writeFileSync(join(dataDir, LOCK_FILE), String(holder.pid));
      await expect(openStore({ dataDir, key: pass() })).rejects.toMatchObject({ code: 'store_locked' });
    } finally {
      holder.kill();
    }
    await new Promise((r) => holder.once('exit', r));
    track(await openStore({ dataDir, key: pass() })); // the holder is dead: its lock is stale
  });

  it('takes over a lock whose pid now belongs to an unrelated live process', async () => {
    const s = await create();
    await s.close();
    const other = spawn('sleep', ['30']);
    try {
      writeFileSync(join(dataDir, LOCK_FILE), String(other.pid)); // an old pid-only lock, pid reused by `sleep`
      track(await openStore({ dataDir, key: pass() }));
    } finally {
      other.kill();
    }
  });

  it('takes over a lock naming a live pid that started after the lock was written (pid reuse)', async () => {
    const s = await create();
    await s.close();
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      writeFileSync(join(dataDir, LOCK_FILE), `${holder.pid} 1`); // started at tick 1: not this process
      track(await openStore({ dataDir, key: pass() }));
    } finally {
      holder.kill();
    }
  });

  // Before: SQLCipher opened the empty file as a new store, and migrations filled it.
  it('refuses a 0-byte or foreign database beside a key file, changing nothing', async () => {
    const s = await create();
    await s.close();
    writeFileSync(join(dataDir, DB_FILE), '');
    await expect(openStore({ dataDir, key: pass() })).rejects.toMatchObject({ code: 'store_corrupt', message: expect.stringMatching(/empty \(0 bytes\).*not the database this key file was made with/) });
    expect(readFileSync(join(dataDir, DB_FILE)).length).toBe(0);
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
  });

  it('creates the database file 0600 like the key', async () => {
    const s = await create();
    await s.close();
    const { statSync } = await import('node:fs');
    expect(statSync(join(dataDir, DB_FILE)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, KEY_FILE)).mode & 0o777).toBe(0o600);
  });

  it('maps store and file-system faults to one line each', async () => {
    const { systemError } = await import('../../../electron/store/store');
    const err = (code: string, message = '') => Object.assign(new Error(message || code), { code });
    expect(systemError(err('SQLITE_CORRUPT', 'SQLITE_CORRUPT: database disk image is malformed'), '/d')).toMatchObject({ code: 'store_corrupt' });
    expect(systemError(err('SQLITE_NOTADB'), '/d')).toMatchObject({ code: 'store_corrupt' });
    expect(systemError(err('EACCES'), '/d')).toMatchObject({ code: 'io_error', message: 'No permission to use the store in /d' });
    expect(systemError(err('EROFS'), '/d')).toMatchObject({ code: 'io_error', message: expect.stringMatching(/read-only/) });
    expect(systemError(err('ENOSPC'), '/d')).toMatchObject({ code: 'disk_full' });
    expect(systemError(err('SQLITE_FULL'), '/d')).toMatchObject({ code: 'disk_full' });
    expect(systemError(new Error('something else'), '/d')).toBeNull();
  });

  it('reports a full disk with a clear code and rolls the change back', async () => {
    const s = await create();
    await s.db.exec('PRAGMA max_page_count = 40'); // a disk that fills up soon
    const rows = Array.from({ length: 5000 }, (_, i) => [`+45${String(20000000 + i)}`]);
    const { storeError } = await import('../../../electron/store/store');
    const err = await s.db
      .transaction((tx) => tx.runMany("INSERT INTO subscribers (phone, created_at, updated_at) VALUES (?, 'now', 'now')", rows))
      .catch((e: unknown) => storeError(e, dataDir));
    expect(err).toMatchObject({ code: 'disk_full' });
    expect(await s.db.get('SELECT count(*) AS n FROM subscribers')).toEqual({ n: 0 });
  });

  it('refuses a store from a newer console', async () => {
    const s = await create();
    await s.db.exec(`PRAGMA user_version = ${latestVersion + 1}`);
    await s.close();
    await expect(openStore({ dataDir, key: pass() })).rejects.toMatchObject({ code: 'store_newer' });
  });

  it('wraps a random key with a keychain and refuses a foreign one', async () => {
    const xor = (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a));
    const keychain = { kind: 'keychain' as const, protect: xor, unprotect: xor };
    const s = track(await createStore({ dataDir, key: keychain }));
    await s.close();
    track(await openStore({ dataDir, key: keychain }));
    await open.pop()!.close();
    const foreign = { kind: 'keychain' as const, protect: xor, unprotect: (b: Buffer) => b };
    await expect(openStore({ dataDir, key: foreign })).rejects.toMatchObject({ code: 'store_wrong_key' });
    await expect(openStore({ dataDir, key: pass() })).rejects.toMatchObject({ code: 'store_wrong_key' });
  });
});
