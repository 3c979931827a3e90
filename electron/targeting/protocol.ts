/**
 * The messages between the main process and the targeting worker (electron/targeting/worker.ts).
 * Typed arrays travel as transferred ArrayBuffers: moved, not copied.
 */
import type { TargetArea, TargetFilterInput } from '../../shared/targeting/area';
import type { AreaResult } from '../../shared/targeting/compile';
import type { BBox } from '../../shared/geo/types';
import type { CountResult, DensityResult, IndexArrays, IndexGrid, SubscriberRecord } from './placeIndex';
import type { RawSnapshot } from './snapshot';

export interface BoundaryRow {
  kind: string;
  code: string;
  /** GeoJSON geometry as stored: parsed in the worker. */
  geometry: string;
}

/** Where a (re)started worker gets its index from. */
export type IndexSource = { kind: 'snapshot'; raw: RawSnapshot } | { kind: 'arrays'; arrays: IndexArrays; grid?: IndexGrid };

export interface LoadInfo {
  source: 'snapshot' | 'store';
  subscribers: number;
  places: number;
  /** Time the worker spent decoding, checking and building. */
  ms: number;
  /** Whether a saved grid was used (a snapshot) or built. */
  savedGrid: boolean;
}

export type WorkerRequest =
  | { type: 'load'; source: IndexSource; boundaries: BoundaryRow[] }
  | { type: 'boundaries'; boundaries: BoundaryRow[] }
  | { type: 'count'; area: TargetArea; filter: TargetFilterInput | undefined }
  | { type: 'select'; area: TargetArea; filter: TargetFilterInput | undefined }
  | { type: 'density'; region: TargetArea | BBox; filter: TargetFilterInput | undefined; zoom?: number; cellSizeDeg?: number; minCount: number }
  | { type: 'apply'; upserts: SubscriberRecord[]; removed: number[] }
  /** The index's current arrays (a copy, transferred back), for a snapshot. */
  | { type: 'export' }
  /** A one-off job for a second worker: lay out `arrays` (the grid build) and hand both back. */
  | { type: 'layout'; arrays: IndexArrays };

export interface WorkerResults {
  load: LoadInfo;
  boundaries: null;
  count: AreaResult<CountResult>;
  select: AreaResult<Int32Array>;
  density: AreaResult<DensityResult>;
  apply: null;
  export: { arrays: IndexArrays; grid?: IndexGrid };
  layout: { arrays: IndexArrays; grid: IndexGrid };
}

export type Envelope = { id: number } & WorkerRequest;

export type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; code: string; message: string };

export interface WorkerOptions {
  /** Tests only: each count first spins this long, so a test can kill the worker mid-count. */
  testCountDelayMs?: number;
}
