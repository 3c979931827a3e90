/**
 * Every part of a target area drawn with its mode (included: filled green; excluded: hatched
 * red), and the resulting area's outline on top. The console's map draws the picked
 * boundaries and the result here (its drawn shapes are Geoman's editable layers); the
 * approver's review map draws everything here. Neither takes clicks: they fall through to the
 * boundary outlines below, so a postcode inside a drawn shape can still be picked.
 */
import * as L from 'leaflet';
import type { MultiPolygon as GeoMultiPolygon } from 'geojson';
import { useContext, useDeferredValue, useEffect, useMemo } from 'react';
import { useMap } from 'react-leaflet';
import type { BoundaryKind } from '../../../shared/targeting/area';
import { StoreContext, useAppStore } from '../../store';
import { resultArea, shapePolygons } from './areaShape';
import type { GeometryLookup, ShapePart } from './areaShape';
import type { OutlineKind } from './outlines';

/** Below the drawn shapes (450), above the outlines (410–430); the result above the drawn shapes. */
export const AREA_PARTS_PANE = 'area-parts';
export const AREA_RESULT_PANE = 'area-result';
export const HATCH_ID = 'area-hatch-exclude';

export const partStyle: Record<'include' | 'exclude', L.PathOptions> = {
  include: { color: '#1b6e3a', weight: 2, fillColor: '#2f9e5a', fillOpacity: 0.22 },
  // The hatch is an SVG pattern (HatchDefs): what is cut out reads as cut out, not as a second area.
  exclude: { color: '#b3261e', weight: 2, dashArray: '6 4', fillColor: `url(#${HATCH_ID})`, fillOpacity: 1 },
};

const resultStyle: L.PathOptions = { color: '#0b3d1f', weight: 3, fill: false, interactive: false };

/** The hatch pattern excluded parts are filled with; render it once on any screen that has a map. */
export function HatchDefs() {
  return (
    <svg width="0" height="0" style={{ position: 'absolute' }} aria-hidden="true" focusable="false">
      <defs>
        <pattern id={HATCH_ID} patternUnits="userSpaceOnUse" width="8" height="8" patternTransform="rotate(45)">
          <rect width="8" height="8" fill="#b3261e" fillOpacity="0.08" />
          <line x1="0" y1="0" x2="0" y2="8" stroke="#b3261e" strokeWidth="3" strokeOpacity="0.55" />
        </pattern>
      </defs>
    </svg>
  );
}

/** Boundary outlines by kind and code from the loaded layers; loads the kinds the parts name. */
export function useBoundaryLookup(parts: readonly ShapePart[]): GeometryLookup {
  const store = useContext(StoreContext)!;
  const layers = useAppStore((s) => s.outlineLayers);
  const kinds = useMemo(
    () => [...new Set(parts.flatMap((p) => (p.shape.type === 'boundary' ? [p.shape.kind] : [])))].sort().join(','),
    [parts],
  );
  useEffect(() => {
    for (const kind of kinds.split(',')) if (kind && kind !== 'region') void store.getState().loadOutlines(kind as OutlineKind);
  }, [store, kinds]);
  return useMemo(() => {
    const byKind = new Map<string, Map<string, GeometryLookupResult>>();
    for (const [kind, layer] of Object.entries(layers)) byKind.set(kind, new Map(layer.outlines.map((o) => [o.code, o.geometry])));
    return (kind: BoundaryKind, code: string) => byKind.get(kind)?.get(code);
  }, [layers]);
}
type GeometryLookupResult = ReturnType<GeometryLookup>;

function ensurePane(map: L.Map, name: string, z: number) {
  const pane = map.getPane(name) ?? map.createPane(name);
  pane.style.zIndex = String(z);
  pane.style.pointerEvents = 'none';
  pane.setAttribute('data-testid', `pane-${name}`);
  return pane;
}

/** Draws `parts` (all, or only the picked boundaries) and the resulting outline on the map it is in. */
export function AreaLayers({ parts, drawShapes }: { parts: readonly ShapePart[]; drawShapes: boolean }) {
  const map = useMap();
  const lookup = useBoundaryLookup(parts);
  const shown = useMemo(() => parts.filter((p) => drawShapes || p.shape.type === 'boundary'), [parts, drawShapes]);

  useEffect(() => {
    ensurePane(map, AREA_PARTS_PANE, 440);
    ensurePane(map, AREA_RESULT_PANE, 460);
  }, [map]);

  useEffect(() => {
    const group = L.layerGroup().addTo(map);
    // Excludes after includes, so a hatch lies on the fill it cuts.
    const ordered = [...shown].sort((a, b) => (a.mode === b.mode ? 0 : a.mode === 'include' ? -1 : 1));
    for (const part of ordered) {
      const polygons = shapePolygons(part.shape, lookup);
      if (!polygons) continue;
      const code = part.shape.type === 'boundary' ? `${part.shape.kind}:${part.shape.code}` : part.shape.type;
      L.geoJSON({ type: 'MultiPolygon', coordinates: polygons } as GeoMultiPolygon, {
        pane: AREA_PARTS_PANE,
        interactive: false,
        style: () => ({ ...partStyle[part.mode], className: `area-part area-part--${part.mode}`, interactive: false }),
        onEachFeature: (_f, layer) => {
          layer.on('add', () => (layer as L.Path).getElement()?.setAttribute('data-part', code));
        },
      }).addTo(group);
    }
    return () => void group.remove();
  }, [map, shown, lookup]);

  // While a shape is dragged the result follows a step behind rather than slowing the drag.
  const deferred = useDeferredValue(parts);
  const result = useMemo(() => resultArea(deferred, lookup), [deferred, lookup]);
  useEffect(() => {
    if (!result || result.polygons.length === 0) return;
    const layer = L.geoJSON({ type: 'MultiPolygon', coordinates: result.polygons } as GeoMultiPolygon, {
      pane: AREA_RESULT_PANE,
      interactive: false,
      style: () => ({ ...resultStyle, className: 'area-result' }),
    }).addTo(map);
    const holes = result.polygons.reduce((n, p) => n + p.length - 1, 0);
    layer.eachLayer((l) => {
      const el = (l as L.Path).getElement();
      el?.setAttribute('data-holes', String(holes));
      el?.setAttribute('data-complete', String(result.complete));
    });
    return () => void layer.remove();
  }, [map, result]);
  return null;
}
