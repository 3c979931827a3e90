import type { BoundaryOutline, BoundarySummary, Town } from '../../../shared/bridge/contract';
import type { BridgeError } from '../../../shared/bridge/result';
import type { AppState, SliceCreator } from '../../store';
import { tileBackoffMs } from './tileBackoff';
import { outlineKinds } from './outlines';
import type { OutlineKind } from './outlines';

export interface OutlineLayer {
  status: 'idle' | 'loading' | 'ready' | 'failed';
  outlines: BoundaryOutline[];
  error: BridgeError | null;
}

/** Where the officer left the map, so coming back to the screen does not reset it. */
export interface MapView {
  center: [number, number];
  zoom: number;
}

/** Geoman's names for the drawing tools the console offers. */
export const drawTools = ['Polygon', 'Rectangle', 'Circle'] as const;
export type DrawTool = (typeof drawTools)[number];

/** The boundary kinds a click on the map picks (the district is picked with a button). */
export type PickKind = 'postcode' | 'municipality';

export interface BoundarySearch {
  query: string;
  status: 'idle' | 'searching' | 'ready' | 'failed';
  results: BoundarySummary[];
  error: BridgeError | null;
}

export interface MapSlice {
  /** The drawing tool in use, or null; the map enables it in Geoman and clears it when drawing ends. */
  drawTool: DrawTool | null;
  setDrawTool(tool: DrawTool | null): void;
  pickKind: PickKind;
  setPickKind(kind: PickKind): void;
  /** A frame the map should move to ([west, south, east, north]); `seq` makes the same frame twice a new request. */
  mapFocus: { bbox: [number, number, number, number]; seq: number } | null;
  focusMap(bbox: [number, number, number, number]): void;
  boundarySearch: BoundarySearch;
  searchBoundaries(query: string): Promise<void>;
  mapView: MapView | null;
  setMapView(view: MapView): void;
  outlineLayers: Record<OutlineKind, OutlineLayer>;
  visibleOutlines: Record<OutlineKind, boolean>;
  setOutlineVisible(kind: OutlineKind, visible: boolean): void;
  /** Fetches a kind's outlines once; `retry` fetches again after a failure. */
  loadOutlines(kind: OutlineKind, options?: { retry?: boolean }): Promise<void>;
  /** Towns for the offline map's names, fetched once. */
  towns: { status: 'idle' | 'loading' | 'ready' | 'failed'; list: Town[] };
  loadTowns(): Promise<void>;
  /** While tiles are backed off (BaseTiles): when to try again, and how many failures in a row. */
  tilesDownUntil: number | null;
  tileFailures: number;
  reportTiles(ok: boolean): void;
  retryTiles(): void;
}

const emptyLayer: OutlineLayer = { status: 'idle', outlines: [], error: null };

const byKind = <T>(make: (kind: OutlineKind) => T) =>
  Object.fromEntries(outlineKinds.map((k) => [k, make(k)])) as Record<OutlineKind, T>;

export const createMapSlice: SliceCreator<MapSlice> = (set, get, { bridge }) => {
  const setLayer = (kind: OutlineKind, layer: OutlineLayer) =>
    set((s) => ({ outlineLayers: { ...s.outlineLayers, [kind]: layer } }));
  // Only the newest search may write its results, so typing fast cannot show an older answer.
  let searchSeq = 0;
  let focusSeq = 0;
  return {
    drawTool: null,
    setDrawTool: (drawTool) => set({ drawTool }),
    // Municipalities are on the map from the start; postcodes appear when the officer picks them.
    pickKind: 'municipality',
    setPickKind(pickKind) {
      set({ pickKind });
      // Picking a kind on the map needs its outlines on the map.
      get().setOutlineVisible(pickKind, true);
    },
    mapFocus: null,
    focusMap: (bbox) => set({ mapFocus: { bbox, seq: ++focusSeq } }),
    boundarySearch: { query: '', status: 'idle', results: [], error: null },
    async searchBoundaries(query) {
      const seq = ++searchSeq;
      const trimmed = query.trim();
      if (trimmed === '') {
        set({ boundarySearch: { query, status: 'idle', results: [], error: null } });
        return;
      }
      set((s) => ({ boundarySearch: { ...s.boundarySearch, query, status: 'searching', error: null } }));
      const result = await bridge.invoke('boundaries.search', { query: trimmed.slice(0, 100) });
      if (seq !== searchSeq) return;
      set({
        boundarySearch: result.ok
          ? { query, status: 'ready', results: result.value, error: null }
          : { query, status: 'failed', results: [], error: result.error },
      });
    },
    mapView: null,
    setMapView: (mapView) => set({ mapView }),
    outlineLayers: byKind(() => emptyLayer),
    // Postcodes are many small shapes; they clutter the national view until asked for.
    visibleOutlines: { district: true, municipality: true, postcode: false },
    setOutlineVisible: (kind, visible) => set((s) => ({ visibleOutlines: { ...s.visibleOutlines, [kind]: visible } })),
    towns: { status: 'idle', list: [] },
    tilesDownUntil: null,
    tileFailures: 0,
    reportTiles(ok) {
      if (ok) return set({ tileFailures: 0, tilesDownUntil: null });
      const failures = get().tileFailures + 1;
      set({ tileFailures: failures, tilesDownUntil: Date.now() + tileBackoffMs(failures) });
    },
    retryTiles: () => set({ tilesDownUntil: null }),
    async loadTowns() {
      if (get().towns.status === 'loading' || get().towns.status === 'ready') return;
      set({ towns: { status: 'loading', list: [] } });
      const result = await bridge.invoke('boundaries.towns', {});
      set({ towns: result.ok ? { status: 'ready', list: result.value } : { status: 'failed', list: [] } });
    },
    async loadOutlines(kind, { retry = false } = {}) {
      const current = get().outlineLayers[kind];
      if (current.status === 'loading' || current.status === 'ready') return;
      if (current.status === 'failed' && !retry) return;
      setLayer(kind, { status: 'loading', outlines: [], error: null });
      const result = await bridge.invoke('boundaries.outlines', { kind });
      setLayer(
        kind,
        result.ok
          ? { status: 'ready', outlines: result.value, error: null }
          : { status: 'failed', outlines: [], error: result.error },
      );
    },
  };
};

export const selectOutlineLayer = (kind: OutlineKind) => (s: AppState) => s.outlineLayers[kind];
export const selectOutlineVisible = (kind: OutlineKind) => (s: AppState) => s.visibleOutlines[kind];
