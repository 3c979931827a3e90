import { useContext, useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { GeoJSON, MapContainer, Pane, ZoomControl, useMap, useMapEvents } from 'react-leaflet';
import type { Layer, PathOptions } from 'leaflet';
import type { Feature, Geometry } from 'geojson';
import { StoreContext, useAppStore } from '../../store';
import type { AppStore } from '../../store';
import type { PartMode } from '../target/parts';
import { AreaLayers } from './AreaLayers';
import { BaseTiles } from './BaseTiles';
import { DensityLayer } from './DensityLayer';
import { OfflineLabels } from './OfflineLabels';
import { TargetLayers } from './TargetLayers';
import { selectTileUrl } from '../status/statusSlice';
import { selectOutlineLayer, selectOutlineVisible } from './mapSlice';
import { DENMARK_CENTER, DENMARK_ZOOM, outlineBounds, outlineKinds, toFeatureCollection } from './outlines';
import type { OutlineKind, OutlineProperties } from './outlines';
import { StopAnimationsOnUnmount } from '../../lib/leaflet';
import { MapTipsLayer } from '../tips/TipMap';

// Each kind in its own pane: the stacking is fixed (district on top), and the pane is a DOM
// element tests and the officer's tools can find by kind.
const paneZ: Record<OutlineKind, number> = { postcode: 410, municipality: 420, district: 430 };

// The `className` lands on every SVG path of the kind, so the outlines can be found in the DOM.
// The district is drawn as a bold line without fill, so it never hides what lies under it.
const pathStyle: Record<OutlineKind | 'otherDistrict', PathOptions> = {
  district: { className: 'outline outline-district', color: '#0b2545', weight: 4, fill: false },
  // Other police districts than the console's own: there for orientation, not for attention.
  otherDistrict: { className: 'outline outline-district outline-district--other', color: '#0b2545', weight: 1.5, fill: false },
  municipality: { className: 'outline outline-municipality', color: '#33557a', weight: 1.5, fillOpacity: 0 },
  postcode: {
    className: 'outline outline-postcode',
    color: '#6a7a8c',
    weight: 1,
    dashArray: '4 3',
    fillOpacity: 0,
  },
};

// A generous frame around Denmark (Bornholm and Skagen included) so the map cannot be lost.
const MAX_BOUNDS: [[number, number], [number, number]] = [
  [53.0, 3.0],
  [59.0, 17.5],
];

/** The map itself. Its props are fixed once created; everything that changes it is a child using useMap(). */
export function OutlineMap() {
  const initialView = useAppStore((s) => s.mapView);
  return (
    <MapContainer
      className="map__leaflet"
      center={initialView?.center ?? DENMARK_CENTER}
      zoom={initialView?.zoom ?? DENMARK_ZOOM}
      minZoom={6}
      maxZoom={18}
      maxBounds={MAX_BOUNDS}
      zoomControl={false}
      zoomSnap={0.5}
      // Clicks on a boundary cycle it (include, exclude, remove): two quick ones must not also zoom.
      doubleClickZoom={false}
    >
      <MapLabels />
      <KeepView />
      <StopAnimationsOnUnmount />
      <FitToDistrict />
      <BaseTiles />
      <OfflineLand />
      {outlineKinds.map((kind) => (
        <OutlineLayer key={kind} kind={kind} />
      ))}
      <OfflineLabels />
      <DensityLayer />
      <MapTipsLayer />
      <TargetArea />
      <TargetLayers />
    </MapContainer>
  );
}

/** Names the map for assistive tech and gives the zoom buttons words in the officer's language. */
function MapLabels() {
  const map = useMap();
  const { t, i18n } = useTranslation();
  useEffect(() => {
    const container = map.getContainer();
    container.setAttribute('role', 'region');
    container.setAttribute('aria-label', t('map.label'));
  }, [map, t]);
  // The control's titles are fixed when it is created, so a new language makes a new control.
  return <ZoomControl key={i18n.language} position="topleft" zoomInTitle={t('map.zoomIn')} zoomOutTitle={t('map.zoomOut')} />;
}

function KeepView() {
  const setMapView = useAppStore((s) => s.setMapView);
  const map = useMapEvents({
    moveend: () => {
      const c = map.getCenter();
      setMapView({ center: [c.lat, c.lng], zoom: map.getZoom() });
    },
  });
  return null;
}

/** Frames the district once it arrives, unless the officer has already moved the map. */
function FitToDistrict() {
  const map = useMap();
  const district = useAppStore(selectOutlineLayer('district'));
  const own = useAppStore((s) => s.appStatus?.district?.code ?? null);
  const hasView = useAppStore((s) => s.mapView !== null);
  useEffect(() => {
    if (hasView || district.status !== 'ready') return;
    // The console's own district when the host names it, else every district there is.
    const mine = own === null ? [] : district.outlines.filter((o) => o.code === own);
    const bounds = outlineBounds(mine.length > 0 ? mine : district.outlines);
    const size = map.getSize();
    // A map with no size (hidden, or not laid out) cannot compute a zoom to fit.
    if (bounds && size.x > 0 && size.y > 0) map.fitBounds(bounds, { padding: [24, 24], animate: false });
  }, [map, district, own, hasView]);
  return null;
}

const landStyle: PathOptions = {
  className: 'land',
  stroke: false,
  fillColor: '#fbfbf7',
  fillOpacity: 1,
  interactive: false,
};

/**
 * Without tiles, land and sea would look the same: the municipalities, once loaded, are painted
 * as land underneath all outlines, whether or not their outlines are shown.
 */
export function OfflineLand() {
  const tiles = useAppStore(selectTileUrl) !== null;
  const municipalities = useAppStore(selectOutlineLayer('municipality'));
  const data = useMemo(() => toFeatureCollection(municipalities.outlines), [municipalities.outlines]);
  if (tiles || municipalities.status !== 'ready' || municipalities.outlines.length === 0) return null;
  return (
    <Pane name="land" style={{ zIndex: 405 }}>
      <GeoJSON data={data} style={() => landStyle} interactive={false} />
    </Pane>
  );
}

/** Labels a shape with its name as text: boundary names come from imported files, never trusted as HTML. */
function bindName(feature: Feature<Geometry, OutlineProperties>, layer: Layer) {
  const label = document.createElement('span');
  label.textContent = `${feature.properties.code} ${feature.properties.name}`.trim();
  layer.bindTooltip(label, { sticky: true, direction: 'top' });
}

function TagPane({ kind }: { kind: OutlineKind }) {
  const map = useMap();
  useEffect(() => {
    map.getPane(`outline-${kind}`)?.setAttribute('data-testid', `outline-${kind}`);
  }, [map, kind]);
  return null;
}

// A picked boundary's outline takes its mode's colour; its fill (or hatch) is AreaLayers', drawn
// whether or not this kind's outlines are shown.
const pickedStyle: Record<PartMode, PathOptions> = {
  include: { color: '#1b6e3a', weight: 2, dashArray: undefined },
  exclude: { color: '#b3261e', weight: 2, dashArray: '6 4' },
};

/** The officer's area: picked boundaries filled or hatched, and the resulting outline. */
function TargetArea() {
  const parts = useAppStore((s) => s.targetParts);
  return <AreaLayers parts={parts} drawShapes={false} />;
}

/** Each picked boundary of a kind and whether it is included or excluded, by code. */
function usePicked(kind: OutlineKind): Map<string, PartMode> {
  const parts = useAppStore((s) => s.targetParts);
  return useMemo(() => {
    const picked = new Map<string, PartMode>();
    for (const p of parts) if (p.source === 'boundary' && p.shape.kind === kind) picked.set(p.shape.code, p.mode);
    return picked;
  }, [parts, kind]);
}

function styleFor(kind: OutlineKind, picked: Map<string, PartMode>, ownDistrict: string | null) {
  return (feature?: Feature<Geometry, OutlineProperties>): PathOptions => {
    const code = feature?.properties.code ?? '';
    const mode = picked.get(code);
    const base =
      kind === 'district' && ownDistrict !== null && code !== ownDistrict ? pathStyle.otherDistrict : pathStyle[kind];
    return mode ? { ...base, ...pickedStyle[mode] } : base;
  };
}

/** A click on a postcode or municipality cycles it: included, excluded, not picked. */
function pickOnClick(store: AppStore, kind: OutlineKind) {
  return (feature: Feature<Geometry, OutlineProperties>, layer: Layer) => {
    // The district is picked with its button in the panel; its line is only a frame.
    if (kind === 'district') return;
    bindName(feature, layer);
    layer.on('click', () => {
      const state = store.getState();
      // While drawing, a click places a vertex; and only the chosen kind is picked.
      if (state.drawTool !== null || state.pickKind !== kind) return;
      state.cycleBoundary(kind, feature.properties.code, feature.properties.name);
    });
  };
}

function OutlineLayer({ kind }: { kind: OutlineKind }) {
  const store = useContext(StoreContext)!;
  const layer = useAppStore(selectOutlineLayer(kind));
  const visible = useAppStore(selectOutlineVisible(kind));
  const ownDistrict = useAppStore((s) => s.appStatus?.district?.code ?? null);
  const picked = usePicked(kind);
  const data = useMemo(() => toFeatureCollection(layer.outlines), [layer.outlines]);
  const style = useMemo(() => styleFor(kind, picked, ownDistrict), [kind, picked, ownDistrict]);
  const onEachFeature = useMemo(() => pickOnClick(store, kind), [store, kind]);
  if (!visible || layer.status !== 'ready' || layer.outlines.length === 0) return null;
  return (
    <Pane name={`outline-${kind}`} className={`outline-pane outline-pane--${kind}`} style={{ zIndex: paneZ[kind] }}>
      <TagPane kind={kind} />
      {/* GeoJSON reads `data` only when created. New outlines always pass through 'loading',
          which unmounts this pane, so a fresh layer is made for them. Style changes (picks) are
          applied to the live layer. */}
      <GeoJSON
        data={data}
        style={style as (f?: Feature) => PathOptions}
        onEachFeature={onEachFeature as (f: Feature, l: Layer) => void}
      />
    </Pane>
  );
}
