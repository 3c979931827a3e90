/**
 * Release planning: approved alerts waiting for a gateway, their recipients resolved and
 * frozen (a follow-up gets exactly the original's), the alert moved to 'scheduled' with its
 * audit entry, and the plan handed to the dispatch engine; then the alert follows its send.
 */
import { TrykError } from '../../shared/bridge/result';
import type { Alert, AlertStatus } from '../../shared/alerts/schema';
import { smsTextsAsSent } from '../../shared/alerts/exercise';
import { insertMany } from '../store/db';
import { textHashes } from './records';
import type { AlertContext } from './records';
import type { Actor, ReleasePlan } from './types';

export interface AlertReleases {
  releasable(): Promise<number[]>;
  release(id: number, actor?: Actor | null): Promise<ReleasePlan>;
  resumePlan(id: number): Promise<ReleasePlan>;
  markReleased(id: number, recipients: ArrayLike<number>, actor?: Actor | null): Promise<Alert>;
  markSending(id: number): Promise<Alert>;
  markSent(id: number): Promise<Alert>;
}

export function alertReleases(ctx: AlertContext): AlertReleases {
  /** The send's validity from the alert's end of sending: what is not out by then expires. */
  const validity = (expiresAt: string | null): { validityMinutes?: number } =>
    expiresAt === null ? {} : { validityMinutes: Math.max(1, Math.ceil((Date.parse(expiresAt) - ctx.now().getTime()) / 60_000)) };

  async function markReleased(id: number, recipients: ArrayLike<number>, actor: Actor | null = null): Promise<Alert> {
    const at = ctx.now().toISOString();
    const r = await ctx.db.transaction(async (tx) => {
      const current = await ctx.row(tx, id);
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
      await ctx.audit(tx, actor, 'sent', id, { revision: current.revision, recipients: n, ...textHashes(current), kind: current.kind });
      if (current.kind === 'close' && current.parent_id !== null) {
        // The thank-you is on its way: the case is closed, and no further follow-ups go out.
        await tx.run(`UPDATE alerts SET status = 'closed', updated_at = ? WHERE id = ? AND status IN ('sending', 'sent')`, [at, current.parent_id]);
        await ctx.audit(tx, actor, 'closed', current.parent_id, { by: `alert:${id}` });
      }
      return current;
    });
    if (r.kind === 'close' && r.parent_id !== null) ctx.notify(await ctx.get(r.parent_id));
    const alert = await ctx.get(id);
    ctx.notify(alert);
    return alert;
  }

  async function release(id: number, actor: Actor | null = null): Promise<ReleasePlan> {
    const r = await ctx.row(ctx.db, id);
    if (r.status !== 'approved') throw new TrykError('conflict', `Only an approved alert can be released (this one is ${r.status})`, { status: r.status });
    let recipients: number[];
    if (r.parent_id !== null) {
      // Exactly the original's recipients, not a recount of the area: the registry may have moved on.
      recipients = (await ctx.db.all<{ s: number }>('SELECT subscriber_id AS s FROM alert_recipients WHERE alert_id = ? ORDER BY subscriber_id', [r.parent_id])).map((x) => x.s);
    } else {
      if (r.area === null) throw new TrykError('bad_request', 'The alert has no area', { field: 'area' });
      const sel = await (await ctx.deps.targeting()).selectRecipients(JSON.parse(r.area), r.filter === null ? undefined : JSON.parse(r.filter));
      if (!sel.ok) throw new TrykError('bad_request', sel.error.message, { area: sel.error.code });
      recipients = Array.from(sel.value);
    }
    const released = await markReleased(id, recipients, actor);
    const [main, ...others] = smsTextsAsSent(released);
    return {
      alertId: id,
      alertRef: `alert:${id}`,
      text: main!.text,
      ...(others.length ? { languageTexts: others } : {}),
      recipients,
      priority: released.urgency,
      respectQuietHours: released.urgency === 'routine',
      ...validity(released.expiresAt),
    };
  }

  async function resumePlan(id: number): Promise<ReleasePlan> {
    const r = await ctx.row(ctx.db, id);
    if (r.status !== 'scheduled') throw new TrykError('conflict', `Only a scheduled alert has a plan to resume (this one is ${r.status})`, { status: r.status });
    const recipients = (await ctx.db.all<{ s: number }>('SELECT subscriber_id AS s FROM alert_recipients WHERE alert_id = ? ORDER BY subscriber_id', [id])).map((x) => x.s);
    const [main, ...others] = smsTextsAsSent({ smsText: r.sms_text, smsTextOther: r.sms_text_other, capStatus: r.cap_status, language: r.language });
    return { alertId: id, alertRef: `alert:${id}`, text: main!.text, ...(others.length ? { languageTexts: others } : {}), recipients, priority: r.urgency, respectQuietHours: r.urgency === 'routine', ...validity(r.expires_at) };
  }

  async function move(id: number, from: readonly AlertStatus[], to: 'sending' | 'sent'): Promise<Alert> {
    const at = ctx.now().toISOString();
    const res = await ctx.db.run(
      `UPDATE alerts SET status = ?, ${to === 'sent' ? 'sent_at = ?, ' : ''}updated_at = ? WHERE id = ? AND status IN (${from.map(() => '?').join(',')})`,
      [to, ...(to === 'sent' ? [at] : []), at, id, ...from],
    );
    const alert = await ctx.get(id);
    if (res.changes === 0 && alert.status !== to) {
      throw new TrykError('conflict', `An alert that is ${alert.status} cannot become ${to}`, { status: alert.status });
    }
    if (res.changes) ctx.notify(alert);
    return alert;
  }

  return {
    async releasable() {
      // Due: no planned release, or its time has come; and not past its end of sending (then
      // nobody may get it any more, and it waits approved for an officer to cancel or re-plan).
      const now = ctx.now().toISOString();
      return (
        await ctx.db.all<{ id: number }>(
          `SELECT id FROM alerts WHERE status = 'approved' AND (release_at IS NULL OR release_at <= ?) AND (expires_at IS NULL OR expires_at > ?)
            ORDER BY approved_at, id`,
          [now, now],
        )
      ).map((r) => r.id);
    },
    release,
    resumePlan,
    markReleased,
    markSending: (id) => move(id, ['scheduled'], 'sending'),
    markSent: (id) => move(id, ['scheduled', 'sending'], 'sent'),
  };
}
