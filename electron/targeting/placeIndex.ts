/**
 * The spatial index over every subscriber's places, held in typed arrays so 6 million
 * subscribers fit in a few hundred MB and a count touches memory in order.
 *
 * Static part: places sorted by the cell of a regular lon/lat grid (cell offsets in
 * `cellStart`), each place carrying a copy of its subscriber's status, group and category
 * bits, so filtering never jumps to a per-subscriber array. Mutable part: a small delta of
 * places written since the build (upsert), scanned linearly, folded into the static arrays
 * by `compact()` once it grows. A subscriber whose static places are replaced has them
 * marked dead rather than moved.
 *
 * Counting: the grid cells under the area's bounding box are classified once per count
 * (outside / wholly inside / crossed by an edge; cellClasses.ts, with a finer grid inside
 * crossed cells that hold many places). Places in wholly-inside cells are counted without
 * a point test; only places near an edge are tested exactly.
 *
 * Limits: 32 groups and 32 categories (one bit each in a Uint32); more is refused.
 */
import type { CompiledArea } from '../../shared/targeting/compile';
import type { SubscriberStatus, TargetFilter } from '../../shared/targeting/area';
import { subscriberStatuses } from '../../shared/targeting/area';
import type { BBox } from '../../shared/geo/types';
import { CellClassifier, SUB } from './cellClasses';
import type { CellClasses, CellWindow } from './cellClasses';

export interface PlacePoint {
  lat: number;
  lon: number;
}

export interface SubscriberRecord {
  id: number;
  status: SubscriberStatus;
  groups: readonly string[];
  categories: readonly string[];
  places: readonly PlacePoint[];
}

/** Column form of the registry, as `buildIndexFromStore` streams it. */
export interface IndexArrays {
  /** Store ids, strictly ascending. */
  subIds: Int32Array;
  /** Index into `subscriberStatuses`. */
  subStatus: Uint8Array;
  subGroups: Uint32Array;
  subCategories: Uint32Array;
  /** Per place: the index of its subscriber in the arrays above. */
  placeSub: Int32Array;
  placeLon: Float64Array;
  placeLat: Float64Array;
  /** Bit i of a group mask stands for groupCodes[i]. */
  groupCodes: string[];
  categoryCodes: string[];
}

export interface CountResult {
  /** Distinct subscribers with at least one place inside. */
  total: number;
  byGroup: Record<string, number>;
  /** Places inside belonging to matching subscribers (a subscriber may have several). */
  places: number;
}

export interface DensityCell {
  /** South-west corner of the cell. */
  lon: number;
  lat: number;
  count: number;
}

export interface DensityResult {
  cellSizeDeg: number;
  cells: DensityCell[];
  /** Cells left out because they held fewer than `minCount` places: never shown. */
  hiddenCells: number;
}

export interface IndexOptions {
  /** Grid cell height in degrees; the width is scaled by latitude so cells are square on the ground. */
  cellSizeDeg?: number;
  /** Delta size (places) above which `upsertSubscriber` folds the delta into the static arrays. */
  compactAt?: number;
}

/**
 * The static layout a build computed: the grid and, per cell, where its places start and
 * where its multi-place subscribers' places end. Saved with places in this order (see
 * `layout()`), it lets `fromArrays` skip the grid build, the costliest part of loading a
 * snapshot. It is checked against the places before use, never trusted.
 */
export interface IndexGrid {
  minLon: number;
  minLat: number;
  cellW: number;
  cellH: number;
  nx: number;
  ny: number;
  cellStart: Uint32Array;
  multiEnd: Uint32Array;
}

const STATUS_BITS = 3;
const MULTI = 4; // the subscriber has more than one place: dedup needed
const DEAD = 8; // replaced or removed since the build
const MAX_BITS = 32;
/** Stride of the per-subscriber copy `load` makes: groups, categories, flags, spare. */
const INFO = 4;
/** A crossed cell with at least this many places gets a sub-grid (cheaper than testing them all). */
const SUB_MIN = 8;

/** One count's area and window classes. */
interface Query extends CellClasses, CellWindow {
  area: CompiledArea;
}

interface CompiledFilter {
  statusMask: number;
  groupMask: number;
  categoryMask: number;
  /** A filter naming only unknown groups or categories matches nobody. */
  none: boolean;
}

/** A typed array that grows by a quarter (at 6 M subscribers, doubling would add ~80 MB for the first sign-up). */
class Grow<T extends Float64Array | Int32Array | Uint32Array | Uint8Array> {
  length = 0;
  constructor(
    public data: T,
    private readonly make: (n: number) => T,
  ) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = this.make(Math.max(16, Math.ceil(this.data.length * 1.25)));
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  set(i: number, v: number): void {
    while (i >= this.data.length) {
      const next = this.make(Math.max(16, Math.ceil(this.data.length * 1.25)));
      next.set(this.data);
      this.data = next;
    }
    this.data[i] = v;
    if (i >= this.length) this.length = i + 1;
  }
}

export class PlaceIndex {
  // Grid.
  private minLon = 0;
  private minLat = 0;
  private cellW = 1;
  private cellH = 1;
  private nx = 0;
  private ny = 0;
  private cellStart: Uint32Array<ArrayBufferLike> = new Uint32Array(1);
  /** Within a cell, places of multi-place subscribers come first and end here; single-place ones follow. */
  private multiEnd: Uint32Array<ArrayBufferLike> = new Uint32Array(0);
  /**
   * Per-cell tallies of single-place subscribers matching the last filter: a wholly-inside
   * cell then costs one addition for them instead of a pass over its places. Rebuilt when
   * the filter or a static place changes.
   */
  private singles: { key: string; total: Uint32Array; perGroup: Uint32Array; groups: number } | null = null;
  // Static places, in cell order.
  private pLon: Float64Array<ArrayBufferLike> = new Float64Array(0);
  private pLat: Float64Array<ArrayBufferLike> = new Float64Array(0);
  private pSub: Int32Array<ArrayBufferLike> = new Int32Array(0);
  private pGroups = new Uint32Array(0);
  private pCats = new Uint32Array(0);
  private pFlags = new Uint8Array(0);
  /**
   * Per static subscriber, its static place positions (CSR), to mark them dead. Made on the
   * first change after a load (`placesOf`): a start from the snapshot does not wait for it
   * (~0.3 s and 55 MB at 6 M).
   */
  private placesBySub: { start: Uint32Array; pos: Uint32Array } | null = null;
  private staticIds: Int32Array<ArrayBufferLike> = new Int32Array(0);
  // Subscribers (static first, then those added since the build).
  private subId: Grow<Int32Array<ArrayBufferLike>> = new Grow(new Int32Array(0), (n) => new Int32Array(n));
  private subStatus: Grow<Uint8Array<ArrayBufferLike>> = new Grow(new Uint8Array(0), (n) => new Uint8Array(n));
  private subGroups: Grow<Uint32Array<ArrayBufferLike>> = new Grow(new Uint32Array(0), (n) => new Uint32Array(n));
  private subCats: Grow<Uint32Array<ArrayBufferLike>> = new Grow(new Uint32Array(0), (n) => new Uint32Array(n));
  private subRemoved = new Grow(new Uint8Array(0), (n) => new Uint8Array(n));
  private addedIds = new Map<number, number>();
  // Delta places.
  private dLon = new Grow(new Float64Array(0), (n) => new Float64Array(n));
  private dLat = new Grow(new Float64Array(0), (n) => new Float64Array(n));
  private dSub = new Grow(new Int32Array(0), (n) => new Int32Array(n));
  private dDead = new Grow(new Uint8Array(0), (n) => new Uint8Array(n));
  private dDeadCount = 0;
  /**
   * Dedup: one bit per subscriber, cleared per query. A bitset rather than a generation
   * stamp: at 6 M subscribers it is 750 KB and stays in cache, where a Uint32 stamp (24 MB)
   * costs a cache miss for most multi-place subscribers; clearing it takes ~20 µs.
   */
  private seen = new Int32Array(0);
  private groupCodes: string[] = [];
  private categoryCodes: string[] = [];
  private readonly cellSizeDeg: number | undefined;
  private readonly compactAt: number | undefined;
  private usedGrid = false;
  private readonly classifier = new CellClassifier();
  /**
   * The cell classes of the last area counted. The engine hands the same CompiledArea for the
   * same area (TargetingEngine.compile), so a count repeated on a filter change or after a
   * registry change skips the classification (~3 ms of a 12 ms count over a whole district
   * at 6 M). Keyed by the grid's generation: a new layout makes them stale.
   */
  private lastClasses: { area: CompiledArea; key: string; classes: CellClasses & CellWindow } | null = null;
  private gridGeneration = 0;
  private changed = false;

  private constructor(opts: IndexOptions) {
    this.cellSizeDeg = opts.cellSizeDeg;
    this.compactAt = opts.compactAt;
  }

  /**
   * `grid`: a layout from `layout()`, with `a`'s places in that layout's order. Used only if
   * it fits `a` exactly (and no other cell size was asked for); otherwise the grid is built.
   * With a fitting grid the index keeps `a`'s arrays instead of copying them (and changes its
   * subscriber arrays as subscribers change): the caller hands `a` over.
   */
  static fromArrays(a: IndexArrays, opts: IndexOptions = {}, grid?: IndexGrid): PlaceIndex {
    const index = new PlaceIndex(opts);
    index.load(a, grid);
    return index;
  }

  /** Whether any subscriber was upserted or removed since the static arrays were laid out (then `layout()` is stale). */
  get changedSinceLoad(): boolean {
    return this.changed;
  }

  /** Whether the last `fromArrays` used the grid it was given. */
  get loadedWithGrid(): boolean {
    return this.usedGrid;
  }

  /**
   * The static places in index order, with the grid, as the arrays `fromArrays` takes
   * (subscriber arrays are the caller's). Never mutated afterwards: changes go to the delta
   * and `compact()` replaces these arrays rather than writing into them, so a snapshot may
   * keep writing them while the index changes. Only meaningful right after a build.
   */
  layout(): { placeSub: Int32Array; placeLon: Float64Array; placeLat: Float64Array; grid: IndexGrid } {
    return {
      placeSub: this.pSub,
      placeLon: this.pLon,
      placeLat: this.pLat,
      grid: { minLon: this.minLon, minLat: this.minLat, cellW: this.cellW, cellH: this.cellH, nx: this.nx, ny: this.ny, cellStart: this.cellStart, multiEnd: this.multiEnd },
    };
  }

  static fromRecords(records: Iterable<SubscriberRecord>, opts: IndexOptions = {}): PlaceIndex {
    return PlaceIndex.fromArrays(arraysFromRecords(records), opts);
  }

  get subscriberCount(): number {
    return this.subId.length - this.removedCount();
  }

  get placeCount(): number {
    let dead = 0;
    for (let i = 0; i < this.pFlags.length; i++) if (this.pFlags[i]! & DEAD) dead++;
    return this.pFlags.length - dead + this.dLon.length - this.dDeadCount;
  }

  get deltaSize(): number {
    return this.dLon.length;
  }

  get groups(): readonly string[] {
    return this.groupCodes;
  }

  private removedCount(): number {
    let n = 0;
    for (let i = 0; i < this.subRemoved.length; i++) n += this.subRemoved.data[i]!;
    return n;
  }

  /**
   * Takes a saved layout if it fits `a` exactly: every place inside its cell, cells in
   * order, multi-place subscribers' places first in each cell. Anything else means the
   * layout is not this data's, and the grid is built instead.
   */
  private loadLaid(a: IndexArrays, g: IndexGrid, info: Uint32Array): boolean {
    const n = a.placeLon.length;
    const cells = g.nx * g.ny;
    if (!(g.cellW > 0 && g.cellH > 0 && Number.isFinite(g.minLon) && Number.isFinite(g.minLat))) return false;
    if (!Number.isSafeInteger(g.nx) || !Number.isSafeInteger(g.ny) || g.nx < 1 || g.ny < 1 || cells > 50_000_000) return false;
    if (this.cellSizeDeg !== undefined && this.cellSizeDeg !== g.cellH) return false;
    if (g.cellStart.length !== cells + 1 || g.multiEnd.length !== cells || g.cellStart[0] !== 0 || g.cellStart[cells] !== n) return false;
    this.minLon = g.minLon;
    this.minLat = g.minLat;
    this.cellW = g.cellW;
    this.cellH = g.cellH;
    this.nx = g.nx;
    this.ny = g.ny;
    const pGroups = new Uint32Array(n);
    const pCats = new Uint32Array(n);
    const pFlags = new Uint8Array(n);
    for (let c = 0; c < cells; c++) {
      const from = g.cellStart[c]!,
        to = g.cellStart[c + 1]!,
        mid = g.multiEnd[c]!;
      if (to < from || mid < from || mid > to) return false;
      for (let at = from; at < to; at++) {
        if (this.cellIndex(a.placeLon[at]!, a.placeLat[at]!) !== c) return false;
        const o = a.placeSub[at]! * INFO;
        const fl = info[o + 2]!;
        if ((fl & MULTI) !== 0 !== at < mid) return false;
        pGroups[at] = info[o]!;
        pCats[at] = info[o + 1]!;
        pFlags[at] = fl;
      }
    }
    this.cellStart = g.cellStart;
    this.multiEnd = g.multiEnd;
    this.pLon = a.placeLon;
    this.pLat = a.placeLat;
    this.pSub = a.placeSub;
    this.pGroups = pGroups;
    this.pCats = pCats;
    this.pFlags = pFlags;
    return true;
  }

  private load(a: IndexArrays, grid?: IndexGrid): void {
    this.gridGeneration++;
    this.lastClasses = null;
    this.changed = false;
    if (a.groupCodes.length > MAX_BITS || a.categoryCodes.length > MAX_BITS) {
      throw new Error(`the index holds at most ${MAX_BITS} groups and ${MAX_BITS} categories`);
    }
    const nSub = a.subIds.length;
    const n = a.placeLon.length;
    for (let i = 1; i < nSub; i++) {
      if (a.subIds[i]! <= a.subIds[i - 1]!) throw new Error('subscriber ids must be strictly ascending');
    }
    this.groupCodes = [...a.groupCodes];
    this.categoryCodes = [...a.categoryCodes];
    const placesPerSub = new Uint32Array(nSub + 1);
    for (let i = 0; i < n; i++) placesPerSub[a.placeSub[i]! + 1]!++;
    // What each place copies from its subscriber, side by side: one cache line per place in
    // the passes below instead of a miss in each of four arrays (~0.5 s of a 6 M load).
    const info = new Uint32Array(nSub * INFO);
    for (let s = 0; s < nSub; s++) {
      info[s * INFO] = a.subGroups[s]!;
      info[s * INFO + 1] = a.subCategories[s]!;
      info[s * INFO + 2] = a.subStatus[s]! | (placesPerSub[s + 1]! > 1 ? MULTI : 0);
    }
    this.usedGrid = grid !== undefined && this.loadLaid(a, grid, info);
    if (!this.usedGrid) {
      // Grid over the data's extent.
      let minLon = Infinity,
        minLat = Infinity,
        maxLon = -Infinity,
        maxLat = -Infinity;
      for (let i = 0; i < n; i++) {
        const x = a.placeLon[i]!,
          y = a.placeLat[i]!;
        if (x < minLon) minLon = x;
        if (x > maxLon) maxLon = x;
        if (y < minLat) minLat = y;
        if (y > maxLat) maxLat = y;
      }
      if (n === 0) minLon = minLat = maxLon = maxLat = 0;
      const midLat = (minLat + maxLat) / 2;
      const cosMid = Math.max(0.1, Math.cos((midLat * Math.PI) / 180));
      const groundArea = Math.max(1e-6, (maxLon - minLon) * cosMid * (maxLat - minLat));
      // About 16 places per cell over the extent, within bounds that keep the grid small.
      // About 4 places per cell over the extent (most of it sea or field, so towns get many
      // more): small cells leave few places in cells an edge crosses, the only ones tested
      // point by point.
      const s = this.cellSizeDeg ?? Math.min(0.05, Math.max(0.002, Math.sqrt((groundArea * 4) / Math.max(1, n))));
      this.cellH = s;
      this.cellW = s / cosMid;
      this.minLon = minLon - this.cellW / 2;
      this.minLat = minLat - this.cellH / 2;
      this.nx = Math.max(1, Math.ceil((maxLon - this.minLon) / this.cellW) + 1);
      this.ny = Math.max(1, Math.ceil((maxLat - this.minLat) / this.cellH) + 1);
      const cells = this.nx * this.ny;
      if (cells > 50_000_000) throw new Error('the places spread too far for the grid: choose a larger cellSizeDeg');
      const cellOf = new Uint32Array(n);
      const start = new Uint32Array(cells + 1);
      const multiCount = new Uint32Array(cells);
      for (let i = 0; i < n; i++) {
        const c = this.cellIndex(a.placeLon[i]!, a.placeLat[i]!);
        cellOf[i] = c;
        start[c + 1]!++;
        if (info[a.placeSub[i]! * INFO + 2]! & MULTI) multiCount[c]!++;
      }
      for (let c = 0; c < cells; c++) start[c + 1]! += start[c]!;
      this.cellStart = start;
      const fillMulti = start.slice(0, cells);
      const fillSingle = new Uint32Array(cells);
      for (let c = 0; c < cells; c++) fillSingle[c] = start[c]! + multiCount[c]!;
      this.multiEnd = fillSingle.slice();
      this.singles = null;
      this.pLon = new Float64Array(n);
      this.pLat = new Float64Array(n);
      this.pSub = new Int32Array(n);
      this.pGroups = new Uint32Array(n);
      this.pCats = new Uint32Array(n);
      this.pFlags = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const s = a.placeSub[i]!;
        const o = s * INFO;
        const fl = info[o + 2]!;
        const at = fl & MULTI ? fillMulti[cellOf[i]!]!++ : fillSingle[cellOf[i]!]!++;
        this.pLon[at] = a.placeLon[i]!;
        this.pLat[at] = a.placeLat[i]!;
        this.pSub[at] = s;
        this.pGroups[at] = info[o]!;
        this.pCats[at] = info[o + 1]!;
        this.pFlags[at] = fl;
      }
    }
    this.singles = null;
    this.placesBySub = null;
    this.staticIds = a.subIds;
    // With a saved grid `a` is the index's own (a decoded snapshot): its subscriber arrays are
    // taken as they are, the first sign-up growing them. Fresh memory costs a page fault per
    // 4 KiB here, ~0.3 s for these copies at 6 M. Otherwise `a` stays the caller's, unchanged.
    const adopt = this.usedGrid;
    const mk = <T extends Int32Array | Uint8Array | Uint32Array>(src: T, make: (k: number) => T) => {
      if (adopt) {
        const g = new Grow(src, make);
        g.length = nSub;
        return g;
      }
      const g = new Grow(make(Math.max(16, Math.ceil(nSub * 1.01))), make);
      g.data.set(src);
      g.length = nSub;
      return g;
    };
    this.subId = mk(a.subIds, (k) => new Int32Array(k));
    this.subStatus = mk(a.subStatus, (k) => new Uint8Array(k));
    this.subGroups = mk(a.subGroups, (k) => new Uint32Array(k));
    this.subCats = mk(a.subCategories, (k) => new Uint32Array(k));
    this.subRemoved = mk(new Uint8Array(nSub), (k) => new Uint8Array(k));
    this.addedIds = new Map();
    this.dLon = new Grow(new Float64Array(0), (k) => new Float64Array(k));
    this.dLat = new Grow(new Float64Array(0), (k) => new Float64Array(k));
    this.dSub = new Grow(new Int32Array(0), (k) => new Int32Array(k));
    this.dDead = new Grow(new Uint8Array(0), (k) => new Uint8Array(k));
    this.dDeadCount = 0;
    this.seen = new Int32Array((this.subId.data.length + 31) >>> 5);
  }

  private cellIndex(lon: number, lat: number): number {
    let cx = Math.floor((lon - this.minLon) / this.cellW);
    let cy = Math.floor((lat - this.minLat) / this.cellH);
    if (cx < 0) cx = 0;
    else if (cx >= this.nx) cx = this.nx - 1;
    if (cy < 0) cy = 0;
    else if (cy >= this.ny) cy = this.ny - 1;
    return cy * this.nx + cx;
  }

  // ---- registry changes -------------------------------------------------------------

  private indexOf(id: number): number {
    const ids = this.staticIds;
    let lo = 0,
      hi = ids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = ids[mid]!;
      if (v === id) return mid;
      if (v < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return this.addedIds.get(id) ?? -1;
  }

  private bits(codes: readonly string[], dict: string[], kind: string): number {
    let m = 0;
    for (const c of codes) {
      let b = dict.indexOf(c);
      if (b < 0) {
        if (dict.length >= MAX_BITS) throw new Error(`the index holds at most ${MAX_BITS} ${kind}`);
        b = dict.push(c) - 1;
      }
      m |= 1 << b;
    }
    return m >>> 0;
  }

  /** Per static subscriber, its static place positions (CSR). */
  private placesOf(): { start: Uint32Array; pos: Uint32Array } {
    if (!this.placesBySub) {
      const nSub = this.staticIds.length,
        n = this.pSub.length;
      const start = new Uint32Array(nSub + 1);
      for (let at = 0; at < n; at++) start[this.pSub[at]! + 1]!++;
      for (let s = 0; s < nSub; s++) start[s + 1]! += start[s]!;
      const fill = start.slice(0, nSub);
      const pos = new Uint32Array(n);
      for (let at = 0; at < n; at++) pos[fill[this.pSub[at]!]!++] = at;
      this.placesBySub = { start, pos };
    }
    return this.placesBySub;
  }

  private dropPlaces(s: number): void {
    if (s < this.staticIds.length) {
      const { start, pos } = this.placesOf();
      if (start[s + 1]! > start[s]!) this.singles = null;
      for (let k = start[s]!, end = start[s + 1]!; k < end; k++) this.pFlags[pos[k]!]! |= DEAD;
    }
    // The delta is small by construction, so a scan is cheaper than another map.
    for (let k = 0; k < this.dSub.length; k++) {
      if (this.dSub.data[k] === s && !this.dDead.data[k]) {
        this.dDead.data[k] = 1;
        this.dDeadCount++;
      }
    }
  }

  /** Adds or replaces a subscriber with all its places; the next count sees it. */
  upsertSubscriber(rec: SubscriberRecord): void {
    const status = subscriberStatuses.indexOf(rec.status);
    if (status < 0) throw new Error(`unknown status ${String(rec.status)}`);
    const groups = this.bits(rec.groups, this.groupCodes, 'groups');
    const cats = this.bits(rec.categories, this.categoryCodes, 'categories');
    this.changed = true;
    let s = this.indexOf(rec.id);
    if (s >= 0) {
      this.dropPlaces(s);
    } else {
      s = this.subId.length;
      this.subId.push(rec.id);
      this.addedIds.set(rec.id, s);
    }
    this.subStatus.set(s, status);
    this.subGroups.set(s, groups);
    this.subCats.set(s, cats);
    this.subRemoved.set(s, 0);
    for (const p of rec.places) {
      this.dLon.push(p.lon);
      this.dLat.push(p.lat);
      this.dSub.push(s);
      this.dDead.push(0);
    }
    const limit = this.compactAt ?? Math.max(65_536, this.pLon.length >> 6);
    if (this.dLon.length > limit) this.compact();
  }

  /** Forgets a subscriber (erased or deleted); returns false if it was not indexed. */
  removeSubscriber(id: number): boolean {
    const s = this.indexOf(id);
    if (s < 0 || this.subRemoved.data[s]) return false;
    this.changed = true;
    this.dropPlaces(s);
    this.subRemoved.data[s] = 1;
    return true;
  }

  /** Rebuilds the static arrays from everything live: the delta becomes empty. */
  compact(): void {
    this.load(this.currentArrays());
  }

  /**
   * Everything the index holds now (static and delta, without removed subscribers or
   * replaced places), subscribers in id order: what a fresh build from the store would read.
   * Fresh arrays, so the caller may transfer them to another thread.
   */
  currentArrays(): IndexArrays {
    const nStatic = this.staticIds.length;
    const ids = this.subId.data;
    const removed = this.subRemoved.data;
    // Static subscribers are already in id order; those added since are few: sort and merge.
    const added: number[] = [];
    for (let s = nStatic; s < this.subId.length; s++) if (!removed[s]) added.push(s);
    added.sort((x, y) => ids[x]! - ids[y]!);
    let kept = added.length;
    for (let s = 0; s < nStatic; s++) if (!removed[s]) kept++;
    const order = new Int32Array(kept);
    let k = 0;
    let j = 0;
    for (let s = 0; s < nStatic; s++) {
      if (removed[s]) continue;
      while (j < added.length && ids[added[j]!]! < ids[s]!) order[k++] = added[j++]!;
      order[k++] = s;
    }
    while (j < added.length) order[k++] = added[j++]!;
    const newIndex = new Int32Array(this.subId.length).fill(-1);
    for (let i = 0; i < kept; i++) newIndex[order[i]!] = i;
    const cap = this.pLon.length + this.dLon.length;
    const lon = new Float64Array(cap);
    const lat = new Float64Array(cap);
    const sub = new Int32Array(cap);
    let n = 0;
    for (let i = 0; i < this.pLon.length; i++) {
      if (this.pFlags[i]! & DEAD) continue;
      lon[n] = this.pLon[i]!;
      lat[n] = this.pLat[i]!;
      sub[n++] = newIndex[this.pSub[i]!]!;
    }
    for (let d = 0; d < this.dLon.length; d++) {
      if (this.dDead.data[d]) continue;
      lon[n] = this.dLon.data[d]!;
      lat[n] = this.dLat.data[d]!;
      sub[n++] = newIndex[this.dSub.data[d]!]!;
    }
    return {
      subIds: Int32Array.from(order, (s) => ids[s]!),
      subStatus: Uint8Array.from(order, (s) => this.subStatus.data[s]!),
      subGroups: Uint32Array.from(order, (s) => this.subGroups.data[s]!),
      subCategories: Uint32Array.from(order, (s) => this.subCats.data[s]!),
      placeSub: sub.slice(0, n),
      placeLon: lon.slice(0, n),
      placeLat: lat.slice(0, n),
      groupCodes: [...this.groupCodes],
      categoryCodes: [...this.categoryCodes],
    };
  }

  // ---- queries ----------------------------------------------------------------------

  private compileFilter(f: TargetFilter): CompiledFilter {
    let statusMask = 0;
    for (const st of f.statuses) statusMask |= 1 << subscriberStatuses.indexOf(st);
    const mask = (codes: readonly string[] | undefined, dict: readonly string[]) => {
      if (!codes || codes.length === 0) return { m: 0, none: false };
      let m = 0;
      for (const c of codes) {
        const b = dict.indexOf(c);
        if (b >= 0) m |= 1 << b;
      }
      return { m: m >>> 0, none: m === 0 };
    };
    const g = mask(f.groups, this.groupCodes);
    const c = mask(f.categories, this.categoryCodes);
    return { statusMask, groupMask: g.m, categoryMask: c.m, none: g.none || c.none || statusMask === 0 };
  }

  private clearSeen(): Int32Array {
    const words = (this.subId.length + 31) >>> 5;
    if (this.seen.length < words) this.seen = new Int32Array(Math.max(words, (this.subId.data.length + 31) >>> 5));
    else this.seen.fill(0, 0, words);
    return this.seen;
  }

  /** Classes of the window's cells (see cellClasses.ts); crossed cells with many places get a sub-grid. */
  private classify(area: CompiledArea, cx0: number, cy0: number, w: number, h: number, subMin = Infinity): CellClasses & CellWindow {
    const key = `${this.gridGeneration}:${cx0}:${cy0}:${w}:${h}:${subMin}`;
    const cached = this.lastClasses;
    if (cached && cached.area === area && cached.key === key) return cached.classes;
    const win: CellWindow = { x0: this.minLon + cx0 * this.cellW, y0: this.minLat + cy0 * this.cellH, cw: this.cellW, ch: this.cellH, w, h };
    const { cellStart, nx } = this;
    const placesIn = (k: number) => {
      const c = (cy0 + Math.floor(k / w)) * nx + cx0 + (k % w);
      return cellStart[c + 1]! - cellStart[c]!;
    };
    // Kept for the next count of the same area.
    const classes = { ...win, ...this.classifier.classify(area, win, placesIn, subMin) };
    this.lastClasses = { area, key, classes };
    return classes;
  }

  /**
   * Visits each matching subscriber with a place in the area once; returns the number of
   * matching places inside.
   */
  private visit(
    area: CompiledArea,
    f: CompiledFilter,
    onSubscriber: (s: number, groups: number) => void,
    insideSingles: ((cell: number) => number) | null = null,
  ): number {
    if (f.none) return 0;
    const seen = this.clearSeen();
    const { statusMask, groupMask, categoryMask } = f;
    let places = 0;
    const bb = area.bbox;
    if (this.pLon.length > 0 && bb[0] <= bb[2]) {
      const cx0 = Math.max(0, Math.floor((bb[0] - this.minLon) / this.cellW));
      const cx1 = Math.min(this.nx - 1, Math.floor((bb[2] - this.minLon) / this.cellW));
      const cy0 = Math.max(0, Math.floor((bb[1] - this.minLat) / this.cellH));
      const cy1 = Math.min(this.ny - 1, Math.floor((bb[3] - this.minLat) / this.cellH));
      if (cx0 <= cx1 && cy0 <= cy1) {
        const w = cx1 - cx0 + 1,
          h = cy1 - cy0 + 1;
        // Locals only in the walk below (no closure captures them).
        const q: Query = { area, ...this.classify(area, cx0, cy0, w, h, SUB_MIN) };
        const { cls, subAt } = q;
        const { pLon, pLat, pSub, pGroups, pCats, pFlags, cellStart } = this;
        for (let y = 0; y < h; y++) {
          const rowBase = (cy0 + y) * this.nx + cx0;
          for (let x = 0; x < w; x++) {
            const kind = cls[y * w + x]!;
            if (kind === 0) continue;
            const c = rowBase + x;
            // A crossed cell with a sub-grid: only places in its crossed sub-cells are tested.
            const at = kind === 2 ? subAt[y * w + x]! : -1;
            let end = cellStart[c + 1]!;
            if (kind === 1 && insideSingles) {
              places += insideSingles(c);
              end = this.multiEnd[c]!;
            }
            for (let i = cellStart[c]!; i < end; i++) {
              const fl = pFlags[i]!;
              if (fl & DEAD || !((statusMask >> (fl & STATUS_BITS)) & 1)) continue;
              if (groupMask !== 0 && (pGroups[i]! & groupMask) === 0) continue;
              if (categoryMask !== 0 && (pCats[i]! & categoryMask) === 0) continue;
              if (kind === 2 && !this.crossedInside(q, pLon[i]!, pLat[i]!, at, x, y)) continue;
              places++;
              const s = pSub[i]!;
              if (fl & MULTI) {
                const w = s >>> 5,
                  bit = 1 << (s & 31),
                  v = seen[w]!;
                if (v & bit) continue;
                seen[w] = v | bit;
              }
              // The place's own copy of the groups: read in order, where the subscriber's
              // (groups[s]) is a cache miss for most places at 6 M (was ~40 ms of a 58 ms
              // count over the district of Nordsjælland).
              onSubscriber(s, pGroups[i]!);
            }
          }
        }
      }
    }
    const dn = this.dLon.length;
    for (let k = 0; k < dn; k++) {
      if (this.dDead.data[k]) continue;
      const s = this.dSub.data[k]!;
      if (!((statusMask >> this.subStatus.data[s]!) & 1)) continue;
      if (groupMask !== 0 && (this.subGroups.data[s]! & groupMask) === 0) continue;
      if (categoryMask !== 0 && (this.subCats.data[s]! & categoryMask) === 0) continue;
      if (!area.contains(this.dLon.data[k]!, this.dLat.data[k]!)) continue;
      places++;
      const w = s >>> 5,
        bit = 1 << (s & 31);
      if (seen[w]! & bit) continue;
      seen[w]! |= bit;
      onSubscriber(s, this.subGroups.data[s]!);
    }
    return places;
  }

  /** A place in crossed window cell (x, y), with that cell's sub-grid at `at` (or -1). */
  private crossedInside(q: Query, lon: number, lat: number, at: number, x: number, y: number): boolean {
    if (at < 0) return q.area.contains(lon, lat);
    let u = ((lon - (q.x0 + x * q.cw)) * (SUB / q.cw)) | 0,
      v = ((lat - (q.y0 + y * q.ch)) * (SUB / q.ch)) | 0;
    u = u < 0 ? 0 : u >= SUB ? SUB - 1 : u;
    v = v < 0 ? 0 : v >= SUB ? SUB - 1 : v;
    const sc = q.subCls[at + v * SUB + u]!;
    return sc === 1 || (sc === 2 && q.area.contains(lon, lat));
  }

  private groupsOf(s: number): number {
    return this.subGroups.data[s]!;
  }

  private result(total: number, perBit: Float64Array, places: number): CountResult {
    const byGroup: Record<string, number> = {};
    this.groupCodes.forEach((code, b) => (byGroup[code] = perBit[b]!));
    return { total, byGroup, places };
  }

  count(area: CompiledArea, filter: TargetFilter): CountResult {
    const perBit = new Float64Array(MAX_BITS);
    let total = 0;
    const f = this.compileFilter(filter);
    const tallies = f.none ? null : this.singleTallies(f);
    const places = this.visit(
      area,
      f,
      (_s, groups) => {
        total++;
        let m = groups;
        while (m !== 0) {
          perBit[31 - Math.clz32(m & -m)]!++;
          m &= m - 1;
        }
      },
      tallies &&
        ((c) => {
          const k = tallies.total[c]!;
          if (k === 0) return 0;
          total += k;
          for (let b = 0, o = c * tallies.groups; b < tallies.groups; b++) perBit[b]! += tallies.perGroup[o + b]!;
          return k;
        }),
    );
    return this.result(total, perBit, places);
  }

  private singleTallies(f: CompiledFilter): NonNullable<PlaceIndex['singles']> {
    const key = `${f.statusMask}:${f.groupMask}:${f.categoryMask}`;
    if (this.singles?.key === key) return this.singles;
    const cells = this.nx * this.ny;
    const G = this.groupCodes.length;
    const total = new Uint32Array(cells);
    const perGroup = new Uint32Array(cells * G);
    const { pFlags, pGroups, pCats, cellStart, multiEnd } = this;
    for (let c = 0; c < cells; c++) {
      for (let i = multiEnd[c]!, end = cellStart[c + 1]!; i < end; i++) {
        const fl = pFlags[i]!;
        if (fl & DEAD || !((f.statusMask >> (fl & STATUS_BITS)) & 1)) continue;
        const g = pGroups[i]!;
        if (f.groupMask !== 0 && (g & f.groupMask) === 0) continue;
        if (f.categoryMask !== 0 && (pCats[i]! & f.categoryMask) === 0) continue;
        total[c]!++;
        for (let m = g; m !== 0; m &= m - 1) perGroup[c * G + 31 - Math.clz32(m & -m)]!++;
      }
    }
    this.singles = { key, total, perGroup, groups: G };
    return this.singles;
  }

  /** Store ids of the matching subscribers, ascending: what dispatch writes to its outbox. */
  selectRecipients(area: CompiledArea, filter: TargetFilter): Int32Array {
    const out = new Grow(new Int32Array(1024), (n) => new Int32Array(n));
    const ids = this.subId.data;
    this.visit(area, this.compileFilter(filter), (s) => out.push(ids[s]!));
    return out.data.slice(0, out.length).sort();
  }

  /**
   * Places per grid cell (not distinct subscribers: a home and a workplace are two dots on a
   * map), in the area or a bbox; cells under `minCount` are hidden so that no single
   * subscriber's whereabouts can be read off the map.
   */
  density(region: CompiledArea | BBox, filter: TargetFilter, cellSizeDeg: number, minCount: number): DensityResult {
    if (!(cellSizeDeg > 0)) throw new Error('cellSizeDeg must be positive');
    const area = Array.isArray(region) ? null : region;
    const bb = area ? area.bbox : (region as BBox);
    const empty: DensityResult = { cellSizeDeg, cells: [], hiddenCells: 0 };
    if (!(bb[0] <= bb[2] && bb[1] <= bb[3])) return empty;
    const ox = Math.floor(bb[0] / cellSizeDeg),
      oy = Math.floor(bb[1] / cellSizeDeg);
    const w = Math.floor(bb[2] / cellSizeDeg) - ox + 1,
      h = Math.floor(bb[3] / cellSizeDeg) - oy + 1;
    if (w * h > 4_000_000) throw new Error('too many density cells: choose a larger cell size');
    const counts = new Uint32Array(w * h);
    const f = this.compileFilter(filter);
    const add = (lon: number, lat: number) => {
      const x = Math.floor(lon / cellSizeDeg) - ox,
        y = Math.floor(lat / cellSizeDeg) - oy;
      if (x >= 0 && x < w && y >= 0 && y < h) counts[y * w + x]!++;
    };
    if (area) {
      this.forEachPlace(area, f, add);
    } else {
      const box = bb;
      this.forEachPlace(null, f, (lon, lat) => {
        if (lon >= box[0] && lon <= box[2] && lat >= box[1] && lat <= box[3]) add(lon, lat);
      }, box);
    }
    const cells: DensityCell[] = [];
    let hiddenCells = 0;
    for (let k = 0; k < counts.length; k++) {
      const c = counts[k]!;
      if (c === 0) continue;
      if (c < minCount) {
        hiddenCells++;
        continue;
      }
      cells.push({ lon: (ox + (k % w)) * cellSizeDeg, lat: (oy + Math.floor(k / w)) * cellSizeDeg, count: c });
    }
    return { cellSizeDeg, cells, hiddenCells };
  }

  /** Every matching place in the area (or bbox), without dedup. */
  private forEachPlace(area: CompiledArea | null, f: CompiledFilter, fn: (lon: number, lat: number) => void, box?: BBox): void {
    if (f.none) return;
    const bb = area ? area.bbox : box!;
    const match = (fl: number, g: number, c: number) =>
      !(fl & DEAD) &&
      ((f.statusMask >> (fl & STATUS_BITS)) & 1) === 1 &&
      (f.groupMask === 0 || (g & f.groupMask) !== 0) &&
      (f.categoryMask === 0 || (c & f.categoryMask) !== 0);
    if (this.pLon.length > 0) {
      const cx0 = Math.max(0, Math.floor((bb[0] - this.minLon) / this.cellW));
      const cx1 = Math.min(this.nx - 1, Math.floor((bb[2] - this.minLon) / this.cellW));
      const cy0 = Math.max(0, Math.floor((bb[1] - this.minLat) / this.cellH));
      const cy1 = Math.min(this.ny - 1, Math.floor((bb[3] - this.minLat) / this.cellH));
      if (cx0 <= cx1 && cy0 <= cy1) {
        const w = cx1 - cx0 + 1,
          h = cy1 - cy0 + 1;
        const cls = area ? this.classify(area, cx0, cy0, w, h).cls : null;
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            const kind = cls ? cls[y * w + x]! : 1;
            if (kind === 0) continue;
            const c = (cy0 + y) * this.nx + cx0 + x;
            for (let i = this.cellStart[c]!, end = this.cellStart[c + 1]!; i < end; i++) {
              if (!match(this.pFlags[i]!, this.pGroups[i]!, this.pCats[i]!)) continue;
              const lon = this.pLon[i]!,
                lat = this.pLat[i]!;
              if (kind === 2 && !area!.contains(lon, lat)) continue;
              fn(lon, lat);
            }
          }
        }
      }
    }
    for (let k = 0; k < this.dLon.length; k++) {
      if (this.dDead.data[k]) continue;
      const s = this.dSub.data[k]!;
      if (!match(this.subStatus.data[s]!, this.groupsOf(s), this.subCats.data[s]!)) continue;
      const lon = this.dLon.data[k]!,
        lat = this.dLat.data[k]!;
      if (area && !area.contains(lon, lat)) continue;
      fn(lon, lat);
    }
  }

  /**
   * The reference: every live place tested against the area, no grid. For tests and the
   * benchmark's ratio; never on a hot path.
   */
  naiveCount(area: CompiledArea, filter: TargetFilter): CountResult {
    const f = this.compileFilter(filter);
    const perBit = new Float64Array(MAX_BITS);
    if (f.none) return this.result(0, perBit, 0);
    const seen = this.clearSeen();
    let total = 0,
      places = 0;
    const take = (s: number, lon: number, lat: number) => {
      if (this.subRemoved.data[s]) return;
      if (!((f.statusMask >> this.subStatus.data[s]!) & 1)) return;
      const g = this.subGroups.data[s]!;
      if (f.groupMask !== 0 && (g & f.groupMask) === 0) return;
      if (f.categoryMask !== 0 && (this.subCats.data[s]! & f.categoryMask) === 0) return;
      if (!area.contains(lon, lat)) return;
      places++;
      if (seen[s >>> 5]! & (1 << (s & 31))) return;
      seen[s >>> 5]! |= 1 << (s & 31);
      total++;
      for (let b = 0; b < MAX_BITS; b++) if ((g >>> b) & 1) perBit[b]!++;
    };
    for (let i = 0; i < this.pLon.length; i++) if (!(this.pFlags[i]! & DEAD)) take(this.pSub[i]!, this.pLon[i]!, this.pLat[i]!);
    for (let k = 0; k < this.dLon.length; k++) if (!this.dDead.data[k]) take(this.dSub.data[k]!, this.dLon.data[k]!, this.dLat.data[k]!);
    return this.result(total, perBit, places);
  }
}

/** Column form of plain records (tests, small imports); ids need not be sorted. */
export function arraysFromRecords(records: Iterable<SubscriberRecord>): IndexArrays {
  const list = [...records].sort((a, b) => a.id - b.id);
  const groupCodes: string[] = [];
  const categoryCodes: string[] = [];
  const bit = (code: string, dict: string[]) => {
    let b = dict.indexOf(code);
    if (b < 0) b = dict.push(code) - 1;
    if (b >= MAX_BITS) throw new Error(`the index holds at most ${MAX_BITS} groups and categories`);
    return 1 << b;
  };
  const n = list.reduce((k, r) => k + r.places.length, 0);
  const a: IndexArrays = {
    subIds: new Int32Array(list.length),
    subStatus: new Uint8Array(list.length),
    subGroups: new Uint32Array(list.length),
    subCategories: new Uint32Array(list.length),
    placeSub: new Int32Array(n),
    placeLon: new Float64Array(n),
    placeLat: new Float64Array(n),
    groupCodes,
    categoryCodes,
  };
  let p = 0;
  list.forEach((r, s) => {
    if (s > 0 && list[s - 1]!.id === r.id) throw new Error(`subscriber id ${r.id} appears twice`);
    a.subIds[s] = r.id;
    a.subStatus[s] = subscriberStatuses.indexOf(r.status);
    a.subGroups[s] = r.groups.reduce((m, g) => m | bit(g, groupCodes), 0) >>> 0;
    a.subCategories[s] = r.categories.reduce((m, c) => m | bit(c, categoryCodes), 0) >>> 0;
    for (const pl of r.places) {
      a.placeSub[p] = s;
      a.placeLon[p] = pl.lon;
      a.placeLat[p] = pl.lat;
      p++;
    }
  });
  return a;
}
