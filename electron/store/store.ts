/**
 * The encrypted store: one SQLCipher file in a data directory, its keyfile, and a lock.
 * Opening never creates: only `createStore` makes a new store, and only where none exists,
 * so a wrong key or a damaged file can never be "fixed" by a new empty database over it.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TrykError, isTrykError } from '../../shared/bridge/result';
import { Db } from './db';
import { createKey, Keyfile, unlockKey } from './keys';
import type { KdfCost, KeySource } from './keys';
import { acquireLock } from './lock';
import { latestVersion, migrations } from './migrations';

export const DB_FILE = 'tryk.db';
export const KEY_FILE = 'tryk.key.json';

export interface Store {
  readonly db: Db;
  readonly dataDir: string;
  readonly schemaVersion: number;
  close(): Promise<void>;
}

export type StoreState = 'none' | 'complete' | 'partial';

/** What is in a data directory: nothing, a whole store, or half of one (never overwritten). */
export function storeState(dataDir: string): StoreState {
  const db = existsSync(join(dataDir, DB_FILE));
  const key = existsSync(join(dataDir, KEY_FILE));
  if (db && key) return 'complete';
  return db || key ? 'partial' : 'none';
}

/**
 * What SQLite or the file system said, as one line a user can act on, or null when it is
 * none of the known store and disk faults. Used by every entry point (CLI, bridge, hosts):
 * SQLCipher's own log lines are switched off, so this line is all a user sees.
 */
export function systemError(e: unknown, where: string): TrykError | null {
  if (isTrykError(e)) return e;
  const err = e as (NodeJS.ErrnoException & { errno?: number }) | null;
  const text = `${err?.code ?? ''} ${err?.message ?? ''}`;
  if (/SQLITE_FULL|ENOSPC|EDQUOT|database or disk is full/.test(text)) {
    return new TrykError('disk_full', `The disk holding ${where} is full: nothing was changed`);
  }
  if (/SQLITE_NOTADB|SQLITE_CORRUPT|file is not a database|malformed/.test(text)) {
    return new TrykError('store_corrupt', `The store file in ${where} is damaged or not a Tryk store: restore it from a backup`);
  }
  if (/EROFS|read-only file system/.test(text)) {
    return new TrykError('io_error', `${where} is on a read-only file system: the store cannot be changed there`);
  }
  if (/EACCES|EPERM|SQLITE_READONLY|SQLITE_PERM|SQLITE_AUTH/.test(text)) {
    return new TrykError('io_error', `No permission to use the store in ${where}`);
  }
  if (/SQLITE_IOERR|EIO\b/.test(text)) {
    return new TrykError('io_error', `Reading or writing the store in ${where} failed (a disk error): nothing was changed`);
  }
  return null;
}

/** Maps what SQLite and the file system say into codes a user can be told about. */
export function storeError(e: unknown, dataDir: string): TrykError {
  const known = systemError(e, dataDir);
  if (known) return known;
  const err = e as NodeJS.ErrnoException | null;
  const text = `${err?.code ?? ''} ${err?.message ?? ''}`;
  if (/ENOENT|SQLITE_CANTOPEN/.test(text)) {
    return new TrykError('store_missing', `No store in ${dataDir}: run "tryk init" or "tryk demo" first`);
  }
  return new TrykError('io_error', `The store in ${dataDir} could not be used (${err?.code ?? 'unknown error'})`);
}

/** Smaller than one SQLCipher page: not a database any key file was made with. */
const MIN_DB_BYTES = 1024;

async function keyed(file: string, key: Buffer, create: boolean): Promise<Db> {
  const db = await Db.open(file, create);
  try {
    // SQLCipher would print three raw lines per damaged page on stderr; storeError says it once.
    await db.exec('PRAGMA cipher_log_level = NONE').catch(() => undefined);
    await db.exec(`PRAGMA key = "x'${key.toString('hex')}'"`);
    // The first read is what fails on a wrong key or a foreign file.
    await db.get('SELECT count(*) AS n FROM sqlite_master');
    await db.exec('PRAGMA temp_store = MEMORY'); // no plaintext temp files
    await db.exec('PRAGMA locking_mode = EXCLUSIVE'); // one writer, also against other SQLite clients
    await db.exec('PRAGMA journal_mode = WAL');
    await db.exec('PRAGMA synchronous = NORMAL');
    await db.exec('PRAGMA foreign_keys = ON');
    await db.exec('PRAGMA secure_delete = ON'); // an erased person's bytes are overwritten, not just unlinked
    return db;
  } catch (e) {
    await db.close().catch(() => undefined);
    throw e;
  }
}

async function migrate(db: Db, dataDir: string): Promise<number> {
  const row = await db.get<{ user_version: number }>('PRAGMA user_version');
  const current = row?.user_version ?? 0;
  if (current > latestVersion) {
    throw new TrykError(
      'store_newer',
      `The store in ${dataDir} has schema version ${current}, newer than this console (${latestVersion}): update the console`,
    );
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    await db.transaction(async (tx) => {
      await m.up(tx);
      await tx.exec(`PRAGMA user_version = ${m.version}`);
    });
  }
  return latestVersion;
}

function store(db: Db, dataDir: string, schemaVersion: number, release: () => void): Store {
  let closed: Promise<void> | null = null;
  return {
    db,
    dataDir,
    schemaVersion,
    close: () => (closed ??= db.close().finally(release)),
  };
}

/** Makes a new store in `dataDir` (created if missing); refuses if any part of a store is there. */
export async function createStore(opts: { dataDir: string; key: KeySource; kdf?: KdfCost }): Promise<Store> {
  const { dataDir } = opts;
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw storeError(e, dataDir);
  }
  if (storeState(dataDir) !== 'none') {
    throw new TrykError('store_exists', `There is already a store in ${dataDir}: nothing was changed`);
  }
  const release = acquireLock(dataDir);
  const dbFile = join(dataDir, DB_FILE);
  const keyTmp = join(dataDir, `${KEY_FILE}.new`);
  let db: Db | null = null;
  try {
    const { key, keyfile } = await createKey(opts.key, opts.kdf);
    writeFileSync(keyTmp, JSON.stringify(keyfile, null, 2), { mode: 0o600 });
    // Made here, 0600 like the key, before SQLite opens it (SQLite would use the umask; its
    // -wal and -shm files take the database file's mode).
    closeSync(openSync(dbFile, 'wx', 0o600));
    db = await keyed(dbFile, key, true);
    const version = await migrate(db, dataDir);
    renameSync(keyTmp, join(dataDir, KEY_FILE)); // the store exists only once both files are whole
    return store(db, dataDir, version, release);
  } catch (e) {
    await db?.close().catch(() => undefined);
    for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`, keyTmp]) rmSync(f, { force: true });
    release();
    throw storeError(e, dataDir);
  }
}

/** Opens the store in `dataDir`, applying any pending migrations. Never creates one. */
export async function openStore(opts: { dataDir: string; key: KeySource }): Promise<Store> {
  const { dataDir } = opts;
  if (!existsSync(dataDir) || !statSync(dataDir).isDirectory()) {
    throw new TrykError('store_missing', `No data directory at ${dataDir}: run "tryk init" or "tryk demo" first`);
  }
  const state = storeState(dataDir);
  if (state === 'none') throw new TrykError('store_missing', `No store in ${dataDir}: run "tryk init" or "tryk demo" first`);
  if (state === 'partial') {
    const missing = existsSync(join(dataDir, DB_FILE)) ? KEY_FILE : DB_FILE;
    throw new TrykError('store_corrupt', `The store in ${dataDir} is incomplete: ${missing} is missing`);
  }
  const release = acquireLock(dataDir);
  let db: Db | null = null;
  try {
    let keyfile: Keyfile;
    try {
      keyfile = Keyfile.parse(JSON.parse(readFileSync(join(dataDir, KEY_FILE), 'utf8')));
    } catch {
      throw new TrykError('store_corrupt', `The key file in ${dataDir} is damaged`);
    }
    const key = await unlockKey(opts.key, keyfile);
    const dbFile = join(dataDir, DB_FILE);
    // A key file says a store was made here: its database must be one that was made with it.
    // SQLCipher opens an empty file as a new empty database, which migrations would then fill.
    const size = statSync(dbFile).size;
    if (size < MIN_DB_BYTES) {
      throw new TrykError('store_corrupt', `The store file ${dbFile} is ${size === 0 ? 'empty (0 bytes)' : `only ${size} bytes`}: it is not the database this key file was made with; restore it from a backup`);
    }
    db = await keyed(dbFile, key, false);
    const made = await db.get<{ user_version: number }>('PRAGMA user_version');
    if (!made?.user_version) {
      throw new TrykError('store_corrupt', `The store file ${dbFile} was not made by Tryk Console with this key file; restore it from a backup`);
    }
    const version = await migrate(db, dataDir);
    return store(db, dataDir, version, release);
  } catch (e) {
    await db?.close().catch(() => undefined);
    release();
    throw storeError(e, dataDir);
  }
}
