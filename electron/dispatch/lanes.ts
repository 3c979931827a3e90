/**
 * Lanes: one per gateway. How much each may take (its window under flow control), what its
 * answers say about it (throttled, failing), when a send moves to its fallback, and claiming
 * queued rows for each lane's free window — urgent sends first, then the oldest.
 */
import type { Gateway, SubmitOutcome } from '../gateways/gateway';
import type { Queryable } from '../store/db';
import { appendLog, iso, updateWhereIn } from './outbox';
import { FlowControl, isConnectionError, isThrottle } from './policy';
import { isOpen } from './runtime';
import type { Claimed, Deltas, DispatchLogger, DispatchTuning, GatewayAttention, Lane, Recorded, SendRuntime } from './runtime';

export function createLane(name: string, gateway: Gateway): Lane {
  return {
    name,
    gateway,
    flow: new FlowControl(),
    inFlight: 0,
    connected: gateway.capacity().window > 0,
    unavailableSince: null,
    errorStreak: 0,
    failingSince: null,
    refusals: null,
    attention: null,
    unsubs: [],
  };
}

export function laneWindow(lane: Lane, maxWindow: number): number {
  const cap = lane.gateway.capacity();
  return Math.min(maxWindow, Math.max(0, cap.window));
}

/** Learns from one answer; returns when the lane may take more again after a throttle, else null. */
export function noteFlow(lane: Lane, outcome: SubmitOutcome, t: number, maxWindow: number): number | null {
  const window = laneWindow(lane, maxWindow);
  if (outcome.kind === 'accepted') {
    lane.flow.succeeded(window);
    lane.errorStreak = 0;
    lane.failingSince = null;
    return null;
  }
  if (isThrottle(outcome)) return lane.flow.throttled(window, lane.inFlight, t);
  if (outcome.temporary && isConnectionError(outcome)) {
    lane.errorStreak++;
    lane.failingSince ??= t;
  }
  return null;
}

type FailoverTuning = Pick<DispatchTuning, 'maxWindow' | 'failoverAfterMs' | 'failoverAfterErrors'>;

function failoverReason(lane: Lane, t: number, tuning: FailoverTuning): string | null {
  const available = lane.connected && laneWindow(lane, tuning.maxWindow) > 0;
  if (available) lane.unavailableSince = null;
  else lane.unavailableSince ??= t;
  if (lane.unavailableSince !== null && t - lane.unavailableSince >= tuning.failoverAfterMs) return 'unavailable';
  if (lane.errorStreak >= tuning.failoverAfterErrors && lane.failingSince !== null && t - lane.failingSince >= tuning.failoverAfterMs / 2) {
    return 'refusing';
  }
  return null;
}

/** Moves the rest of each send off a lane that has been unavailable or refusing long enough. */
export async function failover(
  tx: Queryable,
  lanes: ReadonlyMap<string, Lane>,
  sends: Iterable<SendRuntime>,
  t: number,
  d: Deltas,
  tuning: FailoverTuning,
  log: DispatchLogger,
): Promise<void> {
  const list = [...sends];
  for (const lane of lanes.values()) {
    const why = failoverReason(lane, t, tuning);
    if (!why) continue;
    for (const s of list) {
      const { row } = s;
      if (!isOpen(s) || s.switched || row.active_gateway !== lane.name) continue;
      if (!row.fallback_gateway || row.fallback_gateway === lane.name || !lanes.has(row.fallback_gateway)) continue;
      if (row.state !== 'sending' && row.state !== 'paused') continue;
      if (s.counts.queued + s.counts.deferred + s.counts.submitting === 0) continue;
      await tx.run('UPDATE sends SET active_gateway = ? WHERE id = ?', [row.fallback_gateway, row.id]);
      await appendLog(tx, row.id, t, 'gateway_switch', s.counts.queued + s.counts.deferred, {
        from: lane.name,
        to: row.fallback_gateway,
        reason: why,
      });
      d.sendUpdates.set(row.id, { ...d.sendUpdates.get(row.id), active_gateway: row.fallback_gateway });
      log.info(`send ${row.id}: moved from gateway ${lane.name} to ${row.fallback_gateway} (${why})`);
    }
  }
}

/**
 * Claims queued rows for each lane's free window (the rows answered in this turn free their
 * slots). A lane with no room asks to be woken when its throttle ends.
 */
export async function claim(
  tx: Queryable,
  lanes: ReadonlyMap<string, Lane>,
  sends: Iterable<SendRuntime>,
  t: number,
  d: Deltas,
  answered: readonly Recorded[],
  maxWindow: number,
  wakeUpAt: (at: number) => void,
): Promise<Claimed[]> {
  const freedByLane = new Map<string, number>();
  for (const r of answered) freedByLane.set(r.row.lane.name, (freedByLane.get(r.row.lane.name) ?? 0) + 1);
  // Urgent sends first, then the oldest: a later urgent alert overtakes a routine one.
  const order = [...sends]
    .filter((s) => isOpen(s) && s.row.state === 'sending' && d.sendUpdates.get(s.row.id)?.state !== 'paused' && s.counts.queued > 0)
    .sort((a, b) => (a.row.priority === b.row.priority ? a.row.id - b.row.id : a.row.priority === 'urgent' ? -1 : 1));
  const out: Claimed[] = [];
  for (const lane of lanes.values()) {
    if (laneNow(lane, d).attention) continue; // nothing more to a gateway that refuses everything
    const inFlight = lane.inFlight - (freedByLane.get(lane.name) ?? 0);
    let free = lane.flow.window(laneWindow(lane, maxWindow), t) - inFlight;
    if (free <= 0) {
      const resume = lane.flow.resumeAt(t);
      if (resume) wakeUpAt(resume);
      continue;
    }
    for (const s of order) {
      if (free <= 0) break;
      if (s.row.active_gateway !== lane.name) continue;
      const rows = await tx.all<{ id: number; phone: string; attempts: number; variant: number }>(
        `SELECT id, phone, attempts, variant FROM outbox WHERE send_id = ? AND state = 'queued' AND next_attempt_at <= ?
          ORDER BY next_attempt_at, id LIMIT ?`,
        [s.row.id, t, free],
      );
      if (rows.length === 0) continue;
      await updateWhereIn(tx, "UPDATE outbox SET state = 'submitting', gateway = ?, updated_at = ?", [lane.name, t], 'id', rows.map((r) => r.id));
      d.move(s.row.id, 'queued', 'submitting', rows.length);
      for (const r of rows) out.push({ id: r.id, sendId: s.row.id, phone: r.phone, attempts: r.attempts, variant: r.variant, lane });
      free -= rows.length;
    }
  }
  return out;
}

/** A lane as it stands in this turn: its committed state, or what the turn changed. */
export const laneNow = (lane: Lane, d: Deltas): Pick<Lane, 'refusals' | 'attention'> => d.laneUpdates.get(lane) ?? lane;

/**
 * Follows each lane's run of refusals about the gateway through this turn's answers: an
 * accept ends the run, another code starts a new one; `limit` alike in a row put the lane
 * in need of attention, with the gateway's own words.
 */
export function noteGatewayRefusals(answered: readonly Recorded[], d: Deltas, t: number, limit: number): void {
  for (const { row, outcome } of answered) {
    const lane = row.lane;
    const now = laneNow(lane, d);
    if (outcome.kind === 'accepted') {
      if (now.refusals) d.laneUpdates.set(lane, { ...now, refusals: null });
      continue;
    }
    if (outcome.about !== 'gateway') continue;
    const count = now.refusals?.code === outcome.code ? now.refusals.count + 1 : 1;
    const attention: GatewayAttention | null =
      now.attention ?? (count >= limit ? { gateway: lane.name, code: outcome.code, reason: outcome.reason, since: iso(t) } : null);
    d.laneUpdates.set(lane, { refusals: { code: outcome.code, count }, attention });
  }
}

/**
 * Pauses every sending send on a lane that needs attention (the rest of its recipients stay
 * queued), unless the send can still move to a fallback that is not refusing too: failover
 * takes those. Logged with the gateway's words so the monitor and the CLI can show them.
 */
export async function pauseForAttention(
  tx: Queryable,
  lanes: ReadonlyMap<string, Lane>,
  sends: Iterable<SendRuntime>,
  t: number,
  d: Deltas,
  log: DispatchLogger,
): Promise<void> {
  for (const s of sends) {
    const { row } = s;
    if (!isOpen(s) || row.state !== 'sending' || d.sendUpdates.get(row.id)?.state === 'paused') continue;
    const lane = lanes.get(row.active_gateway);
    const attention = lane ? laneNow(lane, d).attention : null;
    if (!lane || !attention) continue;
    const fallback = row.fallback_gateway ? lanes.get(row.fallback_gateway) : undefined;
    if (!s.switched && fallback && fallback !== lane && !laneNow(fallback, d).attention) continue;
    await tx.run("UPDATE sends SET state = 'paused' WHERE id = ? AND state = 'sending'", [row.id]);
    await appendLog(tx, row.id, t, 'paused_gateway', s.counts.queued, { gateway: attention.gateway, code: attention.code, reason: attention.reason });
    d.sendUpdates.set(row.id, { ...d.sendUpdates.get(row.id), state: 'paused' });
    d.attention.set(row.id, attention);
    log.warn(`send ${row.id}: paused, gateway ${attention.gateway} refuses every message (${attention.code}: ${attention.reason})`);
  }
}
