/**
 * The tip inbox as officers work it: list and search (FTS5), open a tip (its sender is
 * revealed only then, audited), triage (state, note, assignee), answer a tipster, and the
 * counts behind the navigation badge and the alert screens. The bridge handlers and the CLI
 * share it.
 */
import { TrykError } from '../../shared/bridge/result';
import { analyzeSms } from '../../shared/sms';
import { appendAudit, maskPhone } from '../audit/service';
import type { Db } from '../store/db';
import { recordAnswer } from './intake';
import { tipPlace } from './map';

export const tipStates = ['new', 'read', 'useful', 'not_useful', 'forwarded', 'closed'] as const;
export type TipState = (typeof tipStates)[number];

export interface TipSummary {
  id: number;
  channel: 'sms' | 'facebook' | 'x';
  text: string;
  binary: boolean;
  partial: boolean;
  receivedAt: string;
  alertId: number | null;
  alertTitle: string | null;
  /** When the alert reached the sender (null: not tied, or a social comment). */
  reachedAt: string | null;
  state: TipState;
  note: string | null;
  assignedTo: string | null;
  repeats: number;
  flood: boolean;
  /** The sender masked (+45 12 •• •• 78): enough to see two tips are from one person. */
  senderMasked: string;
}

export interface TipDetail extends TipSummary {
  /** Revealed to the officer who opened the tip; the opening is in the audit trail. */
  sender: string;
  gateway: string | null;
  replies: { at: string; kind: string; text: string; state: string; officer: string | null }[];
  /** Where the sender is registered inside the tied alert's area (exact, for this officer only). */
  place: { lat: number; lon: number } | null;
}

export interface TipFilter {
  alertId?: number | null;
  state?: TipState;
  query?: string;
  since?: string;
  until?: string;
  limit?: number;
  /** Older than this id (paging). */
  before?: number;
}

export interface TipCounts {
  total: number;
  new: number;
  byAlert: { alertId: number; total: number; new: number }[];
}

export interface Officer {
  username: string;
}

export interface TipService {
  list(filter: TipFilter): Promise<{ tips: TipSummary[]; total: number }>;
  open(id: number, officer: Officer): Promise<TipDetail>;
  mark(id: number, change: { state?: TipState; note?: string | null; assignedTo?: string | null }, officer: Officer): Promise<TipSummary>;
  /** One SMS to the tipster through the gateway the tip came in on; pending until the pump sends it. */
  reply(id: number, text: string, officer: Officer): Promise<{ replyId: number; state: 'pending' | 'suppressed'; reason: string | null }>;
  counts(): Promise<TipCounts>;
  /** The automatic acknowledgement for an alert's tipsters (null: none). */
  setAcknowledgement(alertId: number, text: string | null, officer: Officer): Promise<void>;
  acknowledgement(alertId: number): Promise<string | null>;
  /**
   * "Case closed, thank you": one SMS to every number that sent an SMS tip on the alert (each
   * once, never to an opted-out number), through the gateway their tip came in on. Audited.
   */
  thankTipsters(alertId: number, text: string, officer: Officer): Promise<{ queued: number; skipped: number }>;
}

interface TipRow {
  id: number;
  channel: TipSummary['channel'];
  sender: string;
  gateway: string | null;
  text: string;
  binary: number;
  partial: number;
  received_at: string;
  alert_id: number | null;
  alert_title: string | null;
  reached_at: string | null;
  state: TipState;
  note: string | null;
  assigned_to: string | null;
  repeats: number;
  flood: number;
}

const COLUMNS = `t.id, t.channel, t.sender, t.gateway, t.text, t.binary, t.partial, t.received_at, t.alert_id,
  substr(a.sms_text, 1, 80) AS alert_title, t.reached_at, t.state, t.note, t.assigned_to, t.repeats, t.flood`;

function masked(channel: string, sender: string): string {
  if (channel !== 'sms' || !/^\+\d{8,15}$/.test(sender)) return channel === 'sms' ? sender.slice(0, 11) : '@…';
  return maskPhone(sender);
}

function summary(r: TipRow): TipSummary {
  return {
    id: r.id,
    channel: r.channel,
    text: r.text,
    binary: r.binary === 1,
    partial: r.partial === 1,
    receivedAt: r.received_at,
    alertId: r.alert_id,
    alertTitle: r.alert_title,
    reachedAt: r.reached_at,
    state: r.state,
    note: r.note,
    assignedTo: r.assigned_to,
    repeats: r.repeats,
    flood: r.flood === 1,
    senderMasked: masked(r.channel, r.sender),
  };
}

/** Words for FTS5 as literal prefixes: a citizen's search never becomes FTS syntax. */
export function ftsQuery(q: string): string | null {
  const words = q
    .normalize('NFC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .slice(0, 8);
  return words.length === 0 ? null : words.map((w) => `"${w}"*`).join(' ');
}

export function tipService(db: Db, now: () => Date = () => new Date(), onChange: () => void = () => undefined): TipService {
  async function get(id: number): Promise<TipRow> {
    const row = await db.get<TipRow>(`SELECT ${COLUMNS} FROM tips t LEFT JOIN alerts a ON a.id = t.alert_id WHERE t.id = ?`, [id]);
    if (!row) throw new TrykError('not_found', `No tip ${id}`);
    return row;
  }

  return {
    async list(f) {
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (f.alertId === null) where.push('t.alert_id IS NULL');
      else if (f.alertId !== undefined) {
        where.push('t.alert_id = ?');
        params.push(f.alertId);
      }
      if (f.state) {
        where.push('t.state = ?');
        params.push(f.state);
      }
      if (f.since) {
        where.push('t.received_at >= ?');
        params.push(f.since);
      }
      if (f.until) {
        where.push('t.received_at < ?');
        params.push(f.until);
      }
      if (f.query !== undefined && f.query.trim() !== '') {
        const match = ftsQuery(f.query);
        if (match === null) return { tips: [], total: 0 };
        where.push('t.id IN (SELECT rowid FROM tips_fts WHERE tips_fts MATCH ?)');
        params.push(match);
      }
      const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const total = (await db.get<{ n: number }>(`SELECT count(*) AS n FROM tips t ${clause}`, params))?.n ?? 0;
      const paging = f.before !== undefined ? `${clause ? `${clause} AND` : 'WHERE'} t.id < ?` : clause;
      const rows = await db.all<TipRow>(
        `SELECT ${COLUMNS} FROM tips t LEFT JOIN alerts a ON a.id = t.alert_id ${paging} ORDER BY t.received_at DESC, t.id DESC LIMIT ?`,
        [...params, ...(f.before !== undefined ? [f.before] : []), Math.min(f.limit ?? 100, 500)],
      );
      return { tips: rows.map(summary), total };
    },

    async open(id, officer) {
      const row = await get(id);
      await db.transaction(async (tx) => {
        if (row.state === 'new') await tx.run("UPDATE tips SET state = 'read', updated_at = ? WHERE id = ?", [now().toISOString(), id]);
        await appendAudit(tx, { at: now(), officer: officer.username, action: 'tip_opened', subject: `tip:${id}`, details: { channel: row.channel } });
      });
      if (row.state === 'new') onChange();
      const replies = await db.all<{ created_at: string; kind: string; text: string; state: string; officer: string | null }>(
        'SELECT created_at, kind, text, state, officer FROM sms_replies WHERE tip_id = ? OR (phone = ? AND ? = \'sms\' AND tip_id IS NULL AND created_at >= ?) ORDER BY id',
        [id, row.sender, row.channel, row.received_at],
      );
      // The place that put the tipster inside the alert's area: the tip map's one definition.
      const place: TipDetail['place'] = row.channel === 'sms' && row.alert_id !== null ? await tipPlace(db, row.sender, row.alert_id) : null;
      return {
        ...summary({ ...row, state: row.state === 'new' ? 'read' : row.state }),
        sender: row.sender,
        gateway: row.gateway,
        replies: replies.map((r) => ({ at: r.created_at, kind: r.kind, text: r.text, state: r.state, officer: r.officer })),
        place,
      };
    },

    async mark(id, change, officer) {
      const row = await get(id);
      const sets: string[] = [];
      const params: (string | number | null)[] = [];
      if (change.state !== undefined) {
        if (!(tipStates as readonly string[]).includes(change.state)) throw new TrykError('bad_request', `A tip's state is one of ${tipStates.join(', ')}`);
        sets.push('state = ?');
        params.push(change.state);
      }
      if (change.note !== undefined) {
        sets.push('note = ?');
        params.push(change.note === null ? null : change.note.slice(0, 2000));
      }
      if (change.assignedTo !== undefined) {
        if (change.assignedTo !== null && !(await db.get('SELECT 1 AS x FROM officers WHERE username = ?', [change.assignedTo]))) {
          throw new TrykError('bad_request', `No officer called ${change.assignedTo}`);
        }
        sets.push('assigned_to = ?');
        params.push(change.assignedTo);
      }
      if (sets.length === 0) return summary(row);
      await db.transaction(async (tx) => {
        await tx.run(`UPDATE tips SET ${sets.join(', ')}, updated_at = ? WHERE id = ?`, [...params, now().toISOString(), id]);
        await appendAudit(tx, {
          at: now(),
          officer: officer.username,
          action: 'tip_changed',
          subject: `tip:${id}`,
          details: { ...(change.state ? { state: change.state } : {}), ...(change.note !== undefined ? { note: true } : {}), ...(change.assignedTo !== undefined ? { assignedTo: change.assignedTo } : {}) },
        });
      });
      onChange();
      return summary(await get(id));
    },

    async reply(id, text, officer) {
      const row = await get(id);
      if (row.channel !== 'sms') throw new TrykError('bad_request', 'Only SMS tips can be answered from here; answer a social comment on its platform');
      if (!row.gateway) throw new TrykError('bad_request', 'This tip did not come through a gateway');
      const body = text.trim();
      if (body.length === 0) throw new TrykError('bad_request', 'The answer is empty');
      if (analyzeSms(body).segments > 3) throw new TrykError('bad_request', 'The answer is longer than three SMS parts');
      const result = await db.transaction(async (tx) => {
        const r = await recordAnswer(tx, { kind: 'tip_reply', phone: row.sender, gateway: row.gateway!, language: 'da', vars: {}, text: body, tipId: id, officer: officer.username, at: now() }, { answers: 0 });
        await appendAudit(tx, { at: now(), officer: officer.username, action: 'tip_replied', subject: `tip:${id}`, details: { state: r.state, ...(r.reason ? { reason: r.reason } : {}) } });
        return r;
      });
      if (result.state === 'suppressed') {
        throw new TrykError('bad_request', result.reason === 'opted_out' ? 'The tipster has opted out: no SMS can be sent to them' : 'That number cannot get an SMS', { reason: result.reason });
      }
      onChange();
      return { replyId: result.id, state: result.state, reason: result.reason };
    },

    async counts() {
      // Two index counts: the badge asks this a few times a second while tips pour in.
      const all = {
        total: (await db.get<{ n: number }>('SELECT count(*) AS n FROM tips'))?.n ?? 0,
        fresh: (await db.get<{ n: number }>("SELECT count(*) AS n FROM tips WHERE state = 'new'"))?.n ?? 0,
      };
      const by = await db.all<{ alert_id: number; total: number; fresh: number }>(
        "SELECT alert_id, count(*) AS total, coalesce(sum(state = 'new'), 0) AS fresh FROM tips WHERE alert_id IS NOT NULL GROUP BY alert_id ORDER BY alert_id DESC LIMIT 500",
      );
      return { total: all?.total ?? 0, new: all?.fresh ?? 0, byAlert: by.map((b) => ({ alertId: b.alert_id, total: b.total, new: b.fresh })) };
    },

    async setAcknowledgement(alertId, text, officer) {
      if (!(await db.get('SELECT 1 AS x FROM alerts WHERE id = ?', [alertId]))) throw new TrykError('not_found', `No alert ${alertId}`);
      const body = text?.trim() || null;
      if (body !== null && analyzeSms(body).segments > 1) throw new TrykError('bad_request', 'The acknowledgement must fit in one SMS');
      await db.transaction(async (tx) => {
        await tx.run('INSERT INTO alert_tip_settings (alert_id, tip_ack) VALUES (?, ?) ON CONFLICT (alert_id) DO UPDATE SET tip_ack = excluded.tip_ack', [alertId, body]);
        await appendAudit(tx, { at: now(), officer: officer.username, action: 'settings_changed', subject: `alert:${alertId}`, details: { tipAcknowledgement: body !== null } });
      });
    },

    async thankTipsters(alertId, text, officer) {
      if (!(await db.get('SELECT 1 AS x FROM alerts WHERE id = ?', [alertId]))) throw new TrykError('not_found', `No alert ${alertId}`);
      const body = text.trim();
      if (!body) throw new TrykError('bad_request', 'The thank-you is empty');
      if (analyzeSms(body).segments > 2) throw new TrykError('bad_request', 'The thank-you must fit in two SMS parts');
      const result = await db.transaction(async (tx) => {
        if (await tx.get("SELECT 1 AS x FROM sms_replies r JOIN tips t ON t.id = r.tip_id WHERE r.kind = 'tip_thanks' AND t.alert_id = ?", [alertId])) {
          throw new TrykError('conflict', 'The tipsters of this alert have already been thanked');
        }
        const senders = await tx.all<{ sender: string; gateway: string; tip_id: number }>(
          "SELECT sender, gateway, min(id) AS tip_id FROM tips WHERE alert_id = ? AND channel = 'sms' AND gateway IS NOT NULL AND flood = 0 GROUP BY sender",
          [alertId],
        );
        let queued = 0;
        for (const s of senders) {
          const r = await recordAnswer(tx, { kind: 'tip_thanks', phone: s.sender, gateway: s.gateway, language: 'da', vars: {}, text: body, tipId: s.tip_id, officer: officer.username, at: now() }, { answers: 0 });
          if (r.state === 'pending') queued++;
        }
        await appendAudit(tx, { at: now(), officer: officer.username, action: 'tip_replied', subject: `alert:${alertId}`, details: { thanks: queued, skipped: senders.length - queued } });
        return { queued, skipped: senders.length - queued };
      });
      if (result.queued > 0) onChange();
      return result;
    },

    async acknowledgement(alertId) {
      return (await db.get<{ tip_ack: string | null }>('SELECT tip_ack FROM alert_tip_settings WHERE alert_id = ?', [alertId]))?.tip_ack ?? null;
    },
  };
}
