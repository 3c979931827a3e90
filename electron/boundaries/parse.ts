/**
 * Reading boundary files: the DAGI GeoJSON the police get from Geodatastyrelsen (and the
 * same shapes from Dataforsyningen). A municipality or district made of islands arrives as
 * several features with one key; they become one MultiPolygon here.
 */
import { z } from 'zod';
import type { BoundaryKind } from '../../shared/bridge/contract';
import { TrykError } from '../../shared/bridge/result';

export interface ParsedBoundary {
  kind: BoundaryKind;
  code: string;
  name: string;
  geometry: { type: 'MultiPolygon'; coordinates: number[][][][] };
  bbox: [number, number, number, number];
}

/**
 * Property names per kind: DAGI's upper-case ones first, then the live service's (Dataforsyningen's
 * DAWA API: `kode`/`navn` for districts, municipalities and regions, `nr`/`navn` for postcodes).
 */
const keys: Record<BoundaryKind, { code: string[]; name: string[] }> = {
  district: { code: ['POLKR_NR', 'politikredsnr', 'kode'], name: ['POLKR_NAVN', 'navn'] },
  municipality: { code: ['KOMKODE', 'kommunekode', 'kode'], name: ['KOMNAVN', 'navn'] },
  postcode: { code: ['POSTNR_TXT', 'postnr', 'nr'], name: ['POSTBYNAVN', 'navn'] },
  region: { code: ['REGIONKODE', 'regionskode', 'kode'], name: ['REGIONNAVN', 'navn'] },
};

/** The twelve police districts' official numbers, for files that lost one (DAGI 2014 did). */
const districtNumbers: [string, string][] = [
  ['1', 'Nordjyllands Politi'],
  ['2', 'Østjyllands Politi'],
  ['3', 'Midt- og Vestjyllands Politi'],
  ['4', 'Sydøstjyllands Politi'],
  ['5', 'Syd- og Sønderjyllands Politi'],
  ['6', 'Fyns Politi'],
  ['7', 'Sydsjællands og Lolland-Falsters Politi'],
  ['8', 'Midt- og Vestsjællands Politi'],
  ['9', 'Nordsjællands Politi'],
  ['10', 'Københavns Vestegns Politi'],
  ['11', 'Københavns Politi'],
  ['12', 'Bornholms Politi'],
];

const Lon = z.number().finite().min(-180).max(180);
const Lat = z.number().finite().min(-90).max(90);
const Position = z.tuple([Lon, Lat]).rest(z.number());
const Ring = z.array(Position).min(4);
const Geometry = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Polygon'), coordinates: z.array(Ring).min(1) }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(Ring).min(1)).min(1) }),
]);
const Feature = z.object({
  type: z.literal('Feature'),
  properties: z.record(z.string(), z.unknown()).nullable(),
  geometry: z.unknown(),
});
const Collection = z.object({ type: z.literal('FeatureCollection'), features: z.array(z.unknown()) });

const officialNumbers = new Map(districtNumbers.map(([code, name]) => [name, code]));

/**
 * DAWA numbers the police districts 1460–1471 (its `kode`), DAGI 1–12 (POLKR_NR), and alerts
 * and settings keep the district's code: a district from DAWA takes its official number by
 * name, so fetching from Dataforsyningen replaces the districts instead of adding twelve more.
 */
function officialDistrictNumber(kind: BoundaryKind, props: Record<string, unknown>, name: string | null): string | null {
  if (kind !== 'district' || 'POLKR_NR' in props || !name) return null;
  return officialNumbers.get(name) ?? null;
}

const pick = (props: Record<string, unknown>, names: string[]) => {
  for (const n of names) {
    const v = props[n];
    if (typeof v === 'string' && v.trim()) return v.trim();
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  }
  return null;
};

/** Which kind a file holds, from its first feature's properties (DAGI names are unambiguous). */
export function detectKind(props: Record<string, unknown>): BoundaryKind | null {
  if ('POLKR_NR' in props) return 'district';
  if ('KOMKODE' in props) return 'municipality';
  if ('POSTNR_TXT' in props) return 'postcode';
  if ('REGIONKODE' in props) return 'region';
  return null;
}

/** Parses one file's JSON; every problem names the file and the feature, nothing is half-read. */
export function parseBoundaryFile(json: unknown, fileName: string, kindHint?: BoundaryKind): ParsedBoundary[] {
  const fc = Collection.safeParse(json);
  if (!fc.success) throw new TrykError('bad_request', `${fileName}: not a GeoJSON FeatureCollection`);
  const grouped = new Map<string, ParsedBoundary>();
  let kind = kindHint ?? null;
  // Real files have features that lost their code but kept their name (Københavns Vestegns
  // Politi in DAGI 2014): such a feature takes the code of the same name elsewhere in the file.
  const codeByName = new Map<string, string>();
  for (const [code, name] of kind === 'district' || kind === null ? districtNumbers : []) codeByName.set(name, code);
  for (const raw of fc.data.features) {
    const props = Feature.safeParse(raw).data?.properties ?? {};
    const k = kind ?? detectKind(props);
    if (!k) continue;
    const [code, name] = [pick(props, keys[k].code), pick(props, keys[k].name)];
    if (code && name) codeByName.set(name, code);
  }
  fc.data.features.forEach((raw, i) => {
    const f = Feature.safeParse(raw);
    if (!f.success) throw new TrykError('bad_request', `${fileName}: feature ${i + 1} is not a GeoJSON Feature`);
    const props = f.data.properties ?? {};
    kind ??= detectKind(props);
    if (!kind) {
      throw new TrykError(
        'bad_request',
        `${fileName}: cannot tell which kind of boundary this is; give --kind district|municipality|postcode|region`,
      );
    }
    const name = pick(props, keys[kind].name);
    const code = officialDistrictNumber(kind, props, name) ?? pick(props, keys[kind].code) ?? (name ? (codeByName.get(name) ?? null) : null);
    if (!code || !name) throw new TrykError('bad_request', `${fileName}: feature ${i + 1} has no ${kind} code or name`);
    const g = Geometry.safeParse(f.data.geometry);
    if (!g.success) {
      throw new TrykError('bad_request', `${fileName}: feature ${i + 1} (${code}) is not a valid Polygon or MultiPolygon`);
    }
    const polygons = (g.data.type === 'Polygon' ? [g.data.coordinates] : g.data.coordinates).map((poly) =>
      poly.map((ring) => ring.map((p) => [p[0], p[1]] as number[])),
    );
    for (const poly of polygons) {
      for (const ring of poly) {
        const [a, b] = [ring[0]!, ring[ring.length - 1]!];
        if (a[0] !== b[0] || a[1] !== b[1]) ring.push([a[0]!, a[1]!]); // close open rings
      }
    }
    const entry = grouped.get(code) ?? {
      kind,
      code,
      name,
      geometry: { type: 'MultiPolygon' as const, coordinates: [] },
      bbox: [Infinity, Infinity, -Infinity, -Infinity] as [number, number, number, number],
    };
    entry.geometry.coordinates.push(...polygons);
    for (const poly of polygons) {
      for (const [lon, lat] of poly[0]!) {
        entry.bbox[0] = Math.min(entry.bbox[0], lon!);
        entry.bbox[1] = Math.min(entry.bbox[1], lat!);
        entry.bbox[2] = Math.max(entry.bbox[2], lon!);
        entry.bbox[3] = Math.max(entry.bbox[3], lat!);
      }
    }
    grouped.set(code, entry);
  });
  if (grouped.size === 0) throw new TrykError('bad_request', `${fileName}: the file has no features`);
  return [...grouped.values()];
}
