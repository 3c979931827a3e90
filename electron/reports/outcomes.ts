/**
 * The outcome of a sent alert, as an officer records it: what came of it, whether tips
 * helped, a note. One per alert (a later record replaces it); audited in the same
 * transaction. The note may be anything the officer writes, so the trail holds its length only.
 */
import { TrykError } from '../../shared/bridge/result';
import type { Outcome } from '../../shared/reports/schema';
import { appendAudit } from '../audit/service';
import type { Db } from '../store/db';

export const NOTE_MAX = 2000;

export interface OutcomeInput {
  alertId: number;
  outcome: Outcome;
  tipsHelped: boolean | null;
  note: string;
}

export async function recordOutcome(db: Db, input: OutcomeInput, officer: { id: number; username: string }, at: Date, via: 'console' | 'cli'): Promise<void> {
  if (input.note.length > NOTE_MAX) throw new TrykError('bad_request', `The note is longer than ${NOTE_MAX} characters`, { field: 'note' });
  await db.transaction(async (tx) => {
    const alert = await tx.get<{ status: string; released_at: string | null }>('SELECT status, released_at FROM alerts WHERE id = ?', [input.alertId]);
    if (!alert) throw new TrykError('not_found', `No alert with id ${input.alertId}`);
    if (!alert.released_at) {
      throw new TrykError('conflict', `Alert ${input.alertId} never went out (it is ${alert.status}): an outcome belongs to a sent alert`, { status: alert.status });
    }
    const previous = await tx.get<{ outcome: string }>('SELECT outcome FROM alert_outcomes WHERE alert_id = ?', [input.alertId]);
    await tx.run(
      `INSERT INTO alert_outcomes (alert_id, outcome, tips_helped, note, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (alert_id) DO UPDATE SET outcome = excluded.outcome, tips_helped = excluded.tips_helped, note = excluded.note,
         recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at`,
      [input.alertId, input.outcome, input.tipsHelped === null ? null : input.tipsHelped ? 1 : 0, input.note, officer.id, at.toISOString()],
    );
    await appendAudit(tx, {
      at,
      officer: officer.username,
      action: 'outcome_recorded',
      subject: `alert:${input.alertId}`,
      details: { via, outcome: input.outcome, tipsHelped: input.tipsHelped, noteLength: input.note.length, ...(previous ? { replaced: previous.outcome } : {}) },
    });
  });
}
