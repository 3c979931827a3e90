import type { BoundaryKind, BoundaryOutline, BoundarySummary } from '../../shared/bridge/contract';
import type { Db } from '../store/db';
import { appendAudit } from '../audit/service';
import type { AuditBy } from '../audit/service';
import type { ParsedBoundary } from './parse';
import type { BoundaryRecord } from '../parse/protocol';
import { simplifyMultiPolygon } from './simplify';

/** Drawing tolerance in degrees per kind: about 100 m for districts, 30 m for postcodes. */
const tolerance: Record<BoundaryKind, number> = {
  region: 0.0015,
  district: 0.001,
  municipality: 0.0006,
  postcode: 0.0003,
};

interface Row {
  id: number;
  kind: BoundaryKind;
  code: string;
  name: string;
  min_lon: number;
  min_lat: number;
  max_lon: number;
  max_lat: number;
}

export interface BoundaryService {
  /** Stores all of them or none; a re-import of a code replaces its shape. */
  /** With `by`, audited (boundaries_imported) in the same transaction. */
  /** A boundary from the parse worker carries its shape as JSON text already (geometryJson). */
  importAll(boundaries: readonly (ParsedBoundary | BoundaryRecord)[], by?: AuditBy): Promise<{ imported: number; byKind: Partial<Record<BoundaryKind, number>> }>;
  list(kind: BoundaryKind): Promise<BoundarySummary[]>;
  outlines(kind: BoundaryKind): Promise<BoundaryOutline[]>;
  /** The full, unsimplified shape (for counting and CAP). */
  geometry(kind: BoundaryKind, code: string): Promise<ParsedBoundary['geometry'] | null>;
  findByName(kind: BoundaryKind, name: string): Promise<BoundarySummary | null>;
  /** The search box: a postcode by number, or any boundary by (the start of) its name. */
  search(query: string): Promise<BoundarySummary[]>;
  count(): Promise<number>;
}

const summary = (r: Row): BoundarySummary => ({
  id: r.id,
  kind: r.kind,
  code: r.code,
  name: r.name,
  bbox: [r.min_lon, r.min_lat, r.max_lon, r.max_lat],
});

export function boundaryService(db: Db, now: () => Date = () => new Date()): BoundaryService {
  const outlineCache = new Map<BoundaryKind, Promise<BoundaryOutline[]>>();
  return {
    async importAll(boundaries, by) {
      const at = now().toISOString();
      const byKind: Partial<Record<BoundaryKind, number>> = {};
      for (const b of boundaries) byKind[b.kind] = (byKind[b.kind] ?? 0) + 1;
      await db.transaction(async (tx) => {
        if (by) await appendAudit(tx, { at: now(), officer: by.officer, action: 'boundaries_imported', subject: 'boundaries', details: { ...by.details, byKind } });
        for (const b of boundaries) {
          await tx.run(
            `INSERT INTO boundaries (kind, code, name, geometry, min_lon, min_lat, max_lon, max_lat, imported_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (kind, code) DO UPDATE SET name = excluded.name, geometry = excluded.geometry,
               min_lon = excluded.min_lon, min_lat = excluded.min_lat, max_lon = excluded.max_lon,
               max_lat = excluded.max_lat, imported_at = excluded.imported_at`,
            [b.kind, b.code, b.name, 'geometryJson' in b ? b.geometryJson : JSON.stringify(b.geometry), ...b.bbox, at],
          );
        }
      });
      outlineCache.clear();
      return { imported: boundaries.length, byKind };
    },
    async list(kind) {
      const rows = await db.all<Row>(
        'SELECT id, kind, code, name, min_lon, min_lat, max_lon, max_lat FROM boundaries WHERE kind = ? ORDER BY code',
        [kind],
      );
      return rows.map(summary);
    },
    outlines(kind) {
      let cached = outlineCache.get(kind);
      if (!cached) {
        cached = db
          .all<Row & { geometry: string }>('SELECT id, code, name, geometry FROM boundaries WHERE kind = ? ORDER BY code', [kind])
          .then((rows) =>
            rows.map((r) => ({
              id: r.id,
              code: r.code,
              name: r.name,
              geometry: {
                type: 'MultiPolygon' as const,
                coordinates: simplifyMultiPolygon(JSON.parse(r.geometry).coordinates, tolerance[kind]) as [number, number][][][],
              },
            })),
          );
        cached.catch(() => outlineCache.delete(kind));
        outlineCache.set(kind, cached);
      }
      return cached;
    },
    async geometry(kind, code) {
      const row = await db.get<{ geometry: string }>('SELECT geometry FROM boundaries WHERE kind = ? AND code = ?', [kind, code]);
      return row ? (JSON.parse(row.geometry) as ParsedBoundary['geometry']) : null;
    },
    async findByName(kind, name) {
      // Matched here, not in SQL: SQLite's lower() folds only ASCII, and Danish names have Æ, Ø, Å.
      const wanted = name.trim().toLocaleLowerCase('da');
      const all = await this.list(kind);
      return all.find((b) => b.code === name.trim() || b.name.toLocaleLowerCase('da') === wanted) ?? null;
    },
    async search(query) {
      const q = query.trim().toLocaleLowerCase('da');
      const rows = await db.all<Row>(
        "SELECT id, kind, code, name, min_lon, min_lat, max_lon, max_lat FROM boundaries WHERE kind IN ('postcode', 'municipality', 'district')",
      );
      const rank = (r: Row) => {
        const name = r.name.toLocaleLowerCase('da');
        if (r.code === q || name === q) return 0;
        if ((r.kind === 'postcode' && r.code.startsWith(q)) || name.startsWith(q)) return 1;
        return name.includes(q) ? 2 : 3;
      };
      const kindOrder = { postcode: 0, municipality: 1, district: 2, region: 3 } as const;
      return rows
        .map((r) => ({ r, score: rank(r) }))
        .filter((x) => x.score < 3)
        .sort((a, b) => a.score - b.score || kindOrder[a.r.kind] - kindOrder[b.r.kind] || a.r.code.localeCompare(b.r.code))
        .slice(0, 20)
        .map((x) => summary(x.r));
    },
    async count() {
      return (await db.get<{ n: number }>('SELECT count(*) AS n FROM boundaries'))?.n ?? 0;
    },
  };
}
