/**
 * Online tiles, with a back-off: when a view's first tiles fail (no network, the tile server
 * down or unreachable from the control room) the layer is taken down after a few errors
 * instead of failing for every tile of every view, and tried again after 15 s, 30 s, 1 min …
 * up to 10 min. Meanwhile the map is the offline map (land, outlines, names).
 */
import { useContext, useEffect, useMemo } from 'react';
import { TileLayer } from 'react-leaflet';
import type { LeafletEventHandlerFnMap } from 'leaflet';
import { StoreContext, useAppStore } from '../../store';
import { selectTileUrl } from '../status/statusSlice';

const TILE_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>';
/** Errors before any tile has loaded that take the layer down. */
export const TILE_ERRORS_BEFORE_BACKOFF = 4;

export function BaseTiles() {
  const store = useContext(StoreContext)!;
  const url = useAppStore(selectTileUrl);
  const downUntil = useAppStore((s) => s.tilesDownUntil);

  useEffect(() => {
    if (downUntil === null) return;
    const timer = setTimeout(() => store.getState().retryTiles(), Math.max(0, downUntil - Date.now()));
    return () => clearTimeout(timer);
  }, [store, downUntil]);

  // A new layer (after a back-off, or a new URL) counts afresh.
  return url ? <WatchedTiles key={`${url} ${downUntil ?? ''}`} url={url} /> : null;
}

/** The tile layer and its error count: one per mount. */
function WatchedTiles({ url }: { url: string }) {
  const store = useContext(StoreContext)!;
  const handlers = useMemo<LeafletEventHandlerFnMap>(() => {
    let errors = 0;
    let loaded = false;
    return {
      tileload: () => {
        if (!loaded) store.getState().reportTiles(true);
        loaded = true;
      },
      tileerror: () => {
        if (loaded || ++errors < TILE_ERRORS_BEFORE_BACKOFF) return;
        store.getState().reportTiles(false);
      },
    };
  }, [store]);
  return <TileLayer url={url} attribution={TILE_ATTRIBUTION} maxZoom={19} eventHandlers={handlers} />;
}
