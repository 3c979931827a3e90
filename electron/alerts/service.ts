/**
 * Alerts: drafts that autosave, submission under the approval rule, four-eyes approval,
 * follow-ups to the original's recipients, and the hand-over to the dispatch engine.
 *
 * Every state change and its audit entry commit in one transaction. Autosave is the hot path:
 * a draft save is one UPDATE guarded by the revision, and the audit trail gets at most one
 * 'draft_changed' entry per alert every DRAFT_AUDIT_INTERVAL_MS (the fields changed in between
 * are carried into the next entry or the 'submitted' one), so typing does not flood the trail.
 */
import { createHash, randomUUID } from 'node:crypto';
import { TrykError } from '../../shared/bridge/result';
import { X_MAX_LENGTH } from '../../shared/alerts/schema';
import type { AlertChannel } from '../../shared/alerts/schema';
import { xTextFacts } from '../../shared/social/xtext';
import type { Alert, AlertKind, AlertPatch, AlertPreview, AlertStatus, ApprovalRule, Template } from '../../shared/alerts/schema';
import { builtinTemplates, defaultFields, fillTemplate, mergeTemplates, TemplateOverrides, unfilledFields } from '../../shared/alerts/templates';
import type { Category } from '../../shared/registry/subscriber';
import { analyzeSms } from '../../shared/sms';
import type { TargetArea, TargetFilterInput } from '../../shared/targeting/area';
import type { AreaResult } from '../../shared/targeting/compile';
import { appendAudit, listAudit } from '../audit/service';
import type { AuditEntry, AuditFilter } from '../audit/service';
import type { Role } from '../bridge/dispatcher';
import type { SettingsService } from '../config/settings';
import type { GatewayConfigService } from '../config/gateways';
import { describeGateway } from '../gateways/registry';
import { localTime } from '../dispatch/quiet';
import type { Db, Queryable } from '../store/db';
import { insertMany } from '../store/db';
import { alertCapXml } from './cap';
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
  count(area: unknown, filter?: TargetFilterInput): AreaResult<{ total: number }>;
  selectRecipients(area: unknown, filter?: TargetFilterInput): AreaResult<Int32Array>;
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
  /** Subscriber ids, frozen in alert_recipients; the engine resolves the active ones. */
  recipients: number[];
  priority: 'urgent' | 'routine';
  respectQuietHours: boolean;
}

export interface AlertService {
  templates(): Promise<Template[]>;
  /** An administrator's templates (replacing built-ins by id, or new); [] restores the built-ins. */
  setTemplateOverrides(actor: Actor, overrides: readonly Template[]): Promise<Template[]>;
  list(filter?: { statuses?: readonly AlertStatus[]; limit?: number }): Promise<Alert[]>;
  get(id: number): Promise<Alert>;
  create(actor: Actor, input: CreateInput): Promise<Alert>;
  update(actor: Actor, id: number, revision: number, patch: AlertPatch): Promise<Alert>;
  submit(actor: Actor, id: number, revision: number): Promise<Alert>;
  approve(actor: Actor, id: number, revision: number, comment?: string): Promise<Alert>;
  reject(actor: Actor, id: number, comment: string): Promise<Alert>;
  cancel(actor: Actor, id: number): Promise<Alert>;
  preview(id: number): Promise<AlertPreview>;
  cap(id: number): Promise<string>;
  approvalRule(): Promise<ApprovalRule>;
  setApprovalRule(actor: Actor, rule: ApprovalRule): Promise<ApprovalRule>;
  audit(filter: AuditFilter): Promise<AuditEntry[]>;
  /** Approved alerts waiting to be sent, oldest approval first ("send when online"). */
  releasable(): Promise<number[]>;
  /** Resolves the recipients, freezes them and moves the alert to 'scheduled'. */
  release(id: number, actor?: Actor | null): Promise<ReleasePlan>;
  /**
   * The plan of an alert already released ('scheduled'), from its frozen list: for a restart
   * between release() and the dispatch engine taking the send.
   */
  resumePlan(id: number): Promise<ReleasePlan>;
  /** Freezes the given recipients and moves the alert to 'scheduled' (release() calls this). */
  markReleased(id: number, recipients: ArrayLike<number>, actor?: Actor | null): Promise<Alert>;
  markSending(id: number): Promise<Alert>;
  markSent(id: number): Promise<Alert>;
}

interface Row {
  id: number;
  uuid: string;
  kind: AlertKind;
  parent_id: number | null;
  category: Category;
  template_id: string | null;
  language: 'da' | 'en';
  fields: string;
  sms_text: string;
  social_text: string;
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
  created_at: string;
  updated_at: string;
  created_by_name: string | null;
  approved_by_name: string | null;
}

const SELECT = `SELECT a.*, c.display_name AS created_by_name, ap.display_name AS approved_by_name
  FROM alerts a LEFT JOIN officers c ON c.id = a.created_by LEFT JOIN officers ap ON ap.id = a.approved_by`;

/** Statuses an edit is allowed from; all but 'draft' return the alert to draft. */
const EDITABLE: readonly AlertStatus[] = ['draft', 'rejected', 'awaiting_approval', 'approved'];
const CANCELLABLE: readonly AlertStatus[] = ['draft', 'rejected', 'awaiting_approval', 'approved'];
/** A follow-up needs the original's frozen recipients, which exist from release on. */
const FOLLOW_UP_PARENT: readonly AlertStatus[] = ['sending', 'sent'];

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

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** A decision comment goes into the trail, which refuses anything that looks like a phone number. */
const redactNumbers = (text: string) => text.replace(/\+?\d[\d\s-]{6,}\d/g, '[nummer]');

const hasRole = (actor: Actor, role: Role) => actor.roles.includes(role);

export function alertService(deps: AlertServiceDeps): AlertService {
  const { db, settings } = deps;
  const now = deps.now ?? (() => new Date());
  const interval = deps.draftAuditIntervalMs ?? DRAFT_AUDIT_INTERVAL_MS;
  /** Per alert: when 'draft_changed' was last written, and fields changed since. Lost on restart: then one entry more. */
  const draftAudit = new Map<number, { at: number; fields: Set<string>; saves: number }>();

  const notify = (a: Pick<Alert, 'id' | 'status' | 'revision'>) => deps.onChange?.({ id: a.id, status: a.status, revision: a.revision });

  async function templates(): Promise<Template[]> {
    const parsed = TemplateOverrides.safeParse(await settings.get('alerts.templates'));
    // A broken override must not take the composer down: the built-ins still work.
    return parsed.success ? mergeTemplates(builtinTemplates, parsed.data) : [...builtinTemplates];
  }

  async function row(q: Queryable, id: number): Promise<Row> {
    const r = await q.get<Row>(`${SELECT} WHERE a.id = ?`, [id]);
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
    };
  }

  const approvalRule = () => settings.get('approval.rule');

  async function get(id: number): Promise<Alert> {
    return toAlert(await row(db, id), await approvalRule());
  }

  /** Counted when the area changes, not per keystroke: the 'above N' rule reads it for drafts. */
  async function estimate(area: TargetArea | null, filter: TargetFilterInput | null): Promise<number | null> {
    if (!area) return null;
    const r = (await deps.targeting()).count(area, filter ?? undefined);
    return r.ok ? r.value.total : null; // a half-drawn area must not fail the autosave
  }

  /** The people a follow-up reaches: the original's frozen list, those still active. */
  async function frozenActiveCount(q: Queryable, alertId: number): Promise<number> {
    const r = await q.get<{ n: number }>(
      `SELECT count(*) AS n FROM alert_recipients r JOIN subscribers s ON s.id = r.subscriber_id
        WHERE r.alert_id = ? AND s.status = 'active'`,
      [alertId],
    );
    return r?.n ?? 0;
  }

  function takePendingFields(id: number, extra: readonly string[] = []): string[] {
    const p = draftAudit.get(id);
    const fields = new Set([...(p?.fields ?? []), ...extra]);
    draftAudit.delete(id);
    return [...fields].sort();
  }

  const audit = (q: Queryable, actor: Actor | null, action: Parameters<typeof appendAudit>[1]['action'], id: number, details: Record<string, unknown>) =>
    appendAudit(q, { officer: actor?.username ?? null, action, subject: `alert:${id}`, details, at: now() });

  async function create(actor: Actor, input: CreateInput): Promise<Alert> {
    const kind = input.kind ?? 'alert';
    const language = input.language ?? 'da';
    if (kind === 'alert' && input.parentId !== undefined) throw new TrykError('bad_request', 'A new alert has no parent: updates and closes name one');
    if (kind !== 'alert' && input.parentId === undefined) throw new TrykError('bad_request', `An ${kind} follows up a sent alert: give parentId`);
    let parent: Row | null = null;
    if (input.parentId !== undefined) {
      parent = await row(db, input.parentId);
      if (parent.kind !== 'alert') throw new TrykError('bad_request', 'Follow up the original alert, not another follow-up', { parentKind: parent.kind });
      if (!FOLLOW_UP_PARENT.includes(parent.status)) {
        throw new TrykError('conflict', `Only a sent alert can be followed up (this one is ${parent.status})`, { status: parent.status });
      }
    }
    let template: Template | null = null;
    if (input.templateId !== undefined) {
      template = (await templates()).find((t) => t.id === input.templateId) ?? null;
      if (!template) throw new TrykError('bad_request', `No template ${input.templateId}`, { templateId: input.templateId });
      if (template.kind !== kind) throw new TrykError('bad_request', `Template ${template.id} is for an ${template.kind}, not an ${kind}`);
    }
    const category = parent?.category ?? input.category;
    // A follow-up keeps the case's facts (case number, area name); the template adds its defaults.
    const fields = { ...(template ? defaultFields(template) : {}), ...(parent ? (JSON.parse(parent.fields) as Record<string, string>) : {}) };
    const texts = template ? fillTemplate(template, fields) : { sms: '', social: '' };
    const urgency = parent?.urgency ?? (category === 'missing_person' ? 'urgent' : 'routine');
    const at = now().toISOString();
    const created = await db.transaction(async (tx) => {
      const recipients = parent ? await frozenActiveCount(tx, parent.id) : null;
      const { lastID } = await tx.run(
        `INSERT INTO alerts (uuid, kind, parent_id, category, template_id, language, fields, sms_text, social_text,
           cap_enabled, cap_status, urgency, area, filter, status, revision, needs_approval, recipient_estimate,
           created_by, last_edited_by, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', 1, 1, ?, ?, ?, ?, ?)`,
        [
          randomUUID(),
          kind,
          parent?.id ?? null,
          category,
          template?.id ?? null,
          language,
          JSON.stringify(fields),
          texts.sms,
          texts.social,
          parent?.cap_enabled ?? 0,
          parent?.cap_status ?? 'Actual',
          urgency,
          parent?.area ?? null,
          parent?.filter ?? null,
          recipients,
          actor.id,
          actor.id,
          at,
          at,
        ],
      );
      await audit(tx, actor, 'draft_created', lastID, { kind, category, templateId: template?.id ?? null, parentId: parent?.id ?? null, language });
      return row(tx, lastID);
    });
    const alert = toAlert(created, await approvalRule());
    notify(alert);
    return alert;
  }

  async function update(actor: Actor, id: number, revision: number, patch: AlertPatch): Promise<Alert> {
    const sets: string[] = [];
    const params: (string | number | null)[] = [];
    const set = (col: string, value: string | number | null) => {
      sets.push(`${col} = ?`);
      params.push(value);
    };
    if (patch.fields !== undefined) set('fields', JSON.stringify(patch.fields));
    if (patch.smsText !== undefined) set('sms_text', patch.smsText);
    if (patch.socialText !== undefined) set('social_text', patch.socialText);
    if (patch.channels !== undefined) set('channels', JSON.stringify(patch.channels));
    if (patch.capEnabled !== undefined) set('cap_enabled', patch.capEnabled ? 1 : 0);
    if (patch.capStatus !== undefined) set('cap_status', patch.capStatus);
    if (patch.urgency !== undefined) set('urgency', patch.urgency);
    if (patch.category !== undefined) set('category', patch.category);
    const targets = patch.area !== undefined || patch.filter !== undefined;
    if (targets || patch.category !== undefined) {
      const current = await row(db, id);
      if (current.kind !== 'alert') {
        // A follow-up goes to the original's recipients: its area and case are the original's.
        // The composer may send the form whole, so only a real change is refused.
        const differs =
          (patch.category !== undefined && patch.category !== current.category) ||
          (patch.area !== undefined && JSON.stringify(patch.area) !== (current.area ?? 'null')) ||
          (patch.filter !== undefined && JSON.stringify(patch.filter) !== (current.filter ?? 'null'));
        if (differs) throw new TrykError('bad_request', 'A follow-up keeps the original alert\'s area, filter and category', { kind: current.kind });
      }
      if (targets && current.kind === 'alert') {
        const area = patch.area !== undefined ? patch.area : current.area === null ? null : (JSON.parse(current.area) as TargetArea);
        const filter = patch.filter !== undefined ? patch.filter : current.filter === null ? null : JSON.parse(current.filter);
        if (patch.area !== undefined) set('area', patch.area === null ? null : JSON.stringify(patch.area));
        if (patch.filter !== undefined) set('filter', patch.filter === null ? null : JSON.stringify(patch.filter));
        set('recipient_estimate', await estimate(area, filter));
      }
    }
    const changed = Object.keys(patch).sort();
    const at = now();
    const base = `UPDATE alerts SET ${[...sets, 'revision = revision + 1', 'last_edited_by = ?', 'updated_at = ?'].join(', ')} WHERE id = ? AND revision = ?`;
    const baseParams = [...params, actor.id, at.toISOString(), id, revision];

    // The common case: a draft, saved again. One guarded UPDATE, and an audit entry only when due.
    const pending = draftAudit.get(id);
    const due = !pending || at.getTime() - pending.at >= interval;
    let saved: boolean;
    if (!due) {
      saved = (await db.run(`${base} AND status = 'draft'`, baseParams)).changes === 1;
      if (saved) {
        for (const f of changed) pending.fields.add(f);
        pending.saves++;
      }
    } else {
      saved = await db.transaction(async (tx) => {
        if ((await tx.run(`${base} AND status = 'draft'`, baseParams)).changes !== 1) return false;
        await audit(tx, actor, 'draft_changed', id, { revision: revision + 1, fields: takePendingFields(id, changed), saves: (pending?.saves ?? 0) + 1 });
        return true;
      });
      if (saved) draftAudit.set(id, { at: at.getTime(), fields: new Set(), saves: 0 });
    }
    if (!saved) {
      // Why not: gone, edited elsewhere, past editing, or waiting/approved (which an edit voids).
      await db.transaction(async (tx) => {
        const current = await row(tx, id);
        if (current.revision !== revision) {
          throw new TrykError('conflict', `The alert was changed elsewhere (revision ${current.revision}, yours ${revision})`, {
            revision: current.revision,
            status: current.status,
          });
        }
        if (!EDITABLE.includes(current.status)) {
          throw new TrykError('conflict', `Only drafts can be edited (this alert is ${current.status})`, { status: current.status, revision: current.revision });
        }
        const back = `${base.replace('SET ', "SET status = 'draft', approved_by = NULL, approved_at = NULL, approved_revision = NULL, ")} AND status = ?`;
        if ((await tx.run(back, [...baseParams, current.status])).changes !== 1) throw new Error('alert changed during its own transaction');
        await audit(tx, actor, 'draft_changed', id, {
          revision: revision + 1,
          fields: takePendingFields(id, changed),
          from: current.status,
          ...(current.status === 'approved' ? { approvalVoided: true } : {}),
        });
      });
      draftAudit.set(id, { at: at.getTime(), fields: new Set(), saves: 0 });
    }
    const alert = await get(id);
    notify(alert);
    return alert;
  }

  async function recipientCount(r: Row): Promise<number> {
    if (r.parent_id !== null) return frozenActiveCount(db, r.parent_id);
    if (r.area === null) throw new TrykError('bad_request', 'Draw or pick the area the alert goes to', { field: 'area' });
    const c = (await deps.targeting()).count(JSON.parse(r.area), r.filter === null ? undefined : JSON.parse(r.filter));
    if (!c.ok) throw new TrykError('bad_request', c.error.message, { area: c.error.code });
    return c.value.total;
  }

  async function submit(actor: Actor, id: number, revision: number): Promise<Alert> {
    const before = await row(db, id);
    // Checked again inside the transaction; here so a stale save is told so before any counting.
    if (before.revision !== revision) {
      throw new TrykError('conflict', `The alert was changed elsewhere (revision ${before.revision}, yours ${revision})`, { revision: before.revision, status: before.status });
    }
    const recipients = await recipientCount(before);
    const rule = await approvalRule();
    const all = await templates(); // read before the transaction: the connection is ours alone inside it
    const at = now().toISOString();
    const r = await db.transaction(async (tx) => {
      const current = await row(tx, id);
      if (current.revision !== revision) {
        throw new TrykError('conflict', `The alert was changed elsewhere (revision ${current.revision}, yours ${revision})`, { revision: current.revision, status: current.status });
      }
      if (current.status !== 'draft' && current.status !== 'rejected') {
        throw new TrykError('conflict', `Only a draft can be submitted (this alert is ${current.status})`, { status: current.status });
      }
      if (!current.sms_text.trim()) throw new TrykError('bad_request', 'The SMS text is empty', { field: 'smsText' });
      const template = current.template_id ? all.find((t) => t.id === current.template_id) : undefined;
      const missing = template ? unfilledFields(template, current.sms_text) : [];
      if (missing.length) throw new TrykError('bad_request', `Fill in ${missing.join(', ')} before submitting`, { field: 'fields', missing });
      const chosen = JSON.parse(current.channels) as AlertChannel[];
      const x = xTextFacts(current.social_text);
      if (x.weighted > X_MAX_LENGTH) {
        throw new TrykError('bad_request', `The social text is longer than X allows (${x.weighted} of ${X_MAX_LENGTH}, as X counts)`, { field: 'socialText' });
      }
      if ((chosen.includes('facebook') || chosen.includes('x')) && !current.social_text.trim()) {
        throw new TrykError('bad_request', 'The social text is empty, but Facebook or X is chosen', { field: 'socialText' });
      }
      if (recipients === 0) throw new TrykError('bad_request', 'Nobody would receive this alert: no active subscribers in the area', { recipients });
      const needs = ruleNeedsApproval(rule, current.category, recipients);
      if (needs) {
        await tx.run(
          `UPDATE alerts SET status = 'awaiting_approval', recipient_estimate = ?, needs_approval = 1, submitted_by = ?, submitted_at = ?,
             decision_comment = NULL, updated_at = ? WHERE id = ? AND revision = ?`,
          [recipients, actor.id, at, at, id, revision],
        );
      } else {
        await tx.run(
          `UPDATE alerts SET status = 'approved', recipient_estimate = ?, needs_approval = 0, submitted_by = ?, submitted_at = ?,
             approved_by = NULL, approved_at = ?, approved_revision = revision, decision_comment = NULL, updated_at = ?
           WHERE id = ? AND revision = ?`,
          [recipients, actor.id, at, at, at, id, revision],
        );
      }
      const parts = analyzeSms(current.sms_text).segments;
      await audit(tx, actor, 'submitted', id, {
        revision,
        recipients,
        needsApproval: needs,
        rule: rule.mode,
        parts,
        smsSha256: sha256(current.sms_text),
        fields: takePendingFields(id),
      });
      // No second officer needed: the rule approved it, and the trail says so in its own words.
      if (!needs) await audit(tx, null, 'approved', id, { revision, automatic: true, rule: rule.mode, smsSha256: sha256(current.sms_text) });
      return row(tx, id);
    });
    const alert = toAlert(r, rule);
    notify(alert);
    return alert;
  }

  async function decide(actor: Actor, id: number, decision: 'approved' | 'rejected', revision: number | null, comment: string | null): Promise<Alert> {
    if (!hasRole(actor, 'approver')) throw new TrykError('forbidden', 'Only an approver (shift leader) may approve or reject alerts');
    const at = now().toISOString();
    const r = await db.transaction(async (tx) => {
      const current = await row(tx, id);
      if (current.status !== 'awaiting_approval') {
        throw new TrykError('conflict', `Only an alert awaiting approval can be ${decision} (this one is ${current.status})`, { status: current.status, revision: current.revision });
      }
      if (revision !== null && current.revision !== revision) {
        throw new TrykError('conflict', `The alert changed since you looked at it (revision ${current.revision}, yours ${revision})`, { revision: current.revision });
      }
      if (decision === 'approved' && (actor.id === current.created_by || actor.id === current.last_edited_by)) {
        throw new TrykError('forbidden', 'Four eyes: another officer than the one who wrote or last edited the alert must approve it', { reason: 'four_eyes' });
      }
      if (decision === 'approved') {
        await tx.run(
          `UPDATE alerts SET status = 'approved', approved_by = ?, approved_at = ?, approved_revision = revision, decision_comment = ?, updated_at = ?
           WHERE id = ? AND revision = ? AND status = 'awaiting_approval'`,
          [actor.id, at, comment, at, id, current.revision],
        );
      } else {
        await tx.run(
          `UPDATE alerts SET status = 'rejected', decision_comment = ?, updated_at = ? WHERE id = ? AND revision = ? AND status = 'awaiting_approval'`,
          [comment, at, id, current.revision],
        );
      }
      await audit(tx, actor, decision, id, {
        revision: current.revision,
        recipients: current.recipient_estimate,
        smsSha256: sha256(current.sms_text),
        ...(comment ? { comment: redactNumbers(comment) } : {}),
      });
      return row(tx, id);
    });
    const alert = toAlert(r, await approvalRule());
    notify(alert);
    return alert;
  }

  async function cancel(actor: Actor, id: number): Promise<Alert> {
    const at = now().toISOString();
    const r = await db.transaction(async (tx) => {
      const current = await row(tx, id);
      if (!CANCELLABLE.includes(current.status)) {
        throw new TrykError('conflict', `An alert that is ${current.status} cannot be cancelled here${current.status === 'scheduled' || current.status === 'sending' ? ': stop its send in the monitor' : ''}`, {
          status: current.status,
        });
      }
      await tx.run(`UPDATE alerts SET status = 'cancelled', updated_at = ? WHERE id = ? AND status = ?`, [at, id, current.status]);
      await audit(tx, actor, 'cancelled', id, { revision: current.revision, from: current.status });
      return row(tx, id);
    });
    draftAudit.delete(id);
    const alert = toAlert(r, await approvalRule());
    notify(alert);
    return alert;
  }

  /** The primary gateway's agreed rate (parts per second); null when unknown, 0 when unlimited. */
  async function primaryTps(): Promise<number | null> {
    const primary = (await deps.gateways?.list())?.find((g) => g.primary && g.enabled);
    if (!primary) return null;
    try {
      return describeGateway(primary.url).tps;
    } catch {
      // An HTTP gateway has no parser of its own: read tps= if the address has one.
      try {
        const tps = Number(new URL(primary.url).searchParams.get('tps'));
        return Number.isFinite(tps) && tps > 0 ? tps : null;
      } catch {
        return null;
      }
    }
  }

  /** Routine alerts wait for the end of a recipient's quiet hours: how many would wait now. */
  const QUIET_NOW = `quiet_start IS NOT NULL AND quiet_end IS NOT NULL AND (
      (quiet_start < quiet_end AND ? >= quiet_start AND ? < quiet_end) OR
      (quiet_start > quiet_end AND (? >= quiet_start OR ? < quiet_end)))`;

  async function preview(id: number): Promise<AlertPreview> {
    const r = await row(db, id);
    const minutes = localTime(now().getTime()).minutes;
    const quietParams = [minutes, minutes, minutes, minutes];
    const routine = r.urgency === 'routine';
    let recipients = 0;
    let delayed = 0;
    if (r.parent_id !== null) {
      recipients = await frozenActiveCount(db, r.parent_id);
      if (routine) {
        const d = await db.get<{ n: number }>(
          `SELECT count(*) AS n FROM alert_recipients r JOIN subscribers s ON s.id = r.subscriber_id
            WHERE r.alert_id = ? AND s.status = 'active' AND ${QUIET_NOW}`,
          [r.parent_id, ...quietParams],
        );
        delayed = d?.n ?? 0;
      }
    } else if (r.area !== null) {
      const sel = (await deps.targeting()).selectRecipients(JSON.parse(r.area), r.filter === null ? undefined : JSON.parse(r.filter));
      if (!sel.ok) throw new TrykError('bad_request', sel.error.message, { area: sel.error.code });
      const ids = sel.value;
      recipients = ids.length;
      if (routine && ids.length) {
        // A bitmap of the selection, then one streamed pass over the people in quiet hours now:
        // no 6-million-long IN list, and memory of one byte per subscriber id.
        let max = 0;
        for (const x of ids) if (x > max) max = x;
        const selected = new Uint8Array(max + 1);
        for (const x of ids) selected[x] = 1;
        await db.each<{ id: number }>(`SELECT id FROM subscribers WHERE id <= ? AND ${QUIET_NOW}`, [max, ...quietParams], (s) => {
          if (selected[s.id]) delayed++;
        });
      }
    }
    const smsParts = r.sms_text ? analyzeSms(r.sms_text).segments : 0;
    const totalParts = smsParts * recipients;
    const price = await settings.get('sms.pricePerPartOre');
    const tps = await primaryTps();
    return {
      recipients,
      delayedByQuietHours: delayed,
      smsParts,
      totalParts,
      costEstimateOre: Math.round(totalParts * price),
      sendSeconds: tps ? totalParts / tps : 0,
    };
  }

  async function cap(id: number): Promise<string> {
    const r = await row(db, id);
    const parent = r.parent_id !== null ? await row(db, r.parent_id) : null;
    const template = r.template_id ? (await templates()).find((t) => t.id === r.template_id) : undefined;
    return alertCapXml({
      alert: toAlert(r, await approvalRule()),
      releasedAt: r.released_at,
      parent: parent ? { uuid: parent.uuid, releasedAt: parent.released_at ?? parent.updated_at } : null,
      templateName: template?.name ?? null,
      sender: await settings.get('cap.sender'),
      senderName: await settings.get('cap.senderName'),
      now: now(),
      ...(deps.boundaryGeometry ? { boundaryGeometry: deps.boundaryGeometry } : {}),
    });
  }

  async function markReleased(id: number, recipients: ArrayLike<number>, actor: Actor | null = null): Promise<Alert> {
    const at = now().toISOString();
    const r = await db.transaction(async (tx) => {
      const current = await row(tx, id);
      if (current.status !== 'approved' || current.approved_revision !== current.revision) {
        throw new TrykError('conflict', `Only an approved alert can be released (this one is ${current.status})`, { status: current.status });
      }
      await tx.run('DELETE FROM alert_recipients WHERE alert_id = ?', [id]);
      const rows = function* () {
        for (let i = 0; i < recipients.length; i++) yield [id, recipients[i]!] as const;
      };
      await insertMany(tx, 'INSERT OR IGNORE INTO alert_recipients (alert_id, subscriber_id)', 2, rows());
      const n = (await tx.get<{ n: number }>('SELECT count(*) AS n FROM alert_recipients WHERE alert_id = ?', [id]))?.n ?? 0;
      await tx.run(`UPDATE alerts SET status = 'scheduled', released_at = ?, updated_at = ? WHERE id = ?`, [at, at, id]);
      await audit(tx, actor, 'sent', id, { revision: current.revision, recipients: n, smsSha256: sha256(current.sms_text), kind: current.kind });
      if (current.kind === 'close' && current.parent_id !== null) {
        // The thank-you is on its way: the case is closed, and no further follow-ups go out.
        await tx.run(`UPDATE alerts SET status = 'closed', updated_at = ? WHERE id = ? AND status IN ('sending', 'sent')`, [at, current.parent_id]);
        await audit(tx, actor, 'closed', current.parent_id, { by: `alert:${id}` });
      }
      return current;
    });
    if (r.kind === 'close' && r.parent_id !== null) notify(await get(r.parent_id));
    const alert = await get(id);
    notify(alert);
    return alert;
  }

  async function release(id: number, actor: Actor | null = null): Promise<ReleasePlan> {
    const r = await row(db, id);
    if (r.status !== 'approved') throw new TrykError('conflict', `Only an approved alert can be released (this one is ${r.status})`, { status: r.status });
    let recipients: number[];
    if (r.parent_id !== null) {
      // Exactly the original's recipients, not a recount of the area: the registry may have moved on.
      recipients = (await db.all<{ s: number }>('SELECT subscriber_id AS s FROM alert_recipients WHERE alert_id = ? ORDER BY subscriber_id', [r.parent_id])).map((x) => x.s);
    } else {
      if (r.area === null) throw new TrykError('bad_request', 'The alert has no area', { field: 'area' });
      const sel = (await deps.targeting()).selectRecipients(JSON.parse(r.area), r.filter === null ? undefined : JSON.parse(r.filter));
      if (!sel.ok) throw new TrykError('bad_request', sel.error.message, { area: sel.error.code });
      recipients = Array.from(sel.value);
    }
    const released = await markReleased(id, recipients, actor);
    return {
      alertId: id,
      alertRef: `alert:${id}`,
      text: released.smsText,
      recipients,
      priority: released.urgency,
      respectQuietHours: released.urgency === 'routine',
    };
  }

  async function resumePlan(id: number): Promise<ReleasePlan> {
    const r = await row(db, id);
    if (r.status !== 'scheduled') throw new TrykError('conflict', `Only a scheduled alert has a plan to resume (this one is ${r.status})`, { status: r.status });
    const recipients = (await db.all<{ s: number }>('SELECT subscriber_id AS s FROM alert_recipients WHERE alert_id = ? ORDER BY subscriber_id', [id])).map((x) => x.s);
    return { alertId: id, alertRef: `alert:${id}`, text: r.sms_text, recipients, priority: r.urgency, respectQuietHours: r.urgency === 'routine' };
  }

  async function move(id: number, from: readonly AlertStatus[], to: 'sending' | 'sent'): Promise<Alert> {
    const at = now().toISOString();
    const res = await db.run(
      `UPDATE alerts SET status = ?, ${to === 'sent' ? 'sent_at = ?, ' : ''}updated_at = ? WHERE id = ? AND status IN (${from.map(() => '?').join(',')})`,
      [to, ...(to === 'sent' ? [at] : []), at, id, ...from],
    );
    const alert = await get(id);
    if (res.changes === 0 && alert.status !== to) {
      throw new TrykError('conflict', `An alert that is ${alert.status} cannot become ${to}`, { status: alert.status });
    }
    if (res.changes) notify(alert);
    return alert;
  }

  return {
    templates,
    async list(filter = {}) {
      const statuses = filter.statuses ?? [];
      const rows = await db.all<Row>(
        `${SELECT} ${statuses.length ? `WHERE a.status IN (${statuses.map(() => '?').join(',')})` : ''} ORDER BY a.updated_at DESC, a.id DESC LIMIT ?`,
        [...statuses, filter.limit ?? 100],
      );
      const rule = await approvalRule();
      return rows.map((r) => toAlert(r, rule));
    },
    get,
    create,
    update,
    submit,
    approve: (actor, id, revision, comment) => decide(actor, id, 'approved', revision, comment?.trim() || null),
    reject(actor, id, comment) {
      const c = comment.trim();
      if (!c) return Promise.reject(new TrykError('bad_request', 'Say why the alert is rejected', { field: 'comment' }));
      return decide(actor, id, 'rejected', null, c);
    },
    cancel,
    preview,
    cap,
    approvalRule,
    async setApprovalRule(actor, rule) {
      if (!hasRole(actor, 'admin')) throw new TrykError('forbidden', 'Only an administrator may change the approval rule');
      await db.transaction(async (tx) => {
        await tx.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [
          'approval.rule',
          JSON.stringify(rule),
        ]);
        await appendAudit(tx, { officer: actor.username, action: 'settings_changed', subject: 'setting:approval.rule', details: { rule }, at: now() });
      });
      return rule;
    },
    async setTemplateOverrides(actor, overrides) {
      if (!hasRole(actor, 'admin')) throw new TrykError('forbidden', 'Only an administrator may change the templates');
      const parsed = TemplateOverrides.safeParse(overrides);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new TrykError('bad_request', `Not a list of templates: ${issue.path.join('.')} ${issue.message}`, { path: issue.path });
      }
      await db.transaction(async (tx) => {
        await tx.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [
          'alerts.templates',
          JSON.stringify(parsed.data),
        ]);
        await appendAudit(tx, {
          officer: actor.username,
          action: 'settings_changed',
          subject: 'setting:alerts.templates',
          details: { templates: parsed.data.map((t) => t.id) },
          at: now(),
        });
      });
      return templates();
    },
    audit: (filter) => listAudit(db, filter),
    async releasable() {
      return (await db.all<{ id: number }>(`SELECT id FROM alerts WHERE status = 'approved' ORDER BY approved_at, id`)).map((r) => r.id);
    },
    release,
    resumePlan,
    markReleased,
    markSending: (id) => move(id, ['scheduled'], 'sending'),
    markSent: (id) => move(id, ['scheduled', 'sending'], 'sent'),
  };
}
