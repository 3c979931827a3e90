/**
 * A small promise layer over the sqlite3 API of @journeyapps/sqlcipher.
 * One connection, one writer: every operation runs through a queue so a transaction
 * is never interleaved with another caller's statements on the same connection.
 */
import sqlite3 from '@journeyapps/sqlcipher';

export type Param = string | number | bigint | null | Buffer | Uint8Array;
export type Params = readonly Param[] | Record<string, Param>;

export interface RunResult {
  changes: number;
  lastID: number;
}

/** What a query can do; both the database and a transaction handle offer it. */
export interface Queryable {
  run(sql: string, params?: Params): Promise<RunResult>;
  get<T>(sql: string, params?: Params): Promise<T | undefined>;
  all<T>(sql: string, params?: Params): Promise<T[]>;
  /** Streams rows without holding them all in memory (large scans). */
  each<T>(sql: string, params: Params, onRow: (row: T) => void): Promise<number>;
  exec(sql: string): Promise<void>;
  /** Runs one statement for many parameter rows with a prepared statement (bulk writes). */
  runMany(sql: string, rows: Iterable<Params>): Promise<number>;
}

type Raw = InstanceType<typeof sqlite3.Database>;

function conn(raw: Raw): Queryable {
  return {
    run: (sql, params = []) =>
      new Promise((resolve, reject) => {
        raw.run(sql, params, function (this: { changes: number; lastID: number }, err: Error | null) {
          if (err) reject(err);
          else resolve({ changes: this.changes, lastID: this.lastID });
        });
      }),
    get: <T>(sql: string, params: Params = []) =>
      new Promise<T | undefined>((resolve, reject) => {
        raw.get(sql, params, (err: Error | null, row: T | undefined) => (err ? reject(err) : resolve(row)));
      }),
    all: <T>(sql: string, params: Params = []) =>
      new Promise<T[]>((resolve, reject) => {
        raw.all(sql, params, (err: Error | null, rows: T[]) => (err ? reject(err) : resolve(rows)));
      }),
    each: <T>(sql: string, params: Params, onRow: (row: T) => void) =>
      new Promise<number>((resolve, reject) => {
        let failed: unknown = null;
        raw.each(
          sql,
          params,
          (err: Error | null, row: T) => {
            if (err || failed) {
              failed ??= err;
              return;
            }
            try {
              onRow(row);
            } catch (e) {
              failed = e;
            }
          },
          (err: Error | null, count: number) => (err || failed ? reject(err ?? failed) : resolve(count)),
        );
      }),
    exec: (sql) => new Promise((resolve, reject) => raw.exec(sql, (err) => (err ? reject(err) : resolve()))),
    // Sequential on purpose: SQLite may roll a whole transaction back on its own (SQLITE_FULL),
    // and statements still queued behind the failure would then commit one by one outside it.
    runMany: async (sql, rows) => {
      const stmt = await new Promise<InstanceType<typeof sqlite3.Statement>>((resolve, reject) => {
        const s = raw.prepare(sql, (err: Error | null) => (err ? reject(err) : resolve(s)));
      });
      let count = 0;
      try {
        for (const params of rows) {
          await new Promise<void>((resolve, reject) => stmt.run(params, (err: Error | null) => (err ? reject(err) : resolve())));
          count++;
        }
      } finally {
        await new Promise<void>((resolve) => stmt.finalize(() => resolve()));
      }
      return count;
    },
  };
}

export class Db implements Queryable {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly c: Queryable;
  private closed = false;

  private constructor(private readonly raw: Raw) {
    this.c = conn(raw);
  }

  /** After `close()`: background work (the index snapshot) stops quietly instead of failing. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Opens (never creates unless `create`) the file; the caller keys it before any other statement. */
  static open(file: string, create: boolean): Promise<Db> {
    const mode = sqlite3.OPEN_READWRITE | (create ? sqlite3.OPEN_CREATE : 0);
    return new Promise((resolve, reject) => {
      const raw: Raw = new sqlite3.Database(file, mode, (err: Error | null) =>
        err ? reject(err) : resolve(new Db(raw)),
      );
    });
  }

  /** Runs `fn` alone on the connection, after everything queued before it. */
  private locked<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }

  run(sql: string, params?: Params) {
    return this.locked(() => this.c.run(sql, params));
  }
  get<T>(sql: string, params?: Params) {
    return this.locked(() => this.c.get<T>(sql, params));
  }
  all<T>(sql: string, params?: Params) {
    return this.locked(() => this.c.all<T>(sql, params));
  }
  each<T>(sql: string, params: Params, onRow: (row: T) => void) {
    return this.locked(() => this.c.each<T>(sql, params, onRow));
  }
  exec(sql: string) {
    return this.locked(() => this.c.exec(sql));
  }
  runMany(sql: string, rows: Iterable<Params>) {
    return this.transaction((tx) => tx.runMany(sql, rows));
  }

  /** All or nothing: commits when `fn` resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.locked(async () => {
      await this.c.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(this.c);
        await this.c.exec('COMMIT');
        return result;
      } catch (e) {
        await this.c.exec('ROLLBACK').catch(() => undefined);
        throw e;
      }
    });
  }

  close(): Promise<void> {
    return this.locked(
      () =>
        new Promise<void>((resolve, reject) => {
          this.closed = true;
          this.raw.close((err) => (err ? reject(err) : resolve()));
        }),
    );
  }
}

/**
 * Bulk insert with multi-row VALUES statements: about 20× faster than one statement per row
 * through this API, and still stops at the first failure. `head` is e.g.
 * "INSERT INTO places (subscriber_id, lat, lon)"; every row must have `width` values.
 */
export async function insertMany(
  q: Queryable,
  head: string,
  width: number,
  rows: Iterable<readonly Param[]>,
  tail = '',
): Promise<number> {
  const perStatement = Math.max(1, Math.min(500, Math.floor(32_000 / width)));
  const tuple = `(${Array.from({ length: width }, () => '?').join(',')})`;
  const fullSql = `${head} VALUES ${Array.from({ length: perStatement }, () => tuple).join(',')} ${tail}`;
  let batch: Param[] = [];
  let inBatch = 0;
  let count = 0;
  const full: Param[][] = [];
  const flushFull = async () => {
    if (full.length) await q.runMany(fullSql, full.splice(0));
  };
  for (const row of rows) {
    if (row.length !== width) throw new Error(`insertMany: row has ${row.length} values, expected ${width}`);
    batch.push(...row);
    inBatch++;
    count++;
    if (inBatch === perStatement) {
      full.push(batch);
      batch = [];
      inBatch = 0;
      if (full.length >= 20) await flushFull();
    }
  }
  await flushFull();
  if (inBatch > 0) {
    await q.run(`${head} VALUES ${Array.from({ length: inBatch }, () => tuple).join(',')} ${tail}`, batch);
  }
  return count;
}
