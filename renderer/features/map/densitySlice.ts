/**
 * Where subscribers' places are, as the host aggregates them: a grid of counts for the part of
 * the map on screen. Cells with too few places never reach the renderer, and neither do points.
 */
import type { Density } from '../../../shared/bridge/contract';
import type { BridgeError } from '../../../shared/bridge/result';
import { latestOnly } from '../../lib/latest';
import type { SliceCreator } from '../../store';
import { filterFor } from '../target/targetSlice';

export interface DensityView {
  /** [west, south, east, north] */
  bbox: [number, number, number, number];
  zoom: number;
}

export interface DensityState {
  status: 'idle' | 'loading' | 'ready' | 'failed';
  value: Density | null;
  error: BridgeError | null;
}

export interface DensitySlice {
  densityVisible: boolean;
  setDensityVisible(visible: boolean): void;
  density: DensityState;
  /** The map moved: fetch the grid for what is on screen (coalesced while one is out). */
  viewDensity(view: DensityView): void;
  /** Fetches the grid again for the last view (the filter or the registry changed). */
  refreshDensity(): void;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** The bridge takes whole zoom levels inside the world; the map snaps to halves and can show beyond it. */
export function densityRequestView({ bbox: [w, s, e, n], zoom }: DensityView): DensityView {
  return {
    bbox: [clamp(w, -180, 180), clamp(s, -90, 90), clamp(e, -180, 180), clamp(n, -90, 90)],
    zoom: clamp(Math.round(zoom), 0, 22),
  };
}

export const createDensitySlice: SliceCreator<DensitySlice> = (set, get, { bridge }) => {
  let lastView: DensityView | null = null;
  const loader = latestOnly<DensityView>(async (view, superseded) => {
    const filter = filterFor(get().targetFilter);
    const result = await bridge.invoke('target.density', { ...view, ...(filter ? { filter } : {}) });
    if (superseded()) return; // the map has moved on; the next answer draws
    set({
      density: result.ok
        ? { status: 'ready', value: result.value, error: null }
        : { status: 'failed', value: get().density.value, error: result.error },
    });
  });
  const fetch = () => {
    if (!lastView || !get().densityVisible) return;
    set((s) => ({ density: { ...s.density, status: 'loading' } }));
    loader.push(lastView);
  };
  return {
    densityVisible: true,
    setDensityVisible(densityVisible) {
      set({ densityVisible });
      fetch();
    },
    density: { status: 'idle', value: null, error: null },
    viewDensity(view) {
      lastView = densityRequestView(view);
      fetch();
    },
    refreshDensity: fetch,
  };
};
