/**
 * Names on the map when there are no tiles: towns (biggest first, more as the officer zooms
 * in), then municipalities and, close in, postcodes, each placed only where it does not cover
 * a name already placed. Names are text nodes, never markup (they come from imported files).
 */
import * as L from 'leaflet';
import { useEffect, useMemo } from 'react';
import { useMap } from 'react-leaflet';
import type { BoundaryOutline } from '../../../shared/bridge/contract';
import { pointInPolygon } from '../../../shared/geo/pointInPolygon';
import type { PolygonCoords } from '../../../shared/geo/types';
import { useAppStore } from '../../store';
import { selectTileUrl } from '../status/statusSlice';
import { selectOutlineLayer } from './mapSlice';

export const LABEL_PANE = 'labels';

export interface Label {
  kind: 'town' | 'municipality' | 'postcode';
  text: string;
  lat: number;
  lon: number;
  /** Smallest zoom at which the label shows. */
  minZoom: number;
}

/** The smallest zoom at which a town of this size is named. */
export function townMinZoom(population: number): number {
  if (population >= 40_000) return 0;
  if (population >= 15_000) return 8;
  if (population >= 5_000) return 9;
  if (population >= 2_000) return 10;
  return 11;
}

/** A point inside a boundary to write its name at: its largest ring's centroid, or its bbox centre. */
export function labelPoint(o: BoundaryOutline): [number, number] | null {
  const polygons = (o.geometry.type === 'Polygon' ? [o.geometry.coordinates] : o.geometry.coordinates) as PolygonCoords[];
  let best: PolygonCoords | null = null;
  let bestArea = 0;
  for (const p of polygons) {
    const ring = p[0] ?? [];
    let a = 0;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += ring[j]![0] * ring[i]![1] - ring[i]![0] * ring[j]![1];
    if (Math.abs(a) > bestArea) [best, bestArea] = [p, Math.abs(a)];
  }
  if (!best) return null;
  const ring = best[0]!;
  let [cx, cy, a2] = [0, 0, 0];
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const f = ring[j]![0] * ring[i]![1] - ring[i]![0] * ring[j]![1];
    cx += (ring[j]![0] + ring[i]![0]) * f;
    cy += (ring[j]![1] + ring[i]![1]) * f;
    a2 += f;
  }
  if (a2 !== 0 && pointInPolygon(cx / (3 * a2), cy / (3 * a2), best)) return [cx / (3 * a2), cy / (3 * a2)];
  // A concave shape (a U, a bay): the middle of the widest stretch inside it along the line
  // of latitude through the centroid (or the bbox's middle).
  const lats = ring.map((p) => p[1]);
  const y = a2 !== 0 ? cy / (3 * a2) : (Math.min(...lats) + Math.max(...lats)) / 2;
  const xs: number[] = [];
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [p, q] = [ring[j]!, ring[i]!];
    if (p[1] > y !== q[1] > y) xs.push(p[0] + ((y - p[1]) * (q[0] - p[0])) / (q[1] - p[1]));
  }
  xs.sort((m, n) => m - n);
  let widest: [number, number] | null = null;
  for (let k = 0; k + 1 < xs.length; k += 2) {
    if (!widest || xs[k + 1]! - xs[k]! > widest[1] - widest[0]) widest = [xs[k]!, xs[k + 1]!];
  }
  return widest ? [(widest[0] + widest[1]) / 2, y] : null;
}

/** Labels in priority order, placed greedily where they fit; boxes in container pixels. */
export function placeLabels(
  labels: readonly Label[],
  zoom: number,
  project: (lat: number, lon: number) => { x: number; y: number } | null,
): { label: Label; x: number; y: number }[] {
  const placed: { label: Label; x: number; y: number; box: [number, number, number, number] }[] = [];
  for (const label of labels) {
    if (zoom < label.minZoom) continue;
    const p = project(label.lat, label.lon);
    if (!p) continue;
    const w = label.text.length * 6.5 + 8;
    const h = label.kind === 'town' ? 18 : 15;
    const box: [number, number, number, number] = [p.x - w / 2, p.y - h / 2, p.x + w / 2, p.y + h / 2];
    if (placed.some(({ box: b }) => box[0] < b[2] && box[2] > b[0] && box[1] < b[3] && box[3] > b[1])) continue;
    placed.push({ label, x: p.x, y: p.y, box });
  }
  return placed.map(({ label, x, y }) => ({ label, x, y }));
}

function boundaryLabels(outlines: readonly BoundaryOutline[], kind: 'municipality' | 'postcode', minZoom: number): Label[] {
  return outlines.flatMap((o) => {
    const p = labelPoint(o);
    if (!p) return [];
    return [{ kind, text: kind === 'postcode' ? `${o.code} ${o.name}` : o.name, lon: p[0], lat: p[1], minZoom }];
  });
}

export function OfflineLabels() {
  const map = useMap();
  const tiles = useAppStore(selectTileUrl) !== null;
  const towns = useAppStore((s) => s.towns);
  const loadTowns = useAppStore((s) => s.loadTowns);
  const municipalities = useAppStore(selectOutlineLayer('municipality'));
  const postcodes = useAppStore(selectOutlineLayer('postcode'));

  useEffect(() => {
    if (!tiles) void loadTowns();
  }, [tiles, loadTowns]);

  const labels = useMemo<Label[]>(
    () => [
      ...towns.list.map((t) => ({ kind: 'town' as const, text: t.name, lat: t.lat, lon: t.lon, minZoom: townMinZoom(t.population) })),
      ...boundaryLabels(municipalities.outlines, 'municipality', 9.5),
      ...boundaryLabels(postcodes.outlines, 'postcode', 11.5),
    ],
    [towns.list, municipalities.outlines, postcodes.outlines],
  );

  useEffect(() => {
    if (tiles) return;
    const pane = map.getPane(LABEL_PANE) ?? map.createPane(LABEL_PANE);
    pane.style.zIndex = '470';
    pane.style.pointerEvents = 'none';
    pane.setAttribute('data-testid', 'map-labels');
    const group = L.layerGroup().addTo(map);
    const draw = () => {
      group.clearLayers();
      const size = map.getSize();
      const bounds = map.getBounds().pad(0.05);
      const project = (lat: number, lon: number) => {
        if (!bounds.contains([lat, lon])) return null;
        const p = map.latLngToContainerPoint([lat, lon]);
        return p.x < 0 || p.y < 0 || p.x > size.x || p.y > size.y ? null : p;
      };
      for (const { label } of placeLabels(labels, map.getZoom(), project)) {
        const span = document.createElement('span');
        span.textContent = label.text;
        span.className = `map-label map-label--${label.kind}`;
        L.marker([label.lat, label.lon], {
          pane: LABEL_PANE,
          interactive: false,
          keyboard: false,
          icon: L.divIcon({ html: span, className: 'map-label__anchor', iconSize: [0, 0] }),
        }).addTo(group);
      }
    };
    draw();
    map.on('moveend zoomend resize', draw);
    return () => {
      map.off('moveend zoomend resize', draw);
      group.remove();
    };
  }, [map, tiles, labels]);
  return null;
}
