/**
 * An alert's life before it is sent: drafts that autosave, submission under the approval rule,
 * four-eyes approval or rejection, cancelling, and the administrator's rule and templates.
 *
 * Every state change and its audit entry commit in one transaction. Autosave is the hot path:
 * a draft save is one UPDATE guarded by the revision, and the audit trail gets at most one
 * 'draft_changed' entry per alert every DRAFT_AUDIT_INTERVAL_MS (the fields changed in between
 * are carried into the next entry or the 'submitted' one), so typing does not flood the trail.
 */
import { randomUUID } from 'node:crypto';
import { TrykError } from '../../shared/bridge/result';
import { X_MAX_LENGTH } from '../../shared/alerts/schema';
import type { AlertChannel } from '../../shared/alerts/schema';
import { xTextFacts } from '../../shared/social/xtext';
import type { Alert, AlertPatch, AlertStatus, ApprovalRule, Template } from '../../shared/alerts/schema';
import { counterpartOf, defaultFields, fillTemplate, TemplateOverrides, unfilledFields } from '../../shared/alerts/templates';
import { analyzeSms } from '../../shared/sms';
import type { TargetArea, TargetFilterInput } from '../../shared/targeting/area';
import type { Role } from '../bridge/dispatcher';
import { putSetting } from '../config/settings';
import { appendAudit } from '../audit/service';
import { ruleNeedsApproval, textHashes } from './records';
import type { AlertContext, Row } from './records';
import type { Actor, CreateInput } from './types';

/** Statuses an edit is allowed from; all but 'draft' return the alert to draft. */
const EDITABLE: readonly AlertStatus[] = ['draft', 'rejected', 'awaiting_approval', 'approved'];
const CANCELLABLE: readonly AlertStatus[] = ['draft', 'rejected', 'awaiting_approval', 'approved'];
/** A follow-up needs the original's frozen recipients, which exist from release on. */
const FOLLOW_UP_PARENT: readonly AlertStatus[] = ['sending', 'sent'];

/** A decision comment goes into the trail, which refuses anything that looks like a phone number. */
const redactNumbers = (text: string) => text.replace(/\+?\d[\d\s-]{6,}\d/g, '[nummer]');

const hasRole = (actor: Actor, role: Role) => actor.roles.includes(role);

export interface AlertLifecycle {
  create(actor: Actor, input: CreateInput): Promise<Alert>;
  update(actor: Actor, id: number, revision: number, patch: AlertPatch): Promise<Alert>;
  submit(actor: Actor, id: number, revision: number): Promise<Alert>;
  approve(actor: Actor, id: number, revision: number, comment?: string): Promise<Alert>;
  reject(actor: Actor, id: number, comment: string): Promise<Alert>;
  cancel(actor: Actor, id: number): Promise<Alert>;
  setApprovalRule(actor: Actor, rule: ApprovalRule): Promise<ApprovalRule>;
  setTemplateOverrides(actor: Actor, overrides: readonly Template[]): Promise<Template[]>;
}

export function alertLifecycle(ctx: AlertContext, draftAuditIntervalMs: number): AlertLifecycle {
  const interval = draftAuditIntervalMs;
  /** Per alert: when 'draft_changed' was last written, and fields changed since. Lost on restart: then one entry more. */
  const draftAudit = new Map<number, { at: number; fields: Set<string>; saves: number }>();

  /** Counted when the area changes, not per keystroke: the 'above N' rule reads it for drafts. */
  async function estimate(area: TargetArea | null, filter: TargetFilterInput | null): Promise<number | null> {
    if (!area) return null;
    const r = await (await ctx.deps.targeting()).count(area, filter ?? undefined);
    return r.ok ? r.value.total : null; // a half-drawn area must not fail the autosave
  }

  function takePendingFields(id: number, extra: readonly string[] = []): string[] {
    const p = draftAudit.get(id);
    const fields = new Set([...(p?.fields ?? []), ...extra]);
    draftAudit.delete(id);
    return [...fields].sort();
  }

  async function create(actor: Actor, input: CreateInput): Promise<Alert> {
    const kind = input.kind ?? 'alert';
    const language = input.language ?? 'da';
    if (kind === 'alert' && input.parentId !== undefined) throw new TrykError('bad_request', 'A new alert has no parent: updates and closes name one');
    if (kind !== 'alert' && input.parentId === undefined) throw new TrykError('bad_request', `An ${kind} follows up a sent alert: give parentId`);
    let parent: Row | null = null;
    if (input.parentId !== undefined) {
      parent = await ctx.row(ctx.db, input.parentId);
      if (parent.kind !== 'alert') throw new TrykError('bad_request', 'Follow up the original alert, not another follow-up', { parentKind: parent.kind });
      if (!FOLLOW_UP_PARENT.includes(parent.status)) {
        throw new TrykError('conflict', `Only a sent alert can be followed up (this one is ${parent.status})`, { status: parent.status });
      }
    }
    let template: Template | null = null;
    if (input.templateId !== undefined) {
      template = (await ctx.templates()).find((t) => t.id === input.templateId) ?? null;
      if (!template) throw new TrykError('bad_request', `No template ${input.templateId}`, { templateId: input.templateId });
      if (template.kind !== kind) throw new TrykError('bad_request', `Template ${template.id} is for an ${template.kind}, not an ${kind}`);
    }
    const category = parent?.category ?? input.category;
    // A follow-up keeps the case's facts (case number, area name); the template adds its defaults.
    const fields = { ...(template ? defaultFields(template) : {}), ...(parent ? (JSON.parse(parent.fields) as Record<string, string>) : {}) };
    const texts = template ? fillTemplate(template, fields) : { sms: '', social: '' };
    // A follow-up to an alert that went out in two languages goes out in both again.
    const otherTemplate = parent?.sms_text_other.trim() && template ? counterpartOf(template, await ctx.templates()) : undefined;
    const otherSms = otherTemplate ? fillTemplate(otherTemplate, fields).sms : '';
    const urgency = parent?.urgency ?? (category === 'missing_person' ? 'urgent' : 'routine');
    const at = ctx.now().toISOString();
    const created = await ctx.db.transaction(async (tx) => {
      const recipients = parent ? await ctx.frozenActiveCount(tx, parent.id) : null;
      const { lastID } = await tx.run(
        `INSERT INTO alerts (uuid, kind, parent_id, category, template_id, language, fields, sms_text, sms_text_other, social_text,
           cap_enabled, cap_status, urgency, area, filter, status, revision, needs_approval, recipient_estimate,
           created_by, last_edited_by, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', 1, 1, ?, ?, ?, ?, ?)`,
        [
          randomUUID(),
          kind,
          parent?.id ?? null,
          category,
          template?.id ?? null,
          language,
          JSON.stringify(fields),
          texts.sms,
          otherSms,
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
      await ctx.audit(tx, actor, 'draft_created', lastID, { kind, category, templateId: template?.id ?? null, parentId: parent?.id ?? null, language });
      return ctx.row(tx, lastID);
    });
    const alert = ctx.toAlert(created, await ctx.approvalRule());
    ctx.notify(alert);
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
    if (patch.smsTextOther !== undefined) set('sms_text_other', patch.smsTextOther);
    if (patch.socialText !== undefined) set('social_text', patch.socialText);
    if (patch.channels !== undefined) set('channels', JSON.stringify(patch.channels));
    if (patch.capEnabled !== undefined) set('cap_enabled', patch.capEnabled ? 1 : 0);
    if (patch.capStatus !== undefined) set('cap_status', patch.capStatus);
    if (patch.urgency !== undefined) set('urgency', patch.urgency);
    if (patch.category !== undefined) set('category', patch.category);
    if (patch.releaseAt !== undefined || patch.expiresAt !== undefined) {
      // The composer sends its whole form each save: only a changed schedule is checked (a
      // saved end of sending that has since passed must not block saving the text).
      const current = await ctx.row(ctx.db, id);
      const iso = (s: string | null | undefined) => (s == null ? null : new Date(s).toISOString());
      const releaseAt = patch.releaseAt !== undefined ? iso(patch.releaseAt) : current.release_at;
      const expiresAt = patch.expiresAt !== undefined ? iso(patch.expiresAt) : current.expires_at;
      if (releaseAt !== current.release_at || expiresAt !== current.expires_at) {
        const schedule = checkedSchedule(releaseAt, expiresAt, ctx.now());
        set('release_at', schedule.releaseAt);
        set('expires_at', schedule.expiresAt);
      }
    }
    const targets = patch.area !== undefined || patch.filter !== undefined;
    if (targets || patch.category !== undefined) {
      const current = await ctx.row(ctx.db, id);
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
    const at = ctx.now();
    const base = `UPDATE alerts SET ${[...sets, 'revision = revision + 1', 'last_edited_by = ?', 'updated_at = ?'].join(', ')} WHERE id = ? AND revision = ?`;
    const baseParams = [...params, actor.id, at.toISOString(), id, revision];

    // The common case: a draft, saved again. One guarded UPDATE, and an audit entry only when due.
    const pending = draftAudit.get(id);
    const due = !pending || at.getTime() - pending.at >= interval;
    let saved: boolean;
    if (!due) {
      saved = (await ctx.db.run(`${base} AND status = 'draft'`, baseParams)).changes === 1;
      if (saved) {
        for (const f of changed) pending.fields.add(f);
        pending.saves++;
      }
    } else {
      saved = await ctx.db.transaction(async (tx) => {
        if ((await tx.run(`${base} AND status = 'draft'`, baseParams)).changes !== 1) return false;
        await ctx.audit(tx, actor, 'draft_changed', id, { revision: revision + 1, fields: takePendingFields(id, changed), saves: (pending?.saves ?? 0) + 1 });
        return true;
      });
      if (saved) draftAudit.set(id, { at: at.getTime(), fields: new Set(), saves: 0 });
    }
    if (!saved) {
      // Why not: gone, edited elsewhere, past editing, or waiting/approved (which an edit voids).
      await ctx.db.transaction(async (tx) => {
        const current = await ctx.row(tx, id);
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
        await ctx.audit(tx, actor, 'draft_changed', id, {
          revision: revision + 1,
          fields: takePendingFields(id, changed),
          from: current.status,
          ...(current.status === 'approved' ? { approvalVoided: true } : {}),
        });
      });
      draftAudit.set(id, { at: at.getTime(), fields: new Set(), saves: 0 });
    }
    const alert = await ctx.get(id);
    ctx.notify(alert);
    return alert;
  }

  async function recipientCount(r: Row): Promise<number> {
    if (r.parent_id !== null) return ctx.frozenActiveCount(ctx.db, r.parent_id);
    if (r.area === null) throw new TrykError('bad_request', 'Draw or pick the area the alert goes to', { field: 'area' });
    const c = await (await ctx.deps.targeting()).count(JSON.parse(r.area), r.filter === null ? undefined : JSON.parse(r.filter));
    if (!c.ok) throw new TrykError('bad_request', c.error.message, { area: c.error.code });
    return c.value.total;
  }

  async function submit(actor: Actor, id: number, revision: number): Promise<Alert> {
    const before = await ctx.row(ctx.db, id);
    // Checked again inside the transaction; here so a stale save is told so before any counting.
    if (before.revision !== revision) {
      throw new TrykError('conflict', `The alert was changed elsewhere (revision ${before.revision}, yours ${revision})`, { revision: before.revision, status: before.status });
    }
    const recipients = await recipientCount(before);
    const rule = await ctx.approvalRule();
    const all = await ctx.templates(); // read before the transaction: the connection is ours alone inside it
    const at = ctx.now().toISOString();
    const r = await ctx.db.transaction(async (tx) => {
      const current = await ctx.row(tx, id);
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
      // The text in the other language is approved with the first: it must be as finished.
      const counterpart = template ? counterpartOf(template, all) : undefined;
      const missingOther = counterpart && current.sms_text_other.trim() ? unfilledFields(counterpart, current.sms_text_other) : [];
      if (missingOther.length) {
        throw new TrykError('bad_request', `Fill in ${missingOther.join(', ')} in the ${counterpart!.language === 'en' ? 'English' : 'Danish'} text before submitting`, { field: 'smsTextOther', missing: missingOther });
      }
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
      await ctx.audit(tx, actor, 'submitted', id, {
        revision,
        recipients,
        needsApproval: needs,
        rule: rule.mode,
        parts,
        ...textHashes(current),
        fields: takePendingFields(id),
      });
      // No second officer needed: the rule approved it, and the trail says so in its own words.
      if (!needs) await ctx.audit(tx, null, 'approved', id, { revision, automatic: true, rule: rule.mode, ...textHashes(current) });
      return ctx.row(tx, id);
    });
    const alert = ctx.toAlert(r, rule);
    ctx.notify(alert);
    return alert;
  }

  async function decide(actor: Actor, id: number, decision: 'approved' | 'rejected', revision: number | null, comment: string | null): Promise<Alert> {
    if (!hasRole(actor, 'approver')) throw new TrykError('forbidden', 'Only an approver (shift leader) may approve or reject alerts');
    const at = ctx.now().toISOString();
    const r = await ctx.db.transaction(async (tx) => {
      const current = await ctx.row(tx, id);
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
      await ctx.audit(tx, actor, decision, id, {
        revision: current.revision,
        recipients: current.recipient_estimate,
        ...textHashes(current),
        ...(comment ? { comment: redactNumbers(comment) } : {}),
      });
      return ctx.row(tx, id);
    });
    const alert = ctx.toAlert(r, await ctx.approvalRule());
    ctx.notify(alert);
    return alert;
  }

  async function cancel(actor: Actor, id: number): Promise<Alert> {
    const at = ctx.now().toISOString();
    const r = await ctx.db.transaction(async (tx) => {
      const current = await ctx.row(tx, id);
      if (!CANCELLABLE.includes(current.status)) {
        throw new TrykError('conflict', `An alert that is ${current.status} cannot be cancelled here${current.status === 'scheduled' || current.status === 'sending' ? ': stop its send in the monitor' : ''}`, {
          status: current.status,
        });
      }
      await tx.run(`UPDATE alerts SET status = 'cancelled', updated_at = ? WHERE id = ? AND status = ?`, [at, id, current.status]);
      await ctx.audit(tx, actor, 'cancelled', id, { revision: current.revision, from: current.status });
      return ctx.row(tx, id);
    });
    draftAudit.delete(id);
    const alert = ctx.toAlert(r, await ctx.approvalRule());
    ctx.notify(alert);
    return alert;
  }

  return {
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
    async setApprovalRule(actor, rule) {
      if (!hasRole(actor, 'admin')) throw new TrykError('forbidden', 'Only an administrator may change the approval rule');
      await ctx.db.transaction(async (tx) => {
        await putSetting(tx, 'approval.rule', rule);
        await appendAudit(tx, { officer: actor.username, action: 'settings_changed', subject: 'setting:approval.rule', details: { rule }, at: ctx.now() });
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
      await ctx.db.transaction(async (tx) => {
        await putSetting(tx, 'alerts.templates', parsed.data);
        await appendAudit(tx, {
          officer: actor.username,
          action: 'settings_changed',
          subject: 'setting:alerts.templates',
          details: { templates: parsed.data.map((t) => t.id) },
          at: ctx.now(),
        });
      });
      return ctx.templates();
    },
  };
}

/** Schedules further ahead than this are a slip (a wrong year), not a plan. */
const MAX_SCHEDULE_MS = 366 * 24 * 3600_000;

/** The schedule as stored (UTC ISO), or a bad request saying what is wrong with it. */
export function checkedSchedule(releaseAt: string | null, expiresAt: string | null, now: Date): { releaseAt: string | null; expiresAt: string | null } {
  const norm = (s: string | null) => (s === null ? null : new Date(s).toISOString());
  const r = norm(releaseAt);
  const e = norm(expiresAt);
  const t = now.getTime();
  for (const [field, value] of [['releaseAt', r], ['expiresAt', e]] as const) {
    if (value !== null && Math.abs(Date.parse(value) - t) > MAX_SCHEDULE_MS) {
      throw new TrykError('bad_request', `${field} is more than a year away`, { field, reason: 'too_far' });
    }
  }
  if (e !== null && Date.parse(e) <= Math.max(t, r === null ? t : Date.parse(r))) {
    throw new TrykError('bad_request', 'The end of sending must come after the release (and after now)', { field: 'expiresAt', reason: 'before_release' });
  }
  return { releaseAt: r, expiresAt: e };
}
