import * as L from 'leaflet';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useMap } from 'react-leaflet';
import { useAppStore } from '../../store';
import { densityColor, labelFitsCell, MAX_LABELLED_CELLS } from './density';
import { usePaneGroup } from '../../lib/leaflet';

const DENSITY_PANE = 'density';

/** Asks for the grid of what is on screen whenever the map settles (the slice coalesces). */
function FollowView() {
  const map = useMap();
  const viewDensity = useAppStore((s) => s.viewDensity);
  useEffect(() => {
    const report = () => {
      const size = map.getSize();
      if (size.x === 0 || size.y === 0) return; // not laid out: the bounds would be a point
      const b = map.getBounds();
      viewDensity({ bbox: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], zoom: map.getZoom() });
    };
    map.on('moveend zoomend', report);
    // Once at start too, so the grid shows before the officer moves the map.
    map.whenReady(report);
    return () => void map.off('moveend zoomend', report);
  }, [map, viewDensity]);
  return null;
}

/** The grid as translucent cells with their counts; nothing here is ever a single person. */
function Cells() {
  const map = useMap();
  const visible = useAppStore((s) => s.densityVisible);
  const density = useAppStore((s) => s.density.value);
  const { i18n } = useTranslation();
  // Over the offline land (405), under the outlines (410+).
  const group = usePaneGroup(DENSITY_PANE, { zIndex: 407, testId: 'density-pane', passThrough: true });

  useEffect(() => {
    group.clearLayers();
    if (!visible || !density) return;
    const size = density.cellSizeDeg;
    const labelled = density.cells.length <= MAX_LABELLED_CELLS;
    const format = new Intl.NumberFormat(i18n.language === 'en' ? 'en-GB' : 'da-DK');
    for (const cell of density.cells) {
      const bounds = L.latLngBounds([cell.lat, cell.lon], [cell.lat + size, cell.lon + size]);
      const color = densityColor(cell.count);
      group.addLayer(
        L.rectangle(bounds, {
          pane: DENSITY_PANE,
          interactive: false,
          stroke: true,
          weight: 0.5,
          color: '#ffffff',
          fillColor: color,
          fillOpacity: 0.55,
          className: 'density-cell',
        }),
      );
      const text = format.format(cell.count);
      const sw = map.latLngToContainerPoint(bounds.getSouthWest());
      const ne = map.latLngToContainerPoint(bounds.getNorthEast());
      if (labelled && labelFitsCell(text, Math.abs(ne.x - sw.x), Math.abs(sw.y - ne.y))) {
        const label = document.createElement('span');
        label.textContent = text;
        group.addLayer(
          L.marker(bounds.getCenter(), {
            pane: DENSITY_PANE,
            interactive: false,
            keyboard: false,
            icon: L.divIcon({ className: 'density-label', html: label, iconSize: undefined }),
          }),
        );
      }
    }
  }, [map, group, visible, density, i18n.language]);
  return null;
}

export function DensityLayer() {
  return (
    <>
      <FollowView />
      <Cells />
    </>
  );
}
