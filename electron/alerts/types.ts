/** The alert service's shapes: who acts, what it depends on, what it hands to the dispatch engine. */
import type { AlertKind, AlertStatus } from '../../shared/alerts/schema';
import type { Category } from '../../shared/registry/subscriber';
import type { TargetFilterInput } from '../../shared/targeting/area';
import type { AreaResult } from '../../shared/targeting/compile';
import type { Role } from '../bridge/dispatcher';
import type { GatewayConfigService } from '../config/gateways';
import type { SettingsService } from '../config/settings';
import type { Db } from '../store/db';
import type { BoundaryGeometry } from './cap';

export const DRAFT_AUDIT_INTERVAL_MS = 30_000;

/** Who is acting: the signed-in officer (the bridge session or the CLI's --as). */
export interface Actor {
  id: number;
  username: string;
  roles: readonly Role[];
}

/** The part of the targeting engine alerts use. */
export interface AlertTargeting {
  count(area: unknown, filter?: TargetFilterInput): Promise<AreaResult<{ total: number }>>;
  selectRecipients(area: unknown, filter?: TargetFilterInput): Promise<AreaResult<Int32Array>>;
}

export interface AlertChange {
  id: number;
  status: AlertStatus;
  revision: number;
}

export interface AlertServiceDeps {
  db: Db;
  settings: SettingsService;
  targeting: () => Promise<AlertTargeting>;
  gateways?: Pick<GatewayConfigService, 'list'>;
  /** Boundary shapes for CAP areas (postcodes, municipalities picked as parts of an area). */
  boundaryGeometry?: BoundaryGeometry;
  now?: () => Date;
  /** Called after every committed change: the host turns it into the 'alerts.changed' event. */
  onChange?: (change: AlertChange) => void;
  draftAuditIntervalMs?: number;
}

export interface CreateInput {
  category: Category;
  templateId?: string;
  kind?: AlertKind;
  parentId?: number;
  language?: 'da' | 'en';
}

/** What the dispatch engine needs to send a released alert (see ReleaseRequest in electron/dispatch/engine.ts). */
export interface ReleasePlan {
  alertId: number;
  alertRef: string;
  text: string;
  /**
   * The alert's texts in other languages than `text`'s (its English or Danish version): a
   * recipient registered in one of them gets that one, everybody else `text`.
   */
  languageTexts?: { language: 'da' | 'en'; text: string }[];
  /** Subscriber ids, frozen in alert_recipients; the engine resolves the active ones. */
  recipients: number[];
  priority: 'urgent' | 'routine';
  respectQuietHours: boolean;
  /** Minutes from release to the alert's end of sending, when it has one (the engine expires the rest then). */
  validityMinutes?: number;
}
