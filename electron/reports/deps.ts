import { subscriberStatuses } from '../../shared/targeting/area';
import type { SettingsService } from '../config/settings';
import type { Db } from '../store/db';
import type { TargetingEngine } from '../targeting/engine';
import { loadBoundaryResolver } from '../targeting/fromStore';
import type { ReportDeps } from './figures';

/** What the reports need from a host's services (the console, the CLI, a test). */
export interface ReportHost {
  db: Db;
  settings: Pick<SettingsService, 'get'>;
  targeting(): Promise<TargetingEngine>;
  now?: () => Date;
}

/** The reports' inputs for one request: boundaries read once, district members from the targeting index. */
export async function reportDeps(host: ReportHost): Promise<ReportDeps & { db: Db }> {
  const resolveBoundary = await loadBoundaryResolver(host.db);
  return {
    db: host.db,
    resolveBoundary,
    async districtMembers(code) {
      const engine = await host.targeting();
      const ids = engine.selectRecipients(
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
