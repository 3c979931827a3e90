/**
 * Durable intake of inbound messages, the first stage of the inbound pipeline:
 *
 *   gateway → take() → one transaction per batch: stored, parts joined, redeliveries and
 *   repeats recognised, routed (STOP / START+JA / HJÆLP / tip), answers recorded as intents
 *   → commit → the promise resolves → only then the connector acknowledges the SMSC.
 *
 * Batching is what makes 1,000 messages a second possible on an encrypted store: every
 * message that arrives while a transaction commits goes into the next one. A message that
 * fails on its own is rolled back to its savepoint and left unacknowledged (the SMSC tries it
 * again), without failing the rest of its batch.
 */
import type { Category } from '../../shared/registry/subscriber';
import { pointInMultiPolygon, pointInPolygon } from '../../shared/geo/pointInPolygon';
import { appendAudit } from '../audit/service';
import type { SettingsService } from '../config/settings';
import type { InboundSms } from '../gateways/gateway';
import { logFor } from '../log';
import type { Db, Queryable } from '../store/db';
import { routeMessage } from './keywords';
import type { Keywords } from './keywords';
import { answerText } from './answers';
import type { AnswerKind } from './answers';
import { cleanText } from './text';
// --- surveys ---
import { joinPanel } from '../surveys/panel';
import { takeSurveyAnswer } from '../surveys/service';

export type TipChannel = 'sms' | 'facebook' | 'x';

/** What a committed batch changed, for the events and the registry's listeners. */
export interface IntakeEffects {
  tips: number;
  /** Subscribers a keyword created, opted out or made active: the targeting index follows. */
  subscribers: number[];
  /** Answers recorded: the reply pump should look. */
  answers: number;
  /** --- surveys --- messages read as survey answers (or not) while a survey was open. */
  surveys?: number;
}

export interface IntakeOptions {
  db: Db;
  settings: SettingsService;
  now?: () => Date;
  onCommitted?: (effects: IntakeEffects) => void;
  /** Most messages in one transaction. */
  maxBatch?: number;
}

/** A social comment or reply as the social connectors hand it to the inbox. */
export interface SocialTip {
  channel: Exclude<TipChannel, 'sms'>;
  /** The platform's id of the comment: a second intake of the same id is ignored. */
  externalId: string;
  /** The author's handle (personal data, shown like a phone number: only when a tip is opened). */
  sender: string;
  text: string;
  receivedAt: Date;
  /** The alert whose post was commented on. */
  alertId: number | null;
}

export interface Intake {
  /** Resolves once the message is committed (stored once, routed); rejects if it could not be. */
  take(gateway: string, message: InboundSms): Promise<void>;
  /** A comment from a social channel into the tip inbox; null when it was already there. */
  takeSocial(tip: SocialTip): Promise<{ tipId: number | null }>;
  /**
   * Housekeeping, run every few seconds: parts that never completed become partial tips,
   * joined parts are forgotten, pending sign-ups expire, tips older than the retention go.
   */
  sweep(): Promise<{ partial: number; deleted: number }>;
  close(): Promise<void>;
}

export interface TipSettings {
  windowHours: number;
  repeatMinutes: number;
  floodPerMinute: number;
  partTimeoutMinutes: number;
  retentionDays: number;
  signupHours: number;
  keywords: Keywords;
}

export async function tipSettings(settings: SettingsService): Promise<TipSettings> {
  return {
    windowHours: await settings.get('tips.windowHours'),
    repeatMinutes: 10,
    floodPerMinute: await settings.get('tips.floodPerMinute'),
    partTimeoutMinutes: 10,
    retentionDays: await settings.get('tips.retentionDays'),
    signupHours: 24,
    keywords: await settings.get('tips.keywords'),
  };
}

/** Answers to one number: at most this many automatic ones an hour (a flooding sender gets none). */
export const AUTO_ANSWERS_PER_HOUR = 3;

interface Queued {
  gateway: string;
  message: InboundSms;
  resolve: () => void;
  reject: (e: unknown) => void;
}

const iso = (d: Date) => d.toISOString();

export function createIntake(opts: IntakeOptions): Intake {
  const { db } = opts;
  const now = opts.now ?? (() => new Date());
  const maxBatch = opts.maxBatch ?? 500;
  let queue: Queued[] = [];
  let running: Promise<void> | null = null;
  let closed = false;

  function take(gateway: string, message: InboundSms): Promise<void> {
    if (closed) return Promise.reject(new Error('intake closed'));
    return new Promise<void>((resolve, reject) => {
      queue.push({ gateway, message, resolve, reject });
      if (!running) running = drain();
    });
  }

  async function drain(): Promise<void> {
    // Let the messages of the same socket read arrive before the first transaction opens.
    await new Promise((r) => setImmediate(r));
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      await commitBatch(batch);
    }
    running = null;
  }

  async function commitBatch(batch: Queued[]): Promise<void> {
    let s: TipSettings;
    try {
      s = await tipSettings(opts.settings);
    } catch (e) {
      for (const item of batch) item.reject(e);
      return;
    }
    // The whole batch in one transaction; if that fails, each message alone, so one message
    // that cannot be stored is left to the SMSC without holding back the others.
    let effects: IntakeEffects = { tips: 0, subscribers: [], answers: 0 };
    const failed = new Map<Queued, unknown>();
    try {
      await db.transaction(async (tx) => {
        for (const item of batch) await intakeOne(tx, item.gateway, item.message, s, effects);
      });
    } catch {
      effects = { tips: 0, subscribers: [], answers: 0 };
      for (const item of batch) {
        const mine: IntakeEffects = { tips: 0, subscribers: [], answers: 0 };
        try {
          await db.transaction((tx) => intakeOne(tx, item.gateway, item.message, s, mine));
          effects.tips += mine.tips;
          effects.answers += mine.answers;
          effects.surveys = (effects.surveys ?? 0) + (mine.surveys ?? 0);
          effects.subscribers.push(...mine.subscribers);
        } catch (e) {
          failed.set(item, e);
        }
      }
    }
    for (const item of batch) {
      if (failed.has(item)) item.reject(failed.get(item));
      else item.resolve();
    }
    if (failed.size > 0) logFor('inbound').warn(`inbound: ${failed.size} message(s) could not be stored and were left for the SMSC to deliver again`);
    if (effects.tips + effects.subscribers.length + effects.answers + (effects.surveys ?? 0) > 0) opts.onCommitted?.(effects);
  }

  async function intakeOne(tx: Queryable, gateway: string, m: InboundSms, s: TipSettings, effects: IntakeEffects): Promise<void> {
    const at = m.receivedAt;
    const cleaned = m.binary ? { text: m.text.slice(0, 20_000), cut: false } : cleanText(m.text);
    let text = cleaned.text;
    let partial = false;

    if (m.concat) {
      const { reference, total, seq } = m.concat;
      if (!(total >= 2 && total <= 255 && seq >= 1 && seq <= total)) {
        // A part numbering that cannot be joined: kept as a partial message of its own.
        partial = true;
      } else {
        const r = await tx.run(
          `INSERT INTO inbound_parts (gateway, from_phone, to_address, reference, total, seq, text, binary, received_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
          [gateway, m.from, m.to, reference, total, seq, text, m.binary ? 1 : 0, iso(at)],
        );
        if (r.changes === 0) return; // a redelivered part
        const parts = await tx.all<{ seq: number; text: string; binary: number }>(
          'SELECT seq, text, binary FROM inbound_parts WHERE gateway = ? AND from_phone = ? AND reference = ? AND total = ? AND inbound_id IS NULL ORDER BY seq',
          [gateway, m.from, reference, total],
        );
        if (parts.length < total) return; // stored; the whole waits for the rest
        text = parts.map((p) => p.text).join('');
        const binary = parts.some((p) => p.binary === 1);
        const id = await storeWhole(tx, gateway, { ...m, binary, smscId: undefined }, binary ? text : cleanText(text).text, false, s, effects);
        await tx.run('UPDATE inbound_parts SET inbound_id = ? WHERE gateway = ? AND from_phone = ? AND reference = ? AND total = ?', [
          id ?? 0,
          gateway,
          m.from,
          reference,
          total,
        ]);
        return;
      }
    }
    await storeWhole(tx, gateway, m, text, partial, s, effects);
  }

  /** Stores a whole message once and routes it; returns its row id (null for a redelivery). */
  async function storeWhole(tx: Queryable, gateway: string, m: InboundSms, text: string, partial: boolean, s: TipSettings, effects: IntakeEffects): Promise<number | null> {
    const at = m.receivedAt;
    if (m.smscId) {
      const seen = await tx.get<{ id: number }>('SELECT id FROM inbound_messages WHERE gateway = ? AND smsc_id = ?', [gateway, m.smscId]);
      if (seen) return null;
    }
    // The same text from the same number within the repeat window counts once: an SMSC's
    // redelivery without an id, or a citizen pressing send twice.
    const since = iso(new Date(at.getTime() - s.repeatMinutes * 60_000));
    const repeat = await tx.get<{ id: number }>(
      'SELECT id FROM inbound_messages WHERE from_phone = ? AND text = ? AND received_at >= ? AND gateway = ? ORDER BY id DESC LIMIT 1',
      [m.from, text, since, gateway],
    );
    if (repeat) {
      await tx.run('UPDATE inbound_messages SET repeats = repeats + 1 WHERE id = ?', [repeat.id]);
      await tx.run('UPDATE tips SET repeats = repeats + 1 WHERE inbound_id = ?', [repeat.id]);
      return repeat.id;
    }
    const routed = m.binary || partial ? ({ kind: 'tip' } as const) : routeMessage(text, s.keywords);
    if (routed.kind === 'tip') {
      // --- surveys --- a recipient of an open survey answers it; what is not an answer stays a tip.
      if (!m.binary && !partial) {
        const answered = await surveyAnswer(tx, gateway, m, text, effects);
        if (answered !== null) return answered;
      }
      return storeTip(tx, gateway, m, text, partial, s, effects, null);
    }
    const kind = routed.kind;
    const { lastID: inboundId } = await tx.run(
      `INSERT INTO inbound_messages (gateway, from_phone, to_address, text, received_at, smsc_id, binary, kind, handled)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)`,
      [gateway, m.from, m.to, text, iso(at), m.smscId ?? null, m.binary ? 1 : 0, kind],
    );
    const subscriber = await tx.get<{ id: number; status: string; language: 'da' | 'en' }>('SELECT id, status, language FROM subscribers WHERE phone = ?', [m.from]);
    const language = subscriber?.language ?? 'da';
    const answer = (k: AnswerKind, vars: Record<string, string> = {}) => recordAnswer(tx, { kind: k, phone: m.from, gateway, language, vars, at: now() }, effects);

    switch (routed.kind) {
      case 'stop': {
        // Opted out at once; the one answer an opted-out number can get is this confirmation.
        if (subscriber && subscriber.status !== 'opted_out') {
          await tx.run("UPDATE subscribers SET status = 'opted_out', updated_at = ? WHERE id = ?", [iso(now()), subscriber.id]);
          await appendAudit(tx, { at: now(), officer: null, action: 'opted_out', subject: `subscriber:${subscriber.id}`, details: { via: 'sms', keyword: routed.word.slice(0, 20) } });
          effects.subscribers.push(subscriber.id);
          await answer('stop_confirm');
        }
        await tx.run('DELETE FROM sms_signups WHERE phone = ?', [m.from]);
        return inboundId;
      }
      case 'start': {
        if (subscriber?.status === 'active') {
          await answer('already_active');
          return inboundId;
        }
        if (!/^\+\d{8,15}$/.test(m.from)) return inboundId; // an alphanumeric sender cannot sign up
        const code = routed.postcode;
        if (code === null && !subscriber) {
          await answer('signup_needs_postcode');
          return inboundId;
        }
        let place: { lat: number; lon: number } | null = null;
        if (code !== null) {
          place = await postcodePoint(tx, code);
          if (!place) {
            await answer('signup_unknown_postcode', { postcode: code.slice(0, 10) });
            return inboundId;
          }
        }
        await tx.run(
          `INSERT INTO sms_signups (phone, postcode, lat, lon, requested_at, gateway) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (phone) DO UPDATE SET postcode = excluded.postcode, lat = excluded.lat, lon = excluded.lon,
             requested_at = excluded.requested_at, gateway = excluded.gateway`,
          [m.from, code, place?.lat ?? null, place?.lon ?? null, iso(at), gateway],
        );
        await answer('signup_confirm', { postcode: code ?? '' });
        return inboundId;
      }
      case 'confirm': {
        const since = iso(new Date(at.getTime() - s.signupHours * 3_600_000));
        const pending = await tx.get<{ postcode: string | null; lat: number | null; lon: number | null }>(
          'SELECT postcode, lat, lon FROM sms_signups WHERE phone = ? AND requested_at >= ?',
          [m.from, since],
        );
        if (!pending) break;
        await tx.run('DELETE FROM sms_signups WHERE phone = ?', [m.from]);
        const t = iso(now());
        let id = subscriber?.id;
        if (id === undefined) {
          id = (
            await tx.run(
              `INSERT INTO subscribers (phone, language, status, consent_at, consent_method, consent_text_version, created_at, updated_at)
               VALUES (?, 'da', 'active', ?, 'sms', ?, ?, ?)`,
              [m.from, t, SIGNUP_TEXT_VERSION, t, t],
            )
          ).lastID;
          const citizens = await tx.get<{ id: number }>("SELECT id FROM groups WHERE code = 'citizen'");
          if (citizens) await tx.run('INSERT INTO subscriber_groups (subscriber_id, group_id) VALUES (?, ?)', [id, citizens.id]);
          for (const c of SIGNUP_CATEGORIES) await tx.run('INSERT INTO subscriber_categories (subscriber_id, category) VALUES (?, ?)', [id, c]);
        } else {
          await tx.run("UPDATE subscribers SET status = 'active', consent_at = ?, consent_method = 'sms', consent_text_version = ?, updated_at = ? WHERE id = ?", [
            t,
            SIGNUP_TEXT_VERSION,
            t,
            id,
          ]);
        }
        if (pending.lat !== null && pending.lon !== null) {
          await tx.run("DELETE FROM places WHERE subscriber_id = ? AND kind = 'home'", [id]);
          await tx.run("INSERT INTO places (subscriber_id, kind, address, lat, lon) VALUES (?, 'home', ?, ?, ?)", [id, `Postnummer ${pending.postcode}`, pending.lat, pending.lon]);
        }
        await appendAudit(tx, { at: now(), officer: null, action: 'signed_up', subject: `subscriber:${id}`, details: { via: 'sms', postcode: pending.postcode } });
        effects.subscribers.push(id);
        await answer('signup_done');
        return inboundId;
      }
      case 'help':
        if (subscriber?.status !== 'opted_out') await answer('help');
        return inboundId;
      // --- surveys --- PANEL: an active subscriber joins the citizen panel.
      case 'panel': {
        if (!subscriber || subscriber.status === 'opted_out') {
          if (!subscriber) await answer('panel_needs_signup');
          return inboundId;
        }
        const joined = await joinPanel(tx, subscriber.id);
        if (joined) {
          await appendAudit(tx, { at: now(), officer: null, action: 'panel_joined', subject: `subscriber:${subscriber.id}`, details: { via: 'sms' } });
          effects.subscribers.push(subscriber.id);
        }
        await answer(joined ? 'panel_joined' : 'panel_already');
        return inboundId;
      }
    }
    // "JA" with no sign-up waiting is an answer to an open survey, or to an alert: a tip.
    const survey = await takeSurveyAnswer(tx, m.from, text, at);
    if (survey) effects.surveys = (effects.surveys ?? 0) + 1;
    if (survey?.kind === 'answered') {
      await tx.run("UPDATE inbound_messages SET kind = 'survey' WHERE id = ?", [inboundId]);
      return inboundId;
    }
    await tx.run("UPDATE inbound_messages SET kind = 'tip' WHERE id = ?", [inboundId]);
    return storeTip(tx, gateway, m, text, partial, s, effects, inboundId);
  }

  /** --- surveys --- A survey answer stored as an inbound message of kind 'survey'; null: not one. */
  async function surveyAnswer(tx: Queryable, gateway: string, m: InboundSms, text: string, effects: IntakeEffects): Promise<number | null> {
    const taken = await takeSurveyAnswer(tx, m.from, text, m.receivedAt);
    if (!taken) return null;
    effects.surveys = (effects.surveys ?? 0) + 1;
    if (taken.kind === 'invalid') return null;
    const { lastID } = await tx.run(
      `INSERT INTO inbound_messages (gateway, from_phone, to_address, text, received_at, smsc_id, binary, kind, handled) VALUES (?, ?, ?, ?, ?, ?, 0, 'survey', 1)`,
      [gateway, m.from, m.to, text, iso(m.receivedAt), m.smscId ?? null],
    );
    return lastID;
  }

  /** A tip, tied to the most recent alert that reached this number within the window. */
  async function storeTip(tx: Queryable, gateway: string, m: InboundSms, text: string, partial: boolean, s: TipSettings, effects: IntakeEffects, stored: number | null): Promise<number> {
    const at = m.receivedAt;
    const reached = await tx.get<{ alert_id: number; updated_at: number; tip_ack: string | null }>(
      `SELECT a.id AS alert_id, o.updated_at, ts.tip_ack FROM outbox o
         JOIN sends s ON s.id = o.send_id
         JOIN alerts a ON a.id = CAST(substr(s.alert_ref, 7) AS INTEGER)
         LEFT JOIN alert_tip_settings ts ON ts.alert_id = a.id
        WHERE o.phone = ? AND o.state IN ('delivered', 'accepted') AND o.updated_at >= ? AND s.alert_ref LIKE 'alert:%'
        ORDER BY o.updated_at DESC LIMIT 1`,
      [m.from, at.getTime() - s.windowHours * 3_600_000],
    );
    const alertId = reached?.alert_id ?? null;
    // More than N a minute from one number: kept, grouped as a flood, never answered.
    // Counted up to the limit only, so a flood of thousands costs the same per message.
    const minuteAgo = iso(new Date(at.getTime() - 60_000));
    const lastMinute = await tx.get<{ n: number }>(
      'SELECT count(*) AS n FROM (SELECT 1 FROM tips WHERE sender = ? AND flood IN (0, 1) AND received_at >= ? LIMIT ?)',
      [m.from, minuteAgo, s.floodPerMinute],
    );
    const flood = (lastMinute?.n ?? 0) >= s.floodPerMinute;
    if (flood) await tx.run('UPDATE tips SET flood = 1 WHERE sender = ? AND flood = 0 AND received_at >= ?', [m.from, minuteAgo]);
    let inboundId = stored;
    if (inboundId === null) {
      inboundId = (
        await tx.run(
          `INSERT INTO inbound_messages (gateway, from_phone, to_address, text, received_at, smsc_id, binary, kind, handled, alert_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`,
          [gateway, m.from, m.to, text, iso(at), m.smscId ?? null, m.binary ? 1 : 0, partial ? 'partial' : 'tip', alertId],
        )
      ).lastID;
    } else if (alertId !== null) {
      await tx.run('UPDATE inbound_messages SET alert_id = ? WHERE id = ?', [alertId, inboundId]);
    }
    const { lastID: tipId } = await tx.run(
      `INSERT INTO tips (inbound_id, channel, sender, gateway, text, binary, partial, received_at, alert_id, reached_at, flood, updated_at)
       VALUES (?, 'sms', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [inboundId, m.from, gateway, text, m.binary ? 1 : 0, partial ? 1 : 0, iso(at), alertId, reached ? iso(new Date(reached.updated_at)) : null, flood ? 1 : 0, iso(now())],
    );
    effects.tips++;
    // The automatic acknowledgement an alert may ask for ("Tak for dit tip …"); recordAnswer
    // refuses opted-out numbers and applies the per-number limit.
    if (reached?.tip_ack && !flood) {
      const language = (await tx.get<{ language: 'da' | 'en' }>('SELECT language FROM subscribers WHERE phone = ?', [m.from]))?.language ?? 'da';
      await recordAnswer(tx, { kind: 'tip_ack', phone: m.from, gateway, language, vars: {}, text: reached.tip_ack, tipId, at: now() }, effects);
    }
    return inboundId;
  }

  async function takeSocial(tip: SocialTip): Promise<{ tipId: number | null }> {
    const { text } = cleanText(tip.text);
    const effects: IntakeEffects = { tips: 0, subscribers: [], answers: 0 };
    const tipId = await db.transaction(async (tx) => {
      const seen = await tx.get('SELECT id FROM tips WHERE channel = ? AND external_id = ?', [tip.channel, tip.externalId]);
      if (seen) return null;
      const alertOk = tip.alertId !== null && (await tx.get('SELECT 1 AS x FROM alerts WHERE id = ?', [tip.alertId])) !== undefined;
      const r = await tx.run(
        `INSERT INTO tips (channel, external_id, sender, text, received_at, alert_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [tip.channel, tip.externalId.slice(0, 200), tip.sender.slice(0, 200), text, iso(tip.receivedAt), alertOk ? tip.alertId : null, iso(now())],
      );
      effects.tips++;
      return r.lastID;
    });
    if (tipId !== null) opts.onCommitted?.(effects);
    return { tipId };
  }

  async function sweep(): Promise<{ partial: number; deleted: number }> {
    const s = await tipSettings(opts.settings);
    const t = now();
    const effects: IntakeEffects = { tips: 0, subscribers: [], answers: 0 };
    let partialCount = 0;
    const stale = iso(new Date(t.getTime() - s.partTimeoutMinutes * 60_000));
    const groups = await db.all<{ gateway: string; from_phone: string; to_address: string; reference: number; total: number; first: string }>(
      `SELECT gateway, from_phone, to_address, reference, total, min(received_at) AS first FROM inbound_parts
        WHERE inbound_id IS NULL GROUP BY gateway, from_phone, reference, total HAVING max(received_at) < ? LIMIT 200`,
      [stale],
    );
    for (const g of groups) {
      await db.transaction(async (tx) => {
        const parts = await tx.all<{ seq: number; text: string; binary: number }>(
          'SELECT seq, text, binary FROM inbound_parts WHERE gateway = ? AND from_phone = ? AND reference = ? AND total = ? AND inbound_id IS NULL ORDER BY seq',
          [g.gateway, g.from_phone, g.reference, g.total],
        );
        if (parts.length === 0) return;
        // What arrived, in order, with a mark where a part is missing.
        const bySeq = new Map(parts.map((p) => [p.seq, p.text]));
        const text = Array.from({ length: g.total }, (_, i) => bySeq.get(i + 1) ?? ' […] ').join('');
        const id = await storeWhole(
          tx,
          g.gateway,
          { from: g.from_phone, to: g.to_address, text, receivedAt: new Date(g.first), binary: parts.some((p) => p.binary === 1) },
          text,
          true,
          s,
          effects,
        );
        await tx.run('UPDATE inbound_parts SET inbound_id = ? WHERE gateway = ? AND from_phone = ? AND reference = ? AND total = ?', [
          id ?? 0,
          g.gateway,
          g.from_phone,
          g.reference,
          g.total,
        ]);
        partialCount++;
      });
    }
    // Joined parts are kept an hour so that a late redelivery is still recognised.
    await db.run('DELETE FROM inbound_parts WHERE inbound_id IS NOT NULL AND received_at < ?', [iso(new Date(t.getTime() - 3_600_000))]);
    await db.run('DELETE FROM sms_signups WHERE requested_at < ?', [iso(new Date(t.getTime() - s.signupHours * 3_600_000))]);
    let deleted = 0;
    const cutoff = iso(new Date(t.getTime() - s.retentionDays * 86_400_000));
    const old = await db.get<{ n: number }>('SELECT count(*) AS n FROM inbound_messages WHERE received_at < ?', [cutoff]);
    const oldTips = await db.get<{ n: number }>('SELECT count(*) AS n FROM tips WHERE received_at < ?', [cutoff]);
    if ((old?.n ?? 0) + (oldTips?.n ?? 0) > 0) {
      await db.transaction(async (tx) => {
        // Each alert keeps its tip counts (tips, useful, the first tip's time) for the reports.
        await tx.run(
          `INSERT INTO alert_tip_counts (alert_id, tips, useful, first_tip_at)
             SELECT t.alert_id, count(*), sum(t.state = 'useful'), min(t.received_at) FROM tips t JOIN alerts a ON a.id = t.alert_id
              WHERE t.received_at < ? GROUP BY t.alert_id
           ON CONFLICT (alert_id) DO UPDATE SET tips = tips + excluded.tips, useful = useful + excluded.useful,
             first_tip_at = min(coalesce(first_tip_at, excluded.first_tip_at), coalesce(excluded.first_tip_at, first_tip_at))`,
          [cutoff],
        );
        await tx.run('DELETE FROM tips WHERE received_at < ?', [cutoff]);
        await tx.run('DELETE FROM inbound_messages WHERE received_at < ?', [cutoff]);
        await tx.run('DELETE FROM inbound_parts WHERE received_at < ?', [cutoff]);
        await tx.run("DELETE FROM sms_replies WHERE created_at < ? AND state <> 'pending'", [cutoff]);
        await appendAudit(tx, { at: t, officer: null, action: 'tips_deleted', subject: 'tips', details: { tips: oldTips?.n ?? 0, messages: old?.n ?? 0, olderThanDays: s.retentionDays } });
      });
      deleted = oldTips?.n ?? 0;
    }
    if (effects.tips + effects.answers > 0 || deleted > 0) opts.onCommitted?.({ ...effects, tips: effects.tips + deleted });
    return { partial: partialCount, deleted };
  }

  return {
    take,
    takeSocial,
    sweep,
    async close() {
      closed = true;
      await running;
    },
  };
}

/** The version of the consent text a "JA" agrees to (the sign-up question's wording). */
export const SIGNUP_TEXT_VERSION = 'sms-2026-1';
const SIGNUP_CATEGORIES: readonly Category[] = [];

/** A point inside the postcode's area (its bounding box's centre when that is inside, else a vertex). */
async function postcodePoint(q: Queryable, code: string): Promise<{ lat: number; lon: number } | null> {
  if (!/^\d{4}$/.test(code)) return null;
  const row = await q.get<{ geometry: string; min_lon: number; min_lat: number; max_lon: number; max_lat: number }>(
    "SELECT geometry, min_lon, min_lat, max_lon, max_lat FROM boundaries WHERE kind = 'postcode' AND code = ?",
    [code],
  );
  if (!row) return null;
  const g = JSON.parse(row.geometry) as { type: 'Polygon'; coordinates: [number, number][][] } | { type: 'MultiPolygon'; coordinates: [number, number][][][] };
  const inside = (lon: number, lat: number) => (g.type === 'Polygon' ? pointInPolygon(lon, lat, g.coordinates) : pointInMultiPolygon(lon, lat, g.coordinates));
  // The bounding box's centre when it is inside (most postcodes), else the first inside point
  // of a grid over the box, nearest the centre first.
  const points: [number, number][] = [];
  for (let i = 0; i <= 8; i++) for (let j = 0; j <= 8; j++) points.push([row.min_lon + ((row.max_lon - row.min_lon) * i) / 8, row.min_lat + ((row.max_lat - row.min_lat) * j) / 8]);
  const cx = (row.min_lon + row.max_lon) / 2;
  const cy = (row.min_lat + row.max_lat) / 2;
  points.sort((a, b) => Math.hypot(a[0] - cx, a[1] - cy) - Math.hypot(b[0] - cx, b[1] - cy));
  const found = points.find(([lon, lat]) => inside(lon, lat));
  if (found) return { lon: found[0], lat: found[1] };
  const first = g.type === 'Polygon' ? g.coordinates[0]?.[0] : g.coordinates[0]?.[0]?.[0];
  return first ? { lon: first[0], lat: first[1] } : null;
}

/**
 * Records an answer to a citizen as an intent (sms_replies), or as suppressed with the reason:
 * at most AUTO_ANSWERS_PER_HOUR automatic answers to one number an hour, none to an opted-out
 * number except the STOP confirmation. The reply pump hands pending intents to the engine.
 */
export async function recordAnswer(
  q: Queryable,
  a: { kind: AnswerKind; phone: string; gateway: string; language: 'da' | 'en'; vars: Record<string, string>; text?: string; tipId?: number; officer?: string; at: Date },
  effects: { answers: number },
): Promise<{ id: number; state: 'pending' | 'suppressed'; reason: string | null }> {
  const text = a.text ?? answerText(a.kind, a.language, a.vars);
  const stored = storedKind(a.kind);
  let reason: string | null = null;
  if (!/^\+[1-9]\d{6,14}$/.test(a.phone)) reason = 'not_a_phone_number';
  const status = (await q.get<{ status: string }>('SELECT status FROM subscribers WHERE phone = ?', [a.phone]))?.status;
  if (!reason && status === 'opted_out' && a.kind !== 'stop_confirm') reason = 'opted_out';
  if (!reason && a.kind !== 'tip_reply' && a.kind !== 'tip_thanks') {
    const recent = await q.get<{ n: number }>(
      "SELECT count(*) AS n FROM sms_replies WHERE phone = ? AND created_at >= ? AND state <> 'suppressed' AND kind NOT IN ('tip_reply', 'tip_thanks')",
      [a.phone, new Date(a.at.getTime() - 3_600_000).toISOString()],
    );
    if ((recent?.n ?? 0) >= AUTO_ANSWERS_PER_HOUR) reason = 'rate_limited';
  }
  const r = await q.run(
    'INSERT INTO sms_replies (kind, phone, gateway, text, tip_id, officer, created_at, state, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [stored, a.phone, a.gateway, text, a.tipId ?? null, a.officer ?? null, a.at.toISOString(), reason ? 'suppressed' : 'pending', reason],
  );
  if (!reason) effects.answers++;
  return { id: r.lastID, state: reason ? 'suppressed' : 'pending', reason };
}

function storedKind(kind: AnswerKind): string {
  switch (kind) {
    case 'already_active':
    case 'help':
    case 'panel_already':
      return 'help';
    // --- surveys --- stored under the kinds migration 0013 allows.
    case 'panel_joined':
      return 'signup_done';
    case 'panel_needs_signup':
      return 'signup_refused';
    case 'signup_needs_postcode':
    case 'signup_unknown_postcode':
      return 'signup_refused';
    default:
      return kind;
  }
}
