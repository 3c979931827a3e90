import type { BoundaryOutline } from '../../../shared/bridge/contract';
import type { BridgeError } from '../../../shared/bridge/result';
import type { AppState, SliceCreator } from '../../store';
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

export interface MapSlice {
  mapView: MapView | null;
  setMapView(view: MapView): void;
  outlineLayers: Record<OutlineKind, OutlineLayer>;
  visibleOutlines: Record<OutlineKind, boolean>;
  setOutlineVisible(kind: OutlineKind, visible: boolean): void;
  /** Fetches a kind's outlines once; `retry` fetches again after a failure. */
  loadOutlines(kind: OutlineKind, options?: { retry?: boolean }): Promise<void>;
}

const emptyLayer: OutlineLayer = { status: 'idle', outlines: [], error: null };

const byKind = <T>(make: (kind: OutlineKind) => T) =>
  Object.fromEntries(outlineKinds.map((k) => [k, make(k)])) as Record<OutlineKind, T>;

export const createMapSlice: SliceCreator<MapSlice> = (set, get, { bridge }) => {
  const setLayer = (kind: OutlineKind, layer: OutlineLayer) =>
    set((s) => ({ outlineLayers: { ...s.outlineLayers, [kind]: layer } }));
  return {
    mapView: null,
    setMapView: (mapView) => set({ mapView }),
    outlineLayers: byKind(() => emptyLayer),
    // Postcodes are many small shapes; they clutter the national view until asked for.
    visibleOutlines: { district: true, municipality: true, postcode: false },
    setOutlineVisible: (kind, visible) => set((s) => ({ visibleOutlines: { ...s.visibleOutlines, [kind]: visible } })),
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
