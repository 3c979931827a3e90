/**
 * Targeting as the console runs it: the worker (client.ts) fed from the store, registry
 * changes forwarded to it at once, and the snapshot kept current in the background so the
 * next start loads in seconds whatever happened since (an import, an erase, a sign-up, an
 * opt-out).
 *
 * Keeping the snapshot exact. A snapshot is tagged with a registry version and is loaded
 * only when the store is still at that version, so its arrays must be exactly the registry
 * at that version. The worker's index is: every change reaches it through `applyChange`, in
 * order, after its commit. A refresh therefore
 *   1. waits until every change heard of has been applied, and reads the version V;
 *   2. asks the worker for its arrays (the worker answers after every earlier apply);
 *   3. reads the version again: if it moved, or a change was heard of meanwhile, the arrays
 *      may miss a write counted in V, so they are dropped and the refresh tried later;
 *   4. lays the arrays out in a second, short-lived worker when the index changed since its
 *      own layout (the grid build takes seconds at 6 M and must not hold the counting one);
 *   5. writes them under V, write-then-flip (snapshot.ts).
 * A registry change emits its event in the same turn its transaction's commit resolves, so
 * one committed before step 1's read has been heard of by step 3's check.
 */
import { logFor } from '../log';
import type { Log } from '../log';
import type { Db } from '../store/db';
import { subscriberRecords } from '../registry/index-sync';
import { TargetingClient, layoutInWorker } from './client';
import type { LoadInput, TargetingClientOptions } from './client';
import { readIndexArrays } from './fromStore';
import type { BoundaryRow } from './protocol';
import { readRawSnapshot, registryVersion, snapshotState, writeSnapshot } from './snapshot';
import type { SnapshotWrite } from './snapshot';

export interface LiveTargetingOptions {
  /** Quiet time after the last change before the snapshot is brought up to date. */
  snapshotDelayMs?: number;
  /** false: never write snapshots (a CLI run that only counts once). */
  writeSnapshots?: boolean;
  workerPath?: string;
  workerOptions?: TargetingClientOptions['workerOptions'];
  log?: Log;
}

export interface SnapshotRefresh {
  /** Written, or why not. */
  outcome: 'written' | 'moved' | 'failed' | 'skipped';
  write?: SnapshotWrite;
  detail?: string;
}

export interface LiveTargeting {
  client: TargetingClient;
  /** A registry change (after its commit): read the records and forward them to the worker. */
  applyChange(change: { upserted: readonly number[]; removed: readonly number[] }): void;
  /** Boundaries were imported: the worker gets the new shapes. */
  boundariesChanged(): Promise<void>;
  /** Resolves when every change heard of so far has reached the worker. */
  applied(): Promise<void>;
  /** Brings the snapshot up to date now (what the debounced timer runs). */
  refreshSnapshot(): Promise<SnapshotRefresh>;
  /** Resolves once no snapshot refresh is pending or running. */
  snapshotSettled(): Promise<void>;
  /** Stops the timer, lets a running refresh finish, stops the worker. */
  close(): Promise<void>;
}

async function boundaryRows(db: Db): Promise<BoundaryRow[]> {
  return db.all<BoundaryRow>('SELECT kind, code, geometry FROM boundaries');
}

export function liveTargeting(db: Db, opts: LiveTargetingOptions = {}): LiveTargeting {
  const log = opts.log ?? logFor('targeting');
  const delay = opts.snapshotDelayMs ?? 2_000;
  const writes = opts.writeSnapshots ?? true;
  /** Changes heard of; compared before and after a refresh reads the worker. */
  let heard = 0;
  let applying: Promise<void> = Promise.resolve();
  /** Whether the stored snapshot may be behind the worker's index. */
  let dirty = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<SnapshotRefresh> | null = null;
  let closed = false;

  async function load({ fromStore }: { fromStore: boolean }): Promise<LoadInput> {
    const boundaries = await boundaryRows(db);
    if (!fromStore) {
      const read = await readRawSnapshot(db).catch((e: unknown) => ({ ok: false as const, reason: 'invalid' as const, detail: `unreadable: ${e instanceof Error ? e.message : String(e)}` }));
      if (read.ok) {
        dirty = false;
        return { source: { kind: 'snapshot', raw: read.raw }, boundaries };
      }
      log.warn(`index snapshot not used (${read.reason}: ${read.detail}): building from the store`);
    }
    const arrays = await readIndexArrays(db);
    // Whatever the reason for this build, the next start should not need one.
    dirty = true;
    schedule();
    return { source: { kind: 'arrays', arrays }, boundaries };
  }

  const client = new TargetingClient({
    load,
    log,
    ...(opts.workerPath ? { workerPath: opts.workerPath } : {}),
    ...(opts.workerOptions ? { workerOptions: opts.workerOptions } : {}),
  });

  function schedule(): void {
    if (!writes || closed || db.isClosed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void refresh();
    }, delay);
    timer.unref();
  }

  async function attempt(): Promise<SnapshotRefresh> {
    await client.start();
    await applying;
    const before = heard;
    const version = await registryVersion(db);
    if (heard !== before) return { outcome: 'moved', detail: 'a change arrived while the version was read' };
    await applying;
    const exported = await client.exportArrays();
    if ((await registryVersion(db)) !== version || heard !== before) return { outcome: 'moved', detail: 'the registry changed while the index was read' };
    const laid = exported.grid ? { arrays: exported.arrays, grid: exported.grid } : await layoutInWorker(exported.arrays, opts.workerPath);
    const write = await writeSnapshot(db, laid.arrays, version, { grid: laid.grid, signal: { get aborted() { return closed; } } });
    if (heard === before) dirty = false;
    return { outcome: 'written', write };
  }

  function refresh(): Promise<SnapshotRefresh> {
    if (!writes) return Promise.resolve({ outcome: 'skipped' });
    running ??= (async () => {
      try {
        if (!dirty) return { outcome: 'skipped' as const };
        return await attempt();
      } catch (e) {
        // The previous snapshot stays whole (write-then-flip); the next change or start tries again.
        const detail = e instanceof Error ? e.message : String(e);
        if (!closed && !db.isClosed) log.warn(`index snapshot not written: ${detail}`);
        return { outcome: 'failed' as const, detail };
      } finally {
        running = null;
        if (dirty && !closed && !db.isClosed) schedule();
      }
    })();
    return running;
  }

  return {
    client,
    applyChange({ upserted, removed }) {
      heard++;
      dirty = true;
      const up = [...upserted];
      const rm = [...removed];
      applying = applying
        .then(async () => {
          if (closed) return;
          // Never started: its first load reads the store as it is by then. Once started (or
          // restarting), the change is sent: it waits for the load, and a record applied twice is harmless.
          if (client.starts === 0) return;
          await client.apply(up.length > 0 ? await subscriberRecords(db, up) : [], rm);
        })
        .catch((e: unknown) => {
          if (!closed && !db.isClosed) log.warn(`a registry change did not reach the index: ${e instanceof Error ? e.message : String(e)}`);
        });
      schedule();
    },
    async boundariesChanged() {
      await client.setBoundaries(await boundaryRows(db));
    },
    applied: () => applying,
    refreshSnapshot: refresh,
    async snapshotSettled() {
      for (;;) {
        if (running) await running;
        else if (timer) {
          clearTimeout(timer);
          timer = null;
          await refresh();
        } else return;
      }
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running?.catch(() => undefined);
      await applying;
      await client.close();
    },
  };
}

/**
 * For a process that changed the registry without a running index (a CLI import, erase or
 * sign-up): when the store has a snapshot (a console has run on it) that the change made
 * stale, rebuild and write it now, so the console's next start loads it instead of building
 * from the store. The previous snapshot stays whole if this is interrupted.
 */
export async function refreshStaleSnapshot(db: Db, opts: Pick<LiveTargetingOptions, 'workerPath' | 'log'> = {}): Promise<SnapshotRefresh & { ms: number }> {
  const t0 = performance.now();
  if ((await snapshotState(db)) !== 'stale') return { outcome: 'skipped', detail: 'no stale snapshot', ms: 0 };
  const live = liveTargeting(db, { ...opts, snapshotDelayMs: 0 });
  try {
    // The load finds the snapshot stale, builds from the store and marks the snapshot dirty.
    await live.client.start();
    const outcome = await live.refreshSnapshot();
    return { ...outcome, ms: performance.now() - t0 };
  } finally {
    await live.close();
  }
}
