/**
 * The boundaries as the demo synthesizer and the benchmark use them: by kind, then code.
 * Read with the same parser the store's import uses, so both agree on every shape.
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { BoundaryKind } from '../../shared/targeting/area';
import type { MultiPolygonGeometry } from '../../shared/geo/types';
import type { BoundaryResolver } from '../../shared/targeting/compile';
import { readBundledBoundaries } from '../boundaries/bundled';
import { parseBoundaryFile } from '../boundaries/parse';
import type { ParsedBoundary } from '../boundaries/parse';

export interface Boundary {
  kind: BoundaryKind;
  code: string;
  name: string;
  geometry: MultiPolygonGeometry;
}

export type Boundaries = Record<BoundaryKind, Map<string, Boundary>>;

export function boundariesFromParsed(parsed: readonly ParsedBoundary[]): Boundaries {
  const out: Boundaries = { district: new Map(), municipality: new Map(), postcode: new Map() };
  for (const b of parsed) {
    if (b.kind === 'region') continue;
    out[b.kind].set(b.code, { kind: b.kind, code: b.code, name: b.name, geometry: b.geometry as MultiPolygonGeometry });
  }
  return out;
}

export function loadDagiBoundaries(dir: string): Boundaries {
  return boundariesFromParsed(
    ['politikredse.geojson', 'kommuner.geojson', 'postnumre.geojson'].flatMap((f) =>
      parseBoundaryFile(JSON.parse(readFileSync(join(dir, f), 'utf8')), f),
    ),
  );
}

/** The console's own simplified boundaries (data/boundaries), as the demo imports them. */
export function loadBundledBoundaries(): Boundaries {
  return boundariesFromParsed(readBundledBoundaries());
}

export function boundaryResolver(b: Boundaries): BoundaryResolver {
  return (kind, code) => b[kind].get(code)?.geometry;
}

export function districtByName(b: Boundaries, name: string): Boundary | undefined {
  for (const d of b.district.values()) if (d.name === name) return d;
  return undefined;
}
