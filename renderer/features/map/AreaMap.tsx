/**
 * A real map of one target area for the approver (and the composer): every part drawn with its
 * mode and the resulting outline, framed to fit, on the same base as the console's map (tiles
 * where there are any, else land and the offline names), so "where is this" has context.
 */
import 'leaflet/dist/leaflet.css';
import { useContext, useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { MapContainer, useMap } from 'react-leaflet';
import type { TargetArea } from '../../../shared/targeting/area';
import { StoreContext } from '../../store';
import { StopAnimationsOnUnmount } from '../../lib/leaflet';
import { AreaLayers, HatchDefs, useBoundaryLookup } from './AreaLayers';
import { polygonsBounds, shapePolygons } from './areaShape';
import type { ShapePart } from './areaShape';
import { OfflineLabels } from './OfflineLabels';
import { BaseTiles } from './BaseTiles';
import { OfflineLand } from './OutlineMap';
import { DENMARK_CENTER, DENMARK_ZOOM } from './outlines';

/** Frames the included parts once their shapes are known, and again when the area changes. */
function FitArea({ parts }: { parts: readonly ShapePart[] }) {
  const map = useMap();
  const lookup = useBoundaryLookup(parts);
  const bounds = useMemo(() => {
    const polygons = parts.filter((p) => p.mode === 'include').flatMap((p) => shapePolygons(p.shape, lookup) ?? []);
    return polygonsBounds(polygons);
  }, [parts, lookup]);
  const key = bounds ? bounds.flat().map((n) => n.toFixed(5)).join(',') : '';
  const fitted = useRef('');
  useEffect(() => {
    if (!bounds || fitted.current === key) return;
    const size = map.getSize();
    if (size.x === 0 || size.y === 0) return;
    fitted.current = key;
    map.fitBounds(bounds, { padding: [16, 16], maxZoom: 14, animate: false });
  }, [map, bounds, key]);
  return null;
}

export function AreaMap({ area }: { area: TargetArea }) {
  const { t } = useTranslation();
  const store = useContext(StoreContext)!;
  useEffect(() => {
    // The land under the area when there are no tiles.
    void store.getState().loadOutlines('municipality');
  }, [store]);
  return (
    <div className="area-map" data-testid="area-map" role="region" aria-label={t('alerts.area.outline')}>
      <MapContainer
        className="area-map__leaflet"
        center={DENMARK_CENTER}
        zoom={DENMARK_ZOOM}
        minZoom={6}
        maxZoom={18}
        zoomSnap={0.5}
        scrollWheelZoom={false}
        doubleClickZoom={false}
      >
        <StopAnimationsOnUnmount />
        <BaseTiles />
        <OfflineLand />
        <OfflineLabels />
        <AreaLayers parts={area.parts} drawShapes />
        <FitArea parts={area.parts} />
      </MapContainer>
      <HatchDefs />
    </div>
  );
}
