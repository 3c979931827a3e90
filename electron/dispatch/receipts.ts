/**
 * Delivery receipts: what a receipt means for its part, the in-memory index of recently
 * accepted messages that lets most receipts skip a lookup, and writing a batch of receipts to
 * the outbox (a multi-part message is delivered when every part is).
 */
import type { DeliveryReceipt } from '../gateways/gateway';
import type { Queryable } from '../store/db';
import { chunks, placeholders, selectWhereIn, updateWhereIn } from './outbox';
import type { OutboxState } from './outbox';
import type { Claimed, Deltas, PendingReceipt } from './runtime';

export type PartFinal = { state: 'delivered' | 'failed' | 'expired'; reason: string | null };

export function receiptPartState(r: DeliveryReceipt): PartFinal | null {
  if (!r.final) return null;
  const err = r.errorCode && !/^0+$/.test(r.errorCode) ? `:${r.errorCode}` : '';
  switch (r.state) {
    case 'delivered':
      return { state: 'delivered', reason: null };
    case 'expired':
      return { state: 'expired', reason: `${r.stat ?? 'EXPIRED'}${err}` };
    case 'failed':
      return { state: 'failed', reason: `${r.stat ?? 'FAILED'}${err}` };
    case 'unknown':
      return { state: 'failed', reason: `${r.stat ?? 'UNKNOWN'}${err}` };
    default:
      return null;
  }
}

export const receiptKey = (gateway: string, messageId: string) => `${gateway}\u0000${messageId}`;

/**
 * Recently accepted single-part messages by gateway and id, so most receipts find their row
 * without a lookup. Bounded; a receipt that misses it takes the lookup in the store.
 */
export class RecentMessages {
  private readonly map = new Map<string, { outboxId: number; sendId: number }>();
  constructor(private readonly max = 200_000) {}

  remember(row: Claimed, messageIds: readonly string[]): void {
    if (messageIds.length !== 1) return;
    this.map.set(receiptKey(row.lane.name, messageIds[0]!), { outboxId: row.id, sendId: row.sendId });
    if (this.map.size > this.max) {
      const oldest = this.map.keys().next().value;
      if (oldest !== undefined) this.map.delete(oldest);
    }
  }

  get(key: string) {
    return this.map.get(key);
  }

  forget(keys: readonly string[]): void {
    for (const k of keys) this.map.delete(k);
  }
}

function groupBy<T>(items: Iterable<T>, key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

export interface ReceiptContext {
  recent: RecentMessages;
  /** How many parts a send's message has (1 unless it is long). */
  segmentsOf(sendId: number): number;
}

/**
 * Writes receipts; returns those that matched no part (yet). Memory is not touched: what the
 * receipts change goes into the turn's deltas, applied when the turn commits.
 */
export async function writeReceipts(tx: Queryable, all: readonly PendingReceipt[], t: number, d: Deltas, ctx: ReceiptContext): Promise<PendingReceipt[]> {
  if (all.length === 0) return [];
  const unmatched: PendingReceipt[] = [];
  const list: PendingReceipt[] = [];
  // Single-part messages known in memory: one UPDATE per outcome kind, no lookups. The
  // part's own row keeps 'accepted': only multi-part messages need part states.
  const direct = new Map<string, { state: OutboxState; reason: string | null; ids: number[] }>();
  for (const p of all) {
    const final = receiptPartState(p.receipt);
    if (!final) continue;
    let hit: { outboxId: number; sendId: number } | undefined;
    let key = '';
    for (const id of [p.receipt.messageId, ...p.receipt.altMessageIds]) {
      key = receiptKey(p.lane.name, id);
      hit = ctx.recent.get(key);
      if (hit) break;
    }
    if (!hit) {
      list.push(p);
      continue;
    }
    d.usedReceiptKeys.push(key);
    const k = `${final.state}|${final.reason ?? ''}`;
    let g = direct.get(k);
    if (!g) direct.set(k, (g = { state: final.state, reason: final.reason, ids: [] }));
    g.ids.push(hit.outboxId);
  }
  for (const g of direct.values()) {
    for (const part of chunks(g.ids)) {
      const changed = await tx.all<{ send_id: number }>(
        `UPDATE outbox SET state = ?, reason_code = ?, updated_at = ? WHERE state = 'accepted' AND id IN (${placeholders(part.length)}) RETURNING send_id`,
        [g.state, g.reason, t, ...part],
      );
      for (const r of changed) d.move(r.send_id, 'accepted', g.state, 1, g.reason);
    }
  }
  if (list.length === 0) return unmatched;
  const touched = new Map<number, PartFinal>();
  for (const [laneName, items] of groupBy(list, (p) => p.lane.name)) {
    const ids = new Set<string>();
    for (const p of items) {
      ids.add(p.receipt.messageId);
      for (const alt of p.receipt.altMessageIds) ids.add(alt);
    }
    const found = await selectWhereIn<{ message_id: string; outbox_id: number }>(
      tx,
      'SELECT message_id, outbox_id FROM outbox_parts WHERE gateway = ? AND',
      [laneName],
      'message_id',
      [...ids],
    );
    const byId = new Map(found.map((f) => [f.message_id, f.outbox_id]));
    const partUpdates = new Map<string, { state: string; reason: string | null; ids: string[] }>();
    for (const p of items) {
      const r = p.receipt;
      const matchedId = [r.messageId, ...r.altMessageIds].find((id) => byId.has(id));
      if (matchedId === undefined) {
        unmatched.push(p);
        continue;
      }
      const final = receiptPartState(r);
      if (!final) continue; // enroute / accepted: nothing changes yet
      const key = `${final.state}|${final.reason ?? ''}`;
      let u = partUpdates.get(key);
      if (!u) partUpdates.set(key, (u = { state: final.state, reason: final.reason, ids: [] }));
      u.ids.push(matchedId);
      touched.set(byId.get(matchedId) as number, final);
    }
    for (const u of partUpdates.values()) {
      await updateWhereIn(tx, 'UPDATE outbox_parts SET state = ?, reason_code = ?', [u.state, u.reason, laneName], 'gateway = ? AND message_id', u.ids);
    }
  }
  if (touched.size === 0) return unmatched;
  const rows = await selectWhereIn<{ id: number; send_id: number; state: OutboxState }>(tx, 'SELECT id, send_id, state FROM outbox WHERE', [], 'id', [
    ...touched.keys(),
  ]);
  const accepted = rows.filter((r) => r.state === 'accepted');
  // A message in several parts is delivered only when every part is; any failed or
  // expired part decides its fate at once.
  const multi = accepted.filter((r) => ctx.segmentsOf(r.send_id) > 1).map((r) => r.id);
  const partsOf = new Map<number, { state: string; reason_code: string | null }[]>();
  if (multi.length) {
    const all = await selectWhereIn<{ outbox_id: number; state: string; reason_code: string | null }>(
      tx,
      'SELECT outbox_id, state, reason_code FROM outbox_parts WHERE',
      [],
      'outbox_id',
      multi,
    );
    for (const p of all) {
      const list = partsOf.get(p.outbox_id);
      if (list) list.push(p);
      else partsOf.set(p.outbox_id, [p]);
    }
  }
  const finals = new Map<string, { state: OutboxState; reason: string | null; rows: typeof accepted }>();
  for (const r of accepted) {
    let result: { state: OutboxState; reason: string | null } | null = touched.get(r.id) ?? null;
    const parts = partsOf.get(r.id);
    if (parts) {
      const bad = parts.find((p) => p.state === 'failed') ?? parts.find((p) => p.state === 'expired');
      if (bad) result = { state: bad.state as OutboxState, reason: bad.reason_code };
      else if (parts.every((p) => p.state === 'delivered')) result = { state: 'delivered', reason: null };
      else result = null;
    }
    if (!result) continue;
    const key = `${result.state}|${result.reason ?? ''}`;
    let g = finals.get(key);
    if (!g) finals.set(key, (g = { ...result, rows: [] }));
    g.rows.push(r);
  }
  for (const g of finals.values()) {
    await updateWhereIn(tx, 'UPDATE outbox SET state = ?, reason_code = ?, updated_at = ?', [g.state, g.reason, t], 'id', g.rows.map((r) => r.id));
    for (const r of g.rows) d.move(r.send_id, 'accepted', g.state, 1, g.reason);
  }
  return unmatched;
}
