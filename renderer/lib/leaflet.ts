import * as L from 'leaflet';
import { useEffect, useMemo } from 'react';
import { useMap } from 'react-leaflet';

/**
 * A layer group in its own map pane (made once per map, at `zIndex`; `data-testid` for the
 * end-to-end tests), on the map while the calling component is mounted. The caller fills it.
 */
export function usePaneGroup(name: string, opts: { zIndex: number; testId: string; passThrough?: boolean }): L.LayerGroup {
  const map = useMap();
  const group = useMemo(() => L.layerGroup([], { pane: name }), [name]);
  const { zIndex, testId, passThrough = false } = opts;
  useEffect(() => {
    if (!map.getPane(name)) {
      const pane = map.createPane(name);
      pane.style.zIndex = String(zIndex);
      if (passThrough) pane.style.pointerEvents = 'none';
      pane.dataset.testid = testId;
    }
    group.addTo(map);
    return () => void group.remove();
  }, [map, group, name, zIndex, testId, passThrough]);
  return group;
}

/**
 * For a child of a MapContainer that can unmount mid-zoom (the officer changes screens):
 * Leaflet 1.9.4's remove() does not clear the 250 ms timer that ends a zoom animation, and
 * that timer then reads the removed panes' positions ("_leaflet_pos of undefined"). Marking
 * the animation over makes the late callback return at once.
 */
export function StopAnimationsOnUnmount() {
  const map = useMap();
  useEffect(
    // Not map.stop(): by now react-leaflet may have removed the map, and stop() reads its panes.
    () => () => {
      (map as unknown as { _animatingZoom?: boolean })._animatingZoom = false;
    },
    [map],
  );
  return null;
}
