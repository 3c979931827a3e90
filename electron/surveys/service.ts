/**
 * Surveys of the citizen panel: drafted by an officer, approved by a second officer with the
 * approver role (four eyes), sent through the dispatch engine's durable outbox as a send
 * `survey:<id>` (the recipients frozen in the store first, the send found by its ref after a
 * crash: never twice), answered by SMS while open, closed with a tally. Every step audited.
 *
 * Answers are read in the inbound intake's transaction (takeSurveyAnswer below): a message
 * from a recipient of an open survey that reads as an answer is counted (the last one per
 * person and question counts); one that does not is left to be a tip and counted as invalid.
 */
import { randomInt } from 'node:crypto';
import { TrykError } from '../../shared/bridge/result';
import { SurveyDraft, SurveyQuestion, parseSurveyAnswer, surveySmsText, tallyAnswers } from '../../shared/surveys/schema';
import type { SurveyAudience, SurveyResults, SurveyState, SurveySummary } from '../../shared/surveys/schema';
import { appendAudit } from '../audit/service';
import type { AuditAction } from '../audit/service';
import type { DispatchEngine } from '../dispatch/engine';
import type { Db, Queryable } from '../store/db';
import type { TargetingClient } from '../targeting/client';

export interface SurveyActor {
  id: number;
  username: string;
  roles: readonly string[];
}

/** A survey's SMS may wait at the SMSC this long (a phone off for the evening still gets it). */
export const SURVEY_VALIDITY_MINUTES = 720;

interface Row {
  id: number;
  title: string;
  language: 'da' | 'en';
  questions: string;
  audience: string;
  sms_text: string;
  state: SurveyState;
  created_by: number;
  created_at: string;
  approved_by: number | null;
  approved_at: string | null;
  sent_at: string | null;
  closed_at: string | null;
  send_id: number | null;
  invalid: number;
  creator: string;
  approver: string | null;
  recipients: number;
  respondents: number;
}

const SELECT = `SELECT s.*, c.username AS creator, a.username AS approver,
    (SELECT count(*) FROM survey_recipients r WHERE r.survey_id = s.id) AS recipients,
    (SELECT count(DISTINCT subscriber_id) FROM survey_answers x WHERE x.survey_id = s.id) AS respondents
  FROM surveys s JOIN officers c ON c.id = s.created_by LEFT JOIN officers a ON a.id = s.approved_by`;

const questionsOf = (r: { questions: string }) => SurveyQuestion.array().parse(JSON.parse(r.questions));

function summary(r: Row): SurveySummary {
  const audience = JSON.parse(r.audience) as SurveyAudience;
  return {
    id: r.id,
    title: r.title,
    language: r.language,
    state: r.state,
    questions: questionsOf(r),
    audience: audience.kind === 'panel' ? `panel:${audience.group}` : `sample:${audience.size}`,
    createdBy: r.creator,
    createdAt: r.created_at,
    approvedBy: r.approver,
    approvedAt: r.approved_at,
    sentAt: r.sent_at,
    closedAt: r.closed_at,
    sendId: r.send_id,
    recipients: r.recipients,
    respondents: r.respondents,
    invalid: r.invalid,
    smsText: r.sms_text,
  };
}

export interface SurveyService {
  create(actor: SurveyActor, draft: unknown): Promise<SurveySummary>;
  approve(actor: SurveyActor, id: number): Promise<SurveySummary>;
  /** Freezes the recipients and marks the survey for sending; the pump hands it to the engine. */
  send(actor: SurveyActor, id: number, targeting: () => Promise<TargetingClient>): Promise<SurveySummary>;
  close(actor: SurveyActor, id: number): Promise<SurveySummary>;
  list(): Promise<SurveySummary[]>;
  get(id: number): Promise<SurveySummary>;
  results(id: number): Promise<SurveyResults>;
  /** Hands surveys marked for sending to the engine, each once; returns the send ids started. */
  pump(engine: DispatchEngine, gateway: string | null): Promise<number[]>;
}

const canWork = (a: SurveyActor) => a.roles.some((r) => r === 'operator' || r === 'approver');

export function surveyService(db: Db, now: () => Date = () => new Date()): SurveyService {
  async function row(q: Queryable, id: number): Promise<Row> {
    const r = await q.get<Row>(`${SELECT} WHERE s.id = ?`, [id]);
    if (!r) throw new TrykError('not_found', `No survey ${id}`);
    return r;
  }
  const audit = (q: Queryable, actor: SurveyActor, action: AuditAction, id: number, details: Record<string, unknown> = {}) =>
    appendAudit(q, { at: now(), officer: actor.username, action, subject: `survey:${id}`, details });
  const expect = (r: Row, state: SurveyState, verb: string) => {
    if (r.state !== state) throw new TrykError('conflict', `Only a survey in state ${state} can be ${verb} (survey ${r.id} is ${r.state})`, { state: r.state });
  };

  // One pass at a time: two passes could release the same survey twice.
  let chain: Promise<number[]> = Promise.resolve([]);

  const service: SurveyService = {
    async create(actor, input) {
      if (!canWork(actor)) throw new TrykError('forbidden', 'Only an operator or shift leader drafts a survey');
      const parsed = SurveyDraft.safeParse(input);
      if (!parsed.success) throw new TrykError('bad_request', `The survey is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, { issues: parsed.error.issues.slice(0, 10) });
      const d = parsed.data;
      if (d.audience.kind === 'panel') {
        const g = await db.get('SELECT 1 AS x FROM groups WHERE code = ?', [d.audience.group]);
        if (!g) throw new TrykError('bad_request', `No subscriber group "${d.audience.group}"`, { field: 'audience.group' });
      }
      const at = now().toISOString();
      const id = await db.transaction(async (tx) => {
        const r = await tx.run(
          'INSERT INTO surveys (title, language, questions, audience, sms_text, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
          [d.title, d.language, JSON.stringify(d.questions), JSON.stringify(d.audience), surveySmsText(d.questions, d.language), actor.id, at],
        );
        await audit(tx, actor, 'survey_created', r.lastID, { questions: d.questions.length, audience: d.audience.kind });
        return r.lastID;
      });
      return summary(await row(db, id));
    },

    async approve(actor, id) {
      if (!actor.roles.includes('approver')) throw new TrykError('forbidden', 'Only a shift leader (approver) approves a survey');
      await db.transaction(async (tx) => {
        const r = await row(tx, id);
        expect(r, 'draft', 'approved');
        if (r.created_by === actor.id) throw new TrykError('forbidden', 'A second officer must approve: you drafted this survey', { fourEyes: true });
        await tx.run("UPDATE surveys SET state = 'approved', approved_by = ?, approved_at = ? WHERE id = ?", [actor.id, now().toISOString(), id]);
        await audit(tx, actor, 'survey_approved', id);
      });
      return service.get(id);
    },

    async send(actor, id, targeting) {
      if (!canWork(actor)) throw new TrykError('forbidden', 'Only an operator or shift leader sends a survey');
      const r = await row(db, id);
      expect(r, 'approved', 'sent');
      const audience = JSON.parse(r.audience) as SurveyAudience;
      let ids: number[];
      if (audience.kind === 'panel') {
        ids = (
          await db.all<{ id: number }>(
            `SELECT s.id FROM subscribers s JOIN subscriber_groups sg ON sg.subscriber_id = s.id JOIN groups g ON g.id = sg.group_id
              WHERE g.code = ? AND s.status = 'active' ORDER BY s.id`,
            [audience.group],
          )
        ).map((x) => x.id);
      } else {
        const sel = await (await targeting()).selectRecipients(audience.area);
        if (!sel.ok) throw new TrykError('bad_request', sel.error.message, { area: sel.error.code });
        // Drawn in random order until N active ones are found: the index may lag a registry
        // write by a moment, and only active subscribers are asked.
        ids = await activeSample(db, Array.from(sel.value), audience.size);
      }
      if (ids.length === 0) throw new TrykError('bad_request', 'Nobody to ask: the panel or area has no active subscribers', { recipients: 0 });
      await db.transaction(async (tx) => {
        const again = await row(tx, id);
        expect(again, 'approved', 'sent');
        for (let i = 0; i < ids.length; i += 400) {
          const chunk = ids.slice(i, i + 400);
          await tx.run(`INSERT OR IGNORE INTO survey_recipients (survey_id, subscriber_id) VALUES ${chunk.map(() => '(?, ?)').join(', ')}`, chunk.flatMap((s) => [id, s]));
        }
        await tx.run("UPDATE surveys SET state = 'sending', sent_by = ?, sent_at = ? WHERE id = ?", [actor.id, now().toISOString(), id]);
        await audit(tx, actor, 'survey_sent', id, { recipients: ids.length, audience: audience.kind === 'panel' ? `panel:${audience.group}` : `sample:${audience.size}` });
      });
      return service.get(id);
    },

    async close(actor, id) {
      if (!canWork(actor)) throw new TrykError('forbidden', 'Only an operator or shift leader closes a survey');
      await db.transaction(async (tx) => {
        const r = await row(tx, id);
        if (r.state !== 'open' && r.state !== 'sending') expect(r, 'open', 'closed');
        await tx.run("UPDATE surveys SET state = 'closed', closed_by = ?, closed_at = ? WHERE id = ?", [actor.id, now().toISOString(), id]);
        await audit(tx, actor, 'survey_closed', id, { respondents: r.respondents, recipients: r.recipients, invalid: r.invalid });
      });
      return service.get(id);
    },

    async list() {
      return (await db.all<Row>(`${SELECT} ORDER BY s.id DESC LIMIT 200`)).map(summary);
    },

    async get(id) {
      return summary(await row(db, id));
    },

    async results(id) {
      const r = await row(db, id);
      // Grouped in the store: a survey of the whole panel reads a dozen rows, not every answer.
      const answers = await db.all<{ question: number; value: string; count: number }>(
        'SELECT question, value, count(*) AS count FROM survey_answers WHERE survey_id = ? GROUP BY question, value',
        [id],
      );
      return { ...summary(r), tally: tallyAnswers(questionsOf(r), answers) };
    },

    pump(engine, gateway) {
      chain = chain
        .catch(() => [])
        .then(async () => {
          const started: number[] = [];
          const due = await db.all<{ id: number; sms_text: string }>("SELECT id, sms_text FROM surveys WHERE state = 'sending' ORDER BY id");
          for (const s of due) {
            const ref = `survey:${s.id}`;
            let sendId = (await db.get<{ id: number }>('SELECT id FROM sends WHERE alert_ref = ? ORDER BY id LIMIT 1', [ref]))?.id;
            if (sendId === undefined) {
              if (!gateway) return started;
              const recipients = (await db.all<{ s: number }>('SELECT subscriber_id AS s FROM survey_recipients WHERE survey_id = ? ORDER BY subscriber_id', [s.id])).map((x) => x.s);
              const released = await engine.release({
                alertRef: ref,
                text: s.sms_text,
                recipients,
                priority: 'routine',
                validityMinutes: SURVEY_VALIDITY_MINUTES,
                primary: gateway,
                respectQuietHours: true,
              });
              sendId = released.sendId;
              started.push(sendId);
            }
            await db.run("UPDATE surveys SET state = 'open', send_id = ? WHERE id = ? AND state = 'sending'", [sendId, s.id]);
          }
          return started;
        });
      return chain;
    },
  };
  return service;
}

/** N active subscribers of the ids, drawn uniformly at random (shuffled lazily, checked 500 at a time). */
async function activeSample(db: Db, ids: number[], n: number): Promise<number[]> {
  const a = ids.slice();
  const out: number[] = [];
  let next = 0;
  while (out.length < n && next < a.length) {
    const end = Math.min(a.length, next + Math.max(50, Math.min(500, (n - out.length) * 2)));
    for (let i = next; i < end; i++) {
      const j = i + randomInt(a.length - i);
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
    const chunk = a.slice(next, end);
    next = end;
    const rows = await db.all<{ id: number }>(`SELECT id FROM subscribers WHERE status = 'active' AND id IN (${chunk.map(() => '?').join(', ')})`, chunk);
    const active = new Set(rows.map((r) => r.id));
    for (const id of chunk) if (active.has(id) && out.length < n) out.push(id);
  }
  return out.sort((x, y) => x - y);
}

/**
 * In the intake's transaction: a message from a recipient of an open survey (the latest sent
 * to them). 'answered' when it read as an answer (stored, replacing the person's earlier one);
 * 'invalid' when it did not (counted; the intake keeps it as a tip); null when the sender has
 * no open survey (an ordinary tip).
 */
export async function takeSurveyAnswer(tx: Queryable, phone: string, text: string, at: Date): Promise<{ kind: 'answered' | 'invalid'; surveyId: number } | null> {
  const open = await tx.get<{ id: number; questions: string; subscriber_id: number }>(
    `SELECT s.id, s.questions, r.subscriber_id FROM subscribers p
       JOIN survey_recipients r ON r.subscriber_id = p.id
       JOIN surveys s ON s.id = r.survey_id
      WHERE p.phone = ? AND s.state = 'open' ORDER BY s.sent_at DESC, s.id DESC LIMIT 1`,
    [phone],
  );
  if (!open) return null;
  const values = parseSurveyAnswer(text, questionsOf(open));
  if (!values) {
    await tx.run('UPDATE surveys SET invalid = invalid + 1 WHERE id = ?', [open.id]);
    return { kind: 'invalid', surveyId: open.id };
  }
  for (const [question, value] of values.entries()) {
    await tx.run(
      `INSERT INTO survey_answers (survey_id, subscriber_id, question, value, answered_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (survey_id, subscriber_id, question) DO UPDATE SET value = excluded.value, answered_at = excluded.answered_at
         WHERE excluded.answered_at >= survey_answers.answered_at`,
      [open.id, open.subscriber_id, question, value, at.toISOString()],
    );
  }
  return { kind: 'answered', surveyId: open.id };
}

