/**
 * The main process's side of the targeting worker: it checks what it forwards, forwards it,
 * and keeps the worker alive. No index work happens on this thread.
 *
 * - Bounded before it is sent: an area's vertices are counted here; an area over shared/geo's
 *   `MAX_AREA_VERTICES` never reaches the worker, which checks the schema itself.
 * - Latest wins: counts given the same `key` (the bridge uses the caller's connection) form
 *   a lane with at most one count at the worker and one waiting; a newer count replaces the
 *   waiting one, which is answered `conflict` (superseded) without being computed.
 * - A worker that dies (killed, out of memory, a crash) is restarted on the next request,
 *   loading its index again through `load`; a query lost with it is retried once, and a
 *   second loss is answered with a clear `unavailable`.
 * - The worker is ref'd only while a request is out, so it never keeps a CLI run alive.
 */
import { bundledWorkerPath } from '../worker-path';
import { Worker } from 'node:worker_threads';
import type { TransferListItem } from 'node:worker_threads';
import { TrykError } from '../../shared/bridge/result';
import type { TargetArea, TargetFilterInput } from '../../shared/targeting/area';
import type { AreaResult } from '../../shared/targeting/compile';
import type { BBox } from '../../shared/geo/types';
import { countVertices, MAX_AREA_VERTICES, tooManyVertices } from '../../shared/geo/validate';
import type { Log } from '../log';
import type { CountResult, DensityResult, IndexArrays, IndexGrid, SubscriberRecord } from './placeIndex';
import type { BoundaryRow, Envelope, IndexSource, LoadInfo, Reply, WorkerOptions, WorkerRequest, WorkerResults } from './protocol';

export const defaultWorkerPath = (): string => bundledWorkerPath('targeting', 'targeting worker');

/** A request lost because the worker stopped. */
class WorkerDied extends Error {}

class WorkerRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface LoadInput {
  source: IndexSource;
  boundaries: BoundaryRow[];
}

export interface TargetingClientOptions {
  /** The index to load into a (re)started worker; `fromStore` when the snapshot was refused by the worker. */
  load(opts: { fromStore: boolean }): Promise<LoadInput>;
  workerPath?: string;
  workerOptions?: WorkerOptions;
  /** One line per worker start, stop and refused snapshot; never personal data. */
  log?: Log;
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

interface Lane {
  busy: boolean;
  waiting: { run: () => void; supersede: () => void } | null;
}

function transferOf(source: IndexSource): TransferListItem[] {
  if (source.kind === 'snapshot') return Object.values(source.raw.buffers);
  const a = source.arrays;
  const list: ArrayBufferLike[] = [a.subIds, a.subStatus, a.subGroups, a.subCategories, a.placeSub, a.placeLon, a.placeLat].map((x) => x.buffer);
  if (source.grid) list.push(source.grid.cellStart.buffer, source.grid.multiEnd.buffer);
  return [...new Set(list)] as TransferListItem[];
}

/** Vertices of an area's drawn shapes, counted on the raw arrays (shared/geo/validate.ts's rule) before anything is parsed. */
export function areaVertices(area: unknown): number {
  const parts = (area as { parts?: unknown } | null)?.parts;
  if (!Array.isArray(parts)) return 0;
  let n = 0;
  for (const p of parts) {
    const s = (p as { shape?: { type?: unknown; coordinates?: unknown } } | null)?.shape;
    if (s?.type === 'polygon') n += countVertices(s.coordinates, 1);
    else if (s?.type === 'multipolygon') n += countVertices(s.coordinates, 2);
  }
  return n;
}

export class TargetingClient {
  private worker: Worker | null = null;
  private starting: Promise<LoadInfo> | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  private readonly lanes = new WeakMap<object, Lane>();
  /** How the running worker got its index. */
  lastLoad: LoadInfo | null = null;
  /** Worker starts so far (1 after the first). */
  starts = 0;

  constructor(private readonly opts: TargetingClientOptions) {}

  private log(line: string): void {
    this.opts.log?.warn(line);
  }

  /** Starts the worker and loads the index, if not running; resolves when it can answer. */
  start(): Promise<LoadInfo> {
    if (this.closed) return Promise.reject(new TrykError('unavailable', 'The targeting service is closed'));
    return (this.starting ??= this.boot());
  }

  private spawn(): Worker {
    const w = new Worker(this.opts.workerPath ?? defaultWorkerPath(), { workerData: this.opts.workerOptions ?? {} });
    w.unref();
    w.on('message', (reply: Reply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) w.unref();
      if (reply.ok) p.resolve(reply.value);
      else p.reject(new WorkerRefused(reply.code, reply.message));
    });
    const died = (why: string) => {
      if (this.worker !== w) return;
      this.worker = null;
      this.starting = null;
      this.lastLoad = null;
      if (!this.closed) this.log(`targeting worker stopped (${why}); it restarts on the next request`);
      const lost = [...this.pending.values()];
      this.pending.clear();
      for (const p of lost) p.reject(new WorkerDied(why));
    };
    w.on('error', (e) => died(`${(e as { code?: string }).code ?? 'error'}: ${e.message}`));
    w.on('exit', (code) => died(`exit ${code}`));
    this.worker = w;
    this.starts++;
    return w;
  }

  private post<K extends keyof WorkerResults>(w: Worker, req: Extract<WorkerRequest, { type: K }>, transfer?: TransferListItem[]): Promise<WorkerResults[K]> {
    if (this.worker !== w) return Promise.reject(new WorkerDied('replaced'));
    const id = this.nextId++;
    return new Promise<WorkerResults[K]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.ref();
      const envelope: Envelope = { id, ...req };
      w.postMessage(envelope, transfer);
    });
  }

  private async boot(): Promise<LoadInfo> {
    const w = this.spawn();
    try {
      let input = await this.opts.load({ fromStore: false });
      let info: LoadInfo;
      try {
        info = await this.post(w, { type: 'load', ...input }, transferOf(input.source));
      } catch (e) {
        if (!(e instanceof WorkerRefused && e.code === 'invalid_snapshot')) throw e;
        this.log(`index snapshot refused by the worker (${e.message}): building from the store`);
        input = await this.opts.load({ fromStore: true });
        info = await this.post(w, { type: 'load', ...input }, transferOf(input.source));
      }
      this.lastLoad = info;
      return info;
    } catch (e) {
      // A half-started worker is of no use: the next request starts a fresh one.
      if (this.worker === w) {
        this.worker = null;
        this.starting = null;
        void w.terminate();
      }
      throw e;
    }
  }

  private async request<K extends keyof WorkerResults>(req: Extract<WorkerRequest, { type: K }>, transfer?: TransferListItem[]): Promise<WorkerResults[K]> {
    await this.start();
    const w = this.worker;
    if (!w) throw new WorkerDied('stopped while starting');
    return this.post(w, req, transfer);
  }

  /** A query lost with a dying worker is asked once more of a fresh one. */
  private async query<K extends keyof WorkerResults>(req: Extract<WorkerRequest, { type: K }>): Promise<WorkerResults[K]> {
    try {
      return await this.request(req);
    } catch (e) {
      if (!(e instanceof WorkerDied)) throw this.toBridge(e);
    }
    try {
      return await this.request(req);
    } catch (e) {
      if (e instanceof WorkerDied) {
        throw new TrykError('unavailable', `The targeting worker stopped twice in a row (${e.message}); try again in a moment`, { area: 'index_unavailable' });
      }
      throw this.toBridge(e);
    }
  }

  private toBridge(e: unknown): unknown {
    if (e instanceof WorkerRefused) return new TrykError('internal', `targeting worker: ${e.code}: ${e.message}`);
    return e;
  }

  /**
   * The work bound, on this thread, before anything is sent: the vertices counted on the raw
   * arrays (microseconds). The schema is checked in the worker (TargetingEngine.compile, with
   * the same code and message): parsed here as well it cost this thread a third pass over a
   * 20,000-vertex area (the bridge's contract check being the first), 5-40 ms each.
   */
  private check(area: unknown): AreaResult<TargetArea> {
    const parts = (area as { parts?: unknown } | null)?.parts;
    if (!Array.isArray(parts) || parts.length > 500) {
      return { ok: false, error: { code: 'invalid_area', message: 'not a target area: it needs 1 to 500 parts' } };
    }
    const n = areaVertices(area);
    if (n > MAX_AREA_VERTICES) return { ok: false, error: tooManyVertices('the area', n, MAX_AREA_VERTICES, 'an area') };
    return { ok: true, value: area as TargetArea };
  }

  /**
   * Counts the subscribers in `area`. With a `key`, a newer count for the same key replaces
   * one still waiting (that one is answered `conflict` with `details.superseded`).
   */
  async count(area: unknown, filter?: TargetFilterInput, key?: object): Promise<AreaResult<CountResult>> {
    const checked = this.check(area);
    if (!checked.ok) return checked;
    const run = () => this.query<'count'>({ type: 'count', area: checked.value, filter });
    if (!key) return run();
    let lane = this.lanes.get(key);
    if (!lane) this.lanes.set(key, (lane = { busy: false, waiting: null }));
    const l = lane;
    const next = () => {
      const w = l.waiting;
      l.waiting = null;
      if (w) w.run();
      else l.busy = false;
    };
    if (!l.busy) {
      l.busy = true;
      return run().finally(next);
    }
    return new Promise<AreaResult<CountResult>>((resolve, reject) => {
      l.waiting?.supersede();
      l.waiting = {
        run: () => void run().then(resolve, reject).finally(next),
        supersede: () => reject(new TrykError('conflict', 'A newer count for the same map replaced this one before it was computed', { superseded: true })),
      };
    });
  }

  async selectRecipients(area: unknown, filter?: TargetFilterInput): Promise<AreaResult<Int32Array>> {
    const checked = this.check(area);
    if (!checked.ok) return checked;
    return this.query<'select'>({ type: 'select', area: checked.value, filter });
  }

  async density(region: TargetArea | BBox, opts: { filter?: TargetFilterInput; cellSizeDeg?: number; zoom?: number; minCount: number }): Promise<AreaResult<DensityResult>> {
    let r: TargetArea | BBox = region;
    if (!Array.isArray(region)) {
      const checked = this.check(region);
      if (!checked.ok) return checked;
      r = checked.value;
    }
    return this.query<'density'>({
      type: 'density',
      region: r,
      filter: opts.filter,
      minCount: opts.minCount,
      ...(opts.zoom !== undefined ? { zoom: opts.zoom } : {}),
      ...(opts.cellSizeDeg !== undefined ? { cellSizeDeg: opts.cellSizeDeg } : {}),
    });
  }

  /**
   * Registry changes, in the order they were read. Lost with a dying worker is fine: a
   * restarted worker loads the store (or a snapshot of exactly its version), which already
   * holds them.
   */
  async apply(upserts: SubscriberRecord[], removed: number[]): Promise<void> {
    try {
      await this.request<'apply'>({ type: 'apply', upserts, removed });
    } catch (e) {
      if (!(e instanceof WorkerDied)) throw this.toBridge(e);
    }
  }

  async setBoundaries(boundaries: BoundaryRow[]): Promise<void> {
    try {
      await this.request<'boundaries'>({ type: 'boundaries', boundaries });
    } catch (e) {
      if (!(e instanceof WorkerDied)) throw this.toBridge(e);
    }
  }

  /** The index's current arrays, with its grid when the index is still as loaded; ordered after every earlier `apply`. */
  exportArrays(): Promise<{ arrays: IndexArrays; grid?: IndexGrid }> {
    return this.request<'export'>({ type: 'export' });
  }

  /** Tests and the benchmark: stops the worker as a crash or an out-of-memory kill would. */
  async killWorker(): Promise<void> {
    await this.worker?.terminate();
  }

  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = null;
    this.starting = null;
    for (const p of this.pending.values()) p.reject(new TrykError('unavailable', 'The targeting service closed'));
    this.pending.clear();
    await w?.terminate();
  }
}

/** Lays out `arrays` (the grid build, seconds at national scale) in a worker of its own, so the one answering counts is not held. */
export async function layoutInWorker(arrays: IndexArrays, workerPath?: string): Promise<{ arrays: IndexArrays; grid: IndexGrid }> {
  const w = new Worker(workerPath ?? defaultWorkerPath());
  try {
    return await new Promise((resolve, reject) => {
      w.once('message', (reply: Reply) => (reply.ok ? resolve(reply.value as { arrays: IndexArrays; grid: IndexGrid }) : reject(new Error(`${reply.code}: ${reply.message}`))));
      w.once('error', reject);
      w.once('exit', (code) => reject(new Error(`the layout worker stopped (exit ${code})`)));
      const envelope: Envelope = { id: 1, type: 'layout', arrays };
      w.postMessage(envelope, transferOf({ kind: 'arrays', arrays }));
    });
  } finally {
    await w.terminate();
  }
}
