/**
 * The target area on the map: Leaflet-Geoman draws new shapes and edits drawn ones, while the
 * store stays the one truth. A finished drawing becomes a part in the store; the store's parts
 * are then mirrored as layers here, so Undo, Clear and the panel's edits show on the map the
 * same way a drag does.
 */
import * as L from 'leaflet';
import '@geoman-io/leaflet-geoman-free';
import '@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css';
import { useContext, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useMap } from 'react-leaflet';
import type { Shape } from '../../../shared/targeting/area';
import { StoreContext, useAppStore } from '../../store';
import type { AppStore } from '../../store';
import { circleShape, ringFromLatLngs, sameShape } from '../target/parts';
import type { AreaPart, PartMode } from '../target/parts';
import { partStyle } from './AreaLayers';
import { outlineAt } from './outlines';

/** Above the boundary outlines (410–430), so a drawn shape can be grabbed where it lies over them. */
export const TARGET_PANE = 'target';

const modeStyle: Record<PartMode, L.PathOptions> = {
  include: { ...partStyle.include, weight: 3, fillOpacity: 0.18, dashArray: undefined },
  exclude: { ...partStyle.exclude, weight: 3, dashArray: '8 6' },
};

type DrawnLayer = L.Polygon | L.Circle;
type DrawnPart = Exclude<AreaPart, { source: 'boundary' }>;

function shapeOf(layer: DrawnLayer): Shape {
  if (layer instanceof L.Circle) return circleShape(layer.getLatLng(), layer.getRadius());
  const latlngs = layer.getLatLngs();
  const ring = (Array.isArray(latlngs[0]) ? latlngs[0] : latlngs) as L.LatLng[];
  return { type: 'polygon', coordinates: [ringFromLatLngs(ring)] };
}

const toLatLngs = (ring: readonly (readonly [number, number])[]) =>
  // The store's rings are closed; Leaflet's are not.
  ring.slice(0, -1).map(([lon, lat]) => L.latLng(lat, lon));

function makeLayer(part: DrawnPart): DrawnLayer {
  const options = { ...modeStyle[part.mode], pane: TARGET_PANE, className: `target-shape target-shape--${part.mode}` };
  if (part.source === 'circle') {
    const [lon, lat] = part.shape.center;
    return L.circle([lat, lon], { ...options, radius: part.shape.radiusM });
  }
  const ring = toLatLngs(part.shape.coordinates[0] ?? []);
  return part.source === 'rectangle' ? L.rectangle(L.latLngBounds(ring), options) : L.polygon(ring, options);
}

function applyShape(layer: DrawnLayer, shape: Shape) {
  if (layer instanceof L.Circle && shape.type === 'circle') {
    layer.setLatLng([shape.center[1], shape.center[0]]);
    layer.setRadius(shape.radiusM);
  } else if (!(layer instanceof L.Circle) && shape.type === 'polygon') {
    layer.setLatLngs(toLatLngs(shape.coordinates[0] ?? []));
  }
}

// Self-intersection is allowed while drawing: the host refuses a bowtie with a reason the
// officer reads, rather than Geoman silently refusing the click.
const editOptions = { allowSelfIntersection: true, snappable: false, draggable: true } as const;

/** A drag ends with a click on some browsers; that click is not a pick. */
const CLICK_AFTER_DRAG_MS = 350;

function attach(store: AppStore, id: string, layer: DrawnLayer) {
  const state = () => store.getState();
  let dragEndedAt = 0;
  layer.on('pm:markerdragstart pm:dragstart', () => state().beginAreaGesture());
  layer.on('pm:markerdragend pm:dragend', () => {
    dragEndedAt = Date.now();
    state().endAreaGesture();
  });
  // A drawn shape lies above the boundary outlines and takes their clicks: a click inside it
  // picks the postcode or municipality under the pointer, as a click anywhere else does (the
  // way to carve a postcode out of a drawn area).
  layer.on('click', (e: L.LeafletMouseEvent) => {
    const s = state();
    if (s.drawTool !== null || Date.now() - dragEndedAt < CLICK_AFTER_DRAG_MS) return;
    const hit = outlineAt(s.outlineLayers[s.pickKind].outlines, e.latlng.lng, e.latlng.lat);
    if (hit) s.cycleBoundary(s.pickKind, hit.code, hit.name);
  });
  // Fired on every change while a vertex, the radius or the whole shape is dragged.
  layer.on('pm:change', () => state().editPart(id, shapeOf(layer)));
  layer.on('pm:edit', () => state().editPart(id, shapeOf(layer)));
}

/** Mirrors the store's drawn parts as editable layers. */
function DrawnParts() {
  const map = useMap();
  const store = useContext(StoreContext)!;
  const parts = useAppStore((s) => s.targetParts);
  const layers = useRef(new Map<string, { layer: DrawnLayer; part: DrawnPart }>());

  useEffect(() => {
    const seen = new Set<string>();
    for (const part of parts) {
      if (part.source === 'boundary') continue;
      seen.add(part.id);
      const entry = layers.current.get(part.id);
      if (!entry) {
        const layer = makeLayer(part);
        attach(store, part.id, layer);
        layer.addTo(map);
        layer.pm.enable(editOptions);
        layers.current.set(part.id, { layer, part });
        continue;
      }
      if (!sameShape(shapeOf(entry.layer), part.shape)) {
        // Changed from outside the map (Undo, the radius field): Geoman's handles must follow.
        entry.layer.pm.disable();
        applyShape(entry.layer, part.shape);
        entry.layer.pm.enable(editOptions);
      }
      if (entry.part.mode !== part.mode) {
        entry.layer.setStyle(modeStyle[part.mode]);
        const path = (entry.layer as unknown as { _path?: SVGElement })._path;
        path?.setAttribute('class', `target-shape target-shape--${part.mode} leaflet-interactive`);
      }
      entry.part = part;
    }
    for (const [id, entry] of layers.current) {
      if (seen.has(id)) continue;
      entry.layer.pm.disable();
      entry.layer.remove();
      layers.current.delete(id);
    }
  }, [map, store, parts]);

  useEffect(() => {
    const all = layers.current;
    return () => {
      for (const { layer } of all.values()) {
        layer.pm.disable();
        layer.remove();
      }
      all.clear();
    };
  }, [map]);
  return null;
}

/** Turns the store's drawing tool into Geoman's draw mode and a finished drawing into a part. */
function DrawingTool() {
  const map = useMap();
  const store = useContext(StoreContext)!;
  const tool = useAppStore((s) => s.drawTool);
  const { i18n } = useTranslation();

  useEffect(() => {
    if (!map.getPane(TARGET_PANE)) map.createPane(TARGET_PANE).style.zIndex = '450';
    map.pm.setGlobalOptions({
      ...editOptions,
      continueDrawing: false,
      panes: { layerPane: TARGET_PANE, vertexPane: 'markerPane', markerPane: 'markerPane' },
      pathOptions: modeStyle.include,
      templineStyle: { color: '#1b6e3a' },
      hintlineStyle: { color: '#1b6e3a', dashArray: '5 5' },
    });
    const onCreate: L.PM.CreateEventHandler = (e) => {
      const layer = e.layer as DrawnLayer;
      // The store's copy replaces Geoman's: one layer per part, made one way.
      layer.remove();
      const shape = shapeOf(layer);
      const { addPart } = store.getState();
      if (shape.type === 'circle') addPart({ mode: 'include', source: 'circle', shape });
      else if (shape.type === 'polygon') addPart({ mode: 'include', source: e.shape === 'Rectangle' ? 'rectangle' : 'polygon', shape });
    };
    const onDrawEnd: L.PM.DrawEndEventHandler = (e) => {
      // Switching tools ends the old one first; only the tool still selected may clear the choice.
      if (store.getState().drawTool === e.shape) store.getState().setDrawTool(null);
    };
    map.on('pm:create', onCreate);
    map.on('pm:drawend', onDrawEnd);
    return () => {
      map.off('pm:create', onCreate);
      map.off('pm:drawend', onDrawEnd);
      map.pm.disableDraw();
    };
  }, [map, store]);

  useEffect(() => {
    // Geoman speaks Danish too; its hints follow the console's language.
    map.pm.setLang(i18n.language === 'en' ? 'en' : 'da');
  }, [map, i18n.language]);

  useEffect(() => {
    if (tool) map.pm.enableDraw(tool);
    else if (map.pm.globalDrawModeEnabled()) map.pm.disableDraw();
  }, [map, tool]);

  useEffect(() => {
    if (!tool) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') store.getState().setDrawTool(null);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [store, tool]);

  return null;
}

/** Moves the map to a frame the panel asked for (a search result). */
function FocusMap() {
  const map = useMap();
  const focus = useAppStore((s) => s.mapFocus);
  // A request made before this map existed (before the officer left the screen) is done with:
  // coming back shows the map where they left it.
  const handled = useRef(focus?.seq ?? 0);
  useEffect(() => {
    if (!focus || focus.seq <= handled.current) return;
    handled.current = focus.seq;
    const [w, s, e, n] = focus.bbox;
    const size = map.getSize();
    // No animation: under time pressure the officer wants to be there, not to watch the trip.
    if (size.x > 0 && size.y > 0) map.fitBounds([[s, w], [n, e]], { padding: [32, 32], maxZoom: 14, animate: false });
  }, [map, focus]);
  return null;
}

export function TargetLayers() {
  return (
    <>
      <DrawingTool />
      <DrawnParts />
      <FocusMap />
    </>
  );
}
