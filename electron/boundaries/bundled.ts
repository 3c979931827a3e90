/**
 * The Danish boundaries the console carries itself (data/boundaries/denmark.topo.json, built
 * by build/boundaries.mjs from DAGI; source and licence in data/boundaries/SOURCE.md): police
 * districts, municipalities, postcodes and regions, simplified along shared borders. The demo
 * and the first start import them, so a fresh install needs no file from anywhere else;
 * `tryk boundaries import` replaces them with a current set.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { TrykError } from '../../shared/bridge/result';
import { packageRoot } from '../cli/paths';
import { parseBoundaryFile } from './parse';
import type { ParsedBoundary } from './parse';

export const BUNDLED_BOUNDARIES = join('data', 'boundaries', 'denmark.topo.json');

/** Where the bundled file is, from this (bundled) file's folder upwards; null if absent. */
export function bundledBoundariesPath(from?: string): string | null {
  const file = join(packageRoot(from), BUNDLED_BOUNDARIES);
  return existsSync(file) ? file : null;
}

const isTopology = (json: unknown): json is Topology =>
  typeof json === 'object' && json !== null && (json as { type?: unknown }).type === 'Topology';

/**
 * A TopoJSON topology's objects as GeoJSON FeatureCollections (one per object, named
 * `file#object`), or the JSON itself when it is not a topology.
 */
export function boundaryCollections(json: unknown, fileName: string): { json: unknown; name: string }[] {
  if (!isTopology(json)) return [{ json, name: fileName }];
  const objects = json.objects;
  if (typeof objects !== 'object' || objects === null || !Array.isArray(json.arcs)) {
    throw new TrykError('bad_request', `${fileName}: a TopoJSON Topology without objects or arcs`);
  }
  return Object.entries(objects).map(([name, object]) => {
    if ((object as { type?: unknown }).type !== 'GeometryCollection') {
      throw new TrykError('bad_request', `${fileName}#${name}: not a GeometryCollection`);
    }
    try {
      return { json: feature(json, object as GeometryCollection), name: `${fileName}#${name}` };
    } catch {
      throw new TrykError('bad_request', `${fileName}#${name}: its arcs do not decode (a damaged TopoJSON file)`);
    }
  });
}

/** Parses a boundary file's JSON, GeoJSON or TopoJSON, with the same checks for both. */
export function parseBoundaryJson(json: unknown, fileName: string, kindHint?: Parameters<typeof parseBoundaryFile>[2]): ParsedBoundary[] {
  return boundaryCollections(json, fileName).flatMap((c) => parseBoundaryFile(c.json, c.name, kindHint));
}

/** The bundled boundaries, parsed; `from` as for packageRoot (the Electron bundle passes __dirname). */
export function readBundledBoundaries(from?: string): ParsedBoundary[] {
  const file = bundledBoundariesPath(from);
  if (!file) throw new TrykError('not_found', `the console's own boundaries (${BUNDLED_BOUNDARIES}) are missing from this installation`);
  return parseBoundaryJson(JSON.parse(readFileSync(file, 'utf8')), 'denmark.topo.json');
}
