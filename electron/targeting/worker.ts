/**
 * The targeting worker: holds the place index and answers counts, selections and density
 * off the main thread, so a 6 M count (tens of ms) or an index build (seconds) never holds
 * the bridge. Messages are handled one at a time in arrival order; the main process
 * (electron/targeting/client.ts) decides what to send, so a superseded count never gets here.
 *
 * Bundled on its own (build/build.mjs → dist/worker/targeting.cjs) without external
 * packages: it needs no native module and must load wherever main, the CLI or tests run.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { TransferListItem } from 'node:worker_threads';
import type { AreaGeometry } from '../../shared/geo/types';
import type { BoundaryKind } from '../../shared/targeting/area';
import { TargetingEngine } from './engine';
import { PlaceIndex } from './placeIndex';
import type { IndexArrays, IndexGrid } from './placeIndex';
import { decodeSnapshot } from './snapshot';
import type { BoundaryRow, Envelope, LoadInfo, Reply, WorkerOptions, WorkerRequest } from './protocol';

const port = parentPort;
if (!port) throw new Error('electron/targeting/worker.ts runs only as a worker thread');
const options = (workerData ?? {}) as WorkerOptions;

let engine: TargetingEngine | null = null;
let boundaries = new Map<string, AreaGeometry>();

function setBoundaries(rows: BoundaryRow[]): void {
  const map = new Map<string, AreaGeometry>();
  for (const r of rows) map.set(`${r.kind}:${r.code}`, JSON.parse(r.geometry) as AreaGeometry);
  boundaries = map;
  engine?.forgetBoundaries();
}

const resolve = (kind: BoundaryKind, code: string) => boundaries.get(`${kind}:${code}`);

class Refused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function ready(): TargetingEngine {
  if (!engine) throw new Refused('not_loaded', 'the index is not loaded yet');
  return engine;
}

const buffersOf = (a: IndexArrays): TransferListItem[] =>
  [a.subIds, a.subStatus, a.subGroups, a.subCategories, a.placeSub, a.placeLon, a.placeLat].map((x) => x.buffer as ArrayBuffer);

function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // Busy on purpose (tests): a terminate() must land while JavaScript runs, as in a real count.
  }
}

function handle(req: WorkerRequest): { value: unknown; transfer?: TransferListItem[] } {
  switch (req.type) {
    case 'load': {
      const t0 = performance.now();
      setBoundaries(req.boundaries);
      let arrays: IndexArrays;
      let grid: IndexGrid | undefined;
      if (req.source.kind === 'snapshot') {
        const decoded = decodeSnapshot(req.source.raw);
        if (!decoded.ok) throw new Refused('invalid_snapshot', decoded.detail);
        ({ arrays, grid } = decoded);
      } else {
        ({ arrays, grid } = req.source);
      }
      let index: PlaceIndex;
      try {
        index = PlaceIndex.fromArrays(arrays, {}, grid);
      } catch (e) {
        if (req.source.kind === 'snapshot') throw new Refused('invalid_snapshot', e instanceof Error ? e.message : String(e));
        throw e;
      }
      engine = new TargetingEngine(index, resolve);
      const info: LoadInfo = {
        source: req.source.kind === 'snapshot' ? 'snapshot' : 'store',
        subscribers: index.subscriberCount,
        places: index.placeCount,
        ms: performance.now() - t0,
        savedGrid: index.loadedWithGrid,
      };
      return { value: info };
    }
    case 'boundaries':
      setBoundaries(req.boundaries);
      return { value: null };
    case 'count':
      if (options.testCountDelayMs) spin(options.testCountDelayMs);
      return { value: ready().count(req.area, req.filter) };
    case 'select': {
      const r = ready().selectRecipients(req.area, req.filter);
      return { value: r, ...(r.ok ? { transfer: [r.value.buffer as ArrayBuffer] } : {}) };
    }
    case 'density':
      return {
        value: ready().density(req.region, {
          minCount: req.minCount,
          ...(req.filter ? { filter: req.filter } : {}),
          ...(req.zoom !== undefined ? { zoom: req.zoom } : {}),
          ...(req.cellSizeDeg !== undefined ? { cellSizeDeg: req.cellSizeDeg } : {}),
        }),
      };
    case 'apply': {
      const e = ready();
      for (const id of req.removed) e.removeSubscriber(id);
      for (const r of req.upserts) e.upsertSubscriber(r);
      return { value: null };
    }
    case 'export': {
      const index = ready().index;
      if (!index.changedSinceLoad) {
        // Still as laid out: hand back copies of its own arrays with the grid, so no second layout is needed.
        // (Unchanged, the current places are the static ones in layout order.)
        const arrays = index.currentArrays();
        const { grid } = index.layout();
        const g = { ...grid, cellStart: grid.cellStart.slice(), multiEnd: grid.multiEnd.slice() };
        return { value: { arrays, grid: g }, transfer: [...buffersOf(arrays), g.cellStart.buffer, g.multiEnd.buffer] };
      }
      const arrays = index.currentArrays();
      return { value: { arrays }, transfer: buffersOf(arrays) };
    }
    case 'layout': {
      const index = PlaceIndex.fromArrays(req.arrays);
      const { placeSub, placeLon, placeLat, grid } = index.layout();
      const arrays = { ...req.arrays, placeSub, placeLon, placeLat };
      return { value: { arrays, grid }, transfer: [...buffersOf(arrays), grid.cellStart.buffer as ArrayBuffer, grid.multiEnd.buffer as ArrayBuffer] };
    }
  }
}

port.on('message', (msg: Envelope) => {
  let reply: Reply;
  let transfer: TransferListItem[] | undefined;
  try {
    const out = handle(msg);
    reply = { id: msg.id, ok: true, value: out.value };
    transfer = out.transfer;
  } catch (e) {
    reply = e instanceof Refused ? { id: msg.id, ok: false, code: e.code, message: e.message } : { id: msg.id, ok: false, code: 'internal', message: e instanceof Error ? e.message : String(e) };
  }
  port.postMessage(reply, transfer ? [...new Set(transfer)] : undefined);
});
