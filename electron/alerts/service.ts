/**
 * Alerts: drafts, submission and four-eyes approval (lifecycle.ts), the hand-over to the
 * dispatch engine (release.ts), the cost preview (preview.ts) and the CAP export, over one
 * context (records.ts). This file only puts them together behind one interface.
 */
import type { Alert, AlertPreview, AlertStatus, ApprovalRule, Template } from '../../shared/alerts/schema';
import { listAudit } from '../audit/service';
import type { AuditEntry, AuditFilter } from '../audit/service';
import { alertCapXml } from './cap';
import { alertLifecycle } from './lifecycle';
import type { AlertLifecycle } from './lifecycle';
import { alertPreview } from './preview';
import { alertContext, SELECT_ALERT } from './records';
import type { Row } from './records';
import { alertReleases } from './release';
import type { AlertReleases } from './release';
import { DRAFT_AUDIT_INTERVAL_MS } from './types';
import type { AlertServiceDeps } from './types';

export type { Actor, AlertChange, AlertServiceDeps } from './types';

export interface AlertService extends AlertLifecycle, AlertReleases {
  templates(): Promise<Template[]>;
  list(filter?: { statuses?: readonly AlertStatus[]; limit?: number }): Promise<Alert[]>;
  get(id: number): Promise<Alert>;
  preview(id: number): Promise<AlertPreview>;
  cap(id: number): Promise<string>;
  approvalRule(): Promise<ApprovalRule>;
  audit(filter: AuditFilter): Promise<AuditEntry[]>;
}

export function alertService(deps: AlertServiceDeps): AlertService {
  const ctx = alertContext(deps);
  const { db } = ctx;
  async function cap(id: number): Promise<string> {
    const r = await ctx.row(db, id);
    const parent = r.parent_id !== null ? await ctx.row(db, r.parent_id) : null;
    const template = r.template_id ? (await ctx.templates()).find((t) => t.id === r.template_id) : undefined;
    return alertCapXml({
      alert: ctx.toAlert(r, await ctx.approvalRule()),
      releasedAt: r.released_at,
      parent: parent ? { uuid: parent.uuid, releasedAt: parent.released_at ?? parent.updated_at } : null,
      templateName: template?.name ?? null,
      sender: await ctx.settings.get('cap.sender'),
      senderName: await ctx.settings.get('cap.senderName'),
      now: ctx.now(),
      ...(ctx.deps.boundaryGeometry ? { boundaryGeometry: ctx.deps.boundaryGeometry } : {}),
    });
  }

  return {
    ...alertLifecycle(ctx, deps.draftAuditIntervalMs ?? DRAFT_AUDIT_INTERVAL_MS),
    ...alertReleases(ctx),
    templates: ctx.templates,
    async list(filter = {}) {
      const statuses = filter.statuses ?? [];
      const rows = await db.all<Row>(
        `${SELECT_ALERT} ${statuses.length ? `WHERE a.status IN (${statuses.map(() => '?').join(',')})` : ''} ORDER BY a.updated_at DESC, a.id DESC LIMIT ?`,
        [...statuses, filter.limit ?? 100],
      );
      const rule = await ctx.approvalRule();
      return rows.map((r) => ctx.toAlert(r, rule));
    },
    get: ctx.get,
    preview: alertPreview(ctx),
    cap,
    approvalRule: ctx.approvalRule,
    audit: (filter) => listAudit(db, filter),
  };
}
