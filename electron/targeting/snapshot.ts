/**
 * A persisted copy of the index arrays, so start-up reaches the place index in seconds.
 *
 * Building from the store is bound by per-row work inside SQLCipher (~40 s at 6 M
 * subscribers), while the same data as a few large BLOBs is a handful of page reads and
 * decryptions. The snapshot lives in the encrypted store itself (table `index_snapshot`,
 * migration 0008), so nothing of value is written outside it.
 *
 * Never stale: the snapshot's header carries the registry version (bumped by triggers on
 * every write to the indexed tables) read *before* the arrays were read. Any write after
 * that moment, even one that lands in the middle of the build, makes the stored version
 * differ, so the snapshot can only ever match the exact registry it was built from.
 *
 * Never trusted blindly: a missing, foreign, truncated or corrupt snapshot (bad JSON, wrong
 * format, byte lengths or CRC-32, ids out of order, places pointing nowhere) is ignored and
 * the index is built from the store, as it was before snapshots existed.
 *
 * Write, then flip: a new snapshot goes into rows of a new generation (`g<N>/<column>.<i>`)
 * while the header row still names the previous one; one short transaction then replaces the
 * header, and the old generation's rows are deleted afterwards, one row per transaction. A
 * crash at any moment leaves either the old snapshot (whole and checked) or the new one;
 * rows of a generation no header names are garbage, removed by the next write.
 */
import { endianness } from 'node:os';
import { crc32 } from 'node:zlib';
import type { Db } from '../store/db';
import { subscriberStatuses } from '../../shared/targeting/area';
import { PlaceIndex } from './placeIndex';
import type { IndexArrays, IndexGrid, IndexOptions } from './placeIndex';
import { COORD_SCALE, buildIndexFromStore } from './fromStore';
import type { BuildStats } from './fromStore';

/** Bump when the layout below or the meaning of the arrays changes: older snapshots are then ignored. */
export const SNAPSHOT_FORMAT = 2;
/**
 * Bytes per BLOB row. Each row is its own short transaction, so a background write never
 * holds the connection (and the bridge's queries queued behind it) for more than one
 * chunk's encryption: ~0.2 s for 4 MiB on this loaded 2-core machine. Reading speed was
 * the same for 1, 16 and 64 MiB rows (measured at 1 M subscribers), so small rows cost nothing.
 */
export const SNAPSHOT_CHUNK_BYTES = 4 * 2 ** 20;
const HEADER = 'header';

const COLUMNS = ['subIds', 'subStatus', 'subGroups', 'subCategories', 'placeSub', 'placeLon', 'placeLat'] as const;
/** Present when the places are saved in the index's own order, with its grid. */
const GRID_COLUMNS = ['cellStart', 'multiEnd'] as const;
type Column = (typeof COLUMNS)[number] | (typeof GRID_COLUMNS)[number];
type GridParams = Omit<IndexGrid, 'cellStart' | 'multiEnd'>;

/** How coordinates are stored: integers of 1e-7 degree (half the bytes) when that is exact, else doubles. */
type CoordEncoding = 'e7' | 'f64';

interface PartInfo {
  column: Column;
  bytes: number;
  chunks: number;
  crc: number;
}

export interface SnapshotHeader {
  format: number;
  /** The generation whose rows hold the parts: `g<generation>/<column>.<chunk>`. */
  generation: number;
  endian: 'LE' | 'BE';
  version: number;
  subscribers: number;
  places: number;
  groupCodes: string[];
  categoryCodes: string[];
  coords: CoordEncoding;
  /** Bytes per BLOB row (the last of a column may be shorter). */
  chunkBytes: number;
  grid: GridParams | null;
  parts: PartInfo[];
}

export interface SnapshotWrite {
  version: number;
  bytes: number;
  ms: number;
}

export type SnapshotRead =
  | { ok: true; arrays: IndexArrays; grid?: IndexGrid; version: number; bytes: number; ms: number }
  | { ok: false; reason: 'none' | 'stale' | 'invalid'; detail: string };

/** The registry's current version (migration 0008's counter). */
export async function registryVersion(db: Db): Promise<number> {
  const row = await db.get<{ version: number }>('SELECT version FROM registry_version WHERE id = 1');
  if (!row) throw new Error('the registry version row is missing');
  return row.version;
}

function coordEncoding(a: IndexArrays): CoordEncoding {
  for (const col of [a.placeLon, a.placeLat]) {
    for (let i = 0; i < col.length; i++) {
      const v = col[i]!;
      const q = Math.round(v * COORD_SCALE);
      if (q / COORD_SCALE !== v || q > 0x7fffffff || q < -0x80000000) return 'f64';
    }
  }
  return 'e7';
}

function toE7(col: Float64Array): Int32Array {
  const out = new Int32Array(col.length);
  for (let i = 0; i < col.length; i++) out[i] = Math.round(col[i]! * COORD_SCALE);
  return out;
}

function bytesOf(a: ArrayBufferView): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

const partName = (generation: number, column: Column, chunk: number) => `g${generation}/${column}.${chunk}`;

/** The generation the header names, or null when there is no readable header. */
async function currentGeneration(db: Db): Promise<number | null> {
  const raw = await db.get<{ data: Buffer }>('SELECT data FROM index_snapshot WHERE part = ?', [HEADER]);
  if (!raw || !Buffer.isBuffer(raw.data)) return null;
  try {
    const g = (JSON.parse(raw.data.toString('utf8')) as { generation?: unknown }).generation;
    return isCount(g) ? g : null;
  } catch {
    return null;
  }
}

/**
 * Deletes every part row but the header and `keep`'s, one row per statement: with
 * secure_delete each freed page is overwritten, and a single DELETE of 180 MiB would hold
 * the connection (and every bridge call queued behind it) for seconds.
 */
async function deleteGenerationsExcept(db: Db, keep: number | null): Promise<void> {
  const prefix = keep === null ? null : `g${keep}/`;
  const rows = await db.all<{ part: string }>('SELECT part FROM index_snapshot WHERE part != ?', [HEADER]);
  for (const { part } of rows) if (prefix === null || !part.startsWith(prefix)) await db.run('DELETE FROM index_snapshot WHERE part = ?', [part]);
}

/**
 * Stores `arrays` as the new snapshot, tagged with `version` — which the caller must have
 * read before it started reading the arrays from the store (or, for a live index, the
 * version its last applied change was read at: see `electron/targeting/live.ts`).
 *
 * Write-then-flip (see the header): an interrupted write leaves the previous snapshot whole.
 */
export async function writeSnapshot(
  db: Db,
  arrays: IndexArrays,
  version: number,
  opts: { chunkBytes?: number; grid?: IndexGrid; signal?: { readonly aborted: boolean } } = {},
): Promise<SnapshotWrite> {
  const t0 = performance.now();
  const chunkBytes = opts.chunkBytes ?? SNAPSHOT_CHUNK_BYTES;
  if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 1) throw new Error('chunkBytes must be a positive integer');
  const coords = coordEncoding(arrays);
  const { grid } = opts;
  const data: Partial<Record<Column, ArrayBufferView>> = {
    subIds: arrays.subIds,
    subStatus: arrays.subStatus,
    subGroups: arrays.subGroups,
    subCategories: arrays.subCategories,
    placeSub: arrays.placeSub,
    placeLon: coords === 'e7' ? toE7(arrays.placeLon) : arrays.placeLon,
    placeLat: coords === 'e7' ? toE7(arrays.placeLat) : arrays.placeLat,
    ...(grid ? { cellStart: grid.cellStart, multiEnd: grid.multiEnd } : {}),
  };
  const previous = await currentGeneration(db);
  // Garbage first: rows of a write that never reached its flip (a crash, a closed store).
  await deleteGenerationsExcept(db, previous);
  const generation = previous === null ? 1 : previous + 1;
  const parts: PartInfo[] = [];
  let total = 0;
  for (const column of [...COLUMNS, ...(grid ? GRID_COLUMNS : [])]) {
    const all = bytesOf(data[column]!);
    let crc = 0;
    let chunks = 0;
    for (let off = 0; off < all.length || chunks === 0; off += chunkBytes) {
      const piece = all.subarray(off, Math.min(all.length, off + chunkBytes));
      crc = crc32(piece, crc);
      if (opts.signal?.aborted) throw new Error('the snapshot write was abandoned (closing)');
      await db.run('INSERT OR REPLACE INTO index_snapshot (part, data) VALUES (?, ?)', [partName(generation, column, chunks), piece]);
      chunks++;
    }
    parts.push({ column, bytes: all.length, chunks, crc });
    total += all.length;
  }
  const header: SnapshotHeader = {
    format: SNAPSHOT_FORMAT,
    generation,
    endian: endianness(),
    version,
    subscribers: arrays.subIds.length,
    places: arrays.placeSub.length,
    groupCodes: arrays.groupCodes,
    categoryCodes: arrays.categoryCodes,
    coords,
    chunkBytes,
    grid: grid ? { minLon: grid.minLon, minLat: grid.minLat, cellW: grid.cellW, cellH: grid.cellH, nx: grid.nx, ny: grid.ny } : null,
    parts,
  };
  // The flip: one statement, so the header names either the old generation or the new one.
  await db.run('INSERT OR REPLACE INTO index_snapshot (part, data) VALUES (?, ?)', [HEADER, Buffer.from(JSON.stringify(header), 'utf8')]);
  await deleteGenerationsExcept(db, generation);
  return { version, bytes: total, ms: performance.now() - t0 };
}

class Invalid extends Error {}

const MAX_ROWS = 2 ** 31 - 1;
/** PlaceIndex refuses grids larger than this. */
const MAX_CELLS = 50_000_000;

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function parseHeader(raw: Buffer): SnapshotHeader {
  let h: unknown;
  try {
    h = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new Invalid('the header is not JSON');
  }
  const o = h as Partial<SnapshotHeader> | null;
  if (typeof o !== 'object' || o === null) throw new Invalid('the header is not an object');
  if (o.format !== SNAPSHOT_FORMAT) throw new Invalid(`format ${String(o.format)}, expected ${SNAPSHOT_FORMAT}`);
  if (!isCount(o.generation)) throw new Invalid('bad generation');
  if (o.endian !== endianness()) throw new Invalid(`written on a ${String(o.endian)} machine`);
  if (!isCount(o.version) || !isCount(o.subscribers) || !isCount(o.places)) throw new Invalid('bad counts in the header');
  // Ids are Int32 in the index; anything larger is not ours (and must not size an allocation).
  if (o.subscribers > MAX_ROWS || o.places > MAX_ROWS) throw new Invalid('implausible counts in the header');
  if (!isStringArray(o.groupCodes) || !isStringArray(o.categoryCodes)) throw new Invalid('bad codes in the header');
  if (o.coords !== 'e7' && o.coords !== 'f64') throw new Invalid('bad coordinate encoding');
  if (!isCount(o.chunkBytes) || o.chunkBytes < 1) throw new Invalid('bad chunk size');
  const chunkBytes = o.chunkBytes;
  const g = o.grid;
  if (g !== null && (typeof g !== 'object' || !['minLon', 'minLat', 'cellW', 'cellH'].every((k) => Number.isFinite(g?.[k as keyof GridParams])) || !isCount(g.nx) || !isCount(g.ny))) {
    throw new Invalid('bad grid');
  }
  const columns: Column[] = [...COLUMNS, ...(g ? GRID_COLUMNS : [])];
  if (!Array.isArray(o.parts) || o.parts.length !== columns.length) throw new Invalid('bad part list');
  const cells = g ? g.nx * g.ny : 0;
  if (cells > MAX_CELLS) throw new Invalid('implausible grid size');
  const widths: Record<Column, [count: number, bytesPer: number]> = {
    subIds: [o.subscribers, 4],
    subStatus: [o.subscribers, 1],
    subGroups: [o.subscribers, 4],
    subCategories: [o.subscribers, 4],
    placeSub: [o.places, 4],
    placeLon: [o.places, o.coords === 'e7' ? 4 : 8],
    placeLat: [o.places, o.coords === 'e7' ? 4 : 8],
    cellStart: [cells + 1, 4],
    multiEnd: [cells, 4],
  };
  columns.forEach((column, i) => {
    const p = o.parts![i] as Partial<PartInfo> | undefined;
    const [count, per] = widths[column];
    if (!p || p.column !== column) throw new Invalid(`part ${i} is not ${column}`);
    if (p.bytes !== count * per) throw new Invalid(`${column} has ${String(p.bytes)} bytes, expected ${count * per}`);
    if (!isCount(p.chunks) || p.chunks !== Math.max(1, Math.ceil(p.bytes / chunkBytes))) throw new Invalid(`${column}: bad chunk count`);
    if (!isCount(p.crc)) throw new Invalid(`${column}: bad checksum field`);
  });
  return o as SnapshotHeader;
}

/** Reads one column's chunks into a fresh, aligned buffer, checking lengths and CRC as it goes. */
async function readColumn(db: Db, generation: number, part: PartInfo, chunkBytes: number): Promise<ArrayBuffer> {
  const out = new ArrayBuffer(part.bytes);
  const view = new Uint8Array(out);
  const ask = (i: number) => {
    const p = db.get<{ data: Buffer }>('SELECT data FROM index_snapshot WHERE part = ?', [partName(generation, part.column, i)]);
    p.catch(() => undefined); // a prefetch left behind by an Invalid below must not become an unhandled rejection
    return p;
  };
  let next = ask(0);
  let off = 0;
  let crc = 0;
  for (let i = 0; i < part.chunks; i++) {
    const row = await next;
    // Ask for the next chunk before copying this one, so SQLite decrypts while we copy.
    if (i + 1 < part.chunks) next = ask(i + 1);
    const data = row?.data;
    if (!Buffer.isBuffer(data)) throw new Invalid(`${part.column}.${i} is missing or not a BLOB`);
    const expected = Math.min(chunkBytes, part.bytes - off);
    if (data.length !== expected) throw new Invalid(`${part.column}.${i} has ${data.length} bytes, expected ${expected}`);
    crc = crc32(data, crc);
    view.set(data, off);
    off += data.length;
  }
  if (crc !== part.crc) throw new Invalid(`${part.column}: checksum mismatch`);
  return out;
}

/** What PlaceIndex relies on and a checksum cannot promise (a consistent but wrong writer). */
function checkArrays(a: IndexArrays): void {
  for (let i = 1; i < a.subIds.length; i++) if (a.subIds[i]! <= a.subIds[i - 1]!) throw new Invalid('subscriber ids out of order');
  const statuses = subscriberStatuses.length;
  for (let i = 0; i < a.subStatus.length; i++) if (a.subStatus[i]! >= statuses) throw new Invalid('unknown subscriber status');
  const n = a.subIds.length;
  for (let i = 0; i < a.placeSub.length; i++) {
    const s = a.placeSub[i]!;
    if (s < 0 || s >= n) throw new Invalid('a place points at no subscriber');
  }
  for (const col of [a.placeLon, a.placeLat]) for (let i = 0; i < col.length; i++) if (!Number.isFinite(col[i]!)) throw new Invalid('a coordinate is not a number');
  if (a.groupCodes.length > 32 || a.categoryCodes.length > 32) throw new Invalid('too many groups or categories');
}

/**
 * A snapshot as read from the store: its header and one buffer per column, lengths and
 * checksums verified. Decoding and the structural checks (`decodeSnapshot`) are CPU work
 * over every element, so the console does them in the targeting worker, not on the thread
 * that answers the bridge.
 */
export interface RawSnapshot {
  header: SnapshotHeader;
  buffers: Record<string, ArrayBuffer>;
  version: number;
  bytes: number;
}

/**
 * Whether a snapshot exists and matches the registry, read from the header alone (cheap: no
 * column is read). A header that cannot be parsed counts as stale: the next write replaces it.
 */
export async function snapshotState(db: Db): Promise<'none' | 'current' | 'stale'> {
  const raw = await db.get<{ data: Buffer }>('SELECT data FROM index_snapshot WHERE part = ?', [HEADER]);
  if (!raw || !Buffer.isBuffer(raw.data)) return 'none';
  try {
    return parseHeader(raw.data).version === (await registryVersion(db)) ? 'current' : 'stale';
  } catch (e) {
    if (e instanceof Invalid) return 'stale';
    throw e;
  }
}

export type RawSnapshotRead = { ok: true; raw: RawSnapshot; ms: number } | { ok: false; reason: 'none' | 'stale' | 'invalid'; detail: string };

/** Reads the stored snapshot if it matches the registry's current version; never throws for a bad snapshot. */
export async function readRawSnapshot(db: Db): Promise<RawSnapshotRead> {
  const t0 = performance.now();
  const current = await registryVersion(db);
  const raw = await db.get<{ data: Buffer }>('SELECT data FROM index_snapshot WHERE part = ?', [HEADER]);
  if (!raw || !Buffer.isBuffer(raw.data)) return { ok: false, reason: 'none', detail: 'no snapshot' };
  try {
    const h = parseHeader(raw.data);
    if (h.version !== current) return { ok: false, reason: 'stale', detail: `snapshot of version ${h.version}, registry at ${current}` };
    const buffers: Record<string, ArrayBuffer> = {};
    for (const p of h.parts) buffers[p.column] = await readColumn(db, h.generation, p, h.chunkBytes);
    const bytes = h.parts.reduce((s, p) => s + p.bytes, 0);
    return { ok: true, raw: { header: h, buffers, version: h.version, bytes }, ms: performance.now() - t0 };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, reason: 'invalid', detail: e.message };
    throw e;
  }
}

export type DecodedSnapshot = { ok: true; arrays: IndexArrays; grid?: IndexGrid } | { ok: false; detail: string };

/** The arrays of a raw snapshot, checked for what a checksum cannot promise (a consistent but wrong writer). */
export function decodeSnapshot(raw: RawSnapshot): DecodedSnapshot {
  try {
    const h = parseHeader(Buffer.from(JSON.stringify(raw.header), 'utf8'));
    const buf = raw.buffers;
    for (const p of h.parts) if (!(buf[p.column] instanceof ArrayBuffer) || buf[p.column]!.byteLength !== p.bytes) throw new Invalid(`${p.column}: missing`);
    const coord = (b: ArrayBuffer): Float64Array => {
      if (h.coords === 'f64') return new Float64Array(b);
      const q = new Int32Array(b);
      const out = new Float64Array(q.length);
      for (let i = 0; i < q.length; i++) out[i] = q[i]! / COORD_SCALE;
      return out;
    };
    const grid: IndexGrid | undefined = h.grid ? { ...h.grid, cellStart: new Uint32Array(buf.cellStart!), multiEnd: new Uint32Array(buf.multiEnd!) } : undefined;
    const arrays: IndexArrays = {
      subIds: new Int32Array(buf.subIds!),
      subStatus: new Uint8Array(buf.subStatus!),
      subGroups: new Uint32Array(buf.subGroups!),
      subCategories: new Uint32Array(buf.subCategories!),
      placeSub: new Int32Array(buf.placeSub!),
      placeLon: coord(buf.placeLon!),
      placeLat: coord(buf.placeLat!),
      groupCodes: h.groupCodes,
      categoryCodes: h.categoryCodes,
    };
    checkArrays(arrays);
    return { ok: true, arrays, ...(grid ? { grid } : {}) };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, detail: e.message };
    throw e;
  }
}

/**
 * The stored snapshot's arrays, if it matches the registry's current version and survives
 * every check; otherwise why not. Never throws for a bad snapshot (only for a broken store).
 */
export async function readSnapshot(db: Db): Promise<SnapshotRead> {
  const t0 = performance.now();
  const read = await readRawSnapshot(db);
  if (!read.ok) return read;
  const decoded = decodeSnapshot(read.raw);
  if (!decoded.ok) return { ok: false, reason: 'invalid', detail: decoded.detail };
  return { ok: true, arrays: decoded.arrays, ...(decoded.grid ? { grid: decoded.grid } : {}), version: read.raw.version, bytes: read.raw.bytes, ms: performance.now() - t0 };
}

export interface IndexStart {
  index: PlaceIndex;
  /** Where the index came from, and why not from the snapshot when it was built. */
  source: 'snapshot' | 'store';
  reason?: string;
  ms: number;
  /** Set when built from the store. */
  stats?: BuildStats;
  /**
   * The snapshot write that follows a build from the store (null when loaded from one).
   * It runs in the background in short transactions; it resolves to null if it failed
   * (e.g. the store was closed first), which only means the next start builds again.
   */
  snapshot: Promise<SnapshotWrite | null> | null;
}

/**
 * Saves a freshly built index: its subscriber arrays and its places in index order with the
 * grid, so loading skips the grid build. Takes the layout before its first await: the
 * arrays it names are never written again (see `PlaceIndex.layout`).
 */
export function saveIndex(db: Db, index: PlaceIndex, arrays: IndexArrays, version: number, opts: { chunkBytes?: number } = {}): Promise<SnapshotWrite> {
  const { placeSub, placeLon, placeLat, grid } = index.layout();
  return writeSnapshot(db, { ...arrays, placeSub, placeLon, placeLat }, version, { ...opts, grid });
}

/**
 * The place index for start-up: from the snapshot when it is current and sound, otherwise
 * built from the store and then saved as the new snapshot in the background.
 */
export async function loadOrBuildIndex(db: Db, opts: IndexOptions & { writeSnapshot?: boolean } = {}): Promise<IndexStart> {
  const t0 = performance.now();
  const { writeSnapshot: write = true, ...indexOpts } = opts;
  // Whatever goes wrong with the snapshot, the store still holds the truth: build from it.
  const read = await readSnapshot(db).catch(
    (e: unknown): SnapshotRead => ({ ok: false, reason: 'invalid', detail: `unreadable: ${e instanceof Error ? e.message : String(e)}` }),
  );
  let reason: string;
  if (read.ok) {
    try {
      // The saved grid is checked against the places and skipped (the grid then built) if it does not fit.
      const index = PlaceIndex.fromArrays(read.arrays, indexOpts, read.grid);
      return { index, source: 'snapshot', ms: performance.now() - t0, snapshot: null };
    } catch (e) {
      // checkArrays should have caught anything fromArrays refuses; if not, the store still has the truth.
      reason = `invalid: ${e instanceof Error ? e.message : String(e)}`;
    }
  } else {
    reason = `${read.reason}: ${read.detail}`;
  }
  // Read before the arrays: a write during the build must make this snapshot stale.
  const version = await registryVersion(db);
  const { index, arrays, stats } = await buildIndexFromStore(db, indexOpts);
  const snapshot = write ? saveIndex(db, index, arrays, version).catch(() => null) : null;
  return { index, source: 'store', reason, ms: performance.now() - t0, stats, snapshot };
}
