import { useEffect } from 'react';
import { useMap } from 'react-leaflet';

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
