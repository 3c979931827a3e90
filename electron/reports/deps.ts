import { subscriberStatuses } from '../../shared/targeting/area';
import type { SettingsService } from '../config/settings';
import type { Db, Queryable } from '../store/db';
import type { BoundaryResolver } from '../../shared/targeting/compile';
import type { TargetingClient } from '../targeting/client';
import type { AreaGeometry } from '../../shared/geo/types';
import type { BoundaryKind } from '../../shared/targeting/area';
import { selectWhereIn } from '../dispatch/outbox';
import type { ReportDeps } from './figures';

/** What the reports need from a host's services (the console, the CLI, a test). */
export interface ReportHost {
  db: Db;
  settings: Pick<SettingsService, 'get'>;
  targeting(): Promise<Pick<TargetingClient, 'selectRecipients'>>;
  now?: () => Date;
}

/** The boundary parts an area names, as "kind:code" keys. */
function boundaryKeys(areaJson: string | null): string[] {
  if (!areaJson) return [];
  try {
    const area = JSON.parse(areaJson) as { parts?: { shape?: { type?: string; kind?: string; code?: string } }[] };
    return (area.parts ?? []).filter((p) => p.shape?.type === 'boundary').map((p) => `${p.shape!.kind}:${p.shape!.code}`);
  } catch {
    return [];
  }
}

/** A resolver for the boundaries these areas (JSON TargetAreas) name, and only those. */
export async function boundariesFor(db: Queryable, areas: readonly (string | null)[]): Promise<BoundaryResolver> {
  const keys = [...new Set(areas.flatMap(boundaryKeys))];
  const rows = await selectWhereIn<{ kind: string; code: string; geometry: string }>(db, 'SELECT kind, code, geometry FROM boundaries WHERE', [], "kind || ':' || code", keys);
  const map = new Map(rows.map((r) => [`${r.kind}:${r.code}`, JSON.parse(r.geometry) as AreaGeometry]));
  return (kind: BoundaryKind, code: string) => map.get(`${kind}:${code}`);
}

/**
 * The reports' inputs for one request: only the boundaries the areas name are read (all of
 * Denmark's would take half a second to parse), district members come from the targeting index.
 */
export async function reportDeps(host: ReportHost): Promise<ReportDeps & { db: Db }> {
  return {
    db: host.db,
    boundariesFor: (areas) => boundariesFor(host.db, areas),
    async districtMembers(code) {
      const engine = await host.targeting();
      const ids = await engine.selectRecipients(
        { parts: [{ mode: 'include', shape: { type: 'boundary', kind: 'district', code } }] },
        { statuses: [...subscriberStatuses] },
      );
      if (!ids.ok) return new Set();
      return new Set(ids.value);
    },
    pricePerPartOre: () => host.settings.get('sms.pricePerPartOre'),
    ...(host.now ? { now: host.now } : {}),
  };
}
