/**
 * A year of plausible history for the demo store, so the Evaluering screen shows something
 * true to the data on a first start: when each synthetic subscriber signed up (most before
 * the year, the rest through it) and who left; about three alerts a week in the district,
 * each approved, released and delivered through the simulator's reasons and delays, written
 * as the dispatch engine writes them (sends, outbox, parts, log); citizens' replies tied to
 * their alert; "case closed" follow-ups; and outcomes for most older alerts.
 *
 * Everything is drawn from a seeded generator, so a seed gives the same history. The rows
 * are those the live console writes, so every figure is computed by the same code as for
 * real sends (electron/reports/figures.ts).
 */
import { randomUUID } from 'node:crypto';
import { analyzeSms } from '../../shared/sms';
import type { Category } from '../../shared/registry/subscriber';
import type { TargetArea } from '../../shared/targeting/area';
import { insertMany } from '../store/db';
import type { Db, Param } from '../store/db';
import type { TargetingClient } from '../targeting/client';
import { sfc32 } from './synthesize';

const DAY = 86_400_000;

export interface HistoryOptions {
  db: Db;
  /** Built after the subscribers' history is written, so it sees who has left. */
  targeting(): Promise<Pick<TargetingClient, 'selectRecipients'>>;
  now: Date;
  seed: number;
  /** Officer ids: the operator who drafts and the shift leader who approves. */
  operator: number;
  approver: number;
  gateway: string;
  /** Alerts per week on average. */
  alertsPerWeek?: number;
  progress?: (line: string) => void;
}

export interface HistoryStats {
  alerts: number;
  followUps: number;
  messages: number;
  tips: number;
  outcomes: number;
  signupsInYear: number;
  optOuts: number;
}

const CATEGORY_WEIGHTS: [Category, number][] = [
  ['burglary', 0.34],
  ['wanted_vehicle', 0.14],
  ['missing_person', 0.1],
  ['fraud', 0.12],
  ['wanted_person', 0.08],
  ['traffic', 0.08],
  ['prevention', 0.12],
  ['general', 0.02],
];

const TEXTS: Record<Category, string> = {
  burglary: 'Politiet: Indbrud i området i aftes. Lås døre og vinduer, og ring 114 hvis du har set noget mistænkeligt. Svar på denne SMS med dit tip.',
  wanted_vehicle: 'Politiet: Vi efterlyser en grå varebil set ved flere indbrud i området. Ring 114 eller svar på denne SMS, hvis du ser den.',
  missing_person: 'Politiet: Vi leder efter en 82-årig mand, 175 cm, grå jakke, sidst set i området i formiddags. Ring 114 eller svar på denne SMS.',
  fraud: 'Politiet: Falske håndværkere ringer på i området. Luk ikke fremmede ind, og ring 114 hvis du bliver kontaktet.',
  wanted_person: 'Politiet: Vi efterlyser en mand i mørkt tøj efter et røveri i området. Kontakt ham ikke; ring 112 eller svar på denne SMS.',
  traffic: 'Politiet: Vejen gennem området er spærret efter et færdselsuheld. Forvent forsinkelser de næste timer.',
  prevention: 'Politiet: Flere indbrud i skumringen i denne tid. Tænd lys, lås døre og hjælp din nabo. Tak fordi du holder øje.',
  general: 'Politiet informerer: Øvelse i området i dag. Der er ingen grund til bekymring.',
};

const CLOSE_TEXT = 'Politiet: Sagen er afsluttet. Tak for jeres hjælp og de mange tips.';

const TIP_TEXTS = [
  'Jeg så en grå varebil køre langsomt rundt ved skolen i går aftes.',
  'Der stod to mænd ved carporten på nabogrunden omkring kl. 22.',
  'Har set en ældre mand i grå jakke ved stationen for en halv time siden.',
  'Min nabo har også fået besøg af de falske håndværkere.',
  'Bilen holdt på P-pladsen ved Netto, nummerplade begynder med AB.',
  'Hørte glas blive knust ved 2-tiden i nat på Kirkevej.',
  'Tak for beskeden, vi holder øje her på vejen.',
];

/** Rate of replies per recipient, by category: people answer a missing person far more than advice. */
const TIP_RATE: Record<Category, number> = {
  burglary: 0.002,
  wanted_vehicle: 0.003,
  missing_person: 0.006,
  fraud: 0.001,
  wanted_person: 0.003,
  traffic: 0.0002,
  prevention: 0.0002,
  general: 0.0001,
};

function pick<T>(rnd: () => number, weighted: [T, number][]): T {
  let x = rnd() * weighted.reduce((a, [, w]) => a + w, 0);
  for (const [v, w] of weighted) if ((x -= w) <= 0) return v;
  return weighted[weighted.length - 1]![0];
}

/** An exponential draw with the given mean. */
const exp = (rnd: () => number, mean: number) => -Math.log(1 - rnd()) * mean;

export async function writeHistory(opts: HistoryOptions): Promise<HistoryStats> {
  const { db, seed } = opts;
  const rnd = sfc32(seed ^ 0x5eed);
  const nowMs = opts.now.getTime();
  const yearStart = nowMs - 365 * DAY;
  const iso = (ms: number) => new Date(ms).toISOString();
  const stats: HistoryStats = { alerts: 0, followUps: 0, messages: 0, tips: 0, outcomes: 0, signupsInYear: 0, optOuts: 0 };

  // --- who signed up when, and who left --------------------------------------------------
  const subs = await db.all<{ id: number; phone: string; status: string }>('SELECT id, phone, status FROM subscribers ORDER BY id');
  const joined = new Map<number, number>();
  const left = new Map<number, number>();
  const phone = new Map<number, string>();
  const joinRows: Param[][] = [];
  const leaveRows: [number, number][] = [];
  for (const s of subs) {
    phone.set(s.id, s.phone);
    // Most joined in the service's earlier years; through the year sign-ups grow a little.
    const inYear = rnd() < 0.3;
    const t = inYear ? yearStart + Math.sqrt(rnd()) * (nowMs - yearStart - DAY) : yearStart - rnd() * 3 * 365 * DAY;
    joined.set(s.id, t);
    if (inYear) stats.signupsInYear++;
    joinRows.push([iso(t), iso(t), iso(t), s.id]);
    if (s.status === 'active' && rnd() < 0.045) {
      const out = Math.max(t, yearStart) + rnd() * (nowMs - Math.max(t, yearStart));
      left.set(s.id, out);
      leaveRows.push([s.id, out]);
    }
  }
  await db.transaction(async (tx) => {
    await tx.runMany('UPDATE subscribers SET consent_at = ?, created_at = ?, updated_at = ? WHERE id = ?', joinRows);
    await tx.run("UPDATE subscriber_events SET at = (SELECT s.consent_at FROM subscribers s WHERE s.id = subscriber_events.subscriber_id) WHERE kind = 'signup'");
    // The opt-out trigger dates the event by the row's new update time.
    await tx.runMany("UPDATE subscribers SET status = 'opted_out', updated_at = ? WHERE id = ?", leaveRows.map(([id, t]) => [iso(t), id]));
  });
  stats.optOuts = leaveRows.length;
  const targeting = await opts.targeting();
  opts.progress?.(`History: ${stats.signupsInYear.toLocaleString('en')} sign-ups and ${stats.optOuts.toLocaleString('en')} opt-outs in the year.`);

  // --- alerts -----------------------------------------------------------------------------
  const homes = await db.all<{ lat: number; lon: number }>("SELECT lat, lon FROM places WHERE kind = 'home' ORDER BY id");
  if (homes.length === 0) return stats;
  const count = Math.round(((opts.alertsPerWeek ?? 3) * 365) / 7);
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const day = yearStart + Math.floor(rnd() * 364) * DAY;
    const hour = 7 + rnd() * 15; // mostly daytime and evening
    times.push(day + hour * 3_600_000);
  }
  times.sort((a, b) => a - b);
  let alertId = ((await db.get<{ m: number | null }>('SELECT max(id) AS m FROM alerts'))?.m ?? 0) + 1;
  let sendId = ((await db.get<{ m: number | null }>('SELECT max(id) AS m FROM sends'))?.m ?? 0) + 1;
  let outboxId = ((await db.get<{ m: number | null }>('SELECT max(id) AS m FROM outbox'))?.m ?? 0) + 1;

  const writeAlert = async (a: {
    kind: 'alert' | 'close';
    parent: number | null;
    category: Category;
    text: string;
    area: TargetArea;
    releasedMs: number;
    recipients: readonly number[];
    status: 'sent' | 'closed';
  }): Promise<{ id: number; tips: number }> => {
    const id = alertId++;
    const sms = analyzeSms(a.text);
    const urgent = a.category === 'missing_person' || a.category === 'wanted_person';
    const t = a.releasedMs;
    const sid = sendId++;
    // The simulator's pace (500/s) and receipt delays; 2 % failed, 1.5 % expired.
    const outbox: Param[][] = [];
    const parts: Param[][] = [];
    let lastMs = t;
    const delivered: number[] = [];
    a.recipients.forEach((sub, i) => {
      const oid = outboxId++;
      const submitted = t + (i / 500) * 1000 + 40;
      const x = rnd();
      let state: string, reason: string | null, at: number;
      if (x < 0.02) [state, reason, at] = ['failed', rnd() < 0.7 ? 'UNDELIV:027' : 'REJECTD:069', submitted + 1500 + exp(rnd, 4000)];
      else if (x < 0.035) [state, reason, at] = ['expired', rnd() < 0.5 ? 'EXPIRED' : 'NO_RECEIPT', t + 240 * 60_000 + (rnd() < 0.5 ? 0 : 600_000)];
      else {
        [state, reason, at] = ['delivered', null, submitted + 800 + exp(rnd, rnd() < 0.05 ? 120_000 : 3_000)];
        delivered.push(sub);
      }
      at = Math.round(at);
      lastMs = Math.max(lastMs, at);
      outbox.push([oid, sid, sub, phone.get(sub) ?? '', state, 1, Math.round(submitted), opts.gateway, reason, at]);
      for (let p = 1; p <= sms.segments; p++) parts.push([opts.gateway, `demo-${sid}-${oid}-${p}`, oid, state === 'delivered' ? 'delivered' : state, reason]);
    });
    const created = t - (10 + rnd() * 30) * 60_000;
    const submitted = t - (4 + rnd() * 6) * 60_000;
    const approved = t - rnd() * 3 * 60_000;
    let tipCount = 0;
    await db.transaction(async (tx) => {
      await tx.run(
        `INSERT INTO alerts (id, uuid, kind, parent_id, category, language, fields, sms_text, social_text, urgency, area, status, revision, needs_approval,
           recipient_estimate, created_by, last_edited_by, submitted_by, submitted_at, approved_by, approved_at, approved_revision, released_at, sent_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'da', '{}', ?, '', ?, ?, ?, 1, 1, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)`,
        [id, randomUUID(), a.kind, a.parent, a.category, a.text, urgent ? 'urgent' : 'routine', JSON.stringify(a.area), a.status, a.recipients.length,
          opts.operator, opts.operator, opts.operator, iso(submitted), opts.approver, iso(approved), iso(t), iso(lastMs), iso(created), iso(lastMs)],
      );
      await insertMany(tx, 'INSERT INTO alert_recipients (alert_id, subscriber_id)', 2, a.recipients.map((r) => [id, r]));
      await tx.run(
        `INSERT INTO sends (id, alert_ref, text, encoding, segments, priority, state, primary_gateway, active_gateway, validity_minutes, recipients, created_at, released_at, finished_at)
         VALUES (?, ?, ?, ?, ?, ?, 'done', ?, ?, 240, ?, ?, ?, ?)`,
        [sid, `alert:${id}`, a.text, sms.encoding, sms.segments, urgent ? 'urgent' : 'routine', opts.gateway, opts.gateway, a.recipients.length, iso(t), iso(t), iso(lastMs)],
      );
      await insertMany(tx, 'INSERT INTO outbox (id, send_id, subscriber_id, phone, state, attempts, next_attempt_at, gateway, reason_code, updated_at)', 10, outbox);
      await insertMany(tx, 'INSERT INTO outbox_parts (gateway, message_id, outbox_id, state, reason_code)', 5, parts);
      await tx.run("INSERT INTO send_log (send_id, at, kind, count) VALUES (?, ?, 'released', ?), (?, ?, 'done', NULL)", [sid, iso(t), a.recipients.length, sid, iso(lastMs)]);
      // Replies from recipients, most within the first hour, tied to the alert: stored as the
      // tips domain's intake stores them (the inbound message, then the tip).
      const expected = delivered.length * (a.kind === 'close' ? 0.0005 : TIP_RATE[a.category]);
      const n = Math.floor(expected + rnd());
      const tips: { from: number; at: number; text: string }[] = [];
      for (let k = 0; k < n && delivered.length; k++) {
        const at = t + 60_000 + exp(rnd, 45 * 60_000);
        if (at <= nowMs) tips.push({ from: delivered[Math.floor(rnd() * delivered.length)]!, at, text: TIP_TEXTS[Math.floor(rnd() * TIP_TEXTS.length)]! });
      }
      for (const tip of tips) {
        const from = phone.get(tip.from) ?? '';
        const inbound = await tx.run(
          "INSERT INTO inbound_messages (gateway, from_phone, to_address, text, received_at, alert_id, kind, handled) VALUES (?, ?, '1919', ?, ?, ?, 'tip', 1)",
          [opts.gateway, from, tip.text, iso(tip.at), id],
        );
        await tx.run(
          `INSERT INTO tips (inbound_id, channel, sender, gateway, text, received_at, alert_id, reached_at, state, updated_at)
           VALUES (?, 'sms', ?, ?, ?, ?, ?, ?, ?, ?)`,
          [inbound.lastID, from, opts.gateway, tip.text, iso(tip.at), id, iso(t), nowMs - tip.at > 7 * DAY ? 'closed' : 'new', iso(tip.at)],
        );
      }
      tipCount = tips.length;
    });
    stats.messages += a.recipients.length;
    stats.tips += tipCount;
    return { id, tips: tipCount };
  };

  for (const t of times) {
    const category = pick(rnd, CATEGORY_WEIGHTS);
    const home = homes[Math.floor(rnd() * homes.length)]!;
    const radiusM = Math.round((category === 'missing_person' ? 2500 : category === 'prevention' ? 4000 : 1000) + rnd() * 2500);
    const area: TargetArea = { parts: [{ mode: 'include', shape: { type: 'circle', center: [Math.round(home.lon * 1e5) / 1e5, Math.round(home.lat * 1e5) / 1e5], radiusM } }] };
    const selected = await targeting.selectRecipients(area, { statuses: ['active', 'opted_out'] });
    if (!selected.ok) continue;
    // Only those subscribed at the time: joined before it and not yet left.
    const recipients = [...selected.value].filter((id) => joined.get(id)! <= t && (left.get(id) ?? Infinity) > t);
    if (recipients.length === 0) continue;
    const closes = (category === 'missing_person' || category === 'wanted_person' || category === 'wanted_vehicle') && rnd() < 0.6;
    const closeAt = t + (1 + rnd() * 30) * 3_600_000;
    const main = await writeAlert({ kind: 'alert', parent: null, category, text: TEXTS[category], area, releasedMs: t, recipients, status: closes && closeAt < nowMs ? 'closed' : 'sent' });
    stats.alerts++;
    if (closes && closeAt < nowMs) {
      await writeAlert({ kind: 'close', parent: main.id, category, text: CLOSE_TEXT, area, releasedMs: closeAt, recipients, status: 'sent' });
      stats.followUps++;
    }
    // Outcomes for most alerts older than a week.
    if (t < nowMs - 7 * DAY && rnd() < 0.85) {
      const outcome = outcomeFor(category, rnd);
      const helped = main.tips > 0 ? rnd() < 0.45 : rnd() < 0.5 ? false : null;
      await db.run(
        'INSERT INTO alert_outcomes (alert_id, outcome, tips_helped, note, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?)',
        [main.id, outcome, helped === null ? null : helped ? 1 : 0, helped ? 'Tip fra borger førte os på sporet.' : '', opts.approver, iso(Math.min(nowMs, t + (1 + rnd() * 6) * DAY))],
      );
      stats.outcomes++;
    }
  }
  opts.progress?.(
    `History: ${stats.alerts} alerts and ${stats.followUps} follow-ups over the year (${stats.messages.toLocaleString('en')} messages, ${stats.tips} tips, ${stats.outcomes} outcomes).`,
  );
  return stats;
}

function outcomeFor(category: Category, rnd: () => number): string {
  const table: Record<Category, [string, number][]> = {
    missing_person: [['found', 0.85], ['unknown', 0.1], ['other', 0.05]],
    wanted_person: [['arrested', 0.4], ['no_result', 0.35], ['unknown', 0.25]],
    wanted_vehicle: [['found', 0.35], ['arrested', 0.15], ['no_result', 0.35], ['unknown', 0.15]],
    burglary: [['arrested', 0.1], ['solved', 0.12], ['no_result', 0.48], ['unknown', 0.3]],
    fraud: [['arrested', 0.1], ['no_result', 0.4], ['unknown', 0.5]],
    traffic: [['other', 0.6], ['unknown', 0.4]],
    prevention: [['unknown', 0.8], ['other', 0.2]],
    general: [['unknown', 0.7], ['other', 0.3]],
  };
  return pick(rnd, table[category]);
}
