/**
 * Alerts as the store holds them, and the context every part of the alert service works in:
 * reading a row, turning it into the contract's Alert, the approval rule, templates, the
 * audit entry of a change and the change event.
 */
import type { AlertChannel } from '../../shared/alerts/schema';
import { createHash } from 'node:crypto';
import { TrykError } from '../../shared/bridge/result';
import type { Alert, AlertKind, AlertStatus, ApprovalRule, Template } from '../../shared/alerts/schema';
import { builtinTemplates, mergeTemplates, TemplateOverrides } from '../../shared/alerts/templates';
import type { Category } from '../../shared/registry/subscriber';
import type { TargetArea } from '../../shared/targeting/area';
import { appendAudit } from '../audit/service';
import type { SettingsService } from '../config/settings';
import type { Db, Queryable } from '../store/db';
import type { Actor, AlertServiceDeps } from './types';

export interface Row {
  id: number;
  uuid: string;
  kind: AlertKind;
  parent_id: number | null;
  category: Category;
  template_id: string | null;
  language: 'da' | 'en';
  fields: string;
  sms_text: string;
  /** Migration 0016: the SMS in the other language ('' for none). */
  sms_text_other: string;
  social_text: string;
  /** JSON array of the chosen channels (migration 0010). */
  channels: string;
  cap_enabled: number;
  cap_status: Alert['capStatus'];
  urgency: Alert['urgency'];
  area: string | null;
  filter: string | null;
  status: AlertStatus;
  revision: number;
  needs_approval: number;
  recipient_estimate: number | null;
  created_by: number;
  last_edited_by: number;
  approved_by: number | null;
  approved_at: string | null;
  approved_revision: number | null;
  decision_comment: string | null;
  released_at: string | null;
  /** Migration 0012: the planned release and the end of sending. */
  release_at: string | null;
  expires_at: string | null;
  created_at: string;
  updated_at: string;
  created_by_name: string | null;
  approved_by_name: string | null;
}

/** The approved texts' fingerprints for the audit trail: both languages' when the alert has two. */
export const textHashes = (r: Pick<Row, 'sms_text' | 'sms_text_other'>): { smsSha256: string; smsOtherSha256?: string } =>
  r.sms_text_other?.trim() ? { smsSha256: sha256(r.sms_text), smsOtherSha256: sha256(r.sms_text_other) } : { smsSha256: sha256(r.sms_text) };

/** An alert with the display names of its author and approver. */
export const SELECT_ALERT = `SELECT a.*, c.display_name AS created_by_name, ap.display_name AS approved_by_name
  FROM alerts a LEFT JOIN officers c ON c.id = a.created_by LEFT JOIN officers ap ON ap.id = a.approved_by`;

export function ruleNeedsApproval(rule: ApprovalRule, category: Category, recipients: number | null): boolean {
  switch (rule.mode) {
    case 'always':
      return true;
    case 'never':
      return false;
    case 'categories':
      return rule.categories.includes(category);
    case 'above':
      // Not counted yet (no area): the safe side.
      return recipients === null || recipients > rule.recipients;
  }
}

export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export interface AlertContext {
  deps: AlertServiceDeps;
  db: Db;
  settings: SettingsService;
  now(): Date;
  row(q: Queryable, id: number): Promise<Row>;
  toAlert(r: Row, rule: ApprovalRule): Alert;
  get(id: number): Promise<Alert>;
  approvalRule(): Promise<ApprovalRule>;
  templates(): Promise<Template[]>;
  /** Tells the host about a committed change ('alerts.changed'). */
  notify(a: Pick<Alert, 'id' | 'status' | 'revision'>): void;
  audit(q: Queryable, actor: Actor | null, action: Parameters<typeof appendAudit>[1]['action'], id: number, details: Record<string, unknown>): Promise<void>;
  /** The people a follow-up reaches: the original's frozen list, those still active. */
  frozenActiveCount(q: Queryable, alertId: number): Promise<number>;
}

export function alertContext(deps: AlertServiceDeps): AlertContext {
  const { db, settings } = deps;
  const now = deps.now ?? (() => new Date());

  async function templates(): Promise<Template[]> {
    const parsed = TemplateOverrides.safeParse(await settings.get('alerts.templates'));
    // A broken override must not take the composer down: the built-ins still work.
    return parsed.success ? mergeTemplates(builtinTemplates, parsed.data) : [...builtinTemplates];
  }

  async function row(q: Queryable, id: number): Promise<Row> {
    const r = await q.get<Row>(`${SELECT_ALERT} WHERE a.id = ?`, [id]);
    if (!r) throw new TrykError('not_found', `No alert with id ${id}`);
    return r;
  }

  function toAlert(r: Row, rule: ApprovalRule): Alert {
    const open = r.status === 'draft' || r.status === 'rejected' || r.status === 'cancelled';
    return {
      id: r.id,
      uuid: r.uuid,
      kind: r.kind,
      parentId: r.parent_id,
      category: r.category,
      templateId: r.template_id,
      language: r.language,
      fields: JSON.parse(r.fields) as Record<string, string>,
      smsText: r.sms_text,
      smsTextOther: r.sms_text_other ?? '',
      socialText: r.social_text,
      channels: JSON.parse(r.channels) as AlertChannel[],
      capEnabled: r.cap_enabled === 1,
      capStatus: r.cap_status,
      urgency: r.urgency,
      area: r.area === null ? null : (JSON.parse(r.area) as TargetArea),
      filter: r.filter === null ? null : JSON.parse(r.filter),
      status: r.status,
      revision: r.revision,
      createdBy: { id: r.created_by, displayName: r.created_by_name ?? `#${r.created_by}` },
      approvedBy: r.approved_by === null ? null : { id: r.approved_by, displayName: r.approved_by_name ?? `#${r.approved_by}` },
      approvedAt: r.approved_at,
      decisionComment: r.decision_comment,
      // Until submitted, the rule as it stands now; from submission on, what was decided then.
      needsApproval: open ? ruleNeedsApproval(rule, r.category, r.recipient_estimate) : r.needs_approval === 1,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      releaseAt: r.release_at,
      expiresAt: r.expires_at,
    };
  }

  const approvalRule = () => settings.get('approval.rule');

  async function get(id: number): Promise<Alert> {
    return toAlert(await row(db, id), await approvalRule());
  }

  async function frozenActiveCount(q: Queryable, alertId: number): Promise<number> {
    const r = await q.get<{ n: number }>(
      `SELECT count(*) AS n FROM alert_recipients r JOIN subscribers s ON s.id = r.subscriber_id
        WHERE r.alert_id = ? AND s.status = 'active'`,
      [alertId],
    );
    return r?.n ?? 0;
  }

  return {
    deps,
    db,
    settings,
    now,
    row,
    toAlert,
    get,
    approvalRule,
    templates,
    notify: (a) => deps.onChange?.({ id: a.id, status: a.status, revision: a.revision }),
    audit: async (q, actor, action, id, details) => {
      await appendAudit(q, { officer: actor?.username ?? null, action, subject: `alert:${id}`, details, at: now() });
    },
    frozenActiveCount,
  };
}
